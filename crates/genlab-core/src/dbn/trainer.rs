//! The DBN's trainer. One step counter drives the whole run, so a URL replays it:
//! - steps [ℓS, (ℓ+1)S): layer ℓ trains (S = `layer_steps`) — the RBM by CD-k / PCD-k on the
//!   batch passed up through the frozen layers below (the top one with its labels beside it),
//!   and the autoencoder of the same layer, from the same weights, on the same batch passed up
//!   through its own stack; when a layer freezes, log p(v) (one layer) or the lower bound (more)
//!   is measured on the scored test digits;
//! - once the top layer trains, the generator's chains take one Gibbs step per step;
//! - after the last layer: three classifiers — from the RBM stack, from the autoencoder stack,
//!   from random weights — fine-tuned by Adam on the same batches of the labelled digits.
//!
//! On a device (`device=gpu`) every part steps on its twin (`on_device`), drawing from the
//! same counter-based streams; the host draws the batches, reads back at rows and when a layer
//! freezes (the freeze waits for that read), and computes the freezes' exact answers from the
//! read copies. The generator steps with the top's parameters as of its last row on both
//! paths, so it needs no read per step.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::autoencoder::{self, AeWork};
use super::classifier::{NetWork, SigmoidNet, CLASSES};
use super::stack::{self, Generator, TopWork, LABELS};
use super::{DbnSettings, PassUp};
use crate::device::{ComputePath, DeviceCopy, DeviceFault, DeviceRead, OnDevice};
use crate::digits::EpochBatcher;
use crate::lesson::{update_settings, StepPart, Trainer};
use crate::msg;
use crate::msg::Msg;
use crate::nn::{Optimizer, OptimizerKind};
use crate::protocol::{Bulk, LessonView};
use crate::rbm::batched::{BatchRbm, CdWork};
use crate::rbm::log_z::{self, likelihood_report, LikelihoodReport, LogZ, RbmRef};
use crate::rbm_mnist::Chains;
use crate::rng::{CounterRng, Rng};
use crate::runfile::{self, expect_finite, expect_len, packed};
use crate::settings::Notice;
use crate::vae::data::{self, Digits, PIXELS};

pub const METRICS: &[&str] = &[
    "recon_1",
    "recon_2",
    "recon_3",
    "free_1",
    "free_2",
    "free_3",
    "ae_loss",
    "acc_dbn",
    "acc_ae",
    "acc_random",
    "epoch",
];

/// Units of each layer drawn as pictures.
pub const FILTERS_SHOWN: usize = 20;
/// Generator chains per label.
pub const GEN_PER_LABEL: usize = 8;
const RECORD_EVERY: u64 = 50;
/// A device run reads back at least this often while playing (the filters).
const REFRESH_EVERY: u64 = 10;
/// Digits of each split the rows and bounds score.
const SCORED: usize = 500;
/// Draws of the hidden layers per digit in the lower bound's expectation.
const BOUND_SAMPLES: usize = 4;

/// Where the run stands.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Phase {
    /// Layer (0-based) training, and its steps so far.
    Pretraining {
        layer: u32,
        step: u32,
    },
    FineTuning {
        step: u64,
    },
}

/// log p(v) of the first `layers` layers as a DBN, measured when the top of them froze: exact
/// (one layer, log Z exact) or the lower bound (more layers), with how its log Z was obtained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerBound {
    pub layers: u32,
    pub step: u64,
    pub log_z: LogZ,
    /// Mean over the scored test digits, nats.
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DbnView {
    /// Hidden units per layer, bottom up.
    pub sizes: Vec<u32>,
    pub phase: Phase,
    pub epoch: f64,
    /// Per layer trained so far: [`FILTERS_SHOWN`] units as pixels, and the colour scale.
    pub filters: Vec<Bulk>,
    pub filter_ranges: Vec<f64>,
    /// The generator's pictures (10 labels × [`GEN_PER_LABEL`] × 784), once the top trains.
    pub generated: Option<Bulk>,
    /// Layer 1's log-likelihood report, once it froze.
    pub likelihood: Option<LikelihoodReport>,
    pub bounds: Vec<LayerBound>,
    /// Labelled digits the classifiers are fine-tuned on.
    pub labelled: u32,
    /// Where the lesson trains.
    pub path: ComputePath,
}

