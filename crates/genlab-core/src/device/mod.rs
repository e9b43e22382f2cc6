//! Training steps that run on another device (the GPU) without this crate knowing how.
//!
//! The host (the page's worker, the command-line tools) implements [`Accelerator`] with whatever
//! it has — `genlab-gpu` over WebGPU or Vulkan — and hands it to the session. A lesson that
//! supports a device keeps drawing its own batches and noise and only hands each step's inputs
//! to the device, so a run on either path is the same run. Results come back asynchronously
//! ([`DeviceRead`]): the session stops at the points where it needs them (a history row, a pause)
//! and the host awaits the read before it goes on.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::autoencoder::model::AeNet;
use crate::autoencoder::penalty::Penalty;
use crate::msg::Msg;
use crate::nn::Optimizer;
use crate::protocol::LessonAnswer;
use crate::rng::CounterRng;
use crate::vae::posterior::BatchLikelihood;
use crate::vae::VaeNet;
use crate::wae::lane::{Knobs, ShapingLane};

/// A read from the device, awaited by the host outside every borrow of the session.
pub type DeviceRead = Pin<Box<dyn Future<Output = Result<DeviceCopy, DeviceFault>>>>;

/// Pictures a device decoded (n × 784, values in [0, 1]), awaited like a read.
pub type DevicePictures = Pin<Box<dyn Future<Output = Result<Vec<f32>, DeviceFault>>>>;

/// Everything a device run holds that the CPU copy needs to carry on from it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceCopy {
    /// The model's parameters, in the CPU model's layout.
    pub params: Vec<f32>,
    /// The optimiser's moments and step count (empty and 0 for plain SGD).
    pub m: Vec<f32>,
    pub v: Vec<f32>,
    pub t: u64,
    /// Model-specific state beside the parameters (an RBM's persistent chains; an adversarial
    /// autoencoder's generator-phase Adam and discriminator, `wae::lane::AdversaryCopy`).
    pub extra: Vec<f32>,
    /// Per-step sums accumulated since the previous read (the VAE: reconstruction, KL), or
    /// counters beside `extra` (an adversarial autoencoder's step counts and last loss).
    pub sums: Vec<f64>,
    /// The test split passed through the copied parameters on the device, when the read asked
    /// for it ([`VaeDevice::read_scored`]).
    pub scores: Option<DeviceScores>,
    /// A read for the view alone — the autoencoders' parameters without `m` and `v`
    /// ([`AutoencoderDevice::read_weights`]), the VAEs' test codes without the parameters
    /// ([`VaeDevice::read_codes`]): not a state the CPU copy could carry the run on from.
    pub view_only: bool,
    /// Several models read together (a lesson's lanes, the DBN's classifiers): each one's
    /// parameters and moments, in order, kept apart — joined, half a million parameters a lane
    /// would be copied once to join them and again to cut them apart. `params`, `m` and `v`
    /// above are then empty; `extra`, `sums` and `scores` hold every model's, concatenated.
    pub lanes: Vec<DeviceCopy>,
}

/// The lesson's test split scored on the device at a read's parameters: what a history row
/// and the scatter need, so the lesson does not run the split through its CPU copy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceScores {
    /// Every test image's code μ (n × latent), in the split's order; a pair of models gives
    /// the first's codes, then the second's.
    pub codes: Vec<f32>,
    /// The split's summed loss terms, when the read asked for them — a VAE's [reconstruction,
    /// KL] per model, an RBM's [squared error, free energy] per set; empty otherwise.
    pub losses: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DeviceFault {
    /// The device is gone (driver reset, `destroy`, a tab in the background too long): what it
    /// held is lost; the lesson continues on the CPU from its last good copy.
    Lost,
}

/// Where a lesson's steps run, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ComputePath {
    Cpu,
    /// The GPU was asked for; the host has not answered yet (steps wait).
    Requesting,
    Gpu {
        adapter: String,
        /// The device's limits forced a smaller batch than the settings ask for.
        batch_limited: Option<(u32, u32)>,
    },
    /// The GPU was asked for and the CPU runs: why.
    Fallback {
        adapter: Option<String>,
        why: Msg,
    },
}

crate::choice_enum! {
    /// Where the settings ask a lesson to train. A choice, so it lives in the URL like every
    /// other setting.
    pub enum DeviceChoice { Cpu = "cpu", Gpu = "gpu" }
}

