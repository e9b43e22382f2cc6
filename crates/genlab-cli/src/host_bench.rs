//! The host's share of a GPU lesson's step (#24). The VAE lesson, the autoencoder lanes, the
//! conditional VAE pair and the RBM on MNIST run on a device that does no work — its steps,
//! reads, scores and pictures cost nothing — so what is timed is what a real GPU leaves to the
//! host: drawing batches (and a denoising lane's noise), building the views, the exact answers
//! the rows carry (the RBM's log-likelihood report), and, unless the device scores the kept
//! digits and decodes the pictures, the CPU copy doing both. Run both ways in one binary, so the
//! difference is that work alone. Needs no GPU.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

use genlab_core::autoencoder::model::{AeNet, Output};
use genlab_core::autoencoder::penalty::Penalty;
use genlab_core::device::{
    Accelerator, AutoencoderDevice, DeviceCopy, DevicePictures, DeviceRead, DeviceScores,
    RbmDevice, ReadDevice, VaeDevice,
};
use genlab_core::nn::Optimizer;
use genlab_core::protocol::ToWorker;
use genlab_core::rng::CounterRng;
use genlab_core::vae::data::PIXELS;
use genlab_core::vae::VaeNet;
use serde_json::json;

/// A device that offers the VAE and does nothing; `on_device`: whether it takes the test split
/// and the pictures off the host, as genlab-gpu's does.
struct NullAccelerator {
    on_device: bool,
    served: Rc<Served>,
}

/// What the device took off the host: reads that carried the test split's scores, and
/// decodings of pictures.
#[derive(Default)]
struct Served {
    scorings: Cell<u64>,
    decodings: Cell<u64>,
}

struct NullVae {
    /// The copy every read returns: the starting parameters and optimiser state.
    copy: DeviceCopy,
    latent: usize,
    on_device: bool,
    test_images: Cell<usize>,
    served: Rc<Served>,
}

impl Accelerator for NullAccelerator {
    fn adapter(&self) -> String {
        "none (host work alone)".into()
    }

    fn fit_batch(&self, requested: usize, _floats_per_image: usize) -> usize {
        requested
    }

    fn vae(
        &self,
        net: &VaeNet<f32>,
        opt: &Optimizer<f32>,
        _batch: usize,
        _beta: f64,
    ) -> Box<dyn VaeDevice> {
        let (m, v, t) = opt.moments();
        Box::new(NullVae {
            copy: DeviceCopy {
                params: net.params.clone(),
                m: m.to_vec(),
                v: v.to_vec(),
                t,
                sums: vec![0.0, 0.0],
                ..Default::default()
            },
            latent: net.latent(),
            on_device: self.on_device,
            test_images: Cell::new(0),
            served: self.served.clone(),
        })
    }

    fn rbm(
        &self,
        _visible: usize,
        _hidden: usize,
        params: &[f32],
        batch: usize,
        _k: u32,
        chains: Option<&[f32]>,
    ) -> Box<dyn RbmDevice> {
        // A read brings the negative phase's chains (B × 784) beside the parameters.
        let chains = match chains {
            Some(c) if !c.is_empty() => c.to_vec(),
            _ => vec![0.0; batch * PIXELS],
        };
        Box::new(NullRbm {
            copy: DeviceCopy {
                params: params.to_vec(),
                extra: chains,
                ..Default::default()
            },
            on_device: self.on_device,
            sets: Cell::new(0),
            served: self.served.clone(),
        })
    }

    fn autoencoder(
        &self,
        net: &AeNet<f32>,
        _penalty: Penalty,
        opt: &Optimizer<f32>,
        _batch: usize,
    ) -> Box<dyn AutoencoderDevice> {
        let (m, v, t) = opt.moments();
        Box::new(NullAe {
            copy: DeviceCopy {
                params: net.params.clone(),
                m: m.to_vec(),
                v: v.to_vec(),
                t,
                ..Default::default()
            },
            code: net.shape.code,
            on_device: self.on_device,
            kept: Cell::new((0, 0)),
            served: self.served.clone(),
        })
    }
}

