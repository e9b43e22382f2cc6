//! The autoencoder lesson's trainer: one lane (the variant the settings name) or five side by
//! side (plain, sparse, denoising, contractive, linear) from the same initial weights and the
//! same batches, with PCA — computed exactly once per worker — as the answer beside them.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::corrupt::{Corrupt, Corruption};
use super::lane::{fill_batch, principal_angles, Lane, LaneState, SensitivityProbe};
use super::model::{Act, AeNet, AeShape, Output, Workspace};
use super::on_device::{self, LaneDevices, LaneScores, Mark};
use super::pca::{scaled, Pca};
use super::penalty::{Penalty, PenaltyKind};
use super::settings::{AutoencoderSettings, Depth};
use crate::choice_enum;
use crate::device::{ComputePath, DeviceCopy, DeviceFault, OnDevice};
use crate::digits::data::{self, Digits, CLASSES, PIXELS};
use crate::digits::EpochBatcher;
use crate::lesson::{update_settings, StepPart, Trainer};
use crate::msg;
use crate::msg::Msg;
use crate::nn::OptimizerKind;
use crate::protocol::{Bulk, LessonView};
use crate::rng::Rng;
use crate::runfile;
use crate::settings::Notice;
use crate::vae::knn_accuracy;

pub const METRICS: &[&str] = &[
    "train_loss",
    "test_loss",
    "penalty",
    "test_sq_error",
    "pca_sq_error",
    "sensitivity",
    "sparsity",
    "angle",
    "epoch",
    "lane_plain",
    "lane_sparse",
    "lane_denoising",
    "lane_contractive",
    "lane_linear",
];

choice_enum! {
    /// What a lane trains: the variant the settings describe, or one of the side-by-side five.
    pub enum Variant {
        Chosen = "chosen",
        Plain = "plain",
        Sparse = "sparse",
        Denoising = "denoising",
        Contractive = "contractive",
        Linear = "linear",
    }
}

const SIDE_BY_SIDE: [Variant; 5] = [
    Variant::Plain,
    Variant::Sparse,
    Variant::Denoising,
    Variant::Contractive,
    Variant::Linear,
];

