import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Issue 10 item 3, time to the first page: a fresh clone's `npm run dev` installs `dependencies`
 * only (`npm ci --omit=dev`: about a quarter fewer files, no install scripts), so everything
 * `next dev` loads must be a dependency, and `npm test` must still install everything.
 * docs/benchmarks.md "First run" has the measurements.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

// ---------------------------------------------------------------------------------------------
// scripts/ensure-node-modules.sh, run in a scratch directory with an `npm` that only records.

const scratchDirs: string[] = [];
afterEach(() => {
  for (const dir of scratchDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

type Tree = 'none' | 'app' | 'full';

/** The npm command line ensure-node-modules.sh runs for `mode` on a tree, or '' for none. */
function installCommand(mode: 'app' | 'all', tree: Tree, lockChanged = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gk-first-install-'));
  scratchDirs.push(dir);
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'scripts/ensure-node-modules.sh'), path.join(dir, 'scripts/ensure-node-modules.sh'));
  fs.writeFileSync(path.join(dir, 'bin/npm'), '#!/bin/sh\necho "npm $*" >> "$NPM_LOG"\n', { mode: 0o755 });
  const old = new Date(Date.now() - 60_000);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{}');
  fs.utimesSync(path.join(dir, 'package-lock.json'), old, old);
  if (tree !== 'none') {
    fs.mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/.bin/next'), '', { mode: 0o755 });
    if (tree === 'full') fs.writeFileSync(path.join(dir, 'node_modules/.bin/vitest'), '', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'node_modules/.package-lock.json'), '{}');
    if (lockChanged) fs.utimesSync(path.join(dir, 'node_modules/.package-lock.json'), old, new Date(old.getTime() - 60_000));
  }
  const log = path.join(dir, 'npm.log');
  execFileSync('bash', ['-c', `set -euo pipefail; source scripts/ensure-node-modules.sh ${mode}`], {
    cwd: dir,
    env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, NPM_LOG: log },
    stdio: 'pipe',
  });
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim() : '';
}

describe('the first install', () => {
  it("npm run dev's first install leaves the dev packages out; npm test's installs them all", () => {
    expect(fs.readFileSync(path.join(ROOT, 'scripts/dev.sh'), 'utf8')).toMatch(/^source scripts\/ensure-node-modules\.sh app$/m);
    expect(fs.readFileSync(path.join(ROOT, 'scripts/test.sh'), 'utf8')).toMatch(/^source scripts\/ensure-node-modules\.sh all$/m);
    expect(fs.readFileSync(path.join(ROOT, 'scripts/run-tsx.sh'), 'utf8')).toMatch(/ensure-node-modules\.sh" all/);

    expect(installCommand('app', 'none')).toBe('npm ci --omit=dev --no-audit --no-fund');
    expect(installCommand('all', 'none')).toBe('npm ci --no-audit --no-fund');
    // After `npm run dev`'s install: a second start installs nothing; `npm test` adds the rest.
    expect(installCommand('app', 'app')).toBe('');
    expect(installCommand('all', 'app')).toBe('npm ci --no-audit --no-fund');
    // A developer's full tree keeps its dev packages, even when the lock file changed.
    expect(installCommand('all', 'full')).toBe('');
    expect(installCommand('app', 'full')).toBe('');
    expect(installCommand('app', 'full', true)).toBe('npm ci --no-audit --no-fund');
    expect(installCommand('app', 'app', true)).toBe('npm ci --omit=dev --no-audit --no-fund');
  });

  it('the tsx scripts (keys, db, import, bench) install the dev packages they need first', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const tsxScripts = Object.entries(scripts).filter(([, cmd]) => /\btsx\b|run-tsx/.test(cmd));
    expect(tsxScripts.map(([name]) => name)).toEqual(expect.arrayContaining(['keys:generate', 'keys:rotate', 'bench']));
    for (const [name, cmd] of tsxScripts) expect(cmd, name).toMatch(/^bash scripts\/run-tsx\.sh /);
  });
});

// ---------------------------------------------------------------------------------------------
// What `next dev` loads, all of it in `dependencies`.

function dependency(name: string, why: string) {
  expect(pkg.dependencies, `${name} (${why}) must be a dependency: npm run dev installs no devDependencies`).toHaveProperty([name]);
}

