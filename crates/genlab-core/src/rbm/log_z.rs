//! log Z of a binary RBM on the digits (or on a layer below it), the number that turns free
//! energies into log-likelihoods:
//! - exactly, by summing over every state of the smaller layer — each term is a closed-form
//!   product over the other layer, so 2^m terms for m ≤ [`EXACT_MAX_UNITS`] units;
//! - by annealed importance sampling from the base-rate model (Salakhutdinov & Murray 2008)
//!   when both layers are too wide, with the spread of independent runs.
//!
//! A visible layer may end in a softmax group (the DBN's ten label units, Hinton, Osindero &
//! Teh 2006): exactly one of its `tail` units is on. Parameters are [`BatchRbm`]'s: W (d × H,
//! row-major), then b (d), then c (H).

use crate::math::{exp, log, log_sum_exp, softplus, softplus_into};
use crate::nn::dense::{matmul_a_bt, matmul_acc};
use crate::nn::expf::expf;
use crate::nn::log1pf::log1pf_unit;
use crate::nn::real::{sigmoid_given_exp, sum_in_order};
use crate::rbm::batched::BatchRbm;
use crate::rng::Rng;

/// The widest layer the exact sum enumerates: 2^16 terms of a product over 784 pixels take
/// about a second natively (each width past it doubles that, so 20 units would take twenty);
/// wider RBMs get AIS, which costs about as much at the lessons' size. `genlab-cli bench`
/// prints the time by width.
pub const EXACT_MAX_UNITS: usize = 16;

/// An RBM as the estimators see it: its parameters and how many of its last visible units
/// form one softmax group (0: every unit binary).
#[derive(Clone, Copy)]
pub struct RbmRef<'a> {
    pub d: usize,
    pub h: usize,
    pub params: &'a [f32],
    pub tail: usize,
}

impl<'a> RbmRef<'a> {
    pub fn new(rbm: &'a BatchRbm<f32>, tail: usize) -> Self {
        RbmRef {
            d: rbm.d,
            h: rbm.h,
            params: &rbm.params,
            tail,
        }
    }
    fn w(&self, i: usize, j: usize) -> f64 {
        self.params[i * self.h + j] as f64
    }
    fn b(&self, i: usize) -> f64 {
        self.params[self.d * self.h + i] as f64
    }
    fn c(&self, j: usize) -> f64 {
        self.params[self.d * self.h + self.d + j] as f64
    }
    /// Binary visible units (before the softmax group).
    fn binary(&self) -> usize {
        self.d - self.tail
    }

    /// Whether [`exact_log_z`] enumerates it.
    pub fn exact_possible(&self) -> bool {
        self.h <= EXACT_MAX_UNITS || self.binary() <= EXACT_MAX_UNITS
    }
}

/// log Σ over a softmax group of e^{aₖ} (0 terms: the group is absent, the factor is 1).
fn log_group(a: &[f64]) -> f64 {
    if a.is_empty() {
        0.0
    } else {
        log_sum_exp(a)
    }
}

/// A running log Σ e^{xᵢ} that never holds more than two numbers.
struct LogSum {
    top: f64,
    sum: f64,
}

impl LogSum {
    fn new() -> Self {
        LogSum {
            top: f64::NEG_INFINITY,
            sum: 0.0,
        }
    }
    fn add(&mut self, x: f64) {
        if x > self.top {
            self.sum = self.sum * exp(self.top - x) + 1.0;
            self.top = x;
        } else {
            self.sum += exp(x - self.top);
        }
    }
    fn value(&self) -> f64 {
        self.top + log(self.sum)
    }
}

/// The states of `m` units in Gray-code order: each step flips one unit, so the other layer's
/// inputs change by one column of W. Calls `visit(state, flipped unit)` 2^m times (the first
/// with no unit flipped).
fn gray_walk(m: usize, mut visit: impl FnMut(&[bool], Option<usize>)) {
    let mut state = vec![false; m];
    visit(&state, None);
    for k in 1u64..1 << m {
        let unit = k.trailing_zeros() as usize;
        state[unit] = !state[unit];
        visit(&state, Some(unit));
    }
}

