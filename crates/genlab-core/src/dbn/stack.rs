//! What a stack of RBMs does besides training one layer: hand data up through frozen layers,
//! train a top RBM whose last ten visible units are one softmax group (the labels), generate
//! with a label clamped and pass the top's visible state down through the directed layers,
//! draw a higher layer's units as pixels, and the variational lower bound on log p(v) that the
//! greedy argument is about.
//!
//! Layer ℓ is a [`BatchRbm`]: W (d × H, row-major), b (d), c (H).

use super::PassUp;
use crate::math::{log_sum_exp, sigmoid as sigmoid64, softplus};
use crate::rbm::batched::{group_probs, BatchRbm, Sampler};
use crate::rbm::log_z::{free_energies, RbmRef};
use crate::rng::{CounterRng, Rng};

/// The label units beside the top RBM's input: one per digit class.
pub const LABELS: usize = crate::digits::data::CLASSES;

/// The data a layer above the frozen `layers` trains on: each one's p(h | input), or a sample
/// (one draw of `rng` per layer).
pub fn pass_up(
    layers: &[BatchRbm<f32>],
    x: &[f32],
    pass: PassUp,
    rng: &mut impl Sampler,
) -> Vec<f32> {
    let mut cur = x.to_vec();
    let mut next = vec![];
    for layer in layers {
        let n = cur.len() / layer.d;
        layer.hidden_probs(&cur, n, &mut next); // n × H
        match pass {
            PassUp::Probabilities => std::mem::swap(&mut cur, &mut next),
            PassUp::Samples => {
                cur.resize(next.len(), 0.0);
                rng.bernoulli(&next, &mut cur);
            }
        }
    }
    cur
}

/// Rows of `x` (width `width`) with each row's label appended one-hot.
pub fn with_labels(x: &[f32], width: usize, labels: &[u8]) -> Vec<f32> {
    let mut out = Vec::with_capacity(labels.len() * (width + LABELS));
    for (row, &y) in x.chunks_exact(width).zip(labels) {
        out.extend_from_slice(row);
        out.extend(crate::digits::data::one_hot(y));
    }
    out
}

/// Buffers of one CD step of the labelled top RBM, reused between steps.
#[derive(Clone, Debug, Default)]
pub struct TopWork {
    ph0: Vec<f32>,
    phk: Vec<f32>,
    hs: Vec<f32>,
    input: Vec<f32>,
    /// n × d: p(v | h), the labels' softmax in the tail.
    probs: Vec<f32>,
    vk: Vec<f32>,
    dir: Vec<f32>,
    neg_vk: Vec<f32>,
}

impl TopWork {
    /// The Gibbs chains after the last step (n × d).
    pub fn chain(&self) -> &[f32] {
        &self.vk
    }

    /// p(v | h) of the last Gibbs step (n × d), the labels' softmax in the tail.
    pub fn probs(&self) -> &[f32] {
        &self.probs
    }
}

/// One CD-k (or PCD-k, with `chains`) update of an RBM whose last `tail` visible units are one
/// softmax group; returns the first Gibbs step's squared reconstruction error of the binary
/// units. The statistics are [`BatchRbm::cd_direction`]'s; each Gibbs step takes two draws
/// of `rng` (h, then v), as the GPU's twin does.
#[allow(clippy::too_many_arguments)] // the model, its batch, CD's k and η, chains, rng, buffers
pub fn labelled_cd_step(
    rbm: &mut BatchRbm<f32>,
    tail: usize,
    v0: &[f32],
    k: u32,
    lr: f64,
    chains: Option<&mut Vec<f32>>,
    rng: &mut impl Sampler,
    w: &mut TopWork,
) -> f64 {
    let d = rbm.d;
    let n = v0.len() / d;
    let binary = d - tail;
    rbm.hidden_probs(v0, n, &mut w.ph0);
    w.vk.clear();
    match &chains {
        Some(c) if c.len() == n * d => w.vk.extend_from_slice(c),
        _ => w.vk.extend_from_slice(v0),
    }
    let mut recon = f64::NAN;
    for step in 0..k.max(1) {
        rbm.hidden_probs(&w.vk, n, &mut w.phk);
        w.hs.resize(w.phk.len(), 0.0);
        rng.bernoulli(&w.phk, &mut w.hs);
        rbm.visible_input(&w.hs, n, &mut w.input);
        group_probs(&w.input, d, tail, &mut w.probs);
        if step == 0 {
            recon = v0
                .chunks_exact(d)
                .zip(w.probs.chunks_exact(d))
                .flat_map(|(a, b)| a[..binary].iter().zip(&b[..binary]))
                .map(|(&a, &b)| ((a - b) as f64).powi(2))
                .sum::<f64>()
                / n as f64;
        }
        rng.grouped(&w.probs, d, tail, &mut w.vk);
    }
    rbm.hidden_probs(&w.vk, n, &mut w.phk);
    if let Some(c) = chains {
        c.clone_from(&w.vk);
    }
    rbm.cd_direction(v0, &w.ph0, &w.vk, &w.phk, n, &mut w.dir, &mut w.neg_vk);
    let lr = lr as f32;
    for (p, &g) in rbm.params.iter_mut().zip(&w.dir) {
        *p += lr * g;
    }
    recon
}

