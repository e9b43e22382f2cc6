//! The latent-shaping lesson's trainer: one lane (the regulariser the settings name) or every
//! regulariser side by side — the VAE's KL, the WAE's MMD, the adversarial autoencoder's
//! discriminator and a plain autoencoder — on the same batches, prior samples and noise. Every
//! lane is measured the same way against the same prior sample: the exact W₁ and the unbiased
//! MMD² of its test codes, beside the floor two prior samples of that size reach.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::discriminator::optimal;
use super::distance::{distance_to_prior, DistanceToPrior};
use super::lane::{AdversaryCopy, Knobs, Shaping, ShapingLane, ShapingLaneState};
use super::prior::Prior;
use super::sharpness::mean_sharpness;
use super::WaeSettings;
use crate::autoencoder::lane::fill_batch;
use crate::autoencoder::on_device;
use crate::device::{
    ComputePath, DeviceCopy, DeviceFault, DeviceRead, OnDevice, ReadDevice, ShapingBatch,
    ShapingDevice,
};
use crate::digits::data::{self, Digits};
use crate::digits::EpochBatcher;
use crate::lesson::{update_settings, StepPart, Trainer};
use crate::msg;
use crate::msg::Msg;
use crate::protocol::{Bulk, LessonView};
use crate::rng::Rng;
use crate::runfile;
use crate::settings::{ChoiceEnum, Notice};

/// Per lane (in `Shaping::ALL`'s order: KL, MMD, adversarial, none): the test digits'
/// reconstruction, their codes' W₁ and MMD² to the prior; then the discriminator's loss.
pub const METRICS: &[&str] = &[
    "rec_kl",
    "rec_mmd",
    "rec_adversarial",
    "rec_none",
    "emd_kl",
    "emd_mmd",
    "emd_adversarial",
    "emd_none",
    "mmd_kl",
    "mmd_mmd",
    "mmd_adversarial",
    "mmd_none",
    "disc_loss",
    "epoch",
];

/// Test digits scored and drawn (spread over the split, which is ordered by class); the
/// distances compare as many codes with as many prior samples.
const SCORED: usize = 250;
const RECORD_EVERY: u64 = 50;
/// Device steps after which a playing view asks for a read.
const REFRESH_EVERY: u64 = RECORD_EVERY;
/// Prior points every lane decodes (the same points for every lane).
const SAMPLES: usize = 10;
/// Cells per side of the discriminator's heat map.
const DISC_GRID: usize = 40;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LaneView {
    pub shaping: Shaping,
    /// The scored test digits' codes (n × 2; the VAE's μ).
    pub codes: Bulk,
    /// Half the width of the lane's picture: its codes and the prior sample fit in it.
    pub reach: f64,
    /// Mean reconstruction loss per test digit (nats).
    pub rec: f64,
    /// W₁ (exact) and MMD² (unbiased, RBF σ = 1) of the codes to the reference prior sample.
    pub emd: f64,
    pub mmd2: f64,
    /// The prior points decoded (SAMPLES × 784) and their sharpness.
    pub samples: Bulk,
    pub sharpness: f64,
}

/// The adversarial lane's discriminator over the latent plane, beside the optimal one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscriminatorView {
    /// The square [−reach, reach]² in `n` × `n` cells (z₂ the row, lowest first).
    pub reach: f64,
    pub n: u32,
    /// D(z) of the trained discriminator.
    pub learned: Bulk,
    /// D*(z) = p / (p + q), p the prior's density, q the codes' kernel density estimate; none
    /// for the supervised prior, whose D reads the label (one picture per class).
    pub optimal: Option<Bulk>,
    /// Whether p is in closed form (else the swiss roll's quadrature).
    pub prior_closed_form: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaeView {
    pub prior: Prior,
    pub supervised: bool,
    pub epoch: f64,
    pub lanes: Vec<LaneView>,
    /// Labels of the scored test digits (as f32, for the colours).
    pub labels: Bulk,
    /// The reference prior sample the distances use (n × 2), and what two prior samples of
    /// that size give: the floor a lane whose q(z) were p(z) would reach.
    pub prior_sample: Bulk,
    pub floor_emd: f64,
    pub floor_mmd2: f64,
    pub distance_n: u32,
    /// The sharpness of the scored real digits: the level decoded samples compare with.
    pub real_sharpness: f64,
    pub disc: Option<DiscriminatorView>,
    /// Where the lanes train, and those that train on the CPU while the others use the GPU.
    pub path: ComputePath,
    pub cpu_lanes: Vec<Shaping>,
}

