// The GPU path (issue 7) as a student meets it. With WebGPU (Chromium's SwiftShader, a GPU in
// software): the VAE trains through the WGSL kernels, the page names the adapter, the curve is
// the CPU run's, the pictures render, and a lost device hands the run to the CPU. Without
// WebGPU: the page says why it falls back and trains on the CPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, shot, text, number, canvasInfo, waitFor, assertNoLongTasks, drawOne, runTo } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server?.stop());

const QUERY = 'seed=3&hidden=64&batch=50';

async function ready(page) {
  await page.getByTestId('lesson-vae').waitFor();
  await waitFor(async () => (await text(page, 'neg-elbo')) !== '—', { timeout: 30000 });
}

async function digitsDrawn(page, testid) {
  const c = await canvasInfo(page, testid);
  return c.dark > 0.01 && c.dark < 0.8;
}

/// A "1" drawn on the pad: its exact log p(x) and ELBO, and where the grid ran.
async function drawnPosterior(page) {
  await drawOne(page);
  await page.getByTestId('draw-where').waitFor({ timeout: 60000 });
  return { logPx: await number(page, 'draw-log-px'), elbo: await number(page, 'draw-elbo'), where: await text(page, 'draw-where') };
}

/// −ELBO on the test digits at 60 steps and a drawn digit's exact posterior, on the CPU path
/// (the reference for the GPU run).
async function cpuReference(browser) {
  const page = await openPage(browser, `${server.base}#/vae?${QUERY}`);
  await ready(page);
  assert.equal(await page.getByTestId('compute-path').getAttribute('data-path'), 'cpu');
  await runTo(page, 60);
  const score = await number(page, 'neg-elbo');
  const drawn = await drawnPosterior(page);
  assert.match(drawn.where, /on the CPU/);
  await page.close();
  return { score, drawn };
}

test('with WebGPU the VAE trains on the GPU, follows the CPU curve, and survives losing the device', async () => {
  const browser = await launch(['--enable-unsafe-webgpu']);
  try {
    const { score: reference, drawn: cpuDrawn } = await cpuReference(browser);
    const page = await openPage(browser, `${server.base}#/vae?${QUERY}&device=gpu`);
    await ready(page);
    const path = page.getByTestId('compute-path');
    await waitFor(async () => (await path.getAttribute('data-path')) === 'gpu', { timeout: 20000 });
    assert.match(await path.textContent(), /GPU/);
    const untrained = await number(page, 'neg-elbo');

    await runTo(page, 60, 120000);
    const trained = await number(page, 'neg-elbo');
    assert.ok(trained < untrained - 100, `−ELBO ${untrained} → ${trained}`);
    // Same URL, same seed: the GPU run's score is the CPU run's to float tolerance (natively
    // the rows agree to 2e-7; the page shows four significant digits).
    assert.ok(Math.abs(trained - reference) <= 1e-3 * reference, `GPU ${trained} vs CPU ${reference}`);
    for (const c of ['grid-image', 'samples-image', 'recon-image']) {
      await waitFor(() => digitsDrawn(page, c));
    }
    assert.ok((await canvasInfo(page, 'chart-rec')).ink > 0.002, 'the loss curves are drawn');
    assert.ok((await canvasInfo(page, 'chart-latent')).ink > 0.002, 'the scatter is drawn');
    // The exact posterior of a drawn digit: its grid runs on the GPU too (issue 18), and gives
    // the CPU run's numbers (natively they agree to 5e-5 nats; the page shows four digits).
    const drawn = await drawnPosterior(page);
    assert.match(drawn.where, /\d+ decodes ran on the GPU/);
    assert.ok(drawn.logPx >= drawn.elbo - 1e-3, `log p(x) ${drawn.logPx} vs ELBO ${drawn.elbo}`);
    for (const k of ['logPx', 'elbo']) {
      assert.ok(Math.abs(drawn[k] - cpuDrawn[k]) <= 1e-3 * Math.abs(cpuDrawn[k]), `${k}: GPU ${drawn[k]} vs CPU ${cpuDrawn[k]}`);
    }
    await waitFor(() => digitsDrawn(page, 'draw-images'));
    await shot(page, 'vae-gpu');

    // The device goes away mid-run: the lesson says so and carries on on the CPU.
    await page.evaluate(() => window.genlabLoseDevice());
    await page.getByTestId('play-toggle').click();
    await waitFor(async () => (await path.getAttribute('data-path')) === 'fallback', { timeout: 30000 });
    assert.match(await path.textContent(), /lost/);
    const at = await number(page, 'step-counter');
    await waitFor(async () => (await number(page, 'step-counter')) > at + 40, { timeout: 30000 });
    await page.getByTestId('play-toggle').click();
    await shot(page, 'vae-gpu-lost');
    assert.doesNotMatch(await page.textContent('main'), /NaN/);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await browser.close();
  }
});