/// The lessons the bench runs (`--lesson` names one of them).
pub const LESSONS: [&str; 4] = ["vae", "autoencoders", "cvae", "rbm-mnist"];

/// A read answered at once with `copy`.
fn ready(copy: DeviceCopy) -> DeviceRead {
    Box::pin(async move { Ok(copy) })
}

impl Served {
    /// A read of `copy` with the kept sets' scores beside it (`codes`, `losses`), counted as a
    /// scoring the device took off the host.
    fn scored(&self, mut copy: DeviceCopy, codes: Vec<f32>, losses: Vec<f64>) -> DeviceRead {
        self.scorings.set(self.scorings.get() + 1);
        copy.scores = Some(DeviceScores { codes, losses });
        ready(copy)
    }
}

/// The RBM on MNIST doing nothing; with `on_device`, it scores its kept sets (zeros).
struct NullRbm {
    copy: DeviceCopy,
    on_device: bool,
    sets: Cell<usize>,
    served: Rc<Served>,
}

impl ReadDevice for NullRbm {
    fn read(&self) -> DeviceRead {
        ready(self.copy.clone())
    }
}

impl RbmDevice for NullRbm {
    fn step(&mut self, _batch: &[f32], _lr: f64, _rng: &mut CounterRng) {}

    fn keep_scored_sets(&mut self, sets: &[&[f32]]) -> bool {
        self.sets.set(sets.len());
        self.on_device
    }

    fn read_scored(&self) -> DeviceRead {
        let losses = vec![0.0; 2 * self.sets.get()];
        self.served.scored(self.copy.clone(), vec![], losses)
    }
}

/// An autoencoder lane that does nothing; with `on_device`, it scores its kept sets (zeros).
struct NullAe {
    copy: DeviceCopy,
    code: usize,
    on_device: bool,
    /// Kept images and sets.
    kept: Cell<(usize, usize)>,
    served: Rc<Served>,
}

impl ReadDevice for NullAe {
    fn read(&self) -> DeviceRead {
        ready(self.copy.clone())
    }
}

impl AutoencoderDevice for NullAe {
    fn step(&mut self, _input: &[f32], _clean: &[f32], _lr: f64) {}

    fn set_penalty(&mut self, _penalty: Penalty) {}

    fn keep_scored_sets(&mut self, sets: &[&[f32]]) -> bool {
        let images = sets.iter().map(|s| s.len() / PIXELS).sum();
        self.kept.set((images, sets.len()));
        self.on_device
    }

    fn read_scored(&self) -> DeviceRead {
        let (images, sets) = self.kept.get();
        let (codes, losses) = (vec![0.0; images * self.code], vec![0.0; 2 * sets]);
        self.served.scored(self.copy.clone(), codes, losses)
    }

    /// As genlab-gpu's twin: a view's read brings the parameters alone (the host's copy of
    /// them is what the bench times).
    fn read_weights(&self) -> DeviceRead {
        if !self.on_device {
            return self.read();
        }
        ready(DeviceCopy {
            params: self.copy.params.clone(),
            view_only: true,
            ..Default::default()
        })
    }
}

impl ReadDevice for NullVae {
    fn read(&self) -> DeviceRead {
        ready(self.copy.clone())
    }
}

impl VaeDevice for NullVae {
    fn step(&mut self, _input: &[f32], _x: &[f32], _eps: &[f32], _lr: f64) {}

    fn set_loss(&mut self, _beta: f64, _output: Output) {}

    fn keep_test_split(&mut self, _input: &[f32], x: &[f32], _eps: &[f32]) -> bool {
        self.test_images.set(x.len() / PIXELS);
        self.on_device
    }

