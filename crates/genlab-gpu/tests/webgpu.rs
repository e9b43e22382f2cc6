//! The kernels through the browser's WebGPU — SwiftShader in headless Chromium — inside a
//! dedicated worker, where the page's training worker will run them: the same comparisons with
//! the CPU twins as the native tests on lavapipe, at smaller sizes.
#![cfg(target_arch = "wasm32")]

use genlab_core::nn::dense::matmul_acc;
use genlab_core::nn::{Optimizer, OptimizerKind};
use genlab_core::rbm::batched::{BatchRbm, CdWork};
use genlab_core::rng::{counter_uniform, CounterRng, Rng};
use genlab_core::vae::data::PIXELS;
use genlab_core::vae::model::{VaeNet, Workspace};
use genlab_gpu::elementwise::Elementwise;
use genlab_gpu::matmul::{Layout, Matmul};
use genlab_gpu::rbm::GpuRbm;
use genlab_gpu::vae::GpuVae;
use genlab_gpu::{Gpu, Record, Tensor};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

async fn gpu() -> Gpu {
    Gpu::request().await.unwrap_or_else(|e| {
        panic!("{e}: the test browser must offer WebGPU (webdriver.json: --enable-unsafe-webgpu)")
    })
}

fn random(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| (2.0 * rng.uniform() - 1.0) as f32).collect()
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[wasm_bindgen_test]
async fn matmul_matches_its_cpu_twin_in_the_browser() {
    let gpu = gpu().await;
    for (m, k, n) in [(1, 1, 1), (7, 13, 5), (17, 33, 15), (100, 784, 64)] {
        let (a, b) = (random(m * k, 1), random(k * n, 2));
        let mut expected = vec![0.0f32; m * n];
        matmul_acc(&a, &b, &mut expected, m, k, n);
        let (ta, tb, tc) = (
            Tensor::from_slice(&gpu, &a),
            Tensor::from_slice(&gpu, &b),
            Tensor::zeros(&gpu, m * n),
        );
        let op = Matmul::new(&gpu, &ta, &tb, &tc, (m, k, n), Layout::Plain, 1.0, 0.0);
        gpu.run(|pass| op.record(pass));
        let diff = max_abs_diff(&tc.read(&gpu).await.unwrap(), &expected);
        assert!(diff < 1e-4, "{m}×{k}×{n}: {diff}");
    }
}

#[wasm_bindgen_test]
async fn the_wgsl_generator_is_the_cpus_bit_for_bit_in_the_browser() {
    let gpu = gpu().await;
    let n = 10_007;
    let p: Vec<f32> = random(n, 3).iter().map(|&u| 0.5 * (u + 1.0)).collect();
    let (tp, ts) = (Tensor::from_slice(&gpu, &p), Tensor::zeros(&gpu, n));
    let mut op = Elementwise::bernoulli(&gpu, &ts, &tp);
    let key = CounterRng::new(5).next_key();
    op.set_key(&gpu, key);
    gpu.run(|pass| op.record(pass));
    let expected: Vec<f32> = (0..n)
        .map(|i| (counter_uniform(key, i as u32) < p[i]) as u8 as f32)
        .collect();
    assert_eq!(ts.read(&gpu).await.unwrap(), expected);
}

