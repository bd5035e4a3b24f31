import { expect, test } from './support/test';
import { visibleBox } from './support/page-checks';

/**
 * The dashboard streams in behind its loading skeleton: its content first arrives in React's hidden
 * copy and is revealed a moment later. A check that measures an element must wait for the reveal —
 * `boundingBox()` answers null before it (CI failed that way at the defaults banner). On a slow link
 * this page is measured while still hidden most of the time (7 of 8 loads when this was written);
 * `visibleBox` must give a box on every load.
 */
test('on a slow link, a measured element is measured once the streamed page is revealed', async ({ page, context }) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 40_000, uploadThroughput: 40_000 });
  await page.setViewportSize({ width: 375, height: 812 });
  for (let load = 0; load < 4; load++) {
    await page.goto('/', { waitUntil: 'commit' });
    await expect(page.getByTestId('defaults-summary')).toContainText('Running on the embedded defaults');
    const box = await visibleBox(page.getByTestId('defaults-banner'), 'the defaults banner');
    expect(box.height, `load ${load + 1}: the banner is compact on a phone`).toBeLessThan(812 * 0.15);
  }
});