/// Grey byte → pixel on when at least half-bright (as the RBM-on-MNIST lesson).
fn binary(p: u8) -> f32 {
    (p >= 128) as u8 as f32
}

#[derive(Clone, Serialize, Deserialize)]
struct Progress {
    #[serde(flatten)]
    batcher: EpochBatcher,
    labelled: EpochBatcher,
    /// The layers' Gibbs draws and passed-up samples: the counter-based generator a device's
    /// kernels share, so a layer trained there draws what the CPU would.
    sampler: CounterRng,
    /// The generator's draws: a counter-based stream of its own, so a device's twin draws them
    /// too.
    generator_rng: CounterRng,
    steps: u64,
}

/// One of the fine-tuned classifiers with its optimiser.
#[derive(Clone)]
struct Lane {
    net: SigmoidNet<f32>,
    opt: Optimizer<f32>,
}

impl Lane {
    fn new(net: SigmoidNet<f32>) -> Self {
        let n = net.params.len();
        Lane {
            net,
            opt: Optimizer::new(OptimizerKind::Adam, n, 0.9),
        }
    }
}

pub struct DbnTrainer {
    s: DbnSettings,
    digits: Result<Arc<Digits>, Msg>,
    sizes: Vec<usize>,
    rbms: Vec<BatchRbm<f32>>,
    aes: Vec<BatchRbm<f32>>,
    /// PCD's persistent chains of the layer in training.
    chains: Option<Vec<f32>>,
    generator: Option<Generator>,
    /// The top RBM the generator steps with: as of its last history row (or its first step)
    /// while it trains, the frozen one after.
    gen_top: Option<BatchRbm<f32>>,
    /// What the phase runs on the device (`on_device`); what a lost device rewinds to is the
    /// state at the last read.
    device: OnDevice<DbnTwins, DbnState>,
    device_layer: usize,
    /// The classifiers' test accuracies the device scored at the row of this step.
    device_accuracies: Option<(u64, Vec<f64>)>,
    /// A layer whose last step ran on the device: it freezes when the read arrives.
    pending_freeze: Option<usize>,
    /// From the RBM stack, the autoencoder stack, random weights (once fine-tuning starts).
    lanes: Vec<Lane>,
    likelihood: Option<LikelihoodReport>,
    bounds: Vec<LayerBound>,
    progress: Progress,
    last_ae_loss: f64,
    // Fixed data.
    train_eval: Vec<f32>,
    train_eval_labels: Vec<u8>,
    test_eval: Vec<f32>,
    test_eval_labels: Vec<u8>,
    test_all: Vec<f32>,
    test_all_labels: Vec<u8>,
    labelled_count: usize,
    // Buffers.
    work: CdWork<f32>,
    top_work: TopWork,
    ae_work: AeWork<f32>,
    net_work: NetWork<f32>,
}

impl DbnTrainer {
    pub fn new(s: DbnSettings) -> Self {
        Self::with_digits(s, data::installed_digits())
    }

