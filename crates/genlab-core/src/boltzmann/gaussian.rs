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
/// The smallest σ training may reach: below it the likelihood of a point sitting on a
/// component's mean grows without bound.
pub const SIGMA_MIN: f64 = 0.02;
/// Weights start at this fraction of the data's spread (see [`GbRbm::for_data`]).
const WEIGHT_SPREAD: f64 = 1.0;

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

    /// A start fitted to the data's scale: visible biases at the data's mean, weights
    /// N(0, s²) with s the data's spread per axis, every σ = `sigma`. From N(0, 0.1²) weights
    /// the 2^H components start on top of each other and training sits for thousands of steps
    /// on the single-Gaussian plateau (measured: blobs stay at the one-Gaussian −3.27).
    pub fn for_data(data: &[Vec<f64>], h: usize, sigma: f64, rng: &mut Rng) -> GbRbm {
        let d = data.first().map_or(2, |v| v.len());
        let n = data.len().max(1) as f64;
        let mean: Vec<f64> = (0..d)
            .map(|i| data.iter().map(|v| v[i]).sum::<f64>() / n)
            .collect();
        let spread: Vec<f64> = (0..d)
            .map(|i| {
                let var = data.iter().map(|v| (v[i] - mean[i]).powi(2)).sum::<f64>() / n;
                var.sqrt().max(1e-3)
            })
            .collect();
        let mut m = GbRbm::new(d, h, rng);
        for i in 0..d {
            for j in 0..h {
                m.params[i * h + j] = WEIGHT_SPREAD * spread[i] * rng.normal();
            }
            m.params[d * h + i] = mean[i];
        }
        m.set_sigma(sigma);
        m
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
        libm::exp(self.params[self.d * self.h + self.d + self.h + i])
    }

    /// σ_i² of every visible unit: taken once per pass over the data, since each σ is an exp
    /// of its parameter (one per unit and hidden unit and point was a tenth of the lesson).
    fn variances(&self) -> Vec<f64> {
        (0..self.d).map(|i| self.sigma(i).powi(2)).collect()
    }

    fn hidden_state(&self, s: usize) -> Vec<f64> {
        (0..self.h).map(|j| ((s >> j) & 1) as f64).collect()
    }

    /// The mixture: for each hidden state, its log-weight (unnormalised) and its mean b + W h.
    fn components(&self) -> Vec<(f64, Vec<f64>)> {
        let var = self.variances();
        (0..1usize << self.h)
            .map(|s| {
                let h = self.hidden_state(s);
                let mut log_w: f64 = (0..self.h).map(|j| self.c(j) * h[j]).sum();
                let mean: Vec<f64> = (0..self.d)
                    .map(|i| {
                        let m: f64 = (0..self.h).map(|j| self.w(i, j) * h[j]).sum();
                        log_w += (2.0 * self.b(i) * m + m * m) / (2.0 * var[i]);
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
            .map(|(lw, m)| (libm::exp(lw - lse), m))
            .collect()
    }

    /// log Z = log Σ_h exp(log-weight_h) + Σ_i ½ log 2πσ_i².
    pub fn log_z(&self) -> f64 {
        let comps = self.components();
        log_sum_exp(&comps.iter().map(|c| c.0).collect::<Vec<_>>())
            + (0..self.d)
                .map(|i| 0.5 * (LOG_2PI + 2.0 * libm::log(self.sigma(i))))
                .sum::<f64>()
    }

    /// log p(v) from the mixture form.
    pub fn log_density(&self, v: &[f64]) -> f64 {
        self.log_densities(std::iter::once(v))[0]
    }

    /// log p(v) of many points, the mixture and each unit's Gaussian log-normaliser and 2σ²
    /// computed once.
    pub fn log_densities(&self, points: impl Iterator<Item = impl AsRef<[f64]>>) -> Vec<f64> {
        let mixture = self.mixture();
        let (norm, two_s2): (Vec<f64>, Vec<f64>) = (0..self.d)
            .map(|i| {
                let s = self.sigma(i);
                (-0.5 * (LOG_2PI + 2.0 * libm::log(s)), 2.0 * s * s)
            })
            .unzip();
        points
            .map(|v| self.log_density_in(&mixture, &norm, &two_s2, v.as_ref()))
            .collect()
    }

    fn log_density_in(
        &self,
        mixture: &[(f64, Vec<f64>)],
        norm: &[f64],
        two_s2: &[f64],
        v: &[f64],
    ) -> f64 {
        let terms: Vec<f64> = mixture
            .iter()
            .map(|(pi, mean)| {
                libm::log(*pi)
                    + (0..self.d)
                        .map(|i| norm[i] - (v[i] - mean[i]).powi(2) / two_s2[i])
                        .sum::<f64>()
            })
            .collect();
        log_sum_exp(&terms)
    }

    /// The free energy F(v) = −log Σ_h e^{−E(v, h)}: p(v) = e^{−F(v)} / Z.
    pub fn free_energy(&self, v: &[f64]) -> f64 {
        let var = self.variances();
        let quad: f64 = (0..self.d)
            .map(|i| (v[i] - self.b(i)).powi(2) / (2.0 * var[i]))
            .sum();
        let soft: f64 = (0..self.h)
            .map(|j| crate::math::softplus(self.hidden_input(v, j, &var)))
            .sum();
        quad - soft
    }

    /// c_j + Σ_i W_ij v_i / σ_i², with `var` the σ_i² ([`GbRbm::variances`]).
    fn hidden_input(&self, v: &[f64], j: usize, var: &[f64]) -> f64 {
        self.c(j)
            + (0..self.d)
                .map(|i| self.w(i, j) * v[i] / var[i])
                .sum::<f64>()
    }

    /// The mean log-likelihood of `data`, exactly.
    pub fn mean_log_likelihood(&self, data: &[Vec<f64>]) -> f64 {
        self.log_densities(data.iter()).iter().sum::<f64>() / data.len().max(1) as f64
    }

    /// −∂E/∂θ at (v, h), in `params`' layout, added to `g` with weight `p`: `vv[i]` is E[v_i²]
    /// (v_i² for a point), h probabilities or bits (−∂E/∂θ is linear in each h_j: no h_j h_l
    /// terms).
    fn add_statistics(&self, g: &mut [f64], v: &[f64], vv: &[f64], h: &[f64], p: f64, var: &[f64]) {
        let (d, k) = (self.d, self.h);
        let n_w = d * k;
        let (at_b, at_c, at_s) = (n_w, n_w + d, n_w + d + k);
        for i in 0..d {
            let s2 = var[i];
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
    }

    /// The positive phase: each point with p(h | v), which factorises.
    fn data_statistics(&self, data: &[Vec<f64>], var: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; self.params.len()];
        let n = data.len().max(1) as f64;
        for v in data {
            let h: Vec<f64> = (0..self.h)
                .map(|j| sigmoid(self.hidden_input(v, j, var)))
                .collect();
            let vv: Vec<f64> = v.iter().map(|x| x * x).collect();
            self.add_statistics(&mut g, v, &vv, &h, 1.0 / n, var);
        }
        g
    }

    /// The exact gradient of the mean log-likelihood, in `params`' layout: ⟨−∂E/∂θ⟩ with h
    /// from p(h | v) for each datum, minus ⟨−∂E/∂θ⟩ under the model — for each hidden state
    /// its weight π_h and the Gaussian moments of v given h, so no sampling.
    pub fn exact_gradient(&self, data: &[Vec<f64>]) -> Vec<f64> {
        let var = self.variances();
        let mut g = self.data_statistics(data, &var);
        for (s, (pi, mean)) in self.mixture().into_iter().enumerate() {
            let h = self.hidden_state(s);
            let vv: Vec<f64> = (0..self.d).map(|i| var[i] + mean[i].powi(2)).collect();
            self.add_statistics(&mut g, &mean, &vv, &h, -pi, &var);
        }
        g
    }

    /// The sampled gradient: the same positive phase, the negative phase from the visible
    /// states `negatives` (CD's chains started at the data, or PCD's persistent ones), each
    /// with p(h | v).
    pub fn sampled_gradient(&self, data: &[Vec<f64>], negatives: &[Vec<f64>]) -> Vec<f64> {
        let var = self.variances();
        let mut g = self.data_statistics(data, &var);
        let n = negatives.len().max(1) as f64;
        for v in negatives {
            let h: Vec<f64> = (0..self.h)
                .map(|j| sigmoid(self.hidden_input(v, j, &var)))
                .collect();
            let vv: Vec<f64> = v.iter().map(|x| x * x).collect();
            self.add_statistics(&mut g, v, &vv, &h, -1.0 / n, &var);
        }
        g
    }

    /// Ascends by `lr` · `gradient`; the variances move only if `learn_sigma`. A σ driven
    /// below `SIGMA_MIN` is held there (a density with a vanishing variance has an unbounded
    /// likelihood): the count of σs held is returned, for the page's notice.
    pub fn ascend(&mut self, gradient: &[f64], lr: f64, learn_sigma: bool) -> usize {
        let at_s = self.d * self.h + self.d + self.h;
        let floor = libm::log(SIGMA_MIN);
        let mut held = 0;
        for (k, (p, g)) in self.params.iter_mut().zip(gradient).enumerate() {
            if k >= at_s {
                if !learn_sigma {
                    continue;
                }
                *p += lr * g;
                if *p < floor {
                    *p = floor;
                    held += 1;
                }
            } else {
                *p += lr * g;
            }
        }
        held
    }

    /// Every σ set to `sigma` (the run's starting or fixed variance).
    pub fn set_sigma(&mut self, sigma: f64) {
        let at_s = self.d * self.h + self.d + self.h;
        for p in &mut self.params[at_s..] {
            *p = libm::log(sigma.max(SIGMA_MIN));
        }
    }

    /// One block Gibbs step: h ~ p(h | v) = σ(c + Wᵀ(v / σ²)), then v ~ N(b + W h, σ²).
    pub fn gibbs(&self, v: &mut [f64], rng: &mut Rng) {
        let var = self.variances();
        let h: Vec<f64> = (0..self.h)
            .map(|j| f64::from(rng.uniform() < sigmoid(self.hidden_input(v, j, &var))))
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

    /// The sampled gradient with exact samples of the model (drawn from the mixture) as its
    /// negative phase is the exact gradient up to sampling noise (200,000 samples).
    #[test]
    fn the_sampled_gradient_with_model_samples_is_the_exact_one() {
        let m = random(4);
        let mut rng = Rng::new(8);
        let data: Vec<Vec<f64>> = (0..50).map(|_| vec![rng.normal(), rng.normal()]).collect();
        let mixture = m.mixture();
        let samples: Vec<Vec<f64>> = (0..200_000)
            .map(|_| {
                let mut u = rng.uniform();
                let (_, mean) = mixture
                    .iter()
                    .find(|(pi, _)| {
                        u -= pi;
                        u <= 0.0
                    })
                    .unwrap_or(&mixture[mixture.len() - 1]);
                (0..2)
                    .map(|i| mean[i] + m.sigma(i) * rng.normal())
                    .collect()
            })
            .collect();
        let exact = m.exact_gradient(&data);
        let sampled = m.sampled_gradient(&data, &samples);
        for (k, (e, s)) in exact.iter().zip(&sampled).enumerate() {
            assert!(
                (e - s).abs() < 0.03 * (1.0 + e.abs()),
                "parameter {k}: {e} vs {s}"
            );
        }
    }

    /// A σ pushed below the floor is held there and counted; with the variances fixed they
    /// do not move at all.
    #[test]
    fn sigma_is_held_at_its_floor() {
        let mut m = GbRbm::new(2, 2, &mut Rng::new(1));
        m.set_sigma(0.03);
        let mut g = vec![0.0; m.params.len()];
        let at_s = 2 * 2 + 2 + 2;
        g[at_s] = -100.0;
        g[at_s + 1] = 1.0;
        assert_eq!(m.ascend(&g, 0.1, true), 1);
        // σ is kept as its log: held exactly at log SIGMA_MIN, it reads back within an ulp.
        assert_eq!(m.params[at_s], libm::log(SIGMA_MIN));
        assert!((m.sigma(0) - SIGMA_MIN).abs() < 1e-17, "{}", m.sigma(0));
        assert!((m.sigma(1) - 0.03 * 0.1f64.exp()).abs() < 1e-12);
        let before = m.params.clone();
        assert_eq!(m.ascend(&g, 0.1, false), 0);
        assert_eq!(m.params[at_s..], before[at_s..]);
    }
}
