import { describe, expect, it } from 'vitest';
import type { MetricRow } from '@/lib/db/insights-metrics';
import { toCsv } from './csv';

const row: MetricRow = {
  provider: 'meta', connection_id: 'c1', account_id: 'act_1', campaign_id: '9', campaign_name: '=HYPERLINK("x"), "Sale"', day: '2026-11-01',
  impressions: '10', clicks: null, spend: '-1.50', conversions: '0', conversion_value: '0.000000', currency: 'EUR',
};

describe('CSV export', () => {
  it('quotes what needs quoting, neutralises formulas, keeps negative numbers and empty cells for nulls', () => {
    expect(toCsv([row])).toBe(
      'day,provider,connection_id,account_id,campaign_id,campaign_name,currency,impressions,clicks,spend,conversions,conversion_value\r\n' +
        `2026-11-01,meta,c1,act_1,9,"'=HYPERLINK(""x""), ""Sale""",EUR,10,,-1.50,0,0.000000\r\n`,
    );
  });
});
