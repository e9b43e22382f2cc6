//! The speed comparison's genlab side for the work no lesson runs in the page yet: a CD-1 step
//! of the MNIST-sized RBM (784 × H) on the CPU path (`rbm::batched` in wasm) and on the GPU path
//! (`genlab_gpu::rbm::GpuRbm` through WebGPU), and the VAE's GPU step. The same random binary
//! images as the TensorFlow.js side (scripts/bench/models.js). Beside them, the dense products
//! at the lessons' shapes against simd128's own peak, as `genlab-cli bench-dense` measures them
//! natively. Built by scripts/bench.sh; dev only.

use genlab_core::nn::{Optimizer, OptimizerKind};
use genlab_core::rbm::batched::{BatchRbm, CdWork};
use genlab_core::rng::{CounterRng, Rng};
use genlab_core::vae::data::PIXELS;
use genlab_core::vae::model::VaeNet;
use genlab_gpu::rbm::GpuRbm;
use genlab_gpu::vae::GpuVae;
use genlab_gpu::{Gpu, Tensor};
use wasm_bindgen::prelude::*;

/// The page's clock; Node (scripts/profile-wasm.mjs) has no window, so the date's there.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// `count` random binary images of `d` pixels, 20 % ones.
fn images(count: usize, d: usize, rng: &mut Rng) -> Vec<f32> {
    (0..count * d)
        .map(|_| rng.bernoulli(0.2) as u8 as f32)
        .collect()
}

/// Images per second of CD-1 steps on the CPU path: `warm` steps, then `steps` timed ones.
#[wasm_bindgen]
pub fn rbm_cpu(hidden: usize, batch: usize, warm: usize, steps: usize) -> f64 {
    let d = PIXELS;
    let mut rng = Rng::new(1);
    let data = images(10 * batch, d, &mut rng);
    let mut rbm = BatchRbm::<f32>::new(d, hidden, &mut rng);
    let mut sampler = CounterRng::new(1);
    let mut work = CdWork::default();
    let mut run = |i: usize| {
        let start = (i % 10) * batch * d;
        rbm.cd_step(
            &data[start..start + batch * d],
            1,
            0.05,
            None,
            &mut sampler,
            &mut work,
        );
    };
    (0..warm).for_each(&mut run);
    let t0 = now_ms();
    (0..steps).for_each(&mut run);
    (steps * batch) as f64 / ((now_ms() - t0) / 1000.0)
}

fn lost(e: genlab_gpu::GpuError) -> JsValue {
    JsValue::from_str(&e.to_string())
}

async fn gpu() -> Result<Gpu, JsValue> {
    Gpu::request()
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Images per second of CD-1 steps on the GPU path, the batch uploaded every step; the clock
/// stops when the last step's parameters have been read back.
#[wasm_bindgen]
pub async fn rbm_gpu(
    hidden: usize,
    batch: usize,
    warm: usize,
    steps: usize,
) -> Result<f64, JsValue> {
    let gpu = gpu().await?;
    let d = PIXELS;
    let mut rng = Rng::new(1);
    let data = images(10 * batch, d, &mut rng);
    let rbm = BatchRbm::<f32>::new(d, hidden, &mut rng);
    let mut g = GpuRbm::new(&gpu, d, hidden, &rbm.params, batch, 1, 0.05);
    let mut sampler = CounterRng::new(1);
    let run = |i: usize, g: &mut GpuRbm| {
        let start = (i % 10) * batch * d;
        g.set_batch(&gpu, &data[start..start + batch * d]);
        g.step(&gpu, &mut sampler);
    };
    let steps_per_sec = timed(&gpu, &mut g, warm, steps, run, |g| &g.c).await?;
    Ok(steps_per_sec * batch as f64)
}

/// Images per second of VAE Adam steps (784-H-2-H-784) on the GPU path.
#[wasm_bindgen]
pub async fn vae_gpu(
    hidden: usize,
    batch: usize,
    warm: usize,
    steps: usize,
) -> Result<f64, JsValue> {
    let gpu = gpu().await?;
    let mut rng = Rng::new(2);
    let data = images(10 * batch, PIXELS, &mut rng);
    let eps: Vec<f32> = (0..batch * 2).map(|_| rng.normal() as f32).collect();
    let net = VaeNet::<f32>::new(hidden, &mut rng);
    let opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.n_params(), 0.9);
    let mut g = GpuVae::new(&gpu, &net, batch, 1.0, &opt);
    let run = |i: usize, g: &mut GpuVae| {
        let start = (i % 10) * batch * PIXELS;
        g.step(&gpu, &data[start..start + batch * PIXELS], &eps, 1e-3);
    };
    let steps_per_sec = timed(&gpu, &mut g, warm, steps, run, |g| &g.rec).await?;
    Ok(steps_per_sec * batch as f64)
}

