//! The transport lesson as a session: one step is one Sinkhorn iteration on the 2-D clouds (so
//! play animates the entropic plan converging); everything else is exact and recomputed only
//! when its own settings change.

use crate::msg;
use crate::msg::Msg;

use serde::{Deserialize, Serialize};

use super::gaussian::{self, Mat2};
use super::settings::TransportSettings;
use super::{cost_matrix, emd, mmd, sinkhorn};
use crate::lesson::{update_settings, StepPart, Trainer};
use crate::math::LN_2;
use crate::protocol::{Bulk, LessonView};
use crate::rng::Rng;
use crate::runfile::{self, packed};
use crate::settings::{to_query, Notice};
use crate::w1::wp_quantiles;

pub const METRICS: &[&str] = &["sinkhorn_cost", "exact_cost", "marginal_error"];

/// One move of mass in the 1-D example: from bin, to bin, mass, cost per unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Move {
    pub from: usize,
    pub to: usize,
    pub mass: f64,
    pub unit_cost: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransportView {
    pub p: f64,
    // 1. The discrete 1-D example on X = {1, …, K}.
    pub mu: Vec<f64>,
    pub nu: Vec<f64>,
    pub mu_total: f64,
    pub nu_total: f64,
    pub moves: Vec<Move>,
    /// The optimal plan of the 1-D example, K × K (rows: μ's bins, columns: ν's).
    pub plan_1d: Vec<f64>,
    pub w_exact_1d: Option<f64>,
    pub w_formula_1d: Option<f64>,
    pub problem_1d: Option<Msg>,
    // 2. 2-D clouds (x, y, weight) and the exact plan's flows (i, j, mass).
    pub xs: Vec<(f64, f64, f64)>,
    pub ys: Vec<(f64, f64, f64)>,
    pub flows: Vec<(usize, usize, f64)>,
    pub emd: Option<f64>,
    pub exact_cost: Option<f64>,
    pub problem_2d: Option<Msg>,
    // 3. Sinkhorn after `iterations` iterations (plans n × m, row-major).
    pub eps: f64,
    pub iterations: u64,
    pub sinkhorn_plan: Bulk,
    pub exact_plan: Bulk,
    pub sinkhorn_cost: Option<f64>,
    // 4. MMD² on the clouds (points only; weights do not enter MMD).
    pub sigma: f64,
    pub mmd_biased: Option<f64>,
    pub mmd_unbiased: Option<f64>,
    pub problem_mmd: Option<Msg>,
    // 5. Gaussians.
    pub w2_closed: f64,
    pub slide_value: f64,
    pub w2_sample: Option<f64>,
    pub samples: u32,
    /// Sample points, flattened (x0, y0, x1, y1, …), and the 1σ / 2σ ellipses as polylines.
    pub sample1: Bulk,
    pub sample2: Bulk,
    pub ellipses1: Bulk,
    pub ellipses2: Bulk,
    // 6. Sliding supports: P₀ = (0, U[0,1]), P_θ = (θ, U[0,1]).
    pub shift: f64,
    pub kl: f64,
    pub js: f64,
    pub w1_shift: f64,
}

/// The 1-D example, solved.
#[derive(Clone)]
struct Part1 {
    mu: Vec<f64>,
    nu: Vec<f64>,
    mu_total: f64,
    nu_total: f64,
    moves: Vec<Move>,
    plan: Vec<f64>,
    exact: Option<f64>,
    formula: Option<f64>,
    problem: Option<Msg>,
}

struct Cached {
    part1: Part1,
    exact2: Result<(f64, emd::Plan), Msg>,
    mmd: Result<mmd::Mmd, Msg>,
    gauss: GaussPart,
}

pub struct TransportTrainer {
    s: TransportSettings,
    steps: u64,
    sinkhorn: Result<sinkhorn::State, Msg>,
    cached: Cached,
}

