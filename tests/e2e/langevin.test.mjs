// Langevin sampling and energy models: the three samplers move the same particles and the
// correct two approach the exact density while the slide's update settles nearer e^(−4E)/Z
// (the native run's numbers); a dragged well moves in the address and the run restarts on it;
// the energy model and JEM train and their exact held-out NLLs are on the page, JEM's far below
// the plain classifier's; bad addresses are named; a bookmarked address restores every control.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, text, number, canvasInfo, waitFor, runTo } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

async function ready(page) {
  await page.getByTestId('lesson-langevin').waitFor();
  await waitFor(async () => (await canvasInfo(page, 'chart-exact')).ink > 0.05, { timeout: 30000 });
}

const attr = async (page, id, name) => Number(await page.getByTestId(id).getAttribute(name));

test('the samplers, the energy model and JEM reach the native run\'s exact numbers', async () => {
  const page = await openPage(browser, `${server.base}#/langevin`);
  await ready(page);
  await runTo(page, 400);
  // Natively at 400 steps: KL 0.106 (Welling–Teh), 0.107 (MALA), 0.430 (slide; 0.208 to e^(−4E)/Z).
  const kl = (id) => attr(page, `${id}-numbers`, 'data-kl');
  assert.ok(await kl('lane-welling_teh') < 0.15);
  assert.ok(await kl('lane-mala') < 0.15);
  assert.ok(await kl('lane-slide') > 0.3);
  assert.match(await text(page, 'lane-slide-numbers'), /KL\(h ‖ e\^\(−4E\)\/Z\) 0[.,]2/);
  assert.match(await text(page, 'lane-mala-numbers'), /accepted 0[.,]99/);
  for (const id of ['chart-cold', 'lane-slide', 'lane-welling_teh', 'lane-mala']) {
    assert.ok((await canvasInfo(page, id)).ink > 0.05, id);
  }
  assert.match(await text(page, 'well-masses'), /^0[.,]38\d+ \(0[.,]54\d+\)/);
  await page.getByTestId('chart-kl').scrollIntoViewIfNeeded();
  await waitFor(async () => (await canvasInfo(page, 'chart-kl')).ink > 0.003);
  await page.screenshot({ path: 'test-output/screenshots/langevin-samplers.png', fullPage: false });
  // The energy model (natively 1.76) and JEM (2.12) against the plain classifier (4.49).
  await page.getByTestId('ebm').scrollIntoViewIfNeeded();
  await waitFor(async () => (await canvasInfo(page, 'chart-ebm')).ink > 0.05);
  assert.ok(await attr(page, 'ebm-numbers', 'data-nll') < 2.0);
  const clf = await attr(page, 'jem-clf-numbers', 'data-nll');
  const jem = await attr(page, 'jem-jem-numbers', 'data-nll');
  assert.ok(jem < clf - 1, `JEM ${jem} vs classifier ${clf}`);
  assert.match(await text(page, 'jem-jem-numbers'), /accuracy 1/);
  for (const id of ['jem-clf-regions', 'jem-jem-regions', 'jem-clf-density', 'jem-jem-density']) {
    await waitFor(async () => (await canvasInfo(page, id)).ink > 0.05);
  }
  await page.getByTestId('ebm').screenshot({ path: 'test-output/screenshots/langevin-ebm.png' });
  await page.getByTestId('jem').screenshot({ path: 'test-output/screenshots/langevin-jem.png' });
  assert.doesNotMatch(await page.textContent('main'), /NaN/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a dragged well moves in the address; a click starts the particles there', async () => {
  const page = await openPage(browser, `${server.base}#/langevin`);
  await ready(page);
  const box = await page.getByTestId('chart-exact').boundingBox();
  // The chart's plot area: 66 px from the left, 10 from the top and right, 44 from the bottom.
  const at = (x, y) => [box.x + 66 + (x + 4) / 8 * (box.width - 76), box.y + 10 + (4 - y) / 8 * (box.height - 54)];
  const [fx, fy] = at(-1.5, -1.0);
  const [tx, ty] = at(-2.5, 2.5);
  await page.mouse.move(fx, fy);
  await page.mouse.down();
  await page.mouse.move(tx, ty, { steps: 5 });
  await page.mouse.up();
  await waitFor(async () => /wells=-2[.,]\d+%2C2[.,]\d+|wells=-2\.\d+,2\.\d+/.test(decodeURIComponent(page.url())) || decodeURIComponent(page.url()).includes('wells=-2.'));
  const wells = decodeURIComponent(page.url()).match(/wells=([^&]*)/)[1];
  const [x, y] = wells.split(';')[0].split(',').map(Number);
  assert.ok(Math.abs(x + 2.5) < 0.15 && Math.abs(y - 2.5) < 0.15, wells);
  assert.match(await page.getByTestId('wells-input').inputValue(), /^-2[.]\d+,2[.]\d+,0[.]5,1;/);
  // Shift-drag from the second well (1.5, −0.5) by 1.2: its σ becomes 1.2.
  const [sx, sy] = at(1.5, -0.5);
  const [ex, ey] = at(2.7, -0.5);
  await page.keyboard.down('Shift');
  await page.mouse.move(sx, sy);
  await page.mouse.down();
  await page.mouse.move(ex, ey, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await waitFor(async () => {
    const w = (await page.getByTestId('wells-input').inputValue()).split(';')[1].split(',').map(Number);
    return Math.abs(w[2] - 1.2) < 0.1 && w[0] === 1.5;
  });
  // A click away from the wells: every particle starts there.
  const [cx, cy] = at(2.5, 2.5);
  await page.mouse.click(cx, cy);
  await waitFor(async () => page.url().includes('start=point'));
  assert.ok(Math.abs(await page.getByTestId('param-start_x').inputValue() - 2.5) < 0.15);
  await runTo(page, 60);
  assert.ok((await canvasInfo(page, 'lane-mala')).ink > 0.05);
  // Another landscape and the step on the schedule, switched from the settings.
  await page.getByTestId('param-landscape').selectOption('banana');
  await waitFor(async () => page.url().includes('landscape=banana'));
  await page.getByTestId('param-schedule').check();
  await waitFor(async () => page.url().includes('schedule=1'));
  await runTo(page, 40);
  assert.match(await text(page, 'lambda'), /^0[.,]0\d+$/);
  await page.screenshot({ path: 'test-output/screenshots/langevin-banana.png', fullPage: false });
  // Points clicked on the energy model's picture replace its toy set.
  await page.getByTestId('ebm').scrollIntoViewIfNeeded();
  const ebox = await page.getByTestId('chart-ebm').boundingBox();
  for (const [fx, fy] of [[0.3, 0.3], [0.32, 0.35], [0.6, 0.6], [0.62, 0.58], [0.45, 0.5]]) {
    await page.mouse.click(ebox.x + 66 + fx * (ebox.width - 76), ebox.y + 10 + fy * (ebox.height - 54));
    await page.waitForTimeout(150);
  }
  await waitFor(async () => /\(5 \/ 100\)/.test(await text(page, 'ebm-points-count')));
  assert.match(decodeURIComponent(page.url()), /ebm_points=[^&]*;[^&]*;[^&]*;[^&]*;/);
  await runTo(page, 30);
  assert.ok(Number.isFinite(await attr(page, 'ebm-numbers', 'data-nll')));
  await page.getByTestId('ebm-clear').click();
  await waitFor(async () => /\(0 \/ 100\)/.test(await text(page, 'ebm-points-count')));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('bad addresses are named, a blown-up step pauses, and a bookmarked address restores every control', async () => {
  const bad = await openPage(browser, `${server.base}#/langevin?wells=9,0,0.5,1;x&particles=99999`);
  await ready(bad);
  const notices = await text(bad, 'notices');
  for (const key of ['wells', 'particles']) assert.match(notices, new RegExp(key));
  await bad.close();
  const blow = await openPage(browser, `${server.base}#/langevin?step_lambda=2`);
  await ready(blow);
  await blow.getByTestId('play-toggle').click();
  await waitFor(async () => (await blow.getByTestId('diverged').count()) > 0, { timeout: 30000 });
  assert.match(await text(blow, 'diverged'), /step size 2/);
  await blow.close();

  const q = 'seed=4&landscape=ring&particles=300&start=point&start_x=1&start_y=-1&step_lambda=0.01&schedule=1&sched_a=0.2'
    + '&sched_b=20&gamma=0.7&ebm_data=moons&ebm_hidden=16&ebm_lr=0.002&sgld_steps=10&sgld_lambda=0.03&rho=0.1'
    + '&jem_data=rings&jem_hidden=24&jem_lr=0.004&wells=0,0,0.5,1';
  const page = await openPage(browser, `${server.base}#/langevin?${q}`);
  await ready(page);
  const want = { seed: '4', landscape: 'ring', particles: '300', start: 'point', start_x: '1', start_y: '-1', step_lambda: '0.01',
    sched_a: '0.2', sched_b: '20', gamma: '0.7', ebm_data: 'moons', ebm_hidden: '16', ebm_lr: '0.002', sgld_steps: '10',
    sgld_lambda: '0.03', rho: '0.1', jem_data: 'rings', jem_hidden: '24', jem_lr: '0.004' };
  const check = async () => {
    for (const [k, v] of Object.entries(want)) assert.equal(await page.getByTestId(`param-${k}`).inputValue(), v, k);
    assert.ok(await page.getByTestId('param-schedule').isChecked());
    assert.equal(await page.getByTestId('wells-input').inputValue(), '0,0,0.5,1');
  };
  await check();
  assert.equal(await page.getByTestId('notices').count(), 0);
  await page.reload();
  await ready(page);
  await check();
  assert.deepEqual(page.errors, []);
  await page.close();
});
