import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Env } from './env';

/**
 * What an operator sees when the server starts (issue 11 §6): a ready server starts its scheduler,
 * a problem stops the process with one plain line on stderr, and local mode opened to the network
 * is shouted about.
 */

const m = vi.hoisted(() => ({
  env: { auth: { mode: 'local' }, localAllowRemote: false, databaseUrl: undefined, encryptionKeys: 'k', shutdownGraceMs: 25_000 } as unknown,
  getEnv: vi.fn(),
  getCipher: vi.fn(),
  recoverAtStart: vi.fn(),
  startScheduler: vi.fn(),
  stopGracefullyOnSignal: vi.fn(),
  releaseThisProcessRuns: vi.fn(async () => ['run-1']),
}));

vi.mock('./env', async (importOriginal) => ({ ...(await importOriginal<typeof import('./env')>()), getEnv: m.getEnv }));
vi.mock('./db', () => ({ getDb: async () => ({ driver: 'pglite' }) }));
vi.mock('./tokens/keys', () => ({ getCipher: m.getCipher }));
vi.mock('./refresh/recover', () => ({ recoverAtStart: m.recoverAtStart }));
vi.mock('./refresh/scheduler', () => ({ startScheduler: m.startScheduler }));
vi.mock('./refresh/token-read-audit', () => ({ getTokenReadAudit: vi.fn() }));
vi.mock('./shutdown', () => ({ stopGracefullyOnSignal: m.stopGracefullyOnSignal }));
vi.mock('./insights/sweep', () => ({ releaseThisProcessRuns: m.releaseThisProcessRuns }));

const { startServer, describeDefaults } = await import('./startup');
const { EnvError } = await import('./env');

let stderr: string[];
let exit: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  vi.clearAllMocks();
  m.env = { auth: { mode: 'local' }, localAllowRemote: false, databaseUrl: undefined, encryptionKeys: 'k', shutdownGraceMs: 25_000 };
  m.getEnv.mockImplementation(() => m.env);
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
});

afterEach(() => vi.restoreAllMocks());

describe('startServer', () => {
  it('recovers, then starts the scheduler, and exits for nothing', async () => {
    await startServer();
    expect(m.recoverAtStart).toHaveBeenCalledWith({ driver: 'pglite' }, m.env);
    expect(m.stopGracefullyOnSignal).toHaveBeenCalledWith(expect.objectContaining({ graceMs: 25_000 }));
    // A stop whose grace runs out hands this process's insight run leases back on the same database.
    const plan = m.stopGracefullyOnSignal.mock.calls[0]![0] as { releaseInsightRuns: () => Promise<string[]> };
    await expect(plan.releaseInsightRuns()).resolves.toEqual(['run-1']);
    expect(m.releaseThisProcessRuns).toHaveBeenCalledWith({ driver: 'pglite' });
    expect(m.startScheduler).toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
    expect(stderr.join('')).toBe('');
  });

  it('shouts on stderr when local mode answers the network', async () => {
    m.env = { ...(m.env as object), localAllowRemote: true };
    await startServer();
    expect(stderr.join('')).toMatch(/!!! LOCAL_MODE_ALLOW_REMOTE=on: local mode has NO sign-in/);
    expect(m.startScheduler).toHaveBeenCalled();
  });

  it('a misconfigured environment stops the process with the list of problems, unprefixed', async () => {
    m.getEnv.mockImplementation(() => {
      throw new EnvError(['ENCRYPTION_KEYS: not a Fernet key']);
    });
    await startServer();
    expect(exit).toHaveBeenCalledWith(1);
    const out = stderr.join('');
    expect(out).toMatch(/^\nGrantkeeper cannot start: the environment is misconfigured\.\n {2}- ENCRYPTION_KEYS: not a Fernet key/);
    expect(out.match(/Grantkeeper cannot start/g)).toHaveLength(1);
    expect(m.startScheduler).not.toHaveBeenCalled();
  });

  it('any other failure (keys, database) stops the process naming it', async () => {
    m.recoverAtStart.mockRejectedValueOnce(new Error('database is locked by another process'));
    await startServer();
    expect(exit).toHaveBeenCalledWith(1);
    expect(stderr.join('')).toBe('\nGrantkeeper cannot start: database is locked by another process\n\n');
    m.getCipher.mockImplementationOnce(() => {
      throw 'no key';
    });
    stderr.length = 0;
    await startServer();
    expect(stderr.join('')).toBe('\nGrantkeeper cannot start: no key\n\n');
    expect(m.startScheduler).not.toHaveBeenCalled();
  });
});

describe('describeDefaults', () => {
  it('reports which embedded defaults the ready line carries', () => {
    expect(describeDefaults({ auth: { mode: 'local' }, localAllowRemote: false } as unknown as Env)).toEqual({
      embeddedDatabase: true,
      localSignIn: true,
      generatedKey: true,
      loopbackOnly: true,
    });
    expect(
      describeDefaults({ auth: { mode: 'clerk' }, databaseUrl: 'postgres://x', encryptionKeys: 'k', localAllowRemote: false } as unknown as Env),
    ).toEqual({ embeddedDatabase: false, localSignIn: false, generatedKey: false, loopbackOnly: false });
  });
});
