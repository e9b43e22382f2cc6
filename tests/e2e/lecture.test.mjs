// Lecture mode (issue 23): a built-in lecture stepped through with a clicker's keys, each scene's
// lesson, settings and step checked against the lecture file the command line prints; a presenter
// window and a projector window in one browser, the presenter driving the projector; an authored
// lecture through a file and a link; damaged, edited and foreign files refused; broken scenes
// shown as broken; no main-thread long task while a scene runs to its step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, openPage, text, number, waitFor, shot, assertNoLongTasks } from './harness.mjs';

const CLI = 'target/debug/genlab-cli';
let server, browser, lecture002;
before(async () => {
  // The lecture as the core defines it, from the native stage's command line.
  execFileSync('cargo', ['test', '--locked', '--no-run', '-q'], { stdio: 'inherit' });
  lecture002 = JSON.parse(execFileSync(CLI, ['lecture', 'show', '002'], { encoding: 'utf8' })).lecture;
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); server?.stop(); });

const hashOf = (page) => page.evaluate(() => decodeURIComponent(location.hash));

/// Opens the lectures page and imports `lecture` (written as by hand, sealed by the command line).
async function importSealed(lecture) {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-lecture-'));
  const body = join(dir, 'body.json');
  writeFileSync(body, JSON.stringify(lecture));
  const file = join(dir, 'lecture.json');
  writeFileSync(file, execFileSync(CLI, ['lecture', 'seal', body], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const page = await openPage(browser, `${server.base}#/lecture?lang=en`);
  await page.getByTestId('import-lecture').setInputFiles(file);
  await page.getByTestId('lecture-added').waitFor();
  return page;
}

async function sceneReady(page, n) {
  await waitFor(async () => (await page.getByTestId('lecture-bar').getAttribute('data-scene')) === String(n), { timeout: 20000 });
  await waitFor(async () => (await page.getByTestId('scene-status').getAttribute('data-state')) === 'ready', { timeout: 60000 });
}

/// The page shows scene `n` of `lecture`: its lesson, every setting it names, its step, its panel.
async function checkScene(page, lecture, n) {
  const s = lecture.scenes[n];
  await sceneReady(page, n);
  const hash = await hashOf(page);
  assert.ok(hash.startsWith(`#/${s.lesson}?`), `scene ${n + 1}: ${hash}`);
  for (const pair of s.settings.split('&')) {
    assert.ok(hash.includes(`?${pair}&`) || hash.includes(`&${pair}&`), `scene ${n + 1} keeps ${pair}: ${hash}`);
  }
  assert.ok(hash.includes(`lecture=002&scene=${n}`), hash);
  await page.getByTestId(`lesson-${s.lesson}`).waitFor();
  await waitFor(async () => (await number(page, 'step-counter')) === s.step, { timeout: 20000 });
  assert.equal(await text(page, 'scene-title'), s.title);
  assert.equal(await text(page, 'scene-number'), `${n + 1} / ${lecture.scenes.length}`);
  if (s.focus) {
    await waitFor(async () => (await page.locator('.scene-focus').count()) === 1, { timeout: 10000 });
    assert.equal(await page.locator('.scene-focus').getAttribute('data-testid'), s.focus, `scene ${n + 1}`);
  }
}

test('a built-in lecture steps with PageDown and PageUp; each scene is its lesson, settings and step', async () => {
  const page = await openPage(browser, `${server.base}#/lecture`);
  await page.getByTestId('lectures').waitFor();
  assert.equal(await page.locator('[data-testid^="present-"]').count(), 5, 'one lecture per deck');
  await page.getByTestId('present-002').click();
  const n = lecture002.scenes.length;
  for (let i = 0; i < n; i++) {
    await checkScene(page, lecture002, i);
    if (i === 3) await shot(page, 'lecture-scene-4');
    if (i + 1 < n) await page.keyboard.press('PageDown');
    // Scenes 5 and 6 share their settings and step: the same run goes on, never back to step 0.
    if (i === 4) {
      assert.equal(lecture002.scenes[5].settings, lecture002.scenes[4].settings);
      const seen = new Set();
      await waitFor(async () => {
        seen.add(`${await page.getByTestId('scene-status').getAttribute('data-state')}@${await number(page, 'step-counter')}`);
        return (await page.getByTestId('lecture-bar').getAttribute('data-scene')) === '5';
      }, { every: 10 });
      assert.deepEqual([...seen], [`ready@${lecture002.scenes[4].step}`]);
    }
  }
  // The last scene stays the last; PageUp and ← go back, → forward (outside inputs).
  await page.keyboard.press('PageDown');
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId('lecture-bar').getAttribute('data-scene'), String(n - 1));
  await page.keyboard.press('PageUp');
  await checkScene(page, lecture002, n - 2);
  await page.keyboard.press('ArrowLeft');
  await checkScene(page, lecture002, n - 3);
  await page.keyboard.press('ArrowRight');
  await checkScene(page, lecture002, n - 2);
  // The address holds the lecture and the scene: a reload shows the same scene, run to its step.
  await page.reload();
  await checkScene(page, lecture002, n - 2);
  // The projector view: charts, no header, no settings, the projector palette, the lecture's language.
  assert.equal(await page.locator('header.top').isVisible(), false);
  assert.equal(await page.locator('.settings').first().isVisible(), false);
  assert.ok(await page.evaluate(() => document.body.classList.contains('projector')));
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  // B (or ".", as clickers send) blanks the screen and shows it again; Esc leaves lecture mode
  // and keeps the lesson.
  await page.keyboard.press('b');
  assert.ok(await page.getByTestId('blank').isVisible());
  await page.keyboard.press('.');
  assert.ok(!(await page.getByTestId('blank').isVisible()));
  await page.keyboard.press('.');
  assert.ok(await page.getByTestId('blank').isVisible());
  await page.keyboard.press('B');
  assert.ok(!(await page.getByTestId('blank').isVisible()));
  await page.keyboard.press('Escape');
  await waitFor(async () => (await page.getByTestId('lecture-bar').count()) === 0);
  assert.ok(!(await hashOf(page)).includes('lecture='));
  assert.ok(await page.locator('header.top').isVisible());
  assert.deepEqual(page.errors, []);
});

test('a scene runs to its step in the worker: "preparing… n / N", no main-thread long task', async () => {
  const t0 = Date.now();
  const page = await importSealed({
    title: 'Long run', lang: 'en',
    scenes: [
      { title: 'start', lesson: 'rbm', settings: 'seed=1&compare=1', step: 0 },
      { title: 'far', lesson: 'rbm', settings: 'seed=1&compare=1', step: 20000, focus: 'weight-table' },
    ],
  });
  await page.getByTestId('my-present').click();
  await sceneReady(page, 0);
  // Every training method side by side, about 2,000 steps/s in the worker: the run to the step
  // outlasts both windows. The window opens once the scene is preparing: what is measured is the
  // run to the step.
  await page.keyboard.press('PageDown');
  await waitFor(async () => (await page.getByTestId('scene-status').getAttribute('data-state')) === 'preparing', { timeout: 10000 });
  const status = await text(page, 'scene-status');
  await assertNoLongTasks(page, 'lecture: a scene runs to 20,000 steps', { ms: 3000 });
  assert.equal(await page.getByTestId('scene-status').getAttribute('data-state'), 'preparing', 'the window measured the run to the step');
  await shot(page, 'lecture-preparing');
  assert.match(status, /preparing… [\d,]+ \/ 20,000 steps/, status);
  await waitFor(async () => (await page.getByTestId('scene-status').getAttribute('data-state')) === 'ready', { timeout: 120000 });
  assert.equal(await number(page, 'step-counter'), 20000);
  console.log(`# lecture: 20,000 steps prepared in ${((Date.now() - t0) / 1000).toFixed(1)} s (with the import)`);
  assert.deepEqual(page.errors, []);
});

/// A page in `ctx` that records errors, like the harness's.
async function openIn(ctx, url) {
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(url);
  return page;
}

test('the presenter window drives the projector window in the same browser', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  const scene = 3;
  const projector = await openIn(ctx, `${server.base}#/lecture`);
  await projector.getByTestId('present-002').click();
  await sceneReady(projector, 0);
  for (let i = 0; i < scene; i++) await projector.keyboard.press('PageDown');
  await sceneReady(projector, scene);
  const presenter = await openIn(ctx, `${server.base}#/presenter`);
  await presenter.getByTestId('presenter').waitFor();
  await waitFor(async () => (await presenter.getByTestId('presenter-title').count()) === 1, { timeout: 10000 });
  assert.equal(await text(presenter, 'presenter-title'), lecture002.scenes[scene].title);
  assert.equal(await text(presenter, 'presenter-note'), lecture002.scenes[scene].note);
  assert.match(await text(presenter, 'presenter-next-scene'), new RegExp(lecture002.scenes[scene + 1].title.replace(/[()]/g, '.')));
  assert.match(await text(presenter, 'presenter-clock'), /^\d\d:\d\d$/);
  // The lesson's own controls, mirrored: the step the projector reached.
  await presenter.getByTestId('presenter-controls').waitFor();
  assert.equal(await presenter.getByTestId('presenter-controls').getAttribute('data-lesson'), 'rbm');
  await waitFor(async () => (await number(presenter, 'step-counter')) === lecture002.scenes[scene].step);
  // A setting moved in the presenter moves on the projector (and stays moved in the presenter).
  await presenter.getByTestId('param-lr').fill('0.05');
  await presenter.getByTestId('param-lr').press('Enter');
  await waitFor(async () => (await hashOf(projector)).includes('lr=0.05&'), { timeout: 10000 });
  await presenter.waitForTimeout(500);
  assert.equal(await presenter.getByTestId('param-lr').inputValue(), '0.05');
  // Play in the presenter plays the projector.
  await presenter.getByTestId('play-toggle').click();
  await waitFor(async () => (await number(projector, 'step-counter')) > lecture002.scenes[scene].step, { timeout: 10000 });
  await presenter.getByTestId('play-toggle').click();
  // Next in the presenter: the projector goes to the next scene, and the presenter follows.
  await presenter.getByTestId('presenter-next').click();
  await checkScene(projector, lecture002, scene + 1);
  await waitFor(async () => (await text(presenter, 'presenter-number')) === `${scene + 2} / ${lecture002.scenes.length}`);
  // PageDown pressed in the presenter moves the projector too; B there blanks the projector.
  await presenter.keyboard.press('PageDown');
  await checkScene(projector, lecture002, scene + 2);
  await presenter.getByTestId('presenter-blank').click();
  await waitFor(async () => projector.getByTestId('blank').isVisible());
  await presenter.getByTestId('presenter-blank').click();
  await waitFor(async () => !(await projector.getByTestId('blank').isVisible()));
  // A scene chosen in the list.
  await presenter.locator('.presenter-scenes button').nth(1).click();
  await checkScene(projector, lecture002, 1);
  await shot(presenter, 'lecture-presenter');
  // The projector leaves lecture mode: the presenter says so.
  await projector.keyboard.press('Escape');
  await presenter.getByTestId('presenter-waiting').waitFor();
  assert.deepEqual([...projector.errors, ...presenter.errors], []);
  await ctx.close();
});

