import { describe, expect, it } from 'vitest';
import { pinnedLookup } from './pinned-request';

/** The connection may only reach the addresses the policy checked, whatever DNS says now. */
describe('pinnedLookup', () => {
  const lookup = (addresses: Parameters<typeof pinnedLookup>[0], all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      pinnedLookup(addresses)('rebind.example', { all } as never, ((err: NodeJS.ErrnoException | null, address: unknown, family?: number) =>
        resolve({ err, address, family })) as never),
    );
  const checked = [
    { address: '93.184.216.34', family: 4 as const },
    { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 as const },
  ];

  it('answers with the first checked address, or all of them when asked, never a new lookup', async () => {
    expect(await lookup(checked, false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect(await lookup(checked, true)).toMatchObject({
      err: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ],
    });
  });

  it('with no checked address the connection fails as ENOTFOUND instead of resolving the name', async () => {
    const { err } = await lookup([], false);
    expect(err).toMatchObject({ code: 'ENOTFOUND', message: 'no checked address' });
  });
});
