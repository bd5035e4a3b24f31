import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, webhookHeaders } from './sign';

/** Checked against the reference implementation (`standardwebhooks`), not against ourselves. */
describe('Standard Webhooks signing', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ type: 'connection.needs_reauth', timestamp: '2026-11-21T10:00:00.000Z', data: { a: 1 } });
  const headers = (overrides: Partial<{ msgId: string; timestamp: Date; body: string }> = {}) =>
    webhookHeaders({ secret, msgId: 'msg_1', timestamp: new Date(), body, ...overrides });

  it('makes whsec_ secrets of 32 random bytes', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('produces the same signature as the reference implementation', () => {
    const at = new Date('2026-11-21T10:00:00.123Z');
    expect(signWebhook(secret, 'msg_abc', at, body)).toBe(new Webhook(secret).sign('msg_abc', at, body));
  });

  it('verifies with the reference implementation', () => {
    const h = headers();
    expect(h['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(h['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(new Webhook(secret).verify(body, h)).toEqual(JSON.parse(body));
  });

  it('fails verification when the body, timestamp, id or secret differ', () => {
    const wh = new Webhook(secret);
    const h = headers();
    expect(() => wh.verify(body.replace('"a":1', '"a":2'), h)).toThrow();
    const later = String(Number(h['webhook-timestamp']) + 1);
    expect(() => wh.verify(body, { ...h, 'webhook-timestamp': later })).toThrow();
    expect(() => wh.verify(body, { ...h, 'webhook-id': 'msg_2' })).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, h)).toThrow();
  });

  it('signs the timestamp, so an old capture is refused by receivers', () => {
    const old = headers({ timestamp: new Date(Date.now() - 10 * 60_000) });
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/too old/);
  });

  it('a secret given without its whsec_ prefix signs the same; an empty one is refused rather than signing with no key', () => {
    const at = new Date('2026-11-21T10:00:00Z');
    expect(signWebhook(secret.slice('whsec_'.length), 'msg_1', at, body)).toBe(signWebhook(secret, 'msg_1', at, body));
    expect(() => signWebhook('whsec_', 'msg_1', at, body)).toThrow('webhook secret is empty');
  });
});