/// The host's device, offering device twins of the lessons' models.
pub trait Accelerator {
    /// The adapter's name, for the page.
    fn adapter(&self) -> String;
    /// The largest batch up to `requested` whose per-batch buffers (`floats_per_image` values
    /// per image) fit the device's limits.
    fn fit_batch(&self, requested: usize, floats_per_image: usize) -> usize;
    /// The VAE's twin, starting from `net` and `opt` (moments included), for batches of `batch`.
    fn vae(
        &self,
        net: &VaeNet<f32>,
        opt: &Optimizer<f32>,
        batch: usize,
        beta: f64,
    ) -> Box<dyn VaeDevice>;
    /// A binary RBM's twin with `visible` × `hidden` units from `params` (W ‖ b ‖ c), for
    /// batches of `batch` images and `k` Gibbs steps; PCD when `chains` (B × d) are given —
    /// the persistent chains it continues from.
    #[allow(clippy::too_many_arguments)] // the model's shape and its state
    fn rbm(
        &self,
        visible: usize,
        hidden: usize,
        params: &[f32],
        batch: usize,
        k: u32,
        chains: Option<&[f32]>,
    ) -> Box<dyn RbmDevice>;
    /// A DBN layer's RBM twin with the pass up through the frozen layers below it. `None`:
    /// this device has none, and the DBN trains on the CPU.
    fn dbn_layer(&self, _spec: &DbnLayerSpec<'_>) -> Option<Box<dyn DbnLayerDevice>> {
        None
    }
    /// The DBN's generator twin: chains (n × d) of the top RBM `top` (W ‖ b ‖ c; `shape` its
    /// visible units, hidden units and labels, last among the visible). `None`: the host
    /// steps the chains.
    fn generator(
        &self,
        _shape: (usize, usize, usize),
        _top: &[f32],
        _chains: &[f32],
    ) -> Option<Box<dyn GeneratorDevice>> {
        None
    }
    /// The DBN's fine-tuned classifiers' twin: nets of widths `sizes` (784 … 10), each from
    /// its parameters and Adam's state, for batches of `batch`; the test digits (m × 784) and
    /// their labels kept there for the accuracies. `None`: the CPU fine-tunes them.
    fn fine_tune(
        &self,
        _sizes: &[usize],
        _nets: &[(&[f32], &Optimizer<f32>)],
        _batch: usize,
        _test: &[f32],
        _test_labels: &[u8],
    ) -> Option<Box<dyn FineTuneDevice>> {
        None
    }
    /// A DBN layer's autoencoder twin: `layers` bottom up, each (d, H, W ‖ b ‖ c); the last
    /// trains, the ones below are frozen, for batches of `batch` digits. `None`: this device
    /// has none, and the autoencoders train on the CPU.
    fn stacked_autoencoder(
        &self,
        _layers: &[(usize, usize, &[f32])],
        _batch: usize,
    ) -> Option<Box<dyn StackedAeDevice>> {
        None
    }
    /// An autoencoder's twin (any member of the family: depth, tying, activations, output,
    /// `penalty`), starting from `net` and Adam's state in `opt`, for batches of `batch`.
    fn autoencoder(
        &self,
        net: &AeNet<f32>,
        penalty: Penalty,
        opt: &Optimizer<f32>,
        batch: usize,
    ) -> Box<dyn AutoencoderDevice>;
    /// A latent-shaping lane's twin (#/wae) starting from `lane` (weights, every optimiser,
    /// a discriminator's state) with `knobs`, for batches of `batch`. `None`: the device has no
    /// such twin, and the lane trains on the CPU beside the others.
    fn shaping_lane(
        &self,
        _lane: &ShapingLane,
        _knobs: &Knobs,
        _batch: usize,
    ) -> Option<Box<dyn ShapingDevice>> {
        None
    }
    /// `net`'s decoder as a batch likelihood log p(x|z) of image `x` (with one-hot `label` for a
    /// conditional net) at 2-D latent points, for the exact posterior's grid. The parameters
    /// are copied now: training steps queued later do not reach it. `None`: the device has no
    /// such pass, and the grid runs on the CPU.
    fn vae_likelihood(
        &self,
        _net: &VaeNet<f32>,
        _x: &[f32],
        _label: Option<u8>,
    ) -> Option<Box<dyn BatchLikelihood>> {
        None
    }
}

