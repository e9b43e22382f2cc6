//! The GPU offered to the lessons: `genlab_core::device::Accelerator` over this crate's models.
//! The page's worker and the native tools hand one to their session; the lessons never see wgpu.

use std::future::Future;
use std::rc::Rc;

use genlab_core::autoencoder::model::{AeNet, Output};
use genlab_core::autoencoder::penalty::Penalty;
use genlab_core::device::{
    Accelerator, AutoencoderDevice, DbnLayerDevice, DbnLayerSpec, DeviceFault, DevicePictures,
    DeviceRead, FineTuneDevice, GeneratorDevice, RbmDevice, ReadDevice, ShapingBatch,
    ShapingDevice, StackedAeDevice, VaeDevice,
};
use genlab_core::msg;
use genlab_core::msg::Msg;
use genlab_core::nn::Optimizer;
use genlab_core::rng::CounterRng;
use genlab_core::vae::data::PIXELS;
use genlab_core::vae::posterior::BatchLikelihood;
use genlab_core::vae::VaeNet;
use genlab_core::wae::lane::{Knobs, ShapingLane};

use crate::autoencoder::GpuAutoencoder;
use crate::dbn_ae::GpuStackedAe;
use crate::dbn_classifier::GpuFineTune;
use crate::dbn_generator::GpuGenerator;
use crate::dbn_stack::GpuDbnLayer;
use crate::rbm::GpuRbm;
use crate::shaping::GpuShapingLane;
use crate::vae::GpuVae;
use crate::vae_likelihood::GpuLikelihood;
use crate::{Gpu, GpuError, Unavailable};

pub struct GpuAccelerator {
    gpu: Rc<Gpu>,
}

impl GpuAccelerator {
    pub fn new(gpu: Rc<Gpu>) -> Self {
        GpuAccelerator { gpu }
    }

    pub fn gpu(&self) -> &Rc<Gpu> {
        &self.gpu
    }
}

impl Unavailable {
    /// Why the CPU runs, for the page (in the reader's language).
    pub fn msg(&self) -> Msg {
        match self {
            // wgpu's reason lists its native backends: noise to a reader of the page.
            #[cfg(target_arch = "wasm32")]
            Unavailable::NoAdapter(_) => msg!("msg.gpu.browser_no_adapter"),
            #[cfg(not(target_arch = "wasm32"))]
            Unavailable::NoAdapter(why) => msg!("msg.gpu.no_adapter", why.clone()),
            Unavailable::NoDevice(why) => msg!("msg.gpu.no_device", why.clone()),
        }
    }
}

/// A read's error as the lessons know it.
fn fault(
    read: impl Future<Output = Result<genlab_core::device::DeviceCopy, GpuError>> + 'static,
) -> DeviceRead {
    Box::pin(async move {
        read.await.map_err(|e| match e {
            GpuError::Lost => DeviceFault::Lost,
        })
    })
}

impl GpuAccelerator {
    /// An RBM (visible, hidden, softmax group, W ‖ b ‖ c) for batches of `batch` and `k` Gibbs
    /// steps; PCD from `chains` when given (empty: from the first batch). The learning rate
    /// comes with every step; 0 until the first.
    fn gpu_rbm(
        &self,
        (visible, hidden, group, params): (usize, usize, usize, &[f32]),
        batch: usize,
        k: u32,
        chains: Option<&[f32]>,
    ) -> GpuRbm {
        let mut rbm = GpuRbm::grouped(&self.gpu, visible, hidden, group, params, batch, k, 0.0);
        if let Some(chains) = chains {
            rbm.persistent = true;
            if chains.len() == batch * visible {
                rbm.set_chains(&self.gpu, chains);
            }
        }
        rbm
    }
}

impl Accelerator for GpuAccelerator {
    fn adapter(&self) -> String {
        self.gpu.adapter.clone()
    }

    fn fit_batch(&self, requested: usize, floats_per_image: usize) -> usize {
        self.gpu.fit_batch(requested, floats_per_image)
    }

    fn vae(
        &self,
        net: &VaeNet<f32>,
        opt: &Optimizer<f32>,
        batch: usize,
        beta: f64,
    ) -> Box<dyn VaeDevice> {
        Box::new(VaeOnGpu {
            vae: GpuVae::new(&self.gpu, net, batch, beta as f32, opt),
            gpu: self.gpu.clone(),
        })
    }

    fn rbm(
        &self,
        visible: usize,
        hidden: usize,
        params: &[f32],
        batch: usize,
        k: u32,
        chains: Option<&[f32]>,
    ) -> Box<dyn RbmDevice> {
        Box::new(RbmOnGpu {
            gpu: self.gpu.clone(),
            rbm: self.gpu_rbm((visible, hidden, 0, params), batch, k, chains),
            lr: 0.0,
        })
    }

    fn dbn_layer(&self, spec: &DbnLayerSpec<'_>) -> Option<Box<dyn DbnLayerDevice>> {
        let rbm = self.gpu_rbm(spec.layer, spec.batch, spec.k, spec.chains);
        Some(Box::new(DbnLayerOnGpu {
            layer: GpuDbnLayer::new(&self.gpu, spec.frozen, spec.samples, rbm),
            gpu: self.gpu.clone(),
            lr: 0.0,
        }))
    }

