// The lessons' models written in TensorFlow.js ops, with the architecture, batch size, optimiser
// and initialisation scale of genlab's, and a driver for genlab's own worker. Dev-only bench code.
/* global tf */
'use strict';

tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

const glorot = (n_in, n_out) => tf.variable(tf.randomUniform([n_in, n_out], -Math.sqrt(6 / (n_in + n_out)), Math.sqrt(6 / (n_in + n_out))));
const zeros = (n) => tf.variable(tf.zeros([n]));

/** VAE 784-H-2·(μ, log σ²)-2-H-784, Bernoulli cross-entropy + KL, Adam 3e-3, batch `batch`. */
function makeVae(hidden, batch) {
  const w = {
    w1: glorot(784, hidden), b1: zeros(hidden), w2: glorot(hidden, 4), b2: zeros(4),
    w3: glorot(2, hidden), b3: zeros(hidden), w4: glorot(hidden, 784), b4: zeros(784),
  };
  const data = tf.tidy(() => tf.randomUniform([1000, 784]).greater(0.8).toFloat());
  const opt = tf.train.adam(3e-3);
  let cursor = 0;
  return () => {
    const start = cursor;
    cursor = (cursor + batch) % (1000 - batch);
    const cost = opt.minimize(() => {
      const x = data.slice([start, 0], [batch, 784]);
      const h1 = tf.relu(tf.add(tf.matMul(x, w.w1), w.b1));
      const enc = tf.add(tf.matMul(h1, w.w2), w.b2);
      const mu = enc.slice([0, 0], [batch, 2]);
      const logvar = enc.slice([0, 2], [batch, 2]);
      const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logvar)), tf.randomNormal([batch, 2])));
      const h3 = tf.relu(tf.add(tf.matMul(z, w.w3), w.b3));
      const logits = tf.add(tf.matMul(h3, w.w4), w.b4);
      const rec = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)));
      const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar))));
      return tf.div(tf.add(rec, kl), batch);
    }, true);
    return cost;
  };
}

/** The GAN lesson's default preset: G 1-16-16-1 and D 1-32-32-1 with leaky ReLU, batch 256,
 *  Adam lr 1e-3 β₁ 0.5, non-saturating G loss; one step = one D update + one G update. */
function makeGan() {
  const mlp = (sizes) => sizes.slice(1).map((n, i) => ({ w: glorot(sizes[i], n), b: zeros(n) }));
  const run = (layers, x) => layers.reduce((h, l, i) => {
    const a = tf.add(tf.matMul(h, l.w), l.b);
    return i + 1 < layers.length ? tf.leakyRelu(a, 0.2) : a;
  }, x);
  const g = mlp([1, 16, 16, 1]);
  const d = mlp([1, 32, 32, 1]);
  const gVars = g.flatMap((l) => [l.w, l.b]);
  const dVars = d.flatMap((l) => [l.w, l.b]);
  const optG = tf.train.adam(1e-3, 0.5);
  const optD = tf.train.adam(1e-3, 0.5);
  const n = 256;
  return () => {
    optD.minimize(() => {
      const real = tf.add(-1, tf.randomNormal([n, 1]));
      const fake = run(g, tf.randomUniform([n, 1]));
      return tf.add(tf.mean(tf.softplus(tf.neg(run(d, real)))), tf.mean(tf.softplus(run(d, fake))));
    }, false, dVars);
    return optG.minimize(() => tf.mean(tf.softplus(tf.neg(run(d, run(g, tf.randomUniform([n, 1])))))), true, gVars);
  };
}

/** One CD-1 update of a binary RBM with 784 visible and `hidden` hidden units, batch `batch`,
 *  plain SGD (lr 0.05): the lecture's rule ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_recon. */
