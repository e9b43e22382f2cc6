// Training never blocks the page: for every built lesson, 10 s of training at full speed with no
// main-thread task over 50 ms (PerformanceObserver 'longtask'; a lone one earns a second window
// that must be clean — see harness.mjs assertNoLongTasks).
import { test, before, after } from 'node:test';
import { startServer, launch, openPage, text, waitFor, assertNoLongTasks } from './harness.mjs';

const BUILT = ['gan', 'rbm', 'transport', 'vae', 'rbm-mnist'];
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

for (const lesson of BUILT) {
  test(`${lesson}: no long task on the main thread during 10 s of training`, async () => {
    const page = await openPage(browser, `${server.base}#/${lesson}`);
    // Closed even when the check fails: a page left training would slow the next lessons' checks.
    try {
      await page.getByTestId(`lesson-${lesson}`).waitFor();
      await waitFor(async () => !(await page.getByTestId('play-toggle').isDisabled()));
      await page.waitForTimeout(500);
      await assertNoLongTasks(page, lesson, { start: () => page.getByTestId('play-toggle').click() });
      console.log(`# ${lesson}: steps ${await text(page, 'step-counter')}`);
    } finally {
      await page.close();
    }
  });
}
