import type { SimulatedProvider } from './credentials';
import {
  AMAZON_PERSONAS,
  LINKEDIN_PERSONAS,
  META_PERSONAS,
  X_PERSONAS,
  type AmazonPersona,
  type LinkedInPersona,
  type MetaPersona,
  type XPersona,
} from './personas';

/**
 * Finding the persona behind a grant, fixed or synthetic. Synthetic personas for non-browser clients (the benchmark's 500 concurrent flows, the
 * concurrency test): `bench-<n>` is a distinct simulated person for every n, with ids derived
 * from n so a test can predict the external account id the app will store. The consent page never
 * lists them; its POST accepts one only where the admin API would answer (consent.ts), so in
 * production they exist only behind SIMULATOR_ADMIN_SECRET, like seed and issued.
 */

const SYNTHETIC_ID = /^bench-(\d{1,7})$/;
/** The largest n: seven digits keep every derived id inside its provider's format. */
export const MAX_SYNTHETIC_PERSONA = 9_999_999;

export function syntheticPersonaNumber(id: string): number | undefined {
  const m = SYNTHETIC_ID.exec(id);
  return m ? Number(m[1]) : undefined;
}

const pad = (n: number) => String(n).padStart(7, '0');

function amazon(n: number): AmazonPersona {
  return {
    id: `bench-${n}`,
    name: `Bench User ${n}`,
    email: `bench-${n}@example.com`,
    userId: `amzn1.account.BENCH${pad(n)}`,
    profiles: [
      {
        // Below 2^53: Amazon sends profile ids as JSON numbers.
        profileId: 5_000_000_000_000_000 + n,
        region: 'na',
        countryCode: 'US',
        currencyCode: 'USD',
        timezone: 'America/New_York',
        dailyBudget: 100,
        accountInfo: { marketplaceStringId: 'ATVPDKIKX0DER', id: `BENCHSELLER${pad(n)}`, type: 'seller', name: `Bench Store ${n}`, validPaymentMethod: true },
      },
    ],
  };
}

function linkedin(n: number): LinkedInPersona {
  return {
    id: `bench-${n}`,
    sub: `bench${pad(n)}`,
    givenName: 'Bench',
    familyName: `User ${n}`,
    email: `bench-${n}@example.com`,
    adAccounts: [{ id: 600_000_000 + n, name: `Bench ${n} Ads`, currency: 'USD', role: 'ACCOUNT_MANAGER', organizationId: 700_000_000 + n }],
  };
}

function x(n: number): XPersona {
  return { id: `bench-${n}`, userId: `19000000000${pad(n)}`, name: `Bench User ${n}`, username: `bench_${n}` };
}

function meta(n: number): MetaPersona {
  return {
    id: `bench-${n}`,
    userId: `19990000000${pad(n)}`,
    name: `Bench User ${n}`,
    pages: [],
    adAccounts: [{ accountId: `99900000${pad(n)}`, name: `Bench ${n} Ads`, currency: 'USD', accountStatus: 1, timezoneName: 'America/New_York' }],
  };
}

function find<P extends { id: string }>(fixed: readonly P[], synthesize: (n: number) => P, id: string): P | undefined {
  const known = fixed.find((p) => p.id === id);
  if (known) return known;
  const n = syntheticPersonaNumber(id);
  return n === undefined ? undefined : synthesize(n);
}

/** The persona behind a grant: one of the fixed ones, or a synthetic `bench-<n>`. */
export const findAmazonPersona = (id: string) => find(AMAZON_PERSONAS, amazon, id);
export const findLinkedInPersona = (id: string) => find(LINKEDIN_PERSONAS, linkedin, id);
export const findXPersona = (id: string) => find(X_PERSONAS, x, id);
export const findMetaPersona = (id: string) => find(META_PERSONAS, meta, id);

/**
 * Every identifier a connection might store for a persona (user ids, profile/account ids, URNs),
 * so `_admin/revoke` finds the grant whichever one the client engine chose as externalAccountId.
 */
export function externalIdsOf(provider: SimulatedProvider, personaId: string): string[] {
  switch (provider) {
    case 'amazon-ads': {
      const p = findAmazonPersona(personaId);
      return p ? [p.id, p.userId, ...p.profiles.map((f) => String(f.profileId))] : [];
    }
    case 'linkedin': {
      const p = findLinkedInPersona(personaId);
      return p
        ? [p.id, p.sub, `urn:li:person:${p.sub}`, ...p.adAccounts.flatMap((a) => [String(a.id), `urn:li:sponsoredAccount:${a.id}`])]
        : [];
    }
    case 'x': {
      const p = findXPersona(personaId);
      return p ? [p.id, p.userId, p.username, `@${p.username}`] : [];
    }
    case 'meta': {
      const p = findMetaPersona(personaId);
      return p
        ? [p.id, p.userId, ...p.pages.map((g) => g.id), ...p.adAccounts.flatMap((a) => [a.accountId, `act_${a.accountId}`])]
        : [];
    }
  }
}