/// Steps between history rows.
const RECORD_EVERY: u64 = 25;
/// Digits of each split the rows score (spread over the split, fixed for the run).
const SCORED: usize = 300;
/// Test digits the sensitivity is measured on, and the size of δ.
const SENSITIVITY_DIGITS: usize = 100;
const SENSITIVITY_SCALE: f64 = 0.01;
/// A code value below this counts as silent in the sparsity share.
const SILENT: f32 = 0.05;
/// Filters shown for the lesson's lane, and for each side-by-side lane.
const FILTERS_SHOWN: usize = 64;
const LANE_FILTERS_SHOWN: usize = 16;
const HISTOGRAM_BINS: usize = 20;
/// Device steps after which a playing view asks for a read (the pictures then show the
/// parameters at most this many steps old).
const REFRESH_EVERY: u64 = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LaneFilters {
    pub variant: Variant,
    /// The first layer's first filters, 784 values each.
    pub filters: Bulk,
    pub count: u32,
    pub range: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutoencoderView {
    pub code: u32,
    pub epoch: f64,
    /// One test digit per class: as it is, as the network sees it (corrupted for a denoising
    /// autoencoder), and its reconstruction; 10 × 784 each.
    pub recon_clean: Bulk,
    pub recon_input: Bulk,
    pub recon_out: Bulk,
    /// The first layer's filters (columns of W₁ over the pixels).
    pub filters: Bulk,
    pub filter_count: u32,
    pub filter_range: f64,
    /// The code's values over the scored test digits, binned on [lo, hi].
    pub histogram: Vec<u32>,
    pub hist_lo: f64,
    pub hist_hi: f64,
    /// Labels of the scored test digits, their PCA coordinates (first two components) and
    /// their codes' first two units (n × 2 each; a 1-unit code repeats its unit), with the
    /// leave-one-out 5-NN accuracy of the labels in each plane.
    pub plane_labels: Vec<u8>,
    pub pca_plane: Bulk,
    pub code_plane: Bulk,
    pub pca_knn: f64,
    pub code_knn: f64,
    /// PCA's squared error per image at this code size: on the training split (the sum of the
    /// discarded eigenvalues) and on the scored test digits; and at 30 components, the column of
    /// Hinton & Salakhutdinov's table, on the training and the whole test split.
    pub pca_train: f64,
    pub pca_test: f64,
    pub pca30_train: f64,
    pub pca30_test: f64,
    /// The side-by-side lanes' filters (empty with one lane).
    pub lanes: Vec<LaneFilters>,
    /// Where the steps run, for the page's device line.
    pub path: ComputePath,
    /// The contractive penalty of an encoder with hidden layers is the code layer's Jacobian
    /// with respect to the last hidden layer, not the pixels: the page says so.
    pub contractive_of_last_hidden: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AutoencoderAction {
    /// A test digit (its position in the test split), corrupted as asked, with extra pixels set
    /// to 1 (the student's scribble), through the lesson's network.
    Denoise {
        index: u32,
        corruption: Corruption,
        level: f64,
        scribble: Vec<u32>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AutoencoderAnswer {
    Denoised {
        index: u32,
        clean: Bulk,
        input: Bulk,
        output: Bulk,
        /// Squared error of the output against the clean digit, and of the input against it.
        error_out: f64,
        error_in: f64,
    },
    Refused {
        why: Msg,
    },
}

struct Run {
    variant: Variant,
    lane: Lane,
}

#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Progress {
    #[serde(flatten)]
    batcher: EpochBatcher,
    steps: u64,
}

#[derive(Serialize, Deserialize)]
struct AutoencoderState {
    lanes: Vec<LaneState>,
    #[serde(flatten)]
    progress: Progress,
}

pub struct AutoencoderTrainer {
    s: AutoencoderSettings,
    digits: Result<Arc<Digits>, Msg>,
    pca: Option<Arc<Pca>>,
    runs: Vec<Run>,
    progress: Progress,
    batch: Vec<usize>,
    scored_train: Vec<usize>,
    scored_test: Vec<usize>,
    /// One test digit per class, for the reconstructions.
    shown: Vec<usize>,
    pca_test: f64,
    pca_plane: Vec<f32>,
    pca_knn: f64,
    /// PCA at 30 components on the training and the whole test split (fixed for the process).
    pca30: (f64, f64),
    /// What the view shows of the code over the scored test digits, remade at most once per
    /// history row while playing (snapshots come every 33 ms).
    code_view: Option<CodeView>,
    /// The device the lanes may step on (their CPU nets then hold the state of the last read).
    device: OnDevice<LaneDevices, Mark<Progress>>,
    /// The digits the sensitivity is measured on (fixed for the run).
    probe: SensitivityProbe,
    /// Every lane's scored sets as the device scored them at the last read, and its step.
    device_scores: Option<(u64, Vec<LaneScores>)>,
    /// Every lane's weights as the last read for the view brought them (between the rows'
    /// full reads, which the CPU copies hold), and its step; the nets are kept for the next.
    viewed: (Vec<AeNet<f32>>, Option<u64>),
}

#[derive(Clone)]
struct CodeView {
    step: u64,
    histogram: Vec<u32>,
    lo: f64,
    hi: f64,
    plane: Vec<f32>,
    knn: f64,
}

/// PCA of the training digits, computed once per process (the worker keeps it across restarts:
/// it depends on the data only), reporting its progress to the host as "pca".
pub(super) fn shared_pca(digits: &Digits) -> Arc<Pca> {
    static PCA: OnceLock<Arc<Pca>> = OnceLock::new();
    PCA.get_or_init(|| {
        let pca = Pca::fit(digits, &digits.train, |done, total| {
            crate::progress::report("pca", done as u64, total as u64)
        });
        Arc::new(pca)
    })
    .clone()
}

/// `count` indices spread evenly over `split` (the test split is ordered by class).
fn spread(split: &[usize], count: usize) -> Vec<usize> {
    let step = (split.len() / count.max(1)).max(1);
    split.iter().copied().step_by(step).take(count).collect()
}

impl AutoencoderTrainer {
    pub fn new(s: AutoencoderSettings) -> Self {
        Self::with_digits(s, data::installed_digits())
    }

    pub fn with_digits(s: AutoencoderSettings, digits: Result<Arc<Digits>, Msg>) -> Self {
        let variants: Vec<Variant> = if s.lanes {
            SIDE_BY_SIDE.to_vec()
        } else {
            vec![Variant::Chosen]
        };
        let runs = variants
            .into_iter()
            .map(|variant| {
                let (shape, penalty, corrupt) = Self::variant_of(&s, variant);
                // Every lane draws its weights from the same stream: equal shapes start equal.
                let mut init = Rng::stream(s.seed as u64, 0);
                let noise = Rng::stream(s.seed as u64, 2);
                let lane =
                    Lane::with_optimizer(shape, penalty, corrupt, s.optimizer, &mut init, noise);
                Run { variant, lane }
            })
            .collect();
        let mut t = AutoencoderTrainer {
            progress: Progress {
                batcher: EpochBatcher::new(vec![], Rng::stream(s.seed as u64, 1)),
                steps: 0,
            },
            runs,
            pca: None,
            batch: vec![],
            scored_train: vec![],
            scored_test: vec![],
            shown: vec![],
            pca_test: f64::NAN,
            pca_plane: vec![],
            pca_knn: f64::NAN,
            pca30: (f64::NAN, f64::NAN),
            code_view: None,
            device: OnDevice::new(s.device),
            probe: SensitivityProbe::default(),
            device_scores: None,
            viewed: (vec![], None),
            digits,
            s,
        };
        if let Ok(d) = t.digits.clone() {
            t.progress.batcher =
                EpochBatcher::new(d.train.clone(), Rng::stream(t.s.seed as u64, 1));
            t.scored_train = spread(&d.train, SCORED);
            t.scored_test = spread(&d.test, SCORED);
            let n_sens = SENSITIVITY_DIGITS.min(t.scored_test.len());
            t.probe = SensitivityProbe::new(
                &d,
                &t.scored_test[..n_sens],
                SENSITIVITY_SCALE,
                &mut Rng::new(77),
            );
            t.shown = (0..CLASSES as u8)
                .filter_map(|c| d.test.iter().copied().find(|&i| d.labels[i] == c))
                .collect();
            let pca = shared_pca(&d);
            let k = t.code().min(PIXELS);
            t.pca_test = pca.mean_error(&d, &t.scored_test, k);
            t.pca_plane = t
                .scored_test
                .iter()
                .flat_map(|&i| {
                    pca.project(&scaled(d.image(i)), 2)
                        .into_iter()
                        .map(|v| v as f32)
                })
                .collect();
            t.pca_knn = knn_accuracy(&t.pca_plane, &t.labels(&t.scored_test), 5);
            for run in &mut t.runs {
                run.lane.net.start_at_mean(&pca.mean);
            }
            t.pca30 = (pca.discarded_variance(30), pca.mean_error(&d, &d.test, 30));
            t.pca = Some(pca);
        }
        t
    }

    fn code(&self) -> usize {
        self.s.code as usize
    }

    fn labels(&self, indices: &[usize]) -> Vec<u8> {
        match &self.digits {
            Ok(d) => indices.iter().map(|&i| d.labels[i]).collect(),
            Err(_) => vec![],
        }
    }

    /// The network, regulariser and corruption of a lane under settings `s`. The side-by-side
    /// lanes share the settings' network; the sparse and contractive ones use its λ, the
    /// denoising one its corruption (masking if it names none) and level; the linear one is
    /// the settings' network with linear layers and squared error, the PCA point.
    fn variant_of(s: &AutoencoderSettings, variant: Variant) -> (AeShape, Penalty, Corrupt) {
        let shape = s.shape();
        let lambda = s.lambda;
        match variant {
            Variant::Chosen => (shape, s.penalty(), s.corrupt()),
            Variant::Plain => (shape, Penalty::NONE, Corrupt::NONE),
            Variant::Sparse => (
                shape,
                Penalty {
                    kind: PenaltyKind::Sparse,
                    lambda,
                },
                Corrupt::NONE,
            ),
            Variant::Contractive => (
                shape,
                Penalty {
                    kind: PenaltyKind::Contractive,
                    lambda,
                },
                Corrupt::NONE,
            ),
            Variant::Denoising => {
                let kind = match s.corruption {
                    Corruption::None => Corruption::Masking,
                    other => other,
                };
                (
                    shape,
                    Penalty::NONE,
                    Corrupt {
                        kind,
                        level: s.noise,
                    },
                )
            }
            Variant::Linear => (
                AeShape {
                    act: Act::Linear,
                    code_act: Act::Linear,
                    output: Output::Squared,
                    ..shape
                },
                Penalty::NONE,
                Corrupt::NONE,
            ),
        }
    }

    /// Live settings (λ, corruption, level) reach the lanes.
    fn configure(&mut self) {
        for run in &mut self.runs {
            let (_, penalty, corrupt) = Self::variant_of(&self.s, run.variant);
            run.lane.penalty = penalty;
            run.lane.corrupt = corrupt;
        }
    }

    fn main_net(&self) -> &AeNet<f32> {
        &self.runs[0].lane.net
    }

    /// The newest weights held of lane `i`, for pictures: those read for the view, when they
    /// are newer than the CPU copy (which holds the last full read).
    fn shown_net(&self, i: usize) -> &AeNet<f32> {
        let full_read = self.device.mark().map(|m| m.progress.steps);
        match (&self.viewed, full_read) {
            ((nets, Some(at)), Some(full)) if *at > full && i < nets.len() => &nets[i],
            _ => &self.runs[i].lane.net,
        }
    }

    /// The lesson lane's net run over `indices`: (own loss, penalty, squared error) per image,
    /// and the codes (n × code).
    fn score(
        net: &AeNet<f32>,
        penalty: &Penalty,
        d: &Digits,
        indices: &[usize],
    ) -> (f64, f64, f64, Vec<f32>) {
        let mut x = vec![];
        fill_batch(d, indices, &mut x);
        let (rec, sq, codes) = net.score_set(&x, &mut Workspace::default());
        let n = indices.len().max(1) as f64;
        let penalty = net.code_penalty(penalty, &codes);
        (rec / n, penalty / n, sq / n, codes)
    }

    /// The largest principal angle between a linear lane's decoder and PCA's subspace of the
    /// same size (NaN where that lane is not linear or the code is not smaller than the input).
    fn linear_angle(&self) -> f64 {
        let Some(pca) = &self.pca else {
            return f64::NAN;
        };
        let linear = |shape: &AeShape| {
            shape.hidden.is_empty()
                && shape.act == Act::Linear
                && shape.code_act == Act::Linear
                && shape.code < PIXELS
        };
        self.runs
            .iter()
            .map(|r| &r.lane.net)
            .find(|net| linear(&net.shape))
            .map(|net| {
                principal_angles(&net.output_basis(), pca)
                    .into_iter()
                    .fold(0.0, f64::max)
            })
            .unwrap_or(f64::NAN)
    }

    fn filters_of(net: &AeNet<f32>, shown: usize) -> (Vec<f32>, usize, f64) {
        let (w, width) = net.first_weights();
        let count = width.min(shown);
        let mut filters = Vec::with_capacity(count * PIXELS);
        for j in 0..count {
            filters.extend((0..PIXELS).map(|i| w[i * width + j]));
        }
        let range = filters.iter().fold(0.0f32, |m, x| m.max(x.abs())) as f64;
        (filters, count, range)
    }

    /// The code over the scored test digits: its histogram and its first two units' plane.
    fn code_view_now(&self, d: &Digits) -> CodeView {
        let code = self.code();
        // On a device, the codes of the last row's read (the device scores at rows only).
        let scored = self
            .device_scores
            .as_ref()
            .filter(|_| self.device.is_running());
        let (codes, step) = match scored {
            Some((step, lanes)) => (self.kept_codes(&lanes[0], 1, code).to_vec(), *step),
            None => (
                Self::score(self.main_net(), &Penalty::NONE, d, &self.scored_test).3,
                self.progress.steps,
            ),
        };
        let mut lo = codes.iter().fold(f32::INFINITY, |m, &v| m.min(v)) as f64;
        let mut hi = codes.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)) as f64;
        if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
            (lo, hi) = (lo.min(0.0), lo.max(0.0) + 1.0);
        }
        let mut histogram = vec![0u32; HISTOGRAM_BINS];
        for &v in &codes {
            let at = (((v as f64 - lo) / (hi - lo)) * HISTOGRAM_BINS as f64) as usize;
            histogram[at.min(HISTOGRAM_BINS - 1)] += 1;
        }
        let plane: Vec<f32> = codes
            .chunks_exact(code)
            .flat_map(|c| [c[0], c[1.min(code - 1)]])
            .collect();
        let knn = knn_accuracy(&plane, &self.labels(&self.scored_test), 5);
        CodeView {
            step,
            histogram,
            lo,
            hi,
            plane,
            knn,
        }
    }

    /// What a lost device would rewind to: the state now.
    fn mark(&self) -> Mark<Progress> {
        Mark {
            progress: self.progress.clone(),
            noises: self.runs.iter().map(|r| r.lane.noise().clone()).collect(),
        }
    }

    fn rewind(&mut self, mark: Mark<Progress>) {
        self.progress = mark.progress;
        for (run, noise) in self.runs.iter_mut().zip(mark.noises) {
            run.lane.set_noise(noise);
        }
        self.code_view = None;
    }

    /// Twins of every lane's CPU copy (weights and Adam's state) for the batch the device
    /// holds. The device trains with Adam only: another optimiser keeps the run on the CPU.
    fn start_device(&mut self) {
        let Some(accelerator) = self.device.accelerator.clone() else {
            return;
        };
        if self.s.optimizer != OptimizerKind::Adam {
            self.device.path = ComputePath::Fallback {
                adapter: Some(accelerator.adapter()),
                why: msg!(
                    "msg.gpu.adam_only",
                    crate::settings::ChoiceEnum::key(self.s.optimizer)
                ),
            };
            return;
        }
        let wanted = self.s.batch as usize;
        // The biggest per-batch tensor: the widest layer's activations.
        let shape = self.s.shape();
        let widest = shape
            .hidden
            .iter()
            .fold(PIXELS.max(shape.code), |m, &w| m.max(w));
        let batch = accelerator.fit_batch(wanted, widest);
        let devices = self
            .runs
            .iter()
            .map(|r| {
                accelerator.autoencoder(&r.lane.net, r.lane.penalty, r.lane.optimizer(), batch)
            })
            .collect();
        // Every twin keeps the scored sets, or none scores (a row then scores the CPU copies).
        let mut devices: Vec<Box<dyn crate::device::AutoencoderDevice>> = devices;
        let sets = self.scored_sets();
        let refs: Vec<&[f32]> = sets.iter().map(|s| &s[..]).collect();
        let scoring = !sets[0].is_empty() && devices.iter_mut().all(|d| d.keep_scored_sets(&refs));
        self.device_scores = None;
        let mark = self.mark();
        let twins = LaneDevices {
            twins: devices,
            scoring,
        };
        self.device.start(Box::new(twins), batch, wanted, mark);
    }

    /// The sets a device keeps to score: the scored training and test digits and the
    /// sensitivity's clean and moved digits.
    fn scored_sets(&self) -> [Vec<f32>; 4] {
        let (mut train, mut test) = (vec![], vec![]);
        if let Ok(d) = &self.digits {
            fill_batch(d, &self.scored_train, &mut train);
            fill_batch(d, &self.scored_test, &mut test);
        }
        [
            train,
            test,
            self.probe.clean.clone(),
            self.probe.moved.clone(),
        ]
    }

    /// Every lane's scores from the device, when they are of the state now.
    fn scores_now(&self) -> Option<&[LaneScores]> {
        match &self.device_scores {
            Some((step, scores)) if *step == self.progress.steps => Some(scores),
            _ => None,
        }
    }

    /// A lane's codes of one kept set (0 training, 1 test, 2 and 3 the sensitivity's clean and
    /// moved digits).
    fn kept_codes<'a>(&self, lane: &'a LaneScores, set: usize, code: usize) -> &'a [f32] {
        let sizes = [
            self.scored_train.len(),
            self.scored_test.len(),
            self.probe.n(),
            self.probe.n(),
        ];
        let start: usize = sizes[..set].iter().sum();
        &lane.codes[start * code..(start + sizes[set]) * code]
    }

    fn reconstruct(&self, input: &[f32]) -> Vec<f32> {
        let mut ws = Workspace::default();
        let n = input.len() / PIXELS;
        self.shown_net(0)
            .forward_loss(input, input, n, &Penalty::NONE, &mut ws);
        ws.output().to_vec()
    }
}