/// Σᵢ softplus(xᵢ), the exact sums' inner loop (2^m times over the other layer): in f32, whose
/// exp and log1p cost a third of f64's, summed in f64. Relative error about 1e-7 per term.
/// The exp and the log1p run in loops of their own, as in `autoencoder::model::bernoulli_nll`
/// (e^{−|v|} is kept in the f64 term between the two: exact).
fn softplus_sum(x: &[f64]) -> f64 {
    sum_in_order(x.len(), |at, terms| {
        let x = &x[at];
        for (t, &v) in terms.iter_mut().zip(x) {
            *t = expf(-(v as f32).abs()) as f64;
        }
        for (t, &v) in terms.iter_mut().zip(x) {
            let v = v as f32;
            *t = (v.max(0.0) + log1pf_unit(*t as f32)) as f64;
        }
    })
}

/// Exact log Z, or `None` when both layers are wider than [`EXACT_MAX_UNITS`].
pub fn exact_log_z(rbm: RbmRef) -> Option<f64> {
    if rbm.h <= EXACT_MAX_UNITS && (rbm.h <= rbm.binary() || rbm.binary() > EXACT_MAX_UNITS) {
        Some(sum_over_hidden(rbm))
    } else if rbm.binary() <= EXACT_MAX_UNITS {
        Some(sum_over_visible(rbm))
    } else {
        None
    }
}

/// Σ_h e^{cᵀh} Πᵢ (1 + e^{bᵢ + (Wh)ᵢ}) · Σₖ e^{bₖ + (Wh)ₖ} (the last factor over the softmax group).
fn sum_over_hidden(rbm: RbmRef) -> f64 {
    let (d, binary) = (rbm.d, rbm.binary());
    let mut a: Vec<f64> = (0..d).map(|i| rbm.b(i)).collect(); // d: b + W h
    let mut c_h = 0.0;
    let mut total = LogSum::new();
    gray_walk(rbm.h, |state, flipped| {
        if let Some(j) = flipped {
            let sign = if state[j] { 1.0 } else { -1.0 };
            c_h += sign * rbm.c(j);
            for (i, ai) in a.iter_mut().enumerate() {
                *ai += sign * rbm.w(i, j);
            }
        }
        let term = c_h + softplus_sum(&a[..binary]) + log_group(&a[binary..]);
        total.add(term);
    });
    total.value()
}

/// Σ over binary visible states v and each label k of e^{bᵀv + bₖ} Πⱼ (1 + e^{cⱼ + (vW)ⱼ + Wₖⱼ}).
fn sum_over_visible(rbm: RbmRef) -> f64 {
    let (h, binary) = (rbm.h, rbm.binary());
    let labels: Vec<Option<usize>> = if rbm.tail == 0 {
        vec![None]
    } else {
        (binary..rbm.d).map(Some).collect()
    };
    let mut total = LogSum::new();
    for label in labels {
        let mut a: Vec<f64> = (0..h)
            .map(|j| rbm.c(j) + label.map_or(0.0, |k| rbm.w(k, j)))
            .collect(); // H: c + vW (+ the label's row)
        let mut b_v = label.map_or(0.0, |k| rbm.b(k));
        gray_walk(binary, |state, flipped| {
            if let Some(i) = flipped {
                let sign = if state[i] { 1.0 } else { -1.0 };
                b_v += sign * rbm.b(i);
                for (j, aj) in a.iter_mut().enumerate() {
                    *aj += sign * rbm.w(i, j);
                }
            }
            total.add(b_v + softplus_sum(&a));
        });
    }
    total.value()
}