/// Where the run stands besides the lanes: the batches' order, the prior's and the noise's
/// streams, the step count.
#[derive(Clone, Serialize, Deserialize)]
struct Progress {
    #[serde(flatten)]
    batcher: EpochBatcher,
    prior_rng: Rng,
    noise: Rng,
    steps: u64,
}

/// What a prior gives every lane's measurement: the reference sample, the floor, the points
/// decoded.
struct Reference {
    prior: Prior,
    seed: u32,
    sample: Vec<[f64; 2]>,
    /// Computed when first shown (an exact transport problem: not for every trainer built).
    floor: Option<(f64, f64)>,
    decoded: Vec<[f64; 2]>,
}

impl Reference {
    fn new(prior: Prior, seed: u32) -> Reference {
        Reference {
            sample: prior.sample(&mut Rng::stream(seed as u64, 7), SCORED),
            decoded: prior.sample(&mut Rng::stream(seed as u64, 9), SAMPLES),
            floor: None,
            prior,
            seed,
        }
    }

    /// W₁ and MMD² between the reference sample and another prior sample of its size.
    fn floor(&mut self) -> (f64, f64) {
        *self.floor.get_or_insert_with(|| {
            let other = self
                .prior
                .sample(&mut Rng::stream(self.seed as u64, 8), self.sample.len());
            distance_to_prior(&other, &self.sample)
                .map_or((f64::NAN, f64::NAN), |d: DistanceToPrior| (d.emd, d.mmd2))
        })
    }
}

/// Every lane's twin where the device has one, in the lanes' order; a lane without one steps
/// on the CPU beside the others.
struct ShapingDevices(Vec<Option<Box<dyn ShapingDevice>>>);

impl ReadDevice for ShapingDevices {
    fn read(&self) -> DeviceRead {
        on_device::read_lanes(self.0.iter().flatten().map(|d| d.read()).collect())
    }
}

/// What a lost device rewinds to: the progress as of the last read, and the state then of the
/// lanes that step on the CPU (the device's lanes are in their CPU copies already).
#[derive(Clone)]
struct Mark {
    progress: Progress,
    cpu_lanes: Vec<Option<ShapingLaneState>>,
    disc_loss: f64,
}

pub struct WaeTrainer {
    s: WaeSettings,
    digits: Result<Arc<Digits>, Msg>,
    lanes: Vec<ShapingLane>,
    progress: Progress,
    test_x: Vec<f32>,
    test_labels: Vec<u8>,
    real_sharpness: f64,
    reference: Reference,
    /// The last scored view and the step it is of.
    scored: Option<(u64, WaeView)>,
    disc_loss: f64,
    batch: Vec<f32>,
    device: OnDevice<ShapingDevices, Mark>,
}

impl WaeTrainer {
    pub fn new(s: WaeSettings) -> Self {
        Self::with_digits(s, data::installed_digits())
    }

    pub fn with_digits(s: WaeSettings, digits: Result<Arc<Digits>, Msg>) -> Self {
        let lanes = s
            .lanes()
            .into_iter()
            .map(|shaping| {
                // A fresh copy of one stream per lane: lanes of one shape start alike.
                ShapingLane::new(
                    shaping,
                    s.hidden as usize,
                    s.disc_width as usize,
                    s.supervised,
                    &mut Rng::stream(s.seed as u64, 0),
                    &mut Rng::stream(s.seed as u64, 1),
                )
            })
            .collect();
        let (train, test_x, test_labels) = match &digits {
            Ok(d) => {
                let step = (d.test.len() / SCORED).max(1);
                let test: Vec<usize> = d.test.iter().copied().step_by(step).take(SCORED).collect();
                let mut x = vec![];
                fill_batch(d, &test, &mut x);
                let labels = test.iter().map(|&i| d.labels[i]).collect();
                (d.train.clone(), x, labels)
            }
            Err(_) => (vec![], vec![], vec![]),
        };
        WaeTrainer {
            real_sharpness: mean_sharpness(&test_x),
            reference: Reference::new(s.prior, s.seed),
            progress: Progress {
                batcher: EpochBatcher::new(train, Rng::stream(s.seed as u64, 2)),
                prior_rng: Rng::stream(s.seed as u64, 3),
                noise: Rng::stream(s.seed as u64, 4),
                steps: 0,
            },
            lanes,
            digits,
            test_x,
            test_labels,
            scored: None,
            disc_loss: f64::NAN,
            batch: vec![],
            device: OnDevice::new(s.device),
            s,
        }
    }

    /// A scored view with what may have changed since it was scored: the epoch, the path.
    fn as_now(&self, view: WaeView) -> WaeView {
        WaeView {
            epoch: self.progress.batcher.epoch(),
            path: self.device.path.clone(),
            cpu_lanes: self.cpu_lanes(),
            ..view
        }
    }