/// A lesson's answer to an action that a device computes: the host awaits it off the session
/// and sends it on when it comes (see [`crate::lesson::Trainer::act_later`]).
pub type AnswerLater = Pin<Box<dyn Future<Output = LessonAnswer>>>;

/// An autoencoder's Adam step on a device (`crate::autoencoder::model::AeNet<f32>` with
/// `nn::Optimizer<f32>` is the CPU twin). Steps are queued, never awaited. `read` gives the
/// parameters in `AeNet`'s layout and Adam's state; the lesson scores the copy itself.
pub trait AutoencoderDevice: ReadDevice {
    /// One step on the mean loss of the batch: `input` (B × input: corrupted for a denoising
    /// autoencoder, else the clean digits) reconstructed against `clean`.
    fn step(&mut self, input: &[f32], clean: &[f32], lr: f64);
    /// The regulariser on the code (kind and λ) from the next step on.
    fn set_penalty(&mut self, penalty: Penalty);
    /// Keeps image sets (each n × input) on the device so that reads can score them there.
    /// `false`: this device does not score, and the lesson scores its CPU copy.
    fn keep_scored_sets(&mut self, _sets: &[&[f32]]) -> bool {
        false
    }
    /// A read whose copy also carries the kept sets run through the copied parameters
    /// ([`DeviceCopy::scores`]): every kept image's code, set after set, and per set the
    /// summed −log p(x|y) and squared error (`AeNet::forward_loss` is the CPU twin).
    fn read_scored(&self) -> DeviceRead {
        self.read()
    }
    /// The parameters alone ([`DeviceCopy::view_only`]), for a view between the reads the
    /// run carries on from: a third of a full read, which also brings Adam's two moments. The
    /// default brings everything.
    fn read_weights(&self) -> DeviceRead {
        self.read()
    }
}

/// A latent-shaping lane's step on a device (`crate::wae::lane::ShapingLane::step` is the CPU
/// twin). Steps are queued, never awaited; `read` gives the parameters in `AeNet`'s layout and
/// Adam's state, and the adversarial lane's own state beside them (`AdversaryCopy`'s parts).
pub trait ShapingDevice: ReadDevice {
    /// One step on `batch` at learning rate `lr`.
    fn step(&mut self, batch: ShapingBatch<'_>, lr: f64);
    /// The regularisers' weights, the kernel and the discriminator's rate and steps from the
    /// next step on.
    fn set_knobs(&mut self, knobs: &Knobs);
}

/// One step's inputs for a latent-shaping lane, each used where the lane needs it.
#[derive(Clone, Copy)]
pub struct ShapingBatch<'a> {
    /// The digits (B × 784), reconstructed against themselves.
    pub x: &'a [f32],
    /// Their classes, and those of the prior samples (a supervised prior draws each from its
    /// image's class): what a discriminator that reads the label sees.
    pub labels: &'a [u8],
    /// A Gaussian code's noise (B × 2).
    pub eps: &'a [f32],
    /// Prior samples (B × 2): what the WAE's pull and the discriminator compare the codes with.
    pub prior: &'a [f32],
}

/// A binary RBM's CD-k / PCD-k update on a device (`crate::rbm::batched::BatchRbm` is the
/// CPU twin). Steps are queued, never awaited.
/// `read` gives the parameters (W ‖ b ‖ c) and the chains after the last step (`extra`, B × d).
pub trait RbmDevice: ReadDevice {
    /// One update on `batch` (B × d, values in {0, 1}) at learning rate `lr`, its Bernoulli
    /// draws taken from `rng` in the order the CPU twin takes them.
    fn step(&mut self, batch: &[f32], lr: f64, rng: &mut CounterRng);
    /// Keeps image sets (each m × d) on the device so that reads can score them there.
    /// `false`: this device does not score, and the lesson scores its CPU copy.
    fn keep_scored_sets(&mut self, _sets: &[&[f32]]) -> bool {
        false
    }
    /// A read whose copy also carries the kept sets scored at the copied parameters: in
    /// [`DeviceScores::losses`], each set's summed squared reconstruction error and summed free
    /// energy, set after set (`BatchRbm::score_sums` is the CPU twin).
    fn read_scored(&self) -> DeviceRead {
        self.read()
    }
}

