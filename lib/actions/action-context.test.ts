import { afterEach, describe, expect, it, vi } from 'vitest';
import { getLogger } from '../log';
import { captureLines, restoreProcessLogger } from '@/tests/support/capture-log';

/** Issue 11 §4 for server actions: lib code logging inside an action carries the action request's id. */

let requestHeaders = new Headers();
vi.mock('next/headers', () => ({ headers: async () => requestHeaders }));

const { inActionContext } = await import('./action-context');

afterEach(restoreProcessLogger);

describe('inActionContext', () => {
  it('gives lib log lines inside a server action the request id proxy.ts set, and nothing outside it', async () => {
    const lines = captureLines();
    requestHeaders = new Headers({ 'x-request-id': 'req-action-1' });
    const result = await inActionContext(async () => {
      await new Promise((r) => setTimeout(r, 5));
      getLogger().info({ step: 'inside' }, 'lib work');
      return 42;
    });
    expect(result).toBe(42);
    getLogger().info({ step: 'outside' }, 'lib work');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ step: 'inside', requestId: 'req-action-1' });
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('adds no request id when the request carries none', async () => {
    const lines = captureLines();
    requestHeaders = new Headers();
    await inActionContext(async () => getLogger().info({ step: 'bare' }, 'lib work'));
    expect(lines[0]).toMatchObject({ step: 'bare' });
    expect(lines[0]).not.toHaveProperty('requestId');
  });
});

describe('every server action', () => {
  it('runs inside inActionContext (a new action that skips it fails here)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = path.dirname(new URL(import.meta.url).pathname);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'action-context.ts');
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      const exported = [...source.matchAll(/^export async function (\w+)\([^)]*\)[^{]*\{\n(.*)$/gm)];
      expect(exported.length, file).toBeGreaterThan(0);
      for (const [, name, firstLine] of exported) expect((firstLine ?? "").trim(), `${file}: ${name}`).toMatch(/^return inActionContext\(/);
    }
  });
});
