import { describe, expect, it } from 'vitest';
import { DELIVERY_ERROR, describeDeliveryError, receiverAnswered } from './delivery-errors';

describe('what a user is told about a failed delivery', () => {
  it('passes the fixed messages through', () => {
    for (const message of [...Object.values(DELIVERY_ERROR), receiverAnswered(500), receiverAnswered(302)]) {
      expect(describeDeliveryError(message)).toBe(message);
    }
    expect(describeDeliveryError(null)).toBeNull();
  });

  it('keeps only the status of rows written before, which held the receiver’s answer', () => {
    expect(describeDeliveryError('HTTP error 500: redis NOAUTH password=hunter2')).toBe('Receiver answered 500');
    expect(describeDeliveryError('redirect not followed 301')).toBe('Receiver answered 301 (redirects are not followed)');
    expect(describeDeliveryError('connection failed: ECONNREFUSED')).toBe(DELIVERY_ERROR.unreachable);
    expect(describeDeliveryError('timed out after 10000 ms')).toBe(DELIVERY_ERROR.unreachable);
    expect(describeDeliveryError('connection failed: self-signed certificate in chain for internal.corp')).toBe(DELIVERY_ERROR.unreachable);
    // Rows from before hostRefused told a private answer from no answer; shown now, they read alike.
    expect(describeDeliveryError('The host name could not be resolved')).toBe(DELIVERY_ERROR.hostRefused);
    expect(describeDeliveryError('anything else the receiver said')).toBe('Delivery failed');
    expect(describeDeliveryError('Receiver answered 500: body')).toBe('Delivery failed');
  });
});
