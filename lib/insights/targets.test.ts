import { describe, expect, it } from 'vitest';
import { deriveTargets } from './targets';

/** Which accounts of a connection get synced, from the metadata its accounts fetcher stored. */

// `metadata` is jsonb not null, but a JSON null is still a value there.
const conn = (provider: string, metadata: Record<string, unknown> | null) =>
  ({ provider, external_account_id: '2244994945', display_name: '@ada', metadata: metadata as Record<string, unknown> });

describe('deriveTargets', () => {
  it('Amazon: one target per profile and region, named by account and country; DSP agency profiles are kept but skipped', () => {
    const targets = deriveTargets(
      conn('amazon-ads', {
        profiles: {
          eu: [
            { profileId: 3333, countryCode: 'DE', currencyCode: 'EUR', timezone: 'Europe/Berlin', accountInfo: { type: 'seller', name: 'Shop' } },
            { profileId: '44', accountInfo: { type: 'agency', name: 'Agency' } },
          ],
          fe: [{ profileId: '55' }],
        },
      }),
    );
    expect(targets).toEqual([
      { accountId: '3333', accountName: 'Shop · DE', region: 'eu', currency: 'EUR', timeZone: 'Europe/Berlin', skipReason: null },
      { accountId: '44', accountName: 'Agency', region: 'eu', currency: null, timeZone: 'UTC', skipReason: 'Amazon DSP (agency) profiles are not synced' },
      { accountId: '55', accountName: null, region: 'fe', currency: null, timeZone: 'UTC', skipReason: null },
    ]);
  });

  it('LinkedIn: every ad account, days in UTC; Meta: act_-prefixed ids in the account’s time zone', () => {
    expect(deriveTargets(conn('linkedin', { adAccounts: [{ id: 507404993, name: 'Acme', currency: 'USD' }, { id: '9' }] }))).toEqual([
      { accountId: '507404993', accountName: 'Acme', region: null, currency: 'USD', timeZone: 'UTC', skipReason: null },
      { accountId: '9', accountName: null, region: null, currency: null, timeZone: 'UTC', skipReason: null },
    ]);
    expect(deriveTargets(conn('meta', { adAccounts: [{ id: 'act_42', currency: 'EUR', timezoneName: 'Europe/Madrid' }, { id: '43' }] }))).toEqual([
      { accountId: 'act_42', accountName: null, region: null, currency: 'EUR', timeZone: 'Europe/Madrid', skipReason: null },
      { accountId: 'act_43', accountName: null, region: null, currency: null, timeZone: 'UTC', skipReason: null },
    ]);
  });

  it('X: the connected account itself is the one target', () => {
    expect(deriveTargets(conn('x', {}))).toEqual([
      { accountId: '2244994945', accountName: '@ada', region: null, currency: null, timeZone: 'UTC', skipReason: null },
    ]);
  });

  it('metadata that is missing or malformed gives no targets rather than failing the sweep; OIDC has none', () => {
    expect(deriveTargets(conn('amazon-ads', null))).toEqual([]);
    expect(deriveTargets(conn('amazon-ads', { profiles: 'eu' }))).toEqual([]);
    expect(deriveTargets(conn('amazon-ads', { profiles: { eu: [{ countryCode: 'DE' }] } }))).toEqual([]);
    expect(deriveTargets(conn('linkedin', { adAccounts: 'many' }))).toEqual([]);
    expect(deriveTargets(conn('meta', { adAccounts: [{ name: 'no id' }] }))).toEqual([]);
    expect(deriveTargets(conn('oidc', { email: 'ada@example.com' }))).toEqual([]);
  });
});
