// The autoencoder lesson (issue 17): every variant trains side by side in the worker, the PCA
// numbers the page shows are the native computation's, and the denoising demo answers a scribble.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, openPage, shot, text, number, canvasInfo, waitFor, assertNoLongTasks, runTo } from './harness.mjs';

let server, browser, native;
before(async () => {
  // The same view computed natively, before any page opens: nothing competes with the pages for
  // the CPU. The command line is the optimised test-profile binary the native stage built for
  // its own tests; asking cargo for the native stage's own build makes this a no-op in a full
  // run (building `-p genlab-cli` alone unifies features differently and recompiled it, and a
  // cold release build with LTO cost CI several minutes).
  execFileSync('cargo', ['test', '--locked', '--no-run', '-q'], { stdio: 'inherit' });
  const out = execFileSync('target/debug/genlab-cli', ['view', 'autoencoders?compare=1&code=16', '--steps', '0'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  native = JSON.parse(out.trim().split('\n').pop()).Autoencoders;
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); server?.stop(); });

const close = (a, b) => Math.abs(a - b) <= 1e-3 * Math.abs(b);

test('every variant side by side, with PCA as the native computation gives it', async () => {
  const page = await openPage(browser, `${server.base}#/autoencoders?compare=1&code=16`);
  // The eigendecomposition takes seconds in the worker: the page shows how far it is.
  const progress = page.locator('[data-testid=loading][data-what=pca]');
  await progress.waitFor({ timeout: 30000 });
  assert.match(await progress.textContent(), /principal components.*\d+ %/);
  await page.getByTestId('lesson-autoencoders').waitFor();
  await waitFor(async () => (await text(page, 'pca-test')) !== '—', { timeout: 60000 });
  await progress.waitFor({ state: 'detached', timeout: 30000 });
  for (const [id, key] of [['pca-test', 'pca_test'], ['pca-train', 'pca_train'], ['pca30-train', 'pca30_train'], ['pca30-test', 'pca30_test']]) {
    const shown = await number(page, id);
    assert.ok(close(shown, native[key]), `${id}: page ${shown}, native ${native[key]}`);
  }
  // Hinton & Salakhutdinov's PCA column (13.87 on MNIST's own split), on these digits.
  assert.ok(close(native.pca30_train, 13.878), `${native.pca30_train}`);

  await assertNoLongTasks(page, 'autoencoders, five lanes', {
    ms: 8000,
    start: () => page.getByTestId('play-toggle').click(),
  });
  // Paused, then the pictures at a step every machine reaches the same way: how far the
  // 8 s above got depends on the machine, and filters trained for thousands of steps are
  // mostly pale (the largest weight sets the colour scale).
  await page.getByTestId('play-toggle').click();
  await page.getByTestId('reset').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 0);
  await runTo(page, 300, 90000, 800);
  // Each lane's filters are drawn (measured at step 300: ink 0.37–0.44); the linear lane's
  // subspace has turned towards PCA's.
  for (const lane of ['plain', 'sparse', 'denoising', 'contractive', 'linear']) {
    assert.ok((await canvasInfo(page, `lane-filters-${lane}`)).ink > 0.2, `${lane} filters drawn`);
  }
  // The large grid would repeat the plain lane's filters: side by side only the lanes show.
  assert.equal(await page.getByTestId('ae-filters-image').isVisible(), false, 'one grid of the plain filters');
  const angle = await number(page, 'angle');
  assert.ok(angle > 0 && angle < Math.PI / 2, `largest principal angle ${angle}`);
  // Every lane's squared error is in the All metrics panel, and above PCA's for the linear one.
  await page.getByTestId('metrics').locator('summary').click();
  const metric = async (name) => Number((await page.locator(`[data-metric=${name}] td`).textContent()).replace(',', '.'));
  for (const lane of ['plain', 'sparse', 'denoising', 'contractive', 'linear']) {
    assert.ok(Number.isFinite(await metric(`lane_${lane}`)), lane);
  }
  assert.ok(await metric('lane_linear') >= (await metric('pca_sq_error')) * 0.999, 'no linear code beats PCA');
  for (const c of ['chart-ae-error', 'chart-pca-plane', 'chart-code-plane', 'chart-ae-histogram']) {
    assert.ok((await canvasInfo(page, c)).ink > 0.002, `${c} drawn`);
  }
  const recon = await canvasInfo(page, 'ae-recon-image');
  assert.ok(recon.dark > 0.01 && recon.dark < 0.8, `reconstructions: ${JSON.stringify(recon)}`);
  await shot(page, 'autoencoders-lanes');
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the denoising demo answers a corruption and a scribble', async () => {
  const page = await openPage(browser, `${server.base}#/autoencoders?corruption=masking&level=0.4`);
  await page.getByTestId('lesson-autoencoders').waitFor();
  await waitFor(async () => (await text(page, 'pca-test')) !== '—', { timeout: 60000 });
  await page.getByTestId('run-to-input').fill('200');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 200, { timeout: 60000 });
  // One lane: its filters in the large grid, and no lane grids.
  await page.getByTestId('ae-filters-image').scrollIntoViewIfNeeded();
  assert.ok(await page.getByTestId('ae-filters-image').isVisible());
  await waitFor(async () => (await canvasInfo(page, 'ae-filters-image')).ink > 0.2);
  assert.equal(await page.getByTestId('lane-filters-plain').isVisible(), false);
  const demo = page.getByTestId('denoise-demo');
  await demo.scrollIntoViewIfNeeded();
  await page.getByTestId('denoise-digit').fill('7');
  await page.getByTestId('denoise-digit').dispatchEvent('change');
  // The answer for digit 7, not one for digit 0 still on its way.
  await waitFor(async () => (await page.getByTestId('denoise-errors').getAttribute('data-index')) === '7');
  await waitFor(async () => /→/.test(await text(page, 'denoise-errors')));
  const errorIn = async () => Number((await text(page, 'denoise-errors')).match(/[\d.,]+/)[0].replace(',', '.'));
  const before = await errorIn();
  // A stroke across the middle picture (the input) adds ink the clean digit does not have.
  const box = await page.getByTestId('denoise-image').boundingBox();
  const y = box.y + box.height * 0.15;
  await page.mouse.move(box.x + box.width * 0.38, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.38 + 0.025 * i), y, { steps: 2 });
  await page.mouse.up();
  await waitFor(async () => (await errorIn()) > before + 1, { timeout: 5000 });
  assert.ok((await canvasInfo(page, 'denoise-image')).dark > 0.01, 'the pictures have ink');
  await shot(page, 'autoencoders-denoise');
  await page.getByTestId('denoise-clear').click();
  await waitFor(async () => close(await errorIn(), before));
  // The demo's controls are in the address, and the address brings them back.
  await page.getByTestId('denoise-corruption').selectOption('gaussian');
  await waitFor(async () => page.url().includes('digit=7') && page.url().includes('demo_noise=gaussian'));
  const url = page.url();
  await page.close();
  const again = await openPage(browser, url);
  await again.getByTestId('denoise-demo').waitFor();
  assert.equal(await again.getByTestId('denoise-digit').inputValue(), '7');
  assert.equal(await again.getByTestId('denoise-corruption').inputValue(), 'gaussian');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(again.errors, []);
  await again.close();
});

test('bad values in the address are named and clamped', async () => {
  const page = await openPage(browser, `${server.base}#/autoencoders?code=5000&level=7&lambda=-3&depth=9&digit=99999&demo_noise=banana&demo_level=-2&device=quantum`);
  await page.getByTestId('lesson-autoencoders').waitFor();
  await waitFor(async () => (await text(page, 'notices')).length > 0, { timeout: 30000 });
  const notices = await text(page, 'notices');
  for (const k of ['code', 'level', 'lambda', 'depth', 'digit', 'demo_noise', 'demo_level', 'device']) {
    assert.match(notices, new RegExp(k), notices);
  }
  assert.equal(await page.getByTestId('param-code').inputValue(), '1024');
  // The demo's controls show the clamped values, and the demo still answers.
  assert.equal(await page.getByTestId('denoise-digit').inputValue(), '1004');
  await waitFor(async () => /→/.test(await text(page, 'denoise-errors')), { timeout: 30000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});
