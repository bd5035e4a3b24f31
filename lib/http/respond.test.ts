import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { respond } from './respond';

describe('respond (a JSON response built through its documented schema)', () => {
  const schema = z.object({ id: z.string(), at: z.iso.datetime(), count: z.int() });

  it('sends what the schema names: Dates as ISO strings, undocumented fields dropped', async () => {
    const data = { id: 'a', at: new Date('2026-01-02T03:04:05.000Z'), count: 2, refresh_token_enc: 'never-sent' };
    const res = respond(schema, data, { status: 201, headers: { 'cache-control': 'no-store' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ id: 'a', at: '2026-01-02T03:04:05.000Z', count: 2 });
  });

  it('refuses a body that breaks its schema, naming the field but never the value', () => {
    const bad = { id: 'a', at: 'secret-looking-value', count: 1.5 } as never;
    expect(() => respond(schema, bad)).toThrow(/documented schema: at: .*; count: /);
    expect(() => respond(schema, bad)).not.toThrow(/secret-looking-value/);
  });
});
