//! The binary RBM: conditionals, energy, free energy, exact partition function by enumeration,
//! the exact log-likelihood gradient, and the samplers of the lecture (Gibbs, CD-k, PCD, PT).

use crate::math::{exp, log_sum_exp, sigmoid, softplus};
use crate::rng::Rng;

/// Parameters in one flat vector: W (d × H, row-major: w[i*H + j]), then b (d), then c (H).
#[derive(Clone, Debug, PartialEq)]
pub struct Rbm {
    pub d: usize,
    pub h: usize,
    pub params: Vec<f64>,
}

/// The sufficient statistics of a gradient, in the same layout as the parameters:
/// ⟨v hᵀ⟩, ⟨v⟩, ⟨h⟩ averaged over a set of visible vectors (with h given by p(h|v)).
pub type Stats = Vec<f64>;

impl Rbm {
    pub fn zeros(d: usize, h: usize) -> Self {
        Rbm {
            d,
            h,
            params: vec![0.0; d * h + d + h],
        }
    }

    /// Small random weights N(0, 0.01²), zero biases (Hinton's practical guide).
    pub fn new(d: usize, h: usize, rng: &mut Rng) -> Self {
        let mut m = Rbm::zeros(d, h);
        for w in &mut m.params[..d * h] {
            *w = 0.01 * rng.normal();
        }
        m
    }

    pub fn w(&self, i: usize, j: usize) -> f64 {
        self.params[i * self.h + j]
    }
    pub fn b(&self, i: usize) -> f64 {
        self.params[self.d * self.h + i]
    }
    pub fn c(&self, j: usize) -> f64 {
        self.params[self.d * self.h + self.d + j]
    }

    /// c_j + Σ_i w_ij v_i for every j.
    pub fn hidden_input(&self, v: &[f64]) -> Vec<f64> {
        (0..self.h)
            .map(|j| self.c(j) + (0..self.d).map(|i| self.w(i, j) * v[i]).sum::<f64>())
            .collect()
    }

    /// b_i + Σ_j w_ij h_j for every i.
    pub fn visible_input(&self, h: &[f64]) -> Vec<f64> {
        (0..self.d)
            .map(|i| self.b(i) + (0..self.h).map(|j| self.w(i, j) * h[j]).sum::<f64>())
            .collect()
    }

    /// p(h_j = 1 | v) = σ((c_j + Σ_i w_ij v_i) / T).
    pub fn p_h(&self, v: &[f64], temperature: f64) -> Vec<f64> {
        self.hidden_input(v)
            .into_iter()
            .map(|x| sigmoid(x / temperature))
            .collect()
    }

    /// p(v_i = 1 | h) = σ((b_i + Σ_j w_ij h_j) / T).
    pub fn p_v(&self, h: &[f64], temperature: f64) -> Vec<f64> {
        self.visible_input(h)
            .into_iter()
            .map(|x| sigmoid(x / temperature))
            .collect()
    }

    pub fn energy(&self, v: &[f64], h: &[f64]) -> f64 {
        let mut e = 0.0;
        for i in 0..self.d {
            e -= self.b(i) * v[i];
            for j in 0..self.h {
                e -= self.w(i, j) * v[i] * h[j];
            }
        }
        for j in 0..self.h {
            e -= self.c(j) * h[j];
        }
        e
    }

    /// F(v) = −bᵀv − Σ_j softplus(c_j + (vᵀW)_j), so p(v) = e^{−F(v)} / Z.
    pub fn free_energy(&self, v: &[f64]) -> f64 {
        let bv: f64 = (0..self.d).map(|i| self.b(i) * v[i]).sum();
        -bv - self.hidden_input(v).into_iter().map(softplus).sum::<f64>()
    }

    /// ln Z by enumerating all 2^d visible vectors (hidden units summed out in closed form).
    pub fn log_z(&self) -> f64 {
        let neg_f: Vec<f64> = (0..1usize << self.d)
            .map(|s| -self.free_energy(&bits(s, self.d)))
            .collect();
        log_sum_exp(&neg_f)
    }

    /// p(v) for all 2^d states, state s having v_i = bit i of s.
    pub fn distribution(&self) -> Vec<f64> {
        let neg_f: Vec<f64> = (0..1usize << self.d)
            .map(|s| -self.free_energy(&bits(s, self.d)))
            .collect();
        let lz = log_sum_exp(&neg_f);
        neg_f.iter().map(|&x| exp(x - lz)).collect()
    }