/** The package a bare import specifier names ('@scope/name/sub' -> '@scope/name'). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const IMPORT = /(?<=[\s}*])from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
const TYPE_ONLY = /^\s*(?:import|export)\s+type\s/;

/** Bare package specifiers a source file imports for its code (type-only imports compile away). */
function importedPackages(file: string): { specifier: string; dynamic: boolean }[] {
  const source = fs.readFileSync(file, 'utf8');
  const found: { specifier: string; dynamic: boolean }[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const specifier = m[1] ?? m[2] ?? m[3]!;
    // The statement a `from` belongs to starts at the last line beginning with import or export.
    const start = Math.max(source.lastIndexOf('\nimport', m.index), source.lastIndexOf('\nexport', m.index)) + 1;
    const statement = source.slice(start, m.index);
    if (m[1] && (!/^(?:import|export)\b[^;]*$/.test(statement) || TYPE_ONLY.test(statement))) continue;
    found.push({ specifier, dynamic: m[2] !== undefined });
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|js|mjs)$/.test(f) && !/\.(test|spec)\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(ROOT, dir, f));
}

const BUILTIN = new Set(builtinModules);
const isBare = (s: string) => !s.startsWith('.') && !s.startsWith('@/') && !s.startsWith('node:') && !BUILTIN.has(s);

describe('everything next dev loads is a dependency', () => {
  it("Next's TypeScript packages: without them next dev installs them itself, into package.json", () => {
    const verify = fs.readFileSync(path.join(ROOT, 'node_modules/next/dist/lib/verify-typescript-setup.js'), 'utf8');
    const required = [...verify.matchAll(/\bpkg: '([^']+)'/g)].map((m) => m[1]!);
    expect(required).toEqual(expect.arrayContaining(['typescript', '@types/react', '@types/node']));
    for (const name of new Set(required)) dependency(name, "next dev's TypeScript check");
  });

  it("the CSS pipeline: postcss.config.mjs's plugins and app/globals.css's package imports", () => {
    const postcss = fs.readFileSync(path.join(ROOT, 'postcss.config.mjs'), 'utf8');
    const plugins = [...postcss.matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]!);
    expect(plugins).toContain('@tailwindcss/postcss');
    for (const name of plugins) dependency(name, 'postcss.config.mjs');
    const css = fs.readFileSync(path.join(ROOT, 'app/globals.css'), 'utf8');
    const imports = [...css.matchAll(/@(?:import|plugin)\s+["']([^"'.][^"']*)["']/g)].map((m) => packageOf(m[1]!));
    expect(imports).toEqual(expect.arrayContaining(['tailwindcss', 'tw-animate-css']));
    for (const name of imports) dependency(name, 'app/globals.css');
  });

  it('every package the app, its components and lib/ import (instrumentation, proxy and next.config too)', () => {
    const files = [
      ...['app', 'components', 'lib'].flatMap(sourceFiles),
      ...['instrumentation.ts', 'proxy.ts', 'next.config.js'].map((f) => path.join(ROOT, f)),
    ];
    const packages = new Map<string, string>();
    for (const file of files) {
      for (const { specifier } of importedPackages(file)) {
        if (isBare(specifier)) packages.set(packageOf(specifier), path.relative(ROOT, file));
      }
    }
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['next', 'react', 'zod']));
    for (const [name, file] of packages) dependency(name, `imported by ${file}`);
  });
});

// ---------------------------------------------------------------------------------------------
// The first page compiles nothing it does not show.

/** Every module `entries` reach through relative and `@/` imports, with the packages they import. */
function importGraph(entries: string[]) {
  const seen = new Set<string>();
  const packages = new Map<string, { from: string; dynamic: boolean }[]>();
  const resolve = (from: string, specifier: string) => {
    const base = specifier.startsWith('@/') ? path.join(ROOT, specifier.slice(2)) : path.resolve(path.dirname(from), specifier);
    for (const suffix of ['', '.ts', '.tsx', '.js', '/index.ts', '/index.tsx']) {
      if (fs.existsSync(base + suffix) && fs.statSync(base + suffix).isFile()) return base + suffix;
    }
    return undefined;
  };
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { specifier, dynamic } of importedPackages(file)) {
      if (specifier.startsWith('.') || specifier.startsWith('@/')) {
        const next = resolve(file, specifier);
        if (next) walk(next);
      } else if (isBare(specifier)) {
        const name = packageOf(specifier);
        packages.set(name, [...(packages.get(name) ?? []), { from: path.relative(ROOT, file), dynamic }]);
      }
    }
  };
  for (const entry of entries) walk(path.join(ROOT, entry));
  return { modules: seen, packages };
}

