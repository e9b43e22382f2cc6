//! The Gaussian–Bernoulli RBM (lecture 000, after Liao et al. 2022): real visible units v ∈ R^d
//! with variances σ², binary hidden units h, energy
//! E(v, h) = Σ_i (v_i − b_i)² / 2σ_i² − Σ_ij (v_i / σ_i²) W_ij h_j − cᵀh.
//! Completing the square in v, p(v | h) = N(b + W h, diag σ²) and the marginal is exactly a
//! mixture of 2^H Gaussians, one per hidden state, with weights
//! π_h ∝ exp(cᵀh + Σ_i (2 b_i m_i + m_i²) / 2σ_i²), m = W h — so log Z, log p(v) and the density's
//! contours are exact for a few hidden units.

use crate::math::{log_sum_exp, sigmoid};
use crate::rng::Rng;

const LOG_2PI: f64 = 1.837_877_066_409_345_5;

#[derive(Clone, Debug, PartialEq)]
pub struct GbRbm {
    pub d: usize,
    pub h: usize,
    /// W (d × h, row-major), then b (d), c (h), log σ (d).
    pub params: Vec<f64>,
}

impl GbRbm {
    /// Weights N(0, 0.1²), zero biases, unit variances.
    pub fn new(d: usize, h: usize, rng: &mut Rng) -> GbRbm {
        let mut params: Vec<f64> = (0..d * h).map(|_| 0.1 * rng.normal()).collect();
        params.extend(std::iter::repeat_n(0.0, 2 * d + h));
        GbRbm { d, h, params }
    }

    fn w(&self, i: usize, j: usize) -> f64 {
        self.params[i * self.h + j]
    }
    fn b(&self, i: usize) -> f64 {
        self.params[self.d * self.h + i]
    }
    fn c(&self, j: usize) -> f64 {
        self.params[self.d * self.h + self.d + j]
    }
    pub fn sigma(&self, i: usize) -> f64 {
        self.params[self.d * self.h + self.d + self.h + i].exp()
    }

    fn hidden_state(&self, s: usize) -> Vec<f64> {
        (0..self.h).map(|j| ((s >> j) & 1) as f64).collect()
    }

    /// The mixture: for each hidden state, its log-weight (unnormalised) and its mean b + W h.
    fn components(&self) -> Vec<(f64, Vec<f64>)> {
        (0..1usize << self.h)
            .map(|s| {
                let h = self.hidden_state(s);
                let mut log_w: f64 = (0..self.h).map(|j| self.c(j) * h[j]).sum();
                let mean: Vec<f64> = (0..self.d)
                    .map(|i| {
                        let m: f64 = (0..self.h).map(|j| self.w(i, j) * h[j]).sum();
                        let s2 = self.sigma(i).powi(2);
                        log_w += (2.0 * self.b(i) * m + m * m) / (2.0 * s2);
                        self.b(i) + m
                    })
                    .collect();
                (log_w, mean)
            })
            .collect()
    }

    /// The mixture's normalised weights π_h and means b + W h, one per hidden state.
    pub fn mixture(&self) -> Vec<(f64, Vec<f64>)> {
        let comps = self.components();
        let lse = log_sum_exp(&comps.iter().map(|c| c.0).collect::<Vec<_>>());
        comps
            .into_iter()
            .map(|(lw, m)| ((lw - lse).exp(), m))
            .collect()
    }

    /// log Z = log Σ_h exp(log-weight_h) + Σ_i ½ log 2πσ_i².
    pub fn log_z(&self) -> f64 {
        let comps = self.components();
        log_sum_exp(&comps.iter().map(|c| c.0).collect::<Vec<_>>())
            + (0..self.d)
                .map(|i| 0.5 * (LOG_2PI + 2.0 * self.sigma(i).ln()))
                .sum::<f64>()
    }

    /// log p(v) from the mixture form.
    pub fn log_density(&self, v: &[f64]) -> f64 {
        let terms: Vec<f64> = self
            .mixture()
            .iter()
            .map(|(pi, mean)| {
                pi.ln()
                    + (0..self.d)
                        .map(|i| {
                            let s = self.sigma(i);
                            -0.5 * (LOG_2PI + 2.0 * s.ln())
                                - (v[i] - mean[i]).powi(2) / (2.0 * s * s)
                        })
                        .sum::<f64>()
            })
            .collect();
        log_sum_exp(&terms)
    }

