import type { SimulatedProvider } from './credentials';

/**
 * The simulated people a consent page offers. Ids are stable: e2e tests click
 * `data-testid="sim-account-<id>"`, and integration tests assert on the accounts below.
 */

export type AmazonRegion = 'na' | 'eu' | 'fe';

export interface AmazonProfile {
  profileId: number;
  region: AmazonRegion;
  countryCode: string;
  currencyCode: string;
  timezone: string;
  dailyBudget: number;
  accountInfo: { marketplaceStringId: string; id: string; type: 'vendor' | 'seller' | 'agency'; name: string; validPaymentMethod: boolean };
}

export interface AmazonPersona {
  id: string;
  name: string;
  email: string;
  userId: string;
  profiles: AmazonProfile[];
}

export interface LinkedInPersona {
  id: string;
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  adAccounts: { id: number; name: string; currency: string; role: string; organizationId: number }[];
}

export interface XPersona {
  id: string;
  userId: string;
  name: string;
  username: string;
}

export interface MetaPersona {
  id: string;
  userId: string;
  name: string;
  pages: { id: string; name: string; tasks: string[]; instagramBusinessAccountId?: string; instagramUsername?: string }[];
  adAccounts: { accountId: string; name: string; currency: string; accountStatus: number; timezoneName: string }[];
}

const seller = (id: string, name: string) => ({ id, name, type: 'seller' as const, validPaymentMethod: true });

export const AMAZON_PERSONAS: AmazonPersona[] = [
  {
    id: 'amazon-avery',
    name: 'Avery Quinn',
    email: 'avery.quinn@example.com',
    userId: 'amzn1.account.AFQ2Y7EXAMPLEAVERYQUINN3XK',
    profiles: [
      { profileId: 3470110214120011, region: 'na', countryCode: 'US', currencyCode: 'USD', timezone: 'America/Los_Angeles', dailyBudget: 500,
        accountInfo: { marketplaceStringId: 'ATVPDKIKX0DER', ...seller('A2QUINNSELLERUS', 'Quinn Outdoor Gear') } },
      { profileId: 3470110214120012, region: 'na', countryCode: 'CA', currencyCode: 'CAD', timezone: 'America/Los_Angeles', dailyBudget: 150,
        accountInfo: { marketplaceStringId: 'A2EUQ1WTGCTBG2', ...seller('A2QUINNSELLERUS', 'Quinn Outdoor Gear') } },
      { profileId: 3470110214120021, region: 'eu', countryCode: 'UK', currencyCode: 'GBP', timezone: 'Europe/London', dailyBudget: 200,
        accountInfo: { marketplaceStringId: 'A1F83G8C2ARO7P', ...seller('A2QUINNSELLEREU', 'Quinn Outdoor Gear EU') } },
      { profileId: 3470110214120022, region: 'eu', countryCode: 'DE', currencyCode: 'EUR', timezone: 'Europe/Paris', dailyBudget: 180,
        accountInfo: { marketplaceStringId: 'A1PA6795UKMFR9', ...seller('A2QUINNSELLEREU', 'Quinn Outdoor Gear EU') } },
    ],
  },
  {
    id: 'amazon-kenji',
    name: 'Kenji Watanabe',
    email: 'kenji.watanabe@example.com',
    userId: 'amzn1.account.AHW4K9EXAMPLEKENJIWATANABE',
    profiles: [
      { profileId: 4100220033440051, region: 'fe', countryCode: 'JP', currencyCode: 'JPY', timezone: 'Asia/Tokyo', dailyBudget: 30000,
        accountInfo: { marketplaceStringId: 'A1VC38T7YXB528', id: 'ENTITY1KWVENDORJP', type: 'vendor', name: 'Watanabe Kitchenware', validPaymentMethod: false } },
      { profileId: 4100220033440052, region: 'fe', countryCode: 'AU', currencyCode: 'AUD', timezone: 'Australia/Sydney', dailyBudget: 250,
        accountInfo: { marketplaceStringId: 'A39IBJ37TRP1C6', ...seller('A3WATANABEAU', 'Watanabe Kitchenware AU') } },
    ],
  },
  { id: 'amazon-nadia', name: 'Nadia Petrova', email: 'nadia.petrova@example.com', userId: 'amzn1.account.AKP8M2EXAMPLENADIAPETROVA', profiles: [] },
  // Sells in Europe and North America; connected through both regions by e2e/connect.spec.ts only.
  {
    id: 'amazon-imani',
    name: 'Imani Bello',
    email: 'imani.bello@example.com',
    userId: 'amzn1.account.AJB5T3EXAMPLEIMANIBELLO7QZ',
    profiles: [
      { profileId: 3470110214130021, region: 'eu', countryCode: 'FR', currencyCode: 'EUR', timezone: 'Europe/Paris', dailyBudget: 120,
        accountInfo: { marketplaceStringId: 'A13V1IB3VIYZZH', ...seller('A2BELLOSELLEREU', 'Bello Ceramics EU') } },
      { profileId: 3470110214130011, region: 'na', countryCode: 'US', currencyCode: 'USD', timezone: 'America/New_York', dailyBudget: 90,
        accountInfo: { marketplaceStringId: 'ATVPDKIKX0DER', ...seller('A2BELLOSELLERUS', 'Bello Ceramics') } },
    ],
  },
];