describe('the first page, /', () => {
  it('reaches neither recharts (the /insights chart) nor Sentry, except through the DSN-only dynamic import', () => {
    const { modules, packages } = importGraph([
      'app/layout.tsx',
      'app/(dashboard)/layout.tsx',
      'app/(dashboard)/page.tsx',
      'app/(dashboard)/loading.tsx',
      'app/(dashboard)/error.tsx',
    ]);
    expect(modules.size, 'the walk found the dashboard').toBeGreaterThan(20);
    expect(packages.get('recharts'), 'recharts compiled for /').toBeUndefined();
    // @sentry/nextjs is reached through components/error-tracking.tsx's `import()`, which next dev
    // compiles only when SENTRY_DSN is set (GRANTKEEPER_SENTRY_DEV, next.config.js).
    const sentry = packages.get('@sentry/nextjs') ?? [];
    for (const via of sentry) expect(via.from).toMatch(/^lib\/error-tracking\//);
    const errorTracking = fs.readFileSync(path.join(ROOT, 'components/error-tracking.tsx'), 'utf8');
    expect(importedPackages(path.join(ROOT, 'components/error-tracking.tsx'))).toContainEqual({
      specifier: '@/lib/error-tracking/browser',
      dynamic: true,
    });
    expect(errorTracking).toMatch(/process\.env\.GRANTKEEPER_SENTRY_DEV === 'on'/);
    const staticSentry = [...modules]
      .map((f) => path.relative(ROOT, f))
      .filter((f) => !f.startsWith('lib/error-tracking/'))
      .filter((f) => importedPackages(path.join(ROOT, f)).some((i) => !i.dynamic && i.specifier.includes('error-tracking/browser')));
    expect(staticSentry, 'modules that import the browser Sentry SDK statically').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// scripts/dev.sh warms / : run it with a stand-in `next` that records what it is asked for.

/** A `next` that listens where dev.sh says, records each request line, and exits after the first or after `waitMs`. */
const FAKE_NEXT = `#!/usr/bin/env node
const http = require('node:http');
const fs = require('node:fs');
const args = process.argv.slice(2);
const port = Number(args[args.indexOf('-p') + 1]);
const host = args[args.indexOf('-H') + 1];
fs.writeFileSync(process.env.FAKE_NEXT_LOG, 'args ' + args.join(' ') + '\\n');
const stop = setTimeout(() => process.exit(0), Number(process.env.FAKE_NEXT_WAIT_MS));
// Listens a moment after start, like Next: the warm-up must wait for it.
setTimeout(() => {
  const server = http.createServer((req, res) => {
    fs.appendFileSync(process.env.FAKE_NEXT_LOG, req.method + ' ' + req.url + ' ' + req.headers.host + '\\n');
    res.end('ok');
    clearTimeout(stop);
    setTimeout(() => process.exit(0), 500);
  });
  server.listen(port, host);
}, 700);
`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function runDevScript(env: Record<string, string>, waitMs: number): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gk-dev-warm-'));
  scratchDirs.push(dir);
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  for (const f of ['dev.sh', 'ensure-node-modules.sh']) fs.copyFileSync(path.join(ROOT, 'scripts', f), path.join(dir, 'scripts', f));
  // An installed tree, so ensure-node-modules.sh installs nothing.
  const old = new Date(Date.now() - 60_000);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{}');
  fs.utimesSync(path.join(dir, 'package-lock.json'), old, old);
  fs.writeFileSync(path.join(dir, 'node_modules/.package-lock.json'), '{}');
  fs.writeFileSync(path.join(dir, 'node_modules/.bin/vitest'), '', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'node_modules/.bin/next'), FAKE_NEXT, { mode: 0o755 });
  const log = path.join(dir, 'next.log');
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    execFile(
      'bash',
      [path.join(dir, 'scripts/dev.sh'), '-p', String(port)],
      { env: { ...process.env, ...env, FAKE_NEXT_LOG: log, FAKE_NEXT_WAIT_MS: String(waitMs) }, timeout: waitMs + 20_000 },
      (error) => (error ? reject(error) : resolve()),
    );
  });
  return fs.readFileSync(log, 'utf8').trim().split('\n');
}

describe('npm run dev warms the first page', () => {
  it('asks for / once, as soon as Next listens on loopback', async () => {
    const lines = await runDevScript({}, 15_000);
    expect(lines[0]).toMatch(/^args dev -H 127\.0\.0\.1 -p \d+$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^GET \/ 127\.0\.0\.1:\d+$/)]);
  }, 40_000);

  it('asks for nothing with DEV_WARM_FIRST_PAGE=off', async () => {
    const lines = await runDevScript({ DEV_WARM_FIRST_PAGE: 'off' }, 3_000);
    expect(lines).toEqual([expect.stringMatching(/^args dev -H 127\.0\.0\.1 -p \d+$/)]);
  }, 40_000);
});