    fn generator(
        &self,
        shape: (usize, usize, usize),
        top: &[f32],
        chains: &[f32],
    ) -> Option<Box<dyn GeneratorDevice>> {
        Some(Box::new(GeneratorOnGpu {
            generator: GpuGenerator::new(&self.gpu, shape, top, chains),
            gpu: self.gpu.clone(),
        }))
    }

    fn fine_tune(
        &self,
        sizes: &[usize],
        nets: &[(&[f32], &Optimizer<f32>)],
        batch: usize,
        test: &[f32],
        test_labels: &[u8],
    ) -> Option<Box<dyn FineTuneDevice>> {
        let tune = GpuFineTune::new(&self.gpu, sizes, nets, batch, test, test_labels);
        Some(Box::new(FineTuneOnGpu {
            tune,
            gpu: self.gpu.clone(),
        }))
    }

    fn stacked_autoencoder(
        &self,
        layers: &[(usize, usize, &[f32])],
        batch: usize,
    ) -> Option<Box<dyn StackedAeDevice>> {
        Some(Box::new(StackedAeOnGpu {
            ae: GpuStackedAe::new(&self.gpu, layers, batch),
            gpu: self.gpu.clone(),
        }))
    }

    fn autoencoder(
        &self,
        net: &AeNet<f32>,
        penalty: Penalty,
        opt: &Optimizer<f32>,
        batch: usize,
    ) -> Box<dyn AutoencoderDevice> {
        Box::new(AutoencoderOnGpu {
            ae: GpuAutoencoder::new(&self.gpu, net, penalty, opt, batch),
            gpu: self.gpu.clone(),
        })
    }

    fn shaping_lane(
        &self,
        lane: &ShapingLane,
        knobs: &Knobs,
        batch: usize,
    ) -> Option<Box<dyn ShapingDevice>> {
        Some(Box::new(ShapingOnGpu {
            lane: GpuShapingLane::new(&self.gpu, lane, knobs, batch),
            gpu: self.gpu.clone(),
        }))
    }

    /// The decoder pass of a 2-D latent; a lost device leaves the grid to the CPU.
    fn vae_likelihood(
        &self,
        net: &VaeNet<f32>,
        x: &[f32],
        label: Option<u8>,
    ) -> Option<Box<dyn BatchLikelihood>> {
        (net.latent() == 2 && x.len() == PIXELS && !self.gpu.is_lost()).then(|| {
            Box::new(GpuLikelihood::new(self.gpu.clone(), net, x, label))
                as Box<dyn BatchLikelihood>
        })
    }
}

struct AutoencoderOnGpu {
    gpu: Rc<Gpu>,
    ae: GpuAutoencoder,
}

impl AutoencoderDevice for AutoencoderOnGpu {
    fn step(&mut self, input: &[f32], clean: &[f32], lr: f64) {
        self.ae.step(&self.gpu, input, clean, lr);
    }

    fn set_penalty(&mut self, penalty: Penalty) {
        self.ae.set_penalty(&self.gpu, penalty);
    }

    fn keep_scored_sets(&mut self, sets: &[&[f32]]) -> bool {
        self.ae.keep_scored_sets(&self.gpu, sets);
        true
    }

    fn read_scored(&self) -> DeviceRead {
        fault(self.ae.read_scored(&self.gpu))
    }

    fn read_weights(&self) -> DeviceRead {
        fault(self.ae.read_weights(&self.gpu))
    }
}

/// A latent-shaping lane (#/wae) on the GPU, its discriminator included.
struct ShapingOnGpu {
    gpu: Rc<Gpu>,
    lane: GpuShapingLane,
}

impl ShapingDevice for ShapingOnGpu {
    fn step(&mut self, batch: ShapingBatch<'_>, lr: f64) {
        self.lane.step(&self.gpu, batch, lr);
    }

    fn set_knobs(&mut self, knobs: &Knobs) {
        self.lane.set_knobs(&self.gpu, knobs);
    }
}

impl ReadDevice for AutoencoderOnGpu {
    fn read(&self) -> DeviceRead {
        fault(self.ae.read(&self.gpu))
    }
}

impl ReadDevice for ShapingOnGpu {
    fn read(&self) -> DeviceRead {
        fault(self.lane.read(&self.gpu))
    }
}

struct DbnLayerOnGpu {
    gpu: Rc<Gpu>,
    layer: GpuDbnLayer,
    lr: f64,
}

impl DbnLayerDevice for DbnLayerOnGpu {
    fn step(&mut self, x: &[f32], labels: &[f32], lr: f64, rng: &mut CounterRng) {
        if lr != self.lr {
            self.layer.rbm.set_learning_rate(&self.gpu, lr as f32);
            self.lr = lr;
        }
        self.layer.step(&self.gpu, x, labels, rng);
    }
}

impl ReadDevice for DbnLayerOnGpu {
    fn read(&self) -> DeviceRead {
        fault(self.layer.rbm.read(&self.gpu))
    }
}