    /// Mean log-likelihood (1/N) Σ ln p(v_n), exactly.
    pub fn mean_log_likelihood(&self, data: &[Vec<f64>]) -> f64 {
        let lz = self.log_z();
        data.iter().map(|v| -self.free_energy(v)).sum::<f64>() / data.len() as f64 - lz
    }

    /// ⟨v hᵀ⟩, ⟨v⟩, ⟨p(h|v)⟩ averaged over `vs` with weights `weights` (summing to 1).
    pub fn stats(&self, vs: &[Vec<f64>], weights: &[f64]) -> Stats {
        let (d, h) = (self.d, self.h);
        let mut s = vec![0.0; self.params.len()];
        for (v, &wt) in vs.iter().zip(weights) {
            if wt == 0.0 {
                continue;
            }
            let ph = self.p_h(v, 1.0);
            for i in 0..d {
                if v[i] != 0.0 {
                    for j in 0..h {
                        s[i * h + j] += wt * v[i] * ph[j];
                    }
                    s[d * h + i] += wt * v[i];
                }
            }
            for j in 0..h {
                s[d * h + d + j] += wt * ph[j];
            }
        }
        s
    }

    /// The model's statistics E_{p(v,h)}[v hᵀ], E[v], E[h], by enumerating every visible state.
    pub fn model_stats_exact(&self) -> Stats {
        let states: Vec<Vec<f64>> = (0..1usize << self.d).map(|s| bits(s, self.d)).collect();
        self.stats(&states, &self.distribution())
    }

    /// ∂/∂θ of the mean log-likelihood: data statistics minus model statistics.
    pub fn exact_gradient(&self, data: &[Vec<f64>]) -> Vec<f64> {
        let n = data.len() as f64;
        let pos = self.stats(data, &vec![1.0 / n; data.len()]);
        let neg = self.model_stats_exact();
        pos.iter().zip(&neg).map(|(p, q)| p - q).collect()
    }

    /// Samples h ~ p(h | v) at temperature T into `h`.
    pub fn sample_h(&self, v: &[f64], temperature: f64, rng: &mut Rng, h: &mut [f64]) {
        for (hj, p) in h.iter_mut().zip(self.p_h(v, temperature)) {
            *hj = rng.bernoulli(p) as u8 as f64;
        }
    }

    pub fn sample_v(&self, h: &[f64], temperature: f64, rng: &mut Rng, v: &mut [f64]) {
        for (vi, p) in v.iter_mut().zip(self.p_v(h, temperature)) {
            *vi = rng.bernoulli(p) as u8 as f64;
        }
    }

    /// k full Gibbs steps v → h → v at temperature T; `h` holds the last hidden sample.
    pub fn gibbs(&self, v: &mut [f64], h: &mut [f64], k: u32, temperature: f64, rng: &mut Rng) {
        for _ in 0..k {
            self.sample_h(v, temperature, rng, h);
            self.sample_v(h, temperature, rng, v);
        }
        self.sample_h(v, temperature, rng, h);
    }
}

/// Visible state number `s` as a 0/1 vector: v_i = bit i.
pub fn bits(s: usize, d: usize) -> Vec<f64> {
    (0..d).map(|i| ((s >> i) & 1) as f64).collect()
}

/// The state number of a 0/1 vector.
pub fn state_index(v: &[f64]) -> usize {
    v.iter()
        .enumerate()
        .map(|(i, &x)| ((x > 0.5) as usize) << i)
        .sum()
}

/// The lecture's swap rule for parallel tempering: the probability of exchanging the particles of
/// chains r−1 and r, min{1, exp((1/T_r − 1/T_{r−1})(E_r − E_{r−1}))}.
pub fn swap_probability(t_prev: f64, t_r: f64, e_prev: f64, e_r: f64) -> f64 {
    let x = (1.0 / t_r - 1.0 / t_prev) * (e_r - e_prev);
    if x >= 0.0 {
        1.0
    } else {
        exp(x)
    }
}

