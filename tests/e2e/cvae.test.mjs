// The conditional VAE lesson: it trains beside a plain VAE and the label leaves z (5-NN from z
// falls towards chance while the VAE's rises); the grid follows the chosen label, the same
// style decodes under every label, the arithmetic and interpolation are drawn; a chosen test
// digit's exact posterior has log p(x|y) ≥ ELBO; a digit drawn with the mouse is reconstructed
// under every label; bad addresses are named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, text, number, canvasInfo, waitFor, drawOne, runTo } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

async function ready(page) {
  await page.getByTestId('lesson-cvae').waitFor();
  await waitFor(async () => (await text(page, 'neg-elbo')) !== '—', { timeout: 30000 });
}

async function digitsDrawn(page, testid) {
  const c = await canvasInfo(page, testid);
  return c.dark > 0.01 && c.dark < 0.8;
}

test('the label leaves z; swapped labels, the grid, arithmetic and the exact posterior', async () => {
  const page = await openPage(browser, `${server.base}#/cvae?hidden=128`);
  await ready(page);
  // Natively at this size (H = 128, 300 steps): CVAE −ELBO ≈ 150, VAE ≈ 172; 5-NN from z
  // 0.26 (CVAE) against 0.52 (VAE).
  await runTo(page, 300);
  await waitFor(async () => (await number(page, 'neg-elbo')) < 200, { timeout: 5000 });
  const [cvae, vae] = [await number(page, 'neg-elbo'), await number(page, 'vae-neg-elbo')];
  assert.ok(cvae < vae - 8, `CVAE −ELBO ${cvae} vs VAE ${vae}: the label is information`);
  const [knn, vaeKnn] = [await number(page, 'knn'), await number(page, 'vae-knn')];
  assert.ok(knn < vaeKnn - 10 && knn < 40, `5-NN from z: CVAE ${knn} %, VAE ${vaeKnn} %`);
  for (const c of ['grid-image', 'swap-image', 'per-class-image', 'strip-image', 'alpha-image', 'arith-image']) {
    await page.getByTestId(c).scrollIntoViewIfNeeded();
    await waitFor(() => digitsDrawn(page, c), { timeout: 10000 });
  }
  for (const c of ['chart-latent', 'chart-vae-latent', 'chart-loss', 'chart-knn']) {
    await page.getByTestId(c).scrollIntoViewIfNeeded();
    await waitFor(async () => (await canvasInfo(page, c)).ink > 0.002, { timeout: 10000 });
  }
  assert.match(await text(page, 'knn-why'), /chance/);
  await page.screenshot({ path: 'test-output/screenshots/cvae-top.png' });
  await page.getByTestId('swap-image').screenshot({ path: 'test-output/screenshots/cvae-swap.png' });
  await page.getByTestId('per-class-image').screenshot({ path: 'test-output/screenshots/cvae-per-class.png' });

  // Another label: the grid is redrawn and its caption names it.
  const grid = await canvasInfo(page, 'grid-image');
  await page.getByTestId('class-7').click();
  await waitFor(async () => /y = 7/.test(await text(page, 'grid-caption')));
  await waitFor(async () => (await canvasInfo(page, 'grid-image')).hash !== grid.hash);
  assert.match(page.url(), /class=7/);

  // The label moves between two digits' labels with z held.
  const strip = await canvasInfo(page, 'strip-image');
  await page.getByTestId('interp-label').click();
  await waitFor(async () => (await canvasInfo(page, 'strip-image')).hash !== strip.hash);
  assert.match(await text(page, 'interp-caption'), /y = 0 → 1/);

  // Choose a digit by clicking the scatter's crowded middle, then use it in the arithmetic
  // and ask for its exact posterior.
  const chart = page.getByTestId('chart-latent');
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  for (const f of [0.5, 0.48, 0.52, 0.45, 0.55]) {
    await page.mouse.click(box.x + box.width * f, box.y + box.height * 0.5);
    if ((await page.getByTestId('chosen-index').inputValue()) !== '') break;
  }
  let chosen = await page.getByTestId('chosen-index').inputValue();
  if (chosen === '') {
    await page.getByTestId('chosen-index').fill('905');
    await page.getByTestId('chosen-index').press('Enter');
    chosen = '905';
  }
  await waitFor(async () => /\d/.test(await text(page, 'chosen-label')));
  const arith = await canvasInfo(page, 'arith-image');
  await page.getByTestId('use-c').click();
  await waitFor(async () => new RegExp(`c = #${chosen} `).test(await text(page, 'arith-caption')));
  await waitFor(async () => (await canvasInfo(page, 'arith-image')).hash !== arith.hash);
  await page.getByTestId('posterior-run').click();
  await page.getByTestId('posterior-log-px').waitFor({ timeout: 30000 });
  const [logPx, elbo, gap, iwae] = [await number(page, 'posterior-log-px'), await number(page, 'posterior-elbo'),
    await number(page, 'posterior-gap'), await number(page, 'posterior-iwae')];
  assert.ok([logPx, elbo, gap, iwae].every(Number.isFinite), `${logPx} ${elbo} ${gap} ${iwae}`);
  assert.ok(logPx >= elbo - 1e-3 && gap >= -1e-3, `log p(x|y) ${logPx} vs ELBO ${elbo}`);
  const pair = await canvasInfo(page, 'posterior-image');
  assert.ok(pair.dark > 0.002 && pair.dark < 0.6, `densities drawn: ${JSON.stringify(pair)}`);
  await page.getByTestId('posterior').screenshot({ path: 'test-output/screenshots/cvae-posterior.png' });
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a drawn digit is reconstructed under every label; wide latents and bad addresses are explained', async () => {
  const page = await openPage(browser, `${server.base}#/cvae?hidden=64&seed=2`);
  await ready(page);
  await runTo(page, 150);
  await drawOne(page);
  await page.getByTestId('draw-mu').waitFor({ timeout: 30000 });
  await waitFor(() => digitsDrawn(page, 'draw-by-label'));
  await waitFor(() => digitsDrawn(page, 'draw-digit'));
  const [logPx, elbo] = [await number(page, 'draw-log-px'), await number(page, 'draw-elbo')];
  assert.ok(Number.isFinite(logPx) && logPx >= elbo - 1e-3, `log p(x|y) ${logPx} vs ELBO ${elbo}`);
  await page.getByTestId('drawing').screenshot({ path: 'test-output/screenshots/cvae-drawing.png' });
  await page.getByTestId('draw-clear').click();
  await page.getByTestId('draw-encode').click();
  await waitFor(async () => /empty/.test(await text(page, 'draw-refused')));
  await page.close();

  // A 4-D latent: the shown dimensions are named when out of range; the grid still draws;
  // the exact posterior says why it needs a 2-D latent.
  const wide = await openPage(browser, `${server.base}#/cvae?hidden=64&latent=4&dim_x=9&dim_y=3&sigma_x=0&likelihood=gaussian`);
  await ready(wide);
  const notices = await text(wide, 'notices');
  for (const key of ['dim_x', 'dim_y', 'sigma_x']) assert.match(notices, new RegExp(key));
  await waitFor(() => digitsDrawn(wide, 'grid-image'));
  assert.match(await text(wide, 'grid-caption'), /z4, z3\).*held at/);
  assert.ok(await wide.getByTestId('likelihood-note').isVisible());
  await wide.getByTestId('chosen-index').fill('12');
  await wide.getByTestId('chosen-index').press('Enter');
  await wide.getByTestId('posterior-run').click();
  await waitFor(async () => /2-D latent/.test(await text(wide, 'posterior-refused')));
  // The other dimensions held at the chosen digit's code: the grid says so and is redrawn.
  const grid = await canvasInfo(wide, 'grid-image');
  await wide.getByTestId('use-hold').click();
  await waitFor(async () => /held at the code of test digit #12/.test(await text(wide, 'grid-caption')));
  await waitFor(async () => (await canvasInfo(wide, 'grid-image')).hash !== grid.hash);
  assert.match(wide.url(), /hold_mu=1/);
  await runTo(wide, 30);
  assert.doesNotMatch(await wide.textContent('main'), /NaN/);
  assert.deepEqual(wide.errors, []);
  await wide.close();
});

