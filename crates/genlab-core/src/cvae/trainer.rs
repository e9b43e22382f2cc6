//! The conditional VAE lesson's trainer: Adam on mini-batches of the training split for the
//! CVAE and, on the same batches and noise, a plain VAE of the same size (what the page compares
//! it with); the test split scored and encoded; the pictures — the grid for one label, the same
//! style under every label, samples per label, the interpolation — and the requests: a test
//! digit's exact posterior p(z|x, y), a drawn digit under every label, latent arithmetic.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::on_device::{split, VaePair};
use super::{CvaeSettings, Interp};
use crate::device::{
    Accelerator, AnswerLater, ComputePath, DeviceCopy, DeviceFault, OnDevice, VaeDevice,
};
use crate::digits::data::{self, one_hot, Digits, CLASSES, PIXELS};
use crate::digits::EpochBatcher;
use crate::lesson::{update_settings, StepPart, Trainer};
use crate::math::normal_quantile;
use crate::msg;
use crate::msg::Msg;
use crate::nn::{Optimizer, OptimizerKind};
use crate::protocol::{Bulk, LessonAction, LessonAnswer, LessonView};
use crate::rng::Rng;
use crate::runfile::{self, expect_finite, expect_len, packed};
use crate::settings::{to_query, Notice};
use crate::vae::model::{sigmoid, BatchLoss, VaeNet, VaeShape, Workspace};
use crate::vae::posterior::at_once;
// The VAE lesson's batch order, noise stream and step count: what an exported run saves and a
// lost device rewinds to.
use crate::vae::{
    diverged, grey, knn_accuracy_in, pictures_later, posterior_later, ready, with_label, Later,
    PosteriorView, Progress, GRID,
};

pub const METRICS: &[&str] = &[
    "train_rec",
    "train_kl",
    "train_loss",
    "test_rec",
    "test_kl",
    "test_loss",
    "knn5",
    "vae_test_loss",
    "vae_knn5",
    "epoch",
];