/// What a DBN layer's twin is built from (`dbn::stack` is the CPU's).
pub struct DbnLayerSpec<'a> {
    /// The frozen RBMs below, bottom up: (d, H, W ‖ b ‖ c).
    pub frozen: &'a [(usize, usize, &'a [f32])],
    /// A frozen layer hands up a sample of its p(h | input) (one draw each), not p itself.
    pub samples: bool,
    /// The training RBM: visible and hidden units, the width of its softmax group (the
    /// labels, last among the visible units; 0 without), W ‖ b ‖ c.
    pub layer: (usize, usize, usize, &'a [f32]),
    pub batch: usize,
    /// Gibbs steps per update.
    pub k: u32,
    /// PCD: the chains to continue from (B × d; empty: from the first batch). `None`: CD.
    pub chains: Option<&'a [f32]>,
}

/// A DBN layer's RBM on a device, fed the digits: `dbn::stack::pass_up` through the frozen
/// layers, the labels beside the result at a labelled top, then `BatchRbm::cd_step` or
/// `dbn::stack::labelled_cd_step` — its CPU twins. Steps are queued, never awaited. `read`
/// gives the layer's parameters (W ‖ b ‖ c) and the chains after the last step (`extra`).
pub trait DbnLayerDevice: ReadDevice {
    /// One CD-k / PCD-k update on the digits `x` (B × 784) passed up, `labels` (B × group,
    /// one-hot; empty without a group) beside them, at rate `lr`; its draws from `rng` in the
    /// CPU's order — one per frozen layer when it hands up samples, then two per Gibbs step.
    fn step(&mut self, x: &[f32], labels: &[f32], lr: f64, rng: &mut CounterRng);
}

/// The DBN's generator on a device: the top RBM's chains with their labels held
/// (`dbn::stack::Generator::step` is the CPU twin). Steps are queued, never awaited. `read`
/// gives the last step's p(v | h) in `params` and the chains in `extra` (both n × d).
pub trait GeneratorDevice: ReadDevice {
    /// The top's parameters (W ‖ b ‖ c) the next steps use.
    fn set_top(&mut self, top: &[f32]);
    /// One Gibbs step, two draws of `rng`.
    fn step(&mut self, rng: &mut CounterRng);
}

/// The DBN's classifiers fine-tuned on a device, every net on each batch
/// (`dbn::classifier::SigmoidNet::gradient` and Adam are the CPU twins). Steps are queued,
/// never awaited. `read` gives every net's parameters and Adam moments, net after net, and the
/// step count.
pub trait FineTuneDevice: ReadDevice {
    /// One Adam step of every net on the digits `x` (B × 784) and their one-hot `labels`
    /// (B × 10) at rate `lr`.
    fn step(&mut self, x: &[f32], labels: &[f32], lr: f64);
    /// A read whose copy also carries each net's count of test digits classified right at the
    /// copied parameters ([`DeviceScores::losses`]; `SigmoidNet::predict` is the CPU twin).
    fn read_scored(&self) -> DeviceRead;
}

/// A DBN layer's greedy autoencoder on a device: the digits passed up through the frozen
/// autoencoders below (`dbn::stack::pass_up`'s probabilities), then `dbn::autoencoder::sgd_step`
/// — its CPU twin. Steps are queued, never awaited. `read` gives the training layer's
/// parameters (W ‖ b ‖ c) and, in `sums`, the last step's mean loss.
pub trait StackedAeDevice: ReadDevice {
    /// One gradient step on the digits `x` (B × 784) at rate `lr`.
    fn step(&mut self, x: &[f32], lr: f64);
}

/// A model on a device whose state can be read back.
pub trait ReadDevice {
    /// Everything the CPU copy needs, copied at this point of the device's queue.
    fn read(&self) -> DeviceRead;
}

