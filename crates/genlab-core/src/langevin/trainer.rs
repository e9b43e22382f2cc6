//! The Langevin lesson's trainer, three parts at once. Part 1: the same particles, from the same
//! starts, moved by each sampler (the slide's update, Welling–Teh's, MALA) on a landscape you
//! shape; their histograms beside the exact grid-normalised density, KL over time, the wells'
//! exact masses beside the particles' shares. Part 2: an energy network trained contrastively
//! from a replay buffer, with its exact held-out NLL. Part 3: a classifier trained with the
//! cross-entropy alone beside the same classifier trained as JEM, on the same batches.

use serde::{Deserialize, Serialize};

use super::ebm::{Ebm, EbmKnobs, TrainedState};
use super::energy::{Energy, Well};
use super::grid::{kl, Grid};
use super::jem::{Jem, JemKnobs};
use super::sampler::{schedule_converges, welling_teh_move, Sampler};
use super::{LangevinSettings, Start, HALF};
use crate::lesson::{update_settings, StepPart, Trainer};
use crate::msg;
use crate::msg::Msg;
use crate::protocol::{Bulk, LessonView};
use crate::rng::Rng;
use crate::runfile;
use crate::settings::{ChoiceEnum, Notice};

pub const METRICS: &[&str] = &[
    "kl_slide",
    "kl_welling_teh",
    "kl_mala",
    "kl_slide_cold",
    "accept_mala",
    "lambda",
    "ebm_nll",
    "clf_acc",
    "clf_nll",
    "jem_acc",
    "jem_nll",
];

