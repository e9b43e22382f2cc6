// The GAN lesson, driven as a student would: play, watch, pause, step, bookmark, break it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openPage, shot, text, number, canvasInfo, waitFor, lessonReady } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const CHARTS = ['chart-density', 'chart-map', 'chart-losses', 'chart-w1', 'chart-value'];

const ready = (page) => lessonReady(page, 'gan');

test('play trains in the worker: counter, charts and W1 move; pause stops', async () => {
  const page = await openPage(browser, `${server.base}#/gan`);
  await ready(page);
  await waitFor(async () => (await canvasInfo(page, 'chart-density')).ink > 0.02);
  const before = await canvasInfo(page, 'chart-density');
  const w1Start = await number(page, 'w1-value');
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => (await number(page, 'step-counter')) > 1500, { timeout: 30000 });
  await waitFor(async () => (await number(page, 'steps-per-sec')) > 0);
  const after = await canvasInfo(page, 'chart-density');
  assert.notEqual(after.hash, before.hash, 'the density chart changed');
  for (const c of CHARTS) {
    const info = await canvasInfo(page, c);
    assert.ok(info.ink > 0.002, `${c} is not blank (ink ${info.ink})`);
    assert.ok(info.width > 200 && info.height > 100, `${c} has a real size`);
  }
  const w1Now = await number(page, 'w1-value');
  assert.ok(w1Now < w1Start * 0.5, `W1 fell: ${w1Start} → ${w1Now}`);
  await shot(page, 'gan-training');
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => (await text(page, 'play-toggle')) === 'Play');
  const stopped = await number(page, 'step-counter');
  await page.waitForTimeout(700);
  assert.equal(await number(page, 'step-counter'), stopped, 'no steps after pause');
  assert.deepEqual(page.errors, []);
  await page.close();
});


test('a bookmarked URL restores every control, and the same URL gives the same run', async () => {
  const url = `${server.base}#/gan?seed=7&lr_g=0.002&batch=64&g_loss=minimax&d_steps=2&ema=0&speed=500`;
  const page = await openPage(browser, url);
  await ready(page);
  assert.equal(await page.getByTestId('param-seed').inputValue(), '7');
  assert.equal(await page.getByTestId('param-lr_g').inputValue(), '0.002');
  assert.equal(await page.getByTestId('param-batch').inputValue(), '64');
  assert.equal(await page.getByTestId('param-g_loss').inputValue(), 'minimax');
  assert.equal(await page.getByTestId('param-d_steps').inputValue(), '2');
  assert.equal(await page.getByTestId('param-ema').isChecked(), false);
  await waitFor(async () => page.url().includes('lr_d=0.001'));
  assert.ok(page.url().includes('speed=500'));
  // The pace in the address is the pace of the run: about 500 steps a second, not the maximum.
  await page.getByTestId('play-toggle').click();
  await page.waitForTimeout(1000);
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => (await text(page, 'play-toggle')) === 'Play');
  const paced = await number(page, 'step-counter');
  assert.ok(paced > 200 && paced < 800, `steps in ~1 s at speed=500: ${paced}`);
  await page.getByTestId('reset').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 0);
  // Same URL, same run: run to step 200 twice and compare the readouts.
  await page.getByTestId('run-to-input').fill('200');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 200, { timeout: 30000 });
  await page.waitForTimeout(300);
  const first = [await text(page, 'w1-value'), await text(page, 'mean-std'), await text(page, 'game-value')];
  await page.getByTestId('reset').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 0);
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 200, { timeout: 30000 });
  await page.waitForTimeout(300);
  const second = [await text(page, 'w1-value'), await text(page, 'mean-std'), await text(page, 'game-value')];
  assert.deepEqual(second, first);
  await page.close();
});

