//! The GPU path's figures beside the CPU's (issue #7): the matmul kernel's GFLOP/s at 784 × 512
//! for batches of 64–1024 images, and CD-1 images/s of the MNIST-sized RBM. On lavapipe or
//! SwiftShader these only prove the path; on a real GPU they are the ones that matter.

use std::rc::Rc;
use std::time::Instant;

use genlab_core::nn::dense::matmul_acc;
use genlab_core::rbm::batched::{BatchRbm, CdWork};
use genlab_core::rng::{CounterRng, Rng};
use genlab_gpu::matmul::{Layout, Matmul};
use genlab_gpu::rbm::GpuRbm;
use genlab_gpu::{Gpu, Record, Tensor};
use serde_json::json;

/// The platform's GPU, or a line saying why there is none.
fn device(bench: &str) -> Option<Gpu> {
    pollster::block_on(Gpu::request())
        .map_err(|why| {
            println!(
                "{}",
                json!({ "bench": bench, "unavailable": why.to_string() })
            )
        })
        .ok()
}

/// Repeats `f` until `seconds` have passed (at least `min` times); calls per second.
fn rate(seconds: f64, min: usize, mut f: impl FnMut()) -> f64 {
    let t0 = Instant::now();
    let mut calls = 0;
    while calls < min || t0.elapsed().as_secs_f64() < seconds {
        f();
        calls += 1;
    }
    calls as f64 / t0.elapsed().as_secs_f64()
}

pub fn bench(seconds: f64) {
    let Some(gpu) = device("gpu") else {
        return;
    };
    let mut rng = Rng::new(1);
    let random =
        |n: usize, rng: &mut Rng| -> Vec<f32> { (0..n).map(|_| rng.uniform() as f32).collect() };
    let (k, n) = (784, 512);
    let w = random(k * n, &mut rng);
    let tw = Tensor::from_slice(&gpu, &w);
    for batch in [64, 128, 256, 512, 1024] {
        let x = random(batch * k, &mut rng);
        let flops = 2.0 * (batch * k * n) as f64;
        let (tx, ty) = (Tensor::from_slice(&gpu, &x), Tensor::zeros(&gpu, batch * n));
        let op = Matmul::new(&gpu, &tx, &tw, &ty, (batch, k, n), Layout::Plain, 1.0, 0.0);
        // 20 products per submission, waited for: the queue's throughput, not one round trip.
        gpu.run(|pass| op.record(pass));
        gpu.wait();
        let gpu_rate = 20.0
            * rate(seconds / 5.0, 2, || {
                gpu.run(|pass| (0..20).for_each(|_| op.record(pass)));
                gpu.wait();
            });
        let mut y = vec![0.0f32; batch * n];
        let cpu_rate = rate(seconds / 5.0, 2, || {
            y.iter_mut().for_each(|v| *v = 0.0);
            matmul_acc(&x, &w, &mut y, batch, k, n);
        });
        println!(
            "{}",
            json!({ "bench": "gpu-matmul", "adapter": gpu.adapter, "shape": format!("{batch}x{k}x{n}"),
                    "gpu_gflops": (gpu_rate * flops / 1e8).round() / 10.0,
                    "cpu_gflops": (cpu_rate * flops / 1e8).round() / 10.0 })
        );
    }
    // CD-1 at 784 × 256, batches of 100 random binary images, both paths.
    let (d, h, batch) = (784, 256, 100);
    let data: Vec<f32> = (0..1000 * d)
        .map(|_| rng.bernoulli(0.2) as u8 as f32)
        .collect();
    let mut cpu = BatchRbm::<f32>::new(d, h, &mut rng);
    let mut gpu_rbm = GpuRbm::new(&gpu, d, h, &cpu.params, batch, 1, 0.05);
    let (mut cpu_rng, mut gpu_rng) = (CounterRng::new(1), CounterRng::new(1));
    let mut work = CdWork::default();
    let mut at = 0;
    let mut next = || {
        at = (at + batch) % (1000 - batch);
        at
    };
    let cpu_rate = rate(seconds, 3, || {
        let s = next();
        cpu.cd_step(
            &data[s * d..(s + batch) * d],
            1,
            0.05,
            None,
            &mut cpu_rng,
            &mut work,
        );
    });
    // The batch is uploaded every step (the page will keep the training set on the GPU).
    let gpu_rate = rate(seconds, 3, || {
        let s = next();
        gpu_rbm.set_batch(&gpu, &data[s * d..(s + batch) * d]);
        gpu_rbm.step(&gpu, &mut gpu_rng);
        gpu.wait();
    });
    // Ten steps queued per wait, as the page's worker keeps at most ten in flight.
    let queued_rate = 10.0
        * rate(seconds, 3, || {
            for _ in 0..10 {
                let s = next();
                gpu_rbm.set_batch(&gpu, &data[s * d..(s + batch) * d]);
                gpu_rbm.step(&gpu, &mut gpu_rng);
            }
            gpu.wait();
        });
    print_paths("gpu-rbm", &gpu, h, batch, [gpu_rate, queued_rate], cpu_rate);
    for hidden in [256, 512] {
        bench_vae(&gpu, hidden, seconds);
        bench_autoencoders(&gpu, hidden, seconds);
    }
    bench_lessons(Rc::new(gpu), seconds);
}

