// genlab against TensorFlow.js in one headless-Chromium page session, wasm against native, and
// the dense products in wasm against simd128's own peak.
// Prints one JSON line per measurement, then a table of medians and ratios. Figures, not a test.
// TensorFlow.js comes from npm as a dev dependency; it is served from node_modules/ to the bench
// page (scripts/bench/page.html) and never reaches dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer, launch } from '../tests/e2e/harness.mjs';

const REPEATS = Number(process.env.BENCH_REPEATS || 3);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// Native figures from the release CLI (the same session code as the worker).
function native() {
  const out = execFileSync('./target/release/genlab-cli', ['bench', '--seconds', '4'], { encoding: 'utf8' });
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.bench === 'native');
  const vae = Object.fromEntries(lines.filter((l) => l.lesson === 'vae' && l.hidden).map((l) => [l.hidden, l.images_per_sec]));
  const gan = lines.find((l) => l.lesson === 'gan')?.steps_per_sec;
  const rbm = lines.find((l) => l.lesson === 'rbm-mnist' && l.images_per_sec);
  const rbm6 = lines.find((l) => l.lesson === 'rbm')?.steps_per_sec;
  const transport = lines.find((l) => l.lesson === 'transport' && l.steps_per_sec)?.steps_per_sec;
  return { vae, gan, rbm, rbm6, transport };
}

// First load: each wasm bundle's size as served compressed (gzip -9), and the time from
// navigation to a usable page on localhost, cold (fresh profile: no cache, no service worker).
function bundleSizes() {
  return readdirSync('dist').filter((f) => f.endsWith('.wasm') || f.endsWith('.glds'))
    .map((f) => ({ file: f, gzip_kb: Math.round(gzipSync(readFileSync(join('dist', f)), { level: 9 }).length / 1024) }));
}