struct GeneratorOnGpu {
    gpu: Rc<Gpu>,
    generator: GpuGenerator,
}

impl GeneratorDevice for GeneratorOnGpu {
    fn set_top(&mut self, top: &[f32]) {
        self.generator.set_top(&self.gpu, top);
    }

    fn step(&mut self, rng: &mut CounterRng) {
        self.generator.step(&self.gpu, rng);
    }
}

impl ReadDevice for GeneratorOnGpu {
    fn read(&self) -> DeviceRead {
        fault(self.generator.read(&self.gpu))
    }
}

struct FineTuneOnGpu {
    gpu: Rc<Gpu>,
    tune: GpuFineTune,
}

impl FineTuneDevice for FineTuneOnGpu {
    fn step(&mut self, x: &[f32], labels: &[f32], lr: f64) {
        self.tune.step(&self.gpu, x, labels, lr);
    }

    fn read_scored(&self) -> DeviceRead {
        fault(self.tune.read(&self.gpu, true))
    }
}

impl ReadDevice for FineTuneOnGpu {
    fn read(&self) -> DeviceRead {
        fault(self.tune.read(&self.gpu, false))
    }
}

struct StackedAeOnGpu {
    gpu: Rc<Gpu>,
    ae: GpuStackedAe,
}

impl StackedAeDevice for StackedAeOnGpu {
    fn step(&mut self, x: &[f32], lr: f64) {
        self.ae.set_batch(&self.gpu, x);
        self.ae.step(&self.gpu, lr as f32);
    }
}

impl ReadDevice for StackedAeOnGpu {
    fn read(&self) -> DeviceRead {
        fault(self.ae.read(&self.gpu))
    }
}

struct RbmOnGpu {
    gpu: Rc<Gpu>,
    rbm: GpuRbm,
    lr: f64,
}

impl RbmDevice for RbmOnGpu {
    fn step(&mut self, batch: &[f32], lr: f64, rng: &mut CounterRng) {
        if lr != self.lr {
            self.rbm.set_learning_rate(&self.gpu, lr as f32);
            self.lr = lr;
        }
        self.rbm.set_batch(&self.gpu, batch);
        self.rbm.step(&self.gpu, rng);
    }

    fn keep_scored_sets(&mut self, sets: &[&[f32]]) -> bool {
        let (d, h) = (self.rbm.d, self.rbm.h);
        let fits = sets
            .iter()
            .all(|set| self.gpu.fit_batch(set.len() / d, d.max(h)) == set.len() / d);
        if fits {
            self.rbm.keep_scored_sets(&self.gpu, sets);
        }
        fits
    }

    fn read_scored(&self) -> DeviceRead {
        fault(self.rbm.read_scored(&self.gpu))
    }
}

impl ReadDevice for RbmOnGpu {
    fn read(&self) -> DeviceRead {
        fault(self.rbm.read(&self.gpu))
    }
}

struct VaeOnGpu {
    gpu: Rc<Gpu>,
    vae: GpuVae,
}

impl VaeDevice for VaeOnGpu {
    fn step(&mut self, input: &[f32], x: &[f32], eps: &[f32], lr: f64) {
        self.vae.step_given(&self.gpu, input, x, eps, lr);
    }

    fn set_loss(&mut self, beta: f64, output: Output) {
        self.vae.set_loss(&self.gpu, beta, output);
    }

    /// In passes of as many images as the device's limits allow (the whole split of 1,000 on
    /// any desktop GPU).
    fn keep_test_split(&mut self, input: &[f32], x: &[f32], eps: &[f32]) -> bool {
        let n = x.len() / PIXELS;
        let widest = (PIXELS + self.vae.classes).max(self.vae.hidden);
        let rows = self.gpu.fit_batch(n, widest);
        self.vae.keep_test_split(&self.gpu, input, x, eps, rows);
        true
    }

    fn read_scored(&self, losses: bool) -> DeviceRead {
        fault(self.vae.read_scored(&self.gpu, losses))
    }

    fn read_codes(&self) -> Option<DeviceRead> {
        Some(fault(self.vae.read_codes(&self.gpu)?))
    }

    fn decode(&mut self, z: &[f32], labels: &[f32]) -> Option<DevicePictures> {
        let decoding = self.vae.decode(&self.gpu, z, labels);
        Some(Box::pin(async move {
            decoding.await.map_err(|e| match e {
                GpuError::Lost => DeviceFault::Lost,
            })
        }))
    }
}