/// The lessons as the page's worker runs them, on each path: a snapshot (the view) every 33 ms,
/// and on the GPU at most ten steps in flight, read back no more often than the page is drawn.
/// Natively, so a real GPU can be measured without a browser; images/s.
fn bench_lessons(gpu: Rc<Gpu>, seconds: f64) {
    for route in [
        "vae?hidden=256",
        "vae?hidden=512",
        "rbm-mnist?hidden=256&k=1",
        "rbm-mnist?hidden=500&k=1",
        "autoencoders?depth=2&width=256&code=32&act=relu",
        "autoencoders?depth=2&width=256&code=32&act=relu&compare=1",
        // Every lane steps on each batch: images/s per lane (four lanes, then the adversarial
        // autoencoder alone).
        "wae?hidden=128",
        "wae?hidden=128&compare=0&shaping=adversarial",
    ] {
        let mut figures = serde_json::Map::new();
        for device in ["cpu", "gpu"] {
            let mut session = lesson_session(&gpu, route, device);
            let t0 = Instant::now();
            drive(&mut session, |_, t| t >= seconds);
            let images = session.step() as f64 * 100.0 / t0.elapsed().as_secs_f64();
            figures.insert(format!("{device}_images_per_sec"), json!(images.round()));
        }
        println!(
            "{}",
            json!({ "bench": "gpu-lesson", "adapter": gpu.adapter, "route": route, "batch": 100, "figures": figures })
        );
    }
    bench_dbn_layers(&gpu);
}

/// `route` with batches of 100 on `device`, playing; the GPU offered when asked for.
fn lesson_session(gpu: &Rc<Gpu>, route: &str, device: &str) -> genlab_core::session::Session {
    use genlab_core::protocol::ToWorker;
    use genlab_gpu::accel::GpuAccelerator;
    let (mut session, _) = crate::start(&format!("{route}&device={device}&batch=100"));
    if device == "gpu" {
        session.set_accelerator(Ok(Rc::new(GpuAccelerator::new(gpu.clone()))));
    }
    session.handle(ToWorker::Play);
    session
}

/// Plays `session` as the page's worker does — a snapshot (the view) every 33 ms, and on the
/// GPU at most ten steps in flight, read back no more often than the page is drawn — until
/// `done(step, seconds)` or the run stops.
fn drive(session: &mut genlab_core::session::Session, mut done: impl FnMut(u64, f64) -> bool) {
    const SNAPSHOT: f64 = 0.033;
    let t0 = Instant::now();
    let (mut last_read, mut last_snapshot) = (-1.0, 0.0);
    while session.has_work() {
        let t = t0.elapsed().as_secs_f64();
        if done(session.step(), t) {
            return;
        }
        if session.waiting_for_device() || session.device_behind() {
            if session.read_urgent() || t - last_read >= SNAPSHOT {
                if let Some(read) = session.read_due(true) {
                    (last_read, last_snapshot) = (t, t);
                    let read = genlab_core::device::block_on(read);
                    session.take_read(read);
                    continue;
                }
            }
            std::thread::sleep(std::time::Duration::from_secs_f64(
                (last_read + SNAPSHOT - t).clamp(0.0005, SNAPSHOT),
            ));
            continue;
        }
        session.run(1);
        if t - last_snapshot >= SNAPSHOT {
            let _ = session.snapshot(0.0);
            last_snapshot = t;
        }
        // What the views left to the device (a GPU lesson's pictures), as the worker awaits
        // and sends it.
        for later in session.take_answers_due() {
            genlab_core::device::block_on(later);
        }
    }
}

