/**
 * Host header parsing and the loopback test behind local mode's DNS-rebinding defence: a page on
 * an attacker's name that resolves to 127.0.0.1 reaches our port, but its requests still carry
 * the attacker's name in `Host`. Only names that cannot be rebound pass.
 */

export interface ParsedHost {
  /** Lower-case; IPv6 addresses keep their brackets, as in a URL. */
  hostname: string;
  /** Digits only, or '' when the header had no port. */
  port: string;
}

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/** A `Host` (or `X-Forwarded-Host`) value as `hostname[:port]`; null when it is anything else. */
export function parseHostHeader(value: string | null | undefined): ParsedHost | null {
  if (!value) return null;
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim().toLowerCase());
  if (!match) return null;
  const hostname = match[1]!;
  const port = match[2] ?? '';
  if (port !== '' && (Number(port) < 1 || Number(port) > 65_535)) return null;
  if (!IPV6.test(hostname) && !NAME.test(hostname)) return null;
  return { hostname, port };
}

/**
 * `localhost`, 127.0.0.0/8 in dotted decimal, or `[::1]` — what a browser puts in `Host` for a
 * loopback URL (browsers canonicalise IP literals, so other spellings are refused rather than
 * guessed at). `*.localhost` is refused: not every resolver pins it to loopback.
 */
export function isLoopbackHost(value: string | null | undefined): boolean {
  const host = parseHostHeader(value);
  if (!host) return false;
  if (host.hostname === 'localhost' || host.hostname === '[::1]') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host.hostname);
  return v4 !== null && v4.slice(1).every((octet) => String(Number(octet)) === octet && Number(octet) <= 255);
}

/**
 * The last value of a comma-separated forwarding header: the one our own proxy wrote. Earlier
 * values came from further away (the client itself, which may lie), so one trusted hop is assumed.
 */
export function lastForwarded(value: string | null | undefined): string | null {
  const last = value?.split(',').at(-1)?.trim();
  return last ? last : null;
}
