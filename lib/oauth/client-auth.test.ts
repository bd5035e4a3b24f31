import { describe, expect, it } from 'vitest';
import { applyClientAuth, basicAuthorization, formUrlEncode } from './client-auth';

const credentials = { clientId: 'id with space', clientSecret: "s3cr:t+/=~*!'()" };

describe('client authentication (RFC 6749 §2.3.1)', () => {
  it('form-urlencodes each half before base64 for Basic', () => {
    expect(formUrlEncode("a b:c+d/e~f*g!'()")).toBe('a+b%3Ac%2Bd%2Fe%7Ef*g%21%27%28%29');
    const header = basicAuthorization(credentials);
    expect(Buffer.from(header.replace(/^Basic /, ''), 'base64').toString()).toBe('id+with+space:s3cr%3At%2B%2F%3D%7E*%21%27%28%29');
  });

  it('client_secret_basic sets only the header, plus client_id in the body when asked (X)', () => {
    const plain = { headers: {} as Record<string, string>, params: new URLSearchParams() };
    applyClientAuth('client_secret_basic', credentials, plain);
    expect(plain.headers.authorization).toMatch(/^Basic /);
    expect([...plain.params.keys()]).toEqual([]);

    const withId = { headers: {} as Record<string, string>, params: new URLSearchParams() };
    applyClientAuth('client_secret_basic', credentials, withId, { clientIdInBody: true });
    expect(Object.fromEntries(withId.params)).toEqual({ client_id: 'id with space' });
  });

  it('client_secret_post puts both credentials in the parameters, no header', () => {
    const parts = { headers: {} as Record<string, string>, params: new URLSearchParams() };
    applyClientAuth('client_secret_post', credentials, parts);
    expect(parts.headers).toEqual({});
    expect(Object.fromEntries(parts.params)).toEqual({ client_id: 'id with space', client_secret: "s3cr:t+/=~*!'()" });
  });
});