const RECORD_EVERY: u64 = 20;
/// Cells per side: the exact density's picture, and the histograms and KL (coarser, so a few
/// hundred particles fill it).
const DENSITY_GRID: usize = 40;
const HIST_GRID: usize = 16;
/// The models' NLL grid.
const NLL_GRID: usize = 60;
/// Points per split of parts 2 and 3, the batch, the buffer.
const POINTS: usize = 400;
const BATCH: usize = 64;
const BUFFER: usize = 1000;
/// Particles drawn on the page per lane, buffer samples shown, class-conditional samples.
const SHOWN: usize = 500;
const CLASS_SAMPLES: usize = 30;
const CLASS_STEPS: usize = 60;
/// A particle past this is gone (the step blew up): the run pauses.
const ESCAPED: f64 = 1e3;
/// Steps the models' pictures may lag behind while playing.
const MODELS_EVERY: u64 = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SamplerLane {
    pub sampler: Sampler,
    pub particles: Bulk,
    /// The particles' share per histogram cell.
    pub hist: Bulk,
    /// KL(histogram ‖ p) and KL(histogram ‖ exp(−4E)/Z).
    pub kl: f64,
    pub kl_cold: f64,
    /// MALA's share of accepted proposals (NaN for the others).
    pub accept: f64,
    /// The particles' share in each well's basin, and how many moved basin in all.
    pub well_share: Vec<f64>,
    pub hops: u64,
    pub off_grid: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EbmView {
    /// The model's density per cell (DENSITY_GRID²), the data, the buffer, the last chains.
    pub density: Bulk,
    pub data: Bulk,
    pub buffer: Bulk,
    pub paths: Vec<Bulk>,
    pub nll: f64,
    pub restart_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JemLaneView {
    pub generative: bool,
    pub accuracy: f64,
    pub nll: f64,
    /// p(x) per cell, and the predicted class per cell (DENSITY_GRID²).
    pub density: Bulk,
    pub decision: Bulk,
    /// Class-conditional SGLD samples on −f(x)[y], CLASS_SAMPLES per class, and their class.
    pub samples: Bulk,
    pub sample_labels: Bulk,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JemView {
    pub classes: u32,
    pub data: Bulk,
    pub labels: Bulk,
    pub lanes: Vec<JemLaneView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LangevinView {
    pub half: f64,
    pub density_grid: u32,
    pub hist_grid: u32,
    /// p = exp(−E)/Z and exp(−4E)/Z per cell (DENSITY_GRID²).
    pub density: Bulk,
    pub cold: Bulk,
    /// The exact mass of each well's basin under p and under exp(−4E)/Z (wells only).
    pub well_mass: Vec<f64>,
    pub well_mass_cold: Vec<f64>,
    pub lambda: f64,
    pub schedule_converges: bool,
    pub lanes: Vec<SamplerLane>,
    pub ebm: EbmView,
    pub jem: JemView,
}

/// One sampler's particles and counters.
#[derive(Clone, Serialize, Deserialize)]
struct Lane {
    sampler: Sampler,
    particles: Vec<[f64; 2]>,
    basins: Vec<usize>,
    rng: Rng,
    accepted: u64,
    proposed: u64,
    hops: u64,
}

/// The basin of x: the well with the largest w_k N(x; μ_k, σ_k²) (none without wells).
fn basin(wells: &[Well], x: [f64; 2]) -> usize {
    let score = |w: &Well| {
        libm::log(w.weight)
            - 2.0 * libm::log(w.sigma)
            - ((x[0] - w.x).powi(2) + (x[1] - w.y).powi(2)) / (2.0 * w.sigma * w.sigma)
    };
    (0..wells.len())
        .max_by(|&a, &b| score(&wells[a]).total_cmp(&score(&wells[b])))
        .unwrap_or(0)
}

fn bulk(points: &[[f64; 2]]) -> Bulk {
    Bulk(
        points
            .iter()
            .flat_map(|p| [p[0] as f32, p[1] as f32])
            .collect(),
    )
}

pub struct LangevinTrainer {
    s: LangevinSettings,
    energy: Energy,
    wells: Vec<Well>,
    lanes: Vec<Lane>,
    ebm: Ebm,
    ebm_train: Vec<[f64; 2]>,
    ebm_test: Vec<[f64; 2]>,
    /// The plain classifier and JEM.
    jem: [Jem; 2],
    jem_train: Vec<([f64; 2], usize)>,
    jem_test: Vec<([f64; 2], usize)>,
    batches: Rng,
    steps: u64,
    /// The models' last pictures and the step they are of.
    models: Option<(u64, EbmView, JemView)>,
}

impl LangevinTrainer {
    pub fn new(s: LangevinSettings) -> Self {
        let seed = s.seed as u64;
        let energy = s.energy();
        let wells = match s.landscape {
            super::Landscape::Wells => s.wells.clone(),
            _ => vec![],
        };
        let mut starts_rng = Rng::stream(seed, 3);
        let starts: Vec<[f64; 2]> = (0..s.particles as usize)
            .map(|_| match s.start {
                Start::Uniform => [
                    HALF * (2.0 * starts_rng.uniform() - 1.0),
                    HALF * (2.0 * starts_rng.uniform() - 1.0),
                ],
                Start::Point => [s.start_x, s.start_y],
            })
            .collect();
        let lanes = Sampler::ALL
            .iter()
            .enumerate()
            .map(|(i, &sampler)| Lane {
                sampler,
                basins: starts.iter().map(|&x| basin(&wells, x)).collect(),
                particles: starts.clone(),
                rng: Rng::stream(seed, 10 + i as u64),
                accepted: 0,
                proposed: 0,
                hops: 0,
            })
            .collect();
        // The energy model's points: clicked ones (every fifth held out, none of fewer than
        // five), else the toy set.
        let clicked: (Vec<[f64; 2]>, Vec<[f64; 2]>) = if s.ebm_points.is_empty() {
            (
                s.ebm_data.sample(&mut Rng::stream(seed, 7), POINTS),
                s.ebm_data.sample(&mut Rng::stream(seed, 8), POINTS),
            )
        } else {
            let all: Vec<[f64; 2]> = s.ebm_points.iter().map(|p| [p.x, p.y]).collect();
            if all.len() < 5 {
                (all, vec![])
            } else {
                let train = all
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % 5 != 4)
                    .map(|p| *p.1)
                    .collect();
                let test = all
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % 5 == 4)
                    .map(|p| *p.1)
                    .collect();
                (train, test)
            }
        };
        let classes = s.jem_data.classes();
        let jem = |i: u64| {
            Jem::new(
                s.jem_hidden as usize,
                classes,
                BUFFER,
                3.0,
                &mut Rng::stream(seed, 5),
                Rng::stream(seed, 20 + i),
            )
        };
        LangevinTrainer {
            energy,
            wells,
            lanes,
            ebm: Ebm::new(
                s.ebm_hidden as usize,
                BUFFER,
                3.0,
                &mut Rng::stream(seed, 4),
                Rng::stream(seed, 6),
            ),
            ebm_train: clicked.0,
            ebm_test: clicked.1,
            jem: [jem(0), jem(1)],
            jem_train: s
                .jem_data
                .sample_labelled(&mut Rng::stream(seed, 9), POINTS),
            jem_test: s
                .jem_data
                .sample_labelled(&mut Rng::stream(seed, 15), POINTS),
            batches: Rng::stream(seed, 2),
            steps: 0,
            models: None,
            s,
        }
    }

    fn ebm_knobs(&self) -> EbmKnobs {
        EbmKnobs {
            lr: self.s.ebm_lr,
            lambda: self.s.sgld_lambda,
            sgld_steps: self.s.sgld_steps,
            rho: self.s.rho,
            restart_scale: 3.0,
        }
    }

    fn jem_knobs(&self, generative: bool) -> JemKnobs {
        JemKnobs {
            lr: self.s.jem_lr,
            generative,
            lambda: self.s.sgld_lambda,
            sgld_steps: self.s.sgld_steps,
            rho: self.s.rho,
            restart_scale: 3.0,
        }
    }

    fn grid(n: usize) -> Grid {
        Grid { half: HALF, n }
    }

    fn sampler_lane(&self, lane: &Lane, p: &[f64], cold: &[f64]) -> SamplerLane {
        let (hist, off) = Self::grid(HIST_GRID).histogram(&lane.particles);
        let mut share = vec![0.0; self.wells.len()];
        for &b in &lane.basins {
            if let Some(s) = share.get_mut(b) {
                *s += 1.0 / lane.basins.len().max(1) as f64;
            }
        }
        SamplerLane {
            sampler: lane.sampler,
            particles: bulk(&lane.particles[..lane.particles.len().min(SHOWN)]),
            kl: kl(&hist, p),
            kl_cold: kl(&hist, cold),
            hist: Bulk::from_f64(&hist),
            accept: if lane.sampler == Sampler::Mala && lane.proposed > 0 {
                lane.accepted as f64 / lane.proposed as f64
            } else {
                f64::NAN
            },
            well_share: share,
            hops: lane.hops,
            off_grid: off as u32,
        }
    }

    /// Each well's exact basin mass on the density grid, at temperature T.
    fn well_masses(&self, t: f64) -> Vec<f64> {
        let g = Self::grid(DENSITY_GRID);
        let masses = g.cell_masses(&self.energy, t);
        let mut out = vec![0.0; self.wells.len()];
        if out.is_empty() {
            return out;
        }
        for (c, m) in masses.iter().enumerate() {
            out[basin(&self.wells, g.centre(c))] += m;
        }
        out
    }

    fn model_nlls(&mut self) -> (f64, [(f64, f64); 2]) {
        let g = Self::grid(NLL_GRID);
        let ebm = if self.ebm_test.is_empty() {
            f64::NAN
        } else {
            self.ebm.energy.exact_nll(&g, &self.ebm_test).1
        };
        let (xs, ys): (Vec<[f64; 2]>, Vec<usize>) = self.jem_test.iter().copied().unzip();
        let lane = |j: &mut Jem| {
            (
                j.classifier.accuracy(&xs, &ys),
                j.classifier.exact_nll(&g, &xs).1,
            )
        };
        let a = lane(&mut self.jem[0]);
        let b = lane(&mut self.jem[1]);
        (ebm, [a, b])
    }

    fn jem_lane(&mut self, i: usize) -> JemLaneView {
        let g = Self::grid(DENSITY_GRID);
        let cells: Vec<[f64; 2]> = (0..g.n * g.n).map(|c| g.centre(c)).collect();
        let (xs, ys): (Vec<[f64; 2]>, Vec<usize>) = self.jem_test.iter().copied().unzip();
        let c = &mut self.jem[i].classifier;
        let k = c.classes();
        let logits = c.logits(&cells);
        let lse: Vec<f64> = logits
            .chunks_exact(k)
            .map(crate::math::log_sum_exp)
            .collect();
        let top = lse.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = lse.iter().map(|l| libm::exp(l - top)).collect();
        let total: f64 = weights.iter().sum();
        let density: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let decision: Vec<f64> = logits
            .chunks_exact(k)
            .map(|row| {
                (0..k)
                    .max_by(|&a, &b| row[a].total_cmp(&row[b]))
                    .unwrap_or(0) as f64
            })
            .collect();
        // Class-conditional samples: SGLD on −f(x)[y] from noise, a stream of their own so a
        // look at the page does not change the run.
        let mut rng = Rng::stream(self.s.seed as u64, 40 + i as u64);
        let mut samples = vec![];
        let mut labels = vec![];
        for y in 0..k {
            let mut xs: Vec<[f64; 2]> = (0..CLASS_SAMPLES)
                .map(|_| {
                    [
                        3.0 * (2.0 * rng.uniform() - 1.0),
                        3.0 * (2.0 * rng.uniform() - 1.0),
                    ]
                })
                .collect();
            for _ in 0..CLASS_STEPS {
                let g = c.class_gradients(&xs, y);
                welling_teh_move(&mut xs, &g, self.s.sgld_lambda, &mut rng);
            }
            samples.extend(xs);
            labels.extend(std::iter::repeat_n(y as f64, CLASS_SAMPLES));
        }
        let (_, nll) = c.exact_nll(&Self::grid(NLL_GRID), &xs);
        JemLaneView {
            generative: i == 1,
            accuracy: c.accuracy(&xs, &ys),
            nll,
            density: Bulk::from_f64(&density),
            decision: Bulk::from_f64(&decision),
            samples: bulk(&samples),
            sample_labels: Bulk::from_f64(&labels),
        }
    }

    /// The energy model's and the classifiers' pictures, at most `MODELS_EVERY` steps old
    /// unless `fresh`: they cost tens of milliseconds, the particles' a fraction of one.
    fn model_views(&mut self, fresh: bool) -> (EbmView, JemView) {
        if let Some((step, ebm, jem)) = &self.models {
            if *step == self.steps || (!fresh && self.steps < step + MODELS_EVERY) {
                return (ebm.clone(), jem.clone());
            }
        }
        let dg = Self::grid(DENSITY_GRID);
        let cells: Vec<[f64; 2]> = (0..dg.n * dg.n).map(|c| dg.centre(c)).collect();
        let e = self.ebm.energy.energies(&cells);
        let top = e.iter().copied().fold(f64::INFINITY, f64::min);
        let weights: Vec<f64> = e.iter().map(|v| libm::exp(top - v)).collect();
        let total: f64 = weights.iter().sum();
        let (ebm_nll, _) = self.model_nlls();
        let ebm = EbmView {
            density: Bulk(weights.iter().map(|w| (w / total) as f32).collect()),
            data: bulk(&self.ebm_train),
            buffer: bulk(&self.ebm.buffer.points[..self.ebm.buffer.points.len().min(SHOWN)]),
            paths: self.ebm.paths.iter().map(|p| bulk(p)).collect(),
            nll: ebm_nll,
            restart_rate: self.ebm.buffer.restarts as f64 / self.ebm.buffer.draws.max(1) as f64,
        };
        let jem = JemView {
            classes: self.s.jem_data.classes() as u32,
            data: bulk(&self.jem_train.iter().map(|p| p.0).collect::<Vec<_>>()),
            labels: Bulk(self.jem_train.iter().map(|p| p.1 as f32).collect()),
            lanes: vec![self.jem_lane(0), self.jem_lane(1)],
        };
        self.models = Some((self.steps, ebm.clone(), jem.clone()));
        (ebm, jem)
    }

    fn build_view(&mut self, fresh: bool) -> LangevinView {
        let dg = Self::grid(DENSITY_GRID);
        let hg = Self::grid(HIST_GRID);
        let (p, cold) = (
            hg.cell_masses(&self.energy, 1.0),
            hg.cell_masses(&self.energy, 0.25),
        );
        let lanes = self
            .lanes
            .iter()
            .map(|l| self.sampler_lane(l, &p, &cold))
            .collect();
        let (ebm, jem) = self.model_views(fresh);
        LangevinView {
            half: HALF,
            density_grid: DENSITY_GRID as u32,
            hist_grid: HIST_GRID as u32,
            density: Bulk::from_f64(&dg.cell_masses(&self.energy, 1.0)),
            cold: Bulk::from_f64(&dg.cell_masses(&self.energy, 0.25)),
            well_mass: self.well_masses(1.0),
            well_mass_cold: self.well_masses(0.25),
            lambda: self.s.step_size(self.steps),
            schedule_converges: !self.s.schedule || schedule_converges(self.s.gamma),
            lanes,
            ebm,
            jem,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct LangevinState {
    lanes: Vec<Lane>,
    ebm: TrainedState,
    jem: Vec<TrainedState>,
    batches: Rng,
    steps: u64,
}

impl crate::lesson::LessonDef for LangevinTrainer {
    type Settings = LangevinSettings;
    type View = LangevinView;
    type Action = crate::lesson::NoAction;
    type Answer = crate::lesson::NoAction;
    const METRICS: &'static [&'static str] = METRICS;
    fn new(settings: LangevinSettings) -> Self {
        LangevinTrainer::new(settings)
    }
}

impl Trainer for LangevinTrainer {
    fn metric_names(&self) -> &'static [&'static str] {
        METRICS
    }

    fn steps(&self) -> u64 {
        self.steps
    }

    fn step(&mut self, _part: StepPart) -> Result<(), Msg> {
        let lambda = self.s.step_size(self.steps);
        for lane in &mut self.lanes {
            let before = lane.particles.clone();
            for (x, b) in lane.particles.iter_mut().zip(lane.basins.iter_mut()) {
                let moved = lane.sampler.step(&self.energy, x, lambda, &mut lane.rng);
                if lane.sampler == Sampler::Mala {
                    lane.proposed += 1;
                    lane.accepted += u64::from(moved);
                }
                if !self.wells.is_empty() {
                    let now = basin(&self.wells, *x);
                    lane.hops += u64::from(now != *b);
                    *b = now;
                }
            }
            if lane
                .particles
                .iter()
                .any(|p| !(p[0].abs() < ESCAPED && p[1].abs() < ESCAPED))
            {
                // The particles stay where they were before the step that blew up.
                lane.particles = before;
                return Err(msg!("msg.langevin.diverged", lambda));
            }
        }
        let pick = |rng: &mut Rng, n: usize| (0..BATCH).map(|_| rng.below(n)).collect::<Vec<_>>();
        let idx = pick(&mut self.batches, self.ebm_train.len());
        let batch: Vec<[f64; 2]> = idx.iter().map(|&i| self.ebm_train[i]).collect();
        let knobs = self.ebm_knobs();
        self.ebm.step(&batch, &knobs);
        let idx = pick(&mut self.batches, self.jem_train.len());
        let (xs, ys): (Vec<[f64; 2]>, Vec<usize>) = idx.iter().map(|&i| self.jem_train[i]).unzip();
        for (i, generative) in [false, true].into_iter().enumerate() {
            let knobs = self.jem_knobs(generative);
            self.jem[i].step(&xs, &ys, &knobs);
        }
        if !self.ebm.energy.net.params.iter().all(|p| p.is_finite())
            || !self
                .jem
                .iter()
                .all(|j| j.classifier.net.params.iter().all(|p| p.is_finite()))
        {
            return Err(msg!("msg.session.diverged"));
        }
        self.steps += 1;
        Ok(())
    }

    fn record_every(&self) -> u64 {
        RECORD_EVERY
    }

    fn metrics(&mut self) -> Vec<f64> {
        let hg = Self::grid(HIST_GRID);
        let (p, cold) = (
            hg.cell_masses(&self.energy, 1.0),
            hg.cell_masses(&self.energy, 0.25),
        );
        let lane_kl = |s: Sampler, q: &[f64]| {
            self.lanes
                .iter()
                .find(|l| l.sampler == s)
                .map_or(f64::NAN, |l| kl(&hg.histogram(&l.particles).0, q))
        };
        let mala = self.lanes.iter().find(|l| l.sampler == Sampler::Mala);
        let mut row = vec![
            lane_kl(Sampler::Slide, &p),
            lane_kl(Sampler::WellingTeh, &p),
            lane_kl(Sampler::Mala, &p),
            lane_kl(Sampler::Slide, &cold),
            mala.map_or(f64::NAN, |l| l.accepted as f64 / l.proposed.max(1) as f64),
            self.s.step_size(self.steps),
        ];
        let (ebm, jem) = self.model_nlls();
        row.push(ebm);
        row.extend([jem[0].0, jem[0].1, jem[1].0, jem[1].1]);
        row
    }

    fn view(&mut self) -> LessonView {
        LessonView::Langevin(self.build_view(true))
    }

    /// While playing, the particles are fresh and the models' pictures at most
    /// `MODELS_EVERY` steps old.
    fn view_while_playing(&mut self) -> LessonView {
        LessonView::Langevin(self.build_view(false))
    }

    fn query(&self) -> String {
        crate::settings::to_query(&self.s)
    }

    fn update(&mut self, query: &str) -> (bool, Vec<Notice>) {
        update_settings(&mut self.s, query)
    }

    fn save_state(&self) -> serde_json::Value {
        runfile::save(&LangevinState {
            lanes: self.lanes.clone(),
            ebm: self.ebm.save(),
            jem: self.jem.iter().map(|j| j.save()).collect(),
            batches: self.batches.clone(),
            steps: self.steps,
        })
    }

    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg> {
        let st: LangevinState = runfile::load(state)?;
        runfile::expect_len("samplers", st.lanes.len(), self.lanes.len())?;
        runfile::expect_len("classifiers", st.jem.len(), 2)?;
        for (lane, saved) in self.lanes.iter().zip(&st.lanes) {
            runfile::expect_len("particles", saved.particles.len(), lane.particles.len())?;
            runfile::expect_len("basins", saved.basins.len(), lane.basins.len())?;
            let flat: Vec<f64> = saved.particles.iter().flat_map(|p| *p).collect();
            runfile::expect_finite("particles", &flat)?;
        }
        // Checked in full before anything changes.
        let mut ebm = self.ebm.clone();
        ebm.load(st.ebm)?;
        let mut jem = self.jem.clone();
        for (j, saved) in jem.iter_mut().zip(st.jem) {
            j.load(saved)?;
        }
        self.ebm = ebm;
        self.jem = jem;
        self.lanes = st.lanes;
        self.batches = st.batches;
        self.steps = st.steps;
        self.models = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
