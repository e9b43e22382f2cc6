// The VAE lesson: the digits load, training sorts the latent space, dragging decodes, hovering
// encodes, interpolation follows α; a missing or damaged digits file gets a clear message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, launch, openPage, shot, text, number, canvasInfo, waitFor, drawOne } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/// The lesson is up once the step-0 test score is on screen (the digits are loaded).
async function ready(page) {
  await page.getByTestId('lesson-vae').waitFor();
  await waitFor(async () => (await text(page, 'neg-elbo')) !== '—', { timeout: 30000 });
}

/// Drawn digits: some dark ink, but not a black square.
async function digitsDrawn(page, testid) {
  const c = await canvasInfo(page, testid);
  return c.dark > 0.01 && c.dark < 0.8;
}

test('training sorts the digits; dragging in the latent plane decodes; hovering encodes', async () => {
  const page = await openPage(browser, `${server.base}#/vae`);
  await ready(page);
  const untrained = await number(page, 'neg-elbo');
  assert.ok(untrained > 400, `untrained −ELBO ${untrained}`);
  for (const c of ['grid-image', 'samples-image', 'recon-image', 'strip-image', 'alpha-image']) {
    await waitFor(() => digitsDrawn(page, c));
  }
  assert.ok((await canvasInfo(page, 'chart-latent')).ink > 0.002, 'the scatter is drawn');

  // Train for 300 steps (3.3 epochs); natively that reaches −ELBO ≈ 171 and 5-NN ≈ 0.55.
  await page.getByTestId('run-to-input').fill('300');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 300, { timeout: 90000 });
  await waitFor(async () => (await number(page, 'neg-elbo')) < 200, { timeout: 5000 });
  const knn = await number(page, 'knn');
  assert.ok(knn > 35, `5-NN accuracy ${knn} % (chance is 10 %)`);
  assert.ok((await canvasInfo(page, 'chart-rec')).ink > 0.002, 'the loss curves are drawn');
  assert.ok((await canvasInfo(page, 'chart-knn')).ink > 0.002);

  // Drag through the latent plane: the decoded digit follows the pointer.
  const chart = page.getByTestId('chart-latent');
  await chart.scrollIntoViewIfNeeded();
  let box = await chart.boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await waitFor(async () => (await text(page, 'explore-z')) !== 'z = (0, 0)');
  await waitFor(() => digitsDrawn(page, 'explore-image'));
  const first = await canvasInfo(page, 'explore-image');
  const zFirst = await text(page, 'explore-z');
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.7, { steps: 8 });
  await page.mouse.up();
  await waitFor(async () => (await text(page, 'explore-z')) !== zFirst);
  await waitFor(async () => (await canvasInfo(page, 'explore-image')).hash !== first.hash);
  assert.ok(await digitsDrawn(page, 'explore-image'));
  // Far outside the data (the plot's corner) still decodes.
  await page.mouse.click(box.x + box.width - 12, box.y + 12);
  await waitFor(async () => (await text(page, 'explore-z')) !== zFirst);

  // Hover the digits until one is inspected: μ, σ, ε and z = μ + σ ε appear.
  for (let i = 0; i < 40 && !(await page.getByTestId('reparam-z').count()); i++) {
    await page.mouse.move(box.x + box.width * (0.35 + 0.3 * Math.sin(i)), box.y + box.height * (0.5 + 0.25 * Math.cos(i * 1.7)));
    await page.waitForTimeout(60);
  }
  await page.getByTestId('reparam-z').waitFor();
  assert.match(await text(page, 'reparam-mu'), /^\(-?[\d.]+, -?[\d.]+\)$/);
  const picked = (await text(page, 'reparam')).match(/#(\d+)/)[1];

  // The inspected digit's exact posterior: log p(x) by quadrature, at or above the ELBO, the
  // gap between them non-negative, both densities drawn.
  await page.getByTestId('posterior-run').click();
  await page.getByTestId('posterior-log-px').waitFor({ timeout: 30000 });
  assert.match(await text(page, 'posterior-digit'), new RegExp(`#${picked} `));
  const [logPx, elbo, gap, iwae] = [
    await number(page, 'posterior-log-px'), await number(page, 'posterior-elbo'),
    await number(page, 'posterior-gap'), await number(page, 'posterior-iwae'),
  ];
  assert.ok([logPx, elbo, gap, iwae].every(Number.isFinite), `${logPx} ${elbo} ${gap} ${iwae}`);
  assert.ok(logPx < 0 && logPx >= elbo - 1e-3 && gap >= -1e-3, `log p(x) ${logPx}, ELBO ${elbo}, gap ${gap}`);
  assert.ok(iwae >= elbo - 1e-3 && iwae <= logPx + 0.25, `IWAE ${iwae}`);
  const pair = await canvasInfo(page, 'posterior-image');
  assert.ok(pair.dark > 0.002 && pair.dark < 0.6, `densities drawn: ${JSON.stringify(pair)}`);
  await page.getByTestId('posterior').screenshot({ path: 'test-output/screenshots/vae-posterior.png' });
  await page.getByTestId('set-from').click();
  await waitFor(async () => page.url().includes(`from=${picked}`));
  assert.match(await text(page, 'interp-endpoints'), new RegExp(`#${picked} \\(\\d\\)`));

  // Or between two latent points: the explored one becomes an end. (Clicking the buttons may
  // have scrolled the page: measure the chart again.)
  await chart.scrollIntoViewIfNeeded();
  box = await chart.boundingBox();
  await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.5);
  await page.getByTestId('point-from').click();
  await waitFor(async () => page.url().includes('ends=points'));
  await chart.scrollIntoViewIfNeeded();
  box = await chart.boundingBox();
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.5);
  await page.getByTestId('point-to').click();
  const ends = await waitFor(async () => (await text(page, 'interp-endpoints')).match(/between the points (\(-?[\d.]+, -?[\d.]+\)) → (\(-?[\d.]+, -?[\d.]+\))/));
  assert.notEqual(ends[1], ends[2], 'two different points');

  // α moves the interpolated digit.
  const alphaBefore = await canvasInfo(page, 'alpha-image');
  await page.getByTestId('alpha').fill('0.05');
  await waitFor(async () => page.url().includes('alpha=0.05'));
  await waitFor(async () => (await canvasInfo(page, 'alpha-image')).hash !== alphaBefore.hash);
  await shot(page, 'vae');
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the same URL replays the same run', async () => {
  const url = `${server.base}#/vae?seed=7&hidden=64&batch=20`;
  const scores = [];
  for (let k = 0; k < 2; k++) {
    const page = await openPage(browser, url);
    await ready(page);
    await page.getByTestId('run-to-input').fill('60');
    await page.getByTestId('run-to').click();
    await waitFor(async () => (await number(page, 'step-counter')) === 60, { timeout: 30000 });
    await page.waitForTimeout(300);
    scores.push([await text(page, 'neg-elbo'), await text(page, 'knn'), await text(page, 'spread')]);
    await page.close();
  }
  assert.deepEqual(scores[0], scores[1]);
});

