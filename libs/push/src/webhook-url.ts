import { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may be sent. Organizations choose their webhook URLs, so without this the
 * platform could be made to call its own internal services (or its cloud's metadata endpoint).
 *
 * - only `http:`/`https:`, no user name or password in the URL, port 80, 443 or 1024-65535;
 * - the host is resolved first (an address literal, in whatever form the URL parser accepts —
 *   `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1` — is that address) and **every** address it
 *   resolves to must be ordinary unicast as ipaddr.js classifies it: loopback, private, link-local,
 *   carrier-grade NAT, unspecified, broadcast, multicast, reserved, documentation, benchmarking
 *   (198.18.0.0/15), unique-local, discard, Teredo, ORCHID… are all refused; an IPv6 address must
 *   moreover lie in global unicast space (2000::/3), which refuses IPv4-compatible `::a.b.c.d`;
 * - an IPv4 address carried in IPv6 is classified as that IPv4 address: IPv4-mapped
 *   (`::ffff:127.0.0.1`), NAT64 with the well-known prefix (`64:ff9b::7f00:1`) and 6to4
 *   (`2002:7f00:1::`); IPv4-translated (`::ffff:0:a.b.c.d`) and local-use NAT64 (64:ff9b:1::/48)
 *   are refused outright;
 * - names under `localhost` are refused without a lookup.
 *
 * The check returns the addresses it approved; the sender connects to one of those (webhook-sender.ts),
 * never resolving the name again, so a DNS answer that changes between check and connection
 * (rebinding) cannot redirect the request.
 *
 * PUSH_WEBHOOK_ALLOW_PRIVATE=true (default false) lifts the address classification only — for tests
 * that deliver to a local listener, or a bureau whose organizations' systems sit on its own
 * network; scheme, credentials and port rules still apply, and the sender still connects to the
 * address it resolved.
 */

/** Resolves a host name to its addresses (the default is the system resolver, as connections use). */
export type WebhookResolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface WebhookAddressPolicy {
  /** Let webhooks reach loopback, private and other non-public addresses. Default: PUSH_WEBHOOK_ALLOW_PRIVATE=true. */
  allowPrivate?: boolean;
  /** How host names are resolved. Default: the system resolver (getaddrinfo). */
  resolve?: WebhookResolver;
}

/** A webhook URL that passed the policy, with the addresses it was checked at. */
export interface CheckedWebhookTarget {
  url: URL;
  /** The host as the URL names it (brackets removed from an IPv6 literal). */
  hostname: string;
  /** Every address the host resolved to, each allowed; connections go to these only. */
  addresses: LookupAddress[];
}

/** A webhook URL the policy refuses; its message is Chinese first, then English in parentheses. */
export class WebhookUrlRefused extends Error {
  override readonly name = 'WebhookUrlRefused';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The policy's options from the environment: PUSH_WEBHOOK_ALLOW_PRIVATE=true allows non-public addresses. */
export function webhookPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookAddressPolicy {
  return { allowPrivate: env.PUSH_WEBHOOK_ALLOW_PRIVATE === 'true' };
}

export const systemResolver: WebhookResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/**
 * Why an address may not be a webhook's target (the ipaddr.js range, or the range of the IPv4
 * address it carries, e.g. `nat64→loopback`), or null when it is public unicast.
 */
export function nonPublicRange(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return 'unparsable';
  }
  if (ip.kind() === 'ipv4') {
    const range = ip.range();
    return range === 'unicast' ? null : range;
  }
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return carried('ipv4Mapped', v6.toIPv4Address());
  const range = v6.range();
  const bytes = v6.toByteArray();
  if (range === 'rfc6052' && v6.match(NAT64_WELL_KNOWN)) return carried('nat64', ipaddr.fromByteArray(bytes.slice(12, 16)) as ipaddr.IPv4);
  if (range === '6to4') return carried('6to4', ipaddr.fromByteArray(bytes.slice(2, 6)) as ipaddr.IPv4);
  if (range !== 'unicast') return range;
  return v6.match(GLOBAL_UNICAST_V6) ? null : 'notGlobalUnicast';
}

function carried(form: string, v4: ipaddr.IPv4): string | null {
  const range = v4.range();
  return range === 'unicast' ? null : `${form}→${range}`;
}

const PORTS_BELOW_1024 = new Set([80, 443]);

/**
 * Checks a webhook URL against the policy above and resolves its host; throws WebhookUrlRefused
 * (nothing else) when it may not be used. Called when an organization sets its URL and again,
 * with a fresh resolution, before each delivery.
 */
export async function checkWebhookUrl(url: string, policy: WebhookAddressPolicy = {}): Promise<CheckedWebhookTarget> {
  const allowPrivate = policy.allowPrivate ?? webhookPolicyFromEnv().allowPrivate;
  const resolve = policy.resolve ?? systemResolver;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlRefused('webhookUrl 不是有效的网址 (webhookUrl is not a valid URL)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new WebhookUrlRefused('webhookUrl 必须是 http(s) 网址 (webhookUrl must be http or https)', { scheme: parsed.protocol });
  if (parsed.username || parsed.password) throw new WebhookUrlRefused('webhookUrl 不能包含用户名或密码 (webhookUrl must not carry credentials)');
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (!allowPrivate && (name === 'localhost' || name.endsWith('.localhost'))) {
    throw new WebhookUrlRefused(`webhookUrl 指向本机 ${hostname}，不允许 (webhookUrl names the local host ${hostname}, an internal address)`, { host: hostname, range: 'loopback' });
  }
  let addresses: LookupAddress[];
  if (ipaddr.isValid(hostname)) {
    const ip = ipaddr.parse(hostname);
    addresses = [{ address: ip.toString(), family: ip.kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      addresses = [...(await resolve(hostname))];
    } catch {
      addresses = [];
    }
    if (!addresses.length) throw new WebhookUrlRefused(`webhookUrl 的主机 ${hostname} 无法解析 (the host ${hostname} does not resolve)`, { host: hostname });
  }
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const range = nonPublicRange(address);
      if (range !== null) {
        throw new WebhookUrlRefused(`webhookUrl 指向内部地址 ${address}（${range}），不允许 (webhookUrl resolves to the internal address ${address}, range ${range})`, { host: hostname, address, range });
      }
    }
  }
  // After the address: an internal target is named as such whatever its port.
  const port = parsed.port === '' ? null : Number(parsed.port);
  if (port !== null && port < 1024 && !PORTS_BELOW_1024.has(port)) {
    throw new WebhookUrlRefused(`webhookUrl 的端口 ${port} 不允许，只能是 80、443 或 1024-65535 (the port ${port} is not allowed: 80, 443 or 1024-65535 only)`, { port });
  }
  return { url: parsed, hostname, addresses };
}

/** checkWebhookUrl without the result, PUSH_WEBHOOK_ALLOW_PRIVATE read from `env`. */
export async function assertPublicWebhookUrl(url: string, env: NodeJS.ProcessEnv = process.env, resolve?: WebhookResolver): Promise<void> {
  await checkWebhookUrl(url, { ...webhookPolicyFromEnv(env), resolve });
}