    pub fn with_digits(s: DbnSettings, digits: Result<Arc<Digits>, Msg>) -> Self {
        let sizes = s.sizes();
        let mut init = Rng::stream(s.seed as u64, 0);
        let mut rbms = vec![];
        let mut width = PIXELS;
        for (l, &h) in sizes.iter().enumerate() {
            let top = l + 1 == sizes.len();
            let d = width + if top && s.labels { LABELS } else { 0 };
            rbms.push(BatchRbm::<f32>::new(d, h, &mut init));
            width = h;
        }
        // The autoencoders start from the RBMs' weights (their label rows left out).
        let aes = rbms
            .iter()
            .zip(std::iter::once(PIXELS).chain(sizes.iter().copied()))
            .map(|(rbm, d_in)| {
                let mut ae = BatchRbm::<f32>::new(d_in, rbm.h, &mut Rng::new(0));
                ae.params[..d_in * rbm.h].copy_from_slice(&rbm.params[..d_in * rbm.h]);
                ae
            })
            .collect();
        let pick = |idx: &[usize], d: &Digits| -> (Vec<f32>, Vec<u8>) {
            (
                idx.iter()
                    .flat_map(|&i| d.image(i).iter().map(|&p| binary(p)))
                    .collect(),
                idx.iter().map(|&i| d.labels[i]).collect(),
            )
        };
        let (mut train_eval, mut train_eval_labels) = (vec![], vec![]);
        let (mut test_eval, mut test_eval_labels) = (vec![], vec![]);
        let (mut test_all, mut test_all_labels) = (vec![], vec![]);
        let (mut train, mut labelled) = (vec![], vec![]);
        if let Ok(d) = &digits {
            train = d.train.clone();
            (train_eval, train_eval_labels) = pick(&d.train[..SCORED.min(d.train.len())], d);
            let step = (d.test.len() / SCORED).max(1);
            let spread: Vec<usize> = d.test.iter().copied().step_by(step).take(SCORED).collect();
            (test_eval, test_eval_labels) = pick(&spread, d);
            (test_all, test_all_labels) = pick(&d.test, d);
            // The labelled digits: the first of the training split in a seeded shuffle.
            let mut order = d.train.clone();
            Rng::stream(s.seed as u64, 3).shuffle(&mut order);
            order.truncate(s.labelled as usize);
            labelled = order;
        }
        let labelled_count = labelled.len();
        DbnTrainer {
            chains: (s.chains == Chains::Pcd).then(Vec::new),
            generator: None,
            gen_top: None,
            device: OnDevice::new(s.device),
            device_layer: 0,
            device_accuracies: None,
            pending_freeze: None,
            lanes: vec![],
            likelihood: None,
            bounds: vec![],
            progress: Progress {
                batcher: EpochBatcher::new(train, Rng::stream(s.seed as u64, 1)),
                labelled: EpochBatcher::new(labelled, Rng::stream(s.seed as u64, 4)),
                sampler: CounterRng::new(s.seed),
                generator_rng: CounterRng::new(crate::rng::counter_key(s.seed, 5)),
                steps: 0,
            },
            last_ae_loss: f64::NAN,
            sizes,
            rbms,
            aes,
            train_eval,
            train_eval_labels,
            test_eval,
            test_eval_labels,
            test_all,
            test_all_labels,
            labelled_count,
            work: CdWork::default(),
            top_work: TopWork::default(),
            ae_work: AeWork::default(),
            net_work: NetWork::default(),
            digits,
            s,
        }
    }

    fn layer_steps(&self) -> u64 {
        self.s.layer_steps as u64
    }

    fn pretraining_steps(&self) -> u64 {
        self.layer_steps() * self.sizes.len() as u64
    }

    pub fn phase(&self) -> Phase {
        let steps = self.progress.steps;
        if steps < self.pretraining_steps() {
            Phase::Pretraining {
                layer: (steps / self.layer_steps()) as u32,
                step: (steps % self.layer_steps()) as u32,
            }
        } else {
            Phase::FineTuning {
                step: steps - self.pretraining_steps(),
            }
        }
    }

    fn top(&self) -> usize {
        self.sizes.len() - 1
    }

    /// The labels' group width on layer `l` (the top, when labels are on).
    fn tail(&self, l: usize) -> usize {
        if l == self.top() && self.s.labels {
            LABELS
        } else {
            0
        }
    }

