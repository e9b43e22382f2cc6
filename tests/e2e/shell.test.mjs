// The app shell: landing page, one route per lesson, projector mode, bad addresses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, shot, waitFor, lessonsFromLanding } from './harness.mjs';

const server = await startServer();
const browser = await launch();
after(async () => { await browser?.close(); server?.stop(); });
// The lessons as the landing page lists them (from the registry): no list to keep in step here.
const listed = await lessonsFromLanding(browser, server.base);
const LESSONS = listed.map((l) => l.key);
const BUILT = listed.filter((l) => l.built).map((l) => l.key);

test('landing page lists every lesson with a description', async () => {
  const page = await openPage(browser, server.base);
  await page.getByTestId('landing').waitFor();
  assert.ok(LESSONS.length >= 9 && BUILT.length >= 5, `${LESSONS} / ${BUILT}`);
  for (const l of LESSONS) {
    const card = page.getByTestId(`card-${l}`);
    assert.equal(await card.count(), 1, l);
    const words = (await card.textContent()).trim().split(/\s+/).length;
    assert.ok(words > 6, `${l} card has a description`);
  }
  await shot(page, 'landing');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('every lesson route exists; unbuilt ones say so plainly', async () => {
  const page = await openPage(browser, server.base);
  for (const l of LESSONS) {
    await page.goto(`${server.base}#/${l}`);
    await page.getByTestId(`lesson-${l}`).waitFor();
    const notBuilt = await page.getByTestId('not-built').count();
    assert.equal(notBuilt, BUILT.includes(l) ? 0 : 1, l);
  }
  await shot(page, 'unbuilt-lesson');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an unknown route falls back to the lesson list with a message', async () => {
  const page = await openPage(browser, `${server.base}#/no-such-lesson?x=%%%`);
  await page.getByTestId('landing').waitFor();
  assert.match(await page.textContent('main'), /no lesson at this address/);
  await page.close();
});

test('projector mode enlarges the page and lives in the URL', async () => {
  const page = await openPage(browser, `${server.base}#/gan`);
  await page.getByTestId('lesson-gan').waitFor();
  const small = await page.evaluate(() => getComputedStyle(document.body).fontSize);
  await page.getByTestId('projector').check();
  await waitFor(async () => page.url().includes('projector=1'));
  const big = await page.evaluate(() => getComputedStyle(document.body).fontSize);
  assert.ok(parseFloat(big) > parseFloat(small) * 1.3, `${small} → ${big}`);
  // Reload: still on.
  await page.reload();
  await page.getByTestId('lesson-gan').waitFor();
  assert.equal(await page.getByTestId('projector').isChecked(), true);
  await page.waitForTimeout(800);
  await shot(page, 'gan-projector');
  await page.close();
});

test('switching between lessons while they train leaves no error behind', async () => {
  const page = await openPage(browser, `${server.base}#/gan`);
  for (let round = 0; round < 3; round++) {
    for (const l of BUILT) {
      await page.goto(`${server.base}#/${l}`);
      try {
        await page.getByTestId(`lesson-${l}`).waitFor();
        await waitFor(async () => !(await page.getByTestId('play-toggle').isDisabled()));
      } catch (e) {
        // Say where it stuck and what the page reported (a panic stops every later render).
        await shot(page, `switching-stuck-${l}`);
        throw new Error(`round ${round}, ${l}: ${e.message.split('\n')[0]}; page errors ${JSON.stringify(page.errors)}; at ${page.url()}`);
      }
      await page.getByTestId('play-toggle').click();
      await page.waitForTimeout(300);
    }
    await page.goto(`${server.base}#/`);
    await page.getByTestId('landing').waitFor();
  }
  await page.waitForTimeout(500);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the language switch: Polish and Russian, kept in the address, with decimal commas', async () => {
  const page = await openPage(browser, `${server.base}#/transport`);
  await page.getByTestId('lesson-transport').waitFor();
  await waitFor(async () => (await page.getByTestId('w2-closed').textContent()).trim() === '4.3053');
  await page.getByTestId('lang').selectOption('pl');
  await waitFor(async () => page.url().includes('lang=pl'));
  assert.match(await page.textContent('header'), /Ograniczona Maszyna Boltzmanna/);
  assert.match(await page.textContent('main'), /Odległość Wassersteina/);
  assert.equal((await page.getByTestId('w2-closed').textContent()).trim(), '4,3053', 'decimal comma');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'pl');
  await page.reload();
  await page.getByTestId('lesson-transport').waitFor();
  await waitFor(async () => (await page.getByTestId('w2-closed').textContent()).trim() === '4,3053');
  assert.match(await page.textContent('header'), /Ograniczona Maszyna Boltzmanna/);
  // A value out of range in the address: the notice speaks Polish too.
  await page.goto(`${server.base}#/gan?lang=pl&lr_g=99`);
  await page.getByTestId('notices').waitFor();
  assert.match(await page.getByTestId('notices').textContent(), /lr_g: 99 jest poza zakresem, użyto/);
  await page.getByTestId('lang').selectOption('ru');
  await waitFor(async () => page.url().includes('lang=ru'));
  assert.match(await page.getByTestId('notices').textContent(), /lr_g: 99 вне допустимого диапазона/);
  assert.match(await page.textContent('header'), /Ограниченная машина Больцмана/);
  // Messages composed by the model code speak the reader's language too.
  await page.goto(`${server.base}#/transport?lang=ru&mu=0,0&nu=1,-1&xs=`);
  await page.getByTestId('problem-1d').waitFor();
  assert.match(await page.getByTestId('problem-1d').textContent(), /общая масса равна нулю/);
  assert.match(await page.getByTestId('notices').textContent(), /отрицательные или нечисловые массы заменены на 0/);
  await page.getByTestId('lang').selectOption('pl');
  await waitFor(async () => /całkowita masa wynosi zero/.test(await page.getByTestId('problem-1d').textContent()));
  await page.getByTestId('lang').selectOption('ru');
  await page.goto(`${server.base}#/vae?lang=ru`);
  await page.getByTestId('lesson-vae').waitFor();
  assert.match(await page.textContent('main'), /Вариационный автокодировщик/);
  await waitFor(async () => /,/.test(await page.getByTestId('neg-elbo').textContent()), { timeout: 30000 });
  await shot(page, 'vae-russian');
  // No raw catalog key anywhere on the page.
  assert.doesNotMatch(await page.textContent('body'), /\b(vae|ot|gan|rbm|param|choice|status|app|msg|notice|chart)\.[a-z_]+\.?[a-z_]*\b/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('after the first visit the app works with the server stopped, under a strict CSP', async () => {
  const own = await startServer();
  const page = await openPage(browser, `${own.base}#/gan`);
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text()); });
  await page.getByTestId('lesson-gan').waitFor();
  const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content);
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /https?:|\*|(^|\s)'unsafe-eval'/, csp);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await waitFor(() => page.evaluate(() => !!navigator.serviceWorker.controller));
  own.stop();
  await page.waitForTimeout(300);
  await page.reload();
  await page.getByTestId('lesson-gan').waitFor();
  await waitFor(async () => !(await page.getByTestId('play-toggle').isDisabled()));
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => Number((await page.getByTestId('step-counter').textContent()).trim()) > 50);
  // The VAE's digits come from the cache as well.
  await page.goto(`${own.base}#/vae`);
  await page.getByTestId('lesson-vae').waitFor();
  await waitFor(async () => (await page.getByTestId('neg-elbo').textContent()).trim() !== '—', { timeout: 30000 });
  await shot(page, 'offline-vae');
  assert.deepEqual(violations, []);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('embed mode shows one lesson, its charts and the chosen controls, no chrome', async () => {
  const page = await openPage(browser, `${server.base}#/gan?embed=lr_g,d_steps&seed=2`, { width: 1000, height: 700 });
  await page.getByTestId('lesson-gan').waitFor();
  assert.equal(await page.locator('header.top').isVisible(), false);
  assert.equal(await page.locator('footer').isVisible(), false);
  assert.equal(await page.locator('.explain').isVisible(), false);
  const shown = await page.locator('.settings .param').count();
  assert.equal(shown, 2, 'only the two chosen controls');
  assert.ok(await page.getByTestId('param-lr_g').isVisible());
  await page.getByTestId('play-toggle').click();
  await waitFor(async () => Number((await page.getByTestId('step-counter').textContent()).trim()) > 50);
  await page.waitForTimeout(300);
  await page.getByTestId('play-toggle').click();
  assert.ok(page.url().includes('embed=lr_g,d_steps') || page.url().includes('embed=lr_g%2Cd_steps'), page.url());
  await shot(page, 'gan-embed');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the GAN theory panel shows the run\'s current V(D, G)', async () => {
  // Every lesson's panel opening with formulas: lessons.test.mjs.
  const page = await openPage(browser, `${server.base}#/gan`);
  // GAN: the panel's V(D, G) is the readout's, and follows training.
  await page.goto(`${server.base}#/gan?speed=0`);
  await page.getByTestId('lesson-gan').waitFor();
  await page.getByTestId('theory').locator('summary').click();
  await page.getByTestId('run-to-input').fill('200');
  await page.getByTestId('run-to').click();
  await waitFor(async () => Number((await page.getByTestId('step-counter').textContent()).trim()) === 200, { timeout: 30000 });
  await page.waitForTimeout(300);
  const readout = (await page.getByTestId('game-value').textContent()).trim().split(' ')[0];
  assert.equal((await page.locator('[data-testid=theory-value]').textContent()).trim(), readout);
  await shot(page, 'gan-theory');
  // Another lesson from the menu: its theory panel starts folded (it was left open, with none
  // of its formulas, when the page swap rebuilt the panel in place), and opens with its own.
  await page.evaluate(() => { location.hash = '#/rbm'; });
  await page.getByTestId('lesson-rbm').waitFor();
  const theory = page.getByTestId('theory');
  await waitFor(async () => !(await theory.evaluate((e) => e.open)));
  await theory.locator('summary').click();
  await waitFor(async () => (await theory.locator('.formulas math').count()) > 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});