test('an authored lecture: add states from lessons, edit, export, import, share as a link', async () => {
  const page = await openPage(browser, `${server.base}#/rbm?seed=4&hidden=3`);
  await page.getByTestId('lesson-rbm').waitFor();
  await page.getByTestId('run-to-input').fill('300');
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === 300);
  // The theory panel is open: the scene will open it too.
  await page.getByTestId('theory').locator('summary').click();
  await page.getByTestId('add-scene').locator('summary').click();
  await page.getByTestId('add-scene-title').fill('Three hidden units');
  await page.getByTestId('add-scene-go').click();
  assert.match(await text(page, 'add-scene-done'), /scene 1 of/);
  await page.goto(`${server.base}#/transport?seed=2&p=2`);
  await page.getByTestId('lesson-transport').waitFor();
  await page.getByTestId('add-scene').locator('summary').click();
  await page.getByTestId('add-scene-go').click();
  assert.match(await text(page, 'add-scene-done'), /scene 2 of/);

  await page.goto(`${server.base}#/lecture`);
  const mine = page.locator('[data-testid^="my-my-"]');
  await mine.first().waitFor();
  assert.equal(await mine.count(), 1);
  const rows = mine.getByTestId('my-scene');
  assert.equal(await rows.count(), 2);
  assert.equal(await rows.nth(0).getByTestId('my-scene-title').inputValue(), 'Three hidden units');
  assert.equal(await rows.nth(0).getByTestId('my-scene-step').inputValue(), '300');
  // Rename, note, an out-of-range step (named), reorder.
  await mine.getByTestId('my-title').fill('Transport then RBM');
  await mine.getByTestId('my-title').press('Enter');
  await rows.nth(1).getByTestId('my-scene-note').fill('W2 between two Gaussians');
  await rows.nth(1).getByTestId('my-scene-note').blur();
  await rows.nth(1).getByTestId('my-scene-step').fill('5000000');
  await rows.nth(1).getByTestId('my-scene-step').press('Enter');
  assert.match(await text(page, 'my-step-clamped'), /5000000.*1000000/);
  await rows.nth(1).getByTestId('my-scene-up').click();
  await waitFor(async () => (await rows.nth(0).getByTestId('my-scene-note').inputValue()) === 'W2 between two Gaussians');
  assert.equal(await rows.nth(0).getByTestId('my-scene-step').inputValue(), '1000000');
  await rows.nth(0).getByTestId('my-scene-step').fill('0');
  await rows.nth(0).getByTestId('my-scene-step').press('Enter');
  // The slide and the panel shown; a panel name that is not one is refused, not saved.
  await rows.nth(0).getByTestId('my-scene-slide').fill('Mniej trywialny przykład');
  await rows.nth(0).getByTestId('my-scene-slide').press('Enter');
  await rows.nth(0).getByTestId('my-scene-panel').fill('no such panel!');
  await rows.nth(0).getByTestId('my-scene-panel').press('Enter');
  await page.getByTestId('lecture-not-saved').waitFor();
  assert.match(await text(page, 'lecture-not-saved'), /scene 1: .*not the name of a panel/);
  await rows.nth(0).getByTestId('my-scene-panel').fill('w2-closed');
  await rows.nth(0).getByTestId('my-scene-panel').press('Enter');
  await waitFor(async () => (await page.getByTestId('lecture-not-saved').count()) === 0);
  await shot(page, 'lecture-authoring');

  // Export → delete → import: the same lecture comes back.
  const [download] = await Promise.all([page.waitForEvent('download'), mine.getByTestId('my-export').click()]);
  const exported = readFileSync(await download.path(), 'utf8');
  const lecture = JSON.parse(exported).lecture;
  assert.equal(lecture.title, 'Transport then RBM');
  assert.deepEqual(lecture.scenes.map((s) => [s.lesson, s.step, s.note]), [['transport', 0, 'W2 between two Gaussians'], ['rbm', 300, '']]);
  assert.deepEqual(lecture.scenes.map((s) => [s.slide, s.focus]), [['Mniej trywialny przykład', 'w2-closed'], ['', 'theory']]);
  assert.ok(lecture.scenes[1].settings.includes('seed=4') && lecture.scenes[1].settings.includes('hidden=3'));
  // Share as a link, before deleting.
  await mine.getByTestId('my-share').click();
  const link = await page.getByTestId('my-link').inputValue();
  assert.match(link, /#\/lecture\?share=[A-Za-z0-9_-]+$/);
  await mine.getByTestId('my-delete').click();
  await mine.getByTestId('my-delete').click();
  await page.getByTestId('no-lectures').waitFor();
  const dir = mkdtempSync(join(tmpdir(), 'genlab-lecture-'));
  const file = join(dir, 'lecture.json');
  writeFileSync(file, exported);
  await page.getByTestId('import-lecture').setInputFiles(file);
  await page.getByTestId('lecture-added').waitFor();
  assert.equal(await page.locator('[data-testid^="my-my-"]').count(), 1);
  assert.equal(await page.locator('[data-testid^="my-my-"]').getByTestId('my-title').inputValue(), 'Transport then RBM');
  // Damaged, hand-edited and foreign files are refused, and change nothing.
  const refused = async (name, content, pattern) => {
    const f = join(dir, name);
    writeFileSync(f, content);
    await page.getByTestId('import-lecture').setInputFiles(f);
    await waitFor(async () => (await page.getByTestId('lecture-refused').count()) === 1);
    assert.match(await text(page, 'lecture-refused'), pattern, name);
    assert.equal(await page.locator('[data-testid^="my-my-"]').count(), 1, name);
    assert.equal(await page.locator('[data-testid^="my-my-"]').getByTestId('my-scene').count(), 2, name);
  };
  await refused('cut.json', exported.slice(0, exported.length / 2), /not JSON/);
  await refused('edited.json', exported.replace('"step": 300', '"step": 301'), /checksum/);
  await refused('run.json', JSON.stringify({ format: 'genlab-run', version: 1 }), /"genlab-run" file/);
  await refused('newer.json', exported.replace('"version": 1', '"version": 7'), /newer genlab/);

  // The link, opened in a fresh browser profile, brings the lecture; opened again, adds nothing.
  const profile = await browser.newContext();
  const other = await profile.newPage();
  await other.goto(link);
  await other.getByTestId('lecture-added').waitFor();
  assert.match(await text(other, 'lecture-added'), /Transport then RBM/);
  assert.ok(!(await hashOf(other)).includes('share='), 'the address forgets the link once taken');
  // Each later link opens in a new tab of the same profile, as a person opens a link: going to
  // it in an open tab only changes the hash, the page takes the link at once, and a reload
  // racing that could find the address already without it.
  const again = await profile.newPage();
  await again.goto(link);
  await again.getByTestId('lecture-added').waitFor();
  assert.match(await text(again, 'lecture-added'), /already among your lectures/);
  assert.equal(await again.locator('[data-testid^="my-my-"]').count(), 1);
  await again.locator('[data-testid^="my-my-"]').getByTestId('my-present').click();
  await waitFor(async () => (await hashOf(again)).startsWith('#/transport?'));
  await sceneReady(again, 0);
  // A cut link is refused with a message.
  const cut = await profile.newPage();
  await cut.goto(link.slice(0, link.length - 40));
  await cut.getByTestId('lecture-refused').waitFor();
  await profile.close();
  assert.deepEqual(page.errors, []);
});