    /// `x`'s rows passed up to layer `l`'s input: probabilities through the frozen layers,
    /// labels appended on a labelled top.
    fn input_of(&self, l: usize, x: &[f32], labels: &[u8]) -> Vec<f32> {
        let up = stack::pass_up(&self.rbms[..l], x, PassUp::Probabilities, &mut Rng::new(0));
        if self.tail(l) > 0 {
            stack::with_labels(&up, self.rbms[l].d - LABELS, labels)
        } else {
            up
        }
    }

    /// The next batch of training digits and their labels (as many as the device holds).
    fn batch(&mut self, digits: &Digits, from_labelled: bool) -> (Vec<f32>, Vec<u8>) {
        let n = self.device.batch().unwrap_or(self.s.batch as usize);
        let (mut x, mut y) = (Vec::with_capacity(n * PIXELS), Vec::with_capacity(n));
        for _ in 0..n {
            let i = if from_labelled {
                self.progress.labelled.next_index()
            } else {
                self.progress.batcher.next_index()
            };
            x.extend(digits.image(i).iter().map(|&p| binary(p)));
            y.push(digits.labels[i]);
        }
        (x, y)
    }

    fn pretrain_step(&mut self, l: usize, digits: &Digits) -> Result<(), Msg> {
        let (x, y) = self.batch(digits, false);
        let tail = self.tail(l);
        let mut ae_on_device = false;
        if let Some(twins) = self.device.device() {
            // The device passes the digits up itself; the labels go beside them one-hot.
            let one_hot: Vec<f32> = match tail {
                0 => vec![],
                _ => y.iter().flat_map(|&c| data::one_hot(c)).collect(),
            };
            let layer = twins.layer.as_mut().expect("a pre-training twin");
            layer.step(&x, &one_hot, self.s.lr, &mut self.progress.sampler);
            if let Some(ae) = twins.ae.as_mut() {
                ae.step(&x, self.s.lr);
                ae_on_device = true;
            }
            self.device.count_step();
        } else {
            // The RBM's data: the batch through the frozen RBMs, as probabilities or samples.
            let up = stack::pass_up(
                &self.rbms[..l],
                &x,
                self.s.pass_up,
                &mut self.progress.sampler,
            );
            let v0 = match tail {
                0 => up,
                _ => stack::with_labels(&up, self.rbms[l].d - LABELS, &y),
            };
            self.cpu_cd_step(l, &v0, self.gibbs_steps(l))?;
        }
        // The autoencoder of this layer, on the batch through its own (deterministic) stack.
        if ae_on_device {
            return Ok(());
        }
        let codes = stack::pass_up(&self.aes[..l], &x, PassUp::Probabilities, &mut Rng::new(0));
        self.last_ae_loss =
            autoencoder::sgd_step(&mut self.aes[l], &codes, self.s.lr, &mut self.ae_work);
        if !self.last_ae_loss.is_finite() {
            return Err(self.diverged(l));
        }
        Ok(())
    }

    fn gibbs_steps(&self, l: usize) -> u32 {
        if l == self.top() {
            self.s.top_k
        } else {
            self.s.k
        }
    }

    fn diverged(&self, l: usize) -> Msg {
        msg!(
            "msg.dbn.nan",
            (l + 1) as u64,
            self.progress.steps,
            self.s.lr
        )
    }

    /// Layer `l`'s CD-k / PCD-k update on the CPU.
    fn cpu_cd_step(&mut self, l: usize, v0: &[f32], k: u32) -> Result<(), Msg> {
        let tail = self.tail(l);
        let recon = if tail > 0 {
            stack::labelled_cd_step(
                &mut self.rbms[l],
                tail,
                v0,
                k,
                self.s.lr,
                self.chains.as_mut(),
                &mut self.progress.sampler,
                &mut self.top_work,
            )
        } else {
            self.rbms[l].cd_step(
                v0,
                k,
                self.s.lr,
                self.chains.as_mut(),
                &mut self.progress.sampler,
                &mut self.work,
            )
        };
        if !recon.is_finite() || self.rbms[l].params.iter().any(|p| !p.is_finite()) {
            return Err(self.diverged(l));
        }
        Ok(())
    }

