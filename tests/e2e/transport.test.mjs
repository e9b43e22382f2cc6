// The transport lesson: the lecture's example, dragging mass and points, Sinkhorn, the Gaussians.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, shot, text, number, canvasInfo, waitFor } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

async function ready(page) {
  await page.getByTestId('lesson-transport').waitFor();
  await waitFor(async () => (await text(page, 'w-exact-1d')) !== '');
}

test('the lecture example gives exactly 1.0, and dragging a bar changes the distance', async () => {
  const page = await openPage(browser, `${server.base}#/transport`);
  await ready(page);
  assert.equal(await text(page, 'w-exact-1d'), '1');
  assert.equal(await text(page, 'w-formula-1d'), '1');
  assert.match(await text(page, 'breakdown'), /0\.5·1 \(1→2\) \+ 0\.5·1 \(3→4\) = 1/);
  // The plan as a matrix: half of the mass from 1 to 2 and half from 3 to 4, nothing else.
  const cells = await page.getByTestId('plan-matrix').locator('td.nonzero').allTextContents();
  assert.deepEqual(cells, ['0.5', '0.5']);
  // Take ν's mass at x = 2 away: ν is renormalised onto x = 4, and W1 = 0.5·3 + 0.5·1 = 2.
  await page.getByTestId('nu-1').fill('0');
  await page.getByTestId('nu-1').dispatchEvent('change');
  await waitFor(async () => (await text(page, 'w-exact-1d')) === '2');
  assert.equal(await text(page, 'w-formula-1d'), '2', 'exact solver = 1-D closed form');
  assert.ok(page.url().includes('nu=0,0,0,0.5'), page.url());
  for (const c of ['chart-bars', 'chart-clouds', 'chart-exact-plan', 'chart-gaussians', 'chart-shift']) {
    assert.ok((await canvasInfo(page, c)).ink > 0.002, `${c} is drawn`);
  }
  assert.equal(await text(page, 'w2-closed'), '4.3053');
  await shot(page, 'transport');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('clicking adds a point, dragging moves one, and the exact distance follows', async () => {
  const page = await openPage(browser, `${server.base}#/transport`);
  await ready(page);
  await waitFor(async () => (await text(page, 'emd-2d')) !== '—');
  const before = await number(page, 'emd-2d');
  await page.getByTestId('chart-clouds').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('chart-clouds').boundingBox();
  // An empty spot near the top right: adds a μ point far from the rest.
  await page.mouse.click(box.x + box.width * 0.9, box.y + box.height * 0.15);
  await waitFor(async () => (await text(page, 'point-counts')) === '9 / 8');
  const added = await number(page, 'emd-2d');
  assert.notEqual(added, before);
  // Drag that point to the far left: the distance changes again.
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.85, { steps: 5 });
  await page.mouse.up();
  await waitFor(async () => (await number(page, 'emd-2d')) !== added);
  assert.equal(await text(page, 'point-counts'), '9 / 8', 'dragging moves, it does not add');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Sinkhorn iterations bring the entropic cost to the exact cost; bad input gives messages', async () => {
  const page = await openPage(browser, `${server.base}#/transport?eps=0.02&speed=0`);
  await ready(page);
  await page.getByTestId('run-to-input').fill('400');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 400, { timeout: 30000 });
  await page.waitForTimeout(300);
  const sinkhorn = await number(page, 'sinkhorn-cost');
  const exact = await number(page, 'exact-cost');
  assert.ok(sinkhorn >= exact - 1e-6 && sinkhorn - exact < 0.1 * exact, `${sinkhorn} vs ${exact}`);
  assert.ok((await canvasInfo(page, 'chart-marginal')).ink > 0.002, 'the marginal error is drawn');
  await page.goto(`${server.base}#/transport?mu=0,0&nu=1,-1&xs=&eps=0`);
  await page.getByTestId('problem-1d').waitFor();
  assert.match(await text(page, 'problem-1d'), /zero/);
  await page.getByTestId('problem-2d').waitFor();
  assert.match(await text(page, 'notices'), /nu/);
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  await shot(page, 'transport-bad-input');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('dragging a Gaussian centre changes the closed-form W2', async () => {
  const page = await openPage(browser, `${server.base}#/transport`);
  await ready(page);
  const chart = page.getByTestId('chart-gaussians');
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  // m₂ = (3, 3) in the window x ∈ [−7, 9], y ∈ [−6, 8] with the chart's fixed margins.
  const left = box.x + 66, right = box.x + box.width - 10, top = box.y + 10, bottom = box.y + box.height - 44;
  const at = (x, y) => [left + (x + 7) / 16 * (right - left), top + (8 - y) / 14 * (bottom - top)];
  const [sx, sy] = at(3, 3);
  const [ex, ey] = at(0, 0);
  await page.mouse.move(sx, sy);
  await page.mouse.down();
  await page.mouse.move(ex, ey, { steps: 6 });
  await page.mouse.up();
  await waitFor(async () => (await text(page, 'w2-closed')) !== '4.3053');
  assert.ok((await number(page, 'w2-closed')) < 1.5, 'the centres are now close');
  assert.ok(Math.abs(Number(await page.getByTestId('param-m2x').inputValue())) < 0.6, 'm₂ followed the pointer');
  assert.deepEqual(page.errors, []);
  await page.close();
});
