//! The Boltzmann-family lesson's trainer. On the movie-goers: one machine per family of
//! couplings (visible-only, RBM, semi-restricted, full), each from the same seed, trained by the
//! exact gradient or by persistent sequential Gibbs; a deep machine trained jointly beside the
//! same machine built greedily from two RBMs; the RBM lane read as a product of experts. On 2-D
//! data: the Gaussian–Bernoulli RBM trained three ways (exact, CD-k, PCD) from one seed. Every
//! log-likelihood the page shows is exact: enumeration for the binary machines, the mixture
//! form for the Gaussian–Bernoulli one.

use serde::{Deserialize, Serialize};

use super::experts::experts;
use super::gaussian::GbRbm;
use super::machine::{total_variation, Couplings, Machine};
use super::{BoltzmannSettings, GbMethod, Gradient};
use crate::lesson::{update_settings, StepPart, Trainer};
use crate::msg;
use crate::msg::Msg;
use crate::protocol::{Bulk, LessonView};
use crate::rbm::model::{best_log_likelihood, state_index};
use crate::rng::Rng;
use crate::runfile;
use crate::settings::{ChoiceEnum, Notice};

/// The families trained side by side on the movie data, in the page's order.
pub const FAMILIES: [Couplings; 4] = [
    Couplings::VisibleOnly,
    Couplings::Rbm,
    Couplings::SemiRestricted,
    Couplings::Full,
];

/// The exact mean log-likelihood of each family, of the deep machine trained jointly and
/// greedily, and of the Gaussian–Bernoulli lanes on their training and held-out points.
pub const METRICS: &[&str] = &[
    "ll_visible",
    "ll_rbm",
    "ll_semi",
    "ll_full",
    "ll_joint",
    "ll_greedy",
    "gb_train_exact",
    "gb_train_cd",
    "gb_train_pcd",
    "gb_test_exact",
    "gb_test_cd",
    "gb_test_pcd",
];

const RECORD_EVERY: u64 = 10;
/// Steps a view shown while playing may lag behind the run.
const VIEW_EVERY: u64 = 200;
/// Cells per side of the Gaussian–Bernoulli density's picture.
const GB_GRID: usize = 48;
/// Chains drawn on the Gaussian–Bernoulli pictures.
const GB_SHOWN_CHAINS: usize = 100;
/// Visible vectors the product-of-experts table shows (the most probable first).
const EXPERT_ROWS: usize = 64;
/// Power-iteration steps allowed to find the block sampler's stationary distribution.
const STATIONARY_STEPS: usize = 400;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyView {
    pub couplings: Couplings,
    /// Exact mean log-likelihood of the data and log Z.
    pub ll: f64,
    pub log_z: f64,
    /// Units (visible then hidden) and parameters (weights and biases).
    pub units: u32,
    pub params: u32,
    /// The weights as a symmetric units × units matrix.
    pub weights: Bulk,
}

/// Why block Gibbs is no longer valid, exactly: what one step of each sampler does to p(x),
/// and where the block sampler settles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SamplerCheck {
    pub couplings: Couplings,
    /// Total variation between p(x) and p(x) after one sequential sweep / one block step.
    pub sequential_moves: f64,
    pub block_moves: f64,
    /// Total variation between p(x) and the block sampler's stationary distribution, and the
    /// power-iteration steps it took to find it.
    pub block_off: f64,
    pub block_steps: u32,
    /// p(v) and the block sampler's stationary p(v), over the visible vectors (2^d).
    pub exact_visible: Bulk,
    pub block_visible: Bulk,
}

