// The deep belief net (issue 21): two layers train greedily, layer 1's exact log-likelihood on
// the page is the native computation's, the bound per added layer follows, the generator draws
// the chosen digit (switched live), the three classifiers fine-tune; bad addresses are named
// and a bookmarked address restores every control after a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, openPage, text, number, canvasInfo, waitFor, runTo } from './harness.mjs';

// Small enough to train in seconds; 16 units in layer 1, so its log Z is the exact sum.
const Q = 'h1=16&h2=32&layer_steps=100&batch=50&labelled=300';
let server, browser, native;
before(async () => {
  // The same run natively (the native stage's command line, as in the autoencoders test),
  // before any page opens.
  execFileSync('cargo', ['test', '--locked', '--no-run', '-q'], { stdio: 'inherit' });
  // `--kernel portable`: the page's sums (the worker's simd128 kernel), bit for bit.
  const out = execFileSync('target/debug/genlab-cli', ['--kernel', 'portable', 'view', `dbn?${Q}`, '--steps', '100'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  native = JSON.parse(out.trim().split('\n').pop()).Dbn;
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); server?.stop(); });

async function ready(page) {
  await page.getByTestId('lesson-dbn').waitFor();
  await waitFor(async () => (await text(page, 'dbn-phase')) !== '', { timeout: 30000 });
}

const num = (s) => Number(s.replace(',', '.').replace('−', '-'));

test('two layers train greedily, layer 1\'s exact log-likelihood is the native one, a chosen digit is generated', async () => {
  const page = await openPage(browser, `${server.base}#/dbn?${Q}`);
  await ready(page);
  assert.match(await text(page, 'dbn-phase'), /Layer 1 of 2/);
  assert.match(await text(page, 'll-pending'), /100/);
  await runTo(page, 100);
  // Layer 1 froze: log Z by the exact sum over 2^16 hidden states, as natively.
  await waitFor(async () => (await page.getByTestId('ll-log-z').count()) > 0);
  assert.equal(await page.getByTestId('ll-log-z').getAttribute('data-exact'), 'true');
  const exact = native.likelihood.log_z.Exact;
  assert.ok(Math.abs(num(await text(page, 'll-log-z')) - exact) < 0.006, `${await text(page, 'll-log-z')} vs ${exact}`);
  assert.ok(Math.abs(num(await text(page, 'll-test')) - native.likelihood.test_ll) < 0.006);
  assert.match(await text(page, 'll-how'), /2\^16/);
  assert.equal(await page.getByTestId('ll-ladder').locator('tbody tr').count(), 3);
  assert.match(await text(page, 'dbn-phase'), /Layer 2 of 2/);
  assert.ok((await canvasInfo(page, 'dbn-filters-1')).ink > 0.3);
  // Layer 2 trains with the labels beside it, then freezes with the lower bound.
  await runTo(page, 260);
  assert.match(await text(page, 'dbn-phase'), /fine-tune on 300 labelled digits: step 60/);
  assert.equal(await page.getByTestId('dbn-bounds').locator('tbody tr').count(), 2);
  assert.match(await text(page, 'dbn-stack'), /784 → 16 → 32 ⇄ \(16 \+ 10 labels\)/);
  // Filters in the diverging colour scale; generated digits in grey.
  await page.getByTestId('dbn-filters-2').scrollIntoViewIfNeeded();
  await waitFor(async () => (await canvasInfo(page, 'dbn-filters-2')).ink > 0.1, { timeout: 10000 });
  for (const id of ['dbn-generated-one', 'dbn-generated-all']) {
    await page.getByTestId(id).scrollIntoViewIfNeeded();
    await waitFor(async () => { const c = await canvasInfo(page, id); return c.dark > 0.01 && c.dark < 0.8; }, { timeout: 10000 });
  }
  for (const id of ['acc-dbn', 'acc-ae', 'acc-random']) {
    const a = await number(page, id);
    assert.ok(a > 0.05 && a <= 1, `${id} ${a}`);
  }
  // The digit to generate is live: the strip changes, the run does not restart.
  const before = (await canvasInfo(page, 'dbn-generated-one')).hash;
  await page.getByTestId('param-generate').fill('7');
  await page.getByTestId('param-generate').press('Enter');
  await waitFor(async () => (await canvasInfo(page, 'dbn-generated-one')).hash !== before);
  assert.match(page.url(), /generate=7/);
  assert.equal(await number(page, 'step-counter'), 260);
  await page.screenshot({ path: 'test-output/screenshots/dbn.png', fullPage: true });
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('bad addresses are named, and a bookmarked address restores every control after a reload', async () => {
  const bad = await openPage(browser, `${server.base}#/dbn?h3=5&h1=9999&labelled=3&device=quantum`);
  await ready(bad);
  const notices = await text(bad, 'notices');
  for (const key of ['h3', 'h1', 'labelled', 'device']) assert.match(notices, new RegExp(key));
  assert.equal(await bad.getByTestId('param-device').inputValue(), 'cpu');
  await bad.close();

  const q = 'seed=4&h1=20&h2=24&h3=16&labels=0&method=pcd&k=2&top_k=3&lr=0.02&batch=40&layer_steps=150'
    + '&pass_up=samples&labelled=800&ft_lr=0.001&generate=5&device=gpu';
  const page = await openPage(browser, `${server.base}#/dbn?${q}`);
  await ready(page);
  const want = { seed: '4', h1: '20', h2: '24', h3: '16', method: 'pcd', k: '2', top_k: '3', lr: '0.02', batch: '40',
    layer_steps: '150', pass_up: 'samples', labelled: '800', ft_lr: '0.001', generate: '5', device: 'gpu' };
  const check = async () => {
    for (const [k, v] of Object.entries(want)) assert.equal(await page.getByTestId(`param-${k}`).inputValue(), v, k);
    assert.ok(!(await page.getByTestId('param-labels').isChecked()));
  };
  await check();
  assert.equal(await page.getByTestId('notices').count(), 0);
  await page.reload();
  await ready(page);
  await check();
  // This browser has no WebGPU: the page says why the CPU trains.
  const path = page.getByTestId('compute-path');
  await waitFor(async () => (await path.getAttribute('data-path')) === 'fallback', { timeout: 20000 });
  assert.match(await path.textContent(), /CPU/);
  assert.equal(await page.getByTestId('dbn-device-split').count(), 0);
  // Three layers and no labels: the stack says so; layer 1 above 16 units gets AIS, and says why.
  assert.match(await text(page, 'dbn-stack'), /784 → 20 → 24 → 16$/);
  await runTo(page, 150);
  await waitFor(async () => (await page.getByTestId('ll-how').count()) > 0);
  assert.match(await text(page, 'll-how'), /annealed importance sampling/);
  assert.equal(await page.getByTestId('ll-log-z').getAttribute('data-exact'), 'false');
  assert.deepEqual(page.errors, []);
  await page.close();
});