    fn read_scored(&self, losses: bool) -> DeviceRead {
        if !self.on_device {
            return self.read();
        }
        let codes = vec![0.0; self.test_images.get() * self.latent];
        let losses = if losses { vec![0.0, 0.0] } else { vec![] };
        self.served.scored(self.copy.clone(), codes, losses)
    }

    /// As genlab-gpu's twin: a view's read brings the test codes alone.
    fn read_codes(&self) -> Option<DeviceRead> {
        let codes = vec![0.0; self.test_images.get() * self.latent];
        let copy = DeviceCopy {
            view_only: true,
            ..Default::default()
        };
        self.on_device
            .then(|| self.served.scored(copy, codes, vec![]))
    }

    fn decode(&mut self, z: &[f32], _labels: &[f32]) -> Option<DevicePictures> {
        let pixels = z.len() / self.latent * PIXELS;
        let decodings = &self.served.decodings;
        decodings.set(decodings.get() + u64::from(self.on_device));
        self.on_device
            .then(|| Box::pin(async move { Ok(vec![0.0f32; pixels]) }) as DevicePictures)
    }
}

/// The VAE lesson at H = 256 and 512, the five autoencoder lanes, the conditional VAE pair and
/// the RBM on MNIST at H = 100 and 500 (batch 100) for `seconds` each way, as the page's worker runs them — a snapshot (the view) every 33 ms, a read
/// whenever the session waits for one (the null device answers at once) — printing the host's
/// images/s and milliseconds per step; `only` keeps one lesson's rows.
pub fn bench(seconds: f64, only: Option<&str>) {
    const SNAPSHOT: f64 = 0.033;
    for (lesson, route) in [
        ("vae", "vae?hidden=256"),
        ("vae", "vae?hidden=512"),
        (
            "autoencoders",
            "autoencoders?depth=2&width=256&code=32&act=relu&compare=1",
        ),
        ("cvae", "cvae?hidden=256"),
        ("rbm-mnist", "rbm-mnist?hidden=100"),
        ("rbm-mnist", "rbm-mnist?hidden=500"),
    ] {
        debug_assert!(
            LESSONS.contains(&lesson),
            "--lesson offers every row's lesson"
        );
        if only.is_some_and(|l| l != lesson) {
            continue;
        }
        let mut figures = serde_json::Map::new();
        for on_device in [false, true] {
            let (mut session, _) = crate::start(&format!("{route}&batch=100&device=gpu"));
            let served = Rc::new(Served::default());
            let accelerator = NullAccelerator {
                on_device,
                served: served.clone(),
            };
            session.set_accelerator(Ok(Rc::new(accelerator)));
            session.handle(ToWorker::Play);
            let t0 = Instant::now();
            let mut last_snapshot = 0.0;
            while t0.elapsed().as_secs_f64() < seconds && session.has_work() {
                if let Some(read) = session.read_due(true) {
                    session.take_read(genlab_core::device::block_on(read));
                    continue;
                }
                session.run(1);
                let t = t0.elapsed().as_secs_f64();
                if t - last_snapshot >= SNAPSHOT {
                    let _ = session.snapshot(0.0);
                    last_snapshot = t;
                }
                for later in session.take_answers_due() {
                    genlab_core::device::block_on(later);
                }
            }
            let elapsed = t0.elapsed().as_secs_f64();
            let steps = session.step() as f64;
            let key = if on_device {
                "device_scores"
            } else {
                "host_scores"
            };
            figures.insert(
                key.into(),
                json!({
                    "images_per_sec": (steps * 100.0 / elapsed).round(),
                    "ms_per_step": (elapsed * 1e5 / steps).round() / 100.0,
                    "steps": steps,
                    "device_scorings": served.scorings.get(),
                    "device_decodings": served.decodings.get(),
                }),
            );
        }
        out!(
            "{}",
            json!({ "bench": "gpu-lesson-host", "lesson": lesson, "route": route, "batch": 100, "kernel": genlab_core::nn::gemm::kernel_name(), "figures": figures })
        );
    }
}
