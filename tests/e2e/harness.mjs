// Shared pieces of the end-to-end tests: a static server for dist/ on 127.0.0.1, Debian's
// Chromium through playwright-core, a long-task recorder, and canvas checks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const shots = join(root, 'test-output', 'screenshots');
mkdirSync(shots, { recursive: true });

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/// Serves dist/ (or DIST_DIR, or `dir`) on a free local port.
export async function startServer(dir) {
  const port = await freePort();
  const proc = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir || resolve(root, process.env.DIST_DIR || 'dist')],
    { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(base); if (r.ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop: () => proc.kill() };
}

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...extraArgs],
    // Playwright gives every launch a fresh, empty profile of its own.
  });
}

/// A page that records main-thread long tasks (> 50 ms) and uncaught errors.
export async function openPage(browser, url, viewport = { width: 1400, height: 1000 }) {
  const page = await browser.newPage({ viewport });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch (e) { window.__longTasks = null; }
  });
  await page.goto(url);
  return page;
}

/// The long tasks (> 50 ms) on the page's main thread during `ms` from now, and the durations.
async function longTasksDuring(page, ms, start = async () => {}) {
  await page.evaluate(() => { window.__longTasks = window.__longTasks && []; });
  await start();
  await page.waitForTimeout(ms);
  const tasks = await page.evaluate(() => window.__longTasks);
  assert.ok(Array.isArray(tasks), 'the longtask observer is supported');
  return tasks.filter((d) => d > 50);
}

/// Training never blocks the page: `ms` of training (begun by `start`) with no main-thread task
/// over 50 ms. This machine has two cores, the worker keeps one busy, and the host can take the
/// other away mid-task, so a lone long task in the first window earns one more window of the
/// same length, which must be clean: a page that blocks its main thread does it in both. Both
/// windows are logged. Returns the durations seen.
export async function assertNoLongTasks(page, label, { ms = 10000, start } = {}) {
  const first = await longTasksDuring(page, ms, start);
  console.log(`# ${label}: long tasks ${first.length}, worst ${Math.max(0, ...first).toFixed(1)} ms`);
  if (first.length === 0) return first;
  assert.equal(first.length, 1, `${label}: long tasks ${first.join(', ')} ms`);
  const second = await longTasksDuring(page, ms);
  console.log(`# ${label}, second window: long tasks ${second.length}, worst ${Math.max(0, ...second).toFixed(1)} ms`);
  assert.equal(second.length, 0, `${label}: long tasks ${first.join(', ')} ms, then ${second.join(', ')} ms`);
  return first;
}

export async function text(page, testid) {
  return (await page.getByTestId(testid).textContent()).trim();
}

export async function number(page, testid) {
  return Number.parseFloat(await text(page, testid));
}

/// A fingerprint of a canvas's pixels and the share of *coloured* pixels: grid lines are light
/// grey and axis text black, while every data series is drawn in colour — so an empty frame has
/// an ink share near 0 and a chart with data does not. `dark` is the share of drawn (opaque)
/// pixels darker than mid-grey: the ink of grey images such as decoded digits.
export async function canvasInfo(page, testid) {
  return page.getByTestId(testid).evaluate((c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let ink = 0, hash = 0, dark = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && Math.max(data[i], data[i + 1], data[i + 2]) < 128) dark++;
      const hi = Math.max(data[i], data[i + 1], data[i + 2]);
      const lo = Math.min(data[i], data[i + 1], data[i + 2]);
      if (hi - lo > 40) ink++;
      hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) >>> 0;
    }
    return { ink: ink / (data.length / 4), dark: dark / (data.length / 4), hash, width: c.width, height: c.height };
  });
}

export async function waitFor(fn, { timeout = 15000, every = 100 } = {}) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeout) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`condition not met within ${timeout} ms (last: ${JSON.stringify(last)})`);
}

/// Runs the lesson to `step` with the transport bar's "run to" and waits for the counter to
/// show it, then `settle` ms for the pause's snapshot and row to be drawn.
export async function runTo(page, step, timeout = 180000, settle = 400) {
  await page.getByTestId('run-to-input').fill(String(step));
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === step, { timeout });
  await page.waitForTimeout(settle);
}

/// Waits until lesson `lesson` is on the page and its worker has started (Play is enabled).
export async function lessonReady(page, lesson) {
  await page.getByTestId(`lesson-${lesson}`).waitFor();
  await waitFor(async () => !(await page.getByTestId('play-toggle').isDisabled()));
}

/// Draws a "1" on the drawing pad with the mouse: one stroke down the middle, off-centre on
/// purpose (the worker centres it as MNIST digits are).
export async function drawOne(page) {
  const pad = page.getByTestId('draw-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.3 + 0.01 * i), box.y + box.height * (0.15 + 0.055 * i), { steps: 2 });
  await page.mouse.up();
}

export async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

// Marks every control a keyboard user should reach (one per radio group, as Tab does), presses
// Tab until focus has gone round the page, and returns the descriptions of the ones never reached.
export async function unreachedByTab(page) {
  const total = await page.evaluate(() => {
    const seenGroups = new Set();
    const all = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
      .filter((el) => !el.disabled && el.tabIndex >= 0)
      .filter((el) => el.type === 'file' || el.checkVisibility({ visibilityProperty: true }))
      .filter((el) => {
        if (el.type !== 'radio') return true;
        if (seenGroups.has(el.name)) return false;
        seenGroups.add(el.name);
        return true;
      });
    all.forEach((el, i) => { el.dataset.kbd = String(i); });
    window.__reached = new Set();
    document.addEventListener('focusin', (e) => {
      const el = e.target.type === 'radio'
        ? document.querySelector(`[name="${e.target.name}"][data-kbd]`) : e.target;
      if (el?.dataset.kbd) window.__reached.add(el.dataset.kbd);
    });
    return all.length;
  });
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < total + 10; i++) await page.keyboard.press('Tab');
  const missed = await page.evaluate(() => [...document.querySelectorAll('[data-kbd]')]
    .filter((el) => !window.__reached.has(el.dataset.kbd))
    .map((el) => `${el.tagName} ${el.dataset.testid ?? el.id ?? ''} ${el.textContent.trim().slice(0, 30)}`));
  return { total, missed };
}

/// The lessons as the landing page lists them: key and whether it is built (ready) or planned.
/// The tests read the list from the page, so a lesson added to the registry is tested without
/// editing them.
export async function lessonsFromLanding(browser, base) {
  const page = await openPage(browser, base);
  await page.getByTestId('landing').waitFor();
  const cards = await page.locator('[data-testid^="card-"]').evaluateAll((els) =>
    els.map((el) => ({ key: el.dataset.testid.slice('card-'.length), built: el.dataset.status === 'ready' })));
  await page.close();
  return cards;
}