impl ReadDevice for VaeOnGpu {
    fn read(&self) -> DeviceRead {
        fault(self.vae.read(&self.gpu))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::max_abs_diff;
    use genlab_core::device::ComputePath;
    use genlab_core::lesson::LessonId;
    use genlab_core::protocol::{FromWorker, HistoryRow, LessonAnswer, LessonView, ToWorker};
    use genlab_core::session::Session;

    const QUERY: &str = "seed=4&hidden=64&batch=50";

    fn session(query: &str, gpu: Option<&Rc<Gpu>>) -> Session {
        use genlab_core::vae::data;
        if data::installed().is_none() {
            let digits = data::load_repo_asset().expect("the bundled digits");
            data::install(data::Source::Loaded(std::sync::Arc::new(digits)));
        }
        let mut s = Session::new();
        s.handle(ToWorker::Init {
            lesson: LessonId::Vae,
            query: query.into(),
        });
        if let Some(gpu) = gpu {
            s.set_accelerator(Ok(Rc::new(GpuAccelerator::new(gpu.clone()))));
        }
        s
    }

    fn run_to(s: &mut Session, step: u64) {
        s.handle(ToWorker::RunTo { step });
        s.run_blocking(10);
        assert_eq!(s.step(), step);
    }

    fn path(s: &mut Session) -> ComputePath {
        match s.snapshot(0.0) {
            FromWorker::Snapshot(snap) => match snap.view {
                LessonView::Vae(v) => v.path,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    /// Largest relative difference of the two runs' rows, column by column (NaN = NaN).
    fn worst(a: &[HistoryRow], b: &[HistoryRow]) -> f64 {
        assert_eq!(a.len(), b.len());
        let mut worst = 0.0f64;
        for (ra, rb) in a.iter().zip(b) {
            assert_eq!(ra.step, rb.step);
            for (x, y) in ra.values.iter().zip(&rb.values) {
                if x.is_nan() && y.is_nan() {
                    continue;
                }
                worst = worst.max((x - y).abs() / y.abs().max(1e-3));
            }
        }
        worst
    }

    /// The lesson's own session on the GPU — batches and ε drawn by the trainer, steps on the
    /// device, rows read back every 30 steps with the test split scored on the device — against
    /// the same URL on the CPU. Measured on lavapipe: the rows (losses, test losses, 5-NN
    /// accuracy, code spread) agree to 2.3e-7 over 90 steps; the bound leaves a margin of 400×.
    #[test]
    fn the_lesson_on_the_gpu_follows_the_cpu_run() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let mut on_gpu = session(&format!("{QUERY}&device=gpu"), Some(&gpu));
        assert!(matches!(
            path(&mut on_gpu),
            ComputePath::Gpu {
                batch_limited: None,
                ..
            }
        ));
        let mut on_cpu = session(QUERY, None);
        run_to(&mut on_gpu, 90);
        run_to(&mut on_cpu, 90);
        let diff = worst(on_gpu.recorded(), on_cpu.recorded());
        eprintln!("GPU vs CPU rows over 90 steps: worst relative difference {diff:e}");
        assert!(on_gpu.recorded().len() == 4);
        assert!(diff < 1e-4, "{diff}");
    }

    /// The last pictures of `lesson` at `query` run to step 60 — on `gpu` when given — and
    /// whether every view waited for the device's (none carried pictures): from the views on the
    /// CPU, from the answers that followed them on the GPU.
    fn pictures_at_pause<T>(
        lesson: LessonId,
        query: &str,
        gpu: Option<&Rc<Gpu>>,
        in_view: impl Fn(LessonView) -> Option<T>,
        in_answer: impl Fn(LessonAnswer) -> Option<Option<T>>,
    ) -> (T, bool) {
        session("", None); // installs the digits
        let mut s = Session::new();
        let query = match gpu {
            Some(_) => format!("{query}&device=gpu"),
            None => query.to_string(),
        };
        s.handle(ToWorker::Init { lesson, query });
        if let Some(gpu) = gpu {
            s.set_accelerator(Ok(Rc::new(GpuAccelerator::new(gpu.clone()))));
        }
        let mut out = s.handle(ToWorker::RunTo { step: 60 });
        out.extend(s.run_blocking(10));
        assert_eq!(s.step(), 60);
        let (mut pictures, mut views_waited) = (vec![], true);
        for m in out {
            match m {
                FromWorker::Snapshot(snap) => {
                    if let Some(p) = in_view(snap.view) {
                        views_waited = false;
                        pictures.push(p);
                    }
                }
                FromWorker::Answer(a) => {
                    pictures.extend(in_answer(a).map(|p| p.expect("a device")))
                }
                _ => {}
            }
        }
        for later in s.take_answers_due() {
            let answer = pollster::block_on(later);
            pictures.push(in_answer(answer).expect("pictures").expect("a device"));
        }
        (pictures.pop().expect("pictures were made"), views_waited)
    }

    /// The pictures of the VAE lesson training on the GPU are decoded there and follow each
    /// snapshot as an answer; at a pause they are the CPU run's pictures — the prior's grid
    /// (β = 1) and the grid spanning the codes (β = 0, from codes scored on the device), the
    /// reconstructions, samples and interpolation. Measured on lavapipe: pixels and the grid's
    /// axes agree to 1.9e-6; the bounds leave a margin of 50×.
    #[test]
    fn the_pictures_are_decoded_on_the_gpu_and_are_the_cpu_ones() {
        use genlab_core::vae::{VaeAnswer, VaeImages};
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let in_view = |v: LessonView| match v {
            LessonView::Vae(v) => v.images,
            other => panic!("{other:?}"),
        };
        let in_answer = |a: LessonAnswer| match a {
            LessonAnswer::Vae(VaeAnswer::Pictures(p)) => Some(p.map(|p| *p)),
            _ => None,
        };
        for query in [
            QUERY,
            "seed=4&hidden=64&batch=50&beta=0&ends=digits&from=3&to=8",
        ] {
            let run = |gpu| pictures_at_pause(LessonId::Vae, query, gpu, in_view, in_answer);
            let ((g, waited), (c, _)): ((VaeImages, _), _) = (run(Some(&gpu)), run(None));
            assert!(waited, "{query}: the GPU's views carry no pictures");
            let pixels = [
                max_abs_diff(&g.grid.0, &c.grid.0),
                max_abs_diff(&g.recon_out.0, &c.recon_out.0),
                max_abs_diff(&g.samples.0, &c.samples.0),
                max_abs_diff(&g.strip.0, &c.strip.0),
                max_abs_diff(&g.at_alpha.0, &c.at_alpha.0),
            ];
            let axes = max_abs_diff(&g.grid_z1.0, &c.grid_z1.0)
                .max(max_abs_diff(&g.grid_z2.0, &c.grid_z2.0));
            eprintln!("{query}: pixels {pixels:?}, axes {axes:e}");
            assert!(pixels.iter().all(|&d| d < 1e-4), "{query}: {pixels:?}");
            assert!(axes < 1e-4, "{query}: the grid's axes differ by {axes}");
            assert_eq!(g.recon_in, c.recon_in);
            assert_eq!(g.grid_from_prior, c.grid_from_prior);
            assert_eq!(g.grid.0.len(), 15 * 15 * 784);
        }
    }

    /// The conditional VAE's pictures on the GPU (its decoder reads the labels beside z: the
    /// grid of one class, the label swaps, the samples per class, the interpolation between two
    /// labelled digits) at a pause are the CPU run's. Measured on lavapipe: 1.8e-7; the bound
    /// leaves a margin of 50×.
    #[test]
    fn the_cvae_pictures_are_decoded_on_the_gpu_and_are_the_cpu_ones() {
        use genlab_core::cvae::{CvaeAnswer, CvaeImages};
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let in_view = |v: LessonView| match v {
            LessonView::ConditionalVae(v) => v.images,
            other => panic!("{other:?}"),
        };
        let in_answer = |a: LessonAnswer| match a {
            LessonAnswer::ConditionalVae(CvaeAnswer::Pictures(p)) => Some(p.map(|p| *p)),
            _ => None,
        };
        let query = "seed=2&hidden=64&batch=40&latent=3&class=7";
        let run = |gpu| pictures_at_pause(LessonId::ConditionalVae, query, gpu, in_view, in_answer);
        let ((g, waited), (c, _)): ((CvaeImages, _), _) = (run(Some(&gpu)), run(None));
        assert!(waited, "the GPU's views carry no pictures");
        let pixels = [
            max_abs_diff(&g.grid.0, &c.grid.0),
            max_abs_diff(&g.swap.0, &c.swap.0),
            max_abs_diff(&g.per_class.0, &c.per_class.0),
            max_abs_diff(&g.strip.0, &c.strip.0),
            max_abs_diff(&g.at_alpha.0, &c.at_alpha.0),
        ];
        eprintln!("CVAE pictures: {pixels:?}");
        assert!(pixels.iter().all(|&d| d < 1e-5), "{pixels:?}");
        assert_eq!(
            (g.class, &g.swap_labels, &g.swap_in),
            (c.class, &c.swap_labels, &c.swap_in)
        );
        assert_eq!(g.grid.0.len(), 15 * 15 * 784);
        // The arithmetic's four decodings stay on the CPU copy: the same to rounding.
        let (ga, ca) = (g.arithmetic.unwrap(), c.arithmetic.unwrap());
        assert!(max_abs_diff(&ga.image.0, &ca.image.0) < 1e-4);
    }

    /// The likelihood switched to a Gaussian mid-run (a uniform write on the running twin):
    /// the GPU's rows still follow the CPU's. Bound as above.
    #[test]
    fn a_likelihood_change_on_the_gpu_follows_the_cpu_run() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let change = "likelihood=gaussian&sigma_x=0.3";
        let mut on_gpu = run_with_change(LessonId::Vae, QUERY, Some(&gpu), change);
        let on_cpu = run_with_change(LessonId::Vae, QUERY, None, change);
        assert!(on_gpu.trainer().unwrap().query().contains("sigma_x=0.3"));
        let diff = worst(on_gpu.recorded(), on_cpu.recorded());
        eprintln!("Gaussian likelihood from step 50: worst relative difference {diff:e}");
        assert!(on_gpu.recorded().len() == 4);
        assert!(diff < 1e-4, "{diff}");
    }

    /// The conditional VAE lesson (the CVAE and the VAE beside it, a 3-D latent) on the GPU
    /// against the same URL on the CPU, with the likelihood changed mid-run. Bound as above.
    #[test]
    fn the_cvae_lesson_on_the_gpu_follows_the_cpu_run() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let (query, change) = (
            "seed=2&hidden=64&batch=40&latent=3",
            "likelihood=gaussian&sigma_x=0.4",
        );
        let on_gpu = run_with_change(LessonId::ConditionalVae, query, Some(&gpu), change);
        let on_cpu = run_with_change(LessonId::ConditionalVae, query, None, change);
        let diff = worst(on_gpu.recorded(), on_cpu.recorded());
        eprintln!("CVAE pair on the GPU over 100 steps: worst relative difference {diff:e}");
        assert_eq!(on_gpu.recorded().len(), 4);
        assert!(diff < 1e-4, "{diff}");
    }

    /// A device destroyed mid-run: the next read fails, the lesson goes back to its last read
    /// (step 30) and carries on on the CPU — the rows after it are the CPU's own steps from the
    /// GPU's parameters, so they stay within the GPU-vs-CPU tolerance of the CPU run.
    #[test]
    fn a_lost_gpu_hands_the_run_to_the_cpu() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let mut on_gpu = session(&format!("{QUERY}&device=gpu"), Some(&gpu));
        run_to(&mut on_gpu, 45);
        gpu.device.destroy();
        run_to(&mut on_gpu, 95);
        match path(&mut on_gpu) {
            ComputePath::Fallback { why, .. } => {
                assert_eq!(why, msg!("msg.gpu.lost", 45u64));
            }
            other => panic!("{other:?}"),
        }
        let mut on_cpu = session(QUERY, None);
        run_to(&mut on_cpu, 95);
        let diff = worst(on_gpu.recorded(), on_cpu.recorded());
        assert!(diff < 1e-4, "{diff}");
    }