    /// When layer `l` has just frozen: layer 1's log-likelihood report, or the bound of the
    /// stack up to `l` as a DBN; the next layer's chains start afresh.
    fn freeze(&mut self, l: usize) {
        let steps = self.progress.steps;
        let mut rng = Rng::stream(self.s.seed as u64, 1_000 + steps);
        if l == 0 {
            if self.tail(0) == 0 {
                let report = likelihood_report(
                    &self.rbms[0],
                    &self.train_eval,
                    &self.test_eval,
                    steps,
                    &mut rng,
                );
                self.bounds.push(LayerBound {
                    layers: 1,
                    step: steps,
                    log_z: report.log_z.clone(),
                    value: report.test_ll,
                });
                self.likelihood = Some(report);
            }
        } else {
            let tail = self.tail(l);
            let base_data = self.input_of(l, &self.train_eval, &self.train_eval_labels);
            let log_z = log_z::log_z(RbmRef::new(&self.rbms[l], tail), &base_data, &mut rng);
            let value = stack::lower_bound(
                &self.rbms[..=l],
                tail,
                log_z.value(),
                &self.test_eval,
                BOUND_SAMPLES,
                &mut rng,
            );
            self.bounds.push(LayerBound {
                layers: l as u32 + 1,
                step: steps,
                log_z,
                value,
            });
        }
        if let Some(c) = self.chains.as_mut() {
            c.clear();
        }
        if l == self.top() {
            // The classifiers exist from here, so their curves start at the same step.
            self.start_fine_tuning();
            self.snapshot_top();
        }
    }

    fn start_fine_tuning(&mut self) {
        let mut widths = vec![PIXELS];
        widths.extend(&self.sizes);
        widths.push(CLASSES);
        // The three softmax layers start equal; the random lane's hidden layers from a stream
        // of their own.
        let out_rng = Rng::stream(self.s.seed as u64, 6);
        let dbn = SigmoidNet::from_stack(&self.rbms, &widths, &mut out_rng.clone());
        let ae = SigmoidNet::from_stack(&self.aes, &widths, &mut out_rng.clone());
        let mut random = SigmoidNet::random(&widths, &mut Rng::stream(self.s.seed as u64, 7));
        let n = random.params.len();
        random.params[n - (widths[widths.len() - 2] + 1) * CLASSES..]
            .copy_from_slice(&dbn.params[n - (widths[widths.len() - 2] + 1) * CLASSES..]);
        self.lanes = vec![Lane::new(dbn), Lane::new(ae), Lane::new(random)];
    }

    fn fine_tune_step(&mut self, digits: &Digits) -> Result<(), Msg> {
        let (x, y) = self.batch(digits, true);
        if let Some(twins) = self.device.device() {
            let one_hot: Vec<f32> = y.iter().flat_map(|&c| data::one_hot(c)).collect();
            let tune = twins.tune.as_mut().expect("a fine-tuning twin");
            tune.step(&x, &one_hot, self.s.ft_lr);
            self.device.count_step();
            return Ok(());
        }
        for lane in &mut self.lanes {
            lane.net.gradient(&x, &y, &mut self.net_work);
            lane.opt
                .step(&mut lane.net.params, &self.net_work.d_params, self.s.ft_lr);
            if lane.net.params.iter().any(|p| !p.is_finite()) {
                return Err(msg!(
                    "msg.dbn.finetune_nan",
                    self.progress.steps,
                    self.s.ft_lr
                ));
            }
        }
        Ok(())
    }