/// Chains of the top RBM, `per_label` for each digit with its label clamped (or free-running
/// when the top has no labels), advanced one Gibbs step at a time.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Generator {
    /// n × d: the top's visible state, labels one-hot in the tail.
    pub chains: Vec<f32>,
    /// n × (d − tail): p(v = 1 | h) of the binary units at the last step, for the pictures.
    pub probs: Vec<f32>,
}

impl Generator {
    /// Chains from random binary states (one draw of `rng`); row r is clamped to label
    /// r / per_label.
    pub fn new(d: usize, tail: usize, per_label: usize, rng: &mut CounterRng) -> Self {
        let rows = LABELS * per_label;
        let binary = d - tail;
        let mut chains = vec![0.0; rows * d];
        rng.bernoulli(&vec![0.5f32; rows * d], &mut chains);
        for (r, row) in chains.chunks_exact_mut(d).enumerate() {
            for (k, unit) in row[binary..].iter_mut().enumerate() {
                *unit = (k == r / per_label) as u8 as f32;
            }
        }
        Generator {
            probs: chains
                .chunks_exact(d)
                .flat_map(|row| row[..binary].to_vec())
                .collect(),
            chains,
        }
    }

    /// One Gibbs step h ~ p(h | v), v ~ p(v | h) with the labels held — their units drawn with
    /// probability 1 or 0, the chain's own — in two draws of `rng` (the GPU's twin draws the
    /// same).
    pub fn step(&mut self, top: &BatchRbm<f32>, tail: usize, rng: &mut CounterRng) {
        let d = top.d;
        let n = self.chains.len() / d;
        let (mut ph, mut pv) = (vec![], vec![]);
        top.hidden_probs(&self.chains, n, &mut ph);
        let mut hs = vec![0.0; ph.len()];
        rng.bernoulli(&ph, &mut hs);
        top.visible_probs(&hs, n, &mut pv);
        let binary = d - tail;
        for (p, chain) in pv.chunks_exact_mut(d).zip(self.chains.chunks_exact(d)) {
            p[binary..].copy_from_slice(&chain[binary..]);
        }
        rng.bernoulli(&pv, &mut self.chains);
        self.set_probs(&pv, d, tail);
    }

    /// The pictures' p(v | h) from a step's (n × d, labels last): its binary units.
    pub fn set_probs(&mut self, pv: &[f32], d: usize, tail: usize) {
        self.probs.clear();
        for p in pv.chunks_exact(d) {
            self.probs.extend_from_slice(&p[..d - tail]);
        }
    }

    /// The chains as pixels: the top's p(v | h) passed down through the directed layers by
    /// their mean-field p(v | h) (n × 784).
    pub fn pictures(&self, below: &[BatchRbm<f32>]) -> Vec<f32> {
        let mut x = self.probs.clone();
        let mut next = vec![];
        for layer in below.iter().rev() {
            let n = x.len() / layer.h;
            layer.visible_probs(&x, n, &mut next);
            std::mem::swap(&mut x, &mut next);
        }
        x
    }
}

