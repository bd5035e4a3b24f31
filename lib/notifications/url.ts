import 'server-only';
import { z } from 'zod';
import { isSafeText } from '../http/safe-text';

/**
 * Where a user's webhooks may go. https is required in production so signed events (which name
 * accounts) are not readable on the wire; plain http is allowed elsewhere for local receivers.
 * This is the URL's shape only: which addresses it may reach is decided by webhook-target.ts, when
 * the URL is saved and again at every delivery.
 */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export function webhookUrlSchema(options: { production: boolean }) {
  return z
    .string()
    .trim()
    .min(1, 'Enter a URL.')
    .max(MAX_WEBHOOK_URL_LENGTH, `The URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`)
    .refine(isSafeText, 'The URL contains characters that are not allowed (such as NUL or other control characters).')
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Enter an absolute URL such as https://example.com/hooks/grantkeeper.' });
        return;
      }
      const allowed = options.production ? ['https:'] : ['https:', 'http:'];
      if (!allowed.includes(url.protocol)) {
        ctx.addIssue({
          code: 'custom',
          message: options.production ? 'The URL must start with https://.' : 'The URL must start with https:// or http://.',
        });
      }
      // Credentials in a URL end up in logs and screenshots; receivers should check the signature instead.
      if (url.username || url.password) {
        ctx.addIssue({ code: 'custom', message: 'The URL must not contain a user name or password.' });
      }
      if (!url.hostname) ctx.addIssue({ code: 'custom', message: 'The URL needs a host.' });
    });
}

/** The part of a URL that is safe to show in audit rows: no path or query, which may carry a secret. */
export function describeWebhookUrl(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return 'invalid URL';
  }
}