/// A VAE training step on a device. Steps are queued, never awaited. `read` gives the
/// parameters, Adam's state, and [reconstruction, KL] summed since the previous read.
pub trait VaeDevice: ReadDevice {
    /// One Adam step on batch `x` (B × 784) with noise `eps` (B × latent); `input` is what
    /// the encoder reads: `x` itself, or each image with its one-hot label after it for a
    /// conditional net.
    fn step(&mut self, input: &[f32], x: &[f32], eps: &[f32], lr: f64);
    /// The KL weight and the reconstruction's likelihood (a Gaussian's σ) from the next step.
    fn set_loss(&mut self, beta: f64, output: crate::autoencoder::model::Output);
    /// Keeps the lesson's test split on the device so that reads can score it there: `input`
    /// as the encoder reads it, `x` the images (n × 784), `eps` the split's fixed noise
    /// (n × latent; the device uses zeros while β = 0). `false`: this device does not score,
    /// and the lesson scores its CPU copy.
    fn keep_test_split(&mut self, _input: &[f32], _x: &[f32], _eps: &[f32]) -> bool {
        false
    }
    /// A read whose copy also carries the kept test split scored at the copied parameters
    /// ([`DeviceCopy::scores`]): the codes, and the loss terms when `losses`.
    fn read_scored(&self, _losses: bool) -> DeviceRead {
        self.read()
    }
    /// The kept test split's codes alone, scored at this point of the queue
    /// ([`DeviceCopy::view_only`], the codes in [`DeviceScores::codes`]): what the scatter needs
    /// between history rows, when the pictures are decoded on the device too. No parameters,
    /// no moments, and the loss sums go on adding up for the next full read. `None`: this
    /// device keeps no split, and the lesson reads in full.
    fn read_codes(&self) -> Option<DeviceRead> {
        None
    }
    /// Decodes latent points (n × latent) into pictures with the parameters at this point of
    /// the device's queue; `labels` (n × classes, one-hot or soft) beside z for a conditional
    /// net, empty otherwise. `None`: the device has no such pass, and the lesson decodes its
    /// CPU copy.
    fn decode(&mut self, _z: &[f32], _labels: &[f32]) -> Option<DevicePictures> {
        None
    }
}

/// What a lesson that can train on a device keeps about it: the path the page shows, the
/// host's accelerator, and the run on it — the device, the batch it holds, the lesson's
/// counters as of the last read (`M`, what a lost device rewinds to) and the steps since.
pub struct OnDevice<D: ?Sized, M> {
    pub path: ComputePath,
    pub accelerator: Option<Rc<dyn Accelerator>>,
    run: Option<Run<D, M>>,
}

struct Run<D: ?Sized, M> {
    device: Box<D>,
    batch: usize,
    mark: M,
    unread: u64,
    /// Steps since the view last had a read (a full one, or one for the pictures alone).
    unviewed: u64,
}

impl<D: ?Sized + ReadDevice, M> OnDevice<D, M> {
    pub fn new(choice: DeviceChoice) -> Self {
        OnDevice {
            path: match choice {
                DeviceChoice::Cpu => ComputePath::Cpu,
                DeviceChoice::Gpu => ComputePath::Requesting,
            },
            accelerator: None,
            run: None,
        }
    }

    /// The host's answer. `Some`: the lesson builds its device twin and calls `start`.
    pub fn attach(
        &mut self,
        answer: Result<Rc<dyn Accelerator>, Msg>,
    ) -> Option<Rc<dyn Accelerator>> {
        match answer {
            Ok(accelerator) => {
                self.accelerator = Some(accelerator.clone());
                Some(accelerator)
            }
            Err(why) => {
                self.path = ComputePath::Fallback { adapter: None, why };
                None
            }
        }
    }

    /// Steps go to `device` from now on, `batch` images each (`wanted`: what the settings
    /// ask); `mark` is the lesson's state now.
    pub fn start(&mut self, device: Box<D>, batch: usize, wanted: usize, mark: M) {
        self.path = ComputePath::Gpu {
            adapter: self
                .accelerator
                .as_ref()
                .map(|a| a.adapter())
                .unwrap_or_default(),
            batch_limited: (batch < wanted).then_some((batch as u32, wanted as u32)),
        };
        self.run = Some(Run {
            device,
            batch,
            mark,
            unread: 0,
            unviewed: 0,
        });
    }

    /// The device's part of the run is over and later steps run on the CPU by design (a DBN's
    /// fine-tuning): the page still names the adapter the earlier part ran on.
    pub fn finish(&mut self) {
        self.run = None;
        if let Some(accelerator) = &self.accelerator {
            self.path = ComputePath::Gpu {
                adapter: accelerator.adapter(),
                batch_limited: None,
            };
        }
    }