/// Steps between history rows (each scores the test split through both nets).
const RECORD_EVERY: u64 = 30;
/// While playing, the pictures are redrawn at most every this many steps.
const REFRESH_EVERY: u64 = 10;
/// Test digits in the "same style, other digit" grid, each decoded under every label.
pub const SWAP_ROWS: usize = 6;
/// Samples per label; column j uses the same z for every label.
pub const SAMPLES_PER_CLASS: usize = 8;
const STRIP: usize = 11;
const K_NEAREST: usize = 5;
const EVAL_BATCH: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CvaeView {
    pub latent: u32,
    pub epoch: f64,
    /// The shown dimensions of μ of every test digit (n_test × 2), and their labels.
    pub test_mu: Bulk,
    pub test_labels: Bulk,
    /// The same for the plain VAE trained beside it (its first two dimensions).
    pub vae_mu: Bulk,
    pub half_width: f64,
    pub vae_half_width: f64,
    /// 5-NN accuracy of the labels from the full codes z (chance is 0.1).
    pub knn: f64,
    pub vae_knn: f64,
    /// Where the steps run (CPU, GPU and its adapter, or the CPU as a fallback and why).
    pub path: ComputePath,
    /// The shown dimensions and the value the others are held at.
    pub dims: (u32, u32),
    pub hold: f64,
    /// The interpolation's two test digits: their labels and the shown dimensions of μ.
    pub from_label: u8,
    pub to_label: u8,
    pub from_z: (f64, f64),
    pub to_z: (f64, f64),
    /// `None` when the pictures have not changed since the previous view.
    pub images: Option<CvaeImages>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CvaeImages {
    pub class: u8,
    /// GRID² digits decoded with label `class`, row 0 at the top (largest z_y), at N(0, 1)
    /// quantiles of the two shown dimensions.
    pub grid: Bulk,
    /// SWAP_ROWS test digits (their pixels, their labels) and, row by row, each decoded from
    /// its own μ under labels 0–9 (SWAP_ROWS × 10 images).
    pub swap_in: Bulk,
    pub swap_labels: Vec<u8>,
    pub swap: Bulk,
    /// 10 × SAMPLES_PER_CLASS: row = label, column = one z ~ N(0, I) shared by every row.
    pub per_class: Bulk,
    /// The interpolation at α = 0, 0.1, …, 1 and at the chosen α.
    pub strip: Bulk,
    pub at_alpha: Bulk,
    /// The settings' latent arithmetic (`None` before the digits load).
    pub arithmetic: Option<ArithmeticView>,
}

/// One operand of latent arithmetic: a test digit (its μ and label) or a class mean (the mean
/// μ of the test digits with that label).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Pick {
    Digit(u32),
    Mean(u8),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CvaeAction {
    /// A test digit's exact posterior p(z|x, y) (y its own label) on a grid.
    Posterior { index: u32 },
    /// A digit drawn on the pad (`width` × `height` values in [0, 1]): made to look like an
    /// MNIST digit and reconstructed under every label; its exact posterior under `class`.
    Drawn { pad: Bulk, width: u32, height: u32 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CvaeDrawn {
    /// The pad scaled and centred as MNIST digits are (784).
    pub digit: Bulk,
    /// Its reconstruction under each label 0–9, each from its own q(z|x, y) at μ (10 × 784).
    pub by_label: Bulk,
    /// q(z|x, y = class): μ and σ in the shown dimensions, and its ELBO terms (nats).
    pub class: u8,
    pub mu: (f64, f64),
    pub sigma: (f64, f64),
    pub rec: f64,
    pub kl: f64,
    /// The exact posterior under `class` (a 2-D latent only).
    pub posterior: Option<PosteriorView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArithmeticView {
    /// The operands' codes and the result, in the shown dimensions.
    pub za: (f64, f64),
    pub zb: (f64, f64),
    pub zc: (f64, f64),
    pub z: (f64, f64),
    /// The label the result is decoded with (c's), and the decoded image.
    pub label: u8,
    pub image: Bulk,
    /// a, b and c decoded from their codes with their own labels (3 × 784): what the
    /// arithmetic starts from.
    pub operands: Bulk,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CvaeAnswer {
    Posterior(Box<PosteriorView>),
    Drawn(Box<CvaeDrawn>),
    /// The pictures of the last view, decoded on the GPU the lesson trains on (as
    /// `VaeAnswer::Pictures`).
    Pictures(Option<Box<CvaeImages>>),
    Refused {
        why: Msg,
    },
}

/// The pictures' (z, label) pairs — the grid, the label swaps, the samples per class, the
/// interpolation strip, its point at α — and what the pictures carry beside their decodings.
struct PicturePoints {
    z: [Vec<f32>; 5],
    y: [Vec<f32>; 5],
    class: u8,
    swap_in: Vec<f32>,
    swap_labels: Vec<u8>,
    arithmetic: Option<ArithmeticView>,
}

impl PicturePoints {
    /// The pictures, from the decodings of the pairs in their order.
    fn into_images(self, decoded: [Vec<f32>; 5]) -> CvaeImages {
        let [grid, swap, per_class, strip, at_alpha] = decoded;
        CvaeImages {
            class: self.class,
            grid: Bulk(grid),
            swap_in: Bulk(self.swap_in),
            swap_labels: self.swap_labels,
            swap: Bulk(swap),
            per_class: Bulk(per_class),
            strip: Bulk(strip),
            at_alpha: Bulk(at_alpha),
            arithmetic: self.arithmetic,
        }
    }
}

/// One network and what trains it.
struct Net {
    net: VaeNet<f32>,
    opt: Optimizer<f32>,
    d_params: Vec<f32>,
    ws: Workspace<f32>,
}

impl Net {
    fn new(shape: VaeShape, rng: &mut Rng) -> Self {
        let net = VaeNet::<f32>::with_shape(shape, rng);
        let mut opt = Optimizer::new(OptimizerKind::Adam, net.n_params(), 0.9);
        opt.eps = 1e-7;
        Net {
            d_params: vec![0.0; net.n_params()],
            net,
            opt,
            ws: Workspace::default(),
        }
    }

    /// One Adam step on (input, x) with noise ε; the batch's loss terms.
    fn step(
        &mut self,
        input: &[f32],
        x: &[f32],
        eps: &[f32],
        b: usize,
        beta: f64,
        lr: f64,
    ) -> BatchLoss {
        let loss = self.net.forward_loss_given(input, x, eps, b, &mut self.ws);
        self.net.backward(x, beta, &mut self.ws, &mut self.d_params);
        self.opt.step(&mut self.net.params, &self.d_params, lr);
        loss
    }
}

pub struct CvaeTrainer {
    s: CvaeSettings,
    digits: Result<Arc<Digits>, Msg>,
    cvae: Net,
    vae: Net,
    progress: Progress,
    x: Vec<f32>,
    input: Vec<f32>,
    eps: Vec<f32>,
    /// Training loss since the last history row (CVAE, summed over images).
    since_record: (BatchLoss, u64),
    test_x: Vec<f32>,
    /// The test images with their one-hot labels (the CVAE's encoder input).
    test_input: Vec<f32>,
    test_labels: Vec<u8>,
    test_eps: Vec<f32>,
    scored: Option<Scored>,
    /// μ of every test digit under the CVAE and the VAE (n × latent each), and their step.
    codes: Option<(u64, Vec<f32>, Vec<f32>)>,
    images_key: Option<(u64, String)>,
    /// Pictures a device is decoding for the last view, until the session takes them.
    pictures_later: Option<AnswerLater>,
    /// Both nets on a device (the CPU nets then hold the state of the last read).
    device: OnDevice<dyn VaeDevice, Progress>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Scored {
    step: u64,
    rec: f64,
    kl: f64,
    knn: f64,
    vae_loss: f64,
    vae_knn: f64,
}

impl CvaeTrainer {
    pub fn new(s: CvaeSettings) -> Self {
        Self::with_digits(s, data::installed_digits())
    }

    pub fn with_digits(s: CvaeSettings, digits: Result<Arc<Digits>, Msg>) -> Self {
        let latent = s.latent as usize;
        let shape = VaeShape {
            hidden: s.hidden.width(),
            latent,
            classes: CLASSES,
            output: s.output(),
        };
        let cvae = Net::new(shape, &mut Rng::stream(s.seed as u64, 0));
        let vae = Net::new(
            VaeShape {
                classes: 0,
                ..shape
            },
            &mut Rng::stream(s.seed as u64, 6),
        );
        let (train, test_x, test_labels) = match &digits {
            Ok(d) => (
                d.train.clone(),
                d.test
                    .iter()
                    .flat_map(|&i| d.image(i).iter().map(|&p| grey(p)))
                    .collect::<Vec<f32>>(),
                d.test.iter().map(|&i| d.labels[i]).collect::<Vec<u8>>(),
            ),
            Err(_) => (vec![], vec![], vec![]),
        };
        let test_input = test_x
            .chunks_exact(PIXELS)
            .zip(&test_labels)
            .flat_map(|(x, &l)| x.iter().copied().chain(one_hot(l)))
            .collect();
        let mut eps_init = Rng::stream(s.seed as u64, 4);
        let test_eps = (0..test_labels.len() * latent)
            .map(|_| eps_init.normal() as f32)
            .collect();
        CvaeTrainer {
            cvae,
            vae,
            progress: Progress {
                batcher: EpochBatcher::new(train, Rng::stream(s.seed as u64, 1)),
                eps_rng: Rng::stream(s.seed as u64, 2),
                steps: 0,
            },
            x: vec![],
            input: vec![],
            eps: vec![],
            since_record: (BatchLoss::default(), 0),
            test_x,
            test_input,
            test_labels,
            test_eps,
            scored: None,
            codes: None,
            images_key: None,
            pictures_later: None,
            device: OnDevice::new(s.device),
            digits,
            s,
        }
    }

    fn start_device(&mut self) {
        let Some(accelerator) = self.device.accelerator.clone() else {
            return;
        };
        let wanted = self.s.batch as usize;
        let batch = accelerator.fit_batch(wanted, (PIXELS + CLASSES).max(self.cvae.net.hidden));
        let pair = VaePair {
            cvae: accelerator.vae(&self.cvae.net, &self.cvae.opt, batch, self.s.beta),
            vae: accelerator.vae(&self.vae.net, &self.vae.opt, batch, self.s.beta),
        };
        let mut pair = Box::new(pair);
        if self.n_test() > 0 {
            // Scored there at every read (`read_device`): no test pass on the CPU meanwhile.
            pair.keep_test_split(&self.test_input, &self.test_x, &self.test_eps);
        }
        let mark = self.progress.clone();
        self.device.start(pair, batch, wanted, mark);
    }

    pub fn net(&self) -> &VaeNet<f32> {
        &self.cvae.net
    }

    pub fn settings(&self) -> &CvaeSettings {
        &self.s
    }

    fn latent(&self) -> usize {
        self.s.latent as usize
    }

    fn n_test(&self) -> usize {
        self.test_labels.len()
    }

    fn test_position(&self, i: u32) -> usize {
        (i as usize).min(self.n_test().saturating_sub(1))
    }

    /// The test split through both nets: the CVAE's loss terms, both nets' μ and 5-NN
    /// accuracies, the VAE's −ELBO.
    fn score(&mut self) {
        if self
            .scored
            .as_ref()
            .is_some_and(|s| s.step == self.progress.steps)
            || self.n_test() == 0
        {
            return;
        }
        let (n, l) = (self.n_test(), self.latent());
        let eps_of = |start: usize, b: usize, eps: &[f32]| -> Vec<f32> {
            if self.s.beta == 0.0 {
                vec![0.0; b * l]
            } else {
                eps[start * l..(start + b) * l].to_vec()
            }
        };
        let (mut rec, mut kl, mut vae_loss) = (0.0, 0.0, 0.0);
        let mut mu = vec![0.0f32; n * l];
        let mut vae_mu = vec![0.0f32; n * l];
        let width = PIXELS + CLASSES;
        for start in (0..n).step_by(EVAL_BATCH) {
            let b = EVAL_BATCH.min(n - start);
            let x = &self.test_x[start * PIXELS..(start + b) * PIXELS];
            let input = &self.test_input[start * width..(start + b) * width];
            let eps = eps_of(start, b, &self.test_eps);
            let mut ws = Workspace::default();
            let loss = self.cvae.net.forward_loss_given(input, x, &eps, b, &mut ws);
            rec += loss.rec;
            kl += loss.kl;
            for i in 0..b {
                mu[(start + i) * l..(start + i + 1) * l].copy_from_slice(ws.encoding(i).0);
            }
            let loss = self.vae.net.forward_loss(x, &eps, b, &mut ws);
            vae_loss += loss.rec + loss.kl;
            for i in 0..b {
                vae_mu[(start + i) * l..(start + i + 1) * l].copy_from_slice(ws.encoding(i).0);
            }
        }
        self.take_scores(mu, vae_mu, Some((rec, kl, vae_loss)));
    }

    /// The test split scored at the current step — here or on the device: both nets' codes μ
    /// (n × latent each), and when they were computed (a history row's) the CVAE's summed
    /// reconstruction and KL terms and the VAE's summed loss.
    fn take_scores(&mut self, mu: Vec<f32>, vae_mu: Vec<f32>, losses: Option<(f64, f64, f64)>) {
        let (nf, l) = (self.n_test() as f64, self.latent());
        if let Some((rec, kl, vae_loss)) = losses {
            self.scored = Some(Scored {
                step: self.progress.steps,
                rec: rec / nf,
                kl: kl / nf,
                knn: knn_accuracy_in(&mu, l, &self.test_labels, K_NEAREST),
                vae_loss: vae_loss / nf,
                vae_knn: knn_accuracy_in(&vae_mu, l, &self.test_labels, K_NEAREST),
            });
        }
        self.codes = Some((self.progress.steps, mu, vae_mu));
    }

    /// A view's read ([`VaeDevice::read_codes`]): both nets' codes at this step. The CPU
    /// copies and the mark a lost device rewinds to stay at the last full read.
    fn take_codes(&mut self, copy: DeviceCopy) -> Result<(), Msg> {
        let mut mu = copy.scores.map(|s| s.codes).unwrap_or_default();
        let codes = self.n_test() * self.latent();
        if mu.len() != 2 * codes {
            // Not this split's: the next full read brings them.
            return Ok(());
        }
        if let Some(why) = diverged(&mu, self.progress.steps, self.s.lr) {
            return Err(why);
        }
        let vae_mu = mu.split_off(codes);
        self.take_scores(mu, vae_mu, None);
        self.device.view_taken();
        Ok(())
    }

    /// μ of the test digits under both nets, by the encoders alone.
    fn encode_codes(&mut self) {
        if self
            .codes
            .as_ref()
            .is_some_and(|c| c.0 == self.progress.steps)
            || self.n_test() == 0
        {
            return;
        }
        let (n, l) = (self.n_test(), self.latent());
        let width = PIXELS + CLASSES;
        let mut mu = vec![0.0f32; n * l];
        let mut vae_mu = vec![0.0f32; n * l];
        let mut ws = Workspace::default();
        for start in (0..n).step_by(EVAL_BATCH) {
            let b = EVAL_BATCH.min(n - start);
            let input = &self.test_input[start * width..(start + b) * width];
            self.cvae.net.encode(input, b, &mut ws);
            for i in 0..b {
                mu[(start + i) * l..(start + i + 1) * l].copy_from_slice(ws.encoding(i).0);
            }
            let x = &self.test_x[start * PIXELS..(start + b) * PIXELS];
            self.vae.net.encode(x, b, &mut ws);
            for i in 0..b {
                vae_mu[(start + i) * l..(start + i + 1) * l].copy_from_slice(ws.encoding(i).0);
            }
        }
        self.codes = Some((self.progress.steps, mu, vae_mu));
    }

    /// The CVAE's encoding of image `x` under `label`: μ and log σ² (latent each).
    fn encode_one(&self, x: &[f32], label: u8) -> (Vec<f32>, Vec<f32>) {
        let mut ws = Workspace::default();
        self.cvae
            .net
            .encode(&with_label(x, Some(label), CLASSES), 1, &mut ws);
        let (mu, log_var) = ws.encoding(0);
        (mu.to_vec(), log_var.to_vec())
    }

    /// Decodes (z, label) pairs — z full latent vectors, n × latent — into images (n × 784);
    /// `labels` may hold soft labels (n × 10).
    fn decode(&self, z: &[f32], labels: &[f32]) -> Vec<f32> {
        let l = self.latent();
        let n = z.len() / l;
        let mut rows = Vec::with_capacity(n * (l + CLASSES));
        for (zi, yi) in z.chunks_exact(l).zip(labels.chunks_exact(CLASSES)) {
            rows.extend_from_slice(zi);
            rows.extend_from_slice(yi);
        }
        let mut out = Vec::with_capacity(n * PIXELS);
        let (mut ws, mut logits) = (Workspace::default(), vec![]);
        for chunk in rows.chunks(EVAL_BATCH * (l + CLASSES)) {
            let b = chunk.len() / (l + CLASSES);
            self.cvae.net.decode_logits(chunk, b, &mut ws, &mut logits);
            out.extend(logits.iter().map(|&a| sigmoid(a)));
        }
        out
    }

    /// A full latent vector from a point of the shown plane: the other dimensions at `hold`.
    fn lift(&self, p: (f64, f64)) -> Vec<f32> {
        let mut z = if self.s.hold_mu {
            self.mu_of(self.test_position(self.s.hold_digit))
        } else {
            vec![self.s.hold as f32; self.latent()]
        };
        z[self.s.dim_x as usize] = p.0 as f32;
        z[self.s.dim_y as usize] = p.1 as f32;
        z
    }

    fn shown(&self, z: &[f32]) -> (f64, f64) {
        (
            z[self.s.dim_x as usize] as f64,
            z[self.s.dim_y as usize] as f64,
        )
    }

    fn mu_of(&self, position: usize) -> Vec<f32> {
        let l = self.latent();
        match &self.codes {
            Some((_, mu, _)) if position < self.n_test() => {
                mu[position * l..(position + 1) * l].to_vec()
            }
            _ => vec![0.0; l],
        }
    }

    /// The interpolation's (z, label) at α = t: z between the two digits' codes with the
    /// label `class` held, or the label between theirs with z at the first one's code.
    fn interpolation_at(&self, t: f64) -> (Vec<f32>, [f32; CLASSES]) {
        let (a, b) = (
            self.test_position(self.s.from),
            self.test_position(self.s.to),
        );
        let (za, zb) = (self.mu_of(a), self.mu_of(b));
        let label = |i: usize| self.test_labels.get(i).copied().unwrap_or(0);
        match self.s.interp {
            Interp::Style => {
                let z = za
                    .iter()
                    .zip(&zb)
                    .map(|(&p, &q)| ((1.0 - t) * p as f64 + t * q as f64) as f32)
                    .collect();
                (z, one_hot(self.s.class as u8))
            }
            Interp::Label => {
                let (ya, yb) = (one_hot(label(a)), one_hot(label(b)));
                let mut y = [0.0; CLASSES];
                for k in 0..CLASSES {
                    y[k] = ((1.0 - t) * ya[k] as f64 + t * yb[k] as f64) as f32;
                }
                (za, y)
            }
        }
    }

    fn swap_rows(&self) -> Vec<usize> {
        let n = self.n_test();
        (0..SWAP_ROWS)
            .map(|r| (r * n / SWAP_ROWS + 7).min(n.saturating_sub(1)))
            .collect()
    }

    /// What the pictures show and the (z, label) pairs they decode, from the current codes and
    /// settings.
    fn picture_points(&self) -> PicturePoints {
        let l = self.latent();
        let class = self.s.class as u8;
        let levels: Vec<f64> = (0..GRID)
            .map(|i| normal_quantile(0.05 + 0.9 * i as f64 / (GRID - 1) as f64))
            .collect();
        let mut grid_z = Vec::with_capacity(GRID * GRID * l);
        for r in 0..GRID {
            for &x in &levels {
                grid_z.extend(self.lift((x, levels[GRID - 1 - r])));
            }
        }
        let grid_y: Vec<f32> = (0..GRID * GRID).flat_map(|_| one_hot(class)).collect();
        let rows = self.swap_rows();
        let swap_in: Vec<f32> = rows
            .iter()
            .flat_map(|&i| self.test_x[i * PIXELS..(i + 1) * PIXELS].iter().copied())
            .collect();
        let mut swap_z = vec![];
        let mut swap_y = vec![];
        for &i in &rows {
            let mu = self.mu_of(i);
            for c in 0..CLASSES as u8 {
                swap_z.extend_from_slice(&mu);
                swap_y.extend(one_hot(c));
            }
        }
        let mut rng = Rng::stream(self.s.seed as u64, 3);
        let shared: Vec<f32> = (0..SAMPLES_PER_CLASS * l)
            .map(|_| rng.normal() as f32)
            .collect();
        let mut sample_z = vec![];
        let mut sample_y = vec![];
        for c in 0..CLASSES as u8 {
            sample_z.extend_from_slice(&shared);
            sample_y.extend((0..SAMPLES_PER_CLASS).flat_map(|_| one_hot(c)));
        }
        let (mut strip_z, mut strip_y) = (vec![], vec![]);
        for k in 0..STRIP {
            let (z, y) = self.interpolation_at(k as f64 / (STRIP - 1) as f64);
            strip_z.extend(z);
            strip_y.extend(y);
        }
        let (az, ay) = self.interpolation_at(self.s.alpha);
        PicturePoints {
            z: [grid_z, swap_z, sample_z, strip_z, az],
            y: [grid_y, swap_y, sample_y, strip_y, ay.to_vec()],
            class,
            swap_in,
            swap_labels: rows.iter().map(|&i| self.test_labels[i]).collect(),
            arithmetic: self.settings_arithmetic(),
        }
    }

    /// The pictures at `points`, decoded here.
    fn images(&self, points: PicturePoints) -> CvaeImages {
        let decoded = std::array::from_fn(|g| self.decode(&points.z[g], &points.y[g]));
        points.into_images(decoded)
    }

    /// The pictures at `points` decoded on the device the lesson trains on, as an answer to
    /// come; the points back when it has no decoder (the view then carries them, decoded
    /// here). The latent arithmetic's four decodings were made here with the points.
    fn images_later(&mut self, points: PicturePoints) -> Result<AnswerLater, PicturePoints> {
        let (z, y) = (points.z.concat(), points.y.concat());
        let Some(decoding) = self.device.device().and_then(|d| d.decode(&z, &y)) else {
            return Err(points);
        };
        let counts = points.y.each_ref().map(|y| y.len() / CLASSES);
        Ok(pictures_later(decoding, counts, move |decoded| {
            let images = decoded.map(|d| Box::new(points.into_images(d)));
            LessonAnswer::ConditionalVae(CvaeAnswer::Pictures(images))
        }))
    }

    fn build_view(&mut self, live: bool) -> LessonView {
        let stale = self
            .codes
            .as_ref()
            .is_none_or(|c| c.0 != self.progress.steps);
        let due = self
            .codes
            .as_ref()
            .is_none_or(|c| self.progress.steps >= c.0 + REFRESH_EVERY);
        if stale && (!live || due) {
            self.encode_codes();
        }
        let codes_step = self.codes.as_ref().map_or(0, |c| c.0);
        let key = (codes_step, to_query(&self.s));
        let due = self.images_key.as_ref() != Some(&key) && self.digits.is_ok();
        let mut images = None;
        if due {
            self.images_key = Some(key);
            // On the GPU the pictures follow as an answer (`view_later`).
            match self.images_later(self.picture_points()) {
                Ok(later) => self.pictures_later = Some(later),
                Err(points) => images = Some(self.images(points)),
            }
        }
        let l = self.latent();
        let (dx, dy) = (self.s.dim_x as usize, self.s.dim_y as usize);
        let plane = |codes: &[f32], dx: usize, dy: usize| -> Vec<f32> {
            codes.chunks_exact(l).flat_map(|m| [m[dx], m[dy]]).collect()
        };
        let (mu, vae_mu) = match &self.codes {
            Some((_, mu, vae_mu)) => (plane(mu, dx, dy), plane(vae_mu, 0, 1)),
            None => (vec![], vec![]),
        };
        let reach = |v: &[f32]| {
            let mut abs: Vec<f64> = v.iter().map(|m| m.abs() as f64).collect();
            abs.sort_by(f64::total_cmp);
            (1.15 * abs.get(abs.len() * 99 / 100).copied().unwrap_or(0.0)).max(3.0)
        };
        let (knn, vae_knn) = self
            .scored
            .as_ref()
            .map_or((f64::NAN, f64::NAN), |s| (s.knn, s.vae_knn));
        let (a, b) = (
            self.test_position(self.s.from),
            self.test_position(self.s.to),
        );
        let label = |i: usize| self.test_labels.get(i).copied().unwrap_or(0);
        LessonView::ConditionalVae(CvaeView {
            latent: self.s.latent,
            epoch: self.progress.batcher.epoch(),
            half_width: reach(&mu),
            vae_half_width: reach(&vae_mu),
            test_mu: Bulk(mu),
            vae_mu: Bulk(vae_mu),
            test_labels: Bulk(self.test_labels.iter().map(|&l| l as f32).collect()),
            knn,
            vae_knn,
            dims: (self.s.dim_x, self.s.dim_y),
            hold: self.s.hold,
            from_label: label(a),
            to_label: label(b),
            from_z: self.shown(&self.mu_of(a)),
            to_z: self.shown(&self.mu_of(b)),
            path: self.device.path.clone(),
            images,
        })
    }

    /// Test digit `index`'s exact posterior p(z|x, y) with its own label, the grid on `on` when
    /// given.
    fn posterior(&self, index: u32, on: Option<&dyn Accelerator>) -> Later<CvaeAnswer> {
        if self.n_test() == 0 {
            return ready(refused(msg!("msg.vae.not_loaded")));
        }
        if self.latent() != 2 {
            return ready(refused(msg!("msg.cvae.posterior_2d", self.s.latent as u64)));
        }
        let i = self.test_position(index);
        let x = self.test_x[i * PIXELS..(i + 1) * PIXELS].to_vec();
        let label = Some(self.test_labels[i]);
        let posterior = posterior_later(on, &self.cvae.net, x, label, i as u64);
        Box::pin(async move {
            match posterior.await {
                Ok(p) => CvaeAnswer::Posterior(Box::new(PosteriorView {
                    index: Some(i as u32),
                    ..p
                })),
                Err(why) => refused(why),
            }
        })
    }

    /// The pad's drawing encoded under the chosen label and decoded under every label, with
    /// its exact posterior for a 2-D latent (the grid on `on` when given).
    fn drawn(
        &self,
        pad: &[f32],
        width: u32,
        height: u32,
        on: Option<&dyn Accelerator>,
    ) -> Later<CvaeAnswer> {
        let digit = match crate::digits::drawing::normalise(pad, width as usize, height as usize) {
            Ok(d) => d,
            Err(why) => return ready(refused(why)),
        };
        let l = self.latent();
        let mut z = vec![];
        let mut y = vec![];
        for c in 0..CLASSES as u8 {
            z.extend(self.encode_one(&digit, c).0);
            y.extend(one_hot(c));
        }
        let class = self.s.class as u8;
        let mut ws = Workspace::default();
        let input = with_label(&digit, Some(class), CLASSES);
        let loss = self
            .cvae
            .net
            .forward_loss_given(&input, &digit, &vec![0.0; l], 1, &mut ws);
        let (mu, log_var) = self.encode_one(&digit, class);
        let sigma: Vec<f32> = log_var.iter().map(|v| libm::expf(0.5 * v)).collect();
        let posterior =
            (l == 2).then(|| posterior_later(on, &self.cvae.net, digit.clone(), Some(class), 0));
        let drawn = CvaeDrawn {
            by_label: Bulk(self.decode(&z, &y)),
            digit: Bulk(digit),
            class,
            mu: self.shown(&mu),
            sigma: self.shown(&sigma),
            rec: loss.rec,
            kl: loss.kl,
            posterior: None,
        };
        Box::pin(async move {
            let posterior = match posterior {
                Some(p) => match p.await {
                    Ok(p) => Some(p),
                    Err(why) => return refused(why),
                },
                None => None,
            };
            CvaeAnswer::Drawn(Box::new(CvaeDrawn { posterior, ..drawn }))
        })
    }

    /// The code and label of an operand (class means from the current test codes).
    fn operand(&self, pick: Pick) -> (Vec<f32>, u8) {
        let l = self.latent();
        match pick {
            Pick::Digit(i) => {
                let i = self.test_position(i);
                (self.mu_of(i), self.test_labels[i])
            }
            Pick::Mean(c) => {
                let c = c.min(CLASSES as u8 - 1);
                let mut sum = vec![0.0f64; l];
                let mut count = 0;
                for (i, _) in self.test_labels.iter().enumerate().filter(|(_, &y)| y == c) {
                    for (s, m) in sum.iter_mut().zip(self.mu_of(i)) {
                        *s += m as f64;
                    }
                    count += 1;
                }
                let mean = sum
                    .iter()
                    .map(|s| (s / count.max(1) as f64) as f32)
                    .collect();
                (mean, c)
            }
        }
    }

    /// z_c + (z_a − z_b) of the settings' operands, decoded with c's label.
    fn settings_arithmetic(&self) -> Option<ArithmeticView> {
        let pick = |i: u32, mean: bool| {
            if mean {
                Pick::Mean(self.test_labels[self.test_position(i)])
            } else {
                Pick::Digit(i)
            }
        };
        let s = &self.s;
        (self.n_test() > 0).then(|| {
            self.arithmetic(
                pick(s.a, s.a_mean),
                pick(s.b, s.b_mean),
                pick(s.c, s.c_mean),
            )
        })
    }

    /// Decode z_c + (z_a − z_b) with c's label: lecture 004's "the difference between two
    /// concepts can be added to a third".
    fn arithmetic(&self, a: Pick, b: Pick, c: Pick) -> ArithmeticView {
        let ((za, la), (zb, lb), (zc, label)) = (self.operand(a), self.operand(b), self.operand(c));
        let z: Vec<f32> = (0..self.latent())
            .map(|j| zc[j] + (za[j] - zb[j]))
            .collect();
        let image = self.decode(&z, &one_hot(label));
        let codes: Vec<f32> = [&za, &zb, &zc].into_iter().flatten().copied().collect();
        let labels: Vec<f32> = [la, lb, label].into_iter().flat_map(one_hot).collect();
        let operands = self.decode(&codes, &labels);
        ArithmeticView {
            operands: Bulk(operands),
            za: self.shown(&za),
            zb: self.shown(&zb),
            zc: self.shown(&zc),
            z: self.shown(&z),
            label,
            image: Bulk(image),
        }
    }
}

fn refused(why: Msg) -> CvaeAnswer {
    CvaeAnswer::Refused { why }
}

#[derive(Serialize, Deserialize)]
struct CvaeState {
    #[serde(with = "packed")]
    params: Vec<f32>,
    opt: Optimizer<f32>,
    #[serde(with = "packed")]
    vae_params: Vec<f32>,
    vae_opt: Optimizer<f32>,
    #[serde(flatten)]
    progress: Progress,
    #[serde(with = "packed")]
    since_record: Vec<f64>,
    since_record_images: u64,
    scored: Option<Scored>,
}

impl crate::lesson::LessonDef for CvaeTrainer {
    type Settings = CvaeSettings;
    type View = CvaeView;
    type Action = CvaeAction;
    type Answer = CvaeAnswer;
    const METRICS: &'static [&'static str] = METRICS;
    const ASSETS: &'static [crate::registry::Asset] = &[crate::registry::Asset::Digits];
    fn new(settings: CvaeSettings) -> Self {
        CvaeTrainer::new(settings)
    }
}

impl Trainer for CvaeTrainer {
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
        let batch = self.device.batch().unwrap_or(self.s.batch as usize);
        let digits = self.digits.as_ref().map_err(|e| e.clone())?.clone();
        self.x.clear();
        self.input.clear();
        for _ in 0..batch {
            let i = self.progress.batcher.next_index();
            let start = self.x.len();
            self.x.extend(digits.image(i).iter().map(|&p| grey(p)));
            self.input.extend_from_slice(&self.x[start..]);
            self.input.extend(one_hot(digits.labels[i]));
        }
        self.eps.clear();
        for _ in 0..batch * self.latent() {
            let e = self.progress.eps_rng.normal() as f32;
            self.eps.push(if self.s.beta == 0.0 { 0.0 } else { e });
        }
        let (beta, lr) = (self.s.beta, self.s.lr);
        if let Some(device) = self.device.device() {
            // Its losses arrive with the next read (`take_read`).
            device.step(&self.input, &self.x, &self.eps, lr);
            self.device.count_step();
            self.progress.steps += 1;
            return Ok(());
        }
        let loss = self
            .cvae
            .step(&self.input, &self.x, &self.eps, batch, beta, lr);
        // The VAE beside it: the same images and noise, no label.
        let vae_loss = self.vae.step(&self.x, &self.x, &self.eps, batch, beta, lr);
        let finite = |l: &BatchLoss| l.rec.is_finite() && l.kl.is_finite();
        if !(finite(&loss) && finite(&vae_loss)) {
            let nan = [loss.rec, loss.kl, vae_loss.rec, vae_loss.kl]
                .iter()
                .any(|v| v.is_nan());
            return Err(if nan {
                msg!("msg.vae.nan", self.progress.steps + 1, self.s.lr)
            } else {
                msg!("msg.vae.infinite", self.progress.steps + 1, self.s.lr)
            });
        }
        self.progress.steps += 1;
        self.since_record.0.rec += loss.rec;
        self.since_record.0.kl += loss.kl;
        self.since_record.1 += batch as u64;
        Ok(())
    }

    fn record_every(&self) -> u64 {
        RECORD_EVERY
    }

    fn metrics(&mut self) -> Vec<f64> {
        self.score();
        let (sum, n) = std::mem::take(&mut self.since_record);
        let (train_rec, train_kl) = if n > 0 {
            (sum.rec / n as f64, sum.kl / n as f64)
        } else {
            (f64::NAN, f64::NAN)
        };
        let s = self.scored.as_ref();
        let get = |f: fn(&Scored) -> f64| s.map_or(f64::NAN, f);
        vec![
            train_rec,
            train_kl,
            train_rec + train_kl,
            get(|s| s.rec),
            get(|s| s.kl),
            get(|s| s.rec + s.kl),
            get(|s| s.knn),
            get(|s| s.vae_loss),
            get(|s| s.vae_knn),
            self.progress.batcher.epoch(),
        ]
    }

    fn view(&mut self) -> LessonView {
        self.build_view(false)
    }

    fn view_while_playing(&mut self) -> LessonView {
        self.build_view(true)
    }

    fn query(&self) -> String {
        to_query(&self.s)
    }

    fn save_state(&self) -> serde_json::Value {
        runfile::save(&CvaeState {
            params: self.cvae.net.params.clone(),
            opt: self.cvae.opt.clone(),
            vae_params: self.vae.net.params.clone(),
            vae_opt: self.vae.opt.clone(),
            progress: self.progress.clone(),
            since_record: vec![self.since_record.0.rec, self.since_record.0.kl],
            since_record_images: self.since_record.1,
            scored: self.scored.clone(),
        })
    }

    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg> {
        let st: CvaeState = runfile::load(state)?;
        expect_len(
            "CVAE parameters",
            st.params.len(),
            self.cvae.net.params.len(),
        )?;
        expect_finite("CVAE parameters", &st.params)?;
        expect_len(
            "VAE parameters",
            st.vae_params.len(),
            self.vae.net.params.len(),
        )?;
        expect_finite("VAE parameters", &st.vae_params)?;
        expect_len("running loss", st.since_record.len(), 2)?;
        st.progress.batcher.check_fits(&self.progress.batcher)?;
        if let Some(sc) = &st.scored {
            let finite = [sc.rec, sc.kl, sc.knn, sc.vae_loss, sc.vae_knn];
            expect_finite("test scores", &finite)?;
            if sc.step > st.progress.steps {
                return Err(msg!("msg.run.scores_ahead"));
            }
        }
        self.cvae.opt.restore(st.opt, "CVAE")?;
        self.vae.opt.restore(st.vae_opt, "VAE")?;
        self.cvae.net.params = st.params;
        self.vae.net.params = st.vae_params;
        self.progress = st.progress;
        self.since_record = (
            BatchLoss {
                rec: st.since_record[0],
                kl: st.since_record[1],
            },
            st.since_record_images,
        );
        self.scored = st.scored;
        self.codes = None;
        self.images_key = None;
        Ok(())
    }

    fn update(&mut self, query: &str) -> (bool, Vec<Notice>) {
        let batch = self.s.batch;
        let (applied, notices) = update_settings(&mut self.s, query);
        // The likelihood is the loss alone (both decoders end in a sigmoid): it changes live.
        self.cvae.net.net.shape.output = self.s.output();
        self.vae.net.net.shape.output = self.s.output();
        if applied && self.device.is_running() {
            if self.s.batch != batch {
                // The device's buffers are sized for a batch; the session defers commands
                // until the device is read, so the CPU copies are current.
                self.start_device();
            } else if let Some(device) = self.device.device() {
                device.set_loss(self.s.beta, self.s.output());
            }
        }
        (applied, notices)
    }

    crate::device::on_device_hooks!(REFRESH_EVERY, own_read);

    /// Every read brings both nets' codes of the test split, scored on the device; a read at
    /// a history row also their loss terms.
    fn read_device(&self) -> Option<crate::device::DeviceRead> {
        let losses = self.progress.steps.is_multiple_of(RECORD_EVERY);
        Some(self.device.device_ref()?.read_scored(losses))
    }

    /// Between rows the view needs both nets' codes alone (as the VAE lesson's `read_view`):
    /// the pictures are decoded on the device, and a full read brings both nets' parameters
    /// and Adam's moments.
    fn read_view(&self) -> Option<crate::device::DeviceRead> {
        let device = self.device.device_ref()?;
        device.read_codes().or_else(|| self.read_device())
    }

    fn take_read(&mut self, read: Result<DeviceCopy, DeviceFault>) -> Result<(), Msg> {
        let mut copy = match read {
            Ok(copy) => copy,
            Err(DeviceFault::Lost) => {
                // Back to the last read — parameters, moments, batch order, noise — and on
                // with the CPU: the steps since are run again, the same ones.
                if let Some(mark) = self.device.lost(|m| m.steps) {
                    self.progress = mark;
                }
                // Pictures the device was decoding are gone: the next view decodes them here.
                self.images_key = None;
                return Ok(());
            }
        };
        if copy.view_only {
            return self.take_codes(copy);
        }
        let Some(seen_at_mark) = self.device.mark().map(|m| m.batcher.images_seen()) else {
            return Ok(());
        };
        let scores = copy.scores.take();
        let fits = split(copy, self.cvae.net.n_params()).filter(|(c, v)| {
            c.params.len() == self.cvae.net.n_params() && v.params.len() == self.vae.net.n_params()
        });
        let Some((c, v)) = fits else {
            return Err(msg!("msg.vae.nan", self.progress.steps, self.s.lr));
        };
        let sums = [c.sums[0], c.sums[1], v.sums[0], v.sums[1]];
        let finite = sums.iter().all(|s| s.is_finite())
            && c.params.iter().chain(&v.params).all(|p| p.is_finite());
        if !finite {
            // The CPU copies keep the last good parameters; the page keeps their pictures.
            let nan = sums.iter().any(|s| s.is_nan())
                || c.params.iter().chain(&v.params).any(|p| p.is_nan());
            return Err(if nan {
                msg!("msg.vae.nan", self.progress.steps, self.s.lr)
            } else {
                msg!("msg.vae.infinite", self.progress.steps, self.s.lr)
            });
        }
        self.cvae.net.params = c.params;
        self.cvae.opt.set_moments(c.m, c.v, c.t);
        self.vae.net.params = v.params;
        self.vae.opt.set_moments(v.m, v.v, v.t);
        self.since_record.0.rec += sums[0];
        self.since_record.0.kl += sums[1];
        self.since_record.1 += self.progress.batcher.images_seen() - seen_at_mark;
        if let Some(mut scores) = scores {
            // A copy that does not fit the split is left alone: the CPU copies score instead.
            let codes = self.n_test() * self.latent();
            if scores.codes.len() == 2 * codes {
                let vae_mu = scores.codes.split_off(codes);
                let losses = match scores.losses[..] {
                    [rec, kl, vae_rec, vae_kl] => Some((rec, kl, vae_rec + vae_kl)),
                    _ => None,
                };
                self.take_scores(scores.codes, vae_mu, losses);
            }
        }
        let mark = self.progress.clone();
        self.device.read_taken(mark);
        Ok(())
    }

    fn act(&mut self, action: LessonAction) -> Option<LessonAnswer> {
        let LessonAction::ConditionalVae(action) = action else {
            return None;
        };
        if self.codes.is_none() {
            self.encode_codes();
        }
        let answer = match action {
            CvaeAction::Posterior { index } => at_once(self.posterior(index, None)),
            CvaeAction::Drawn { pad, width, height } => {
                at_once(self.drawn(&pad.0, width, height, None))
            }
        };
        Some(LessonAnswer::ConditionalVae(answer))
    }

    /// The exact posterior's grid runs on the GPU when the lesson trains there.
    fn view_later(&mut self) -> Vec<AnswerLater> {
        self.pictures_later.take().into_iter().collect()
    }

    fn act_later(&mut self, action: &LessonAction) -> Option<AnswerLater> {
        let on = self.device.training_on()?;
        let answer = match action {
            LessonAction::ConditionalVae(CvaeAction::Posterior { index }) => {
                self.posterior(*index, Some(&*on))
            }
            LessonAction::ConditionalVae(CvaeAction::Drawn { pad, width, height }) => {
                self.drawn(&pad.0, *width, *height, Some(&*on))
            }
            _ => return None,
        };
        Some(Box::pin(async move {
            LessonAnswer::ConditionalVae(answer.await)
        }))
    }
}

#[cfg(test)]
mod tests;