function makeRbm(hidden, batch) {
  const W = tf.variable(tf.randomNormal([784, hidden], 0, 0.01));
  const b = zeros(784);
  const c = zeros(hidden);
  const data = tf.tidy(() => tf.randomUniform([1000, 784]).greater(0.8).toFloat());
  let cursor = 0;
  const sample = (p) => tf.cast(tf.less(tf.randomUniform(p.shape), p), 'float32');
  return () => {
    const start = cursor;
    cursor = (cursor + batch) % (1000 - batch);
    return tf.tidy(() => {
      const v0 = data.slice([start, 0], [batch, 784]);
      const ph0 = tf.sigmoid(tf.add(tf.matMul(v0, W), c));
      const h0 = sample(ph0);
      const pv1 = tf.sigmoid(tf.add(tf.matMul(h0, W, false, true), b));
      const v1 = sample(pv1);
      const ph1 = tf.sigmoid(tf.add(tf.matMul(v1, W), c));
      const lr = 0.05 / batch;
      W.assign(tf.add(W, tf.mul(lr, tf.sub(tf.matMul(v0, ph0, true, false), tf.matMul(v1, ph1, true, false)))));
      b.assign(tf.add(b, tf.mul(lr, tf.sum(tf.sub(v0, v1), 0))));
      c.assign(tf.add(c, tf.mul(lr, tf.sum(tf.sub(ph0, ph1), 0))));
      // A value computed from the updated weights: reading it waits for the whole step.
      return tf.sum(c);
    });
  };
}

/** Steps/s of `model` on `backend`: a few steps to warm up, then `steps` timed ones, synchronised
 *  at the end (TensorFlow.js queues work; reading a value waits for it). */
window.benchTfjs = async (model, backend, { hidden = 256, batch = 100, steps = 50, warm = 5 } = {}) => {
  if (!(await tf.setBackend(backend))) return { error: `backend ${backend} is not available` };
  await tf.ready();
  const step = model === 'vae' ? makeVae(hidden, batch) : model === 'gan' ? makeGan() : makeRbm(hidden, batch);
  const sync = async (t) => { await t.data(); t.dispose(); };
  for (let i = 0; i < warm; i++) await sync(step());
  const t0 = performance.now();
  let last = null;
  for (let i = 0; i < steps; i++) { if (last) last.dispose(); last = step(); }
  await sync(last);
  const seconds = (performance.now() - t0) / 1000;
  tf.disposeVariables();
  return { steps_per_sec: steps / seconds, backend: tf.getBackend(), threads: backend === 'wasm' ? (self.crossOriginIsolated ? 'multi' : 'one') : '' };
};

/** genlab's training worker from dist/ (or dist-nosimd/, built without wasm SIMD), as the page runs it: start the lesson, run to a step
 *  to warm up, then time `steps` more steps (RunTo) until the worker reports the pause. */
window.benchGenlab = (lesson, query, { warm = 30, steps = 300, dist = 'dist' } = {}) => new Promise((resolve) => {
  const worker = new Worker(`/${dist}/worker_loader.js`);
  let phase = 'starting';
  let t0 = 0;
  worker.onerror = (e) => resolve({ error: e.message });
  worker.onmessage = (e) => {
    for (const m of e.data.msgs) {
      const kind = typeof m === 'string' ? m : Object.keys(m)[0];
      if (kind === 'Ready') {
        worker.postMessage({ SetSpeed: { steps_per_sec: 0 } });
        worker.postMessage({ Init: { lesson, query } });
      } else if (kind === 'Started' && phase === 'starting') {
        phase = 'warming';
        worker.postMessage({ RunTo: { step: warm } });
      } else if (kind === 'Paused' && phase === 'warming') {
        phase = 'timing';
        t0 = performance.now();
        worker.postMessage({ RunTo: { step: warm + steps } });
      } else if (kind === 'Paused' && phase === 'timing') {
        const seconds = (performance.now() - t0) / 1000;
        worker.terminate();
        resolve({ steps_per_sec: steps / seconds });
      } else if (kind === 'Failed' || kind === 'Rejected') {
        worker.terminate();
        resolve({ error: JSON.stringify(m) });
      }
    }
  };
});
