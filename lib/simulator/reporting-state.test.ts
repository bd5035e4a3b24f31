import { describe, expect, it, vi } from 'vitest';
import { createSimulatorState } from './state';

describe('reporting state across bundles', () => {
  it('is shared by every copy of the module, as Next loads one per route, action and the sweep', async () => {
    const state = createSimulatorState();
    const adminRoute = await import('./reporting-state');
    adminRoute.patchReportingKnobs(state, { latencyMs: 2_500 });
    // A second module instance, as a separately bundled server action or the instrumentation has.
    vi.resetModules();
    const sweep = await import('./reporting-state');
    expect(sweep).not.toBe(adminRoute);
    expect(sweep.reportingOf(state).knobs.latencyMs).toBe(2_500);
  });
});
