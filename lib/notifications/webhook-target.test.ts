import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv, resetEnvForTests } from '../env';
import { classifyAddress } from './address-policy';
import { currentAddressPolicy, resolveWebhookTarget } from './webhook-target';

const STRICT = { allowPrivate: false };
const RELAXED = { allowPrivate: true };

/** Names known only to this stub; any other name fails like NXDOMAIN. Nothing is looked up for real. */
const NAMES: Record<string, string[]> = {
  'public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'loopback.test': ['127.0.0.1'],
  'loopback6.test': ['::1'],
  'private.test': ['10.0.0.7'],
  'metadata.test': ['169.254.169.254'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'mixed.test': ['93.184.215.14', '10.0.0.7'],
  'mixed6.test': ['2606:4700::1111', 'fd00::1'],
  'zoned.test': ['fe80::1%eth0'],
  'garbage.test': ['not-an-address'],
  'empty.test': [],
};
const resolve = async (name: string) => {
  const found = NAMES[name];
  if (!found) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return found;
};

const verdict = async (url: string, policy = STRICT) => {
  const target = await resolveWebhookTarget(url, { policy, resolve, timeoutMs: 1000 });
  return target.ok ? 'allowed' : target.reason;
};

describe('where a webhook may go', () => {
  // Every textual form of a forbidden address, as a user could type it into the URL field.
  const blockedEverywhere: [string, string][] = [
    ['loopback', 'http://127.0.0.1/'],
    ['loopback, other /8 address', 'http://127.254.1.2/'],
    ['loopback in decimal', 'http://2130706433/'],
    ['loopback in hex', 'http://0x7f000001/'],
    ['loopback in dotted hex', 'http://0x7f.0x0.0x0.0x1/'],
    ['loopback in octal', 'http://0177.0.0.1/'],
    ['loopback in one octal number', 'http://017700000001/'],
    ['loopback short form', 'http://127.1/'],
    ['loopback with a trailing dot', 'http://127.0.0.1./'],
    ['loopback percent-encoded', 'http://%31%32%37.0.0.1/'],
    ['loopback with ideographic dots', 'http://127。0。0。1/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['IPv6 loopback in full', 'http://[0:0:0:0:0:0:0:1]/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped loopback in hex', 'http://[::ffff:7f00:1]/'],
    ['IPv4-compatible loopback', 'http://[::127.0.0.1]/'],
    ['IPv4-compatible, public', 'http://[::8.8.8.8]/'],
    ['localhost', 'http://localhost/'],
    ['localhost, upper case with a trailing dot', 'http://LOCALHOST./'],
    ['a .localhost name', 'http://api.localhost:3000/'],
    ['RFC 1918 10/8', 'http://10.0.0.1/'],
    ['RFC 1918 172.16/12, low end', 'http://172.16.0.1/'],
    ['RFC 1918 172.16/12, high end', 'http://172.31.255.255/'],
    ['RFC 1918 192.168/16', 'http://192.168.1.1/'],
    ['RFC 1918 in decimal', 'http://167772161/'],
    ['CGNAT 100.64/10', 'http://100.64.0.1/'],
    ['CGNAT high end', 'http://100.127.255.255/'],
    ['link-local', 'http://169.254.1.1/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['cloud metadata in decimal', 'http://2852039166/'],
    ['cloud metadata, IPv4-mapped', 'http://[::ffff:169.254.169.254]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['IPv6 link-local, upper bound', 'http://[febf::1]/'],
    ['unspecified', 'http://0.0.0.0/'],
    ['unspecified, short', 'http://0/'],
    ['this-network 0/8', 'http://0.1.2.3/'],
    ['IPv6 unspecified', 'http://[::]/'],
    ['multicast', 'http://224.0.0.1/'],
    ['multicast, high end', 'http://239.255.255.250/'],
    ['IPv6 multicast', 'http://[ff02::1]/'],
    ['broadcast', 'http://255.255.255.255/'],
    ['reserved 240/4', 'http://240.0.0.1/'],
    ['IETF 192.0.0/24', 'http://192.0.0.8/'],
    ['TEST-NET-1', 'http://192.0.2.1/'],
    ['TEST-NET-2', 'http://198.51.100.1/'],
    ['TEST-NET-3', 'http://203.0.113.1/'],
    ['benchmarking', 'http://198.18.0.1/'],
    ['6to4 relay anycast', 'http://192.88.99.1/'],
    ['ULA fc00::/7', 'http://[fc00::1]/'],
    ['ULA fd00::/8', 'http://[fd12:3456:789a::1]/'],
    ['site-local', 'http://[fec0::1]/'],
    ['IPv6 documentation', 'http://[2001:db8::1]/'],
    ['IPv6 documentation 3fff::/20', 'http://[3fff::1]/'],
    ['Teredo', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/'],
    ['NAT64 of loopback', 'http://[64:ff9b::127.0.0.1]/'],
    ['NAT64 of RFC 1918', 'http://[64:ff9b::a00:1]/'],
    ['local-use NAT64', 'http://[64:ff9b:1::808:808]/'],
    ['6to4 of loopback', 'http://[2002:7f00:1::1]/'],
    ['6to4 of RFC 1918', 'http://[2002:c0a8:101::1]/'],
    ['discard-only 100::/64', 'http://[100::1]/'],
    ['unassigned IPv6 outside 2000::/3', 'http://[4000::1]/'],
    ['a name resolving to loopback', 'http://loopback.test/'],
    ['a name resolving to IPv6 loopback', 'http://loopback6.test/'],
    ['a name resolving to RFC 1918', 'http://private.test/'],
    ['a name resolving to the metadata service', 'http://metadata.test/'],
    ['a name resolving to IPv4-mapped loopback', 'http://mapped.test/'],
    ['a name resolving to public and private addresses', 'https://mixed.test/'],
    ['a name resolving to public and ULA IPv6 addresses', 'https://mixed6.test/'],
    ['a name resolving to a zoned link-local address', 'https://zoned.test/'],
    ['a name resolving to something that is not an address', 'https://garbage.test/'],
    ['a scheme other than http(s)', 'ftp://93.184.215.14/'],
    ['not a URL', 'not a url'],
  ];
  it.each(blockedEverywhere)('blocks %s (%s)', async (_, url) => {
    expect(await verdict(url, STRICT)).toBe('blocked');
  });

  const allowed: [string, string][] = [
    ['a public IPv4 address', 'https://93.184.215.14/hooks'],
    ['just above 172.16/12', 'https://172.32.0.1/'],
    ['just below 172.16/12', 'https://172.15.255.255/'],
    ['just above CGNAT', 'https://100.128.0.1/'],
    ['just below CGNAT', 'https://100.63.255.255/'],
    ['a public IPv6 address', 'https://[2606:4700:4700::1111]/'],
    ['IPv4-mapped public', 'https://[::ffff:8.8.8.8]/'],
    ['NAT64 of a public address (DNS64 networks)', 'https://[64:ff9b::8.8.8.8]/'],
    ['6to4 of a public address', 'https://[2002:808:808::1]/'],
    ['a name resolving only to public addresses', 'https://public.test/x'],
    ['a name with a trailing dot', 'https://public.test./x'],
  ];
  it.each(allowed)('allows %s (%s)', async (_, url) => {
    expect(await verdict(url, STRICT)).toBe('allowed');
  });

  it('tells a name that does not resolve from a blocked one', async () => {
    expect(await verdict('https://unknown.test/')).toBe('unresolved');
    expect(await verdict('https://empty.test/')).toBe('unresolved');
  });

  it('does not ask the resolver about localhost names or literal addresses', async () => {
    const asked: string[] = [];
    const spy = async (name: string) => {
      asked.push(name);
      return ['93.184.215.14'];
    };
    for (const url of ['http://localhost/', 'http://x.localhost/', 'http://127.0.0.1/', 'http://[::1]/']) {
      expect((await resolveWebhookTarget(url, { policy: STRICT, resolve: spy, timeoutMs: 1000 })).ok).toBe(false);
    }
    expect(asked).toEqual([]);
  });

  it('gives up on a resolver that never answers', async () => {
    const never = () => new Promise<string[]>(() => {});
    expect(await resolveWebhookTarget('https://slow.test/', { policy: STRICT, resolve: never, timeoutMs: 50 })).toEqual({
      ok: false,
      reason: 'unresolved',
      asked: true,
    });
  });

  describe('with WEBHOOK_ALLOW_PRIVATE=on', () => {
    it.each([
      ['http://127.0.0.1:4000/'],
      ['http://[::1]/'],
      ['http://[::ffff:127.0.0.1]/'],
      ['http://10.1.2.3/'],
      ['http://192.168.0.10/'],
      ['http://100.100.1.1/'],
      ['http://[fd00::1]/'],
      ['http://loopback.test/'],
      ['http://mixed.test/'],
    ])('allows the receiver on this machine or network %s', async (url) => {
      expect(await verdict(url, RELAXED)).toBe('allowed');
    });

    it.each([
      ['http://169.254.169.254/'],
      ['http://metadata.test/'],
      ['http://[fe80::1]/'],
      ['http://0.0.0.0/'],
      ['http://[::]/'],
      ['http://224.0.0.1/'],
      ['http://255.255.255.255/'],
      ['http://[ff02::1]/'],
      ['http://[fec0::1]/'],
      ['http://[::127.0.0.1]/'],
      ['http://192.0.2.1/'],
    ])('still blocks %s', async (url) => {
      expect(await verdict(url, RELAXED)).toBe('blocked');
    });
  });

  it('returns the checked addresses, with their families, for the connection', async () => {
    expect(await resolveWebhookTarget('https://public.test/', { policy: STRICT, resolve, timeoutMs: 1000 })).toMatchObject({
      ok: true,
      addresses: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
    });
  });
});

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['fe80::1%lo0', 'link-local'],
    ['FE80::1', 'link-local'],
    ['100.64.0.0', 'shared'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['2001:db8::', 'documentation'],
    ['8.8.8.8', 'public'],
    ['2a00:1450:4001:81c::200e', 'public'],
    ['1.2.3', 'invalid'],
    ['0x7f000001', 'invalid'],
    ['example.com', 'invalid'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe('WEBHOOK_ALLOW_PRIVATE', () => {
  const saved = process.env.WEBHOOK_ALLOW_PRIVATE;
  afterEach(() => {
    if (saved === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE;
    else process.env.WEBHOOK_ALLOW_PRIVATE = saved;
    resetEnvForTests();
  });

  it('is off unless set to on, in every mode', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      const base = { NODE_ENV, AUTH_MODE: 'local', APP_URL: 'https://gk.example.com' };
      expect(parseEnv(base).webhooks, NODE_ENV).toEqual({ allowPrivate: false });
      expect(parseEnv({ ...base, WEBHOOK_ALLOW_PRIVATE: 'on' }).webhooks, NODE_ENV).toEqual({ allowPrivate: true });
    }
    expect(() => parseEnv({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
  });

  it('decides the policy deliveries and saves use', () => {
    delete process.env.WEBHOOK_ALLOW_PRIVATE;
    resetEnvForTests();
    expect(currentAddressPolicy()).toEqual({ allowPrivate: false });
    process.env.WEBHOOK_ALLOW_PRIVATE = 'on';
    resetEnvForTests();
    expect(currentAddressPolicy()).toEqual({ allowPrivate: true });
  });
});
