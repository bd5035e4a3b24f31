import 'server-only';
import { scrubSecrets } from '../log';
import { parseRetryAfter } from './retry';
import { webhookHeaders } from './sign';

export const DELIVERY_TIMEOUT_MS = 10_000;
const SNIPPET_CHARS = 200;

export type AttemptResult =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; retryAfterMs: number | null };

/**
 * One signed POST. The body is serialised once and sent exactly as signed. Redirects are not
 * followed: a 3xx would send the event somewhere the user never configured. Only a short, scrubbed
 * snippet of a failing response is kept, for the user to see why their receiver refused.
 */
export async function postWebhook(input: {
  url: string;
  secret: string;
  msgId: string;
  payload: unknown;
  now: Date;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<AttemptResult> {
  const body = JSON.stringify(input.payload);
  const timeoutMs = input.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  let res: Response;
  try {
    res = await (input.fetch ?? fetch)(input.url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Grantkeeper-Webhooks/1.0',
        ...webhookHeaders({ secret: input.secret, msgId: input.msgId, timestamp: input.now, body }),
      },
    });
  } catch (err) {
    return { ok: false, statusCode: null, error: describeFetchError(err, timeoutMs), retryAfterMs: null };
  }
  if (res.status >= 200 && res.status < 300) {
    await res.body?.cancel().catch(() => {});
    return { ok: true, statusCode: res.status };
  }
  const retryAfterMs =
    res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after'), input.now) : null;
  const snippet = await readSnippet(res);
  const what = res.status >= 300 && res.status < 400 ? 'redirect not followed' : 'HTTP error';
  return { ok: false, statusCode: res.status, error: `${what} ${res.status}${snippet ? `: ${snippet}` : ''}`, retryAfterMs };
}

/** Reads at most a few hundred characters of a body, then drops the connection's remaining bytes. */
async function readSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < SNIPPET_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body that breaks off mid-way still leaves what was read.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return scrubSecrets(text.replace(/\s+/g, ' ').trim()).slice(0, SNIPPET_CHARS);
}

/** Names the failure (timeout, refused, DNS) without echoing anything the remote side sent. */
function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const cause = (err as { cause?: { code?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return `connection failed: ${cause.code}`;
  return `connection failed: ${err instanceof Error ? scrubSecrets(err.message).slice(0, SNIPPET_CHARS) : 'unknown error'}`;
}
