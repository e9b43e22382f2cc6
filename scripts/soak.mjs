// Soak: trains one lesson in the built page for N minutes and prints, every interval, the steps
// per second, the page's JavaScript heap and the wasm memory of the page and of the worker (all
// through the Chrome DevTools protocol), so a slow leak or a slowing run shows as a trend.
// Not part of the test suite (it takes minutes by design):
//   node scripts/soak.mjs 'vae?hidden=256' 30 [interval_s]
import { startServer, launch, openPage, number, waitFor } from '../tests/e2e/harness.mjs';

const route = process.argv[2] || 'gan';
const minutes = Number(process.argv[3] || 10);
const interval = Number(process.argv[4] || 30);
const server = await startServer();
const browser = await launch();
try {
  const page = await openPage(browser, `${server.base}#/${route}`);
  await waitFor(async () => !(await page.getByTestId('play-toggle').isDisabled()), { timeout: 60000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // The wasm memories of the page and of the training worker (each exposes its own as
  // genlabWasmMemory): a leak in either shows as growth while the history stays capped.
  const wasmKb = async (where) => {
    const bytes = await where.evaluate(() => globalThis.genlabWasmMemory?.buffer.byteLength ?? null);
    return bytes === null ? null : Math.round(bytes / 1024);
  };
  await page.getByTestId('play-toggle').click();
  const t0 = Date.now();
  let last = { t: t0, step: await number(page, 'step-counter') };
  while (Date.now() - t0 < minutes * 60000) {
    await page.waitForTimeout(interval * 1000);
    const now = { t: Date.now(), step: await number(page, 'step-counter') };
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    console.log(JSON.stringify({
      soak: route,
      minute: Math.round((now.t - t0) / 600) / 100,
      steps: now.step,
      steps_per_sec: Math.round(((now.step - last.step) / ((now.t - last.t) / 1000)) * 10) / 10,
      js_heap_used_kb: Math.round(m.JSHeapUsedSize / 1024),
      js_heap_total_kb: Math.round(m.JSHeapTotalSize / 1024),
      dom_nodes: m.Nodes,
      page_wasm_kb: await wasmKb(page),
      worker_wasm_kb: page.workers()[0] ? await wasmKb(page.workers()[0]) : null,
    }));
    last = now;
  }
  await page.close();
} finally {
  await browser.close();
  server.stop();
}
