// Browser half of scripts/bench.sh: opens each built lesson, trains at full speed in the worker
// for N seconds, and prints the page's own steps/s readout plus the main thread's long tasks.
import { startServer, launch, openPage, number, waitFor } from '../tests/e2e/harness.mjs';

const seconds = Number(process.argv[2] || 5);
const LESSONS = ['gan', 'rbm', 'transport'];
const server = await startServer();
const browser = await launch();
try {
  for (const lesson of LESSONS) {
    const page = await openPage(browser, `${server.base}#/${lesson}`);
    await waitFor(async () => !(await page.getByTestId('play-toggle').isDisabled()));
    await page.evaluate(() => { window.__longTasks = window.__longTasks && []; });
    await page.getByTestId('play-toggle').click();
    await page.waitForTimeout(1500); // warm-up: the readout averages over one second
    const t0 = Date.now();
    const s0 = await number(page, 'step-counter');
    await page.waitForTimeout(seconds * 1000);
    const s1 = await number(page, 'step-counter');
    const rate = (s1 - s0) / ((Date.now() - t0) / 1000);
    const longTasks = await page.evaluate(() => window.__longTasks || []);
    console.log(JSON.stringify({ bench: 'browser-worker', lesson, steps_per_sec: Math.round(rate * 10) / 10,
      readout: await number(page, 'steps-per-sec'), long_tasks_over_50ms: longTasks.filter((d) => d > 50).length }));
    await page.close();
  }
} finally {
  await browser.close();
  server.stop();
}
