import 'server-only';
import { DATABASE_UNAVAILABLE_DIGEST } from '../error-digest';
import { scrubSecrets } from '../log';
import type { Database, Sql } from './types';

/**
 * What the database's errors may say, and whether they mean "the database is unavailable".
 * Every Database this process opens is wrapped by guardDatabase, so each error a query throws is
 * scrubbed of its bound parameters (PGlite attaches them, a secret hash among them, and Next
 * prints errors whole) and, when it means the database cannot be reached, marked so the API
 * answers 503 and the pages' error boundaries can say so (lib/http/handle-route.ts).
 */

/** The code of DatabaseUnavailableError, and the digest of a marked error (lib/error-digest.ts). */
export const DATABASE_UNAVAILABLE = DATABASE_UNAVAILABLE_DIGEST;

/** Socket and postgres.js connection errors: nothing reached the server, or it went away. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * SQLSTATEs of a server that cannot serve: class 08 (connection exception), 57P01–57P03
 * (shutting down, crashed, starting up), 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/** Decides from an error the driver threw; does not look at causes (a fetch's cause is no database error). */
export function isUnavailableDriverError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code === DATABASE_UNAVAILABLE || CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) {
    return true;
  }
  return /^PGlite is clos(ed|ing)$/.test(err.message);
}

/**
 * True when the error (or one it was wrapped around) is a marked database error or our own
 * DatabaseUnavailableError. By code and digest, not instanceof: Next bundles routes separately.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, digest } = e as { code?: unknown; digest?: unknown };
    if (code === DATABASE_UNAVAILABLE || digest === DATABASE_UNAVAILABLE) return true;
  }
  return false;
}

/** Scrubs a driver error in place and marks it when the database is unavailable; returns it. */
export function markDatabaseError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & Record<string, unknown>;
  // PGlite: `params` and `queryOptions`; postgres.js keeps `parameters`/`args` hidden unless debug.
  for (const key of ['params', 'parameters', 'args', 'queryOptions']) {
    if (key in e) {
      try {
        delete e[key];
      } catch {
        // A frozen or non-configurable property: nothing to do but leave it.
      }
    }
  }
  // "Key (secret_hash)=(…) already exists", "unnamed portal parameter $1 = '…'": values, not shapes.
  if (typeof e.detail === 'string') e.detail = e.detail.replace(/\)=\((.*)\)/g, ')=([redacted])');
  if (typeof e.where === 'string') e.where = e.where.replace(/(parameter \$\d+ = )'(?:[^']|'')*'/g, "$1'[redacted]'");
  e.message = scrubSecrets(e.message);
  if (e.stack) e.stack = scrubSecrets(e.stack);
  if (isUnavailableDriverError(e) && !('digest' in e)) e.digest = DATABASE_UNAVAILABLE;
  return e;
}

function guardSql(sql: Sql): Sql {
  return {
    async query<T extends object>(text: string, params?: readonly unknown[]): Promise<T[]> {
      try {
        return await sql.query<T>(text, params);
      } catch (err) {
        throw markDatabaseError(err);
      }
    },
    async exec(script: string): Promise<void> {
      try {
        await sql.exec(script);
      } catch (err) {
        throw markDatabaseError(err);
      }
    },
  };
}

/** The same database, with every error it throws passed through markDatabaseError. */
export function guardDatabase(db: Database): Database {
  return {
    driver: db.driver,
    ...guardSql(db),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      // What fn throws is the caller's own error (its queries were guarded already): left alone.
      const own = new WeakSet<object>();
      try {
        return await db.transaction(async (tx) => {
          try {
            return await fn(guardSql(tx));
          } catch (err) {
            if (err && typeof err === 'object') own.add(err);
            throw err;
          }
        });
      } catch (err) {
        throw err && typeof err === 'object' && own.has(err) ? err : markDatabaseError(err);
      }
    },
    close: () => db.close(),
  };
}