    /// The exact posterior asked of both VAE lessons while they train on the GPU — a test digit
    /// and a drawn one: the grid runs on the device (`on_gpu`) and gives the CPU run's numbers
    /// at the same step, though 30 more training steps are queued on the device before the
    /// answer is awaited (the answer's decoder is its own copy). Measured on lavapipe: log p(x),
    /// ELBO, gap and the importance-weighted estimate agree to 4.7e-5 nats, the pictures to
    /// 2.3e-4 of their peak; the bounds leave a margin of 10×.
    #[test]
    fn the_exact_posterior_runs_on_the_gpu_and_gives_the_cpu_numbers() {
        use genlab_core::cvae::{CvaeAction, CvaeAnswer};
        use genlab_core::protocol::{Bulk, LessonAction, LessonAnswer};
        use genlab_core::vae::{PosteriorView, VaeAction, VaeAnswer};
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        session("", None); // installs the digits
                           // A "1": a thick vertical stroke on a 64 × 64 pad.
        let pad: Vec<f32> = (0..64 * 64)
            .map(|i| f32::from((20..80).contains(&(i / 64 + 8)) && (28..36).contains(&(i % 64))))
            .collect();
        let drawn = || Bulk(pad.clone());
        let posterior_of = |answer: &LessonAnswer| -> PosteriorView {
            match answer {
                LessonAnswer::Vae(VaeAnswer::Posterior(p)) => (**p).clone(),
                LessonAnswer::Vae(VaeAnswer::Drawn(d)) => d.posterior.clone(),
                LessonAnswer::ConditionalVae(CvaeAnswer::Posterior(p)) => (**p).clone(),
                LessonAnswer::ConditionalVae(CvaeAnswer::Drawn(d)) => {
                    d.posterior.clone().expect("a 2-D latent has one")
                }
                other => panic!("{other:?}"),
            }
        };
        let cases = [
            (
                LessonId::Vae,
                LessonAction::Vae(VaeAction::Posterior { index: 3 }),
            ),
            (
                LessonId::Vae,
                LessonAction::Vae(VaeAction::Drawn {
                    pad: drawn(),
                    width: 64,
                    height: 64,
                }),
            ),
            (
                LessonId::ConditionalVae,
                LessonAction::ConditionalVae(CvaeAction::Posterior { index: 3 }),
            ),
            (
                LessonId::ConditionalVae,
                LessonAction::ConditionalVae(CvaeAction::Drawn {
                    pad: drawn(),
                    width: 64,
                    height: 64,
                }),
            ),
        ];
        for (case, (lesson, action)) in cases.into_iter().enumerate() {
            let start = |device: Option<&Rc<Gpu>>| {
                let mut s = Session::new();
                let query = QUERY.to_string() + if device.is_some() { "&device=gpu" } else { "" };
                s.handle(ToWorker::Init { lesson, query });
                if let Some(gpu) = device {
                    s.set_accelerator(Ok(Rc::new(GpuAccelerator::new(gpu.clone()))));
                }
                run_to(&mut s, 30);
                s
            };
            let mut on_cpu = start(None);
            let cpu = match &on_cpu.handle(ToWorker::Act(action.clone()))[..] {
                [FromWorker::Answer(a)] => posterior_of(a),
                other => panic!("{other:?}"),
            };
            let mut on_gpu = start(Some(&gpu));
            assert!(on_gpu.handle(ToWorker::Act(action.clone())).is_empty());
            let later = on_gpu.take_answers_due();
            assert_eq!(later.len(), 1, "{lesson:?}: one answer on its way");
            run_to(&mut on_gpu, 60);
            let answer = pollster::block_on(later.into_iter().next().unwrap());
            let got = posterior_of(&answer);
            assert!(got.on_gpu && !cpu.on_gpu, "{lesson:?}: where the grid ran");
            let numbers = |p: &PosteriorView| [p.log_px, p.elbo, p.gap, p.iwae];
            let worst = numbers(&got)
                .iter()
                .zip(numbers(&cpu))
                .map(|(g, c)| (g - c).abs())
                .fold(0.0, f64::max);
            let peak = cpu.exact.0.iter().copied().fold(0.0f32, f32::max);
            let pictures = got
                .exact
                .0
                .iter()
                .zip(&cpu.exact.0)
                .map(|(g, c)| (g - c).abs() / peak)
                .fold(0.0f32, f32::max);
            eprintln!("case {case}, {lesson:?}: numbers {worst:e} nats, pictures {pictures:e}");
            assert!(
                worst < 5e-4,
                "{lesson:?}: {:?} vs {:?}",
                numbers(&got),
                numbers(&cpu)
            );
            assert!(pictures < 2e-3, "{lesson:?}: pictures differ by {pictures}");
            // The pictures' box follows the posterior's cells: the same to rounding.
            let corners = |p: &PosteriorView| [p.lo.0, p.lo.1, p.hi.0, p.hi.1];
            for (g, c) in corners(&got).iter().zip(corners(&cpu)) {
                assert!((g - c).abs() < 1e-4, "{lesson:?}: box {g} vs {c}");
            }
            assert_eq!(got.n, cpu.n);
        }
    }