fn points(ps: &[super::settings::Point]) -> (Vec<Vec<f64>>, Vec<f64>) {
    (
        ps.iter().map(|p| vec![p.x, p.y]).collect(),
        ps.iter().map(|p| p.w).collect(),
    )
}

fn cov(xx: f64, xy: f64, yy: f64) -> Mat2 {
    [[xx, xy], [xy, yy]]
}

/// Points of the k-σ ellipse of N(m, S): m + k L (cos t, sin t), L = chol(S).
fn ellipse(m: [f64; 2], s: &Mat2, k: f64) -> Vec<f64> {
    let l = gaussian::cholesky(s);
    (0..=64)
        .flat_map(|i| {
            let t = i as f64 / 64.0 * std::f64::consts::TAU;
            let (c, sn) = (libm::cos(t), libm::sin(t));
            [
                m[0] + k * l[0][0] * c,
                m[1] + k * (l[1][0] * c + l[1][1] * sn),
            ]
        })
        .collect()
}

type GaussPart = (f64, f64, Option<f64>, Vec<f64>, Vec<f64>);

thread_local! {
    /// The last Gaussian part computed, by its inputs (bit patterns): dragging a cloud point
    /// rebuilds the session, and must not redo the Gaussians' sample plan each time.
    static GAUSS_CACHE: std::cell::RefCell<Option<(Vec<u64>, GaussPart)>> = const { std::cell::RefCell::new(None) };
}

fn gaussian_part(s: &TransportSettings) -> GaussPart {
    let key: Vec<u64> = [
        s.m1x, s.m1y, s.s1xx, s.s1xy, s.s1yy, s.m2x, s.m2y, s.s2xx, s.s2xy, s.s2yy,
    ]
    .iter()
    .map(|x| x.to_bits())
    .chain([s.seed as u64, s.samples as u64])
    .collect();
    if let Some(hit) = GAUSS_CACHE.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }) {
        return hit;
    }
    let (m1, s1) = ([s.m1x, s.m1y], cov(s.s1xx, s.s1xy, s.s1yy));
    let (m2, s2) = ([s.m2x, s.m2y], cov(s.s2xx, s.s2xy, s.s2yy));
    let closed = gaussian::w2_squared(m1, &s1, m2, &s2).sqrt();
    let slide = gaussian::slide_formula(m1, &s1, m2, &s2);
    let mut rng = Rng::stream(s.seed as u64, 5);
    let n = s.samples as usize;
    let p1 = gaussian::sample(m1, &s1, &mut rng, n);
    let p2 = gaussian::sample(m2, &s2, &mut rng, n);
    let sample = emd::wasserstein(&p1, &vec![1.0; n], &p2, &vec![1.0; n], 2.0)
        .ok()
        .map(|r| r.0);
    let flat = |ps: &[Vec<f64>]| ps.iter().flat_map(|p| [p[0], p[1]]).collect::<Vec<f64>>();
    let part = (closed, slide, sample, flat(&p1), flat(&p2));
    GAUSS_CACHE.with(|c| *c.borrow_mut() = Some((key, part.clone())));
    part
}

impl TransportTrainer {
    pub fn new(s: TransportSettings) -> Self {
        let (xs, a) = points(&s.xs);
        let (ys, b) = points(&s.ys);
        let sinkhorn = sinkhorn::State::new(&a, &b, &cost_matrix(&xs, &ys, s.p), s.eps);
        let cached = Self::compute(&s);
        TransportTrainer {
            s,
            steps: 0,
            sinkhorn,
            cached,
        }
    }

