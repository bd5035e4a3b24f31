import { describe, expect, it } from 'vitest';
import { describeWebhookUrl, webhookUrlSchema } from './url';

const prod = webhookUrlSchema({ production: true });
const dev = webhookUrlSchema({ production: false });

describe('webhook URL validation', () => {
  it('requires https in production and allows http elsewhere', () => {
    expect(prod.safeParse('https://hooks.example.com/grantkeeper').success).toBe(true);
    expect(prod.safeParse('http://hooks.example.com/grantkeeper').success).toBe(false);
    expect(dev.safeParse('http://127.0.0.1:4000/hooks').success).toBe(true);
    expect(dev.safeParse('https://hooks.example.com').success).toBe(true);
  });

  it('refuses other schemes and things that are not absolute URLs', () => {
    for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'file:///etc/passwd', '/relative', 'example.com', '', '   ']) {
      expect(dev.safeParse(url).success, url).toBe(false);
    }
  });

  it('refuses credentials in the URL', () => {
    expect(dev.safeParse('https://user:pass@example.com/hooks').success).toBe(false);
    expect(dev.safeParse('https://user@example.com/hooks').success).toBe(false);
  });

  it('caps the length at 2048', () => {
    const base = 'https://example.com/';
    expect(dev.safeParse(base + 'a'.repeat(2048 - base.length)).success).toBe(true);
    expect(dev.safeParse(base + 'a'.repeat(2049 - base.length)).success).toBe(false);
  });

  it('trims surrounding spaces', () => {
    expect(dev.parse('  https://example.com/h  ')).toBe('https://example.com/h');
  });

  it('describes a URL by its origin only (paths and queries may hold the receiver’s secret)', () => {
    expect(describeWebhookUrl('https://example.com/hooks?token=abc')).toBe('https://example.com');
  });
});
