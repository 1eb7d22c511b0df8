import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a webhook must not reach: loopback, private, link-local, unique-local and unspecified ranges. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

/**
 * A webhook may only point at a public address, so that organizations cannot make the platform
 * call its own internal services. PUSH_WEBHOOK_ALLOW_PRIVATE=true lifts this (tests, or a bureau
 * whose organizations' systems sit on its own network). Checked when the URL is set and again,
 * after a fresh DNS lookup, before each delivery.
 */
export async function assertPublicWebhookUrl(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('webhookUrl 不是有效的网址 (webhookUrl is not a valid URL)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('webhookUrl 必须是 http(s) 网址 (webhookUrl must be http or https)');
  if (parsed.username || parsed.password) throw new Error('webhookUrl 不能包含用户名或密码 (webhookUrl must not carry credentials)');
  if (env.PUSH_WEBHOOK_ALLOW_PRIVATE === 'true') return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true }).catch(() => {
    throw new Error(`webhookUrl 的主机 ${host} 无法解析 (the host ${host} does not resolve)`);
  });
  for (const { address, family } of addresses) {
    if (PRIVATE.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
      throw new Error(`webhookUrl 指向内部地址 ${address}，不允许 (webhookUrl resolves to the internal address ${address})`);
    }
  }
}
