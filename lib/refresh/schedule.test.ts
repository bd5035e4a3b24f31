import { describe, expect, it } from 'vitest';
import type { RefreshSettings } from '../env';
import type { ProviderDefinition } from '../providers/types';
import { backoffSec, nextCheckInSec, refreshLeadSec } from './schedule';

/** When the sweep looks at a token again (issue 11 §6). */

const settings = { leadSec: 300, warningSec: 3 * 86_400 } as RefreshSettings;
const plain = { defaults: {} } as ProviderDefinition;
const ownLead = { defaults: { refreshLeadSec: 600 } } as unknown as ProviderDefinition;

describe('refreshLeadSec', () => {
  it("uses the provider's lead over the global one, never more than half the lifetime, at least 1 s", () => {
    expect(refreshLeadSec(plain, settings, 3600)).toBe(300);
    expect(refreshLeadSec(ownLead, settings, 3600)).toBe(600);
    expect(refreshLeadSec(plain, settings, 120)).toBe(60);
    expect(refreshLeadSec(plain, settings, 1)).toBe(1);
  });
});

describe('nextCheckInSec', () => {
  it('a refreshable token is looked at its lead before expiry', () => {
    expect(nextCheckInSec(plain, settings, 3600, true)).toBe(3300);
  });

  it('a token that cannot be refreshed is looked at when its expiry warning is due, else at expiry', () => {
    expect(nextCheckInSec(plain, settings, 60 * 86_400, false)).toBe(57 * 86_400);
    expect(nextCheckInSec(plain, settings, 86_400, false)).toBe(86_400);
    expect(nextCheckInSec(plain, settings, 0, false)).toBe(0);
  });
});

describe('backoffSec', () => {
  it('doubles from 30 s to a 30-minute cap, jittered within [half, full]', () => {
    expect(backoffSec(1, undefined, () => 1)).toBe(30);
    expect(backoffSec(1, undefined, () => 0)).toBe(15);
    expect(backoffSec(3, undefined, () => 1)).toBe(120);
    expect(backoffSec(20, undefined, () => 1)).toBe(1800);
  });

  it("is never sooner than the provider's Retry-After", () => {
    expect(backoffSec(1, 90.2, () => 0)).toBe(91);
    expect(backoffSec(3, 10, () => 1)).toBe(120);
  });
});