    /// The free energy F(v) = −log Σ_h e^{−E(v, h)}: p(v) = e^{−F(v)} / Z.
    pub fn free_energy(&self, v: &[f64]) -> f64 {
        let quad: f64 = (0..self.d)
            .map(|i| (v[i] - self.b(i)).powi(2) / (2.0 * self.sigma(i).powi(2)))
            .sum();
        let soft: f64 = (0..self.h)
            .map(|j| crate::math::softplus(self.hidden_input(v, j)))
            .sum();
        quad - soft
    }

    /// c_j + Σ_i W_ij v_i / σ_i².
    fn hidden_input(&self, v: &[f64], j: usize) -> f64 {
        self.c(j)
            + (0..self.d)
                .map(|i| self.w(i, j) * v[i] / self.sigma(i).powi(2))
                .sum::<f64>()
    }

    /// The mean log-likelihood of `data`, exactly.
    pub fn mean_log_likelihood(&self, data: &[Vec<f64>]) -> f64 {
        data.iter().map(|v| self.log_density(v)).sum::<f64>() / data.len().max(1) as f64
    }

    /// The exact gradient of the mean log-likelihood, in `params`' layout: ⟨−∂E/∂θ⟩ with h
    /// from p(h | v) for each datum, minus ⟨−∂E/∂θ⟩ under the model — for each hidden state
    /// its weight π_h and the Gaussian moments of v given h, so no sampling.
    pub fn exact_gradient(&self, data: &[Vec<f64>]) -> Vec<f64> {
        let (d, k) = (self.d, self.h);
        let n_w = d * k;
        let (at_b, at_c, at_s) = (n_w, n_w + d, n_w + d + k);
        let mut g = vec![0.0; self.params.len()];
        // −∂E/∂θ at (v, h), with h given as probabilities or bits, added with weight `p`.
        let add = |g: &mut [f64], v: &[f64], vv: &[f64], h: &[f64], p: f64| {
            // `vv[i]` is E[v_i²] (v_i² for a datum).
            for i in 0..d {
                let s2 = self.sigma(i).powi(2);
                let wh: f64 = (0..k).map(|j| self.w(i, j) * h[j]).sum();
                for j in 0..k {
                    g[i * k + j] += p * v[i] * h[j] / s2;
                }
                g[at_b + i] += p * (v[i] - self.b(i)) / s2;
                // (v − b)² / σ² − 2 v (W h) / σ², its expectation through E[v] and E[v²].
                let sq = vv[i] - 2.0 * self.b(i) * v[i] + self.b(i).powi(2);
                g[at_s + i] += p * (sq - 2.0 * v[i] * wh) / s2;
            }
            for j in 0..k {
                g[at_c + j] += p * h[j];
            }
        };
        let n = data.len().max(1) as f64;
        for v in data {
            // p(h_j = 1 | v) factorises; −∂E/∂θ is linear in each h_j (no h_j h_l terms).
            let h: Vec<f64> = (0..k).map(|j| sigmoid(self.hidden_input(v, j))).collect();
            let vv: Vec<f64> = v.iter().map(|x| x * x).collect();
            add(&mut g, v, &vv, &h, 1.0 / n);
        }
        for (s, (pi, mean)) in self.mixture().into_iter().enumerate() {
            let h = self.hidden_state(s);
            let vv: Vec<f64> = (0..d)
                .map(|i| self.sigma(i).powi(2) + mean[i].powi(2))
                .collect();
            add(&mut g, &mean, &vv, &h, -pi);
        }
        g
    }