impl AutoencoderTrainer {
    /// A read for the view: every lane's weights into the nets the pictures are drawn from,
    /// leaving the CPU copies (and what a lost device rewinds to) at the last full read.
    fn take_weights(&mut self, copy: &DeviceCopy, sizes: &[usize]) -> Result<(), Msg> {
        let weights = match on_device::split_weights(copy, sizes) {
            Some(w) if w.iter().all(|l| l.iter().all(|p| p.is_finite())) => w,
            _ => return Err(msg!("msg.rbm_mnist.nan", self.progress.steps, self.s.lr)),
        };
        let (nets, at) = &mut self.viewed;
        let fits =
            nets.len() == sizes.len() && nets.iter().zip(sizes).all(|(n, &s)| n.n_params() == s);
        if !fits {
            *nets = self.runs.iter().map(|r| r.lane.net.clone()).collect();
        }
        for (net, w) in nets.iter_mut().zip(weights) {
            net.params.copy_from_slice(w);
        }
        *at = Some(self.progress.steps);
        self.device.view_taken();
        Ok(())
    }
}

impl crate::lesson::LessonDef for AutoencoderTrainer {
    type Settings = AutoencoderSettings;
    type View = AutoencoderView;
    type Action = AutoencoderAction;
    type Answer = AutoencoderAnswer;
    const METRICS: &'static [&'static str] = METRICS;
    const ASSETS: &'static [crate::lesson::Asset] = &[crate::lesson::Asset::Digits];
    fn new(settings: AutoencoderSettings) -> Self {
        AutoencoderTrainer::new(settings)
    }
}

