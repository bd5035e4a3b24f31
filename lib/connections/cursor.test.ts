import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectionStatusQuery } from '../api-schemas/connections';
import { decodeCursor, encodeCursor } from './cursor';

describe('list cursors', () => {
  it('round-trip a direction and a connection id, opaquely', () => {
    const id = crypto.randomUUID();
    const after = encodeCursor({ after: id });
    const before = encodeCursor({ before: id });
    expect(after).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(after).not.toContain(id);
    expect(decodeCursor(after)).toEqual({ after: id });
    expect(decodeCursor(before)).toEqual({ before: id });
  });

  it('refuse anything not made by encodeCursor', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    for (const raw of ['', 'not a cursor', b64('a:not-a-uuid'), b64(`c:${crypto.randomUUID()}`), b64(`a:${crypto.randomUUID()}x`), 'x'.repeat(80), `${b64('a:')}==`]) {
      expect(decodeCursor(raw), raw).toBeNull();
    }
  });
});

describe('the status API query', () => {
  it('defaults to 100 per page with removed connections included, as before paging', () => {
    expect(connectionStatusQuery.parse({})).toEqual({ limit: 100, removed: 'include' });
  });

  it('takes 1 to 500, a cursor it gave out, a provider and a status; refuses the rest', () => {
    const cursor = encodeCursor({ after: crypto.randomUUID() });
    expect(connectionStatusQuery.parse({ limit: '500', cursor, provider: 'x', status: 'needs_reauth', removed: 'exclude' })).toEqual({
      limit: 500,
      cursor,
      provider: 'x',
      status: 'needs_reauth',
      removed: 'exclude',
    });
    for (const bad of [{ limit: '0' }, { limit: '501' }, { limit: '2.5' }, { cursor: 'bm9wZQ' }, { provider: 'myspace' }, { status: 'asleep' }, { removed: 'yes' }]) {
      expect(connectionStatusQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
