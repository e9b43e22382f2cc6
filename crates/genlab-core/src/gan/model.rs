//! The GAN trainer: G and D as small MLPs, each update's forward and backward side by side.

use serde::{Deserialize, Serialize};

use super::theory::optimal_discriminator;
use super::{GanSettings, GeneratorLoss, Noise, TARGET_MEAN, TARGET_STD};
use crate::lesson::{update_settings, StepPart, Trainer};
use crate::math::{normal_pdf, normal_quantile, sigmoid, softplus};
use crate::msg;
use crate::msg::Msg;
use crate::nn::{Mlp, Optimizer, Tape};
use crate::protocol::{Bulk, LessonView};
use crate::rng::Rng;
use crate::runfile::{self, expect_finite, expect_len, packed};
use crate::settings::{to_query, Notice};
use crate::stats::{histogram_density, kde, mean_std};
use crate::w1::w1_to_normal;

/// Points used to evaluate the generator: stratified noise z_i = F⁻¹((i + ½)/n), so the metrics
/// measure G itself, with no sampling noise of their own.
const EVAL_POINTS: usize = 1000;
/// The x-range the charts show.
pub const X_RANGE: (f64, f64) = (-6.0, 4.0);
const GRID_POINTS: usize = 241;
const HIST_BINS: usize = 60;
const MAP_POINTS: usize = 101;
const ARROWS: usize = 24;

pub const METRICS: &[&str] = &[
    "d_loss",
    "g_loss",
    "d_real",
    "d_fake",
    "w1_raw",
    "w1_ema",
    "game_value",
    "g_mean",
    "g_std",
];

/// Everything the GAN charts draw, on fixed grids.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GanView {
    pub x_range: (f64, f64),
    /// N(−1, 1) density on the x grid.
    pub target: Bulk,
    /// Kernel density estimate of the shown generator's samples.
    pub p_g: Bulk,
    /// The current discriminator D(x).
    pub d: Bulk,
    /// The optimal discriminator for the current generator, p_data / (p_data + p_g).
    pub d_star: Bulk,
    /// Density histogram of the shown generator's samples (HIST_BINS bins over x_range).
    pub hist: Bulk,
    /// Noise values at which the maps are drawn.
    pub z: Bulk,
    pub g_map: Bulk,
    pub g_map_raw: Bulk,
    /// The increasing map that turns this noise into N(−1, 1) exactly: −1 + Φ⁻¹(z) for uniform
    /// noise. Its mirror image (`ideal_map_down`, −1 + Φ⁻¹(1 − z)) is just as optimal, and G
    /// often finds that one.
    pub ideal_map: Bulk,
    pub ideal_map_down: Bulk,
    /// Positions of some fake samples and dD/dx there: where the generator's gradient pushes them.
    pub arrow_x: Bulk,
    pub arrow_push: Bulk,
    pub ema_shown: bool,
    pub d_steps_done: u64,
    pub g_steps_done: u64,
}

pub struct GanTrainer {
    settings: GanSettings,
    g: Mlp,
    d: Mlp,
    g_ema: Vec<f64>,
    opt_g: Optimizer,
    opt_d: Optimizer,
    rng: Rng,
    steps: u64,
    d_updates: u64,
    g_updates: u64,
    last_d_loss: f64,
    last_g_loss: f64,
    last_d_real: f64,
    last_d_fake: f64,
    // Reused buffers: no allocation inside a step once the batch size is stable.
    tape_g: Tape,
    tape_d: Tape,
    d_g: Vec<f64>,
    d_d: Vec<f64>,
    z: Vec<f64>,
    xs: Vec<f64>,
    d_logits: Vec<f64>,
    eval_z: Vec<f64>,
    /// The target's exact quantiles at the same stratified levels: the "real" half of the game
    /// value. Fixed for the run, so computed once rather than at every metrics row.
    eval_real: Vec<f64>,
}

