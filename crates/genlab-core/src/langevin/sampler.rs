//! Langevin samplers of p(x) = exp(−E(x))/Z (lecture 001): the update as the slide writes it,
//! Welling and Teh's form, and MALA (Welling–Teh's proposal with a Metropolis correction); a
//! step fixed or on the schedule λ_τ = a (b + τ)^(−γ).
//!
//! The slide writes x ← x − λ∇E + ε with ε ~ N(0, λ/2). As a discretised Langevin diffusion
//! dx = −∇E dt + √(2T) dW that is dt = λ and 2T·dt = λ/2: temperature T = ¼, so for small λ
//! its particles settle to exp(−4E)/Z, not to p. Welling and Teh's x − (λ/2)∇E + N(0, λ) has
//! dt = λ/2, 2T·dt = λ: T = 1. (../shared/lectures/README.md lists the slip.)

use super::energy::Energy;
use crate::rng::Rng;

crate::choice_enum! {
    /// How a particle moves.
    pub enum Sampler {
        /// x − λ∇E + N(0, λ/2), as on the slide: temperature ¼.
        Slide = "slide",
        /// x − (λ/2)∇E + N(0, λ) (Welling & Teh 2011).
        WellingTeh = "welling_teh",
        /// Welling–Teh's proposal, accepted with the Metropolis–Hastings probability.
        Mala = "mala",
    }
}

impl Sampler {
    /// The temperature whose exp(−E/T)/Z the sampler targets as λ → 0.
    pub fn temperature(self) -> f64 {
        match self {
            Sampler::Slide => 0.25,
            Sampler::WellingTeh | Sampler::Mala => 1.0,
        }
    }

    /// Moves `x` one step of size λ; returns whether it moved (MALA may reject).
    pub fn step(self, e: &Energy, x: &mut [f64; 2], lambda: f64, rng: &mut Rng) -> bool {
        self.step_on(|p| e.value_and_gradient(p), x, lambda, rng)
    }

    /// The same on any landscape given as x ↦ (E(x), ∇E(x)) — a trained energy network's.
    pub fn step_on(
        self,
        mut energy: impl FnMut([f64; 2]) -> (f64, [f64; 2]),
        x: &mut [f64; 2],
        lambda: f64,
        rng: &mut Rng,
    ) -> bool {
        let (ex, g) = energy(*x);
        match self {
            Sampler::Slide => {
                let sd = (lambda / 2.0).sqrt();
                for k in 0..2 {
                    x[k] += -lambda * g[k] + sd * rng.normal();
                }
                true
            }
            Sampler::WellingTeh => {
                let sd = lambda.sqrt();
                for k in 0..2 {
                    x[k] += -0.5 * lambda * g[k] + sd * rng.normal();
                }
                true
            }
            Sampler::Mala => {
                let sd = lambda.sqrt();
                let y = [
                    x[0] - 0.5 * lambda * g[0] + sd * rng.normal(),
                    x[1] - 0.5 * lambda * g[1] + sd * rng.normal(),
                ];
                let (ey, gy) = energy(y);
                let log_q = |to: [f64; 2], from: [f64; 2], gf: [f64; 2]| {
                    let d0 = to[0] - from[0] + 0.5 * lambda * gf[0];
                    let d1 = to[1] - from[1] + 0.5 * lambda * gf[1];
                    -(d0 * d0 + d1 * d1) / (2.0 * lambda)
                };
                let log_accept = -ey + ex + log_q(*x, y, gy) - log_q(y, *x, g);
                if log_accept.is_finite() && libm::log(rng.uniform()) < log_accept {
                    *x = y;
                    true
                } else {
                    false
                }
            }
        }
    }
}

/// Welling and Teh's step for many chains at once, given their gradients: each x moves by
/// −(λ/2)∇E + N(0, λ) (noise drawn chain by chain, coordinate by coordinate) — the batched
/// form the trained networks use, one forward and backward pass for every chain.
pub fn welling_teh_move(xs: &mut [[f64; 2]], gradients: &[[f64; 2]], lambda: f64, rng: &mut Rng) {
    let sd = lambda.sqrt();
    for (x, g) in xs.iter_mut().zip(gradients) {
        for d in 0..2 {
            x[d] += -0.5 * lambda * g[d] + sd * rng.normal();
        }
    }
}

/// λ_τ = a (b + τ)^(−γ): Σλ = ∞ and Σλ² < ∞ (the slide's conditions) hold for ½ < γ ≤ 1.
pub fn schedule(a: f64, b: f64, gamma: f64, tau: u64) -> f64 {
    a * libm::pow(b + tau as f64, -gamma)
}

