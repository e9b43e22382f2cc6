// Export a trained run to a file, import it elsewhere, and carry on as if it had never stopped;
// a damaged or foreign file is refused with a message and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openPage, shot, text, number, waitFor, lessonReady } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const ready = lessonReady;

async function runTo(page, step) {
  await page.getByTestId('run-to-input').fill(String(step));
  await page.getByTestId('run-to').click();
  await waitFor(async () => (await number(page, 'step-counter')) === step
    && (await text(page, 'play-toggle')) === 'Play', { timeout: 30000 });
  await page.waitForTimeout(300);
}

const readouts = async (page) => [
  await text(page, 'w1-value'), await text(page, 'mean-std'), await text(page, 'game-value'), await text(page, 'updates'),
];

async function exportRun(page) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

const importRun = (page, name, text) =>
  page.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

test('an exported GAN run imports into another page and continues exactly', async () => {
  const query = 'seed=11&lr_g=0.002&d_steps=2';
  const a = await openPage(browser, `${server.base}#/gan?${query}`);
  await ready(a, 'gan');
  await runTo(a, 300);
  const at300 = await readouts(a);
  const file = await exportRun(a);
  assert.equal(file.name, 'genlab-gan-step300.json');
  const json = JSON.parse(file.text);
  assert.equal(json.format, 'genlab-run');
  assert.equal(json.lesson, 'Gan');
  assert.equal(json.step, 300);
  assert.equal(json.seed, 11);
  assert.ok(json.query.includes('lr_g=0.002') && json.query.includes('d_steps=2'), json.query);
  assert.ok(json.history.length >= 30, `${json.history.length} history rows`);
  assert.match(json.state.g, /^f64:[A-Za-z0-9+/=]+$/, 'parameters as exact bits');
  // The original run carries on to 600: the reference.
  await runTo(a, 600);
  const at600 = await readouts(a);

  // Another page, other settings, some training of its own: the import replaces all of it.
  const b = await openPage(browser, `${server.base}#/gan?seed=4`);
  await ready(b, 'gan');
  await runTo(b, 50);
  await importRun(b, file.name, file.text);
  await b.getByTestId('imported').waitFor();
  assert.match(await text(b, 'imported'), /300/);
  await waitFor(async () => (await number(b, 'step-counter')) === 300);
  await waitFor(async () => b.url().includes('seed=11') && b.url().includes('lr_g=0.002'));
  assert.equal(await b.getByTestId('param-seed').inputValue(), '11');
  await waitFor(async () => JSON.stringify(await readouts(b)) === JSON.stringify(at300));
  // The history came with it: the loss chart has the curve up to step 300.
  const [csv] = await Promise.all([b.waitForEvent('download'), b.getByTestId('csv').click()]);
  const rows = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  assert.equal(rows[rows.length - 1].split(',')[0], '300');
  assert.equal(rows.length - 1, json.history.length);
  await runTo(b, 600);
  assert.deepEqual(await readouts(b), at600, 'the imported run continues as the original did');
  await shot(b, 'gan-imported');
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await a.close();
  await b.close();
});

test('a damaged, edited or foreign file is refused with a message and changes nothing', async () => {
  const rbm = await openPage(browser, `${server.base}#/rbm`);
  await ready(rbm, 'rbm');
  const foreign = await exportRun(rbm);
  assert.equal(foreign.name, 'genlab-rbm-step0.json');
  await rbm.close();

  const page = await openPage(browser, `${server.base}#/gan?seed=3`);
  await ready(page, 'gan');
  await runTo(page, 120);
  const good = await exportRun(page);
  const before = [await readouts(page), page.url()];
  const edited = JSON.parse(good.text);
  edited.state.steps = 7;
  const cases = [
    ['notes.json', 'my lecture notes', /not a genlab run/],
    [foreign.name, foreign.text, /rbm/],
    ['cut.json', good.text.slice(0, good.text.length / 2), /not a genlab run|damaged/],
    ['edited.json', JSON.stringify(edited), /step 7/],
  ];
  for (const [name, body, why] of cases) {
    await importRun(page, name, body);
    await page.getByTestId('import-error').waitFor();
    const message = await text(page, 'import-error');
    assert.match(message, why, message);
    assert.match(message, /Nothing was changed/);
    assert.equal(await number(page, 'step-counter'), 120);
    assert.deepEqual([await readouts(page), page.url()], before, `${name} changed nothing`);
    if (name === 'edited.json') await shot(page, 'gan-import-refused');
    // The next import starts with a clean slate.
    await importRun(page, good.name, good.text);
    await page.getByTestId('imported').waitFor();
  }
  // The run is still alive and trains on.
  await runTo(page, 200);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an exported VAE run keeps its digits code and pictures after import', async () => {
  const query = 'seed=5&hidden=64&batch=50';
  const a = await openPage(browser, `${server.base}#/vae?${query}`);
  await ready(a, 'vae');
  await runTo(a, 60);
  const elbo = await text(a, 'neg-elbo');
  const file = await exportRun(a);
  assert.equal(JSON.parse(file.text).state.params.slice(0, 4), 'f32:');
  await a.close();
  const b = await openPage(browser, `${server.base}#/vae?seed=8`);
  await ready(b, 'vae');
  await importRun(b, file.name, file.text);
  await b.getByTestId('imported').waitFor();
  await waitFor(async () => (await number(b, 'step-counter')) === 60);
  await waitFor(async () => (await text(b, 'neg-elbo')) === elbo);
  await waitFor(async () => b.url().includes('hidden=64'));
  assert.deepEqual(b.errors, []);
  await b.close();
});
