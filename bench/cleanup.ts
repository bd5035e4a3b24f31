/**
 * Everything the benchmark starts registers its undo here; it all runs once, newest first, on
 * success, on failure, and on Ctrl-C / SIGTERM, so no server, database or temp dir outlives a run.
 */
type Undo = { name: string; run: () => void | Promise<void> };

const stack: Undo[] = [];
let running: Promise<void> | undefined;

export function onCleanup(name: string, run: Undo['run']): void {
  stack.push({ name, run });
}

export function cleanup(): Promise<void> {
  running ??= (async () => {
    while (stack.length > 0) {
      const undo = stack.pop()!;
      try {
        await undo.run();
      } catch (err) {
        process.stderr.write(`cleanup: ${undo.name} failed: ${(err as Error)?.message ?? String(err)}\n`);
      }
    }
  })();
  return running;
}

let installed = false;

/** Ctrl-C and SIGTERM clean up, then exit 130 / 143; a second signal exits at once. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  let signalled = false;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      if (signalled) process.exit(code);
      signalled = true;
      process.stderr.write(`\n${signal}: cleaning up…\n`);
      const force = setTimeout(() => process.exit(code), 15_000);
      force.unref();
      void cleanup().finally(() => process.exit(code));
    });
  }
}