/// The DBN at the paper's widths (784-500-500, the labelled top CD-5) on each path, as the
/// worker runs it: images/s while each layer pre-trains — its CD step (on the device there),
/// the host's pass up through the frozen layers, the autoencoder beside it — timed between
/// steps 10 and 190 of each 200-step layer, so a freeze's log Z (AIS at 500 units, seconds)
/// stays out of the figures.
fn bench_dbn_layers(gpu: &Rc<Gpu>) {
    const LAYER: u64 = 200;
    let route = "dbn?h1=500&h2=500&layer_steps=200";
    let mut figures = serde_json::Map::new();
    for device in ["cpu", "gpu"] {
        let mut session = lesson_session(gpu, route, device);
        // (step, seconds) when the run first reached each layer's window edges.
        let mut marks: Vec<(u64, f64)> = vec![];
        drive(&mut session, |step, t| {
            let edge = step % LAYER == 10 || step % LAYER == LAYER - 10;
            if edge && marks.last().is_none_or(|&(s, _)| s != step) {
                marks.push((step, t));
            }
            step >= 2 * LAYER
        });
        for (layer, pair) in marks.chunks_exact(2).enumerate() {
            let [(s0, t0), (s1, t1)] = [pair[0], pair[1]];
            let images = (s1 - s0) as f64 * 100.0 / (t1 - t0);
            figures.insert(
                format!("{device}_layer{}_images_per_sec", layer + 1),
                json!(images.round()),
            );
        }
    }
    println!(
        "{}",
        json!({ "bench": "gpu-lesson", "adapter": gpu.adapter, "route": route, "batch": 100, "figures": figures })
    );
}

/// The VAE (784-H-2-H-784; the lecture's H is 512), batches of 100: one Adam step per batch on
/// both paths, images/s.
fn bench_vae(gpu: &Gpu, hidden: usize, seconds: f64) {
    use genlab_core::nn::{Optimizer, OptimizerKind};
    use genlab_core::vae::model::{VaeNet, Workspace};
    use genlab_gpu::vae::GpuVae;
    let batch = 100;
    let mut rng = Rng::new(2);
    let mut net = VaeNet::<f32>::new(hidden, &mut rng);
    let data: Vec<f32> = (0..1000 * 784)
        .map(|_| rng.bernoulli(0.2) as u8 as f32)
        .collect();
    let eps: Vec<f32> = (0..batch * 2).map(|_| rng.normal() as f32).collect();
    let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.n_params(), 0.9);
    let mut gpu_vae = GpuVae::new(gpu, &net, batch, 1.0, &opt);
    let (mut ws, mut d_params) = (Workspace::default(), vec![0.0f32; net.n_params()]);
    let mut at = 0;
    let mut next = || {
        at = (at + batch) % (1000 - batch);
        at * 784..(at + batch) * 784
    };
    let cpu_rate = rate(seconds, 3, || {
        let x = &data[next()];
        net.forward_loss(x, &eps, batch, &mut ws);
        net.backward(x, 1.0, &mut ws, &mut d_params);
        opt.step(&mut net.params, &d_params, 1e-3);
    });
    let gpu_rate = rate(seconds, 3, || {
        gpu_vae.step(gpu, &data[next()], &eps, 1e-3);
        gpu.wait();
    });
    let queued_rate = 10.0
        * rate(seconds, 3, || {
            for _ in 0..10 {
                gpu_vae.step(gpu, &data[next()], &eps, 1e-3);
            }
            gpu.wait();
        });
    print_paths(
        "gpu-vae",
        gpu,
        hidden,
        batch,
        [gpu_rate, queued_rate],
        cpu_rate,
    );
}