impl GanTrainer {
    pub fn new(settings: GanSettings) -> Self {
        let mut init = Rng::stream(settings.seed as u64, 0);
        let mut g = Mlp::new(
            &[1, settings.g_width as usize, settings.g_width as usize, 1],
            settings.g_act,
            &mut init,
        );
        *g.params.last_mut().expect("G has an output bias") = settings.g_start;
        let d = Mlp::new(
            &[1, settings.d_width as usize, settings.d_width as usize, 1],
            settings.d_act,
            &mut init,
        );
        let opt_g = Optimizer::new(settings.optimizer, g.n_params(), settings.beta1);
        let opt_d = Optimizer::new(settings.optimizer, d.n_params(), settings.beta1);
        let eval_z = (0..EVAL_POINTS)
            .map(|i| noise_quantile(settings.noise, (i as f64 + 0.5) / EVAL_POINTS as f64))
            .collect();
        GanTrainer {
            g_ema: g.params.clone(),
            d_g: vec![0.0; g.n_params()],
            d_d: vec![0.0; d.n_params()],
            rng: Rng::stream(settings.seed as u64, 1),
            settings,
            g,
            d,
            opt_g,
            opt_d,
            steps: 0,
            d_updates: 0,
            g_updates: 0,
            last_d_loss: f64::NAN,
            last_g_loss: f64::NAN,
            last_d_real: f64::NAN,
            last_d_fake: f64::NAN,
            tape_g: Tape::default(),
            tape_d: Tape::default(),
            z: Vec::new(),
            xs: Vec::new(),
            d_logits: Vec::new(),
            eval_z,
            eval_real: (0..EVAL_POINTS)
                .map(|i| {
                    TARGET_MEAN
                        + TARGET_STD * normal_quantile((i as f64 + 0.5) / EVAL_POINTS as f64)
                })
                .collect(),
        }
    }

    pub fn settings(&self) -> &GanSettings {
        &self.settings
    }

    fn draw_noise(&mut self, n: usize) {
        self.z.clear();
        for _ in 0..n {
            let z = match self.settings.noise {
                Noise::Uniform => self.rng.uniform(),
                Noise::Normal => self.rng.normal(),
            };
            self.z.push(z);
        }
    }

    /// One discriminator update: minimise −mean log D(x_real) − mean log(1 − D(G(z))).
    fn update_d(&mut self) -> Result<(), Msg> {
        let n = self.settings.batch as usize;
        self.draw_noise(n);
        // xs = [real (n); fake (n)], 2n × 1
        self.xs.clear();
        for _ in 0..n {
            let x = TARGET_MEAN + TARGET_STD * self.rng.normal();
            self.xs.push(x);
        }
        let fake = self.g.forward(&self.z, n, &mut self.tape_g);
        self.xs.extend_from_slice(fake);
        let logits = self.d.forward(&self.xs, 2 * n, &mut self.tape_d); // 2n × 1
                                                                        // With logits a: −log σ(a) = softplus(−a), −log(1 − σ(a)) = softplus(a).
        let (mut loss, mut d_real, mut d_fake) = (0.0, 0.0, 0.0);
        self.d_logits.clear();
        for (i, &a) in logits.iter().enumerate() {
            let s = sigmoid(a);
            if i < n {
                loss += softplus(-a);
                d_real += s;
                self.d_logits.push((s - 1.0) / n as f64);
            } else {
                loss += softplus(a);
                d_fake += s;
                self.d_logits.push(s / n as f64);
            }
        }
        self.last_d_loss = loss / n as f64;
        self.last_d_real = d_real / n as f64;
        self.last_d_fake = d_fake / n as f64;
        self.d_d.iter_mut().for_each(|g| *g = 0.0);
        self.d
            .backward(&mut self.tape_d, &self.d_logits, &mut self.d_d);
        self.opt_d.beta1 = self.settings.beta1;
        self.opt_d
            .step(&mut self.d.params, &self.d_d, self.settings.lr_d);
        self.d_updates += 1;
        check_finite(false, self.last_d_loss, &self.d.params)
    }