    /// `lesson` at `query` — on `gpu` when given (the same URL asking for it) — run to step 50,
    /// `change` added to its address, run on to step 100.
    fn run_with_change(
        lesson: LessonId,
        query: &str,
        gpu: Option<&Rc<Gpu>>,
        change: &str,
    ) -> Session {
        session("", None); // installs the digits
        let mut s = Session::new();
        let query = match gpu {
            Some(_) => format!("{query}&device=gpu"),
            None => query.to_string(),
        };
        s.handle(ToWorker::Init { lesson, query });
        if let Some(gpu) = gpu {
            s.set_accelerator(Ok(Rc::new(GpuAccelerator::new(gpu.clone()))));
        }
        run_to(&mut s, 50);
        let q = format!("{}&{change}", s.trainer().unwrap().query());
        s.handle(ToWorker::Update { query: q });
        run_to(&mut s, 100);
        s
    }

    /// The MNIST RBM lesson on the GPU against the same URL on the CPU, CD-1 and PCD-2, with
    /// the learning rate changed mid-run: both paths draw their samples from one counter
    /// generator, so they agree to f32 rounding until a sample flips (a uniform within
    /// rounding of its probability). The rows' scores are computed on the device. Measured on
    /// lavapipe over 100 steps: rows agree to 4.9e-7 (CD-1) and 8.0e-8 (PCD-2); the bound
    /// leaves room for a flipped sample.
    #[test]
    fn the_mnist_rbm_on_the_gpu_follows_the_cpu_run() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        // The CPU side runs the row loops, the packed kernels' twin (they are checked against
        // each other in genlab-core): the packed kernels sum in blocks of 256 steps, with FMA
        // natively, so GPU and CPU then part by more than f32 rounding where training amplifies
        // it — a sampled unit near its probability flipped, and PCD-2 rows differed by 3.5e-3 (measured with the packed kernels on lavapipe).
        genlab_core::nn::gemm::set_kernel(genlab_core::nn::gemm::Kernel::RowLoops);
        for query in [
            "seed=2&hidden=32&batch=40",
            "seed=2&hidden=32&batch=40&method=pcd&k=2",
        ] {
            let run = |device: Option<&Rc<Gpu>>| {
                run_with_change(LessonId::RbmMnist, query, device, "lr=0.02")
                    .recorded()
                    .to_vec()
            };
            let diff = worst(&run(Some(&gpu)), &run(None));
            eprintln!("{query}: GPU vs CPU rows, worst relative difference {diff:e}");
            assert!(diff < 1e-4, "{query}: {diff}");
        }
    }

    /// The DBN on the GPU against the same URL on the CPU: layer 1 (CD-1) and the labelled top
    /// (CD-5, its softmax group drawn on the device) pre-train on the device from the digits
    /// (passed up there), each with its autoencoder; each freeze waits for its own read (60
    /// steps a layer: not at a row); the learning rate changes at step 50; the three
    /// classifiers fine-tune there to step 150, scored on the device. Both paths draw from one
    /// counter generator; the rows (reconstruction and free energy per layer, the autoencoder's
    /// loss, the three classifiers' accuracies) agree to f32 rounding while no sample flips.
    /// Measured on lavapipe: rows 1.5e-6, bounds 4.2e-9 relative; the bound leaves 68×.
    #[test]
    fn the_dbn_on_the_gpu_follows_the_cpu_run() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        // The row loops: see the MNIST RBM's test.
        genlab_core::nn::gemm::set_kernel(genlab_core::nn::gemm::Kernel::RowLoops);
        let query = "seed=2&h1=16&h2=20&batch=20&layer_steps=60";
        let run = |device: Option<&Rc<Gpu>>| {
            let mut s = run_with_change(LessonId::Dbn, query, device, "lr=0.02");
            run_to(&mut s, 150);
            let view = match s.snapshot(0.0) {
                FromWorker::Snapshot(snap) => match snap.view {
                    LessonView::Dbn(v) => v,
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            };
            if device.is_some() {
                assert!(
                    matches!(view.path, ComputePath::Gpu { .. }),
                    "{:?}",
                    view.path
                );
            }
            (
                s.recorded().to_vec(),
                view.bounds,
                view.generated.expect("the top trained").0,
            )
        };
        let ((on_gpu, gpu_bounds, gpu_pictures), (on_cpu, cpu_bounds, cpu_pictures)) =
            (run(Some(&gpu)), run(None));
        // The generator's chains stepped on the device from the same draws: its pictures.
        let pictures = crate::testing::max_abs_diff(&gpu_pictures, &cpu_pictures);
        eprintln!("generated pictures within {pictures:e}");
        assert!(pictures < 1e-4, "{pictures}");
        let diff = worst(&on_gpu, &on_cpu);
        eprintln!("{query}: GPU vs CPU rows, worst relative difference {diff:e}");
        eprintln!("bounds {gpu_bounds:?} vs {cpu_bounds:?}");
        assert!(diff < 1e-4, "{query}: {diff}");
        assert_eq!(gpu_bounds.len(), 2);
        for (a, b) in gpu_bounds.iter().zip(&cpu_bounds) {
            assert!(
                (a.value - b.value).abs() < 1e-3 * b.value.abs(),
                "{a:?} {b:?}"
            );
        }
    }

    /// The latent-shaping lesson on the GPU against the same URL on the CPU: every lane on the
    /// device, the adversarial one with its discriminator, with β, λ and
    /// the MMD's kernel changed mid-run; the rows score every lane's test codes (exact W₁,
    /// MMD², reconstruction). Measured on lavapipe over 100 steps: rows agree to 7.1e-6 — the
    /// adversarial lane's, whose discriminator is f32 here and f64 on the CPU; the other lanes'
    /// columns to 1.1e-7; the bound leaves a margin of 14×.
    #[test]
    fn the_shaping_lanes_on_the_gpu_follow_the_cpu_run() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let query = "seed=2&hidden=32&batch=24";
        let run = |device: Option<&Rc<Gpu>>| {
            let mut s = run_with_change(
                LessonId::Wae,
                query,
                device,
                "beta=0.5&mmd_lambda=300&kernel=rbf",
            );
            if device.is_some() {
                match s.snapshot(0.0) {
                    FromWorker::Snapshot(snap) => match snap.view {
                        LessonView::Wae(v) => {
                            assert!(matches!(v.path, ComputePath::Gpu { .. }), "{:?}", v.path);
                            assert!(v.cpu_lanes.is_empty(), "{:?}", v.cpu_lanes);
                        }
                        other => panic!("{other:?}"),
                    },
                    other => panic!("{other:?}"),
                }
            }
            s.recorded().to_vec()
        };
        let (on_gpu, on_cpu) = (run(Some(&gpu)), run(None));
        let diff = worst(&on_gpu, &on_cpu);
        eprintln!("{query}: GPU vs CPU rows, worst relative difference {diff:e}");
        assert!(diff < 1e-4, "{query}: {diff}");
    }

    /// The autoencoder lesson on the GPU against the same URL on the CPU: one contractive lane,
    /// and the five side-by-side lanes (plain, sparse, denoising with its noise drawn on the
    /// CPU, contractive, linear) on a one-hidden-layer tied sigmoid network, with λ changed
    /// mid-run; the rows score the kept sets on the device. Measured on lavapipe over 100
    /// steps: rows agree to 3.1e-6 and 8.3e-7; the bound leaves a margin of 30×. (With ReLU layers a unit sitting on its kink flips after
    /// ~100 steps and the sparsity share, a count, moves by one code value in 4,800: the
    /// family's ReLU steps are compared step by step in `autoencoder::tests` instead.)
    #[test]
    fn the_autoencoder_lanes_on_the_gpu_follow_the_cpu_run() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        for query in [
            "seed=2&code=24&batch=32&penalty=contractive&lambda=0.2",
            "seed=2&code=16&depth=1&width=64&tied=1&batch=24&compare=1",
        ] {
            let run = |device: Option<&Rc<Gpu>>| {
                let mut s = run_with_change(LessonId::Autoencoders, query, device, "lambda=0.5");
                if device.is_some() {
                    match s.snapshot(0.0) {
                        FromWorker::Snapshot(snap) => match snap.view {
                            LessonView::Autoencoders(v) => {
                                assert!(matches!(v.path, ComputePath::Gpu { .. }), "{:?}", v.path)
                            }
                            other => panic!("{other:?}"),
                        },
                        other => panic!("{other:?}"),
                    }
                }
                s.recorded().to_vec()
            };
            let diff = worst(&run(Some(&gpu)), &run(None));
            eprintln!("{query}: GPU vs CPU rows, worst relative difference {diff:e}");
            assert!(diff < 1e-4, "{query}: {diff}");
        }
    }
}