    /// The device, if steps run on one.
    pub fn device(&mut self) -> Option<&mut D> {
        self.run.as_mut().map(|r| &mut *r.device)
    }

    /// The device, if steps run on one, to read from.
    pub fn device_ref(&self) -> Option<&D> {
        self.run.as_ref().map(|r| &*r.device)
    }

    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// The accelerator steps run on, if they run on one (a lesson answers on it too).
    pub fn training_on(&self) -> Option<Rc<dyn Accelerator>> {
        self.run.as_ref().and(self.accelerator.clone())
    }

    /// The batch the device holds.
    pub fn batch(&self) -> Option<usize> {
        self.run.as_ref().map(|r| r.batch)
    }

    /// A step was queued on the device.
    pub fn count_step(&mut self) {
        if let Some(r) = self.run.as_mut() {
            r.unread += 1;
            r.unviewed += 1;
        }
    }

    pub fn unread(&self) -> u64 {
        self.run.as_ref().map_or(0, |r| r.unread)
    }

    /// Steps the view has not seen: since the last read of either kind.
    pub fn unviewed(&self) -> u64 {
        self.run.as_ref().map_or(0, |r| r.unviewed)
    }

    pub fn read(&self) -> Option<DeviceRead> {
        self.run.as_ref().map(|r| r.device.read())
    }

    /// The state as of the last read (what `read_taken` last stored).
    pub fn mark(&self) -> Option<&M> {
        self.run.as_ref().map(|r| &r.mark)
    }

    /// A read was taken into the CPU copy: `mark` is the lesson's state now.
    pub fn read_taken(&mut self, mark: M) {
        if let Some(r) = self.run.as_mut() {
            r.unread = 0;
            r.unviewed = 0;
            r.mark = mark;
        }
    }

    /// A read for the view alone was taken: the mark and the unread steps stay as they were.
    pub fn view_taken(&mut self) {
        if let Some(r) = self.run.as_mut() {
            r.unviewed = 0;
        }
    }

    /// The device is gone: the page is told, steps run on the CPU from now on, and the
    /// lesson gets back the state of the last read to rewind to. `steps_at`: its step count.
    pub fn lost(&mut self, steps_at: impl Fn(&M) -> u64) -> Option<M> {
        let run = self.run.take()?;
        self.accelerator = None;
        let adapter = match &self.path {
            ComputePath::Gpu { adapter, .. } => Some(adapter.clone()),
            _ => None,
        };
        self.path = ComputePath::Fallback {
            adapter,
            why: crate::msg!("msg.gpu.lost", steps_at(&run.mark)),
        };
        Some(run.mark)
    }
}

/// The `Trainer` device hooks every digit lesson with an [`OnDevice`] fills the same way, written
/// once: the lesson's settings are `self.s` (with a `device` choice), its link is `self.device`,
/// `self.start_device()` builds its twins, and a playing view asks for a read once `$refresh`
/// steps are unread. Used inside `impl Trainer for …`; `take_read` stays the lesson's own.
macro_rules! on_device_hooks {
    ($refresh:expr) => {
        $crate::device::on_device_hooks!($refresh, own_read);

        fn read_device(&self) -> Option<$crate::device::DeviceRead> {
            self.device.read()
        }
    };
    // A lesson that says what each read carries writes `read_device` itself.
    ($refresh:expr, own_read) => {
        fn wants_device(&self) -> bool {
            self.s.device == $crate::device::DeviceChoice::Gpu
        }

        fn attach(
            &mut self,
            device: Result<std::rc::Rc<dyn $crate::device::Accelerator>, $crate::msg::Msg>,
        ) {
            if self.device.attach(device).is_some() {
                self.start_device();
            }
        }

        fn unread_steps(&self) -> u64 {
            self.device.unread()
        }

        fn view_behind(&self) -> bool {
            self.device.unviewed() >= $refresh
        }
    };
}
pub(crate) use on_device_hooks;

/// Waits for `future` by parking this thread: the native hosts' way to await a read (the CLI,
/// tests). The page's worker awaits on the browser's event loop instead.
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(value) => return value,
            Poll::Pending => std::thread::park(),
        }
    }
}

#[cfg(test)]
mod tests;
