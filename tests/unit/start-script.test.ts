import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStartScript, readStartScript } from '../support/start-script';

describe('parseStartScript', () => {
  it('takes apart the env pairs, the node flags in order, the script path and its arguments', () => {
    expect(parseStartScript('MALLOC_ARENA_MAX=2 TZ=UTC node --max-semi-space-size=8 --expose-gc node_modules/next/dist/bin/next start -p 3000')).toEqual({
      env: { MALLOC_ARENA_MAX: '2', TZ: 'UTC' },
      nodeFlags: ['--max-semi-space-size=8', '--expose-gc'],
      script: 'node_modules/next/dist/bin/next',
      args: ['start', '-p', '3000'],
    });
  });

  it('keeps an empty value and an "=" inside a value; needs neither env nor flags', () => {
    expect(parseStartScript('  EMPTY= OPTS=a=b   node server.js ')).toEqual({ env: { EMPTY: '', OPTS: 'a=b' }, nodeFlags: [], script: 'server.js', args: [] });
    expect(parseStartScript('node server.js')).toEqual({ env: {}, nodeFlags: [], script: 'server.js', args: [] });
  });

  it('refuses, saying the expected shape, a script it cannot take apart', () => {
    expect(() => parseStartScript('next start')).toThrow(/must be `\[NAME=value …\] node .*\("next" where node was expected\): next start$/);
    expect(() => parseStartScript('MALLOC_ARENA_MAX=2')).toThrow(/no node command/);
    expect(() => parseStartScript('node --max-semi-space-size=8')).toThrow(/no script after node and its flags/);
    expect(() => parseStartScript('node -r ./x.js server.js')).toThrow(/only long flags, "-r" is not one/);
    expect(() => parseStartScript('FOO="a b" node server.js')).toThrow(/no shell syntax such as "FOO=\\"a"/);
    expect(() => parseStartScript('npm run build && node server.js')).toThrow(/no shell syntax such as "&&"/);
  });

  it('reads this repository’s package.json: node runs Next’s CLI with `start`', () => {
    const start = readStartScript(path.resolve(import.meta.dirname, '../..'));
    expect(start.script).toMatch(/(^|\/)next$/);
    expect(start.args).toEqual(['start']);
    expect(start.nodeFlags.every((f) => f.startsWith('--'))).toBe(true);
  });
});
