import { describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../db/connections';
import { describeHealth } from './health';

const now = new Date('2026-11-21T12:00:00Z');
const DAY = 86_400_000;
const base = {
  status: 'active',
  leased: false,
  expires_at: new Date(now.getTime() + DAY),
  refresh_token_expires_at: null,
  has_refresh_token: true,
} as unknown as ConnectionSummary;
const at = (patch: Partial<ConnectionSummary>) => describeHealth({ ...base, ...patch }, now);

describe('describeHealth', () => {
  it('passes non-active states through and shows a leased row as refreshing', () => {
    expect(at({ status: 'needs_reauth' })).toBe('needs_reauth');
    expect(at({ status: 'revoked', leased: true })).toBe('revoked');
    expect(at({ leased: true })).toBe('refreshing');
  });

  it('is active while a refresh token keeps the grant going', () => {
    expect(at({})).toBe('active');
    expect(at({ refresh_token_expires_at: new Date(now.getTime() + 200 * DAY) })).toBe('active');
  });

  it('warns when the grant ends soon: no refresh token within a week, a refresh-token end within two, or already expired', () => {
    expect(at({ has_refresh_token: false, expires_at: new Date(now.getTime() + 6 * DAY) })).toBe('expiring_soon');
    expect(at({ has_refresh_token: false, expires_at: new Date(now.getTime() + 8 * DAY) })).toBe('active');
    expect(at({ refresh_token_expires_at: new Date(now.getTime() + 13 * DAY) })).toBe('expiring_soon');
    expect(at({ expires_at: new Date(now.getTime() - 1000) })).toBe('expiring_soon');
  });
});
