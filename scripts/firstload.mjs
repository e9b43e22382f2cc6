// First load: what the page's main thread does in its first seconds. Cold-loads each route N times
// in a fresh browser (no compiled-code cache), records a DevTools trace, and prints every
// main-thread task over 50 ms with the nested events that make it up (summed by name, ≥ 2 ms).
// Not part of the test suite; a measurement:
//   node scripts/firstload.mjs [runs] [route …]      e.g. node scripts/firstload.mjs 6 '' gan vae
//   TRACE=0 node scripts/firstload.mjs 10            (the long-task observer only, no trace)
//   TRACE=0 WARM=1 node scripts/firstload.mjs 10     (a second visit, caches filled by a first)
import { startServer, launch } from '../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] || 4);
const routes = process.argv.length > 3 ? process.argv.slice(3) : ['', 'gan', 'transport', 'vae'];
const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm',
  'blink', 'toplevel', 'loading'];

// TRACE=0: count long tasks with the page's own observer instead (no tracing overhead).
const trace = process.env.TRACE !== '0';
const server = await startServer();
const summary = [];
try {
  for (const route of routes) {
    for (let run = 0; run < runs; run++) {
      const browser = await launch();
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      if (!trace) {
        // Without tracing (which slows the page): the browser's own long-task observer.
        await page.addInitScript(() => {
          window.__long = [];
          new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); })
            .observe({ type: 'longtask', buffered: true });
        });
        if (process.env.WARM === '1') {
          // A second visit: the first one filled the HTTP and code caches (and the service worker's).
          await page.goto(`${server.base}#/${route}`);
          await page.waitForTimeout(8000);
          await page.goto('about:blank');
        }
        await page.goto(`${server.base}#/${route}`);
        await page.waitForTimeout(3000);
        const tasks = (await page.evaluate(() => window.__long)).map(([at, ms]) => ({ at, ms }));
        await browser.close();
        summary.push({ route, run, count: tasks.length, worst: Math.max(0, ...tasks.map((t) => t.ms)) });
        console.log(`#/${route} run ${run}: ${tasks.map((t) => `${t.ms.toFixed(0)} ms at ${t.at.toFixed(0)}`).join('; ') || 'no long task'}`);
        continue;
      }
      await browser.startTracing(page, { categories });
      await page.goto(`${server.base}#/${route}`);
      await page.waitForTimeout(3000);
      const recorded = JSON.parse((await browser.stopTracing()).toString());
      await browser.close();
      const events = recorded.traceEvents;
      const mainTid = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain'
        && events.some((x) => x.pid === e.pid && x.name === 'ParseHTML'));
      if (!mainTid) { console.log(`#/${route} run ${run}: no renderer main thread in the trace`); continue; }
      const main = events.filter((e) => e.pid === mainTid.pid && e.tid === mainTid.tid && e.ph === 'X');
      const nav = Math.min(...main.filter((e) => e.name === 'ParseHTML').map((e) => e.ts));
      const long = main.filter((e) => e.name === 'RunTask' && e.dur > 50000);
      const tasks = long.map((t) => {
        const inside = {};
        for (const e of main) {
          if (e === t || e.ts < t.ts || e.ts + e.dur > t.ts + t.dur || e.dur < 2000) continue;
          const name = e.name === 'FunctionCall' ? `FunctionCall(${e.args?.data?.functionName || '?'})` : e.name;
          inside[name] = Math.max(inside[name] || 0, 0) + e.dur / 1000;
        }
        const parts = Object.entries(inside).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PARTS || 8))
          .map(([n, d]) => `${n} ${d.toFixed(0)}`).join(', ');
        return { at: (t.ts - nav) / 1000, ms: t.dur / 1000, parts };
      });
      summary.push({ route, run, count: tasks.length, worst: Math.max(0, ...tasks.map((t) => t.ms)) });
      console.log(`#/${route} run ${run}: ${tasks.length} task(s) over 50 ms`);
      for (const t of tasks) console.log(`  at ${t.at.toFixed(0)} ms: ${t.ms.toFixed(0)} ms — ${t.parts}`);
    }
  }
} finally {
  server.stop();
}
for (const route of routes) {
  const rows = summary.filter((s) => s.route === route);
  const worst = rows.map((r) => r.worst.toFixed(0)).join(', ');
  console.log(`summary #/${route}: loads with a long task ${rows.filter((r) => r.count).length}/${rows.length}; worst per load (ms): ${worst}`);
}