    /// Mean squared reconstruction error and mean free energy of layer `l` on the scored
    /// test digits passed up to it.
    fn score_layer(&self, l: usize) -> (f64, f64) {
        let v = self.input_of(l, &self.test_eval, &self.test_eval_labels);
        let rbm = &self.rbms[l];
        let n = v.len() / rbm.d;
        let (mut ph, mut pv) = (vec![], vec![]);
        rbm.hidden_probs(&v, n, &mut ph);
        rbm.visible_probs(&ph, n, &mut pv);
        let recon = v
            .iter()
            .zip(&pv)
            .map(|(&a, &b)| ((a - b) as f64).powi(2))
            .sum::<f64>()
            / n as f64;
        let free = log_z::free_energies(RbmRef::new(rbm, self.tail(l)), &v);
        (recon, free.iter().sum::<f64>() / n as f64)
    }

    /// Test accuracy of each fine-tuned lane over the whole test split.
    fn accuracies(&mut self) -> Vec<f64> {
        let mut out = vec![];
        for lane in &self.lanes {
            let predicted = lane.net.predict(&self.test_all, &mut self.net_work);
            let right = predicted
                .iter()
                .zip(&self.test_all_labels)
                .filter(|(a, b)| a == b)
                .count();
            out.push(right as f64 / predicted.len().max(1) as f64);
        }
        out
    }

    fn step_generator(&mut self, tail: usize) {
        if let Some(twin) = self.device.device().and_then(|t| t.generator.as_mut()) {
            twin.step(&mut self.progress.generator_rng);
        } else if let (Some(g), Some(top)) = (self.generator.as_mut(), self.gen_top.as_ref()) {
            g.step(top, tail, &mut self.progress.generator_rng);
        }
    }

    /// The top's parameters the generator steps with from now on, here and on the device.
    fn snapshot_top(&mut self) {
        let top = self.rbms[self.top()].clone();
        if let Some(twin) = self.device.device().and_then(|t| t.generator.as_mut()) {
            twin.set_top(&top.params);
        }
        self.gen_top = Some(top);
    }

    /// The layers that have started training (all of them once fine-tuning runs).
    fn started(&self) -> usize {
        match self.phase() {
            Phase::Pretraining { layer, .. } => layer as usize + 1,
            Phase::FineTuning { .. } => self.sizes.len(),
        }
    }
}

#[derive(Clone, Serialize, Deserialize)]
struct DbnState {
    rbms: Vec<Packed>,
    aes: Vec<Packed>,
    #[serde(with = "packed")]
    chains: Vec<f32>,
    generator: Option<Generator>,
    gen_top: Option<Packed>,
    lanes: Vec<SavedLane>,
    likelihood: Option<LikelihoodReport>,
    bounds: Vec<LayerBound>,
    last_ae_loss: f64,
    #[serde(flatten)]
    progress: Progress,
}

#[derive(Clone, Serialize, Deserialize)]
struct Packed(#[serde(with = "packed")] Vec<f32>);

#[derive(Clone, Serialize, Deserialize)]
struct SavedLane {
    #[serde(with = "packed")]
    params: Vec<f32>,
    opt: Optimizer<f32>,
}

impl crate::lesson::LessonDef for DbnTrainer {
    type Settings = DbnSettings;
    type View = DbnView;
    type Action = crate::lesson::NoAction;
    type Answer = crate::lesson::NoAction;
    const METRICS: &'static [&'static str] = METRICS;
    const ASSETS: &'static [crate::lesson::Asset] = &[crate::lesson::Asset::Digits];
    fn new(settings: DbnSettings) -> Self {
        DbnTrainer::new(settings)
    }
}

