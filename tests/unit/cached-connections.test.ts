import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { findCachedConnection } from '@/components/dashboard/cached-connections';
import { connectionPageKey, connectionQueryKey, OVERVIEW_QUERY_KEY } from '@/components/dashboard/queries';

/**
 * The connect toast names the new account from the connection the page holds, and waits while
 * nothing that could hold it has loaded. The summary (with its attention list) often hydrates
 * before the page of cards: it must not count as "loaded, and not there" — the toast then went
 * out without the account's name (e2e/dashboard-layout, dashboard-live on a busy shared server).
 */
describe('findCachedConnection', () => {
  const fresh = { id: 'c-new', provider: 'x', display_name: '@new' };
  const troubled = { id: 'c-bad', provider: 'linkedin', display_name: 'Old' };

  it('with only the summary hydrated, a connection not in its attention list is not known yet', () => {
    const client = new QueryClient();
    client.setQueryData(OVERVIEW_QUERY_KEY, { counts: {}, attention: [troubled] });
    expect(findCachedConnection(client, 'c-new')).toBeUndefined();
    expect(findCachedConnection(client, 'c-bad')).toMatchObject({ id: 'c-bad' });
  });

  it('once a page of cards is loaded it is found there, or known to be absent', () => {
    const client = new QueryClient();
    client.setQueryData(OVERVIEW_QUERY_KEY, { counts: {}, attention: [troubled] });
    client.setQueryData(connectionPageKey({}), { connections: [fresh], next_cursor: null, prev_cursor: null });
    expect(findCachedConnection(client, 'c-new')).toMatchObject({ id: 'c-new' });
    expect(findCachedConnection(client, 'c-gone')).toBeNull();
  });

  it('a connection’s own page names it, and says nothing of the others', () => {
    const client = new QueryClient();
    client.setQueryData(connectionQueryKey('c-new'), fresh);
    expect(findCachedConnection(client, 'c-new')).toMatchObject({ id: 'c-new' });
    // Not "absent": its own page knows one connection, not the list (the toast must keep waiting for a page).
    expect(findCachedConnection(client, 'c-other')).toBeUndefined();
  });

  it('with nothing loaded, nothing is known', () => {
    expect(findCachedConnection(new QueryClient(), 'c-new')).toBeUndefined();
  });
});
