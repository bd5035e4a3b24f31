import { describe, expect, it } from 'vitest';
import { accountLists } from '@/components/dashboard/account-copy';
import { providerLine } from '@/components/dashboard/connection-copy';
import { describeEvent, detailKeyLabel, detailValueText } from '@/components/dashboard/event-copy';
import { AMAZON_REGION_PICKER } from '@/components/dashboard/provider-copy';
import { pastWords } from '@/components/dashboard/time-format';
import { horizonText, lastRefreshTerm, nextRefreshTerm, relativeDays } from '@/components/dashboard/timeline-copy';
import { OUTCOMES, outcomeMessage } from '@/lib/connections/outcomes';

/** Each label issue 10 (items 7 and 8) found wrong, and what it says now. */

const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const DAY = 86_400_000;

describe('Amazon: one account across regions', () => {
  it('labels the connection by provider, not by the consent region', () => {
    // Was "Amazon Ads · North America · simulated" after a North America reconnect of a Europe connection.
    expect(providerLine({ provider: 'amazon-ads', metadata: { region: 'na', consentRegions: ['eu', 'na'], simulated: true } })).toBe(
      'Amazon Ads · simulated',
    );
  });

  it('lists profiles grouped by region, in the picker’s order', () => {
    const lists = accountLists('amazon-ads', {
      profiles: {
        eu: [{ profileId: '2', countryCode: 'UK', accountInfo: { name: 'Quinn EU', type: 'seller' } }],
        fe: [],
        na: [{ profileId: '1', countryCode: 'US', accountInfo: { name: 'Quinn US', type: 'seller' } }],
      },
    });
    expect(lists).toEqual([
      { label: 'Profiles · North America', items: ['Quinn US (US, seller)'] },
      { label: 'Profiles · Europe', items: ['Quinn EU (UK, seller)'] },
    ]);
  });

  it('the region picker says it picks the sign-in host, not a separate connection', () => {
    expect(AMAZON_REGION_PICKER.label).not.toBe('Region');
    expect(AMAZON_REGION_PICKER.hint).toMatch(/sign-in page.*one connection/);
    expect(AMAZON_REGION_PICKER.option('eu')).toBe('Europe (eu.account.amazon.com)');
  });

  it('a reconnect through another region says the account was already connected', () => {
    expect(outcomeMessage('region_added', { account: 'Avery Quinn', provider: 'Amazon Ads', region: 'Europe' })).toBe(
      'Avery Quinn (Amazon Ads) was already connected; Europe profiles added.',
    );
    expect(outcomeMessage('region_added')).toBe('This account was already connected; the profiles of that region added.');
  });
});

describe('labels that tell the truth', () => {
  it('"Connected" until the first refresh, "Last refresh" after it', () => {
    const connectedAt = '2026-12-02T11:59:56.123456+00:00';
    expect(lastRefreshTerm({ metadata: { connectedAt }, lastRefreshedAt: '2026-12-02T11:59:56.123Z' })).toBe('Connected');
    expect(lastRefreshTerm({ metadata: { connectedAt }, lastRefreshedAt: '2026-12-02T12:30:00.000Z' })).toBe('Last refresh');
    expect(lastRefreshTerm({ metadata: {}, lastRefreshedAt: '2026-12-02T12:30:00.000Z' })).toBe('Last refresh');
  });

  it('Meta: says when the token is re-exchanged and by when to reconnect, in days', () => {
    const meta = {
      provider: 'meta',
      status: 'active' as const,
      metadata: {},
      lastRefreshedAt: at(0),
      nextAttemptAt: at(52 * DAY),
      expiresAt: at(59 * DAY + 3_600_000),
      hasRefreshToken: false,
      refreshTokenExpiresAt: null,
    };
    // Was "Next refresh: in 2 months" beside "reconnect before then (59 days)".
    expect(nextRefreshTerm(meta)).toBe('Next re-exchange');
    expect(relativeDays(meta.nextAttemptAt, NOW)).toBe('in 52 days');
    expect(horizonText(meta, NOW, 'UTC')).toBe(
      'Re-exchanged automatically in 52 days (2027-01-23); if Meta does not extend it, reconnect by 2027-01-30 (59 days).',
    );
  });

  it('a status read just now is never "in a moment"', () => {
    expect(pastWords(at(400), NOW)).toBe('just now');
    expect(pastWords(at(-12_000), NOW)).toBe('12 seconds ago');
  });

  it('audit detail keys and codes in words', () => {
    expect(detailKeyLabel('externalAccountId')).toBe('Account id');
    expect(detailKeyLabel('revokedAtProvider')).toBe('Revoked at provider');
    expect(detailValueText('reason', 'provider_error:user_cancelled_authorize')).toBe('you cancelled at the provider');
    expect(detailValueText('reason', 'provider_error:weird_thing')).toBe('the provider answered “weird_thing”');
    expect(detailValueText('outcome', 'consent_denied')).toBe('consent denied');
    expect(detailValueText('hasRefreshToken', true)).toBe('yes');
    expect(describeEvent('oauth.callback', { provider: 'linkedin', outcome: 'consent_denied', reason: 'provider_error:user_cancelled_authorize' })).toBe(
      'Result: consent denied · Why: you cancelled at the provider',
    );
  });

  it('Instagram business accounts by username', () => {
    const lists = accountLists('meta', {
      pages: [{ id: '1045', name: 'Casa Lucía Bakery', instagramBusinessAccountId: '17841405822304914', instagramUsername: 'casalucia.bakery' }],
    });
    expect(lists.find((l) => l.label === 'Instagram business accounts')?.items).toEqual(['@casalucia.bakery (via Casa Lucía Bakery)']);
  });

  it('reconnecting a revoked connection does not claim its tokens were replaced', () => {
    expect(OUTCOMES.reconnected_after_revoke.message).toBe('Account reconnected.');
    expect(outcomeMessage('reconnected_after_revoke')).not.toMatch(/replaced/);
  });
});
