import { afterAll, beforeAll } from 'vitest';
import { resetEnvForTests } from '@/lib/env';

/**
 * Opts the current test file in to webhooks on loopback (WEBHOOK_ALLOW_PRIVATE=on), as a developer
 * with a local receiver would: by default Grantkeeper refuses private addresses, and the test
 * receivers listen on 127.0.0.1. Restored after the file.
 */
export function allowPrivateWebhooks(): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.WEBHOOK_ALLOW_PRIVATE;
    process.env.WEBHOOK_ALLOW_PRIVATE = 'on';
    resetEnvForTests();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE;
    else process.env.WEBHOOK_ALLOW_PRIVATE = saved;
    resetEnvForTests();
  });
}