test('training on the GPU leaves the main thread free: no long task in 10 s', async () => {
  const browser = await launch(['--enable-unsafe-webgpu']);
  try {
    // The lecture's size: the GPU work and its reads are the worker's; the page only draws.
    const page = await openPage(browser, `${server.base}#/vae?hidden=512&device=gpu`);
    await ready(page);
    const path = page.getByTestId('compute-path');
    await waitFor(async () => (await path.getAttribute('data-path')) === 'gpu', { timeout: 20000 });
    await page.waitForTimeout(500);
    await assertNoLongTasks(page, 'vae on the GPU', { start: () => page.getByTestId('play-toggle').click() });
    const steps = await number(page, 'step-counter');
    console.log(`# vae on the GPU: steps ${steps}`);
    assert.ok(steps >= 3, `it trained (${steps} steps)`);
    await page.close();
  } finally {
    await browser.close();
  }
});

test('without WebGPU the page says why and trains on the CPU', async () => {
  const browser = await launch(['--disable-features=WebGPU', '--disable-unsafe-webgpu']);
  try {
    const page = await openPage(browser, `${server.base}#/vae?${QUERY}&device=gpu`);
    await ready(page);
    const path = page.getByTestId('compute-path');
    await waitFor(async () => (await path.getAttribute('data-path')) === 'fallback', { timeout: 20000 });
    const why = await path.textContent();
    assert.match(why, /CPU fallback: this browser (offers no WebGPU|has WebGPU but gives no GPU adapter)/, why);
    assert.doesNotMatch(why, /compiled in/, 'no wgpu internals');
    const untrained = await number(page, 'neg-elbo');
    await runTo(page, 60);
    assert.ok((await number(page, 'neg-elbo')) < untrained - 100, 'it trains on the CPU');
    await shot(page, 'vae-no-webgpu');
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await browser.close();
  }
});

test('with WebGPU the autoencoder lanes train on the GPU and score as on the CPU', async () => {
  const browser = await launch(['--enable-unsafe-webgpu']);
  // Five lanes (plain, sparse, denoising, contractive, linear): every kernel of the family.
  const query = 'compare=1&code=16&batch=32&seed=4';
  const trained = async (device) => {
    const page = await openPage(browser, `${server.base}#/autoencoders?${query}&device=${device}`);
    await page.getByTestId('lesson-autoencoders').waitFor();
    await waitFor(async () => (await text(page, 'pca-test')) !== '—', { timeout: 60000 });
    const path = page.getByTestId('compute-path');
    await waitFor(async () => (await path.getAttribute('data-path')) === device, { timeout: 20000 });
    await runTo(page, 50, 120000);
    return { page, error: await number(page, 'sq-error') };
  };
  try {
    const cpu = await trained('cpu');
    await cpu.page.close();
    const { page, error } = await trained('gpu');
    assert.match(await page.getByTestId('compute-path').textContent(), /GPU/);
    // Natively the rows of the two paths agree to 2e-6; the page shows four digits.
    assert.ok(Math.abs(error - cpu.error) <= 1e-3 * cpu.error, `GPU ${error} vs CPU ${cpu.error}`);
    for (const lane of ['plain', 'sparse', 'denoising', 'contractive', 'linear']) {
      assert.ok((await canvasInfo(page, `lane-filters-${lane}`)).ink > 0.2, `${lane} filters drawn`);
    }
    const recon = await canvasInfo(page, 'ae-recon-image');
    assert.ok(recon.dark > 0.01 && recon.dark < 0.8, `reconstructions: ${JSON.stringify(recon)}`);
    await shot(page, 'autoencoders-gpu');
    assert.doesNotMatch(await page.textContent('main'), /NaN/);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await browser.close();
  }
});

