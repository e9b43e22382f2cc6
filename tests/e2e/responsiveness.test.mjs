// Training never blocks the page: for every built lesson, 10 s of training at full speed with no
// main-thread task over 50 ms (PerformanceObserver 'longtask').
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, text, waitFor } from './harness.mjs';

const BUILT = ['gan', 'rbm', 'transport', 'vae', 'rbm-mnist'];
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

for (const lesson of BUILT) {
  test(`${lesson}: no long task on the main thread during 10 s of training`, async () => {
    const page = await openPage(browser, `${server.base}#/${lesson}`);
    await page.getByTestId(`lesson-${lesson}`).waitFor();
    await waitFor(async () => !(await page.getByTestId('play-toggle').isDisabled()));
    await page.waitForTimeout(500);
    await page.evaluate(() => { window.__longTasks = window.__longTasks && []; });
    await page.getByTestId('play-toggle').click();
    await page.waitForTimeout(10000);
    const tasks = await page.evaluate(() => window.__longTasks);
    assert.ok(Array.isArray(tasks), 'the longtask observer is supported');
    const worst = Math.max(0, ...tasks);
    console.log(`# ${lesson}: long tasks ${tasks.length}, worst ${worst.toFixed(1)} ms, steps ${await text(page, 'step-counter')}`);
    assert.equal(tasks.filter((d) => d > 50).length, 0, `long tasks: ${tasks.join(', ')}`);
    await page.close();
  });
}
