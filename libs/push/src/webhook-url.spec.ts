import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { checkWebhookUrl, nonPublicRange, WebhookResolver, WebhookUrlRefused } from './webhook-url';

/**
 * The webhook address policy, table-driven. Host names other than the machine's own are answered
 * by an injected resolver (a parameter of the policy, not a mock of dns), so nothing here leaves
 * this machine; the checks make no connection at all.
 */
const DNS: Record<string, string[]> = {
  'internal.example': ['10.1.2.3'],
  'ula.example': ['fd00::1'],
  'metadata.example': ['169.254.169.254'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'nat64.example': ['64:ff9b::a00:1'],
  'mixed.example': ['8.8.8.8', '10.0.0.1'],
  'mixed6.example': ['2606:4700::1111', '::1'],
  'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'public6.example': ['2606:4700::1111'],
};
const resolve: WebhookResolver = async (name) => {
  const addresses = DNS[name];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: isIP(address) }));
};
const policy = { allowPrivate: false, resolve };

async function refusal(url: string): Promise<WebhookUrlRefused> {
  try {
    await checkWebhookUrl(url, policy);
  } catch (e) {
    if (e instanceof WebhookUrlRefused) return e;
    throw e;
  }
  throw new Error(`${url} was allowed`);
}

// [what, URL, a part of the refusal's message]
const REFUSED: [string, string, string][] = [
  // IPv4 ranges
  ['loopback 127/8', 'http://127.0.0.1/hook', 'internal address 127.0.0.1, range loopback'],
  ['loopback, end of 127/8', 'http://127.255.255.254:8080/hook', 'range loopback'],
  ['private 10/8', 'http://10.0.0.1/hook', 'range private'],
  ['private 10/8, end', 'https://10.255.255.255/hook', 'range private'],
  ['private 172.16/12', 'http://172.16.0.1/hook', 'range private'],
  ['private 172.16/12, end', 'http://172.31.255.254/hook', 'range private'],
  ['private 192.168/16', 'http://192.168.1.1/hook', 'range private'],
  ['link-local 169.254/16 (cloud metadata)', 'http://169.254.169.254/latest/meta-data/', 'range linkLocal'],
  ['carrier-grade NAT 100.64/10', 'http://100.64.0.1/hook', 'range carrierGradeNat'],
  ['this network 0/8', 'http://0.0.0.0/hook', 'range unspecified'],
  ['this network 0/8, not zero', 'http://0.1.2.3/hook', 'range unspecified'],
  ['benchmarking 198.18/15', 'http://198.18.0.1/hook', 'range reserved'],
  ['benchmarking 198.18/15, second half', 'http://198.19.255.254/hook', 'range reserved'],
  ['multicast 224/4', 'http://224.0.0.1/hook', 'range multicast'],
  ['multicast 224/4, SSDP', 'http://239.255.255.250:1900/hook', 'range multicast'],
  ['reserved 240/4', 'http://240.0.0.1/hook', 'range reserved'],
  ['limited broadcast', 'http://255.255.255.255/hook', 'range broadcast'],
  ['IETF protocol assignments 192.0.0/24', 'http://192.0.0.170/hook', 'range reserved'],
  ['documentation 192.0.2/24', 'http://192.0.2.1/hook', 'range reserved'],
  ['documentation 198.51.100/24', 'http://198.51.100.7/hook', 'range reserved'],
  ['documentation 203.0.113/24', 'http://203.0.113.9/hook', 'range reserved'],
  ['6to4 relay anycast 192.88.99/24', 'http://192.88.99.1/hook', 'range reserved'],
  // IPv6 ranges
  ['IPv6 loopback', 'http://[::1]/hook', 'range loopback'],
  ['IPv6 loopback with a port', 'http://[::1]:8080/hook', 'range loopback'],
  ['IPv6 unspecified', 'http://[::]/hook', 'range unspecified'],
  ['IPv6 link-local fe80::/10', 'http://[fe80::1]/hook', 'range linkLocal'],
  ['IPv6 unique-local fc00::/7', 'http://[fc00::1]/hook', 'range uniqueLocal'],
  ['IPv6 unique-local fd00::/8', 'http://[fd12:3456:789a::1]/hook', 'range uniqueLocal'],
  ['IPv6 multicast ff00::/8', 'http://[ff02::1]/hook', 'range multicast'],
  ['IPv6 documentation 2001:db8::/32', 'http://[2001:db8::1]/hook', 'range reserved'],
  ['IPv6 site-local fec0::/10', 'http://[fec0::1]/hook', 'range deprecatedSiteLocal'],
  ['IPv6 discard 100::/64', 'http://[100::1]/hook', 'range discard'],
  ['IPv4-compatible ::127.0.0.1', 'http://[::127.0.0.1]/hook', 'range notGlobalUnicast'],
  ['Teredo 2001::/32', 'http://[2001::1]/hook', 'range teredo'],
  ['Teredo with a public server', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook', 'range teredo'],
  // IPv4 in IPv6
  ['IPv4-mapped ::ffff:127.0.0.1', 'http://[::ffff:127.0.0.1]/hook', 'range ipv4Mapped→loopback'],
  ['IPv4-mapped in hex ::ffff:7f00:1', 'http://[::ffff:7f00:1]/hook', 'range ipv4Mapped→loopback'],
  ['IPv4-mapped private', 'http://[::ffff:10.0.0.1]/hook', 'range ipv4Mapped→private'],
  ['IPv4-mapped metadata', 'http://[::ffff:169.254.169.254]/hook', 'range ipv4Mapped→linkLocal'],
  ['IPv4-translated ::ffff:0:7f00:1', 'http://[::ffff:0:7f00:1]/hook', 'range rfc6145'],
  ['NAT64 64:ff9b::7f00:1', 'http://[64:ff9b::7f00:1]/hook', 'range nat64→loopback'],
  ['NAT64 64:ff9b::a00:1', 'http://[64:ff9b::a00:1]/hook', 'range nat64→private'],
  ['NAT64 of the metadata address', 'http://[64:ff9b::169.254.169.254]/hook', 'range nat64→linkLocal'],
  ['NAT64 local-use 64:ff9b:1::/48', 'http://[64:ff9b:1::a00:1]/hook', 'range rfc6052'],
  ['6to4 2002:7f00:1::', 'http://[2002:7f00:1::]/hook', 'range 6to4→loopback'],
  ['6to4 2002:a00:1::', 'http://[2002:a00:1::]/hook', 'range 6to4→private'],
  ['6to4 of 192.168.1.1', 'http://[2002:c0a8:101::1]/hook', 'range 6to4→private'],
  // numeric host forms (the URL parser reads them as the dotted address)
  ['decimal 2130706433', 'http://2130706433/hook', 'internal address 127.0.0.1'],
  ['octal 0177.0.0.1', 'http://0177.0.0.1/hook', 'internal address 127.0.0.1'],
  ['hex 0x7f.1', 'http://0x7f.1/hook', 'internal address 127.0.0.1'],
  ['short 127.1', 'http://127.1/hook', 'internal address 127.0.0.1'],
  ['one hex number 0x7f000001', 'http://0x7f000001/hook', 'internal address 127.0.0.1'],
  ['one octal number', 'http://017700000001/hook', 'internal address 127.0.0.1'],
  ['hex metadata octets', 'http://0xa9.0xfe.0xa9.0xfe/hook', 'internal address 169.254.169.254'],
  ['short 10.1', 'http://10.1/hook', 'internal address 10.0.0.1'],
  ['just 0', 'http://0/hook', 'internal address 0.0.0.0'],
  ['trailing dot on an address', 'http://127.0.0.1./hook', 'internal address 127.0.0.1'],
  // names
  ['localhost', 'http://localhost/hook', 'local host localhost'],
  ['localhost.', 'http://localhost./hook', 'local host localhost.'],
  ['LOCALHOST with a port', 'http://LOCALHOST:8080/hook', 'local host localhost'],
  ['a name under localhost', 'http://api.localhost/hook', 'local host api.localhost'],
  ['a name resolving to 10.x', 'https://internal.example/hook', 'internal address 10.1.2.3, range private'],
  ['a name resolving to fd00::', 'https://ula.example/hook', 'internal address fd00::1, range uniqueLocal'],
  ['a name resolving to the metadata address', 'http://metadata.example/hook', 'range linkLocal'],
  ['a name resolving to IPv4-mapped loopback', 'http://mapped.example/hook', 'range ipv4Mapped→loopback'],
  ['a name resolving to NAT64 of 10.0.0.1', 'http://nat64.example/hook', 'range nat64→private'],
  ['a name with one public and one private address', 'https://mixed.example/hook', 'internal address 10.0.0.1'],
  ['a name with one public and one loopback IPv6 address', 'https://mixed6.example/hook', 'internal address ::1'],
  ['a name that does not resolve', 'https://nx.example/hook', 'does not resolve'],
  // user info
  ['user and password', 'https://user:secret@8.8.8.8/hook', 'credentials'],
  ['user only', 'https://user@public.example/hook', 'credentials'],
  ['user info before an internal host', 'http://public.example@127.0.0.1/hook', 'credentials'],
  // schemes
  ['ftp', 'ftp://8.8.8.8/hook', 'http or https'],
  ['file', 'file:///etc/passwd', 'http or https'],
  ['gopher to redis', 'gopher://127.0.0.1:6379/_INFO', 'http or https'],
  ['websocket', 'ws://8.8.8.8/hook', 'http or https'],
  ['data', 'data:text/plain,hi', 'http or https'],
  ['javascript', 'javascript:alert(1)', 'http or https'],
  // ports
  ['SSH port', 'http://8.8.8.8:22/hook', 'port 22'],
  ['SMTP port', 'https://public.example:25/hook', 'port 25'],
  ['port 0', 'http://8.8.8.8:0/hook', 'port 0'],
  ['a port out of range', 'http://8.8.8.8:65536/hook', 'not a valid URL'],
  ['an internal address on a high port', 'http://127.0.0.1:6379/hook', 'range loopback'],
  ['not a URL', 'hooks.example.org/shecun', 'not a valid URL'],
];

describe('webhook address policy', () => {
  it('has a long table', () => expect(REFUSED.length).toBeGreaterThanOrEqual(40));

  it.each(REFUSED)('refuses %s: %s', async (_what, url, reason) => {
    const e = await refusal(url);
    expect(e.message).toContain(reason);
    // Chinese first, then English in parentheses.
    expect(e.message).toMatch(/^webhookUrl [^ (]*[\u4e00-\u9fff].* \([a-z][^\u4e00-\u9fff]+\)$/);
  });

  it.each([
    ['public IPv4', 'http://8.8.8.8/hook', ['8.8.8.8']],
    ['public IPv4 over https on an alternative port', 'https://1.1.1.1:8443/hook', ['1.1.1.1']],
    ['ports 80 and 443 explicitly', 'https://8.8.4.4:443/hook', ['8.8.4.4']],
    ['public IPv6', 'https://[2606:4700::1111]/hook', ['2606:4700::1111']],
    ['IPv4-mapped public', 'http://[::ffff:8.8.8.8]:80/hook', ['::ffff:808:808']],
    ['NAT64 of a public address', 'http://[64:ff9b::808:808]/hook', ['64:ff9b::808:808']],
    ['6to4 of a public address', 'http://[2002:808:808::1]/hook', ['2002:808:808::1']],
    ['a name with public addresses only', 'https://public.example/hooks/shecun', ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']],
    ['a name with a public IPv6 address', 'https://public6.example:8443/hook', ['2606:4700::1111']],
  ])('allows %s: %s', async (_what, url, addresses) => {
    const target = await checkWebhookUrl(url, policy);
    expect(target.addresses.map((a) => a.address)).toEqual(addresses);
    expect(target.url.href).toBe(new URL(url).href);
  });

  it('classifies addresses as ipaddr.js does, looking through IPv4 carried in IPv6', () => {
    expect(nonPublicRange('8.8.8.8')).toBeNull();
    expect(nonPublicRange('2606:4700::1111')).toBeNull();
    expect(nonPublicRange('127.0.0.1')).toBe('loopback');
    expect(nonPublicRange('::ffff:0a00:0001')).toBe('ipv4Mapped→private');
    expect(nonPublicRange('fe80::1%eth0')).toBe('linkLocal');
    expect(nonPublicRange('not an address')).toBe('unparsable');
  });

  it('resolves names with the system resolver: this machine’s own name is internal', async () => {
    const own = hostname();
    const resolved = await lookup(own, { all: true }).catch(() => []);
    if (!resolved.length || resolved.every((a) => nonPublicRange(a.address) === null)) return; // nothing internal to show here
    await expect(checkWebhookUrl(`http://${own}:8080/hook`, { allowPrivate: false })).rejects.toThrow('internal address');
  });

  it('PUSH_WEBHOOK_ALLOW_PRIVATE lifts the address ranges, not the other rules', async () => {
    const local = await checkWebhookUrl('http://localhost:8080/hook', { allowPrivate: true });
    expect(local.addresses.map((a) => a.address)).toEqual(expect.arrayContaining([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]));
    await expect(checkWebhookUrl('http://10.1.2.3/hook', { allowPrivate: true })).resolves.toMatchObject({ addresses: [{ address: '10.1.2.3', family: 4 }] });
    await expect(checkWebhookUrl('http://u:p@127.0.0.1:8080/hook', { allowPrivate: true })).rejects.toThrow('credentials');
    await expect(checkWebhookUrl('ftp://127.0.0.1/hook', { allowPrivate: true })).rejects.toThrow('http or https');
    await expect(checkWebhookUrl('http://127.0.0.1:22/hook', { allowPrivate: true })).rejects.toThrow('port 22');
    // Unset, it is read from the environment at each check, off unless exactly "true".
    const saved = process.env.PUSH_WEBHOOK_ALLOW_PRIVATE;
    try {
      delete process.env.PUSH_WEBHOOK_ALLOW_PRIVATE;
      await expect(checkWebhookUrl('http://10.1.2.3/hook')).rejects.toThrow('internal address');
      process.env.PUSH_WEBHOOK_ALLOW_PRIVATE = '1';
      await expect(checkWebhookUrl('http://10.1.2.3/hook')).rejects.toThrow('internal address');
      process.env.PUSH_WEBHOOK_ALLOW_PRIVATE = 'true';
      await expect(checkWebhookUrl('http://10.1.2.3/hook')).resolves.toBeDefined();
    } finally {
      if (saved === undefined) delete process.env.PUSH_WEBHOOK_ALLOW_PRIVATE;
      else process.env.PUSH_WEBHOOK_ALLOW_PRIVATE = saved;
    }
  });
});
