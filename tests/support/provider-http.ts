import { http, HttpResponse, type HttpResponseResolver } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { parseEnv } from '@/lib/env';
import { resolveProvider } from '@/lib/providers/registry';
import type { ProviderError, ProviderSlug, ResolvedProvider } from '@/lib/providers/types';

/**
 * msw for provider tests: any request without a handler fails the test (so a wrong URL or host
 * cannot pass silently), and every request a handler sees is recorded for shape assertions.
 */

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: URLSearchParams;
}

export function setupProviderServer() {
  const server = setupServer();
  const pending: Promise<RecordedRequest>[] = [];
  server.events.on('request:start', ({ request }) => {
    const copy = request.clone();
    pending.push(
      copy.text().then((text) => ({
        method: copy.method,
        url: new URL(copy.url),
        headers: copy.headers,
        body: new URLSearchParams(text),
      })),
    );
  });
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    pending.length = 0;
  });
  afterAll(() => server.close());
  /** Every request sent since the test began, in order. */
  const requests = () => Promise.all(pending);
  return { server, requests };
}

/** An environment with the given provider variables; the simulator is off unless asked for. */
export function testEnv(raw: Record<string, string> = {}) {
  return parseEnv({ NODE_ENV: 'test', SIMULATOR: 'off', ...raw });
}

export const CREDENTIALS = {
  'amazon-ads': { AMAZON_ADS_CLIENT_ID: 'amzn1.application-oa2-client.abc', AMAZON_ADS_CLIENT_SECRET: 'amzn-secret' },
  linkedin: { LINKEDIN_CLIENT_ID: 'li-client', LINKEDIN_CLIENT_SECRET: 'li-secret', LINKEDIN_REFRESH_TOKENS: 'on' },
  x: { X_CLIENT_ID: 'x-client', X_CLIENT_SECRET: 'x:secret+with/odd chars' },
  meta: { META_CLIENT_ID: '1234567890', META_CLIENT_SECRET: 'meta-secret', META_GRAPH_VERSION: 'v22.0' },
} as const;

export async function resolveConfigured(
  slug: Exclude<ProviderSlug, 'oidc'>,
  extra: Record<string, string> = {},
  timeoutMs?: number,
): Promise<ResolvedProvider> {
  const provider = await resolveProvider(slug, {
    env: testEnv({ ...CREDENTIALS[slug], ...extra }),
    origin: 'http://localhost:3000',
    timeoutMs,
  });
  if (!provider) throw new Error(`${slug} did not resolve`);
  return provider;
}

export const json = (body: unknown, init?: ResponseInit) => HttpResponse.json(body as never, init);

/** One handler answering `body` for `method url`. */
export function answer(method: 'get' | 'post' | 'delete', url: string, resolver: HttpResponseResolver) {
  return http[method](url, resolver);
}

/** Awaits a rejection and returns it as a ProviderError (fails the test if it resolved). */
export async function rejectionOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
  expect(error).toMatchObject({ name: 'ProviderError' });
  return error as ProviderError;
}

export function decodeBasic(header: string | null): [string, string] {
  expect(header).toMatch(/^Basic /);
  const decoded = Buffer.from((header ?? '').slice(6), 'base64').toString('utf8');
  const [id = '', secret = ''] = decoded.split(':');
  // RFC 6749 §2.3.1: each half is form-urlencoded.
  const formDecode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
  return [formDecode(id), formDecode(secret)];
}
