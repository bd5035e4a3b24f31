import 'server-only';
import { z } from 'zod';
import { scrubSecrets } from '../log';
import { looksRandom, TOKEN_RUN } from '../scrub-secrets';
import { ProviderError, type ProviderDefinition, type ProviderErrorInfo } from '../providers/types';

/**
 * Turning a provider's error response into a classified ProviderError. The shapes seen in
 * providers.md: OAuth `{error, error_description}` (RFC 6749 §5.2), Meta's envelope
 * `{error:{message,type,code,error_subcode}}` [M4], LinkedIn REST `{message,serviceErrorCode,status}`
 * [LI10], X problems `{title,detail}` and legacy `{errors:[{code,message}]}` [X7], Amazon Ads
 * `{code,details}` [AZ8], and bodies that are not JSON at all.
 */

const text = z.string().optional().catch(undefined);
const int = z.coerce.number().int().optional().catch(undefined);

const OAuthErrorBody = z.object({ error: z.string(), error_description: text });
const MetaErrorBody = z.object({
  error: z.object({ message: text, type: text, code: int, error_subcode: int }),
});
const LinkedInRestErrorBody = z.object({ message: z.string(), serviceErrorCode: int });
const ProblemBody = z.object({ title: z.string(), detail: text });
const LegacyErrorsBody = z.object({ errors: z.array(z.object({ code: int, message: text })).min(1) });
const AmazonAdsErrorBody = z.object({ code: z.string(), details: text });

export interface ParsedErrorResponse {
  info: ProviderErrorInfo;
  /** The ProviderError code: OAuth `error`, `<type>/<code>` for Meta, else `http_<status>`. */
  code: string;
}

export function parseErrorBody(status: number, body: unknown): ParsedErrorResponse {
  const meta = MetaErrorBody.safeParse(body);
  if (meta.success) {
    const { message, type, code, error_subcode } = meta.data.error;
    return {
      info: { status, error: type, description: message, code, subcode: error_subcode },
      code: code === undefined ? (type ?? `http_${status}`) : `${type ?? 'OAuthException'}/${code}`,
    };
  }
  const oauth = OAuthErrorBody.safeParse(body);
  if (oauth.success) {
    const { error, error_description } = oauth.data;
    return { info: { status, error, description: error_description }, code: error };
  }
  const fallback = `http_${status}`;
  const linkedin = LinkedInRestErrorBody.safeParse(body);
  if (linkedin.success) {
    return { info: { status, description: linkedin.data.message, code: linkedin.data.serviceErrorCode }, code: fallback };
  }
  const problem = ProblemBody.safeParse(body);
  if (problem.success) {
    return { info: { status, description: problem.data.detail ?? problem.data.title }, code: fallback };
  }
  const legacy = LegacyErrorsBody.safeParse(body);
  if (legacy.success) {
    const first = legacy.data.errors[0];
    return { info: { status, description: first?.message, code: first?.code }, code: fallback };
  }
  const amazon = AmazonAdsErrorBody.safeParse(body);
  if (amazon.success) {
    return { info: { status, error: amazon.data.code, description: amazon.data.details }, code: amazon.data.code };
  }
  // Not JSON, or JSON we do not know: the body is not echoed, it might hold anything.
  return { info: { status }, code: fallback };
}

/**
 * Seconds to wait before trying again. `Retry-After` is delta-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Without it: X's `x-rate-limit-reset` (epoch seconds) on a 429 [X6], and
 * Meta's `estimated_time_to_regain_access` (minutes) in `X-Business-Use-Case-Usage` [M5].
 */
export function parseRetryAfter(headers: Headers, status: number, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  const reset = headers.get('x-rate-limit-reset')?.trim();
  if (status === 429 && reset && /^\d+$/.test(reset)) {
    return Math.max(0, Number(reset) - Math.floor(now / 1000));
  }
  const usage = headers.get('x-business-use-case-usage');
  if (usage) return metaRegainAccessSeconds(usage);
  return undefined;
}

const BusinessUseCaseUsage = z.record(
  z.string(),
  z.array(z.object({ estimated_time_to_regain_access: z.coerce.number().optional().catch(undefined) })),
);

function metaRegainAccessSeconds(header: string): number | undefined {
  let json: unknown;
  try {
    json = JSON.parse(header);
  } catch {
    return undefined;
  }
  const parsed = BusinessUseCaseUsage.safeParse(json);
  if (!parsed.success) return undefined;
  const minutes = Object.values(parsed.data)
    .flat()
    .map((u) => u.estimated_time_to_regain_access ?? 0);
  const max = Math.max(0, ...minutes);
  return max > 0 ? max * 60 : undefined;
}

/**
 * Provider descriptions are kept (they say why), but anything shaped like a credential goes:
 * the log scrubber's patterns plus long runs of token characters with letters and digits
 * (`Atzr|IQEB…`, `EAAB…`, JWT segments). Prose and short words survive.
 */
export function scrubDescription(description: string | undefined, sensitive: readonly string[] = []): string | undefined {
  if (description === undefined) return undefined;
  const withoutKnown = sensitive.reduce((text, value) => text.split(value).join('[redacted]'), description);
  const scrubbed = scrubSecrets(withoutKnown).replace(TOKEN_RUN, (run) => (looksRandom(run) ? '[redacted]' : run));
  return scrubbed.length > 500 ? `${scrubbed.slice(0, 500)}…` : scrubbed;
}

/** A non-2xx (or error-carrying) response as a classified ProviderError. */
export function errorFromResponse(
  definition: Pick<ProviderDefinition, 'classifyError'>,
  response: { status: number; headers: Headers; json: unknown; sensitive?: readonly string[] },
): ProviderError {
  const { status } = response;
  const { info, code } = parseErrorBody(status, response.json);
  return new ProviderError({
    code,
    description: scrubDescription(info.description, response.sensitive),
    status,
    subcode: info.subcode,
    retryAfterSec: parseRetryAfter(response.headers, status),
    kind: definition.classifyError(info),
  });
}

/** A 2xx whose body is not what the protocol promises: the paths that failed, never the values. */
export function invalidResponseError(status: number, issues: readonly { path: readonly PropertyKey[] }[]): ProviderError {
  const paths = issues.map((i) => i.path.map(String).join('.') || '(body)');
  return new ProviderError({
    code: 'invalid_response',
    description: `unexpected response shape at ${[...new Set(paths)].join(', ')}`,
    status,
    kind: 'transient',
  });
}
