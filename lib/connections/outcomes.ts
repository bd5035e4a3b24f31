/**
 * Outcomes of the connect and disconnect flows, in words for people. The callback redirects to the
 * dashboard with `?outcome=<code>`; the dashboard turns it into a toast, the error page into text.
 * Nothing here interpolates provider text, so nothing a provider sends can reach the page.
 */
export const OUTCOMES = {
  connected: { tone: 'success', message: 'Account connected.' },
  reconnected: { tone: 'success', message: 'Account reconnected. Its tokens were replaced.' },
  // A revoked connection had its tokens erased: nothing was replaced.
  reconnected_after_revoke: { tone: 'success', message: 'Account reconnected.' },
  // Amazon: one Login with Amazon account, consented again through another region's host.
  region_added: { tone: 'success', message: 'This account was already connected; its profiles in that region were added.' },
  consent_denied: { tone: 'info', message: 'Connection cancelled at the provider. Nothing was stored.' },
  invalid_state: {
    tone: 'error',
    message: 'This sign-in link is not valid: it was already used, never issued, or started by someone else. Nothing was stored.',
  },
  state_expired: { tone: 'error', message: 'This sign-in took longer than 10 minutes. Please start again.' },
  invalid_request: { tone: 'error', message: 'The provider sent back an incomplete or malformed answer. Nothing was stored.' },
  token_exchange_failed: {
    tone: 'error',
    message: 'The provider refused to issue tokens for this sign-in. Nothing was stored; please try again.',
  },
  provider_unavailable: { tone: 'error', message: 'The provider did not answer in time. Nothing was stored; please try again.' },
  not_configured: { tone: 'error', message: 'This provider is not configured: set its client id and secret.' },
  not_found: { tone: 'error', message: 'That connection does not exist.' },
  bad_region: { tone: 'error', message: 'Choose a region: North America, Europe or Far East.' },
} as const satisfies Record<string, { tone: 'success' | 'info' | 'error'; message: string }>;

export type OutcomeCode = keyof typeof OUTCOMES;

export function isOutcomeCode(value: string | null | undefined): value is OutcomeCode {
  return typeof value === 'string' && Object.hasOwn(OUTCOMES, value);
}

/** Words a page knows about the connection an outcome concerns (never provider error text). */
export interface OutcomeContext {
  /** The account's name as stored, e.g. "Avery Quinn". */
  account?: string | null;
  /** The provider's name, e.g. "Amazon Ads". */
  provider?: string | null;
  /** The consent region's name, e.g. "Europe" (region_added). */
  region?: string | null;
}

/**
 * The toast's text: the outcome's message, with the account named where the outcome is about an
 * account already there. "Avery Quinn (Amazon Ads) was already connected; Europe profiles added."
 */
export function outcomeMessage(code: OutcomeCode, context: OutcomeContext = {}): string {
  if (code !== 'region_added') return OUTCOMES[code].message;
  const who = context.account ? `${context.account}${context.provider ? ` (${context.provider})` : ''}` : 'This account';
  return `${who} was already connected; ${context.region ? `${context.region} profiles` : 'the profiles of that region'} added.`;
}

/** A failure of a flow step, carrying the outcome to show. */
export class FlowError extends Error {
  constructor(
    readonly outcome: OutcomeCode,
    /** For logs and audit detail; never a secret. */
    readonly reason?: string,
  ) {
    super(reason ? `${outcome}: ${reason}` : outcome);
    this.name = 'FlowError';
  }
}
