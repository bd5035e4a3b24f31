import 'server-only';
import { getLogger } from '../log';
import type { AddressPolicy } from './address-policy';
import { DELIVERY_ERROR, receiverAnswered } from './delivery-errors';
import { postPinned, type PinnedResponse } from './pinned-request';
import { parseRetryAfter } from './retry';
import { webhookHeaders } from './sign';
import { resolveWebhookTarget, type HostResolver } from './webhook-target';

/** The whole attempt (resolving, connecting, the answer's headers) ends by this. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export type AttemptResult =
  | { ok: true; statusCode: number }
  | {
      ok: false;
      statusCode: number | null;
      error: string;
      retryAfterMs: number | null;
      /** Trying again will not help (the URL is refused by policy). */
      final?: boolean;
    };

/**
 * One signed POST. The host is resolved once and every address checked against the policy (again
 * at every attempt, not only when the URL was saved: DNS can change in between), then the request
 * goes to a checked address. The body is serialised once and sent exactly as signed. A 3xx is a
 * failure: following it would send the event somewhere nobody checked.
 */
export async function postWebhook(input: {
  url: string;
  secret: string;
  msgId: string;
  payload: unknown;
  now: Date;
  policy: AddressPolicy;
  resolve?: HostResolver;
  timeoutMs?: number;
}): Promise<AttemptResult> {
  const timeoutMs = input.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const target = await resolveWebhookTarget(input.url, { policy: input.policy, resolve: input.resolve, timeoutMs });
  if (!target.ok) {
    // Refused by the URL alone (a literal private address, localhost): no waiting changes that.
    if (!target.asked) return { ok: false, statusCode: null, error: DELIVERY_ERROR.blocked, retryAfterMs: null, final: true };
    // Refused by what DNS said: a private answer and no answer read the same and are retried
    // alike, or a name re-pointed after saving (a CNAME to an internal name) would tell its owner
    // which internal names exist. Which it was is for the operator's log only.
    getLogger().info({ deliveryId: input.msgId, reason: target.reason }, 'webhook host refused');
    return { ok: false, statusCode: null, error: DELIVERY_ERROR.hostRefused, retryAfterMs: null };
  }

  const body = JSON.stringify(input.payload);
  let res: PinnedResponse;
  try {
    res = await postPinned({
      url: target.url,
      addresses: target.addresses,
      body,
      timeoutMs: Math.max(deadline - Date.now(), 1),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Grantkeeper-Webhooks/1.0',
        ...webhookHeaders({ secret: input.secret, msgId: input.msgId, timestamp: input.now, body }),
      },
    });
  } catch (err) {
    // For the operator's log only (the code, never a message that could echo the remote side).
    const code = (err as { code?: unknown })?.code;
    getLogger().debug({ deliveryId: input.msgId, code: typeof code === 'string' ? code : 'unknown' }, 'webhook connection failed');
    return { ok: false, statusCode: null, error: DELIVERY_ERROR.unreachable, retryAfterMs: null };
  }
  if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, statusCode: res.statusCode };
  const retryAfterMs = res.statusCode === 429 || res.statusCode === 503 ? parseRetryAfter(res.retryAfter, input.now) : null;
  return { ok: false, statusCode: res.statusCode, error: receiverAnswered(res.statusCode), retryAfterMs };
}