/// Whether a schedule's exponent meets the slide's conditions.
pub fn schedule_converges(gamma: f64) -> bool {
    gamma > 0.5 && gamma <= 1.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::langevin::energy::Well;

    /// On a Gaussian well of spread s each sampler's long-run variance per axis is its own
    /// exact one: the unadjusted chains are AR(1) processes x' = ρx + N(0, v) with stationary
    /// variance v / (1 − ρ²) — the slide's (ρ = 1 − λ/s², v = λ/2) tends to s²/4 (temperature
    /// ¼), Welling–Teh's (ρ = 1 − λ/2s², v = λ) to s²; MALA's is s² exactly. 400 particles ×
    /// 4,000 steps after 1,000 of burn-in; within 4 % (measured well inside).
    #[test]
    fn stationary_variances_are_each_samplers_exact_ones() {
        let s: f64 = 0.8;
        let e = Energy::Mixture(vec![Well {
            x: 0.0,
            y: 0.0,
            sigma: s,
            weight: 1.0,
        }]);
        let lambda = 0.05;
        for sampler in [Sampler::Slide, Sampler::WellingTeh, Sampler::Mala] {
            let want = match sampler {
                Sampler::Slide => {
                    let rho: f64 = 1.0 - lambda / (s * s);
                    (lambda / 2.0) / (1.0 - rho * rho)
                }
                Sampler::WellingTeh => {
                    let rho: f64 = 1.0 - lambda / (2.0 * s * s);
                    lambda / (1.0 - rho * rho)
                }
                Sampler::Mala => s * s,
            };
            let mut rng = Rng::new(7);
            let mut xs = vec![[0.0, 0.0]; 400];
            let (mut sum, mut sq, mut n) = (0.0, 0.0, 0.0);
            for step in 0..5000 {
                for x in xs.iter_mut() {
                    sampler.step(&e, x, lambda, &mut rng);
                    if step >= 1000 {
                        sum += x[0] + x[1];
                        sq += x[0] * x[0] + x[1] * x[1];
                        n += 2.0;
                    }
                }
            }
            let mean = sum / n;
            let var = sq / n - mean * mean;
            eprintln!(
                "{sampler:?}: variance {var:.4}, exact {want:.4} (T = {})",
                sampler.temperature()
            );
            assert!(mean.abs() < 0.03, "{sampler:?} mean {mean}");
            assert!(
                (var / want - 1.0).abs() < 0.04,
                "{sampler:?}: {var} vs {want}"
            );
        }
    }

    /// MALA's kernel satisfies detailed balance: for pairs of points, p(x) q(y|x) α(x, y) =
    /// p(y) q(x|y) α(y, x), computed exactly from the kernel's formulas on a banana.
    #[test]
    fn mala_is_in_detailed_balance() {
        let e = Energy::Banana {
            a: 1.0,
            b: 0.5,
            c: 1.0,
            s: 0.5,
        };
        let lambda = 0.3;
        let flow = |x: [f64; 2], y: [f64; 2]| {
            let (ex, gx) = e.value_and_gradient(x);
            let (ey, gy) = e.value_and_gradient(y);
            let log_q = |to: [f64; 2], from: [f64; 2], gf: [f64; 2]| {
                let d0 = to[0] - from[0] + 0.5 * lambda * gf[0];
                let d1 = to[1] - from[1] + 0.5 * lambda * gf[1];
                -(d0 * d0 + d1 * d1) / (2.0 * lambda)
            };
            let accept = (-ey + ex + log_q(x, y, gy) - log_q(y, x, gx)).min(0.0);
            -ex + log_q(y, x, gx) + accept
        };
        let mut rng = Rng::new(2);
        for _ in 0..200 {
            let x = [rng.normal(), rng.normal()];
            let y = [x[0] + 0.5 * rng.normal(), x[1] + 0.5 * rng.normal()];
            let (a, b) = (flow(x, y), flow(y, x));
            assert!((a - b).abs() < 1e-10 * (1.0 + a.abs()), "{a} vs {b}");
        }
        // And the sampler's acceptance test is that kernel: a rejected move leaves x.
        let mut x = [0.3, -0.2];
        let before = x;
        let moved = Sampler::Mala.step(&e, &mut x, 50.0, &mut Rng::new(1));
        assert!(moved || x == before);
    }

    /// What each update samples, exactly: on two wells, the slide's particles' histogram is
    /// far closer (in KL) to exp(−4E)/Z than to p = exp(−E)/Z, and Welling–Teh's the other way
    /// round. Measured (3,000 particles × 1,500 steps of λ = 0.01, 15 × 15 cells): slide 0.033
    /// against T = ¼ and 0.50 against p; Welling–Teh 1.67 and 0.029.
    #[test]
    fn the_slides_update_samples_the_quarter_temperature() {
        use crate::langevin::grid::{kl, Grid};
        let e = Energy::Mixture(vec![
            // Equal spreads, so the wells hold equal mass at every temperature: what differs is
            // each well's width, not a balance the cold chain would take long to reach.
            Well {
                x: -1.0,
                y: 0.0,
                sigma: 0.55,
                weight: 1.0,
            },
            Well {
                x: 1.2,
                y: 0.4,
                sigma: 0.55,
                weight: 1.0,
            },
        ]);
        let grid = Grid { half: 3.0, n: 15 };
        let (cold, p) = (grid.cell_masses(&e, 0.25), grid.cell_masses(&e, 1.0));
        for sampler in [Sampler::Slide, Sampler::WellingTeh] {
            let mut rng = Rng::new(11);
            let mut xs: Vec<[f64; 2]> = (0..3000).map(|_| [rng.normal(), rng.normal()]).collect();
            for _ in 0..1500 {
                for x in xs.iter_mut() {
                    sampler.step(&e, x, 0.01, &mut rng);
                }
            }
            let (h, _) = grid.histogram(&xs);
            let (to_cold, to_p) = (kl(&h, &cold), kl(&h, &p));
            eprintln!("{sampler:?}: KL to T = 1/4 {to_cold:.3}, to p {to_p:.3}");
            match sampler {
                Sampler::Slide => assert!(to_cold < 0.06 && to_p > 5.0 * to_cold),
                _ => assert!(to_p < 0.06 && to_cold > 5.0 * to_p),
            }
        }
    }

    #[test]
    fn the_schedule_and_its_conditions() {
        assert_eq!(schedule(1.0, 1.0, 1.0, 0), 1.0);
        assert!((schedule(0.5, 10.0, 0.55, 90) - 0.5 * 100f64.powf(-0.55)).abs() < 1e-15);
        assert!(schedule_converges(0.55) && schedule_converges(1.0));
        assert!(!schedule_converges(0.5) && !schedule_converges(1.2));
    }
}
