import { z } from 'zod';

/**
 * zod for code that also runs in the browser. zod probes for `Function("")` to compile faster
 * parsers; our Content-Security-Policy allows no eval (proxy.ts), so the browser refuses the probe
 * and reports a CSP violation each time. jitless skips the probe and parses by interpretation.
 * Only in the browser: the server keeps the compiled parsers.
 */
if (typeof window !== 'undefined') z.config({ jitless: true });

export { z };
