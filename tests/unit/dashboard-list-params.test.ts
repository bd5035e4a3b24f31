import { describe, expect, it } from 'vitest';
import { DASHBOARD_PAGE_SIZE, listHref, parseListParams, statusApiQuery } from '@/components/dashboard/list-params';

describe('the dashboard list in the URL', () => {
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('reads the page, filters and the connection to show', () => {
    expect(parseListParams({ cursor: 'YTox', provider: 'linkedin', status: 'error', removed: '1', connection: id })).toEqual({
      cursor: 'YTox',
      provider: 'linkedin',
      status: 'error',
      removed: true,
      connection: id,
    });
    // Repeated parameters: the first counts.
    expect(parseListParams({ provider: ['x', 'meta'] })).toEqual({ provider: 'x' });
  });

  it('does not take the provider of an OAuth outcome for a filter', () => {
    expect(parseListParams({ outcome: 'connected', provider: 'linkedin', connection: id })).toEqual({ connection: id });
  });

  it('drops what it does not know instead of failing the page', () => {
    expect(parseListParams({ cursor: 'a b', provider: 'myspace', status: 'asleep', removed: 'yes', connection: 'nope', other: 'x' })).toEqual({});
    expect(parseListParams({ cursor: 'x'.repeat(65) })).toEqual({});
  });

  it('writes a link that reads back as the same list, and the first page of everything is plain /', () => {
    expect(listHref({})).toBe('/');
    const p = { cursor: 'YTox', provider: 'meta', status: 'revoked', removed: true } as const;
    const href = listHref(p, '#connections-heading');
    expect(href).toBe('/?provider=meta&status=revoked&removed=1&cursor=YTox#connections-heading');
    const url = new URL(href, 'http://localhost');
    expect(parseListParams(Object.fromEntries(url.searchParams))).toEqual(p);
  });

  it('asks the status API for the same page, listed connections only unless removed ones are shown', () => {
    expect(statusApiQuery({})).toBe(`limit=${DASHBOARD_PAGE_SIZE}&removed=exclude`);
    expect(statusApiQuery({ removed: true, provider: 'x', cursor: 'YTox' })).toBe(`limit=${DASHBOARD_PAGE_SIZE}&removed=include&provider=x&cursor=YTox`);
  });
});
