// Shaping the latent space: every regulariser trains side by side and its test codes are drawn
// over the prior; the MMD and the discriminator bring the codes closer to the prior (exact W₁)
// than a plain autoencoder; switching the prior redraws every lane against the new one; the
// discriminator and the optimal one are drawn; decoded samples carry a sharpness; bad
// addresses are named; a bookmarked address restores every control.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, text, number, canvasInfo, waitFor, runTo } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const LANES = ['kl', 'mmd', 'adversarial', 'none'];

async function ready(page) {
  await page.getByTestId('lesson-wae').waitFor();
  await waitFor(async () => (await canvasInfo(page, 'lane-mmd')).ink > 0.002, { timeout: 30000 });
}

/// The exact W₁ a lane's caption shows.
async function emd(page, lane) {
  const m = (await text(page, `lane-${lane}-numbers`)).match(/W₁ (-?[\d.,]+)/);
  return Number(m[1].replace(',', '.'));
}

test('every regulariser trains side by side; MMD and the discriminator pull the codes to the prior', async () => {
  const page = await openPage(browser, `${server.base}#/wae?seed=2&hidden=64&batch=64`);
  await ready(page);
  await runTo(page, 400);
  for (const lane of LANES) {
    const c = await canvasInfo(page, `lane-${lane}`);
    assert.ok(c.ink > 0.01, `${lane}: codes drawn ${JSON.stringify(c)}`);
    assert.match(await text(page, `lane-${lane}-numbers`), /W₁ [\d.,]+ · MMD² -?[\d.,]+/);
  }
  // Natively (lane tests, 400 steps): W₁ 0.66 (MMD), 1.05 (discriminator), 16.8 (none).
  const plain = await emd(page, 'none');
  for (const lane of ['mmd', 'adversarial']) {
    const d = await emd(page, lane);
    assert.ok(d < plain / 3, `${lane}: W₁ ${d} vs plain ${plain}`);
  }
  assert.match(await text(page, 'floor'), /W₁ 0[.,]\d+ .*n = 250/);
  // The discriminator beside the optimal one, both drawn.
  await page.getByTestId('disc-learned').scrollIntoViewIfNeeded();
  for (const id of ['disc-learned', 'disc-optimal']) {
    await waitFor(async () => (await canvasInfo(page, id)).ink > 0.05);
  }
  for (const lane of LANES) {
    await waitFor(async () => (await canvasInfo(page, `samples-${lane}`)).dark > 0.01);
    assert.match(await text(page, `samples-${lane}-caption`), /sharpness \d/);
  }
  // Every lane on one chart: reconstruction against distance to the prior.
  await page.getByTestId('chart-tradeoff').scrollIntoViewIfNeeded();
  await waitFor(async () => (await canvasInfo(page, 'chart-tradeoff')).ink > 0.002);
  await page.screenshot({ path: 'test-output/screenshots/wae-lanes.png', fullPage: true });
  await page.getByTestId('discriminator').screenshot({ path: 'test-output/screenshots/wae-discriminator.png' });

  // Switch the prior to the ring: the address holds it, every lane is redrawn against it.
  const before = await canvasInfo(page, 'lane-mmd');
  await page.getByTestId('param-prior').selectOption('ring');
  await waitFor(async () => page.url().includes('prior=ring'));
  await waitFor(async () => (await canvasInfo(page, 'lane-mmd')).hash !== before.hash);
  await runTo(page, 450);
  for (const lane of LANES) assert.ok((await canvasInfo(page, `lane-${lane}`)).ink > 0.01, lane);
  await page.getByTestId('lanes').screenshot({ path: 'test-output/screenshots/wae-ring.png' });
  // Playing, the page reports images/s per lane and for all four.
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => /^\d+ \(\d+\)$/.test(await text(page, 'images-per-sec')), { timeout: 30000 });
  await page.getByTestId('play-toggle').click();
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('bad addresses are named, and a bookmarked address restores every control', async () => {
  const bad = await openPage(browser, `${server.base}#/wae?supervised=1&prior=square&mmd_lambda=1e9&disc_steps=50&device=quantum`);
  await ready(bad);
  const notices = await text(bad, 'notices');
  for (const key of ['supervised', 'mmd_lambda', 'disc_steps', 'device']) assert.match(notices, new RegExp(key));
  assert.equal(await bad.getByTestId('param-device').inputValue(), 'cpu');
  assert.deepEqual(bad.errors, []);
  await bad.close();

  const q = 'seed=7&prior=swiss_roll&shaping=adversarial&compare=0&hidden=48&lr=0.002&batch=40&beta=2'
    + '&mmd_lambda=500&kernel=rbf&scale=2&adv_lambda=5&disc_width=16&disc_lr=0.0005&disc_steps=2&device=gpu';
  const page = await openPage(browser, `${server.base}#/wae?${q}`);
  await page.getByTestId('lesson-wae').waitFor();
  await waitFor(async () => (await canvasInfo(page, 'lane-adversarial')).ink > 0.002, { timeout: 30000 });
  const want = { seed: '7', prior: 'swiss_roll', shaping: 'adversarial', hidden: '48', lr: '0.002', batch: '40', beta: '2',
    mmd_lambda: '500', kernel: 'rbf', scale: '2', adv_lambda: '5', disc_width: '16', disc_lr: '0.0005', disc_steps: '2',
    device: 'gpu' };
  const check = async () => {
    for (const [k, v] of Object.entries(want)) assert.equal(await page.getByTestId(`param-${k}`).inputValue(), v, k);
    assert.ok(!(await page.getByTestId('param-compare').isChecked()));
    assert.equal(await page.getByTestId('lane-mmd').count(), 0, 'one lane only');
    // This browser offers no WebGPU: the GPU asked for, the page says why the CPU trains.
    await waitFor(async () => (await page.getByTestId('compute-path').getAttribute('data-path')) === 'fallback', { timeout: 20000 });
  };
  await check();
  assert.equal(await page.getByTestId('notices').count(), 0);
  await page.reload();
  await page.getByTestId('lesson-wae').waitFor();
  await check();
  // The supervised prior (it needs the ring) survives a reload too.
  const ring = await openPage(browser, `${server.base}#/wae?prior=ring&supervised=1&compare=0&shaping=adversarial`);
  await ring.getByTestId('lesson-wae').waitFor();
  assert.ok(await ring.getByTestId('param-supervised').isChecked());
  await ring.reload();
  await ring.getByTestId('lesson-wae').waitFor();
  assert.ok(await ring.getByTestId('param-supervised').isChecked());
  assert.equal(await ring.getByTestId('param-prior').inputValue(), 'ring');
  assert.equal(await ring.getByTestId('notices').count(), 0);
  await ring.close();
  // The swiss roll's density is a quadrature: the discriminator panel says so.
  await runTo(page, 50);
  await page.getByTestId('discriminator').scrollIntoViewIfNeeded();
  assert.match(await page.getByTestId('discriminator').textContent(), /quadrature/);
  assert.deepEqual(page.errors, []);
  await page.close();
});
