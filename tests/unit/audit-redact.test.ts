import { describe, expect, it } from 'vitest';
import { HIDDEN, redactTokenLike } from '@/components/audit/redact';

/** The audit page's last line of defence: token-shaped text never reaches the screen. */
describe('redactTokenLike', () => {
  it('hides our own secrets, ciphertext, bearer values and JWTs', () => {
    const key = `gk_abcdefgh_${'A1b2'.repeat(10)}xyz`;
    for (const secret of [
      key,
      `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
      `gAAAAAB${'x'.repeat(60)}`,
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl',
    ]) {
      const out = redactTokenLike(`failed: ${secret} (retry)`);
      expect(out, secret).toBe(`failed: ${HIDDEN} (retry)`);
    }
    expect(redactTokenLike('Authorization: Bearer abc.def-123')).toBe(`Authorization: ${HIDDEN}`);
  });

  it('hides provider token shapes and long random runs', () => {
    expect(redactTokenLike(`Atza|IwEB${'Qx7'.repeat(30)}`)).toBe(HIDDEN);
    expect(redactTokenLike(`token EAA${'Zk9'.repeat(20)} end`)).toBe(`token ${HIDDEN} end`);
    expect(redactTokenLike(`AQV${'a1_B'.repeat(20)}`)).toBe(HIDDEN);
    // X's tokens: base64 of "<random>:<ms>:1:0:at:1".
    const x = Buffer.from(`${'r4nd0m'.repeat(7)}:1763712000000:1:0:at:1`).toString('base64');
    expect(redactTokenLike(x)).toBe(HIDDEN);
  });

  it('hides the shapes the logs scrub (lib/scrub-secrets.ts), which the screen once missed: URL passwords, credential parameters, encoded Amazon tokens', () => {
    const url = 'callback https://app.example.com/cb?code=ab12&state=s7x&next=/home failed';
    expect(redactTokenLike(url)).toBe(`callback https://app.example.com/cb?code=${HIDDEN}&state=${HIDDEN}&next=/home failed`);
    expect(redactTokenLike('connect postgres://app:hunter2@db.internal:5432/grants refused')).toBe(
      `connect postgres://app:${HIDDEN}@db.internal:5432/grants refused`,
    );
    expect(redactTokenLike('GET /x?t=Atza%7CIwEBIexample')).not.toContain('IwEBIexample');
    expect(redactTokenLike('Authorization: Basic dXNlcjpodW50ZXIy')).toBe(`Authorization: ${HIDDEN}`);
  });

  it('keeps what an audit row legitimately says', () => {
    for (const text of [
      '3f2b8a1c-9d4e-4f6a-8b7c-1d2e3f4a5b6c',
      'advertising::campaign_management',
      'notification_endpoint.created_for_the_account',
      '2026-11-21T10:27:49.265Z',
      'https://hooks.example.com',
      '1468021597370163201',
      'urn:li:sponsoredAccount:5123456',
      'amzn1.account.AKP8M2EXAMPLENADIAPETROVA',
      'amzn1.account.AFJ2K3L4M5N6O7P8Q9R0S1T2U3V4',
      'invalid_grant',
      'a basic check of the account',
    ]) {
      expect(redactTokenLike(text), text).toBe(text);
    }
  });
});