crate::choice_enum! {
    /// Where the greedy stack stands.
    pub enum GreedyPhase {
        /// The first RBM (v − h1) learns the data.
        Layer1 = "layer1",
        /// The second RBM (h1 − h2) learns the first's hidden probabilities.
        Layer2 = "layer2",
        /// Both are stacked into one deep machine, which then trains jointly like the other
        /// lane: the usual recipe, greedy pre-training then joint training.
        Stacked = "stacked",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DbmView {
    pub h1: u32,
    pub h2: u32,
    pub layer_steps: u32,
    pub phase: GreedyPhase,
    pub joint_ll: f64,
    /// The greedy lane's model of v: the first RBM alone while it trains, the stack after.
    pub greedy_ll: f64,
    /// The first RBM alone (v − h1): what the second layer adds to it.
    pub first_ll: f64,
}

/// The RBM lane as a product of experts: per visible vector, each hidden unit's factor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpertsView {
    pub d: u32,
    pub h: u32,
    /// The visible vectors shown (as state indices: bit i is movie i), most probable first.
    pub vectors: Vec<u32>,
    /// log(1 + e^{c_j + W_j·v}) per vector (rows × h), and bᵀv.
    pub log_factors: Bulk,
    pub log_bias: Bulk,
    /// p(v) = e^{bᵀv} Π_j factor_j / Z, and the data's frequency of v.
    pub product: Bulk,
    pub data_freq: Bulk,
    /// The probability of the vectors not shown.
    pub rest: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbLaneView {
    pub method: GbMethod,
    pub ll_train: f64,
    pub ll_test: f64,
    /// The exact density p(v) on the view's grid (grid², row 0 at the bottom).
    pub density: Bulk,
    /// The mixture's components: means (2^H × 2) and weights π_h.
    pub means: Bulk,
    pub weights: Bulk,
    pub sigma: [f64; 2],
    /// The chains' current states (CD's from the last step, PCD's persistent ones).
    pub chains: Bulk,
    /// Updates at which a σ was held at its floor.
    pub sigma_held: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbView {
    /// Training and held-out points (n × 2).
    pub train: Bulk,
    pub test: Bulk,
    /// Whether the points are the clicked ones (else the toy set).
    pub clicked: bool,
    /// The pictures' square: [x0, x1] × [y0, y1].
    pub extent: [f64; 4],
    pub grid: u32,
    pub lanes: Vec<GbLaneView>,
    pub sigma_min: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoltzmannView {
    /// Why the movie data cannot be trained on (too many units to enumerate, no users...).
    pub problem: Option<Msg>,
    pub families: Vec<FamilyView>,
    /// The best mean log-likelihood any model reaches: the data's own distribution.
    pub best_ll: f64,
    pub samplers: Vec<SamplerCheck>,
    pub dbm: Option<DbmView>,
    pub experts: Option<ExpertsView>,
    pub gb: GbView,
}

/// A binary machine in training: its persistent chains and its sampler's own stream, so a
/// lane's noise does not depend on the others.
#[derive(Clone)]
struct BinaryLane {
    machine: Machine,
    chains: Vec<Vec<f64>>,
    rng: Rng,
}

#[derive(Serialize, Deserialize)]
struct BinaryLaneState {
    params: Vec<f64>,
    chains: Vec<Vec<f64>>,
    rng: Rng,
}

impl BinaryLane {
    fn new(machine: Machine, chains: usize, rng: Rng) -> BinaryLane {
        BinaryLane {
            chains: vec![vec![0.0; machine.n()]; chains],
            machine,
            rng,
        }
    }

    fn step(&mut self, data: &[Vec<f64>], s: &BoltzmannSettings) -> Result<(), Msg> {
        match s.gradient {
            Gradient::Exact => {
                let g = self.machine.exact_gradient(data);
                for (p, g) in self.machine.params.iter_mut().zip(g) {
                    *p += s.lr * g;
                }
            }
            Gradient::Sampled => {
                self.machine
                    .pcd_step(data, &mut self.chains, s.sweeps, s.lr, &mut self.rng)
            }
        }
        // Past a few hundred the exponentials of the enumeration overflow.
        if self
            .machine
            .params
            .iter()
            .all(|p| p.is_finite() && p.abs() < 200.0)
        {
            Ok(())
        } else {
            Err(msg!("msg.boltzmann.diverged"))
        }
    }

    fn save(&self) -> BinaryLaneState {
        BinaryLaneState {
            params: self.machine.params.clone(),
            chains: self.chains.clone(),
            rng: self.rng.clone(),
        }
    }

    fn load(&mut self, st: BinaryLaneState) -> Result<(), Msg> {
        runfile::expect_len("parameters", st.params.len(), self.machine.params.len())?;
        runfile::expect_finite("parameters", &st.params)?;
        runfile::expect_len("chains", st.chains.len(), self.chains.len())?;
        for c in &st.chains {
            runfile::expect_len("chain units", c.len(), self.machine.n())?;
        }
        self.machine.params = st.params;
        self.chains = st.chains;
        self.rng = st.rng;
        Ok(())
    }
}

/// A Gaussian–Bernoulli lane: its model, chains and stream.
#[derive(Clone)]
struct GbLane {
    method: GbMethod,
    model: GbRbm,
    chains: Vec<Vec<f64>>,
    rng: Rng,
    sigma_held: u64,
}

#[derive(Serialize, Deserialize)]
struct GbLaneState {
    params: Vec<f64>,
    chains: Vec<Vec<f64>>,
    rng: Rng,
    sigma_held: u64,
}

impl GbLane {
    fn step(&mut self, data: &[Vec<f64>], s: &BoltzmannSettings) -> Result<(), Msg> {
        let g = match self.method {
            GbMethod::Exact => self.model.exact_gradient(data),
            GbMethod::Cd => {
                // CD-k: chains start at the data every update.
                self.chains = data.to_vec();
                for v in &mut self.chains {
                    for _ in 0..s.gb_k {
                        self.model.gibbs(v, &mut self.rng);
                    }
                }
                self.model.sampled_gradient(data, &self.chains)
            }
            GbMethod::Pcd => {
                for v in &mut self.chains {
                    for _ in 0..s.gb_k {
                        self.model.gibbs(v, &mut self.rng);
                    }
                }
                self.model.sampled_gradient(data, &self.chains)
            }
        };
        if self.model.ascend(&g, s.gb_lr, s.learn_sigma) > 0 {
            self.sigma_held += 1;
        }
        if self
            .model
            .params
            .iter()
            .all(|p| p.is_finite() && p.abs() < 1e6)
        {
            Ok(())
        } else {
            Err(msg!("msg.boltzmann.diverged"))
        }
    }
}

/// The deep machine built greedily: two RBMs, each trained for `layer_steps`, then stacked
/// and trained on jointly.
#[derive(Clone)]
struct Greedy {
    first: BinaryLane,
    second: BinaryLane,
    stacked: Option<BinaryLane>,
}

fn phase(steps: u64, layer_steps: u32) -> GreedyPhase {
    let l = layer_steps as u64;
    if steps < l {
        GreedyPhase::Layer1
    } else if steps < 2 * l {
        GreedyPhase::Layer2
    } else {
        GreedyPhase::Stacked
    }
}

impl Greedy {
    fn step(&mut self, data: &[Vec<f64>], s: &BoltzmannSettings, steps: u64) -> Result<(), Msg> {
        match phase(steps, s.layer_steps) {
            GreedyPhase::Layer1 => self.first.step(data, s),
            GreedyPhase::Layer2 => {
                let layer1: Vec<Vec<f64>> = data
                    .iter()
                    .map(|v| self.first.machine.hidden_probabilities(v))
                    .collect();
                self.second.step(&layer1, s)
            }
            GreedyPhase::Stacked => {
                if self.stacked.is_none() {
                    let m = Machine::stack(&self.first.machine, &self.second.machine)?;
                    let rng = self.second.rng.clone();
                    self.stacked = Some(BinaryLane::new(m, self.first.chains.len(), rng));
                }
                match self.stacked.as_mut() {
                    Some(deep) => deep.step(data, s),
                    None => Ok(()),
                }
            }
        }
    }

    /// The greedy lane's model of the data: the first RBM while it is the only layer, the
    /// stack from the second layer on.
    fn model(&self, phase: GreedyPhase) -> Machine {
        match (phase, &self.stacked) {
            (GreedyPhase::Layer1, _) => self.first.machine.clone(),
            (_, Some(deep)) => deep.machine.clone(),
            _ => Machine::stack(&self.first.machine, &self.second.machine)
                .unwrap_or_else(|_| self.first.machine.clone()),
        }
    }
}

/// Everything the movie data trains, once it is known to fit the enumeration.
struct Binary {
    data: Vec<Vec<f64>>,
    families: Vec<BinaryLane>,
    joint: BinaryLane,
    greedy: Greedy,
}

impl Binary {
    fn new(s: &BoltzmannSettings) -> Result<Binary, Msg> {
        if let Some(p) = s.data.problem() {
            return Err(p);
        }
        let d = s.data.d();
        let (k, chains) = (s.hidden as usize, s.chains as usize);
        let (h1, h2) = (s.dbm_h1 as usize, s.dbm_h2 as usize);
        let seed = s.seed as u64;
        // Every lane starts from a fresh copy of one stream: lanes of one shape start alike.
        let init = || Rng::stream(seed, 0);
        let families = FAMILIES
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let m = Machine::new(d, k, c, &mut init())?;
                Ok(BinaryLane::new(m, chains, Rng::stream(seed, 10 + i as u64)))
            })
            .collect::<Result<Vec<_>, Msg>>()?;
        let joint = BinaryLane::new(
            Machine::deep(d, h1, h2, &mut init())?,
            chains,
            Rng::stream(seed, 20),
        );
        let greedy = Greedy {
            first: BinaryLane::new(
                Machine::new(d, h1, Couplings::Rbm, &mut init())?,
                chains,
                Rng::stream(seed, 21),
            ),
            second: BinaryLane::new(
                Machine::new(h1, h2, Couplings::Rbm, &mut Rng::stream(seed, 1))?,
                chains,
                Rng::stream(seed, 22),
            ),
            stacked: None,
        };
        Ok(Binary {
            data: s.data.rows(),
            families,
            joint,
            greedy,
        })
    }
}

/// The Gaussian–Bernoulli half: its points, the pictures' square, the lanes.
struct Gaussian {
    train: Vec<Vec<f64>>,
    test: Vec<Vec<f64>>,
    clicked: bool,
    extent: [f64; 4],
    lanes: Vec<GbLane>,
}

impl Gaussian {
    fn new(s: &BoltzmannSettings) -> Gaussian {
        let seed = s.seed as u64;
        let clicked = !s.points.is_empty();
        let (train, test): (Vec<Vec<f64>>, Vec<Vec<f64>>) = if clicked {
            // Every fifth clicked point is held out (none when there are fewer than five).
            let all: Vec<Vec<f64>> = s.points.iter().map(|p| vec![p.x, p.y]).collect();
            if all.len() < 5 {
                (all, vec![])
            } else {
                let (test, train): (Vec<_>, Vec<_>) =
                    all.into_iter().enumerate().partition(|(i, _)| i % 5 == 4);
                (
                    train.into_iter().map(|p| p.1).collect(),
                    test.into_iter().map(|p| p.1).collect(),
                )
            }
        } else {
            let n = s.gb_n as usize;
            let draw = |purpose| {
                s.toy
                    .sample(&mut Rng::stream(seed, purpose), n)
                    .into_iter()
                    .map(|p| p.to_vec())
                    .collect()
            };
            (draw(3), draw(4))
        };
        let extent = square_around(train.iter().chain(&test));
        let h = s.gb_hidden as usize;
        let lanes = GbMethod::ALL
            .iter()
            .enumerate()
            .map(|(i, &method)| {
                let model = GbRbm::for_data(&train, h, s.gb_sigma, &mut Rng::stream(seed, 2));
                // PCD's chains start at training points; CD's are the data at every update.
                let chains = match method {
                    GbMethod::Pcd => (0..s.chains as usize)
                        .map(|c| train[c % train.len().max(1)].clone())
                        .collect(),
                    _ => vec![],
                };
                GbLane {
                    method,
                    model,
                    chains,
                    rng: Rng::stream(seed, 30 + i as u64),
                    sigma_held: 0,
                }
            })
            .collect();
        Gaussian {
            train,
            test,
            clicked,
            extent,
            lanes,
        }
    }
}

/// The pictures' square: centred on the origin, holding every point with a margin and at
/// least [−3, 3]² (where the toy sets lie), so a picture one clicks on does not jump to the
/// clicked points.
fn square_around<'a>(points: impl Iterator<Item = &'a Vec<f64>>) -> [f64; 4] {
    let reach = points
        .flat_map(|p| [p[0].abs(), p[1].abs()])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let half = (1.1 * reach).max(3.0);
    [-half, half, -half, half]
}

fn points_bulk(points: &[Vec<f64>]) -> Bulk {
    Bulk(
        points
            .iter()
            .flat_map(|p| [p[0] as f32, p[1] as f32])
            .collect(),
    )
}

pub struct BoltzmannTrainer {
    s: BoltzmannSettings,
    binary: Result<Binary, Msg>,
    gaussian: Gaussian,
    steps: u64,
    /// The last scored view and the step it is of.
    scored: Option<(u64, BoltzmannView)>,
}

impl BoltzmannTrainer {
    pub fn new(s: BoltzmannSettings) -> Self {
        BoltzmannTrainer {
            binary: Binary::new(&s),
            gaussian: Gaussian::new(&s),
            steps: 0,
            scored: None,
            s,
        }
    }

    fn family_view(lane: &BinaryLane, data: &[Vec<f64>]) -> FamilyView {
        let m = &lane.machine;
        FamilyView {
            couplings: m.couplings,
            ll: m.mean_log_likelihood(data),
            log_z: m.log_z(),
            units: m.n() as u32,
            params: m.params.len() as u32,
            weights: Bulk::from_f64(&m.coupling_matrix()),
        }
    }

    /// Power iteration from p(x) every time (not from the last answer): a view depends on
    /// the weights alone, so an imported run shows what the run itself showed.
    fn sampler_check(m: &Machine) -> SamplerCheck {
        let p = m.distribution();
        let (stationary, steps) = m.block_stationary(STATIONARY_STEPS);
        let visible = |q: &[f64]| {
            let mut out = vec![0.0; 1 << m.d];
            for (s, &mass) in q.iter().enumerate() {
                out[s & ((1 << m.d) - 1)] += mass;
            }
            Bulk::from_f64(&out)
        };
        SamplerCheck {
            couplings: m.couplings,
            sequential_moves: total_variation(&p, &m.sequential_step(&p)),
            block_moves: total_variation(&p, &m.block_step(&p)),
            block_off: total_variation(&p, &stationary),
            block_steps: steps as u32,
            exact_visible: visible(&p),
            block_visible: visible(&stationary),
        }
    }

    fn experts_view(rbm_lane: &BinaryLane, data: &[Vec<f64>]) -> Option<ExpertsView> {
        let rbm = rbm_lane.machine.to_rbm()?;
        if rbm.d > 10 {
            return None;
        }
        let e = experts(&rbm);
        let mut order: Vec<usize> = (0..e.product.len()).collect();
        order.sort_by(|&a, &b| e.product[b].total_cmp(&e.product[a]).then(a.cmp(&b)));
        order.truncate(EXPERT_ROWS);
        let mut freq = vec![0.0; e.product.len()];
        for v in data {
            freq[state_index(v)] += 1.0 / data.len() as f64;
        }
        let shown: f64 = order.iter().map(|&s| e.product[s]).sum();
        Some(ExpertsView {
            d: rbm.d as u32,
            h: rbm.h as u32,
            vectors: order.iter().map(|&s| s as u32).collect(),
            log_factors: Bulk(
                order
                    .iter()
                    .flat_map(|&s| e.log_factors[s].iter().map(|&x| x as f32))
                    .collect(),
            ),
            log_bias: Bulk(order.iter().map(|&s| e.log_bias[s] as f32).collect()),
            product: Bulk(order.iter().map(|&s| e.product[s] as f32).collect()),
            data_freq: Bulk(order.iter().map(|&s| freq[s] as f32).collect()),
            rest: (1.0 - shown).max(0.0),
        })
    }

    fn gb_view(&self) -> GbView {
        let g = &self.gaussian;
        let [x0, x1, y0, y1] = g.extent;
        let n = GB_GRID;
        let cell = |k: usize, lo: f64, hi: f64| lo + (k as f64 + 0.5) * (hi - lo) / n as f64;
        let lanes = g
            .lanes
            .iter()
            .map(|lane| {
                let m = &lane.model;
                let density: Vec<f32> = m
                    .log_densities((0..n * n).map(|c| [cell(c % n, x0, x1), cell(c / n, y0, y1)]))
                    .into_iter()
                    .map(|l| libm::exp(l) as f32)
                    .collect();
                let mixture = m.mixture();
                let shown = lane.chains.len().min(GB_SHOWN_CHAINS);
                GbLaneView {
                    method: lane.method,
                    ll_train: m.mean_log_likelihood(&g.train),
                    ll_test: if g.test.is_empty() {
                        f64::NAN
                    } else {
                        m.mean_log_likelihood(&g.test)
                    },
                    density: Bulk(density),
                    means: Bulk(
                        mixture
                            .iter()
                            .flat_map(|(_, mu)| [mu[0] as f32, mu[1] as f32])
                            .collect(),
                    ),
                    weights: Bulk(mixture.iter().map(|(pi, _)| *pi as f32).collect()),
                    sigma: [m.sigma(0), m.sigma(1)],
                    chains: points_bulk(&lane.chains[..shown]),
                    sigma_held: lane.sigma_held,
                }
            })
            .collect();
        GbView {
            train: points_bulk(&g.train),
            test: points_bulk(&g.test),
            clicked: g.clicked,
            extent: g.extent,
            grid: n as u32,
            lanes,
            sigma_min: super::gaussian::SIGMA_MIN,
        }
    }

    fn score(&mut self) -> BoltzmannView {
        if let Some((step, view)) = &self.scored {
            if *step == self.steps {
                return view.clone();
            }
        }
        let gb = self.gb_view();
        let view = match &self.binary {
            Ok(b) => {
                let data = &b.data;
                let ph = phase(self.steps, self.s.layer_steps);
                let by = |c: Couplings| b.families.iter().find(|l| l.machine.couplings == c);
                BoltzmannView {
                    problem: None,
                    families: b
                        .families
                        .iter()
                        .map(|l| Self::family_view(l, data))
                        .collect(),
                    best_ll: best_log_likelihood(data),
                    samplers: [Couplings::Rbm, Couplings::Full]
                        .iter()
                        .filter_map(|&c| by(c))
                        .map(|l| Self::sampler_check(&l.machine))
                        .collect(),
                    dbm: Some(DbmView {
                        h1: self.s.dbm_h1,
                        h2: self.s.dbm_h2,
                        layer_steps: self.s.layer_steps,
                        phase: ph,
                        joint_ll: b.joint.machine.mean_log_likelihood(data),
                        greedy_ll: b.greedy.model(ph).mean_log_likelihood(data),
                        first_ll: b.greedy.first.machine.mean_log_likelihood(data),
                    }),
                    experts: by(Couplings::Rbm).and_then(|l| Self::experts_view(l, data)),
                    gb,
                }
            }
            Err(why) => BoltzmannView {
                problem: Some(why.clone()),
                families: vec![],
                best_ll: f64::NAN,
                samplers: vec![],
                dbm: None,
                experts: None,
                gb,
            },
        };
        self.scored = Some((self.steps, view.clone()));
        view
    }
}

/// An exported run: every lane, the step count.
#[derive(Serialize, Deserialize)]
struct BoltzmannState {
    families: Vec<BinaryLaneState>,
    joint: BinaryLaneState,
    greedy_first: BinaryLaneState,
    greedy_second: BinaryLaneState,
    /// The stack once built (from the step 2 · layer_steps on).
    greedy_stacked: Option<BinaryLaneState>,
    gb: Vec<GbLaneState>,
    steps: u64,
}

impl crate::lesson::LessonDef for BoltzmannTrainer {
    type Settings = BoltzmannSettings;
    type View = BoltzmannView;
    type Action = crate::lesson::NoAction;
    type Answer = crate::lesson::NoAction;
    const METRICS: &'static [&'static str] = METRICS;
    fn new(settings: BoltzmannSettings) -> Self {
        BoltzmannTrainer::new(settings)
    }
}