/// Steps per second of `step` on `model`: `warm` untimed steps, then `steps` timed ones; each
/// phase ends when `written` (a tensor the last step writes) has been read back, so the clock
/// covers the GPU's work and not only its submission.
async fn timed<M>(
    gpu: &Gpu,
    model: &mut M,
    warm: usize,
    steps: usize,
    mut step: impl FnMut(usize, &mut M),
    written: impl Fn(&M) -> &Tensor,
) -> Result<f64, JsValue> {
    (0..warm).for_each(|i| step(i, model));
    written(model).read(gpu).await.map_err(lost)?;
    let t0 = now_ms();
    (0..steps).for_each(|i| step(i, model));
    written(model).read(gpu).await.map_err(lost)?;
    Ok(steps as f64 / ((now_ms() - t0) / 1000.0))
}

/// The adapter the GPU figures come from.
#[wasm_bindgen]
pub async fn gpu_adapter() -> Result<String, JsValue> {
    Ok(gpu().await?.adapter)
}

/// Installs the digits (the bytes of assets/mnist-10k.glds) for the lessons that train on them,
/// as the worker does after its fetch, so that [`session_rate`] can run those lessons too.
#[wasm_bindgen]
pub fn install_digits(bytes: &[u8]) -> Result<(), JsValue> {
    use genlab_core::digits::data::{install, Digits, Source};
    let digits = Digits::decode(bytes).map_err(|e| JsValue::from_str(&format!("{e:?}")))?;
    install(Source::Loaded(std::sync::Arc::new(digits)));
    Ok(())
}

/// Steps per second of a lesson's session run in this page, with no worker around it: the
/// training loop in wasm as the native bench runs it (a snapshot built every 33 ms, never
/// serialised), to tell the loop's own wasm/native ratio from what the worker adds.
#[wasm_bindgen]
pub fn session_rate(route: &str, warm: u32, steps: u32) -> Result<f64, JsValue> {
    let (warm, steps) = (warm as u64, steps as u64);
    use genlab_core::lesson::parse_route;
    use genlab_core::protocol::ToWorker;
    use genlab_core::session::Session;
    let (lesson, query) = parse_route(route).ok_or_else(|| JsValue::from_str("unknown lesson"))?;
    let mut session = Session::new();
    session.handle(ToWorker::Init { lesson, query });
    session.handle(ToWorker::RunTo { step: warm });
    while session.has_work() {
        session.run(100);
    }
    session.handle(ToWorker::RunTo { step: warm + steps });
    let t0 = now_ms();
    let (mut last_snapshot, mut chunk) = (t0, 1);
    while session.has_work() {
        // Chunks of ~1–3 ms as the worker runs them: a clock read per Sinkhorn iteration
        // would cost more than the iteration.
        let before = now_ms();
        session.run(chunk);
        let t = now_ms();
        if t - before < 1.0 {
            chunk = (chunk * 2).min(10_000);
        } else if t - before > 3.0 {
            chunk = (chunk / 2).max(1);
        }
        if t - last_snapshot >= 33.0 {
            let _ = session.snapshot(0.0);
            last_snapshot = t;
        }
    }
    Ok(steps as f64 / ((now_ms() - t0) / 1000.0))
}

/// Runs `f` for at least `ms` milliseconds (and twice) and returns calls per second.
fn rate(ms: f64, mut f: impl FnMut()) -> f64 {
    f();
    let t0 = now_ms();
    let mut calls = 0u32;
    while calls < 2 || now_ms() - t0 < ms {
        f();
        calls += 1;
    }
    calls as f64 / ((now_ms() - t0) / 1000.0)
}