impl Trainer for AutoencoderTrainer {
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
        let batch = self.device.batch().unwrap_or(self.s.batch as usize);
        self.batch.clear();
        for _ in 0..batch {
            self.batch.push(self.progress.batcher.next_index());
        }
        self.progress.steps += 1;
        if let Some(devices) = self.device.device() {
            // Each lane corrupts its own copy of the batch here, from its own stream, as on
            // the CPU; a diverging lane shows in the next read.
            for (run, device) in self.runs.iter_mut().zip(&mut devices.twins) {
                let (input, clean) = run.lane.prepare(&digits, &self.batch);
                device.step(input, clean, self.s.lr);
            }
            self.device.count_step();
            return Ok(());
        }
        for run in &mut self.runs {
            let loss = run.lane.step(&digits, &self.batch, self.s.lr);
            if !(loss.rec.is_finite() && loss.penalty.is_finite())
                || run.lane.net.params.iter().any(|p| !p.is_finite())
            {
                return Err(msg!("msg.rbm_mnist.nan", self.progress.steps, self.s.lr));
            }
        }
        Ok(())
    }

    fn record_every(&self) -> u64 {
        RECORD_EVERY
    }

    fn metrics(&mut self) -> Vec<f64> {
        let Ok(d) = self.digits.clone() else {
            return vec![f64::NAN; METRICS.len()];
        };
        let main = &self.runs[0].lane;
        let (n_train, n_test) = (
            self.scored_train.len().max(1) as f64,
            self.scored_test.len().max(1) as f64,
        );
        // From the device's scores of the read just taken, or from the CPU copies.
        let scores = self.scores_now();
        let (train_loss, test_loss, penalty, test_sq, codes, sens) = match scores {
            Some(lanes) => {
                let (lane, code) = (&lanes[0], main.net.shape.code);
                let codes = self.kept_codes(lane, 1, code).to_vec();
                let penalty = main.net.code_penalty(&main.penalty, &codes);
                let (h0, h1) = (
                    self.kept_codes(lane, 2, code),
                    self.kept_codes(lane, 3, code),
                );
                (
                    lane.losses[0] / n_train,
                    lane.losses[2] / n_test,
                    penalty / n_test,
                    lane.losses[3] / n_test,
                    codes,
                    self.probe.of_codes(h0, h1, code),
                )
            }
            None => {
                let (train_loss, _, _, _) =
                    Self::score(&main.net, &main.penalty, &d, &self.scored_train);
                let (test_loss, penalty, test_sq, codes) =
                    Self::score(&main.net, &main.penalty, &d, &self.scored_test);
                let sens = self.probe.of_net(&main.net);
                (train_loss, test_loss, penalty, test_sq, codes, sens)
            }
        };
        let silent =
            codes.iter().filter(|v| v.abs() < SILENT).count() as f64 / codes.len().max(1) as f64;
        let mut row = vec![
            train_loss,
            test_loss,
            penalty,
            test_sq,
            self.pca_test,
            sens,
            silent,
            self.linear_angle(),
            self.progress.batcher.epoch(),
        ];
        for variant in &SIDE_BY_SIDE {
            row.push(match self.runs.iter().position(|r| r.variant == *variant) {
                // The first lane (the plain one, comparing) was scored just above.
                Some(0) => test_sq,
                Some(i) => match scores {
                    Some(lanes) => lanes[i].losses[3] / n_test,
                    None => {
                        let net = &self.runs[i].lane.net;
                        Self::score(net, &Penalty::NONE, &d, &self.scored_test).2
                    }
                },
                None => f64::NAN,
            });
        }
        row
    }

    /// A paused view is made from the state alone (an imported run shows what the run that
    /// never stopped shows).
    fn view(&mut self) -> LessonView {
        self.code_view = None;
        self.view_while_playing()
    }

    /// While playing, the code's histogram and plane are remade at most once per history row.
    fn view_while_playing(&mut self) -> LessonView {
        let code = self.code();
        let steps = self.progress.steps;
        let stale = self
            .code_view
            .as_ref()
            .is_none_or(|c| steps < c.step || steps - c.step >= RECORD_EVERY);
        if stale {
            self.code_view = self.digits.clone().ok().map(|d| self.code_view_now(&d));
        }
        let main = &self.runs[0].lane;
        let (mut clean, mut input) = (vec![], vec![]);
        if let Ok(d) = &self.digits {
            fill_batch(d, &self.shown, &mut clean);
            main.corrupt.apply(&clean, &mut input, &mut Rng::new(11));
        }
        let cv = self.code_view.clone().unwrap_or(CodeView {
            step: 0,
            histogram: vec![0; HISTOGRAM_BINS],
            lo: 0.0,
            hi: 1.0,
            plane: vec![],
            knn: f64::NAN,
        });
        let out = self.reconstruct(&input);
        let (filters, filter_count, filter_range) =
            Self::filters_of(self.shown_net(0), FILTERS_SHOWN);
        let lanes = if self.runs.len() > 1 {
            self.runs
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let (filters, count, range) =
                        Self::filters_of(self.shown_net(i), LANE_FILTERS_SHOWN);
                    LaneFilters {
                        variant: r.variant,
                        filters: Bulk(filters),
                        count: count as u32,
                        range,
                    }
                })
                .collect()
        } else {
            vec![]
        };
        LessonView::Autoencoders(AutoencoderView {
            code: code as u32,
            epoch: self.progress.batcher.epoch(),
            recon_clean: Bulk(clean),
            recon_input: Bulk(input),
            recon_out: Bulk(out),
            filters: Bulk(filters),
            filter_count: filter_count as u32,
            filter_range,
            histogram: cv.histogram,
            hist_lo: cv.lo,
            hist_hi: cv.hi,
            plane_labels: self.labels(&self.scored_test),
            pca_plane: Bulk(self.pca_plane.clone()),
            code_plane: Bulk(cv.plane),
            pca_knn: self.pca_knn,
            code_knn: cv.knn,
            pca_train: self
                .pca
                .as_ref()
                .map_or(f64::NAN, |p| p.discarded_variance(code.min(PIXELS))),
            pca_test: self.pca_test,
            pca30_train: self.pca30.0,
            pca30_test: self.pca30.1,
            lanes,
            path: self.device.path.clone(),
            contractive_of_last_hidden: self.s.depth != Depth::Zero
                && self
                    .runs
                    .iter()
                    .any(|r| r.lane.penalty.kind == PenaltyKind::Contractive),
        })
    }

    fn query(&self) -> String {
        crate::settings::to_query(&self.s)
    }

    fn update(&mut self, query: &str) -> (bool, Vec<Notice>) {
        let batch = self.s.batch;
        let answer = update_settings(&mut self.s, query);
        self.configure();
        if answer.0 && self.device.is_running() {
            if self.s.batch != batch {
                // The device's buffers are sized for a batch. The session defers commands
                // until the device is read, so the CPU copies are current: start new twins.
                self.start_device();
            } else if let Some(devices) = self.device.device() {
                for (run, device) in self.runs.iter().zip(&mut devices.twins) {
                    device.set_penalty(run.lane.penalty);
                }
            }
        }
        answer
    }

    crate::device::on_device_hooks!(REFRESH_EVERY, own_read);

    /// A row's read (every `RECORD_EVERY` steps) scores the kept sets on the device; another
    /// (a pause, a command) brings the state without scores.
    fn read_device(&self) -> Option<crate::device::DeviceRead> {
        let row = self.progress.steps.is_multiple_of(RECORD_EVERY);
        Some(self.device.device_ref()?.read_as(row))
    }

    /// The pictures need the weights alone: a third of a full read, which also brings both of
    /// Adam's moments for every lane.
    fn read_view(&self) -> Option<crate::device::DeviceRead> {
        Some(self.device.device_ref()?.read_weights())
    }

    fn take_read(&mut self, read: Result<DeviceCopy, DeviceFault>) -> Result<(), Msg> {
        let copy = match read {
            Ok(copy) => copy,
            Err(DeviceFault::Lost) => {
                // Back to the last read — weights, moments, batch order, every lane's noise —
                // and on with the CPU: the steps since are run again, the same ones.
                if let Some(mark) = self.device.lost(|m| m.progress.steps) {
                    self.rewind(mark);
                }
                self.device_scores = None;
                return Ok(());
            }
        };
        let sizes: Vec<usize> = self.runs.iter().map(|r| r.lane.net.n_params()).collect();
        if copy.view_only {
            return self.take_weights(&copy, &sizes);
        }
        let mut copy = copy;
        // Four kept sets: two loss terms each; every kept image's code per lane.
        let kept = self.scored_train.len() + self.scored_test.len() + 2 * self.probe.n();
        let code_values: Vec<usize> = self
            .runs
            .iter()
            .map(|r| kept * r.lane.net.shape.code)
            .collect();
        // A row's read carries the scores; a view's read leaves the last row's in place.
        if let Some(scores) = copy.scores.take() {
            self.device_scores = on_device::split_scores(scores, &code_values, 8)
                .map(|lanes| (self.progress.steps, lanes));
        }
        let lanes = match on_device::split(&copy, &sizes) {
            Some(lanes) if lanes.iter().all(|l| l.params.iter().all(|p| p.is_finite())) => lanes,
            // The CPU copies keep the last good weights; the page keeps their pictures.
            _ => return Err(msg!("msg.rbm_mnist.nan", self.progress.steps, self.s.lr)),
        };
        for (run, lane) in self.runs.iter_mut().zip(lanes) {
            run.lane.take_copy(lane.params, lane.m, lane.v, copy.t);
        }
        self.viewed.1 = None;
        let mark = self.mark();
        self.device.read_taken(mark);
        Ok(())
    }

    fn save_state(&self) -> serde_json::Value {
        runfile::save(&AutoencoderState {
            lanes: self.runs.iter().map(|r| r.lane.save()).collect(),
            progress: self.progress.clone(),
        })
    }

    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg> {
        let st: AutoencoderState = runfile::load(state)?;
        runfile::expect_len("autoencoder lanes", st.lanes.len(), self.runs.len())?;
        st.progress.batcher.check_fits(&self.progress.batcher)?;
        for (run, lane) in self.runs.iter_mut().zip(st.lanes) {
            run.lane.load(lane)?;
        }
        self.progress = st.progress;
        // Scores of the run before the import, whatever their step, are not of this one.
        self.device_scores = None;
        Ok(())
    }

    fn act(
        &mut self,
        action: crate::protocol::LessonAction,
    ) -> Option<crate::protocol::LessonAnswer> {
        let crate::protocol::LessonAction::Autoencoders(AutoencoderAction::Denoise {
            index,
            corruption,
            level,
            scribble,
        }) = action
        else {
            return None;
        };
        let answer = match &self.digits {
            Err(why) => AutoencoderAnswer::Refused { why: why.clone() },
            Ok(d) if d.test.is_empty() => AutoencoderAnswer::Refused {
                why: msg!("msg.vae.no_training"),
            },
            Ok(d) => {
                // Out-of-range requests are brought into range: the page's controls send only
                // legal ones, a hand-made message gets the nearest.
                let index = (index as usize).min(d.test.len() - 1);
                let level = if level.is_finite() {
                    level.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let mut clean = vec![];
                fill_batch(d, &[d.test[index]], &mut clean);
                let mut input = vec![];
                Corrupt {
                    kind: corruption,
                    level,
                }
                .apply(&clean, &mut input, &mut Rng::new(index as u64));
                for &p in &scribble {
                    if let Some(v) = input.get_mut(p as usize) {
                        *v = 1.0;
                    }
                }
                let output = self.reconstruct(&input);
                let err = |a: &[f32]| {
                    a.iter()
                        .zip(&clean)
                        .map(|(a, b)| ((a - b) as f64).powi(2))
                        .sum::<f64>()
                };
                AutoencoderAnswer::Denoised {
                    index: index as u32,
                    error_out: err(&output),
                    error_in: err(&input),
                    clean: Bulk(clean),
                    input: Bulk(input),
                    output: Bulk(output),
                }
            }
        };
        Some(crate::protocol::LessonAnswer::Autoencoders(answer))
    }
}

#[cfg(test)]
mod tests;