    fn compute(s: &TransportSettings) -> Cached {
        // 1. The 1-D example.
        let positions: Vec<Vec<f64>> = (1..=s.mu.len()).map(|x| vec![x as f64]).collect();
        let (mt, nt): (f64, f64) = (s.mu.iter().sum(), s.nu.iter().sum());
        let part1 = match emd::wasserstein(&positions, &s.mu, &positions, &s.nu, s.p) {
            Ok((w, plan)) => {
                let xs1: Vec<f64> = positions.iter().map(|p| p[0]).collect();
                let moves = (0..plan.n)
                    .flat_map(|i| (0..plan.m).map(move |j| (i, j)))
                    .filter(|&(i, j)| plan.at(i, j) > 1e-12)
                    .map(|(i, j)| Move {
                        from: i + 1,
                        to: j + 1,
                        mass: plan.at(i, j),
                        unit_cost: libm::pow((i as f64 - j as f64).abs(), s.p),
                    })
                    .collect();
                Part1 {
                    mu: s.mu.iter().map(|x| x / mt).collect(),
                    nu: s.nu.iter().map(|x| x / nt).collect(),
                    mu_total: mt,
                    nu_total: nt,
                    moves,
                    plan: plan.flow.clone(),
                    exact: Some(w),
                    formula: Some(wp_quantiles(&xs1, &s.mu, &xs1, &s.nu, s.p)),
                    problem: None,
                }
            }
            Err(e) => Part1 {
                mu: s.mu.clone(),
                nu: s.nu.clone(),
                mu_total: mt,
                nu_total: nt,
                moves: vec![],
                plan: vec![],
                exact: None,
                formula: None,
                problem: Some(e),
            },
        };
        // 2. Exact plan between the clouds.
        let (xs, a) = points(&s.xs);
        let (ys, b) = points(&s.ys);
        let exact2 = emd::wasserstein(&xs, &a, &ys, &b, s.p);
        let mmd = mmd::mmd2(&xs, &ys, s.sigma);
        // 5. Gaussians: closed form, the slide's formula, and a sample estimate.
        Cached {
            part1,
            exact2,
            mmd,
            gauss: gaussian_part(s),
        }
    }
}

/// What a Sinkhorn iteration changes (see [`Trainer::save_state`]); the rest follows from the
/// settings.
#[derive(Serialize, Deserialize)]
struct TransportState {
    steps: u64,
    #[serde(with = "packed")]
    f: Vec<f64>,
    #[serde(with = "packed")]
    g: Vec<f64>,
    #[serde(with = "packed")]
    errors: Vec<f64>,
}

impl crate::lesson::LessonDef for TransportTrainer {
    type Settings = TransportSettings;
    type View = TransportView;
    type Action = crate::lesson::NoAction;
    type Answer = crate::lesson::NoAction;
    const METRICS: &'static [&'static str] = METRICS;
    /// Sinkhorn converges in a few hundred iterations: at full speed that is a blink, so the
    /// lesson plays at 20 iterations a second unless the address says otherwise.
    const DEFAULT_SPEED: f64 = 20.0;
    fn new(settings: TransportSettings) -> Self {
        TransportTrainer::new(settings)
    }
    fn rehearsal() -> Option<[String; 2]> {
        Some([warm_up_query(0), warm_up_query(1)])
    }
}

