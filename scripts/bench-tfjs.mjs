// genlab against TensorFlow.js in one headless-Chromium page session, and wasm against native.
// Prints one JSON line per measurement, then a table of medians and ratios. Figures, not a test.
// TensorFlow.js comes from npm as a dev dependency; it is served from node_modules/ to the bench
// page (scripts/bench/page.html) and never reaches dist/.
import { execFileSync } from 'node:child_process';
import { startServer, launch } from '../tests/e2e/harness.mjs';

const REPEATS = Number(process.env.BENCH_REPEATS || 3);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// Native figures from the release CLI (the same session code as the worker).
function native() {
  const out = execFileSync('./target/release/genlab-cli', ['bench', '--seconds', '4'], { encoding: 'utf8' });
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.bench === 'native');
  const vae = Object.fromEntries(lines.filter((l) => l.lesson === 'vae' && l.hidden).map((l) => [l.hidden, l.images_per_sec]));
  const gan = lines.find((l) => l.lesson === 'gan')?.steps_per_sec;
  const rbm = lines.find((l) => l.lesson === 'rbm-mnist');
  return { vae, gan, rbm };
}

const server = await startServer('.');
const browser = await launch();
const rows = [];
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.base}scripts/bench/page.html`);
  await page.waitForFunction(() => typeof window.benchTfjs === 'function');
  const measure = async (label, fn, scale) => {
    const runs = [];
    for (let r = 0; r < REPEATS; r++) {
      const res = await fn();
      if (res.error) { console.log(JSON.stringify({ label, error: res.error })); return null; }
      runs.push(res.steps_per_sec * scale);
      console.log(JSON.stringify({ label, run: r, per_sec: Math.round(runs[r]), ...res, steps_per_sec: undefined }));
    }
    const m = median(runs);
    rows.push({ label, per_sec: m });
    return m;
  };
  const nat = native();
  const table = [];
  for (const hidden of [256, 512]) {
    const g = await measure(`VAE H=${hidden} genlab worker (wasm)`, () => page.evaluate((h) => window.benchGenlab('Vae', `hidden=${h}&seed=1`, { warm: 30, steps: h === 256 ? 300 : 150 }), hidden), 100);
    for (const [backend, steps] of [['wasm', 40], ['cpu', 4], ['webgl', 40]]) {
      const t = await measure(`VAE H=${hidden} TF.js ${backend}`, () => page.evaluate(([b, h, s]) => window.benchTfjs('vae', b, { hidden: h, batch: 100, steps: s, warm: 3 }), [backend, hidden, steps]), 100);
      table.push([`VAE H=${hidden}, images/s`, `TF.js ${backend}`, g, t]);
    }
    table.push([`VAE H=${hidden}, images/s`, 'native (release)', g, nat.vae[hidden]]);
  }
  const gan = await measure('GAN genlab worker (wasm)', () => page.evaluate(() => window.benchGenlab('Gan', 'seed=1', { warm: 50, steps: 1500 })), 1);
  for (const [backend, steps] of [['wasm', 200], ['cpu', 100], ['webgl', 100]]) {
    const t = await measure(`GAN TF.js ${backend}`, () => page.evaluate(([b, s]) => window.benchTfjs('gan', b, { steps: s, warm: 5 }), [backend, steps]), 1);
    table.push(['GAN default preset, steps/s', `TF.js ${backend}`, gan, t]);
  }
  table.push(['GAN default preset, steps/s', 'native (release)', gan, nat.gan]);
  for (const [backend, steps] of [['wasm', 40], ['cpu', 10], ['webgl', 40]]) {
    const t = await measure(`RBM 784×256 CD-1 TF.js ${backend}`, () => page.evaluate(([b, s]) => window.benchTfjs('rbm', b, { hidden: 256, batch: 100, steps: s, warm: 3 }), [backend, steps]), 100);
    table.push(['RBM 784×256 CD-1 batch 100, images/s', `TF.js ${backend}`, nat.rbm?.images_per_sec ?? null, t, 'genlab figure is native']);
  }
  console.log('\n| work | compared with | genlab | other | genlab / other |');
  console.log('|---|---|---|---|---|');
  for (const [work, other, g, o, note] of table) {
    const fmt = (x) => (x == null ? '—' : Math.round(x).toLocaleString('en'));
    const ratio = g != null && o != null ? (g / o).toFixed(2) : '—';
    console.log(`| ${work} | ${other}${note ? ` (${note})` : ''} | ${fmt(g)} | ${fmt(o)} | ${ratio} |`);
  }
} finally {
  await browser.close();
  server.stop();
}