/// Each autoencoder variant at code 32 with two hidden layers of `hidden` ReLU units (the
/// lesson's deep autoencoder), batches of 100: one Adam step per batch on both paths, images/s —
/// beside the VAE's line at the same width.
fn bench_autoencoders(gpu: &Gpu, hidden: usize, seconds: f64) {
    use genlab_core::autoencoder::corrupt::{Corrupt, Corruption};
    use genlab_core::autoencoder::lane::Lane;
    use genlab_core::autoencoder::penalty::{Penalty, PenaltyKind};
    use genlab_core::autoencoder::settings::AutoencoderSettings;
    use genlab_gpu::autoencoder::GpuAutoencoder;
    let digits = match genlab_core::digits::data::load_repo_asset() {
        Ok(d) => d,
        Err(e) => return eprintln!("autoencoder GPU bench skipped: {e:?}"),
    };
    let batch = 100;
    let (s, _) = genlab_core::settings::parse_query::<AutoencoderSettings>(
        &format!("depth=2&width={hidden}&code=32&act=relu"),
        &[],
    );
    let shape = s.shape();
    let sparse = Penalty {
        kind: PenaltyKind::Sparse,
        lambda: 0.05,
    };
    let contractive = Penalty {
        kind: PenaltyKind::Contractive,
        lambda: 0.1,
    };
    let masking = Corrupt {
        kind: Corruption::Masking,
        level: 0.3,
    };
    let tied = genlab_core::autoencoder::model::AeShape {
        tied: true,
        ..shape.clone()
    };
    let variants = [
        ("plain", shape.clone(), Penalty::NONE, Corrupt::NONE),
        ("sparse", shape.clone(), sparse, Corrupt::NONE),
        ("denoising", shape.clone(), Penalty::NONE, masking),
        ("contractive", shape.clone(), contractive, Corrupt::NONE),
        ("tied", tied, Penalty::NONE, Corrupt::NONE),
    ];
    let batches: Vec<Vec<usize>> = digits.train[..1000]
        .chunks(batch)
        .map(|c| c.to_vec())
        .collect();
    for (name, shape, penalty, corrupt) in variants {
        let mut lane = Lane::new(shape, penalty, corrupt, &mut Rng::new(1), Rng::new(2));
        let mut g = GpuAutoencoder::new(gpu, &lane.net, penalty, lane.optimizer(), batch);
        let mut at = 0;
        let cpu_rate = rate(seconds, 3, || {
            at = (at + 1) % batches.len();
            lane.step(&digits, &batches[at], 1e-3);
        });
        // The lesson's own work per step on the GPU path: the batch and its corruption are
        // drawn here, then uploaded.
        let gpu_step = |lane: &mut Lane, g: &mut GpuAutoencoder, at: usize| {
            let (input, clean) = lane.prepare(&digits, &batches[at]);
            g.step(gpu, input, clean, 1e-3);
        };
        let gpu_rate = rate(seconds, 3, || {
            at = (at + 1) % batches.len();
            gpu_step(&mut lane, &mut g, at);
            gpu.wait();
        });
        let queued_rate = 10.0
            * rate(seconds, 3, || {
                for _ in 0..10 {
                    at = (at + 1) % batches.len();
                    gpu_step(&mut lane, &mut g, at);
                }
                gpu.wait();
            });
        print_paths(
            &format!("gpu-autoencoder-{name}"),
            gpu,
            hidden,
            batch,
            [gpu_rate, queued_rate],
            cpu_rate,
        );
    }
}

/// One line with both paths' images/s, from their steps/s at `batch` images a step: the GPU's
/// waited for after every step, and with ten steps queued per wait.
fn print_paths(
    bench: &str,
    gpu: &Gpu,
    hidden: usize,
    batch: usize,
    [gpu_rate, queued_rate]: [f64; 2],
    cpu_rate: f64,
) {
    println!(
        "{}",
        json!({ "bench": bench, "adapter": gpu.adapter, "hidden": hidden, "batch": batch,
                "gpu_images_per_sec": (gpu_rate * batch as f64).round(),
                "gpu_queued_images_per_sec": (queued_rate * batch as f64).round(),
                "cpu_images_per_sec": (cpu_rate * batch as f64).round() })
    );
}

/// How long a GPU VAE run follows the CPU run of the same seed (`genlab_gpu::vae::follow`) at
/// the lesson's default settings: the step where the relative gap between the two loss curves
/// first passes 10⁻⁴, 10⁻³ and 10⁻².
pub fn follow(digits: &genlab_core::vae::data::Digits, hidden: usize, steps: usize) {
    let Some(gpu) = device("gpu-follow") else {
        return;
    };
    let curve = genlab_gpu::vae::follow(&gpu, digits, hidden, 100, 0.003, 1.0, steps, 1);
    let gaps: Vec<f64> = curve.iter().map(|(c, g)| (c - g).abs() / c.abs()).collect();
    let first_above = |tol: f64| gaps.iter().position(|&g| g > tol);
    println!(
        "{}",
        json!({ "bench": "gpu-follow", "adapter": gpu.adapter, "hidden": hidden, "batch": 100, "steps": steps,
                "first_step_gap_above_1e-4": first_above(1e-4), "first_step_gap_above_1e-3": first_above(1e-3),
                "first_step_gap_above_1e-2": first_above(1e-2),
                "worst_gap": gaps.iter().cloned().fold(0.0, f64::max),
                "loss_first_last": [curve.first().map(|c| c.0), curve.last().map(|c| c.0)] })
    );
}