    /// The lanes that step on the CPU while the others step on the device.
    fn cpu_lanes(&self) -> Vec<Shaping> {
        match self.device.device_ref() {
            Some(twins) => self
                .lanes
                .iter()
                .zip(&twins.0)
                .filter(|(_, twin)| twin.is_none())
                .map(|(lane, _)| lane.shaping)
                .collect(),
            None => vec![],
        }
    }

    /// What a lost device would rewind to: the state now.
    fn mark(&self) -> Mark {
        let on_cpu = self.cpu_lanes();
        Mark {
            progress: self.progress.clone(),
            cpu_lanes: self
                .lanes
                .iter()
                .map(|lane| on_cpu.contains(&lane.shaping).then(|| lane.save()))
                .collect(),
            disc_loss: self.disc_loss,
        }
    }

    fn rewind(&mut self, mark: Mark) {
        self.progress = mark.progress;
        for (lane, saved) in self.lanes.iter_mut().zip(mark.cpu_lanes) {
            if let Some(saved) = saved {
                lane.load(saved).expect("a lane's own saved state fits it");
            }
        }
        self.disc_loss = mark.disc_loss;
        self.scored = None;
    }

    /// Twins of every lane the device can train (weights and Adam's state) for the batch it
    /// holds; a lane without one steps on the CPU beside them.
    fn start_device(&mut self) {
        let Some(accelerator) = self.device.accelerator.clone() else {
            return;
        };
        let wanted = self.s.batch as usize;
        let batch = accelerator.fit_batch(wanted, data::PIXELS);
        let knobs = self.knobs();
        let twins: Vec<Option<Box<dyn ShapingDevice>>> = self
            .lanes
            .iter()
            .map(|lane| accelerator.shaping_lane(lane, &knobs, batch))
            .collect();
        if twins.iter().all(Option::is_none) {
            self.device.path = ComputePath::Fallback {
                adapter: Some(accelerator.adapter()),
                why: msg!("msg.wae.no_twin"),
            };
            return;
        }
        // The mark holds the CPU lanes' state: taken once the device holds the twins.
        let placeholder = Mark {
            progress: self.progress.clone(),
            cpu_lanes: vec![],
            disc_loss: self.disc_loss,
        };
        self.device
            .start(Box::new(ShapingDevices(twins)), batch, wanted, placeholder);
        let mark = self.mark();
        self.device.read_taken(mark);
    }

    fn knobs(&self) -> Knobs {
        Knobs {
            beta: self.s.beta,
            mmd_lambda: self.s.mmd_lambda,
            adv_lambda: self.s.adv_lambda,
            kernel: self.s.kernel(),
            disc_lr: self.s.disc_lr,
            disc_steps: self.s.disc_steps,
        }
    }

    /// Every lane measured now (and the discriminator's picture).
    fn score(&mut self) -> WaeView {
        if let Some((step, view)) = &self.scored {
            if *step == self.progress.steps {
                return view.clone();
            }
        }
        let (floor_emd, floor_mmd2) = self.reference.floor();
        let reference = &self.reference;
        let reach_of = |codes: &[[f64; 2]]| {
            let mut abs: Vec<f64> = codes
                .iter()
                .chain(&reference.sample)
                .flat_map(|z| [z[0].abs(), z[1].abs()])
                .filter(|v| v.is_finite())
                .collect();
            abs.sort_by(f64::total_cmp);
            let p99 = abs.get(abs.len() * 99 / 100).copied().unwrap_or(1.0);
            (1.15 * p99).clamp(3.0, 1e4)
        };
        let mut lanes = Vec::with_capacity(self.lanes.len());
        let mut disc = None;
        for lane in self.lanes.iter_mut() {
            let codes = lane.codes(&self.test_x);
            let d = distance_to_prior(&codes, &reference.sample);
            let (emd, mmd2) = d.map_or((f64::NAN, f64::NAN), |d| (d.emd, d.mmd2));
            let samples = lane.decode(&reference.decoded);
            let reach = reach_of(&codes);
            if let Some(dn) = lane.disc.as_mut() {
                let g = DISC_GRID;
                let points: Vec<[f64; 2]> = (0..g * g)
                    .map(|c| {
                        let cell = |k: usize| -reach + (k as f64 + 0.5) * 2.0 * reach / g as f64;
                        [cell(c % g), cell(c / g)]
                    })
                    .collect();
                let learned = dn.probability(&points, &vec![0; points.len()]);
                let f32s = |v: Vec<f64>| Bulk(v.into_iter().map(|x| x as f32).collect());
                disc = Some(DiscriminatorView {
                    reach,
                    n: g as u32,
                    learned: f32s(learned),
                    optimal: (!dn.labelled)
                        .then(|| f32s(optimal(reference.prior, &codes, &points))),
                    prior_closed_form: reference.prior.density_is_closed_form(),
                });
            }
            lanes.push(LaneView {
                shaping: lane.shaping,
                rec: lane.reconstruction(&self.test_x),
                codes: Bulk(
                    codes
                        .iter()
                        .flat_map(|z| [z[0] as f32, z[1] as f32])
                        .collect(),
                ),
                reach,
                emd,
                mmd2,
                sharpness: mean_sharpness(&samples),
                samples: Bulk(samples),
            });
        }
        let view = WaeView {
            prior: self.s.prior,
            supervised: self.s.supervised,
            epoch: self.progress.batcher.epoch(),
            lanes,
            labels: Bulk(self.test_labels.iter().map(|&l| l as f32).collect()),
            prior_sample: Bulk(
                reference
                    .sample
                    .iter()
                    .flat_map(|z| [z[0] as f32, z[1] as f32])
                    .collect(),
            ),
            floor_emd,
            floor_mmd2,
            distance_n: SCORED.min(self.test_labels.len()) as u32,
            real_sharpness: self.real_sharpness,
            disc,
            path: self.device.path.clone(),
            cpu_lanes: self.cpu_lanes(),
        };
        self.scored = Some((self.progress.steps, view.clone()));
        view
    }
}

