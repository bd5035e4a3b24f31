import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { NextRequest } from 'next/server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { captureLines, restoreProcessLogger, type CapturedLines } from '../support/capture-log';

/**
 * Sign out in Clerk mode ends the session at Clerk too (POST /v1/sessions/{id}/revoke with the
 * secret key), and signs the user out here even when Clerk fails or does not answer in time.
 * Clerk's Backend API is msw in-process: nothing leaves the machine.
 */

const state = vi.hoisted(() => ({ sessionId: null as string | null }));
vi.mock('@clerk/nextjs/server', () => ({ auth: async () => ({ sessionId: state.sessionId, userId: state.sessionId ? 'user_1' : null }) }));

const API = 'https://api.clerk.test';
const SECRET = 'sk_test_signoutsecret0123456789';
const SESSION_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJlLW5vdC1yZWFs';
const CLERK_ENV = {
  AUTH_MODE: 'clerk',
  CLERK_SECRET_KEY: SECRET,
  CLERK_PUBLISHABLE_KEY: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k',
  CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
  CLERK_API_URL: `${API}/`,
};

const clerk = setupServer();
const revokes: { url: string; authorization: string | null }[] = [];
let lines: CapturedLines;

beforeAll(() => clerk.listen({ onUnhandledRequest: 'error' }));
afterAll(() => clerk.close());
beforeEach(() => {
  for (const [k, v] of Object.entries(CLERK_ENV)) vi.stubEnv(k, v);
  resetEnvForTests();
  revokes.length = 0;
  lines = captureLines('warn');
  state.sessionId = 'sess_2abcDEF123';
});
afterEach(() => {
  clerk.resetHandlers();
  restoreProcessLogger();
  vi.unstubAllEnvs();
  resetEnvForTests();
});

/** Clerk's revoke endpoint answering with `answer` after recording the call. */
function clerkAnswers(answer: () => Promise<Response> | Response) {
  clerk.use(
    http.post(`${API}/v1/sessions/:id/revoke`, ({ request }) => {
      revokes.push({ url: request.url, authorization: request.headers.get('authorization') });
      return answer();
    }),
  );
}

async function signOut() {
  const { POST } = await import('@/app/sign-out/route');
  const req = new NextRequest('http://localhost:3000/sign-out', {
    method: 'POST',
    headers: { origin: 'http://localhost:3000', cookie: `__session=${SESSION_TOKEN}; __client_uat=1700000000; __session_Ab12=${SESSION_TOKEN}` },
  });
  return POST(req);
}

function expectSignedOutHere(res: Response) {
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/signed-out');
  const cookies = res.headers.getSetCookie();
  expect(cookies).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^__session=;.*Max-Age=0/),
      expect.stringMatching(/^__session_Ab12=;.*Max-Age=0/),
      expect.stringMatching(/^__client_uat=0;/),
    ]),
  );
}

/** No log line carries the secret key or the session token. */
function expectNoSecretsLogged() {
  const all = lines.raw.join('\n');
  expect(all).not.toContain(SECRET);
  expect(all).not.toContain(SESSION_TOKEN);
}

describe('POST /sign-out in Clerk mode', () => {
  it("revokes the signed-in session at Clerk with the secret key, then clears Clerk's cookies", async () => {
    clerkAnswers(() => HttpResponse.json({ object: 'session', id: 'sess_2abcDEF123', status: 'revoked' }));
    const res = await signOut();
    expect(revokes).toEqual([{ url: `${API}/v1/sessions/sess_2abcDEF123/revoke`, authorization: `Bearer ${SECRET}` }]);
    expectSignedOutHere(res);
    expect([...lines]).toEqual([]);
  });

  it('when Clerk answers 500, the user is still signed out here and a warning without secrets is logged', async () => {
    clerkAnswers(() => HttpResponse.json({ errors: [{ code: 'internal', message: `echo ${SECRET}` }] }, { status: 500 }));
    const res = await signOut();
    expect(revokes).toHaveLength(1);
    expectSignedOutHere(res);
    expect([...lines]).toEqual([expect.objectContaining({ level: 40, reason: 'clerk_error', status: 500, sessionId: 'sess_2abcDEF123' })]);
    expectNoSecretsLogged();
  });

  it('when Clerk does not answer, sign-out gives up after about 3 s, still signs out here and warns', async () => {
    clerkAnswers(async () => {
      await delay('infinite');
      return new HttpResponse(null, { status: 200 });
    });
    const started = performance.now();
    const res = await signOut();
    const took = performance.now() - started;
    expect(revokes).toHaveLength(1);
    expect(took).toBeGreaterThanOrEqual(2_900);
    expect(took).toBeLessThan(6_000);
    expectSignedOutHere(res);
    expect([...lines]).toEqual([expect.objectContaining({ level: 40, reason: 'timeout', sessionId: 'sess_2abcDEF123' })]);
    expectNoSecretsLogged();
  });

  it('when Clerk is unreachable, the user is still signed out here and a warning is logged', async () => {
    clerkAnswers(() => HttpResponse.error());
    const res = await signOut();
    expect(revokes).toHaveLength(1);
    expectSignedOutHere(res);
    expect([...lines]).toEqual([expect.objectContaining({ level: 40, reason: 'unreachable' })]);
    expectNoSecretsLogged();
  });

  it('with no Clerk session, nothing is sent to Clerk (msw fails any request) and cookies are still cleared', async () => {
    state.sessionId = null;
    const res = await signOut();
    expect(revokes).toEqual([]);
    expectSignedOutHere(res);
  });
});