/// Free energies F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vW)ⱼ) of a batch (n × d, labels one-hot in
/// the tail), so log p(v) = −F(v) − log Z.
pub fn free_energies(rbm: RbmRef, v: &[f32]) -> Vec<f64> {
    let (d, h) = (rbm.d, rbm.h);
    let n = v.len() / d;
    let c = &rbm.params[d * h + d..];
    let mut pre = Vec::with_capacity(n * h);
    for _ in 0..n {
        pre.extend_from_slice(c);
    }
    matmul_acc(v, &rbm.params[..d * h], &mut pre, n, d, h); // n × H
    v.chunks_exact(d)
        .zip(pre.chunks_exact(h))
        .map(|(row, hidden)| {
            let visible: f64 = row
                .iter()
                .enumerate()
                .map(|(i, &x)| x as f64 * rbm.b(i))
                .sum();
            -visible - hidden.iter().map(|&x| softplus(x as f64)).sum::<f64>()
        })
        .collect()
}

/// An AIS estimate: the mean of independent runs' log Ẑ and their standard deviation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AisEstimate {
    pub log_z: f64,
    pub spread: f64,
    pub runs: Vec<f64>,
    /// Intermediate distributions per run, and chains per run.
    pub temperatures: u32,
    pub chains: u32,
}

/// The base-rate model's visible biases: the data's marginals on the binary units, kept off 0
/// and 1 (a unit never on in the data would get −∞), and 0 on the softmax group (uniform).
pub fn base_rate_biases(data: &[f32], d: usize, tail: usize) -> Vec<f64> {
    let n = (data.len() / d).max(1);
    (0..d)
        .map(|i| {
            if i >= d - tail {
                return 0.0;
            }
            let p = data
                .iter()
                .skip(i)
                .step_by(d)
                .map(|&x| x as f64)
                .sum::<f64>()
                / n as f64;
            let p = p.clamp(0.005, 0.995);
            log(p / (1.0 - p))
        })
        .collect()
}

/// out[i] = 1 with probability σ(f(x[i])), else 0 (one uniform each, in order), with
/// [`crate::math::sigmoid`]'s bits; the probabilities appended to `probs` if given. A block's
/// σ comes first, its e^{−|a|} in a loop that vectorises (the branch-free exp, libm's bits),
/// then the draws, which follow the generator one unit at a time: fused, every σ called
/// libm's exp one lane at a time.
fn draw_sigmoid<X: Copy>(
    x: &[X],
    f: impl Fn(X) -> f64,
    rng: &mut Rng,
    out: &mut [f32],
    mut probs: Option<&mut Vec<f32>>,
) {
    const BLOCK: usize = 64;
    let mut p = [0f64; BLOCK];
    for (out, x) in out.chunks_mut(BLOCK).zip(x.chunks(BLOCK)) {
        let p = &mut p[..x.len()];
        for (p, &x) in p.iter_mut().zip(x) {
            *p = crate::nn::exp::exp(-f(x).abs());
        }
        for (p, &x) in p.iter_mut().zip(x) {
            *p = sigmoid_given_exp(f(x), *p);
        }
        if let Some(probs) = probs.as_mut() {
            probs.extend(p.iter().map(|&p| p as f32));
        }
        for (o, &p) in out.iter_mut().zip(p.iter()) {
            *o = rng.bernoulli(p) as u8 as f32;
        }
    }
}

/// Samples one row of visible units from their inputs: Bernoulli on the binary units, one of the
/// softmax group (the last `tail`) by its probabilities. `probs`, if given, gets the binary
/// units' p(v = 1 | h) appended.
pub(crate) fn sample_visible(
    input: &[f64],
    tail: usize,
    rng: &mut Rng,
    out: &mut [f32],
    probs: Option<&mut Vec<f32>>,
) {
    let binary = input.len() - tail;
    draw_sigmoid(&input[..binary], |x| x, rng, &mut out[..binary], probs);
    if tail > 0 {
        let group = &input[binary..];
        let top = log_group(group);
        let mut u = rng.uniform();
        let mut chosen = tail - 1;
        for (k, &x) in group.iter().enumerate() {
            u -= exp(x - top);
            if u < 0.0 {
                chosen = k;
                break;
            }
        }
        for (k, o) in out[binary..].iter_mut().enumerate() {
            *o = (k == chosen) as u8 as f32;
        }
    }
}