    /// One generator update through the frozen discriminator.
    fn update_g(&mut self) -> Result<(), Msg> {
        let n = self.settings.batch as usize;
        self.draw_noise(n);
        let fake = self.g.forward(&self.z, n, &mut self.tape_g).to_vec(); // n × 1
        let logits = self.d.forward(&fake, n, &mut self.tape_d); // n × 1
        let mut loss = 0.0;
        self.d_logits.clear();
        for &a in logits {
            let s = sigmoid(a);
            match self.settings.g_loss {
                // minimise −log D(G(z)) = softplus(−a)
                GeneratorLoss::NonSaturating => {
                    loss += softplus(-a);
                    self.d_logits.push((s - 1.0) / n as f64);
                }
                // minimise log(1 − D(G(z))) = −softplus(a)
                GeneratorLoss::Minimax => {
                    loss -= softplus(a);
                    self.d_logits.push(-s / n as f64);
                }
            }
        }
        self.last_g_loss = loss / n as f64;
        // D's parameter gradient is not used here; only dL/dx flows on into G.
        self.d_d.iter_mut().for_each(|g| *g = 0.0);
        let d_x = self
            .d
            .backward(&mut self.tape_d, &self.d_logits, &mut self.d_d)
            .to_vec();
        self.d_g.iter_mut().for_each(|g| *g = 0.0);
        self.g.backward(&mut self.tape_g, &d_x, &mut self.d_g);
        self.opt_g.beta1 = self.settings.beta1;
        self.opt_g
            .step(&mut self.g.params, &self.d_g, self.settings.lr_g);
        self.g_updates += 1;
        // EMA with a warm-up, so the average is not dominated by the initial weights early on.
        let t = self.g_updates as f64;
        let decay = self.settings.ema_decay.min((1.0 + t) / (10.0 + t));
        for (e, &p) in self.g_ema.iter_mut().zip(&self.g.params) {
            *e = decay * *e + (1.0 - decay) * p;
        }
        check_finite(true, self.last_g_loss, &self.g.params)
    }

    fn shown_params(&self) -> &[f64] {
        if self.settings.ema {
            &self.g_ema
        } else {
            &self.g.params
        }
    }

    /// G evaluated at the stratified noise points.
    fn eval_samples(&self, params: &[f64]) -> Vec<f64> {
        let mut tape = Tape::default();
        self.g
            .forward_with(params, &self.eval_z, self.eval_z.len(), &mut tape)
            .to_vec()
    }

    fn d_prob(&self, xs: &[f64]) -> Vec<f64> {
        let mut tape = Tape::default();
        self.d
            .forward(xs, xs.len(), &mut tape)
            .iter()
            .map(|&a| sigmoid(a))
            .collect()
    }

    /// Exact-quantile evaluation of the game value E_data log D + E_g log(1 − D) at the current D
    /// and the raw G (the one D plays against).
    fn game_value(&self, fake: &[f64]) -> f64 {
        let n = EVAL_POINTS;
        let real = &self.eval_real;
        let mut tape = Tape::default();
        let e_real: f64 = self
            .d
            .forward(real, n, &mut tape)
            .iter()
            .map(|&a| -softplus(-a))
            .sum::<f64>()
            / n as f64;
        let e_fake: f64 = self
            .d
            .forward(fake, n, &mut tape)
            .iter()
            .map(|&a| -softplus(a))
            .sum::<f64>()
            / n as f64;
        e_real + e_fake
    }
}

fn noise_quantile(noise: Noise, u: f64) -> f64 {
    match noise {
        Noise::Uniform => u,
        Noise::Normal => normal_quantile(u),
    }
}

/// Weights beyond this have exploded: the next steps only produce ∞ and NaN.
const EXPLODED: f64 = 1e8;

/// `generator`: which player; the two get separate messages (their names decline differently).
fn check_finite(generator: bool, loss: f64, params: &[f64]) -> Result<(), Msg> {
    if !loss.is_finite() || params.iter().any(|p| !p.is_finite()) {
        Err(if generator {
            msg!("msg.gan.g_nan")
        } else {
            msg!("msg.gan.d_nan")
        })
    } else if params.iter().any(|p| p.abs() > EXPLODED) {
        Err(if generator {
            msg!("msg.gan.g_exploded")
        } else {
            msg!("msg.gan.d_exploded")
        })
    } else {
        Ok(())
    }
}