/// An exported run: every lane and the progress.
#[derive(Serialize, Deserialize)]
struct WaeState {
    lanes: Vec<ShapingLaneState>,
    #[serde(flatten)]
    progress: Progress,
}

impl crate::lesson::LessonDef for WaeTrainer {
    type Settings = WaeSettings;
    type View = WaeView;
    type Action = crate::lesson::NoAction;
    type Answer = crate::lesson::NoAction;
    const METRICS: &'static [&'static str] = METRICS;
    const ASSETS: &'static [crate::lesson::Asset] = &[crate::lesson::Asset::Digits];
    fn new(settings: WaeSettings) -> Self {
        WaeTrainer::new(settings)
    }
}

impl Trainer for WaeTrainer {
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
        let b = self.device.batch().unwrap_or(self.s.batch as usize);
        let indices: Vec<usize> = (0..b).map(|_| self.progress.batcher.next_index()).collect();
        fill_batch(&digits, &indices, &mut self.batch);
        let labels: Vec<u8> = indices.iter().map(|&i| digits.labels[i]).collect();
        let prior = self.s.prior;
        let rng = &mut self.progress.prior_rng;
        let z: Vec<[f64; 2]> = if self.s.supervised {
            labels
                .iter()
                .map(|&y| prior.sample_component(rng, y as usize))
                .collect()
        } else {
            prior.sample(rng, b)
        };
        let eps: Vec<f32> = (0..b * 2)
            .map(|_| self.progress.noise.normal() as f32)
            .collect();
        let knobs = self.knobs();
        let (lr, x) = (self.s.lr, &self.batch);
        // On a device, the lanes with a twin step there (a diverging one shows in the next
        // read) and the others here, on the same batch.
        let mut twins = self.device.device().map(|d| d.0.iter_mut());
        let prior_f32: Vec<f32> = match twins {
            Some(_) => z.iter().flatten().map(|&v| v as f32).collect(),
            None => vec![],
        };
        for lane in &mut self.lanes {
            if let Some(Some(twin)) = twins
                .as_mut()
                .map(|t| t.next().expect("a twin slot per lane"))
            {
                let batch = ShapingBatch {
                    x,
                    labels: &labels,
                    eps: &eps,
                    prior: &prior_f32,
                };
                twin.step(batch, lr);
                continue;
            }
            let loss = lane.step(x, &labels, &z, &labels, &eps, &knobs, lr)?;
            if lane.shaping == Shaping::Adversarial {
                self.disc_loss = loss.reg;
            }
        }
        self.device.count_step();
        self.progress.steps += 1;
        Ok(())
    }

    fn record_every(&self) -> u64 {
        RECORD_EVERY
    }

    fn metrics(&mut self) -> Vec<f64> {
        let view = self.score();
        let of = |f: &dyn Fn(&LaneView) -> f64| -> Vec<f64> {
            Shaping::ALL
                .iter()
                .map(|s| {
                    view.lanes
                        .iter()
                        .find(|l| l.shaping == *s)
                        .map_or(f64::NAN, f)
                })
                .collect()
        };
        let mut row = of(&|l| l.rec);
        row.extend(of(&|l| l.emd));
        row.extend(of(&|l| l.mmd2));
        row.push(self.disc_loss);
        row.push(self.progress.batcher.epoch());
        row
    }

    fn view(&mut self) -> LessonView {
        let view = self.score();
        LessonView::Wae(self.as_now(view))
    }

    /// While playing, the view of the last history row (scoring every lane costs a few tens
    /// of milliseconds); the first one is scored at once.
    fn view_while_playing(&mut self) -> LessonView {
        match &self.scored {
            Some((_, view)) => LessonView::Wae(self.as_now(view.clone())),
            None => self.view(),
        }
    }

    fn query(&self) -> String {
        crate::settings::to_query(&self.s)
    }

    fn update(&mut self, query: &str) -> (bool, Vec<Notice>) {
        let result = update_settings(&mut self.s, query);
        let knobs = self.knobs();
        if let Some(twins) = self.device.device() {
            for twin in twins.0.iter_mut().flatten() {
                twin.set_knobs(&knobs);
            }
        }
        if self.reference.prior != self.s.prior {
            // A new prior: its own reference sample and floor; every lane is scored again.
            self.reference = Reference::new(self.s.prior, self.s.seed);
            self.scored = None;
        }
        result
    }

    crate::device::on_device_hooks!(REFRESH_EVERY);

    fn take_read(&mut self, read: Result<DeviceCopy, DeviceFault>) -> Result<(), Msg> {
        let mut copy = match read {
            Ok(copy) => copy,
            Err(DeviceFault::Lost) => {
                // Back to the last read — the device's lanes, the CPU lanes, the batches'
                // order and the streams — and on with the CPU: the same steps again.
                if let Some(mark) = self.device.lost(|m| m.progress.steps) {
                    self.rewind(mark);
                }
                return Ok(());
            }
        };
        let on_cpu = self.cpu_lanes();
        let on_device: Vec<usize> = (0..self.lanes.len())
            .filter(|&i| !on_cpu.contains(&self.lanes[i].shaping))
            .collect();
        let sizes: Vec<usize> = on_device
            .iter()
            .map(|&i| self.lanes[i].net.n_params())
            .collect();
        let t = copy.t;
        // The adversarial lane's own state rides in `extra` and `sums` (the only lane with any).
        let (extra, sums) = (
            std::mem::take(&mut copy.extra),
            std::mem::take(&mut copy.sums),
        );
        // The CPU copies keep the last good weights (the page keeps their pictures) when a
        // lane's copy is not finite, or an adversary's does not fit.
        let adversarial = on_device
            .iter()
            .find_map(|&i| self.lanes[i].disc.as_ref().map(|d| (i, d.mlp.n_params())));
        let mut adversary = match adversarial {
            Some((i, disc_len)) => {
                let encoder_len = self.lanes[i].encoder_len();
                match AdversaryCopy::from_parts(&extra, &sums, encoder_len, disc_len) {
                    // The loss is NaN until the first step: weights are what diverge.
                    Some(a) if a.disc_params.iter().all(|p| p.is_finite()) => Some(a),
                    _ => return Err(msg!("msg.wae.diverged")),
                }
            }
            None => None,
        };
        let Some(copies) = on_device::split(&copy, &sizes)
            .filter(|c| c.iter().all(|l| l.params.iter().all(|p| p.is_finite())))
        else {
            return Err(msg!("msg.wae.diverged"));
        };
        for (&i, lane) in on_device.iter().zip(copies) {
            let own = if self.lanes[i].disc.is_some() {
                adversary.take()
            } else {
                None
            };
            if let Some(a) = &own {
                self.disc_loss = a.loss;
            }
            self.lanes[i].take_copy((lane.params, lane.m, lane.v, t), own)?;
        }
        // A view scored before this read, at this step, scored the older copies.
        self.scored = None;
        let mark = self.mark();
        self.device.read_taken(mark);
        Ok(())
    }

    fn save_state(&self) -> serde_json::Value {
        runfile::save(&WaeState {
            lanes: self.lanes.iter().map(|l| l.save()).collect(),
            progress: self.progress.clone(),
        })
    }

    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg> {
        let st: WaeState = runfile::load(state)?;
        runfile::expect_len("lanes", st.lanes.len(), self.lanes.len())?;
        st.progress.batcher.check_fits(&self.progress.batcher)?;
        for (lane, saved) in self.lanes.iter_mut().zip(st.lanes) {
            lane.load(saved)?;
        }
        self.progress = st.progress;
        self.scored = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
