import { Writable } from 'node:stream';
import { NextRequest } from 'next/server';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { handleRoute } from './http/handle-route';
import { createLogger, getLogger, requestLogger } from './log';
import { withLogContext } from './log-context';

/** Issue 11 §4: a line logged by lib code inside a request carries that request's id, without being passed it. */

const holder = globalThis as unknown as { grantkeeperLogger?: Logger };
const original = holder.grantkeeperLogger;

function captureProcessLogger() {
  const lines: Record<string, unknown>[] & { raw: string[] } = Object.assign([], { raw: [] as string[] });
  holder.grantkeeperLogger = createLogger(
    new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) {
          lines.raw.push(l);
          lines.push(JSON.parse(l) as Record<string, unknown>);
        }
        done();
      },
    }),
    'info',
  );
  return lines;
}

afterEach(() => {
  holder.grantkeeperLogger = original;
});

/** Stands in for any lib function: it knows nothing of the request, logs through the process logger. */
async function libWork(step: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 5));
  getLogger().info({ step }, 'lib work');
}

const request = (id: string) => new NextRequest('http://localhost/api/v1/thing', { headers: { 'x-request-id': id } });

describe('log context', () => {
  it('a lib log line inside a request carries that request’s id, even with requests interleaved', async () => {
    const lines = captureProcessLogger();
    const route = handleRoute(async (req: NextRequest) => {
      await libWork(`first:${req.headers.get('x-request-id')}`);
      await libWork(`second:${req.headers.get('x-request-id')}`);
      return new Response('ok');
    });
    await Promise.all([route(request('req-aaaaaaaa')), route(request('req-bbbbbbbb'))]);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const step = String(line.step);
      expect(line.requestId, step).toBe(step.split(':')[1]);
    }
    // Outside a request nothing is added.
    await libWork('none');
    expect(lines.at(-1)).not.toHaveProperty('requestId');
  });

  it('a sweep inside a request adds its sweep id and keeps the request id; requestLogger does not repeat the key', async () => {
    const lines = captureProcessLogger();
    await withLogContext({ requestId: 'req-cccccccc' }, () =>
      withLogContext({ sweepId: 'sweep:host:1:ab-cd' }, async () => {
        await libWork('in sweep');
        requestLogger('req-cccccccc').info('cron line');
      }),
    );
    expect(lines[0]).toMatchObject({ requestId: 'req-cccccccc', sweepId: 'sweep:host:1:ab-cd', step: 'in sweep' });
    expect(lines[1]).toMatchObject({ requestId: 'req-cccccccc', sweepId: 'sweep:host:1:ab-cd', msg: 'cron line' });
    for (const raw of lines.raw) expect(raw.match(/"requestId"/g)).toHaveLength(1);
  });
});
