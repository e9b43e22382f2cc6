// Browser half of scripts/bench.sh: opens each built lesson, trains at full speed in the worker
// for N seconds, and prints the page's own steps/s readout plus the main thread's long tasks.
import { startServer, launch, openPage, number, waitFor } from '../tests/e2e/harness.mjs';

const seconds = Number(process.argv[2] || 5);
// Every built lesson at its defaults (steps/s beside the native bench's); BENCH_LESSONS narrows
// the list, BENCH_DIST measures another build (e.g. the previous commit's dist/).
const LESSONS = (process.env.BENCH_LESSONS || 'gan rbm transport rbm-mnist autoencoders cvae wae boltzmann langevin dbn').split(' ');
const server = await startServer(process.env.BENCH_DIST);
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
  // VAE: images/s of training in the worker per hidden width (batch 100; test scoring included,
  // as natively).
  for (const hidden of [64, 128, 256, 512]) {
    const page = await openPage(browser, `${server.base}#/vae?hidden=${hidden}`);
    await waitFor(async () => (await page.getByTestId('neg-elbo').textContent()).trim() !== '—', { timeout: 30000 });
    await page.evaluate(() => { window.__longTasks = window.__longTasks && []; });
    await page.getByTestId('play-toggle').click();
    await page.waitForTimeout(1500);
    const t0 = Date.now();
    const s0 = await number(page, 'step-counter');
    await page.waitForTimeout(seconds * 1000);
    const s1 = await number(page, 'step-counter');
    const images = (s1 - s0) * 100 / ((Date.now() - t0) / 1000);
    const longTasks = await page.evaluate(() => window.__longTasks || []);
    console.log(JSON.stringify({ bench: 'browser-worker', lesson: 'vae', hidden, images_per_sec: Math.round(images),
      long_tasks_over_50ms: longTasks.filter((d) => d > 50).length }));
    await page.close();
  }
  // Transport: how long one interaction takes in the page, from a slider change to the new
  // exact distance on screen (worker round trip included). Median of 15 changes.
  {
    const page = await openPage(browser, `${server.base}#/transport`);
    await page.getByTestId('lesson-transport').waitFor();
    await waitFor(async () => (await page.getByTestId('w-exact-1d').textContent()).trim() === '1');
    // A person's first move comes a second or so after the lesson appears; the page and the
    // worker use that moment to rehearse an edit (see the transport lesson's warm-up).
    await page.waitForTimeout(1000);
    const times = [];
    for (let k = 0; k < 15; k++) {
      const value = k % 2 === 0 ? '0' : '0.5';
      const want = k % 2 === 0 ? '2' : '1';
      const ms = await page.evaluate(async ([value, want]) => {
        const slider = document.querySelector('[data-testid=nu-1]');
        const out = document.querySelector('[data-testid=w-exact-1d]');
        // Timed to the DOM change itself (a MutationObserver), not to the next frame.
        const done = new Promise((resolve) => {
          const obs = new MutationObserver(() => {
            if (out.textContent.trim() === want) { obs.disconnect(); resolve(performance.now()); }
          });
          obs.observe(out, { characterData: true, childList: true, subtree: true });
        });
        const t0 = performance.now();
        slider.value = value;
        slider.dispatchEvent(new Event('change', { bubbles: true }));
        return (await done) - t0;
      }, [value, want]);
      times.push(ms);
      await page.waitForTimeout(100);
    }
    const first = times[0];
    const warm = times.slice(1).sort((a, b) => a - b);
    console.log(JSON.stringify({ bench: 'browser-worker', lesson: 'transport', slider_to_new_w1_first_ms: Math.round(first * 10) / 10,
      warm_median_ms: Math.round(warm[7] * 10) / 10, warm_max_ms: Math.round(warm[13] * 10) / 10,
      warm_within_one_frame: warm.filter((t) => t <= 1000 / 60).length + ' of ' + warm.length }));
    await page.close();
  }
  // Transport, worst case of the lesson: 49 + 50 points, a click adds the 50th μ point; timed from
  // the click to the new exact distance in the page (MutationObserver, no frame quantisation).
  {
    const cloud = (dx, n, seed) => {
      let x = seed;
      const rnd = () => { x = (x * 16807) % 2147483647; return x / 2147483647; };
      return Array.from({ length: n }, () => `${(dx + 2 * rnd() - 1).toFixed(2)},${(6 * rnd() - 3).toFixed(2)},1`).join(';');
    };
    const url = `${server.base}#/transport?xs=${cloud(-2, 49, 7)}&ys=${cloud(2, 50, 11)}`;
    const page = await openPage(browser, url);
    await page.getByTestId('lesson-transport').waitFor();
    await waitFor(async () => (await page.getByTestId('point-counts').textContent()).trim() === '49 / 50');
    const canvas = page.getByTestId('chart-clouds');
    await canvas.scrollIntoViewIfNeeded();
    await page.waitForTimeout(1000);
    const times = [];
    for (let k = 0; k < 12; k++) {
      const ms = await page.evaluate(async (k) => {
        const c = document.querySelector('[data-testid=chart-clouds]');
        const out = document.querySelector('[data-testid=emd-2d]');
        const r = c.getBoundingClientRect();
        const before = out.textContent;
        const done = new Promise((resolve) => {
          const obs = new MutationObserver(() => { if (out.textContent !== before) { obs.disconnect(); resolve(performance.now()); } });
          obs.observe(out, { characterData: true, childList: true, subtree: true });
        });
        // Alternate between two empty spots so every click changes the answer.
        const x = r.left + r.width * (k % 2 ? 0.55 : 0.5), y = r.top + r.height * 0.08;
        const t0 = performance.now();
        c.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, clientX: x, clientY: y }));
        c.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, clientX: x, clientY: y }));
        return (await done) - t0;
      }, k);
      times.push(ms);
      // Remove the added point again so each click is the 50th: press on it (selects it),
      // then delete it.
      const box = await canvas.boundingBox();
      await page.mouse.click(box.x + box.width * (k % 2 ? 0.55 : 0.5), box.y + box.height * 0.08);
      await page.getByTestId('delete-point').click({ timeout: 3000 });
      await waitFor(async () => (await page.getByTestId('point-counts').textContent()).trim() === '49 / 50');
      await page.waitForTimeout(200);
    }
    // The first click after loading pays for compiling the code paths (in the worker and the
    // page); it is reported apart from the warm ones.
    const inOrder = times.map((t) => Math.round(t * 10) / 10);
    const warm = times.slice(1).sort((a, b) => a - b);
    console.log(JSON.stringify({ bench: 'browser-worker', lesson: 'transport', points_per_side: 50, in_order_ms: inOrder,
      first_click_ms: inOrder[0], warm_median_ms: Math.round(warm[5] * 10) / 10, warm_max_ms: Math.round(warm[10] * 10) / 10,
      warm_within_one_frame: warm.filter((t) => t <= 1000 / 60).length + ' of ' + warm.length }));
    await page.close();
  }
} finally {
  await browser.close();
  server.stop();
}