/// log Z by annealed importance sampling from the base-rate model p_A(v) ∝ e^{b_Aᵀv} (weights
/// and hidden biases 0, so log Z_A = Σᵢ softplus(b_Aᵢ) + H log 2, plus log of the softmax
/// group's size) through p_β(v) ∝ e^{(1−β) b_Aᵀv + β bᵀv} Πⱼ (1 + e^{β(cⱼ + (vW)ⱼ)}) with β
/// evenly spaced from 0 to 1, one Gibbs sweep at each; `runs` independent runs of `chains`
/// chains each.
pub fn ais(
    rbm: RbmRef,
    base: &[f64],
    temperatures: u32,
    chains: u32,
    runs: u32,
    rng: &mut Rng,
) -> AisEstimate {
    let (d, h, tail) = (rbm.d, rbm.h, rbm.tail);
    let binary = d - tail;
    let n = (chains * runs) as usize;
    let w = &rbm.params[..d * h];
    let b: Vec<f64> = (0..d).map(|i| rbm.b(i)).collect();
    let c: Vec<f32> = rbm.params[d * h + d..].to_vec();
    let log_z_base = base[..binary].iter().map(|&x| softplus(x)).sum::<f64>()
        + h as f64 * crate::math::LN_2
        + if tail > 0 { log(tail as f64) } else { 0.0 };
    // v ~ p_A
    let mut v = vec![0f32; n * d]; // n × d
    for row in v.chunks_exact_mut(d) {
        sample_visible(base, tail, rng, row, None);
    }
    let mut log_w = vec![0.0; n];
    let mut u = vec![0f32; n * h]; // n × H: c + vW
    let mut hs = vec![0f32; n * h]; // n × H
    let mut back = vec![0f32; n * d]; // n × d: W h
    let mut input = vec![0.0; d];
    // log p*_β(v) up to the part shared by consecutive β: the β-dependent terms.
    let log_p = |beta: f64, v_row: &[f32], u_row: &[f32]| -> f64 {
        let visible: f64 = v_row
            .iter()
            .zip(base.iter().zip(&b))
            .map(|(&x, (&ba, &bi))| x as f64 * ((1.0 - beta) * ba + beta * bi))
            .sum();
        visible
            + sum_in_order(u_row.len(), |at, terms| {
                let u = &u_row[at];
                softplus_into(terms, |i| beta * u[i] as f64);
            })
    };
    let k_max = temperatures.max(1);
    for k in 1..=k_max {
        let (beta_prev, beta) = ((k - 1) as f64 / k_max as f64, k as f64 / k_max as f64);
        u.clear();
        for _ in 0..n {
            u.extend_from_slice(&c);
        }
        matmul_acc(&v, w, &mut u, n, d, h);
        for r in 0..n {
            let (v_row, u_row) = (&v[r * d..(r + 1) * d], &u[r * h..(r + 1) * h]);
            log_w[r] += log_p(beta, v_row, u_row) - log_p(beta_prev, v_row, u_row);
        }
        if k == k_max {
            break;
        }
        // One Gibbs sweep leaving p_β invariant: h | v, then v | h.
        draw_sigmoid(&u, |x| beta * x as f64, rng, &mut hs, None);
        matmul_a_bt(&hs, w, &mut back, n, h, d); // n × d
        for r in 0..n {
            for i in 0..d {
                input[i] = (1.0 - beta) * base[i] + beta * (b[i] + back[r * d + i] as f64);
            }
            sample_visible(&input, tail, rng, &mut v[r * d..(r + 1) * d], None);
        }
    }
    let per_run: Vec<f64> = log_w
        .chunks(chains as usize)
        .map(|ws| log_z_base + log_sum_exp(ws) - log(ws.len() as f64))
        .collect();
    let mean = per_run.iter().sum::<f64>() / per_run.len() as f64;
    let spread = if per_run.len() > 1 {
        (per_run.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (per_run.len() - 1) as f64)
            .sqrt()
    } else {
        f64::NAN
    };
    AisEstimate {
        log_z: mean,
        spread,
        runs: per_run,
        temperatures: k_max,
        chains,
    }
}

