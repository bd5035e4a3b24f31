import crypto from 'node:crypto';
import type { BrowserContext } from '@playwright/test';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

/**
 * Clerk mode with no network. The server gets a PEM public key as CLERK_JWT_KEY, so Clerk verifies
 * session tokens locally; the tests mint those tokens with the matching private key. The Frontend
 * API host (clerk.grantkeeper.test) does not exist: nothing may need to reach it.
 */

export const FRONTEND_API = 'clerk.grantkeeper.test';
export const PUBLISHABLE_KEY = `pk_live_${Buffer.from(`${FRONTEND_API}$`).toString('base64').replace(/=+$/, '')}`;
/** Where a production instance's Account Portal lives; Clerk redirects signed-out pages there. */
export const SIGN_IN_HOST = 'accounts.grantkeeper.test';

export interface ClerkKeys {
  /** Signs session tokens the server accepts. */
  signingKey: CryptoKey;
  /** CLERK_JWT_KEY for the server: the PEM public key matching signingKey. */
  jwtKey: string;
}

export async function makeClerkKeys(): Promise<ClerkKeys> {
  const pair = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { signingKey: pair.privateKey, jwtKey: await exportSPKI(pair.publicKey) };
}

/** A private key the server does not know, for forged tokens. */
export async function makeForeignKey(): Promise<CryptoKey> {
  return (await generateKeyPair('RS256', { modulusLength: 2048, extractable: true })).privateKey;
}

/** The environment of a Clerk-mode server (startServer's `env`). */
export function clerkServerEnv(keys: ClerkKeys, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLERK_SECRET_KEY: `sk_test_${crypto.randomBytes(18).toString('hex')}`,
    CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
    CLERK_JWT_KEY: keys.jwtKey,
    CLERK_TELEMETRY_DISABLED: '1',
    NEXT_PUBLIC_CLERK_TELEMETRY_DISABLED: '1',
    // Keyless mode only exists in development, but say so anyway: it would call Clerk's API.
    NEXT_PUBLIC_CLERK_KEYLESS_DISABLED: '1',
    ...extra,
  };
}

export interface Session {
  jwt: string;
  iat: number;
  /** The Clerk session id in the token (`sid`), what sign-out revokes. */
  sid: string;
}

/** A Clerk session token, as Clerk's Frontend API would issue it for `serverUrl`. */
export async function mintSession(
  serverUrl: string,
  key: CryptoKey,
  sub: string,
  { expiresIn = 3600, issuedAgo = 5 }: { expiresIn?: number; issuedAgo?: number } = {},
): Promise<Session> {
  const now = Math.floor(Date.now() / 1000);
  const iat = now - issuedAgo;
  const sid = `sess_${crypto.randomBytes(8).toString('hex')}`;
  const jwt = await new SignJWT({ sid, azp: serverUrl })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'ins_e2e' })
    .setIssuer(`https://${FRONTEND_API}`)
    .setSubject(sub)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(now + expiresIn)
    .sign(key);
  return { jwt, iat, sid };
}

export function newUserId(): string {
  return `user_e2e${crypto.randomBytes(6).toString('hex')}`;
}

/** No request may leave the machine (Clerk's browser script included): abort anything not ours. */
export async function offline(context: BrowserContext, baseURL: string): Promise<void> {
  const ours = new URL(baseURL).host;
  await context.route(
    (url) => url.host !== ours,
    (route) => route.abort('internetdisconnected'),
  );
}

/** Signs the browser context in: Clerk's session cookies for the server's host. */
export async function signIn(context: BrowserContext, baseURL: string, session: Session): Promise<void> {
  await context.addCookies([
    { name: '__session', value: session.jwt, url: baseURL },
    { name: '__client_uat', value: String(session.iat), url: baseURL },
  ]);
}

/** Headers that make an API request (or a document request) come from this session. */
export function sessionHeaders(session: Session): Record<string, string> {
  return { cookie: `__session=${session.jwt}; __client_uat=${session.iat}` };
}
