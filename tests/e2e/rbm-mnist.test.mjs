// The RBM on MNIST (issue 7): CD-1 learns the digits on the CPU — filters, chains and
// reconstructions render, the reconstruction error falls — and with WebGPU (SwiftShader) the
// same URL on the GPU reaches the same numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, openPage, shot, text, number, canvasInfo, waitFor, runTo } from './harness.mjs';

let server, browser, native;
before(async () => {
  // The likelihood test's run natively with the page's sums (`--kernel portable`: the worker's
  // simd128 kernel, bit for bit), before any page opens; the test-profile binary the native
  // stage built (a no-op in a full run, as in the DBN and autoencoder tests).
  execFileSync('cargo', ['test', '--locked', '--no-run', '-q'], { stdio: 'inherit' });
  const out = execFileSync('target/debug/genlab-cli', ['--kernel', 'portable', 'view', 'rbm-mnist?hidden=16', '--steps', '500'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  native = JSON.parse(out.trim().split('\n').pop()).RbmMnist.likelihood;
  server = await startServer();
  browser = await launch(['--enable-unsafe-webgpu']);
});
after(async () => { await browser?.close(); server?.stop(); });

async function ready(page) {
  await page.getByTestId('lesson-rbm-mnist').waitFor();
  await waitFor(async () => (await text(page, 'test-recon')) !== '—', { timeout: 30000 });
}

test('CD-1 learns the digits: filters, chains and reconstructions render, the error falls', async () => {
  const page = await openPage(browser, `${server.base}#/rbm-mnist`);
  await ready(page);
  assert.equal(await page.getByTestId('compute-path').getAttribute('data-path'), 'cpu');
  const untrained = await number(page, 'test-recon');
  await runTo(page, 200);
  // Natively: 196 → 48 squared pixels per test digit after 200 steps.
  const trained = await number(page, 'test-recon');
  assert.ok(trained < 0.5 * untrained, `reconstruction error ${untrained} → ${trained}`);
  // The filters are coloured (diverging scale), the chains and reconstructions have ink.
  assert.ok((await canvasInfo(page, 'filters-image')).ink > 0.2, 'filters drawn');
  for (const c of ['chains-image', 'rbmm-recon-image']) {
    const info = await canvasInfo(page, c);
    assert.ok(info.dark > 0.01 && info.dark < 0.8, `${c}: ${JSON.stringify(info)}`);
  }
  assert.ok((await canvasInfo(page, 'chart-recon-error')).ink > 0.002);
  assert.ok((await canvasInfo(page, 'chart-free-energy')).ink > 0.002);
  await shot(page, 'rbm-mnist');
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the same URL on the GPU reaches the CPU run\'s numbers', async () => {
  const query = 'seed=4&hidden=64&batch=50&method=pcd';
  const scores = {};
  for (const device of ['cpu', 'gpu']) {
    const page = await openPage(browser, `${server.base}#/rbm-mnist?${query}&device=${device}`);
    await ready(page);
    const path = page.getByTestId('compute-path');
    await waitFor(async () => (await path.getAttribute('data-path')) === device, { timeout: 20000 });
    await runTo(page, 50, 90000);
    scores[device] = [await number(page, 'test-recon'), await number(page, 'free-test')];
    if (device === 'gpu') {
      assert.ok((await canvasInfo(page, 'filters-image')).ink > 0.2, 'filters drawn from the GPU');
      await shot(page, 'rbm-mnist-gpu');
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  const [cpu, gpu] = [scores.cpu, scores.gpu];
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(gpu[i] - cpu[i]) <= 1e-3 * Math.abs(cpu[i]), `GPU ${gpu} vs CPU ${cpu}`);
  }
});

test('its controls live in the URL: bad values get a notice, a chosen setting survives a reload', async () => {
  const page = await openPage(browser, `${server.base}#/rbm-mnist?hidden=9999&method=xyz&device=banana&k=0&lr=abc`);
  await ready(page);
  const notices = await text(page, 'notices');
  for (const k of ['hidden', 'method', 'device', 'k', 'lr']) assert.match(notices, new RegExp(k), notices);
  assert.equal(await page.getByTestId('param-hidden').inputValue(), '500');
  assert.equal(await page.getByTestId('compute-path').getAttribute('data-path'), 'cpu');

  await page.getByTestId('param-method').selectOption('pcd');
  await waitFor(async () => page.url().includes('method=pcd'));
  await page.getByTestId('param-device').selectOption('gpu');
  await waitFor(async () => page.url().includes('device=gpu'));
  await page.reload();
  await ready(page);
  assert.equal(await page.getByTestId('param-method').inputValue(), 'pcd');
  assert.equal(await page.getByTestId('param-device').inputValue(), 'gpu');
  assert.equal(await page.getByTestId('param-hidden').inputValue(), '500');
  await waitFor(async () => (await page.getByTestId('compute-path').getAttribute('data-path')) === 'gpu', { timeout: 20000 });
  assert.match(await page.textContent('main'), /persist/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('at 16 hidden units the test digits\' log-likelihood is exact, with AIS converging beside it', async () => {
  const page = await openPage(browser, `${server.base}#/rbm-mnist?hidden=16`);
  await ready(page);
  assert.match(await text(page, 'll-pending'), /500/);
  await runTo(page, 500);
  await waitFor(async () => (await page.getByTestId('ll-log-z').count()) > 0);
  assert.equal(await page.getByTestId('ll-log-z').getAttribute('data-exact'), 'true');
  // The same run natively (log Z 268.56 exact, test log p(v) −281.45 at 500 steps), shown to
  // two decimals.
  const num = async (id) => Number((await text(page, id)).replace(',', '.').replace('−', '-'));
  assert.ok(Math.abs(await num('ll-log-z') - native.log_z.Exact) < 0.006, `${await text(page, 'll-log-z')} vs ${native.log_z.Exact}`);
  assert.ok(Math.abs(await num('ll-test') - native.test_ll) < 0.006, `${await text(page, 'll-test')} vs ${native.test_ll}`);
  const errors = await page.getByTestId('ll-ladder').locator('tbody tr td:last-child').allTextContents();
  assert.equal(errors.length, 3);
  const e = errors.map((s) => Math.abs(Number(s.replace(',', '.').replace('−', '-'))));
  assert.ok(e[2] < e[0], `AIS errors ${errors}`);
  await page.getByTestId('likelihood').screenshot({ path: 'test-output/screenshots/rbm-mnist-likelihood.png' });
  assert.deepEqual(page.errors, []);
  await page.close();
});