const server = await startServer('.');
// WebGPU (SwiftShader in headless Chromium) for genlab's GPU path and TF.js's webgpu backend.
const browser = await launch(['--enable-unsafe-webgpu']);
const rows = [];
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.base}scripts/bench/page.html`);
  await page.waitForFunction(() => typeof window.benchTfjs === 'function' && window.genlabBench);
  const adapter = await page.evaluate(() => window.genlabBench.gpu_adapter().catch((e) => `none (${e})`));
  console.log(JSON.stringify({ bench: 'gpu-adapter', adapter }));
  // The dense products in the page (#24), beside bench-dense's native lines: simd128's own
  // peak (a multiply then an add: no fused multiply-add) and the kernel the worker runs, at
  // the lessons' shapes on random dense inputs. The first call warms V8's optimising tier.
  await page.evaluate(() => window.genlabBench.simd128_peak_gflops(500));
  const peak = await page.evaluate(() => window.genlabBench.simd128_peak_gflops(1000));
  const kernel = await page.evaluate(() => window.genlabBench.dense_kernel());
  console.log(JSON.stringify({ bench: 'wasm-peak', gflops: Math.round(peak * 10) / 10, how: 'simd128 multiply, then add, 13 chains of 4 lanes' }));
  for (const [m, k, n] of [[100, 784, 256], [100, 256, 784], [100, 784, 512], [100, 784, 500]]) {
    for (const [which, op] of ['forward y = x·W', 'weight gradient dW = xᵀ·dy', 'input gradient dx = dy·Wᵀ'].entries()) {
      const gflops = await page.evaluate(([m, k, n, w]) => window.genlabBench.dense_gflops(m, k, n, w, 700), [m, k, n, which]);
      console.log(JSON.stringify({ bench: 'wasm-dense', kernel, shape: `${m}×${k}×${n}`, op, inputs: 'random',
        gflops: Math.round(gflops * 10) / 10, share_of_wasm_peak: Math.round(gflops / peak * 1000) / 1000 }));
    }
  }
  // The Bernoulli output's loss terms (exp, log1p, the in-order sum), beside bench-dense's
  // native 'bernoulli-loss' line: after the products, the largest cost of a VAE or WAE step.
  await page.evaluate(() => window.genlabBench.bernoulli_loss_ns(300));
  const lossNs = await page.evaluate(() => window.genlabBench.bernoulli_loss_ns(1000));
  console.log(JSON.stringify({ bench: 'wasm-bernoulli-loss', ns_per_pixel: Math.round(lossNs * 100) / 100 }));
  // genlab's dev-only bench module: images/s as the measure() helper expects them.
  const genlab = (fn, args) => () => page.evaluate(async ([f, a]) => {
    try { return { steps_per_sec: await window.genlabBench[f](...a) }; } catch (e) { return { error: String(e) }; }
  }, [fn, args]);
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
  for (const b of bundleSizes()) console.log(JSON.stringify({ bench: 'first-load', ...b }));
  const ready = {
    '': (p) => p.getByTestId('card-gan').waitFor(),
    gan: (p) => p.waitForFunction(() => document.querySelector('[data-testid=play-toggle]')?.disabled === false),
    vae: (p) => p.waitForFunction(() => document.querySelector('[data-testid=play-toggle]')?.disabled === false, null, { timeout: 60000 }),
  };
  const loads = [];
  for (const [route, done] of Object.entries(ready)) {
    const times = [];
    for (let r = 0; r < REPEATS; r++) {
      const context = await browser.newContext();
      const p = await context.newPage();
      const t0 = Date.now();
      await p.goto(`${server.base}dist/#/${route}`);
      await done(p);
      times.push(Date.now() - t0);
      await context.close();
    }
    loads.push([route || 'landing', median(times)]);
    console.log(JSON.stringify({ bench: 'first-load', route: route || 'landing', interactive_ms: median(times) }));
  }
  const nat = native();
  const table = [];
  // wasm against native, and what wasm SIMD buys (dist-nosimd/: the same build without simd128).
  const simd = existsSync('dist-nosimd/worker_loader.js');
  const ratios = [];
  const simdCheck = async (label, lesson, query, opts, scale, nativeRate) => {
    const on = await measure(`${label} genlab worker, SIMD`, () => page.evaluate(([l, q, o]) => window.benchGenlab(l, q, o), [lesson, query, opts]), scale);
    const off = simd
      ? await measure(`${label} genlab worker, no SIMD`, () => page.evaluate(([l, q, o]) => window.benchGenlab(l, q, { ...o, dist: 'dist-nosimd' }), [lesson, query, opts]), scale)
      : null;
    // The same loop run in the page with no worker around it (genlab-bench-wasm's session_rate):
    // what the worker's messages add, apart from the loop's own wasm/native ratio.
    const route = `${lesson.toLowerCase()}?${query}`;
    // (Not the VAE: its digits reach a lesson through the worker's fetch.)
    const loop = lesson === 'Vae' ? null : await measure(`${label} loop in the page (no worker)`, genlab('session_rate', [route, opts.warm, opts.steps]), scale);
    ratios.push([label, nativeRate, on, off, loop]);
  };
  for (const hidden of [256, 512]) {
    const g = await measure(`VAE H=${hidden} genlab worker (wasm)`, () => page.evaluate((h) => window.benchGenlab('Vae', `hidden=${h}&seed=1`, { warm: 30, steps: h === 256 ? 300 : 150 }), hidden), 100);
    for (const [backend, steps] of [['wasm', 40], ['cpu', 4], ['webgl', 40], ['webgpu', 10]]) {
      const t = await measure(`VAE H=${hidden} TF.js ${backend}`, () => page.evaluate(([b, h, s]) => window.benchTfjs('vae', b, { hidden: h, batch: 100, steps: s, warm: 3 }), [backend, hidden, steps]), 100);
      table.push([`VAE H=${hidden}, images/s`, `TF.js ${backend}`, g, t]);
    }
    table.push([`VAE H=${hidden}, images/s`, 'native (release)', g, nat.vae[hidden]]);
    const gg = await measure(`VAE H=${hidden} genlab GPU (WebGPU: ${adapter})`, genlab('vae_gpu', [hidden, 100, 3, 10]), 1);
    for (const backend of ['webgl', 'webgpu']) {
      table.push([`VAE H=${hidden}, images/s`, `TF.js ${backend}`, gg, rows.find((r) => r.label === `VAE H=${hidden} TF.js ${backend}`)?.per_sec ?? null, 'genlab: GPU path']);
    }
  }
  const gan = await measure('GAN genlab worker (wasm)', () => page.evaluate(() => window.benchGenlab('Gan', 'seed=1', { warm: 50, steps: 1500 })), 1);
  for (const [backend, steps] of [['wasm', 200], ['cpu', 100], ['webgl', 100], ['webgpu', 30]]) {
    const t = await measure(`GAN TF.js ${backend}`, () => page.evaluate(([b, s]) => window.benchTfjs('gan', b, { steps: s, warm: 5 }), [backend, steps]), 1);
    table.push(['GAN default preset, steps/s', `TF.js ${backend}`, gan, t]);
  }
  table.push(['GAN default preset, steps/s', 'native (release)', gan, nat.gan]);
  const rbmCpu = await measure('RBM 784×256 CD-1 genlab CPU (wasm)', genlab('rbm_cpu', [256, 100, 3, 40]), 1);
  const rbmGpu = await measure(`RBM 784×256 CD-1 genlab GPU (WebGPU: ${adapter})`, genlab('rbm_gpu', [256, 100, 3, 20]), 1);
  for (const [backend, steps] of [['wasm', 40], ['cpu', 10], ['webgl', 40], ['webgpu', 10]]) {
    const t = await measure(`RBM 784×256 CD-1 TF.js ${backend}`, () => page.evaluate(([b, s]) => window.benchTfjs('rbm', b, { hidden: 256, batch: 100, steps: s, warm: 3 }), [backend, steps]), 100);
    table.push(['RBM 784×256 CD-1 batch 100, images/s', `TF.js ${backend}`, rbmCpu, t, 'genlab: CPU path, wasm']);
    if (backend === 'webgl' || backend === 'webgpu') table.push(['RBM 784×256 CD-1 batch 100, images/s', `TF.js ${backend}`, rbmGpu, t, 'genlab: GPU path']);
  }
  table.push(['RBM 784×256 CD-1 batch 100, images/s', 'native (release, batched f32)', rbmCpu, nat.rbm?.images_per_sec ?? null]);
  await simdCheck('VAE H=256, images/s', 'Vae', 'hidden=256&seed=1', { warm: 30, steps: 300 }, 100, nat.vae[256]);
  await simdCheck('GAN default, steps/s', 'Gan', 'seed=1', { warm: 50, steps: 1500 }, 1, nat.gan);
  await simdCheck('RBM six movies (all lanes), steps/s', 'Rbm', 'seed=1', { warm: 50, steps: 3000 }, 1, nat.rbm6);
  await simdCheck('Sinkhorn iterations (transport), steps/s', 'Transport', 'seed=1', { warm: 50, steps: 20000 }, 1, nat.transport);
  console.log('\n| training loop | native (release) | wasm, SIMD (worker) | native / wasm | wasm without SIMD | SIMD gain | wasm loop, no worker | native / loop |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [label, n, on, off, loop] of ratios) {
    const fmt = (x) => (x == null ? '—' : Math.round(x).toLocaleString('en'));
    const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '—');
    console.log(`| ${label} | ${fmt(n)} | ${fmt(on)} | ${ratio(n, on)} | ${fmt(off)} | ${on && off ? (on / off).toFixed(2) + '×' : '—'} | ${fmt(loop)} | ${ratio(n, loop)} |`);
  }
  console.log('\n| first load (localhost, cold) | time to interactive |');
  console.log('|---|---|');
  for (const [route, ms] of loads) console.log(`| ${route} | ${ms} ms |`);
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