impl Trainer for DbnTrainer {
    fn metric_names(&self) -> &'static [&'static str] {
        METRICS
    }

    fn steps(&self) -> u64 {
        self.progress.steps
    }

    fn blocked(&self) -> Option<Msg> {
        self.digits
            .as_ref()
            .err()
            .map(|why| msg!("msg.vae.load_failed", why.clone()))
    }

    fn step(&mut self, _part: StepPart) -> Result<(), Msg> {
        if self.progress.batcher.is_empty() {
            return Err(msg!("msg.vae.no_training"));
        }
        let digits = self.digits.as_ref().map_err(|e| e.clone())?.clone();
        let top = self.top();
        let tail = self.tail(top);
        match self.phase() {
            Phase::Pretraining { layer, step } => {
                let l = layer as usize;
                if l == top {
                    if step == 0 || self.progress.steps.is_multiple_of(RECORD_EVERY) {
                        // A row's read (or the layer's start) made this copy current.
                        self.snapshot_top();
                    }
                    if self.generator.is_none() {
                        self.generator = Some(Generator::new(
                            self.rbms[l].d,
                            tail,
                            GEN_PER_LABEL,
                            &mut self.progress.generator_rng,
                        ));
                        let twin = self
                            .device
                            .training_on()
                            .and_then(|accelerator| self.generator_twin(&*accelerator));
                        if let Some(twins) = self.device.device() {
                            twins.generator = twin;
                        }
                    }
                }
                self.pretrain_step(l, &digits)?;
                self.step_generator(tail);
                self.progress.steps += 1;
                if step as u64 + 1 == self.layer_steps() {
                    if self.device.is_running() {
                        self.pending_freeze = Some(l);
                    } else {
                        self.freeze(l);
                    }
                }
            }
            Phase::FineTuning { .. } => {
                self.fine_tune_step(&digits)?;
                self.step_generator(tail);
                self.progress.steps += 1;
            }
        }
        Ok(())
    }

    fn record_every(&self) -> u64 {
        RECORD_EVERY
    }

    fn metrics(&mut self) -> Vec<f64> {
        let mut recon = [f64::NAN; 3];
        let mut free = [f64::NAN; 3];
        for l in 0..self.started() {
            (recon[l], free[l]) = self.score_layer(l);
        }
        let steps = self.progress.steps;
        let acc = match &self.device_accuracies {
            _ if self.lanes.is_empty() => vec![f64::NAN; 3],
            // Rows come after a device read, which scored the test split there.
            Some((at, acc)) if *at == steps => acc.clone(),
            _ => self.accuracies(),
        };
        let mut row = recon.to_vec();
        row.extend(free);
        row.push(self.last_ae_loss);
        row.extend(acc);
        row.push(self.progress.batcher.epoch());
        row
    }

    fn view(&mut self) -> LessonView {
        let started = self.started();
        let mut filters = vec![];
        let mut ranges = vec![];
        for l in 0..started {
            let f = stack::filters(&self.rbms, l, FILTERS_SHOWN);
            ranges.push(f.iter().fold(0.0f32, |m, x| m.max(x.abs())) as f64);
            filters.push(Bulk(f));
        }
        let top = self.top();
        let generated = self
            .generator
            .as_ref()
            .map(|g| Bulk(g.pictures(&self.rbms[..top])));
        LessonView::Dbn(DbnView {
            sizes: self.sizes.iter().map(|&h| h as u32).collect(),
            phase: self.phase(),
            epoch: self.progress.batcher.epoch(),
            filters,
            filter_ranges: ranges,
            generated,
            likelihood: self.likelihood.clone(),
            bounds: self.bounds.clone(),
            labelled: self.labelled_count as u32,
            path: self.device.path.clone(),
        })
    }

    fn query(&self) -> String {
        crate::settings::to_query(&self.s)
    }

    fn update(&mut self, query: &str) -> (bool, Vec<Notice>) {
        // The learning rates and the digit shown large are live.
        update_settings(&mut self.s, query)
    }

    fn save_state(&self) -> serde_json::Value {
        runfile::save(&self.state())
    }

    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg> {
        self.restore(runfile::load(state)?)
    }

    crate::device::on_device_hooks!(REFRESH_EVERY, own_read);

    /// A row's read brings the classifiers' test accuracies when they fine-tune there.
    fn read_device(&self) -> Option<DeviceRead> {
        let row = self.progress.steps.is_multiple_of(RECORD_EVERY);
        Some(self.device.device_ref()?.read_scored(row))
    }

    fn read_before_next_step(&self) -> bool {
        self.pending_freeze.is_some()
    }

    fn take_read(&mut self, read: Result<DeviceCopy, DeviceFault>) -> Result<(), Msg> {
        self.take_device_read(read)
    }
}

