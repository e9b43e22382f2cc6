// Where a lesson's training loop spends its time in wasm: runs the session in Node (V8, the
// engine of the page's worker) through genlab-bench-wasm's session_rate, under V8's sampling
// profiler, and prints steps/s and the functions with the largest self time. Compare with
// `perf record` on `genlab-cli run` natively. Dev only, never in dist/.
//   node scripts/profile-wasm.mjs 'vae?hidden=256' [steps] [warm]
// Needs target/bench-wasm (scripts/bench.sh builds it; or the two commands in docs/performance.md).
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

// The glue is an ES module in a folder without package.json: Node says so on every run.
process.removeAllListeners('warning');
const [route = 'vae?hidden=256', steps = '300', warm = '20'] = process.argv.slice(2);
const dir = new URL('../target/bench-wasm/', import.meta.url);
const bench = await import(new URL('genlab_bench_wasm.js', dir));
bench.initSync({ module: readFileSync(new URL('genlab_bench_wasm_bg.wasm', dir)) });
bench.install_digits(readFileSync(new URL('../assets/mnist-10k.glds', import.meta.url)));
bench.session_rate(route, 0, Number(warm)); // V8's optimising tier, before the timed run

const inspector = new Session();
inspector.connect();
await inspector.post('Profiler.enable');
await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
await inspector.post('Profiler.start');
const rate = bench.session_rate(route, Number(warm), Number(steps));
const { profile } = await inspector.post('Profiler.stop');

const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
profile.samples.forEach((id, i) => {
  const frame = byId.get(id).callFrame;
  const name = (frame.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '');
  self.set(name, (self.get(name) || 0) + (profile.timeDeltas[i] || 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ bench: 'wasm-profile', route, steps_per_sec: Math.round(rate * 10) / 10 }));
for (const [name, t] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`${(100 * t / total).toFixed(1).padStart(5)} %  ${name}`);
}
