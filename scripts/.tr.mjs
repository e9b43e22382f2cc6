import { startServer, launch, openPage, waitFor } from '../tests/e2e/harness.mjs';
const server = await startServer(); const browser = await launch();
const cloud = (dx, n, seed) => { let x = seed; const rnd = () => { x = (x * 16807) % 2147483647; return x / 2147483647; };
  return Array.from({ length: n }, () => `${(dx + 2 * rnd() - 1).toFixed(2)},${(6 * rnd() - 3).toFixed(2)},1`).join(';'); };
try {
  for (let rep = 0; rep < 1; rep++) {
  const page = await openPage(browser, `${server.base}#/transport?xs=${cloud(-2, 48, 7)}&ys=${cloud(2, 50, 11)}`);
  await page.getByTestId('lesson-transport').waitFor();
  await waitFor(async () => (await page.getByTestId('point-counts').textContent()).trim() === "48 / 50");
  await page.getByTestId('chart-clouds').scrollIntoViewIfNeeded();
  await page.waitForTimeout(1500);
  for (let click = 0; click < 2; click++) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  const finished = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'v8,v8.wasm,disabled-by-default-v8.wasm.detailed,devtools.timeline,v8.execute', transferMode: 'ReportEvents' });
  const ms = await page.evaluate(async () => {
    const c = document.querySelector('[data-testid=chart-clouds]'); const out = document.querySelector('[data-testid=emd-2d]');
    const r = c.getBoundingClientRect(); const before = out.textContent;
    const done = new Promise((resolve) => { const obs = new MutationObserver(() => { if (out.textContent !== before) { obs.disconnect(); resolve(performance.now()); } }); obs.observe(out, { characterData: true, childList: true, subtree: true }); });
    const x = r.left + r.width * (0.3 + 0.1 * Math.random()), y = r.top + r.height * 0.08; const t0 = performance.now();
    c.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, clientX: x, clientY: y }));
    c.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, clientX: x, clientY: y }));
    return (await done) - t0;
  });
  await page.waitForTimeout(200);
  await cdp.send('Tracing.end'); await finished;
  const threads = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const agg = new Map();
  for (const e of events) { if (e.ph !== 'X' || !e.dur) continue; const k = `${threads.get(`${e.pid}:${e.tid}`) || e.tid} ${e.name}`; const a = agg.get(k) || [0, 0]; a[0] += e.dur / 1000; a[1]++; agg.set(k, a); }
  console.log('click ms', ms.toFixed(1));
  console.log([...agg.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, 14).map(([k, [d, n]]) => `  ${d.toFixed(1)} ms x${n} ${k}`).join('\n'));
  await cdp.detach();
  }
  await page.close();
  }
} finally { await browser.close(); server.stop(); }