test('a scene whose lesson or settings are gone is shown as broken, not skipped', async () => {
  const page = await importSealed({
    title: 'Old lecture', lang: 'pl',
    scenes: [
      { title: 'fine', lesson: 'gan', settings: 'seed=1', step: 10 },
      { title: 'lesson gone', lesson: 'quantum', settings: 'seed=1' },
      { title: 'setting gone', lesson: 'gan', settings: 'seed=1&warp=3', step: 5 },
    ],
  });
  const card = page.locator('[data-testid^="my-my-"]');
  assert.equal(await card.getByTestId('my-scene').count(), 3);
  assert.equal(await card.getByTestId('scene-broken').count(), 2);
  assert.match(await card.getByTestId('scene-broken').first().textContent(), /quantum/);
  await card.getByTestId('my-present').click();
  await sceneReady(page, 0);
  await page.keyboard.press('PageDown');
  await waitFor(async () => (await page.getByTestId('lecture-bar').getAttribute('data-scene')) === '1');
  assert.equal(await page.getByTestId('scene-status').getAttribute('data-state'), 'broken');
  // The lecture is in Polish: the page speaks it.
  assert.match(await text(page, 'scene-status'), /quantum/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'pl');
  await shot(page, 'lecture-broken-scene');
  await page.keyboard.press('PageDown');
  await waitFor(async () => (await page.getByTestId('lecture-bar').getAttribute('data-scene')) === '2');
  assert.equal(await page.getByTestId('scene-status').getAttribute('data-state'), 'broken');
  assert.match(await text(page, 'scene-status'), /warp/);
  // The lesson still runs, and names the setting it ignored.
  await page.getByTestId('lesson-gan').waitFor();
  assert.match(await text(page, 'notices'), /warp/);
  assert.deepEqual(page.errors, []);
});