    /// One block Gibbs step: h ~ p(h | v) = σ(c + Wᵀ(v / σ²)), then v ~ N(b + W h, σ²).
    pub fn gibbs(&self, v: &mut [f64], rng: &mut Rng) {
        let h: Vec<f64> = (0..self.h)
            .map(|j| f64::from(rng.uniform() < sigmoid(self.hidden_input(v, j))))
            .collect();
        for i in 0..self.d {
            let m: f64 = (0..self.h).map(|j| self.w(i, j) * h[j]).sum();
            v[i] = self.b(i) + m + self.sigma(i) * rng.normal();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(seed: u64) -> GbRbm {
        let mut rng = Rng::new(seed);
        let mut m = GbRbm::new(2, 3, &mut rng);
        for (k, p) in m.params.iter_mut().enumerate() {
            *p = if k >= 2 * 3 + 2 + 3 {
                // log σ around 0: variances 0.5–2.
                0.3 * rng.normal()
            } else {
                rng.normal()
            };
        }
        m
    }

    /// The mixture form against the energy integrated numerically over the plane: log Z by the
    /// midpoint rule on e^{−F(v)} (a 600 × 600 grid over ±12, far past every component), and
    /// log p(v) = −F(v) − log Z at scattered points. Measured: log Z to 1.3e-11 at worst.
    #[test]
    fn the_mixture_form_is_the_integrated_energy() {
        for seed in [1, 2, 3] {
            let m = random(seed);
            let (lo, hi, n) = (-12.0, 12.0, 600);
            let step = (hi - lo) / n as f64;
            let mut terms = Vec::with_capacity(n * n);
            for r in 0..n {
                for c in 0..n {
                    let v = [lo + (c as f64 + 0.5) * step, lo + (r as f64 + 0.5) * step];
                    terms.push(-m.free_energy(&v));
                }
            }
            let numeric = log_sum_exp(&terms) + (step * step).ln();
            assert!(
                (numeric - m.log_z()).abs() < 1e-8,
                "seed {seed}: {numeric} vs {}",
                m.log_z()
            );
            for v in [[0.0, 0.0], [1.3, -0.7], [-2.0, 2.5]] {
                let a = m.log_density(&v);
                let b = -m.free_energy(&v) - m.log_z();
                assert!((a - b).abs() < 1e-10, "seed {seed} at {v:?}: {a} vs {b}");
            }
            let total: f64 = m.mixture().iter().map(|c| c.0).sum();
            assert!((total - 1.0).abs() < 1e-12);
        }
    }

    /// The exact gradient against central differences of the exact mean log-likelihood, in
    /// f64, every parameter (weights, both biases, log σ).
    #[test]
    fn the_exact_gradient_matches_finite_differences() {
        let mut rng = Rng::new(6);
        for seed in [1, 2] {
            let mut m = random(seed);
            let data: Vec<Vec<f64>> = (0..7)
                .map(|_| vec![1.5 * rng.normal(), 1.5 * rng.normal()])
                .collect();
            let grad = m.exact_gradient(&data);
            let params = m.params.clone();
            let (err, at) = crate::gradcheck::max_relative_error(
                &params,
                &grad,
                |p| {
                    m.params.copy_from_slice(p);
                    m.mean_log_likelihood(&data)
                },
                1e-5,
                usize::MAX,
            );
            assert!(err < 1e-6, "seed {seed}: error {err:.2e} at parameter {at}");
        }
    }

    /// Block Gibbs samples follow the exact mixture: their mean and per-axis variance within
    /// five standard errors of the mixture's own (40,000 steps after 1,000 of burn-in).
    #[test]
    fn gibbs_samples_follow_the_mixture() {
        let m = random(4);
        let mix = m.mixture();
        let mean: Vec<f64> = (0..2)
            .map(|i| mix.iter().map(|(p, mu)| p * mu[i]).sum())
            .collect();
        let var: Vec<f64> = (0..2)
            .map(|i| {
                mix.iter()
                    .map(|(p, mu)| p * (m.sigma(i).powi(2) + mu[i].powi(2)))
                    .sum::<f64>()
                    - mean[i].powi(2)
            })
            .collect();
        let mut rng = Rng::new(8);
        let mut v = vec![0.0; 2];
        for _ in 0..1000 {
            m.gibbs(&mut v, &mut rng);
        }
        let n = 40_000;
        let mut xs = vec![];
        for _ in 0..n {
            m.gibbs(&mut v, &mut rng);
            xs.push(v.clone());
        }
        for i in 0..2 {
            let got = xs.iter().map(|x| x[i]).sum::<f64>() / n as f64;
            let got_var = xs.iter().map(|x| (x[i] - got).powi(2)).sum::<f64>() / n as f64;
            // The chain's samples are correlated: a generous 5 standard errors of 10 × fewer
            // independent draws.
            let se = (var[i] / (n as f64 / 10.0)).sqrt();
            assert!(
                (got - mean[i]).abs() < 5.0 * se,
                "axis {i}: mean {got} vs {}",
                mean[i]
            );
            assert!(
                (got_var - var[i]).abs() < 0.1 * var[i],
                "axis {i}: variance {got_var} vs {}",
                var[i]
            );
        }
    }
}