test('changing a control updates the URL without reloading; presets switch settings', async () => {
  const page = await openPage(browser, `${server.base}#/gan`);
  await ready(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.getByTestId('param-lr_g').fill('0.0005');
  await page.getByTestId('param-lr_g').press('Enter');
  await waitFor(async () => page.url().includes('lr_g=0.0005'));
  await page.getByTestId('preset-minimax_stalls').click();
  await waitFor(async () => page.url().includes('g_loss=minimax') && page.url().includes('optimizer=sgd'));
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  await page.close();
});

test('step D only and step G only move one player at a time; keyboard works', async () => {
  const page = await openPage(browser, `${server.base}#/gan`);
  await ready(page);
  await page.getByTestId('step-d').click();
  await waitFor(async () => (await text(page, 'updates')) === '1 / 0');
  await page.getByTestId('step-g').click();
  await waitFor(async () => (await text(page, 'updates')) === '1 / 1');
  await page.locator('h2').first().click();
  await page.keyboard.press('ArrowRight');
  await waitFor(async () => (await number(page, 'step-counter')) === 3);
  await page.keyboard.press('Space');
  await waitFor(async () => (await number(page, 'step-counter')) > 50);
  await page.keyboard.press('Space');
  await waitFor(async () => (await text(page, 'play-toggle')) === 'Play');
  await page.keyboard.press('r');
  await waitFor(async () => (await number(page, 'step-counter')) === 0);
  await page.close();
});

test('a malformed URL is clamped with a visible notice', async () => {
  const page = await openPage(browser, `${server.base}#/gan?batch=0&lr_g=abc&g_width=99999&bogus=1&speed=-3`);
  await ready(page);
  const notices = await text(page, 'notices');
  for (const k of ['batch', 'lr_g', 'g_width', 'bogus']) assert.match(notices, new RegExp(k));
  assert.equal(await page.getByTestId('param-batch').inputValue(), '1');
  assert.equal(await page.getByTestId('param-g_width').inputValue(), '128');
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => (await number(page, 'step-counter')) > 20);
  await shot(page, 'gan-bad-url');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a diverging run pauses with a message, keeps its charts, and reset recovers', async () => {
  const page = await openPage(browser, `${server.base}#/gan?optimizer=sgd&lr_d=1&lr_g=1&g_act=relu&d_act=relu`);
  await ready(page);
  await page.getByTestId('play-toggle').click();
  await page.getByTestId('diverged').waitFor({ timeout: 30000 });
  assert.match(await text(page, 'diverged'), /learning rate/);
  const info = await canvasInfo(page, 'chart-density');
  assert.ok(info.ink > 0.002, 'the last good chart stays on screen');
  await shot(page, 'gan-diverged');
  await page.getByTestId('param-lr_g').fill('0.001');
  await page.getByTestId('param-lr_g').press('Enter');
  await page.getByTestId('param-lr_d').fill('0.001');
  await page.getByTestId('param-lr_d').press('Enter');
  await page.getByTestId('reset').click();
  await waitFor(async () => (await page.getByTestId('diverged').count()) === 0);
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => (await number(page, 'step-counter')) > 100);
  await page.close();
});

test('a worker crash is reported, and reset starts a fresh worker', async () => {
  const page = await openPage(browser, `${server.base}#/gan?seed=3`);
  await ready(page);
  await page.evaluate(() => window.genlabCrashWorker());
  await page.getByTestId('failed').waitFor({ timeout: 10000 });
  assert.match(await text(page, 'failed'), /crash/);
  await page.getByTestId('reset').click();
  await waitFor(async () => (await page.getByTestId('failed').count()) === 0);
  await waitFor(async () => !(await page.getByTestId('play-toggle').isDisabled()));
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => (await number(page, 'step-counter')) > 50);
  assert.equal(await page.getByTestId('param-seed').inputValue(), '3', 'settings survive the restart');
  await page.close();
});

test('every chart saves as PNG; the metric history saves as CSV', async () => {
  const page = await openPage(browser, `${server.base}#/gan?speed=0`);
  await page.getByTestId('lesson-gan').waitFor();
  await page.getByTestId('run-to-input').fill('300');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 300, { timeout: 30000 });
  await page.waitForTimeout(400);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('png-chart-density').click()]);
  assert.equal(png.suggestedFilename(), 'genlab-chart-density.png');
  const bytes = readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
  assert.ok(bytes.length > 5000, `${bytes.length} bytes: a drawn chart, not an empty canvas`);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv').click()]);
  assert.equal(csv.suggestedFilename(), 'genlab-gan-history.csv');
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  assert.match(lines[0], /^step,d_loss,g_loss,.*w1_ema/);
  assert.ok(lines.length > 10, `${lines.length} lines`);
  const last = lines[lines.length - 1].split(',');
  assert.equal(last[0], '300');
  assert.ok(last.slice(1).every((v) => v === '' || Number.isFinite(Number(v))), lines[lines.length - 1]);
  assert.deepEqual(page.errors, []);
  await page.close();
});
