// What every built lesson must do, for each lesson the landing page lists as ready — the list is
// read from the page, not written here, so a new lesson is covered the day it is registered:
// it opens, Tab reaches every control, it has a theory panel with formulas, it plays and its
// numbers and pictures change, its "All metrics" panel names every metric, and 10 s of training at full speed leave no main-thread task over
// 50 ms (a lone one earns a second window that must be clean — harness.mjs assertNoLongTasks).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launch, openPage, shot, number, waitFor, lessonReady, unreachedByTab,
  assertNoLongTasks, lessonsFromLanding,
} from './harness.mjs';

const server = await startServer();
const browser = await launch();
after(async () => { await browser?.close(); server?.stop(); });

const lessons = await lessonsFromLanding(browser, server.base);

test('the landing page lists built lessons first, then planned ones', () => {
  assert.ok(lessons.filter((l) => l.built).length >= 5, JSON.stringify(lessons));
  const firstPlanned = lessons.findIndex((l) => !l.built);
  assert.ok(firstPlanned === -1 || lessons.slice(firstPlanned).every((l) => !l.built), JSON.stringify(lessons));
});

/// Every canvas's pixel fingerprint, by test id.
async function canvasHashes(page) {
  return page.locator('canvas[data-testid]').evaluateAll((cs) => Object.fromEntries(cs.map((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let hash = 0;
    for (let i = 0; i < data.length; i += 16) hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) >>> 0;
    return [c.dataset.testid, hash];
  })));
}

for (const { key, built } of lessons) {
  test(`${key}: opens, Tab reaches every control, theory panel, plays and changes, no long task`, async () => {
    const page = await openPage(browser, `${server.base}#/${key}`);
    // Closed even when a check fails: a page left training would slow the next lessons' checks.
    try {
      await lessonReady(page, key);

      const { total, missed } = await unreachedByTab(page);
      assert.ok(total >= 15, `${total} controls found: the page's controls, not an empty list`);
      assert.deepEqual(missed, [], `never focused by Tab: ${missed.join('; ')}`);
      assert.equal(await number(page, 'step-counter'), 0, 'tabbing trains nothing');

      const theory = page.getByTestId('theory');
      assert.equal(await theory.count(), 1, 'one theory panel');
      await theory.locator('summary').click();
      // The formulas are built when the panel opens (a folded panel builds nothing).
      await waitFor(async () => (await theory.locator('math').count()) >= 2);
      const source = (await theory.locator('.hint').textContent()).trim();
      assert.match(source, /lecture \d{3}/i, 'the panel names the lecture it follows');
      await theory.locator('summary').click();

      const before = await canvasHashes(page);
      assert.ok(Object.keys(before).length >= 2, `${Object.keys(before).length} charts`);
      const readouts = await page.locator('main').innerText();
      await page.waitForTimeout(500);
      await assertNoLongTasks(page, key, { start: () => page.getByTestId('play-toggle').click() });
      const steps = await number(page, 'step-counter');
      console.log(`# ${key}: steps ${steps}`);
      assert.ok(steps > 0, 'it trained');
      await page.getByTestId('play-toggle').click();
      await waitFor(async () => (await page.getByTestId('play-toggle').textContent()).match(/play/i));
      const after = await canvasHashes(page);
      const changed = Object.keys(before).filter((id) => after[id] !== before[id]);
      assert.ok(changed.length >= 1, 'a chart or picture changed while training');
      assert.notEqual(await page.locator('main').innerText(), readouts, 'the numbers on the page changed');

      // Every metric of the last row, each with a label in the page's language.
      const metrics = page.getByTestId('metrics');
      await metrics.locator('summary').click();
      await waitFor(async () => (await metrics.locator('tr[data-metric]').count()) >= 3);
      const rows = await metrics.locator('tr[data-metric]').evaluateAll((trs) =>
        trs.map((tr) => [tr.dataset.metric, tr.querySelector('th').textContent, tr.querySelector('td').textContent]));
      for (const [name, label] of rows) assert.ok(label && !label.startsWith('metric.') && label !== name, `${name}: ${label}`);
      assert.ok(rows.some(([, , v]) => /\d/.test(v)), JSON.stringify(rows));
      await shot(page, `lesson-${key}`);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });
}