impl DbnTrainer {
    /// Everything a step changes (an exported run; what a lost device rewinds to).
    fn state(&self) -> DbnState {
        DbnState {
            rbms: self.rbms.iter().map(|r| Packed(r.params.clone())).collect(),
            aes: self.aes.iter().map(|r| Packed(r.params.clone())).collect(),
            chains: self.chains.clone().unwrap_or_default(),
            generator: self.generator.clone(),
            gen_top: self.gen_top.as_ref().map(|r| Packed(r.params.clone())),
            lanes: self
                .lanes
                .iter()
                .map(|l| SavedLane {
                    params: l.net.params.clone(),
                    opt: l.opt.clone(),
                })
                .collect(),
            likelihood: self.likelihood.clone(),
            bounds: self.bounds.clone(),
            last_ae_loss: self.last_ae_loss,
            progress: self.progress.clone(),
        }
    }

    /// Takes a state into a trainer built from the same settings, checking every shape.
    fn restore(&mut self, st: DbnState) -> Result<(), Msg> {
        expect_len("DBN layers", st.rbms.len(), self.rbms.len())?;
        expect_len("autoencoder layers", st.aes.len(), self.aes.len())?;
        for (saved, rbm) in st.rbms.iter().zip(&self.rbms) {
            expect_len("DBN layer parameters", saved.0.len(), rbm.params.len())?;
            expect_finite("DBN layer parameters", &saved.0)?;
        }
        for (saved, ae) in st.aes.iter().zip(&self.aes) {
            expect_len("autoencoder parameters", saved.0.len(), ae.params.len())?;
            expect_finite("autoencoder parameters", &saved.0)?;
        }
        let top = &self.rbms[self.top()];
        if let Some(saved) = &st.gen_top {
            expect_len("generator's top RBM", saved.0.len(), top.params.len())?;
            expect_finite("generator's top RBM", &saved.0)?;
        }
        st.progress.batcher.check_fits(&self.progress.batcher)?;
        st.progress.labelled.check_fits(&self.progress.labelled)?;
        let top_d = top.d;
        if let Some(g) = &st.generator {
            if g.chains.len() != LABELS * GEN_PER_LABEL * top_d {
                expect_len(
                    "generator chains",
                    g.chains.len(),
                    LABELS * GEN_PER_LABEL * top_d,
                )?;
            }
        }
        self.gen_top = st.gen_top.map(|saved| BatchRbm {
            d: top.d,
            h: top.h,
            params: saved.0,
        });
        self.progress = st.progress;
        let fine_tuning = matches!(self.phase(), Phase::FineTuning { .. });
        expect_len(
            "classifiers",
            st.lanes.len(),
            if fine_tuning { 3 } else { 0 },
        )?;
        for (rbm, saved) in self.rbms.iter_mut().zip(st.rbms) {
            rbm.params = saved.0;
        }
        for (ae, saved) in self.aes.iter_mut().zip(st.aes) {
            ae.params = saved.0;
        }
        self.lanes.clear();
        if !st.lanes.is_empty() {
            self.start_fine_tuning();
            for (lane, saved) in self.lanes.iter_mut().zip(st.lanes) {
                expect_len(
                    "classifier parameters",
                    saved.params.len(),
                    lane.net.params.len(),
                )?;
                expect_finite("classifier parameters", &saved.params)?;
                lane.net.params = saved.params;
                lane.opt.restore(saved.opt, "classifier optimiser")?;
            }
        }
        if self.chains.is_some() {
            self.chains = Some(st.chains);
        }
        self.generator = st.generator;
        self.likelihood = st.likelihood;
        self.bounds = st.bounds;
        self.last_ae_loss = st.last_ae_loss;
        Ok(())
    }
}

mod on_device;
#[cfg(test)]
mod tests;

use on_device::DbnTwins;