test('with WebGPU the conditional VAE and the VAE beside it train on the GPU and score as on the CPU', async () => {
  const browser = await launch(['--enable-unsafe-webgpu']);
  const query = 'seed=2&hidden=64&batch=40&latent=3';
  const trained = async (device) => {
    const page = await openPage(browser, `${server.base}#/cvae?${query}&device=${device}`);
    await page.getByTestId('lesson-cvae').waitFor();
    await waitFor(async () => (await text(page, 'neg-elbo')) !== '—', { timeout: 30000 });
    const path = page.getByTestId('compute-path');
    await waitFor(async () => (await path.getAttribute('data-path')) === device, { timeout: 20000 });
    await runTo(page, 60, 120000);
    return { page, cvae: await number(page, 'neg-elbo'), vae: await number(page, 'vae-neg-elbo') };
  };
  try {
    const cpu = await trained('cpu');
    await cpu.page.close();
    const { page, cvae, vae } = await trained('gpu');
    assert.match(await page.getByTestId('compute-path').textContent(), /GPU/);
    // Natively the rows of the two paths agree to 1.4e-7; the page shows four digits.
    assert.ok(Math.abs(cvae - cpu.cvae) <= 1e-3 * cpu.cvae, `CVAE: GPU ${cvae} vs CPU ${cpu.cvae}`);
    assert.ok(Math.abs(vae - cpu.vae) <= 1e-3 * cpu.vae, `VAE: GPU ${vae} vs CPU ${cpu.vae}`);
    for (const c of ['grid-image', 'swap-image']) {
      await page.getByTestId(c).scrollIntoViewIfNeeded();
      await waitFor(() => digitsDrawn(page, c));
    }
    await shot(page, 'cvae-gpu');
    assert.doesNotMatch(await page.textContent('main'), /NaN/);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await browser.close();
  }
});

test('with WebGPU every latent-shaping lane, the discriminator included, trains on the GPU and scores as on the CPU', async () => {
  const browser = await launch(['--enable-unsafe-webgpu']);
  const query = 'seed=2&hidden=64&batch=48';
  const lanes = ['kl', 'mmd', 'adversarial', 'none'];
  const trained = async (device) => {
    const page = await openPage(browser, `${server.base}#/wae?${query}&device=${device}`);
    await page.getByTestId('lesson-wae').waitFor();
    const path = page.getByTestId('compute-path');
    await waitFor(async () => (await path.getAttribute('data-path')) === device, { timeout: 30000 });
    await runTo(page, 100, 180000);
    // Each lane's test reconstruction (the last number of its caption) and its codes' ink.
    const rec = {}, ink = {};
    for (const lane of lanes) {
      const numbers = (await text(page, `lane-${lane}-numbers`)).match(/-?[\d.,]+/g);
      rec[lane] = Number(numbers[numbers.length - 1].replace(',', '.'));
      ink[lane] = (await canvasInfo(page, `lane-${lane}`)).ink;
    }
    return { page, rec, ink };
  };
  try {
    const cpu = await trained('cpu');
    assert.equal(await cpu.page.getByTestId('wae-cpu-lanes').count(), 0);
    await cpu.page.close();
    const { page, rec, ink } = await trained('gpu');
    assert.match(await page.getByTestId('compute-path').textContent(), /GPU/);
    // Every lane has a twin there: no lane is named as left on the CPU.
    assert.equal(await page.getByTestId('wae-cpu-lanes').count(), 0);
    // Natively the rows of the two paths agree to 7.1e-6 (the discriminator in f32 on the GPU,
    // f64 on the CPU); the captions show four digits.
    for (const lane of lanes) {
      assert.ok(Math.abs(rec[lane] - cpu.rec[lane]) <= 1e-3 * cpu.rec[lane], `${lane}: GPU ${rec[lane]} vs CPU ${cpu.rec[lane]}`);
      // The codes drawn as on the CPU (measured: ink 0.007–0.03; the adversarial lane's codes
      // still lie on one narrow band at 100 steps).
      assert.ok(cpu.ink[lane] > 0.004 && Math.abs(ink[lane] - cpu.ink[lane]) <= 0.1 * cpu.ink[lane], `${lane}: codes drawn, ink ${ink[lane]} vs ${cpu.ink[lane]}`);
    }
    await page.getByTestId('lanes').screenshot({ path: 'test-output/screenshots/wae-gpu.png' });
    // The discriminator trained on the device, drawn over the plane beside the optimal one.
    await page.getByTestId('disc-learned').scrollIntoViewIfNeeded();
    for (const id of ['disc-learned', 'disc-optimal']) {
      await waitFor(async () => (await canvasInfo(page, id)).ink > 0.05);
    }
    await page.getByTestId('discriminator').screenshot({ path: 'test-output/screenshots/wae-gpu-discriminator.png' });
    assert.doesNotMatch(await page.textContent('main'), /NaN/);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await browser.close();
  }
});