export const LINKEDIN_PERSONAS: LinkedInPersona[] = [
  {
    id: 'linkedin-maya',
    sub: 'mJ8r2Qx9Tb',
    givenName: 'Maya',
    familyName: 'Lindqvist',
    email: 'maya.lindqvist@example.com',
    adAccounts: [
      { id: 5123456, name: 'Northwind Brand Awareness', currency: 'USD', role: 'ACCOUNT_MANAGER', organizationId: 2414183 },
      { id: 5123457, name: 'Northwind Lead Gen EMEA', currency: 'EUR', role: 'CAMPAIGN_MANAGER', organizationId: 2414183 },
    ],
  },
  {
    id: 'linkedin-omar',
    sub: 'Zt4kW1pLsQ',
    givenName: 'Omar',
    familyName: 'Haddad',
    email: 'omar.haddad@example.com',
    adAccounts: [{ id: 5200981, name: 'Haddad Consulting', currency: 'USD', role: 'VIEWER', organizationId: 8812004 }],
  },
];

export const X_PERSONAS: XPersona[] = [
  { id: 'x-riley', userId: '1468021597370163201', name: 'Riley Chen', username: 'riley_ships' },
  { id: 'x-sam', userId: '1590347712845516802', name: 'Sam Okoro', username: 'samokoro_ads' },
];

export const META_PERSONAS: MetaPersona[] = [
  {
    id: 'meta-lucia',
    userId: '10160987654321001',
    name: 'Lucía Fernández',
    pages: [
      { id: '104567890123451', name: 'Casa Lucía Bakery', tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'],
        instagramBusinessAccountId: '17841405822304914', instagramUsername: 'casalucia.bakery' },
      { id: '104567890123452', name: 'Lucía Fernández Catering', tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT'] },
    ],
    adAccounts: [
      { accountId: '1234567890123451', name: 'Casa Lucía – Always On', currency: 'EUR', accountStatus: 1, timezoneName: 'Europe/Madrid' },
      { accountId: '1234567890123452', name: 'Catering Promotions', currency: 'EUR', accountStatus: 1, timezoneName: 'Europe/Madrid' },
    ],
  },
  {
    id: 'meta-ben',
    userId: '10160987654321002',
    name: 'Ben Okafor',
    pages: [{ id: '104567890123461', name: 'Okafor Cycles', tasks: ['ADVERTISE', 'ANALYZE'] }],
    adAccounts: [{ accountId: '1234567890123461', name: 'Okafor Cycles', currency: 'GBP', accountStatus: 1, timezoneName: 'Europe/London' }],
  },
];

export interface PersonaSummary {
  id: string;
  label: string;
  detail: string;
}

/** What the consent page shows for each persona. */
export function listPersonas(provider: SimulatedProvider): PersonaSummary[] {
  switch (provider) {
    case 'amazon-ads':
      return AMAZON_PERSONAS.map((p) => ({
        id: p.id,
        label: `${p.name} (${p.email})`,
        detail: p.profiles.length
          ? `Advertising profiles: ${p.profiles.map((f) => `${f.countryCode} (${f.region.toUpperCase()})`).join(', ')}`
          : 'No advertising profiles',
      }));
    case 'linkedin':
      return LINKEDIN_PERSONAS.map((p) => ({
        id: p.id,
        label: `${p.givenName} ${p.familyName} (${p.email})`,
        detail: `Ad accounts: ${p.adAccounts.map((a) => a.name).join(', ')}`,
      }));
    case 'x':
      return X_PERSONAS.map((p) => ({ id: p.id, label: `${p.name} (@${p.username})`, detail: `User id ${p.userId}` }));
    case 'meta':
      return META_PERSONAS.map((p) => ({
        id: p.id,
        label: p.name,
        detail: `Pages: ${p.pages.map((g) => g.name).join(', ')}; ${p.adAccounts.length} ad account(s)`,
      }));
  }
}
