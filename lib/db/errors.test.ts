import { describe, expect, it } from 'vitest';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable, isUnavailableDriverError, markDatabaseError } from './errors';
import { DatabaseUnavailableError } from './types';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('the database-unavailable classifier', () => {
  it('calls connection failures, shutdowns and a closed PGlite unavailable', () => {
    for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '08006', '08001', '57P01', '57P03', '53300']) {
      expect(isUnavailableDriverError(withCode(code)), code).toBe(true);
    }
    expect(isUnavailableDriverError(new Error('PGlite is closed'))).toBe(true);
    expect(isUnavailableDriverError(new DatabaseUnavailableError('cannot open'))).toBe(true);
  });

  it('leaves query errors, constraint violations and non-errors alone', () => {
    for (const code of ['23505', '22021', '42P01', '40001', '57014']) {
      expect(isUnavailableDriverError(withCode(code)), code).toBe(false);
    }
    expect(isUnavailableDriverError(new Error('syntax error'))).toBe(false);
    expect(isUnavailableDriverError('ECONNREFUSED')).toBe(false);
    expect(isUnavailableDriverError(null)).toBe(false);
  });

  it('answers for marked errors only, however deep they are wrapped, but never for an unmarked network error', () => {
    const marked = markDatabaseError(withCode('ECONNREFUSED'));
    expect(marked).toMatchObject({ digest: DATABASE_UNAVAILABLE });
    expect(isDatabaseUnavailable(marked)).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: new Error('again', { cause: marked }) }))).toBe(true);
    expect(isDatabaseUnavailable(new DatabaseUnavailableError('x'))).toBe(true);
    // A provider or webhook that refused a connection is not the database.
    expect(isDatabaseUnavailable(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe(false);
    expect(isDatabaseUnavailable(markDatabaseError(withCode('23505')))).toBe(false);
  });
});

describe('markDatabaseError', () => {
  it('drops bound parameters and redacts values in detail, where and secret-shaped text', () => {
    const err = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00 near gk_abc_secretsecret'), {
      code: '22021',
      query: 'insert into api_keys (name, secret_hash) values ($1, $2)',
      params: ['a\u0000', 'f00dcafe-secret-hash'],
      queryOptions: {},
      detail: 'Key (secret_hash)=(f00dcafe-secret-hash) already exists.',
      where: "unnamed portal parameter $2 = 'f00dcafe-secret-hash'",
    });
    markDatabaseError(err);
    const shown = JSON.stringify({ ...err, message: err.message, stack: err.stack });
    expect(shown).not.toContain('f00dcafe-secret-hash');
    expect(shown).not.toContain('secretsecret');
    expect(err).not.toHaveProperty('params');
    expect(err).toMatchObject({ code: '22021', query: expect.stringContaining('insert into api_keys') });
    expect(err).not.toHaveProperty('digest');
  });
});