test('with WebGPU the deep belief net pre-trains its layers on the GPU and gives the CPU\'s log-likelihood', async () => {
  const browser = await launch(['--enable-unsafe-webgpu']);
  // 16 units in layer 1 (its log Z the exact sum), a labelled top; layers of 110 steps, so the
  // freezes fall between history rows.
  const query = 'seed=3&h1=16&h2=32&layer_steps=110&batch=50&labelled=300';
  const trained = async (device) => {
    const page = await openPage(browser, `${server.base}#/dbn?${query}&device=${device}`);
    await page.getByTestId('lesson-dbn').waitFor();
    const path = page.getByTestId('compute-path');
    await waitFor(async () => (await path.getAttribute('data-path')) === device, { timeout: 30000 });
    await runTo(page, 260, 180000);
    await waitFor(async () => (await page.getByTestId('ll-log-z').count()) > 0);
    const logZ = Number((await text(page, 'll-log-z')).replace(',', '.'));
    const bounds = await page.getByTestId('dbn-bounds').locator('tbody tr').count();
    return { page, logZ, bounds };
  };
  try {
    const cpu = await trained('cpu');
    await cpu.page.close();
    const { page, logZ, bounds } = await trained('gpu');
    assert.match(await page.getByTestId('compute-path').textContent(), /GPU/);
    assert.match(await text(page, 'dbn-device-split'), /autoencoder of the same layer.*fine-tuning/);
    // Both layers froze from the device's reads: layer 1's exact log Z is the CPU run's to
    // float tolerance (natively 4e-9 relative), the bound of the two-layer stack follows; the
    // classifiers fine-tuned and were scored there.
    assert.equal(bounds, 2);
    assert.equal(cpu.bounds, 2);
    assert.ok(Math.abs(logZ - cpu.logZ) <= 1e-3 * Math.abs(cpu.logZ), `log Z on the GPU ${logZ} vs ${cpu.logZ}`);
    // Fine-tuning from step 220; the row at 250 holds the accuracies scored on the device.
    assert.match(await text(page, 'dbn-phase'), /step 40/);
    for (const id of ['acc-dbn', 'acc-ae', 'acc-random']) {
      const a = await number(page, id);
      assert.ok(a > 0.05 && a <= 1, `${id} ${a}`);
    }
    for (const id of ['dbn-filters-1', 'dbn-filters-2']) {
      await page.getByTestId(id).scrollIntoViewIfNeeded();
      await waitFor(async () => (await canvasInfo(page, id)).ink > 0.1, { timeout: 10000 });
    }
    await page.getByTestId('dbn-generated-all').scrollIntoViewIfNeeded();
    await waitFor(async () => { const c = await canvasInfo(page, 'dbn-generated-all'); return c.dark > 0.01 && c.dark < 0.8; }, { timeout: 10000 });
    await page.screenshot({ path: 'test-output/screenshots/dbn-gpu.png', fullPage: true });
    assert.doesNotMatch(await page.textContent('main'), /NaN/);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await browser.close();
  }
});