impl Trainer for BoltzmannTrainer {
    fn metric_names(&self) -> &'static [&'static str] {
        METRICS
    }

    fn steps(&self) -> u64 {
        self.steps
    }

    /// The movie data blocks the run when it cannot be enumerated (or is empty): the 2-D half
    /// alone would hide that.
    fn blocked(&self) -> Option<Msg> {
        self.binary.as_ref().err().cloned()
    }

    fn step(&mut self, _part: StepPart) -> Result<(), Msg> {
        let b = self.binary.as_mut().map_err(|e| e.clone())?;
        for lane in &mut b.families {
            lane.step(&b.data, &self.s)?;
        }
        b.joint.step(&b.data, &self.s)?;
        b.greedy.step(&b.data, &self.s, self.steps)?;
        let g = &mut self.gaussian;
        if !g.train.is_empty() {
            for lane in &mut g.lanes {
                lane.step(&g.train, &self.s)?;
            }
        }
        self.steps += 1;
        Ok(())
    }

    fn record_every(&self) -> u64 {
        RECORD_EVERY
    }

    /// The log-likelihoods alone: the view's pictures and sampler checks are not needed for
    /// a history row.
    fn metrics(&mut self) -> Vec<f64> {
        let mut row = match &self.binary {
            Ok(b) => {
                let ll = |m: &Machine| m.mean_log_likelihood(&b.data);
                let mut row: Vec<f64> = b.families.iter().map(|l| ll(&l.machine)).collect();
                row.push(ll(&b.joint.machine));
                row.push(ll(&b.greedy.model(phase(self.steps, self.s.layer_steps))));
                row
            }
            Err(_) => vec![f64::NAN; FAMILIES.len() + 2],
        };
        let g = &self.gaussian;
        row.extend(
            g.lanes
                .iter()
                .map(|l| l.model.mean_log_likelihood(&g.train)),
        );
        row.extend(g.lanes.iter().map(|l| {
            if g.test.is_empty() {
                f64::NAN
            } else {
                l.model.mean_log_likelihood(&g.test)
            }
        }));
        row
    }

    fn view(&mut self) -> LessonView {
        LessonView::Boltzmann(self.score())
    }

    /// While playing, a view at most `VIEW_EVERY` steps old: the block sampler's stationary
    /// distribution and the density pictures cost tens of milliseconds, a step one or two.
    fn view_while_playing(&mut self) -> LessonView {
        match &self.scored {
            Some((step, view)) if self.steps < step + VIEW_EVERY => {
                LessonView::Boltzmann(view.clone())
            }
            _ => self.view(),
        }
    }

    fn query(&self) -> String {
        crate::settings::to_query(&self.s)
    }

    fn update(&mut self, query: &str) -> (bool, Vec<Notice>) {
        let result = update_settings(&mut self.s, query);
        // A live change (the gradient, σ learned or not) shows in the next view's numbers.
        self.scored = None;
        result
    }

    fn save_state(&self) -> serde_json::Value {
        let b = self.binary.as_ref().ok();
        let empty = || BinaryLaneState {
            params: vec![],
            chains: vec![],
            rng: Rng::new(0),
        };
        runfile::save(&BoltzmannState {
            families: b.map_or(vec![], |b| b.families.iter().map(|l| l.save()).collect()),
            joint: b.map_or_else(empty, |b| b.joint.save()),
            greedy_first: b.map_or_else(empty, |b| b.greedy.first.save()),
            greedy_second: b.map_or_else(empty, |b| b.greedy.second.save()),
            greedy_stacked: b.and_then(|b| b.greedy.stacked.as_ref().map(|l| l.save())),
            gb: self
                .gaussian
                .lanes
                .iter()
                .map(|l| GbLaneState {
                    params: l.model.params.clone(),
                    chains: l.chains.clone(),
                    rng: l.rng.clone(),
                    sigma_held: l.sigma_held,
                })
                .collect(),
            steps: self.steps,
        })
    }

    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg> {
        let st: BoltzmannState = runfile::load(state)?;
        let b = self.binary.as_mut().map_err(|e| e.clone())?;
        runfile::expect_len("families", st.families.len(), b.families.len())?;
        runfile::expect_len("Gaussian lanes", st.gb.len(), self.gaussian.lanes.len())?;
        for (lane, saved) in self.gaussian.lanes.iter().zip(&st.gb) {
            runfile::expect_len("parameters", saved.params.len(), lane.model.params.len())?;
            runfile::expect_finite("parameters", &saved.params)?;
            // CD's chains are the data after k steps, remade every update: only PCD's persist.
            if lane.method == GbMethod::Pcd {
                runfile::expect_len("chains", saved.chains.len(), lane.chains.len())?;
            }
            if saved.chains.iter().any(|c| c.len() != 2) {
                return Err(msg!("msg.run.chains"));
            }
        }
        // Checked in full before anything changes: a file that fails leaves the run as it was.
        let mut trial = (b.families.clone(), b.joint.clone(), b.greedy.clone());
        for (lane, saved) in trial.0.iter_mut().zip(st.families) {
            lane.load(saved)?;
        }
        trial.1.load(st.joint)?;
        trial.2.first.load(st.greedy_first)?;
        trial.2.second.load(st.greedy_second)?;
        trial.2.stacked = match st.greedy_stacked {
            Some(saved) => {
                let m = Machine::stack(&trial.2.first.machine, &trial.2.second.machine)?;
                let mut lane = BinaryLane::new(m, trial.2.first.chains.len(), Rng::new(0));
                lane.load(saved)?;
                Some(lane)
            }
            None => None,
        };
        // The stack is built by the step at 2 · layer_steps: it exists exactly after it.
        if trial.2.stacked.is_some() != (st.steps > 2 * self.s.layer_steps as u64) {
            return Err(msg!(
                "msg.run.state_damaged",
                "the greedy stack does not fit the step".to_string()
            ));
        }
        (b.families, b.joint, b.greedy) = trial;
        for (lane, saved) in self.gaussian.lanes.iter_mut().zip(st.gb) {
            lane.model.params = saved.params;
            lane.chains = saved.chains;
            lane.rng = saved.rng;
            lane.sigma_held = saved.sigma_held;
        }
        self.steps = st.steps;
        self.scored = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