test('bad lecture addresses are named and nothing breaks', async () => {
  let page = await openPage(browser, `${server.base}#/gan?seed=1&lecture=nosuch&scene=2`);
  await page.getByTestId('lecture-bar').waitFor();
  assert.equal(await page.getByTestId('scene-status').getAttribute('data-state'), 'error');
  assert.match(await text(page, 'scene-status'), /nosuch/);
  await page.getByTestId('lesson-gan').waitFor();
  // (A fresh page each time: the app rewrites its address without the keys it refused.)
  page = await openPage(browser, `${server.base}#/gan?seed=1&lecture=%3Cb%3E&scene=x`);
  await page.getByTestId('address-notices').waitFor();
  const notices = await text(page, 'address-notices');
  assert.match(notices, /<b>/);
  assert.match(notices, /“x” is not a scene number/);
  assert.equal(await page.getByTestId('lecture-bar').count(), 0);
  // A scene past the end shows the last one's neighbours disabled, not a crash.
  page = await openPage(browser, `${server.base}#/gan?seed=1&lecture=002&scene=150`);
  await page.getByTestId('lecture-bar').waitFor();
  assert.equal(await page.getByTestId('scene-status').getAttribute('data-state'), 'none');
  assert.match(await text(page, 'scene-status'), /no scene 151: it has 10/);
  assert.deepEqual(page.errors, []);
});