/// Minus the empirical entropy of the data: the best mean log-likelihood any model can reach.
pub fn best_log_likelihood(data: &[Vec<f64>]) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    for v in data {
        *counts.entry(state_index(v)).or_insert(0usize) += 1;
    }
    let n = data.len() as f64;
    counts
        .values()
        .map(|&c| (c as f64 / n) * crate::math::log(c as f64 / n))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::max_relative_error;
    use crate::rbm::Dataset;

    fn random_rbm(d: usize, h: usize, seed: u64) -> Rbm {
        let mut rng = Rng::new(seed);
        let mut m = Rbm::zeros(d, h);
        for p in &mut m.params {
            *p = rng.normal();
        }
        m
    }

    /// ln Z via free energies (hidden units summed analytically) equals the brute-force sum over
    /// every (v, h) pair of e^{−E(v,h)}; so does each p(v).
    #[test]
    fn exact_likelihood_matches_brute_force_over_v_and_h() {
        let m = random_rbm(5, 3, 1);
        let mut terms = vec![];
        for s in 0..1 << 5 {
            for t in 0..1 << 3 {
                terms.push(-m.energy(&bits(s, 5), &bits(t, 3)));
            }
        }
        let brute = log_sum_exp(&terms);
        assert!(
            (m.log_z() - brute).abs() < 1e-12,
            "{} vs {brute}",
            m.log_z()
        );
        let dist = m.distribution();
        for s in 0..1 << 5 {
            let joint: Vec<f64> = (0..1 << 3)
                .map(|t| -m.energy(&bits(s, 5), &bits(t, 3)))
                .collect();
            assert!((dist[s] - exp(log_sum_exp(&joint) - brute)).abs() < 1e-12);
        }
        assert!((dist.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn exact_gradient_matches_finite_differences() {
        let data = Dataset::default().rows();
        let m = random_rbm(6, 3, 2);
        let grad = m.exact_gradient(&data);
        let (err, at) = max_relative_error(
            &m.params,
            &grad,
            |p| {
                Rbm {
                    params: p.to_vec(),
                    ..m.clone()
                }
                .mean_log_likelihood(&data)
            },
            1e-5,
            1000,
        );
        assert!(err < 1e-7, "{err} at {at}");
    }

    #[test]
    fn zero_parameters_give_six_ln_half() {
        let data = Dataset::default().rows();
        let m = Rbm::zeros(6, 2);
        assert!((m.mean_log_likelihood(&data) - 6.0 * 0.5f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn best_likelihood_is_minus_the_data_entropy() {
        // Two pairs of identical users and two singletons: −(⅔ ln 3 + ⅓ ln 6) (FINDINGS).
        let best = best_log_likelihood(&Dataset::default().rows());
        assert!(
            (best + (2.0 / 3.0 * 3f64.ln() + 1.0 / 3.0 * 6f64.ln())).abs() < 1e-12,
            "{best}"
        );
    }

    #[test]
    fn swap_rule_matches_the_formula() {
        // Moving a lower-energy particle to the colder chain is always accepted.
        assert_eq!(swap_probability(1.0, 2.0, 5.0, 1.0), 1.0);
        let p = swap_probability(1.0, 2.0, 1.0, 5.0);
        assert!((p - (-0.5f64 * 4.0).exp()).abs() < 1e-15);
        // Equal temperatures: always swap.
        assert_eq!(swap_probability(1.5, 1.5, 3.0, -7.0), 1.0);
    }

    /// Detailed balance of the swap move: for two chains at T₁ < T₂ with states of energies E₁,
    /// E₂, π(E₁,E₂)·a(swap) = π(E₂,E₁)·a(swap back), where π ∝ e^{−E₁/T₁ − E₂/T₂}.
    #[test]
    fn swap_rule_keeps_detailed_balance() {
        for (e1, e2) in [(0.3, 2.0), (-1.0, 4.0), (3.0, 3.0)] {
            let (t1, t2) = (1.0, 3.0);
            let pi = |a: f64, b: f64| (-a / t1 - b / t2).exp();
            let forward = pi(e1, e2) * swap_probability(t1, t2, e1, e2);
            let back = pi(e2, e1) * swap_probability(t1, t2, e2, e1);
            assert!((forward - back).abs() < 1e-12 * forward.max(back));
        }
    }

    #[test]
    fn long_gibbs_chain_samples_the_exact_distribution() {
        let m = random_rbm(4, 2, 9);
        let exact = m.distribution();
        let mut rng = Rng::new(3);
        let (mut v, mut h) = (vec![0.0; 4], vec![0.0; 2]);
        let mut counts = vec![0.0; 16];
        let n = 200_000;
        for _ in 0..n {
            m.gibbs(&mut v, &mut h, 1, 1.0, &mut rng);
            counts[state_index(&v)] += 1.0 / n as f64;
        }
        for s in 0..16 {
            assert!(
                (counts[s] - exact[s]).abs() < 0.01,
                "state {s}: {} vs {}",
                counts[s],
                exact[s]
            );
        }
    }
}
