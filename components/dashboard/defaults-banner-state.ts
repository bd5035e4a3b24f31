/**
 * The defaults banner's open/closed state lives in a cookie, not localStorage: the server reads it
 * and renders the banner as it was left, so nothing jumps after hydration (and the CSP allows no
 * inline script that could apply it before paint).
 */
export const DEFAULTS_BANNER_COOKIE = 'gk_defaults_banner';

/** Closed (one line) unless the operator opened it last time. */
export function bannerOpenFromCookie(value: string | undefined): boolean {
  return value === 'open';
}

export function bannerCookie(open: boolean): string {
  return `${DEFAULTS_BANNER_COOKIE}=${open ? 'open' : 'closed'}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