/// One core's f32 peak as the page's worker can reach it: simd128 has no fused multiply-add,
/// so a multiply then an add, on 13 independent chains of 4 lanes (GFLOP/s, two a lane). Twelve
/// left the multiply-add chain's latency showing (3 % under, in V8 on Zen 5); fourteen spill in
/// V8, whose code keeps a few of the 16 xmm registers for itself.
#[wasm_bindgen]
pub fn simd128_peak_gflops(ms: f64) -> f64 {
    #[cfg(target_feature = "simd128")]
    {
        use core::arch::wasm32::*;
        const ITERS: u32 = 1 << 18;
        let per_sec = rate(ms, || {
            let (a, b) = (
                f32x4_splat(std::hint::black_box(0.999_999)),
                f32x4_splat(std::hint::black_box(1e-7)),
            );
            let mut acc = [f32x4_splat(0.0); 13];
            for _ in 0..std::hint::black_box(ITERS) {
                for x in &mut acc {
                    *x = f32x4_add(f32x4_mul(*x, a), b);
                }
            }
            std::hint::black_box(acc);
        });
        per_sec * ITERS as f64 * 13.0 * 4.0 * 2.0 / 1e9
    }
    #[cfg(not(target_feature = "simd128"))]
    {
        let _ = ms;
        f64::NAN
    }
}

/// GFLOP/s of one of a layer's three products at batch m, k inputs and n outputs on random
/// dense inputs, through the kernel the worker runs (`genlab-cli bench-dense` prints the same
/// products natively): `which` 0 the forward pass x·W, 1 the weight gradient xᵀ·dy, 2 the
/// input gradient dy·Wᵀ.
#[wasm_bindgen]
pub fn dense_gflops(m: usize, k: usize, n: usize, which: u32, ms: f64) -> f64 {
    use genlab_core::nn::dense::{matmul_a_bt, matmul_acc, matmul_at_b_acc};
    let mut rng = Rng::new(7);
    let x: Vec<f32> = (0..m * k).map(|_| rng.normal() as f32).collect(); // m × k
    let w: Vec<f32> = (0..k * n).map(|_| rng.normal() as f32 * 0.05).collect(); // k × n
    let d_y: Vec<f32> = (0..m * n).map(|_| rng.normal() as f32).collect(); // m × n
    let mut c = vec![0f32; (m * n).max(k * n).max(m * k)];
    let per_sec = match which {
        0 => rate(ms, || {
            c[..m * n].fill(0.0);
            matmul_acc(&x, &w, &mut c[..m * n], m, k, n)
        }),
        1 => rate(ms, || {
            c[..k * n].fill(0.0);
            matmul_at_b_acc(&x, &d_y, &mut c[..k * n], m, k, n)
        }),
        _ => rate(ms, || matmul_a_bt(&d_y, &w, &mut c[..m * k], m, n, k)),
    };
    per_sec * 2.0 * (m * k * n) as f64 / 1e9
}

/// The kernel the products run here (`genlab_core::nn::gemm::kernel_name`).
#[wasm_bindgen]
pub fn dense_kernel() -> String {
    genlab_core::nn::gemm::kernel_name().into()
}

/// Nanoseconds per pixel of the Bernoulli output's loss terms (exp, log1p and the in-order sum)
/// on a batch of 100 images' logits, as every VAE, WAE and autoencoder step takes them.
#[wasm_bindgen]
pub fn bernoulli_loss_ns(ms: f64) -> f64 {
    let mut rng = Rng::new(7);
    let n = 100 * PIXELS;
    let logits: Vec<f32> = (0..n).map(|_| 6.0 * rng.normal() as f32).collect();
    let x: Vec<f32> = (0..n).map(|_| rng.uniform() as f32).collect();
    let per_sec = rate(ms, || {
        std::hint::black_box(genlab_core::autoencoder::model::bernoulli_nll(
            std::hint::black_box(&logits),
            &x,
            PIXELS,
        ));
    });
    1e9 / (per_sec * n as f64)
}