/// What a GAN step changes (see [`Trainer::save_state`]).
#[derive(Serialize, Deserialize)]
struct GanState {
    #[serde(with = "packed")]
    g: Vec<f64>,
    #[serde(with = "packed")]
    d: Vec<f64>,
    #[serde(with = "packed")]
    g_ema: Vec<f64>,
    opt_g: Optimizer,
    opt_d: Optimizer,
    rng: Rng,
    steps: u64,
    d_updates: u64,
    g_updates: u64,
    /// D's loss, G's loss, mean D(real), mean D(fake) of the last updates (NaN before any).
    #[serde(with = "packed")]
    last: Vec<f64>,
}

impl crate::lesson::LessonDef for GanTrainer {
    type Settings = GanSettings;
    type View = GanView;
    type Action = crate::lesson::NoAction;
    type Answer = crate::lesson::NoAction;
    const METRICS: &'static [&'static str] = METRICS;
    fn new(settings: GanSettings) -> Self {
        GanTrainer::new(settings)
    }
}

impl Trainer for GanTrainer {
    fn metric_names(&self) -> &'static [&'static str] {
        METRICS
    }

    fn steps(&self) -> u64 {
        self.steps
    }

    fn step(&mut self, part: StepPart) -> Result<(), Msg> {
        self.steps += 1;
        match part {
            StepPart::Discriminator => self.update_d(),
            StepPart::Generator => self.update_g(),
            StepPart::Full if self.d_updates < self.settings.d_pretrain as u64 => self.update_d(),
            StepPart::Full => {
                for _ in 0..self.settings.d_steps {
                    self.update_d()?;
                }
                self.update_g()
            }
        }
    }

    fn record_every(&self) -> u64 {
        10
    }

    fn metrics(&mut self) -> Vec<f64> {
        let raw = self.eval_samples(&self.g.params);
        let ema = self.eval_samples(&self.g_ema);
        let (mean, std) = mean_std(&raw);
        vec![
            self.last_d_loss,
            self.last_g_loss,
            self.last_d_real,
            self.last_d_fake,
            w1_to_normal(&raw, TARGET_MEAN, TARGET_STD),
            w1_to_normal(&ema, TARGET_MEAN, TARGET_STD),
            self.game_value(&raw),
            mean,
            std,
        ]
    }

    fn view(&mut self) -> LessonView {
        let (lo, hi) = X_RANGE;
        let grid: Vec<f64> = (0..GRID_POINTS)
            .map(|i| lo + (hi - lo) * i as f64 / (GRID_POINTS - 1) as f64)
            .collect();
        let shown = self.eval_samples(self.shown_params());
        let target: Vec<f64> = grid
            .iter()
            .map(|&x| normal_pdf(x, TARGET_MEAN, TARGET_STD))
            .collect();
        let p_g = kde(&shown, &grid);
        let d = self.d_prob(&grid);
        let d_star: Vec<f64> = target
            .iter()
            .zip(&p_g)
            .map(|(&a, &b)| optimal_discriminator(a, b))
            .collect();
        let hist = histogram_density(&shown, lo, hi, HIST_BINS);

        let z: Vec<f64> = match self.settings.noise {
            Noise::Uniform => (0..MAP_POINTS)
                .map(|i| (i as f64 + 0.5) / MAP_POINTS as f64)
                .collect(),
            Noise::Normal => (0..MAP_POINTS)
                .map(|i| -3.0 + 6.0 * i as f64 / (MAP_POINTS - 1) as f64)
                .collect(),
        };
        let mut tape = Tape::default();
        let g_map = self
            .g
            .forward_with(self.shown_params(), &z, z.len(), &mut tape)
            .to_vec();
        let g_map_raw = self.g.forward(&z, z.len(), &mut tape).to_vec();
        let standard = |zz: f64| match self.settings.noise {
            Noise::Uniform => normal_quantile(zz),
            Noise::Normal => zz,
        };
        let ideal: Vec<f64> = z
            .iter()
            .map(|&zz| TARGET_MEAN + TARGET_STD * standard(zz))
            .collect();
        let ideal_down: Vec<f64> = z
            .iter()
            .map(|&zz| TARGET_MEAN - TARGET_STD * standard(zz))
            .collect();

        // Arrows: dD/dx at fake samples of the raw generator — the direction G's update moves them.
        let arrow_z: Vec<f64> = (0..ARROWS)
            .map(|i| noise_quantile(self.settings.noise, (i as f64 + 0.5) / ARROWS as f64))
            .collect();
        let arrow_x = self.g.forward(&arrow_z, ARROWS, &mut tape).to_vec();
        let logits = self.d.forward(&arrow_x, ARROWS, &mut self.tape_d).to_vec();
        let d_out: Vec<f64> = logits
            .iter()
            .map(|&a| sigmoid(a) * (1.0 - sigmoid(a)))
            .collect();
        let mut scratch = vec![0.0; self.d.n_params()];
        let push = self
            .d
            .backward(&mut self.tape_d, &d_out, &mut scratch)
            .to_vec();

        LessonView::Gan(GanView {
            x_range: X_RANGE,
            target: Bulk::from_f64(&target),
            p_g: Bulk::from_f64(&p_g),
            d: Bulk::from_f64(&d),
            d_star: Bulk::from_f64(&d_star),
            hist: Bulk::from_f64(&hist),
            z: Bulk::from_f64(&z),
            g_map: Bulk::from_f64(&g_map),
            g_map_raw: Bulk::from_f64(&g_map_raw),
            ideal_map: Bulk::from_f64(&ideal),
            ideal_map_down: Bulk::from_f64(&ideal_down),
            arrow_x: Bulk::from_f64(&arrow_x),
            arrow_push: Bulk::from_f64(&push),
            ema_shown: self.settings.ema,
            d_steps_done: self.d_updates,
            g_steps_done: self.g_updates,
        })
    }

    fn save_state(&self) -> serde_json::Value {
        runfile::save(&GanState {
            g: self.g.params.clone(),
            d: self.d.params.clone(),
            g_ema: self.g_ema.clone(),
            opt_g: self.opt_g.clone(),
            opt_d: self.opt_d.clone(),
            rng: self.rng.clone(),
            steps: self.steps,
            d_updates: self.d_updates,
            g_updates: self.g_updates,
            last: vec![
                self.last_d_loss,
                self.last_g_loss,
                self.last_d_real,
                self.last_d_fake,
            ],
        })
    }

    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg> {
        let st: GanState = runfile::load(state)?;
        for (what, saved, mine) in [
            ("generator", &st.g, &self.g.params),
            ("discriminator", &st.d, &self.d.params),
            ("generator average", &st.g_ema, &self.g_ema),
        ] {
            expect_len(what, saved.len(), mine.len())?;
            expect_finite(what, saved)?;
        }
        expect_len("last losses", st.last.len(), 4)?;
        self.opt_g.restore(st.opt_g, "generator")?;
        self.opt_d.restore(st.opt_d, "discriminator")?;
        self.g.params = st.g;
        self.d.params = st.d;
        self.g_ema = st.g_ema;
        self.rng = st.rng;
        self.steps = st.steps;
        self.d_updates = st.d_updates;
        self.g_updates = st.g_updates;
        [
            self.last_d_loss,
            self.last_g_loss,
            self.last_d_real,
            self.last_d_fake,
        ] = [st.last[0], st.last[1], st.last[2], st.last[3]];
        Ok(())
    }

    fn query(&self) -> String {
        to_query(&self.settings)
    }

    fn update(&mut self, query: &str) -> (bool, Vec<Notice>) {
        update_settings(&mut self.settings, query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gan::Preset;
    use crate::gradcheck::max_relative_error;
    use crate::settings::parse_query;

    fn run(settings: GanSettings, steps: u64) -> (GanTrainer, Vec<Vec<f64>>) {
        let mut t = GanTrainer::new(settings);
        let mut rows = vec![];
        for _ in 0..steps {
            t.step(StepPart::Full).unwrap();
            if t.steps() % 10 == 0 {
                rows.push(t.metrics());
            }
        }
        (t, rows)
    }

    /// Both losses' gradients — w.r.t. D's parameters, and w.r.t. G's parameters through D —
    /// against central finite differences of the same losses, for every activation.
    #[test]
    fn gradients_match_finite_differences() {
        use crate::nn::Activation;
        for (act, g_loss) in [
            (Activation::Tanh, GeneratorLoss::NonSaturating),
            (Activation::LeakyRelu, GeneratorLoss::Minimax),
            (Activation::Relu, GeneratorLoss::NonSaturating),
        ] {
            let s = GanSettings {
                g_width: 5,
                d_width: 6,
                g_act: act,
                d_act: act,
                g_loss,
                batch: 7,
                ..Default::default()
            };
            let mut t = GanTrainer::new(s.clone());
            // A few steps first so the weights are not at their symmetric start.
            for _ in 0..20 {
                t.step(StepPart::Full).unwrap();
            }
            let mut rng = Rng::new(3);
            let z: Vec<f64> = (0..7).map(|_| rng.uniform()).collect();
            let real: Vec<f64> = (0..7).map(|_| -1.0 + rng.normal()).collect();

            let d_loss = |d_params: &[f64]| -> f64 {
                let mut tape = Tape::default();
                let fake = t.g.forward(&z, 7, &mut tape).to_vec();
                let a_r = t.d.forward_with(d_params, &real, 7, &mut tape).to_vec();
                let a_f = t.d.forward_with(d_params, &fake, 7, &mut tape).to_vec();
                (a_r.iter().map(|&a| softplus(-a)).sum::<f64>()
                    + a_f.iter().map(|&a| softplus(a)).sum::<f64>())
                    / 7.0
            };
            let g_loss_fn = |g_params: &[f64]| -> f64 {
                let mut tape = Tape::default();
                let fake = t.g.forward_with(g_params, &z, 7, &mut tape).to_vec();
                let a = t.d.forward(&fake, 7, &mut tape).to_vec();
                a.iter()
                    .map(|&a| match g_loss {
                        GeneratorLoss::NonSaturating => softplus(-a),
                        GeneratorLoss::Minimax => -softplus(a),
                    })
                    .sum::<f64>()
                    / 7.0
            };

            // Analytic gradients by the trainer's own code path, with the same batch.
            let mut xs = real.clone();
            let mut tape_g = Tape::default();
            xs.extend_from_slice(t.g.forward(&z, 7, &mut tape_g));
            let mut tape_d = Tape::default();
            let logits = t.d.forward(&xs, 14, &mut tape_d).to_vec();
            let d_logits: Vec<f64> = logits
                .iter()
                .enumerate()
                .map(|(i, &a)| {
                    if i < 7 {
                        (sigmoid(a) - 1.0) / 7.0
                    } else {
                        sigmoid(a) / 7.0
                    }
                })
                .collect();
            let mut d_d = vec![0.0; t.d.n_params()];
            t.d.backward(&mut tape_d, &d_logits, &mut d_d);
            let (err, at) = max_relative_error(&t.d.params, &d_d, d_loss, 1e-6, 10_000);
            assert!(err < 1e-5, "{act:?} D: {err} at {at}");

            let fake = t.g.forward(&z, 7, &mut tape_g).to_vec();
            let logits = t.d.forward(&fake, 7, &mut tape_d).to_vec();
            let d_logits: Vec<f64> = logits
                .iter()
                .map(|&a| match g_loss {
                    GeneratorLoss::NonSaturating => (sigmoid(a) - 1.0) / 7.0,
                    GeneratorLoss::Minimax => -sigmoid(a) / 7.0,
                })
                .collect();
            let mut scratch = vec![0.0; t.d.n_params()];
            let d_x = t.d.backward(&mut tape_d, &d_logits, &mut scratch).to_vec();
            let mut d_g = vec![0.0; t.g.n_params()];
            t.g.backward(&mut tape_g, &d_x, &mut d_g);
            let (err, at) = max_relative_error(&t.g.params, &d_g, g_loss_fn, 1e-6, 10_000);
            assert!(err < 1e-5, "{act:?} G: {err} at {at}");
        }
    }

    /// Measured: seed 1 reaches EMA W1 0.091 at 3000 steps (seeds 2, 3: 0.047, 0.049); the raw
    /// generator keeps oscillating (0.10–0.36), as FINDINGS describes.
    #[test]
    fn default_preset_learns_the_target() {
        let (_, rows) = run(GanSettings::default(), 3000);
        let w1_ema = rows.last().unwrap()[5];
        assert!(w1_ema < 0.12, "EMA W1 after 3000 steps: {w1_ema}");
        // The start is far off: uniform noise is ~1.5 away from N(−1, 1).
        assert!(rows[0][5] > 0.5);
    }

    /// Measured (seed 1): minimax W1 5.04 at step 1000, non-saturating 0.19.
    #[test]
    fn minimax_preset_stalls_where_non_saturating_escapes() {
        let stalls = Preset::MinimaxStalls.settings(1);
        let escapes = GanSettings {
            g_loss: GeneratorLoss::NonSaturating,
            ..stalls.clone()
        };
        let w1_stalled = run(stalls, 1000).1.last().unwrap()[4];
        let w1_free = run(escapes, 1000).1.last().unwrap()[4];
        assert!(w1_stalled > 4.0, "minimax moved: {w1_stalled}");
        assert!(w1_free < 0.6, "non-saturating stuck: {w1_free}");
    }

    /// Measured (seed 1): generated std 0.01–0.08 from step 600 on; W1 stuck near 0.85.
    #[test]
    fn too_high_learning_rate_collapses_to_a_spike() {
        let (_, rows) = run(Preset::LrTooHigh.settings(1), 2000);
        let last = rows.last().unwrap();
        assert!(last[8] < 0.3, "generated std {}", last[8]);
        assert!(last[4] > 0.5, "W1 {}", last[4]);
    }

    /// Measured (seed 1): at step 300 D(real) 0.82 and D(fake) 0.19 — the healthy run sits near ½.
    #[test]
    fn fast_discriminator_dominates_early() {
        let (_, rows) = run(Preset::FastDiscriminator.settings(1), 300);
        let last = rows.last().unwrap();
        assert!(
            last[2] - last[3] > 0.4,
            "D(real) {} D(fake) {}",
            last[2],
            last[3]
        );
    }

    #[test]
    fn bad_url_values_are_clamped() {
        let (s, notices) = parse_query::<GanSettings>("batch=0&g_width=100000&lr_g=abc", &[]);
        assert_eq!(s.batch, 1);
        assert_eq!(s.g_width, 128);
        assert_eq!(s.lr_g, 1e-3);
        assert_eq!(notices.len(), 3);
        // A batch of 1 still trains without panicking.
        let mut t = GanTrainer::new(s);
        for _ in 0..5 {
            t.step(StepPart::Full).unwrap();
        }
    }

    #[test]
    fn view_is_finite_and_sized() {
        let (mut t, _) = run(GanSettings::default(), 50);
        let LessonView::Gan(v) = t.view() else {
            panic!("not a GAN view")
        };
        assert_eq!(v.target.0.len(), GRID_POINTS);
        assert_eq!(v.hist.0.len(), HIST_BINS);
        assert_eq!(v.arrow_push.0.len(), ARROWS);
        for b in [&v.target, &v.p_g, &v.d, &v.d_star, &v.g_map, &v.ideal_map] {
            assert!(b.0.iter().all(|x| x.is_finite()));
        }
        assert!(v.d.0.iter().all(|&p| (0.0..=1.0).contains(&p)));
    }
}