impl Trainer for TransportTrainer {
    fn metric_names(&self) -> &'static [&'static str] {
        METRICS
    }

    fn steps(&self) -> u64 {
        self.steps
    }

    fn blocked(&self) -> Option<Msg> {
        self.sinkhorn
            .as_ref()
            .err()
            .map(|e| msg!("msg.ot.sinkhorn_blocked", e.clone()))
    }

    fn step(&mut self, _part: StepPart) -> Result<(), Msg> {
        let state = self.sinkhorn.as_mut().map_err(|e| e.clone())?;
        self.steps += 1;
        let err = state.iterate();
        if err.is_finite() {
            Ok(())
        } else {
            Err(msg!("msg.sinkhorn.diverged"))
        }
    }

    fn record_every(&self) -> u64 {
        1
    }

    fn metrics(&mut self) -> Vec<f64> {
        let exact = self
            .cached
            .exact2
            .as_ref()
            .map(|(_, p)| p.cost)
            .unwrap_or(f64::NAN);
        match &self.sinkhorn {
            // Before the first iteration there is no entropic plan yet.
            Ok(_) if self.steps == 0 => vec![f64::NAN, exact, f64::NAN],
            Ok(st) => vec![
                st.cost(),
                exact,
                st.errors.last().copied().unwrap_or(f64::NAN),
            ],
            Err(_) => vec![f64::NAN, exact, f64::NAN],
        }
    }

    fn view(&mut self) -> LessonView {
        let s = &self.s;
        let part1 = self.cached.part1.clone();
        let tri =
            |ps: &[super::settings::Point]| ps.iter().map(|p| (p.x, p.y, p.w)).collect::<Vec<_>>();
        let (emd_value, exact_cost, flows, exact_plan, problem_2d) = match &self.cached.exact2 {
            Ok((w, plan)) => {
                let flows = (0..plan.n)
                    .flat_map(|i| (0..plan.m).map(move |j| (i, j)))
                    .filter(|&(i, j)| plan.at(i, j) > 1e-12)
                    .map(|(i, j)| (i, j, plan.at(i, j)))
                    .collect();
                (Some(*w), Some(plan.cost), flows, plan.flow.clone(), None)
            }
            Err(e) => (None, None, vec![], vec![], Some(e.clone())),
        };
        let (sinkhorn_plan, sinkhorn_cost) = match &self.sinkhorn {
            Ok(st) if self.steps > 0 => (st.plan(), Some(st.cost())),
            _ => (vec![], None),
        };
        let (mmd_biased, mmd_unbiased, problem_mmd) = match &self.cached.mmd {
            Ok(m) => (Some(m.biased), Some(m.unbiased), None),
            Err(e) => (None, None, Some(e.clone())),
        };
        let (closed, slide, sample, p1, p2) = self.cached.gauss.clone();
        let (m1, m2) = ([s.m1x, s.m1y], [s.m2x, s.m2y]);
        let e1: Vec<f64> = [1.0, 2.0]
            .iter()
            .flat_map(|&k| ellipse(m1, &cov(s.s1xx, s.s1xy, s.s1yy), k))
            .collect();
        let e2: Vec<f64> = [1.0, 2.0]
            .iter()
            .flat_map(|&k| ellipse(m2, &cov(s.s2xx, s.s2xy, s.s2yy), k))
            .collect();
        let th = s.shift;
        LessonView::Transport(TransportView {
            p: s.p,
            mu: part1.mu,
            nu: part1.nu,
            mu_total: part1.mu_total,
            nu_total: part1.nu_total,
            moves: part1.moves,
            plan_1d: part1.plan,
            w_exact_1d: part1.exact,
            w_formula_1d: part1.formula,
            problem_1d: part1.problem,
            xs: tri(&s.xs),
            ys: tri(&s.ys),
            flows,
            emd: emd_value,
            exact_cost,
            problem_2d,
            eps: s.eps,
            iterations: self.steps,
            sinkhorn_plan: Bulk::from_f64(&sinkhorn_plan),
            exact_plan: Bulk::from_f64(&exact_plan),
            sinkhorn_cost,
            sigma: s.sigma,
            mmd_biased,
            mmd_unbiased,
            problem_mmd,
            w2_closed: closed,
            slide_value: slide,
            w2_sample: sample,
            samples: s.samples,
            sample1: Bulk::from_f64(&p1),
            sample2: Bulk::from_f64(&p2),
            ellipses1: Bulk::from_f64(&e1),
            ellipses2: Bulk::from_f64(&e2),
            shift: th,
            // Disjoint supports for every θ ≠ 0: KL is infinite and JS saturates at ln 2, while
            // W1 = |θ| moves smoothly with the shift (the WGAN argument).
            kl: if th == 0.0 { 0.0 } else { f64::INFINITY },
            js: if th == 0.0 { 0.0 } else { LN_2 },
            w1_shift: th.abs(),
        })
    }

    fn query(&self) -> String {
        to_query(&self.s)
    }

    fn save_state(&self) -> serde_json::Value {
        let [f, g, errors] = match &self.sinkhorn {
            Ok(st) => st.potentials(),
            Err(_) => Default::default(),
        };
        runfile::save(&TransportState {
            steps: self.steps,
            f,
            g,
            errors,
        })
    }

    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg> {
        let st: TransportState = runfile::load(state)?;
        match &mut self.sinkhorn {
            Ok(sk) => sk.restore([st.f, st.g, st.errors])?,
            Err(_) if st.steps == 0 => {}
            Err(e) => return Err(msg!("msg.run.sinkhorn", e.clone())),
        }
        self.steps = st.steps;
        Ok(())
    }

    fn update(&mut self, query: &str) -> (bool, Vec<Notice>) {
        let result = update_settings(&mut self.s, query);
        if result.0 {
            self.cached = Self::compute(&self.s);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::parse_query;

    fn view(q: &str, steps: u64) -> TransportView {
        let mut t = TransportTrainer::new(parse_query::<TransportSettings>(q, &[]).0);
        for _ in 0..steps {
            t.step(StepPart::Full).unwrap();
        }
        match t.view() {
            LessonView::Transport(v) => v,
            _ => unreachable!(),
        }
    }

    #[test]
    fn default_view_is_the_lecture_example() {
        let v = view("", 0);
        assert!((v.w_exact_1d.unwrap() - 1.0).abs() < 1e-12);
        assert!((v.w_formula_1d.unwrap() - 1.0).abs() < 1e-12);
        let cost: Vec<String> = v
            .moves
            .iter()
            .map(|m| format!("{}→{}:{}·{}", m.from, m.to, m.mass, m.unit_cost))
            .collect();
        assert_eq!(cost, ["1→2:0.5·1", "3→4:0.5·1"]);
        assert!((v.w2_closed.powi(2) - (22.0 - 2.0 * 3f64.sqrt())).abs() < 1e-9);
        assert!(v.kl.is_infinite() && (v.js - LN_2).abs() < 1e-15 && v.w1_shift == 1.0);
    }

    #[test]
    fn sinkhorn_steps_converge_towards_the_exact_cost() {
        let mut t = TransportTrainer::new(parse_query::<TransportSettings>("eps=0.01", &[]).0);
        for _ in 0..500 {
            t.step(StepPart::Full).unwrap();
        }
        let m = t.metrics();
        assert!(m[2] < 1e-6, "marginal error {}", m[2]);
        assert!(m[0] >= m[1] - 1e-9 && m[0] - m[1] < 0.05 * m[1], "{m:?}");
    }

    #[test]
    fn bad_input_gives_messages_not_nan() {
        let v = view("mu=0,0&nu=1,1&xs=&ys=1,1", 0);
        assert!(v.problem_1d.unwrap().to_string().contains("zero"));
        assert!(v.problem_2d.is_some() && v.problem_mmd.is_some());
        let t = TransportTrainer::new(parse_query::<TransportSettings>("xs=", &[]).0);
        assert!(t.blocked().is_some());
        // Coincident points and tiny ε: finite everywhere.
        let v = view("xs=0,0;0,0&ys=0,0;1,1&eps=0.001", 50);
        assert!(v.emd.unwrap().is_finite() && v.sinkhorn_cost.unwrap().is_finite());
    }
}

/// A settings string at the largest size the lesson allows (50 points a side), for the
/// rehearsal a host runs right after the lesson opens (see `lesson::rehearsal`): otherwise the
/// first drag pays for the browser's lazy compilation and misses its frame.
pub fn warm_up_query(variant: u64) -> String {
    use super::settings::MAX_POINTS;
    let mut rng = Rng::new(variant);
    let mut cloud = |dx: f64| -> Vec<super::Point> {
        (0..MAX_POINTS)
            .map(|_| super::Point {
                x: ((dx + rng.normal()) * 100.0).round() / 100.0,
                y: (rng.normal() * 100.0).round() / 100.0,
                w: 1.0,
            })
            .collect()
    };
    to_query(&TransportSettings {
        xs: cloud(-1.0),
        ys: cloud(1.0),
        ..TransportSettings::default()
    })
}
