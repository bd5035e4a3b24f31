/**
 * The simulator's admin API (reset, knobs, state, issued, revoke, seed) is off in production
 * unless SIMULATOR_ADMIN_SECRET is set, and then wants it as a Bearer token. Every e2e server gets
 * this test-only value (playwright.config.ts, support/server.ts) and every admin call sends it.
 */
export const SIMULATOR_ADMIN_SECRET = 'e2e-simulator-admin-secret';
export const SIMULATOR_ADMIN_HEADERS = { authorization: `Bearer ${SIMULATOR_ADMIN_SECRET}` } as const;
