// The RBM lesson: train, read the lecture's weight table, run the three demonstrations, edit data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, shot, text, number, canvasInfo, waitFor, lessonReady } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const ready = (page) => lessonReady(page, 'rbm');

test('trains to the lecture weight table, then clamps a unit and fills in ratings', async () => {
  const page = await openPage(browser, `${server.base}#/rbm`);
  await ready(page);
  const llStart = await number(page, 'll-value');
  assert.ok(Math.abs(llStart - 6 * Math.log(0.5)) < 0.01, `starts near 6 ln ½: ${llStart}`);
  await page.getByTestId('run-to-input').fill('5000');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 5000, { timeout: 60000 });
  await page.waitForTimeout(400);
  const ll = await number(page, 'll-value');
  const best = await number(page, 'best-value');
  assert.ok(best - ll < 0.15, `CD-1 close to the best: ${ll} vs ${best}`);
  for (const c of ['chart-ll', 'chart-dist']) {
    assert.ok((await canvasInfo(page, c)).ink > 0.002, `${c} is drawn`);
  }
  // The two units: one names the SF/fantasy movies, the other the Oscar winners.
  const labels = [await text(page, 'unit-label-0'), await text(page, 'unit-label-1')].join(' | ');
  assert.match(labels, /Harry Potter/);
  assert.match(labels, /Gladiator/);
  // Demo 2: clamp each hidden unit.
  await page.getByTestId('clamp-0').click();
  await page.getByTestId('clamp-result').waitFor();
  assert.equal(await page.getByTestId('clamp-result').locator('tbody tr').count(), 6);
  // Demo 3: likes Harry Potter and Avatar; the rest unknown. LOTR 3 is likely, Gladiator not.
  await page.getByTestId('fill-go').click();
  await page.getByTestId('fill-result').waitFor();
  const lotr = await number(page, 'fill-result-exact-2');
  const gladiator = await number(page, 'fill-result-exact-3');
  assert.ok(lotr > 0.8 && gladiator < 0.3, `LOTR ${lotr}, Gladiator ${gladiator}`);
  // Demo 1: a Gibbs chain, half-step by half-step.
  await page.getByTestId('gibbs-start').click();
  await page.getByTestId('gibbs-visible').waitFor();
  await page.getByTestId('gibbs-half-step').click();
  await page.getByTestId('gibbs-half-step').click();
  await waitFor(async () => (await page.getByTestId('demo-gibbs').textContent()).includes('half-steps: 2'));
  await shot(page, 'rbm-trained');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('editing the data restarts training and lives in the URL; empty data gives a message', async () => {
  const page = await openPage(browser, `${server.base}#/rbm`);
  await ready(page);
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => (await number(page, 'step-counter')) > 200);
  await page.getByTestId('cell-0-5').check(); // Alice now likes Glitter
  await waitFor(async () => page.url().includes('Alice:111001'));
  await waitFor(async () => (await number(page, 'step-counter')) < 200);
  await page.getByTestId('user-name-1').fill('Bobby');
  await page.getByTestId('user-name-1').press('Enter');
  await waitFor(async () => page.url().includes('Bobby:101000'));
  // Remove every user: a clear message, and play is refused rather than crashing.
  for (let i = 0; i < 6; i++) {
    await page.getByTestId('remove-user-0').click();
    await page.waitForTimeout(150);
  }
  await page.getByTestId('data-problem').waitFor();
  await page.getByTestId('play-toggle').click();
  await page.waitForTimeout(500);
  assert.equal(await number(page, 'step-counter'), 0);
  await shot(page, 'rbm-empty-data');
  await page.getByTestId('reset-data').click();
  await waitFor(async () => (await page.getByTestId('data-problem').count()) === 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a bookmarked RBM URL restores its controls; bad values are clamped with a notice', async () => {
  const page = await openPage(browser, `${server.base}#/rbm?hidden=3&method=pt&temps=4&k=99&users=Ann:110000,Ben:000011`);
  await ready(page);
  assert.equal(await page.getByTestId('param-hidden').inputValue(), '3');
  assert.equal(await page.getByTestId('param-method').inputValue(), 'pt');
  assert.equal(await page.getByTestId('param-k').inputValue(), '25');
  assert.match(await text(page, 'notices'), /k/);
  assert.equal(await page.getByTestId('user-name-1').inputValue(), 'Ben');
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => (await number(page, 'step-counter')) > 100);
  await waitFor(async () => (await text(page, 'swap-rates')).includes('·'));
  await page.close();
});