test('a damaged digits file gets a clear message and the page keeps working', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-dist-'));
  cpSync(resolve(process.env.DIST_DIR || 'dist'), dir, { recursive: true });
  writeFileSync(join(dir, 'mnist-10k.glds'), 'not the digits');
  const broken = await startServer(dir);
  try {
    const page = await openPage(browser, `${broken.base}#/vae`);
    await page.getByTestId('lesson-vae').waitFor();
    await page.getByTestId('data-error').waitFor({ timeout: 20000 });
    assert.match(await text(page, 'data-error'), /could not be loaded.*header/s);
    await page.getByTestId('play-toggle').click();
    await page.getByTestId('rejected').waitFor();
    assert.match(await text(page, 'rejected'), /play: The digits could not be loaded/);
    assert.equal(await number(page, 'step-counter'), 0);
    // The rest of the app is unaffected.
    await page.goto(`${broken.base}#/gan`);
    await page.getByTestId('lesson-gan').waitFor();
    await shot(page, 'vae-broken-asset');
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    broken.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad address values are named; a learning rate that kills the encoder is explained', async () => {
  const page = await openPage(browser, `${server.base}#/vae?beta=0&hidden=77&from=abc&lr=5`);
  await ready(page);
  const notices = await text(page, 'notices');
  for (const key of ['hidden', 'from', 'lr']) assert.match(notices, new RegExp(key));
  // lr is clamped to 0.1, the slider's top: with β = 0 every encoder ReLU dies (measured).
  await page.getByTestId('run-to-input').fill('200');
  await page.getByTestId('run-to').click();
  await page.getByTestId('collapsed').waitFor({ timeout: 60000 });
  assert.match(await text(page, 'collapsed'), /lower the learning rate/);
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a bookmarked VAE address restores every new control', async () => {
  const page = await openPage(browser, `${server.base}#/vae?hidden=128&beta=2&lr=0.002&batch=50&ends=points&ax=1.5&ay=-1&bx=-2&by=0.5&alpha=0.3&likelihood=gaussian&sigma_x=0.5&device=gpu`);
  await ready(page);
  const value = (id) => page.getByTestId(`param-${id}`).inputValue();
  assert.equal(await value('hidden'), '128');
  assert.equal(await value('ends'), 'points');
  assert.equal(await value('likelihood'), 'gaussian');
  assert.equal(await value('sigma_x'), '0.5');
  for (const [k, v] of [['beta', '2'], ['lr', '0.002'], ['batch', '50'], ['ax', '1.5'], ['ay', '-1'], ['bx', '-2'], ['by', '0.5'], ['alpha', '0.3']]) {
    assert.equal(await value(k), v, k);
  }
  assert.match(await text(page, 'interp-endpoints'), /\(1\.5, -1\) → \(-2, 0\.5\), α = 0\.3/);
  assert.equal(await page.getByTestId('notices').count(), 0);
  await page.reload();
  await ready(page);
  assert.equal(await value('ax'), '1.5');
  assert.equal(await value('sigma_x'), '0.5');
  // This browser has no WebGPU: the device choice stays, the page says the CPU stands in.
  assert.equal(await value('device'), 'gpu');
  await waitFor(async () => (await page.getByTestId('compute-path').getAttribute('data-path')) === 'fallback');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a digit drawn with the mouse is encoded, with its exact posterior; an empty pad is refused', async () => {
  const page = await openPage(browser, `${server.base}#/vae?hidden=128&seed=2`);
  await ready(page);
  await page.getByTestId('run-to-input').fill('150');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 150, { timeout: 90000 });
  await page.waitForTimeout(500);
  const scatterBefore = await canvasInfo(page, 'chart-latent');
  await drawOne(page);
  await page.getByTestId('draw-mu').waitFor({ timeout: 30000 });
  assert.match(await text(page, 'draw-mu'), /^\(-?[\d.]+, -?[\d.]+\)$/);
  const [logPx, elbo, gap] = [await number(page, 'draw-log-px'), await number(page, 'draw-elbo'), await number(page, 'draw-gap')];
  assert.ok([logPx, elbo, gap].every(Number.isFinite), `${logPx} ${elbo} ${gap}`);
  assert.ok(logPx >= elbo - 1e-3 && gap >= -1e-3, `log p(x) ${logPx}, ELBO ${elbo}`);
  // The lesson trains on the CPU, and so does the posterior's grid; the page says how many decodes.
  assert.match(await text(page, 'draw-where'), /\d+ decodes ran on the CPU/);
  const pictures = await canvasInfo(page, 'draw-images');
  assert.ok(pictures.dark > 0.01 && pictures.dark < 0.8, `the drawn digit and its reconstruction: ${JSON.stringify(pictures)}`);
  assert.ok((await canvasInfo(page, 'draw-pad')).dark > 0.005, 'the stroke shows on the pad');
  await page.getByTestId('drawing').screenshot({ path: 'test-output/screenshots/vae-drawing.png' });
  // The drawing's q(z|x) joins the latent scatter as an ellipse.
  await waitFor(async () => (await canvasInfo(page, 'chart-latent')).hash !== scatterBefore.hash);
  await page.getByTestId('chart-latent').screenshot({ path: 'test-output/screenshots/vae-drawn-ellipse.png' });
  // Cleared and encoded: the page says the pad is empty; nothing breaks.
  await page.getByTestId('draw-clear').click();
  await page.getByTestId('draw-encode').click();
  await waitFor(async () => /empty/.test(await text(page, 'draw-refused')));
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the Gaussian likelihood trains in nats, says how to read them, and an extreme σ is clamped', async () => {
  const page = await openPage(browser, `${server.base}#/vae?hidden=64&likelihood=gaussian&sigma_x=50`);
  await ready(page);
  assert.match(await text(page, 'notices'), /sigma_x/);
  assert.match(page.url(), /sigma_x=10(&|$)/);
  assert.match(await text(page, 'likelihood-note'), /nats/);
  // The theory panel writes the Gaussian's −log p(x|z) with the run's σ.
  // Its rows are built when it opens, a frame or more later: wait for them.
  await page.getByTestId('theory').locator('summary').click();
  await waitFor(async () => /DEC.*σ\s*=\s*10/s.test(await page.getByTestId('theory').textContent()));
  // σ = 0.3 live: the run goes on, finite, and the reconstruction term is a density (nats).
  await page.getByTestId('param-sigma_x').fill('0.3');
  await page.getByTestId('param-sigma_x').press('Enter');
  await waitFor(async () => /sigma_x=0.3/.test(page.url()));
  await page.getByTestId('run-to-input').fill('60');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 60, { timeout: 60000 });
  await waitFor(async () => Number.isFinite(await number(page, 'test-rec')) && (await text(page, 'step-counter')) === '60');
  const rec = await number(page, 'test-rec');
  assert.ok(Number.isFinite(rec) && rec < 2000, `−log p(x|z) ${rec}`);
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});
