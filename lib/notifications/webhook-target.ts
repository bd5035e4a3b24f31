import 'server-only';
import dns from 'node:dns';
import net from 'node:net';
import { getEnv } from '../env';
import { getLogger } from '../log';
import { isAddressAllowed, isLocalhostName, type AddressPolicy } from './address-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to. Injected in tests; the default asks the system resolver. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export type WebhookTarget =
  | { ok: true; url: URL; addresses: ResolvedAddress[] }
  /** `asked`: the answer came from DNS (a name was looked up), not from the URL alone. */
  | { ok: false; reason: 'blocked' | 'unresolved'; asked: boolean };

export const resolveWithSystem: HostResolver = async (hostname) => {
  const found = await dns.promises.lookup(hostname, { all: true });
  return found.map((a) => a.address);
};

let warned = false;

/** The deployment's policy. Relaxing it is for development, so it is said loudly, once per process. */
export function currentAddressPolicy(): AddressPolicy {
  const { allowPrivate } = getEnv().webhooks;
  if (allowPrivate && !warned) {
    warned = true;
    getLogger().warn('WEBHOOK_ALLOW_PRIVATE=on: webhooks may be sent to loopback and private-network addresses; never set it where users are untrusted');
  }
  return { allowPrivate };
}

/**
 * Decides where a webhook may connect: the host is resolved once, every address it resolves to
 * must pass the policy (one private answer among public ones refuses the whole name, against DNS
 * answers crafted to mix them), and the caller connects only to these addresses. URL parsing
 * (WHATWG) has already turned decimal, hex, octal and short IPv4 forms into dotted quads.
 */
export async function resolveWebhookTarget(
  raw: string,
  opts: { policy: AddressPolicy; resolve?: HostResolver; timeoutMs: number },
): Promise<WebhookTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'blocked', asked: false };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'blocked', asked: false };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
  if (!host) return { ok: false, reason: 'blocked', asked: false };

  let addresses: string[];
  if (net.isIP(host)) {
    addresses = [host];
  } else {
    if (isLocalhostName(host) && !opts.policy.allowPrivate) return { ok: false, reason: 'blocked', asked: false };
    try {
      addresses = await withTimeout((opts.resolve ?? resolveWithSystem)(host), opts.timeoutMs);
    } catch {
      return { ok: false, reason: 'unresolved', asked: true };
    }
    if (addresses.length === 0) return { ok: false, reason: 'unresolved', asked: true };
  }
  if (!addresses.every((a) => isAddressAllowed(a, opts.policy))) return { ok: false, reason: 'blocked', asked: !net.isIP(host) };
  return { ok: true, url, addresses: addresses.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 })) };
}

/** getaddrinfo cannot be cancelled; the attempt stops waiting for it instead. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('resolve timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