#[wasm_bindgen_test]
async fn rbm_and_vae_steps_match_the_cpu_in_the_browser() {
    let gpu = gpu().await;
    // RBM: three CD-1 steps at 13 × 7, batch 5.
    let mut rng = Rng::new(4);
    let (d, h, n) = (13, 7, 5);
    let mut cpu = BatchRbm::<f32>::new(d, h, &mut rng);
    let mut g = GpuRbm::new(&gpu, d, h, &cpu.params, n, 1, 0.1);
    let (mut cpu_rng, mut gpu_rng) = (CounterRng::new(8), CounterRng::new(8));
    let mut work = CdWork::default();
    for _ in 0..3 {
        let batch: Vec<f32> = (0..n * d)
            .map(|_| rng.bernoulli(0.3) as u8 as f32)
            .collect();
        cpu.cd_step(&batch, 1, 0.1, None, &mut cpu_rng, &mut work);
        g.set_batch(&gpu, &batch);
        g.step(&gpu, &mut gpu_rng);
    }
    assert_eq!(
        g.vk.read(&gpu).await.unwrap(),
        work.chain(),
        "the chains' samples"
    );
    let diff = max_abs_diff(&g.params(&gpu).await.unwrap(), &cpu.params);
    assert!(diff < 1e-5, "RBM parameters differ by {diff}");
    // VAE: three Adam steps at H = 32, batch 8.
    let (hidden, batch) = (32, 8);
    let mut net = VaeNet::<f32>::new(hidden, &mut rng);
    let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.n_params(), 0.9);
    let mut g = GpuVae::new(&gpu, &net, batch, 1.0, &opt);
    let (mut ws, mut d_params) = (Workspace::default(), vec![0.0f32; net.n_params()]);
    for _ in 0..3 {
        let x: Vec<f32> = (0..batch * PIXELS).map(|_| rng.uniform() as f32).collect();
        let eps: Vec<f32> = (0..batch * 2).map(|_| rng.normal() as f32).collect();
        let loss = net.forward_loss(&x, &eps, batch, &mut ws);
        net.backward(&x, 1.0, &mut ws, &mut d_params);
        opt.step(&mut net.params, &d_params, 1e-3);
        g.step(&gpu, &x, &eps, 1e-3);
        let (rec, kl) = g.losses(&gpu).await.unwrap();
        assert!(
            (rec - loss.rec).abs() < 1e-4 * loss.rec,
            "rec {rec} vs {}",
            loss.rec
        );
        assert!(
            (kl - loss.kl).abs() < 1e-3 * loss.kl.max(1.0),
            "KL {kl} vs {}",
            loss.kl
        );
    }
    let diff = max_abs_diff(&g.read_params(&gpu).await.unwrap(), &net.params);
    assert!(diff < 1e-4, "VAE parameters differ by {diff}");
}

#[wasm_bindgen_test]
async fn autoencoder_steps_match_the_cpu_in_the_browser() {
    use genlab_core::autoencoder::model::{Act, AeNet, AeShape, Output, Workspace};
    use genlab_core::autoencoder::penalty::{Penalty, PenaltyKind};
    use genlab_gpu::autoencoder::GpuAutoencoder;
    let gpu = gpu().await;
    let mut rng = Rng::new(6);
    // A tied sigmoid network with a ReLU hidden layer under the contractive penalty, then the
    // sparse one: every kernel of autoencoder.wgsl runs.
    let shape = AeShape {
        input: 40,
        hidden: vec![12],
        code: 6,
        act: Act::Relu,
        code_act: Act::Sigmoid,
        tied: true,
        output: Output::Bernoulli,
        latent: genlab_core::autoencoder::latent::Latent::Point,
        condition: 0,
    };
    let mut net = AeNet::<f32>::new(shape, &mut rng);
    let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.n_params(), 0.9);
    let first = Penalty {
        kind: PenaltyKind::Contractive,
        lambda: 0.5,
    };
    let batch = 4;
    let mut g = GpuAutoencoder::new(&gpu, &net, first, &opt, batch);
    let (mut ws, mut grad) = (Workspace::default(), vec![0.0f32; net.n_params()]);
    for penalty in [
        first,
        first,
        Penalty {
            kind: PenaltyKind::Sparse,
            lambda: 1.0,
        },
    ] {
        g.set_penalty(&gpu, penalty);
        let x: Vec<f32> = (0..batch * 40).map(|_| rng.uniform() as f32).collect();
        net.forward_loss(&x, &x, batch, &penalty, &mut ws);
        net.backward(&x, &penalty, &mut ws, &mut grad);
        opt.step(&mut net.params, &grad, 1e-3);
        g.step(&gpu, &x, &x, 1e-3);
    }
    let copy = g.read(&gpu).await.unwrap();
    let diff = max_abs_diff(&copy.params, &net.params);
    // lavapipe: 6e-8 at these sizes; a wrong term moves a parameter by ≈ lr = 1e-3.
    assert!(diff < 1e-5, "autoencoder parameters differ by {diff}");
}