/// How a log Z was obtained, for the page to say.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LogZ {
    Exact(f64),
    Ais(AisEstimate),
}

impl LogZ {
    pub fn value(&self) -> f64 {
        match self {
            LogZ::Exact(z) => *z,
            LogZ::Ais(a) => a.log_z,
        }
    }
    /// The AIS runs' standard deviation; 0 for the exact sum.
    pub fn spread(&self) -> f64 {
        match self {
            LogZ::Exact(_) => 0.0,
            LogZ::Ais(a) => a.spread,
        }
    }
}

/// AIS at the lessons' size: 4 runs of 4 chains through 1,000 temperatures (about a second
/// natively at 100 hidden units). On digit RBMs this is short of what AIS needs — its chains
/// miss modes and log Ẑ falls short of log Z, so the log-likelihood it gives is too high: the
/// ladder beside an exact log Z shows by how much (FINDINGS.md).
pub const AIS_TEMPERATURES: u32 = 1000;
pub const AIS_CHAINS: u32 = 4;
pub const AIS_RUNS: u32 = 4;

/// Exact when one layer is narrow enough, AIS at the lessons' size otherwise (`data`: rows the
/// base-rate model is fitted to).
pub fn log_z(rbm: RbmRef, data: &[f32], rng: &mut Rng) -> LogZ {
    match exact_log_z(rbm) {
        Some(z) => LogZ::Exact(z),
        None => {
            let base = base_rate_biases(data, rbm.d, rbm.tail);
            LogZ::Ais(ais(rbm, &base, AIS_TEMPERATURES, AIS_CHAINS, AIS_RUNS, rng))
        }
    }
}

/// What a digit RBM's page shows of its likelihood: log Z (exact or AIS, saying which), the mean
/// log p(v) of the scored train and test digits, and — when log Z is exact — AIS at growing
/// numbers of temperatures beside it, so the estimator can be seen converging.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LikelihoodReport {
    /// The step the parameters are from.
    pub step: u64,
    pub hidden: u32,
    pub log_z: LogZ,
    pub train_ll: f64,
    pub test_ll: f64,
    /// AIS with 10, 100 and 1,000 temperatures (4 runs of 4 chains), when log Z is exact.
    pub ladder: Vec<AisEstimate>,
}

/// Temperatures of the convergence ladder shown beside an exact log Z.
pub const LADDER: [u32; 3] = [10, 100, 1000];

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        f64::NAN
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// The report for an RBM with every visible unit binary, its base-rate model fitted to `train`.
pub fn likelihood_report(
    rbm: &BatchRbm<f32>,
    train: &[f32],
    test: &[f32],
    step: u64,
    rng: &mut Rng,
) -> LikelihoodReport {
    let r = RbmRef::new(rbm, 0);
    let log_z = log_z(r, train, rng);
    let ll = |v: &[f32]| mean(&free_energies(r, v)).neg() - log_z.value();
    let ladder = match log_z {
        LogZ::Exact(_) => {
            let base = base_rate_biases(train, r.d, 0);
            LADDER
                .iter()
                .map(|&k| ais(r, &base, k, AIS_CHAINS, AIS_RUNS, rng))
                .collect()
        }
        LogZ::Ais(_) => vec![],
    };
    LikelihoodReport {
        step,
        hidden: rbm.h as u32,
        train_ll: ll(train),
        test_ll: ll(test),
        log_z,
        ladder,
    }
}

use std::ops::Neg;

#[cfg(test)]
mod tests;