test('a bookmarked CVAE address restores every control after a reload', async () => {
  const q = 'hidden=64&latent=3&beta=2&lr=0.002&batch=40&likelihood=gaussian&sigma_x=0.4&class=7&dim_x=2&dim_y=0'
    + '&hold=1.5&hold_mu=1&hold_digit=321&interp=label&from=60&to=700&alpha=0.3&a=5&b=6&c=7&b_mean=1';
  const page = await openPage(browser, `${server.base}#/cvae?${q}`);
  await ready(page);
  const value = (id) => page.getByTestId(`param-${id}`).inputValue();
  const want = { hidden: '64', latent: '3', beta: '2', lr: '0.002', batch: '40', likelihood: 'gaussian', sigma_x: '0.4',
    class: '7', dim_x: '2', dim_y: '0', hold: '1.5', hold_digit: '321', interp: 'label', from: '60', to: '700',
    alpha: '0.3', a: '5', b: '6', c: '7' };
  const check = async () => {
    for (const [k, v] of Object.entries(want)) assert.equal(await value(k), v, k);
    assert.ok(await page.getByTestId('param-hold_mu').isChecked());
    assert.ok(await page.getByTestId('param-b_mean').isChecked());
    assert.ok(!(await page.getByTestId('param-a_mean').isChecked()));
  };
  await check();
  assert.equal(await page.getByTestId('notices').count(), 0);
  assert.match(await text(page, 'grid-caption'), /y = 7 \(z3, z1\).*#321/);
  await page.reload();
  await ready(page);
  await check();
  assert.deepEqual(page.errors, []);
  await page.close();
});