/// The first `shown` units of layer `layer` (0-based) as pixels: layer 1's filters, and above
/// it the weighted sum W₁ W₂ … W_ℓ[·, j] of the layer-1 filters that drive unit j (shown × 784).
pub fn filters(layers: &[BatchRbm<f32>], layer: usize, shown: usize) -> Vec<f32> {
    let top = &layers[layer];
    let shown = shown.min(top.h);
    // The layer's inputs from the layer below (a top RBM's label rows left out).
    let width = if layer > 0 {
        layers[layer - 1].h
    } else {
        top.d
    };
    // cols: width × shown, the chosen units' weights into the layer below.
    let mut cols: Vec<f32> = (0..width)
        .flat_map(|i| (0..shown).map(move |j| (i, j)))
        .map(|(i, j)| top.params[i * top.h + j])
        .collect();
    for below in layers[..layer].iter().rev() {
        // (d × H) · (H × shown) → d × shown
        let mut next = vec![0f32; below.d * shown];
        crate::nn::dense::matmul_acc(
            &below.params[..below.d * below.h],
            &cols,
            &mut next,
            below.d,
            below.h,
            shown,
        );
        cols = next;
    }
    let d = cols.len() / shown;
    (0..shown)
        .flat_map(|j| (0..d).map(move |i| (i, j)))
        .map(|(i, j)| cols[i * shown + j])
        .collect()
}

/// log p*(x) of the top RBM's binary visible part, the labels summed out:
/// log Σ_y e^{−F([x, y])} (or −F(x) without labels), one per row of `x`.
pub fn top_log_marginal(top: RbmRef, x: &[f32]) -> Vec<f64> {
    let binary = top.d - top.tail;
    if top.tail == 0 {
        return free_energies(top, x).iter().map(|f| -f).collect();
    }
    let rows = x.len() / binary;
    let mut all = Vec::with_capacity(rows * top.tail * top.d);
    for row in x.chunks_exact(binary) {
        for y in 0..top.tail {
            all.extend_from_slice(row);
            all.extend((0..top.tail).map(|k| (k == y) as u8 as f32));
        }
    }
    free_energies(top, &all)
        .chunks_exact(top.tail)
        .map(|fs| log_sum_exp(&fs.iter().map(|f| -f).collect::<Vec<_>>()))
        .collect()
}

/// The variational lower bound on the mean log p(v) of the rows of `v` under the DBN whose
/// directed layers are `layers[..L−1]` and whose top RBM is `layers[L−1]` (log partition
/// function `log_z_top`):
///   log p(v) ≥ E_q[log p_top(h_{L−1}) + Σ_ℓ log p(h_{ℓ−1} | h_ℓ)] + Σ_ℓ H(q(h_ℓ | h_{ℓ−1})),
/// q the layers' own p(h | input), the expectation over `samples` draws per row.
pub fn lower_bound(
    layers: &[BatchRbm<f32>],
    tail: usize,
    log_z_top: f64,
    v: &[f32],
    samples: usize,
    rng: &mut Rng,
) -> f64 {
    let d0 = layers[0].d;
    let rows = v.len() / d0;
    let n = rows * samples;
    let mut cur: Vec<f32> = v
        .chunks_exact(d0)
        .flat_map(|row| std::iter::repeat_n(row, samples).flatten().copied())
        .collect();
    let mut total = vec![0.0; n];
    let (mut pre, mut hs, mut back) = (vec![], vec![], vec![]);
    let (directed, top) = layers.split_at(layers.len() - 1);
    for layer in directed {
        let (d, h) = (layer.d, layer.h);
        layer.hidden_input(&cur, n, &mut pre); // n × H
        hs.clear();
        for (r, row) in pre.chunks_exact(h).enumerate() {
            for &a in row {
                let a = a as f64;
                let q = sigmoid64(a);
                total[r] += softplus(a) - q * a; // H(Bernoulli(q))
                hs.push(rng.bernoulli(q) as u8 as f32);
            }
        }
        layer.visible_input(&hs, n, &mut back); // n × d
        for (r, (x, a)) in cur.chunks_exact(d).zip(back.chunks_exact(d)).enumerate() {
            // log p(x | h) = Σᵢ xᵢ aᵢ − softplus(aᵢ)
            total[r] += x
                .iter()
                .zip(a)
                .map(|(&xi, &ai)| xi as f64 * ai as f64 - softplus(ai as f64))
                .sum::<f64>();
        }
        std::mem::swap(&mut cur, &mut hs);
    }
    let top = RbmRef::new(&top[0], tail);
    let marginal = top_log_marginal(top, &cur);
    total
        .iter()
        .zip(&marginal)
        .map(|(t, m)| t + m - log_z_top)
        .sum::<f64>()
        / n as f64
}

#[cfg(test)]
mod tests;
