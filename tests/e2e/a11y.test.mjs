// Accessibility as a keyboard-only or screen-reader user meets it (Tab reaching every control of
// every lesson is in lessons.test.mjs): the dragged charts have a keyboard path, every chart has its numbers as a table, and reduced motion
// turns the Gibbs animation into instant updates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, shot, text, number, waitFor, lessonReady } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const ready = lessonReady;

test('keyboard: the latent explorer moves by arrows and inspects digits by [ and ]', async () => {
  const page = await openPage(browser, `${server.base}#/vae?hidden=64`);
  await ready(page, 'vae');
  const latent = page.getByTestId('latent-keys');
  await latent.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowUp');
  await waitFor(async () => (await text(page, 'explore-z')) === 'z = (0.3, 0.5)');
  await page.keyboard.press('Home');
  await waitFor(async () => (await text(page, 'explore-z')) === 'z = (0, 0)');
  assert.equal(await number(page, 'step-counter'), 0, 'the arrows did not step the trainer');
  await page.keyboard.press(']');
  await waitFor(async () => (await text(page, 'reparam-mu')).length > 0);
  const first = await text(page, 'reparam-mu');
  await page.keyboard.press(']');
  await waitFor(async () => (await text(page, 'reparam-mu')) !== first);
  await page.keyboard.press('[');
  await waitFor(async () => (await text(page, 'reparam-mu')) === first);
  await shot(page, 'vae-keyboard');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('keyboard: points are added, moved and deleted in the transport clouds', async () => {
  const page = await openPage(browser, `${server.base}#/transport`);
  await ready(page, 'transport');
  const counts = await text(page, 'point-counts');
  const [n, m] = counts.split('/').map((s) => Number(s.trim()));
  const emd0 = await text(page, 'emd-2d');
  await page.getByTestId('cloud-keys').focus();
  await page.keyboard.press('Enter');
  await waitFor(async () => (await text(page, 'point-counts')) === `${n + 1} / ${m}`);
  await waitFor(async () => (await text(page, 'emd-2d')) !== emd0);
  const emd1 = await text(page, 'emd-2d');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await waitFor(async () => (await text(page, 'emd-2d')) !== emd1);
  assert.equal(await page.getByTestId('point-weight').inputValue(), '1', 'the new point is selected');
  await page.keyboard.press('Delete');
  await waitFor(async () => (await text(page, 'point-counts')) === counts);
  await waitFor(async () => (await text(page, 'emd-2d')) === emd0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('every chart has its numbers as a table; the table follows the run', async () => {
  const page = await openPage(browser, `${server.base}#/gan?seed=2`);
  await ready(page, 'gan');
  const charts = await page.locator('canvas[data-testid^="chart-"]').evaluateAll((cs) => cs.map((c) => c.dataset.testid));
  assert.ok(charts.length >= 5, charts.join());
  for (const c of charts) assert.equal(await page.getByTestId(`table-toggle-${c}`).count(), 1, `${c} has a table`);
  await page.getByTestId('run-to-input').fill('200');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 200 && (await text(page, 'play-toggle')) === 'Play', { timeout: 30000 });
  await page.getByTestId('table-toggle-chart-w1').click();
  const table = page.getByTestId('table-chart-w1');
  await waitFor(async () => (await table.locator('tbody tr').count()) >= 2);
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent.trim())));
  // The W1 readout is the last value of one of the W1 series, to the digits shown.
  const w1 = await number(page, 'w1-value');
  const lasts = rows.map((r) => Number(r[3]));
  assert.ok(lasts.some((v) => Math.abs(v - w1) <= 5e-4 * Math.max(1, Math.abs(w1))), `${w1} among ${JSON.stringify(rows)}`);
  for (const r of rows) assert.equal(r[1], '21', `21 history rows (0, 10, …, 200) in ${r}`);
  await shot(page, 'gan-chart-table');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('reduced motion: the Gibbs demo shows whole sweeps, never a half-step', async () => {
  const context = await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.base}#/rbm`);
  await ready(page, 'rbm');
  await page.getByTestId('gibbs-start').click();
  await page.getByTestId('gibbs-auto').click();
  const seen = new Set();
  await waitFor(async () => {
    const t = await text(page, 'demo-gibbs');
    const m = t.match(/half-steps: (\d+)/);
    if (m) seen.add(Number(m[1]));
    return seen.size >= 3;
  }, { timeout: 10000 });
  await page.getByTestId('gibbs-auto').click();
  assert.ok([...seen].every((n) => n % 2 === 0), `only whole sweeps shown: ${[...seen]}`);
  assert.deepEqual(errors, []);
  await context.close();
});
