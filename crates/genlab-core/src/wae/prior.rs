//! The priors p(z) of the latent-shaping lesson, in 2-D: each one sampled, and its density
//! known — in closed form (N(0, I), the ring of ten Gaussians, the uniform square), or by
//! quadrature along the curve (the swiss roll, a curve blurred by Gaussian noise). The exact
//! density is what the optimal discriminator p/(p + q) and the exact distances need.

use crate::choice_enum;
use crate::rng::Rng;

use std::f64::consts::{PI, TAU};

choice_enum! {
    /// The prior the codes are pushed towards.
    pub enum Prior { Normal = "normal", Ring = "ring", Square = "square", SwissRoll = "swiss_roll" }
}

/// The ring: ten components (one per digit class, for the AAE's supervised prior) at this
/// radius, each with this standard deviation.
pub const RING_COMPONENTS: usize = 10;
const RING_RADIUS: f64 = 3.0;
const RING_SIGMA: f64 = 0.35;
/// The square [−a, a]² with a = √3: unit variance in each dimension, as N(0, I).
const SQUARE_HALF: f64 = 1.732_050_807_568_877_2;
/// The swiss roll: t ~ U(T0, T1), the point (t cos t, t sin t) · SCALE, blurred by N(0, σ²I).
const ROLL_T0: f64 = 1.5 * PI;
const ROLL_T1: f64 = 4.5 * PI;
const ROLL_SCALE: f64 = 0.25;
const ROLL_SIGMA: f64 = 0.15;
/// Nodes of the quadrature along the roll (midpoints in t): fine against ROLL_SIGMA.
const ROLL_NODES: usize = 2000;

fn log_normal2(z: [f64; 2], mu: [f64; 2], sigma: f64) -> f64 {
    let d2 = (z[0] - mu[0]).powi(2) + (z[1] - mu[1]).powi(2);
    -d2 / (2.0 * sigma * sigma) - libm::log(TAU * sigma * sigma)
}

fn log_sum_exp(v: impl Iterator<Item = f64>) -> f64 {
    crate::math::log_sum_exp(&v.collect::<Vec<f64>>())
}

fn ring_centre(k: usize) -> [f64; 2] {
    let a = TAU * k as f64 / RING_COMPONENTS as f64;
    [RING_RADIUS * libm::cos(a), RING_RADIUS * libm::sin(a)]
}

fn roll_point(t: f64) -> [f64; 2] {
    [ROLL_SCALE * t * libm::cos(t), ROLL_SCALE * t * libm::sin(t)]
}

impl Prior {
    /// `n` samples.
    pub fn sample(self, rng: &mut Rng, n: usize) -> Vec<[f64; 2]> {
        (0..n)
            .map(|_| match self {
                Prior::Normal => [rng.normal(), rng.normal()],
                Prior::Ring => {
                    let k = rng.below(RING_COMPONENTS);
                    self.sample_component(rng, k)
                }
                Prior::Square => [
                    SQUARE_HALF * (2.0 * rng.uniform() - 1.0),
                    SQUARE_HALF * (2.0 * rng.uniform() - 1.0),
                ],
                Prior::SwissRoll => {
                    let c = roll_point(ROLL_T0 + (ROLL_T1 - ROLL_T0) * rng.uniform());
                    [
                        c[0] + ROLL_SIGMA * rng.normal(),
                        c[1] + ROLL_SIGMA * rng.normal(),
                    ]
                }
            })
            .collect()
    }

    /// A sample of the ring's component `k` (the AAE ties class k to it); other priors have
    /// one component and ignore `k`.
    pub fn sample_component(self, rng: &mut Rng, k: usize) -> [f64; 2] {
        match self {
            Prior::Ring => {
                let c = ring_centre(k % RING_COMPONENTS);
                [
                    c[0] + RING_SIGMA * rng.normal(),
                    c[1] + RING_SIGMA * rng.normal(),
                ]
            }
            _ => self.sample(rng, 1)[0],
        }
    }

    /// log p(z): closed form, or for the swiss roll the quadrature of
    /// ∫ N(z; c(t), σ²I) dt / (T1 − T0) over ROLL_NODES midpoints.
    pub fn log_density(self, z: [f64; 2]) -> f64 {
        match self {
            Prior::Normal => log_normal2(z, [0.0, 0.0], 1.0),
            Prior::Ring => {
                log_sum_exp(
                    (0..RING_COMPONENTS).map(|k| log_normal2(z, ring_centre(k), RING_SIGMA)),
                ) - libm::log(RING_COMPONENTS as f64)
            }
            Prior::Square => {
                if z[0].abs() <= SQUARE_HALF && z[1].abs() <= SQUARE_HALF {
                    -libm::log(4.0 * SQUARE_HALF * SQUARE_HALF)
                } else {
                    f64::NEG_INFINITY
                }
            }
            Prior::SwissRoll => {
                let dt = (ROLL_T1 - ROLL_T0) / ROLL_NODES as f64;
                log_sum_exp((0..ROLL_NODES).map(|i| {
                    let t = ROLL_T0 + (i as f64 + 0.5) * dt;
                    log_normal2(z, roll_point(t), ROLL_SIGMA)
                })) - libm::log(ROLL_NODES as f64)
            }
        }
    }

    /// The ring's component whose centre is nearest to `z` (the class a supervised adversarial
    /// autoencoder ties to it).
    pub fn nearest_ring_component(z: [f64; 2]) -> usize {
        (0..RING_COMPONENTS)
            .min_by(|&a, &b| {
                let d = |k| {
                    let c = ring_centre(k);
                    (z[0] - c[0]).powi(2) + (z[1] - c[1]).powi(2)
                };
                d(a).total_cmp(&d(b))
            })
            .unwrap_or(0)
    }

    /// Whether [`Prior::log_density`] is a closed form (else a quadrature along the curve).
    pub fn density_is_closed_form(self) -> bool {
        self != Prior::SwissRoll
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::ChoiceEnum;

    /// Every density integrates to 1: midpoint rule on a fine grid over [−6, 6]², which holds
    /// all of each prior's mass, and for the square a grid on its own edges. Measured: 1 to 1e-6.
    #[test]
    fn every_density_integrates_to_one() {
        for &prior in Prior::ALL {
            let (lo, hi, n) = match prior {
                Prior::Square => (-SQUARE_HALF, SQUARE_HALF, 50),
                _ => (-6.0, 6.0, 300),
            };
            let h = (hi - lo) / n as f64;
            let mut mass = 0.0;
            for i in 0..n {
                for j in 0..n {
                    let z = [lo + (i as f64 + 0.5) * h, lo + (j as f64 + 0.5) * h];
                    mass += prior.log_density(z).exp() * h * h;
                }
            }
            assert!((mass - 1.0).abs() < 1e-4, "{prior:?}: mass {mass}");
        }
        assert_eq!(Prior::Square.log_density([1.8, 0.0]), f64::NEG_INFINITY);
    }

    /// Samples follow the density: on a 24 × 24 histogram of 200,000 samples the total
    /// variation to the density's cell masses is small (measured 0.008–0.011), against another
    /// prior's it is large.
    #[test]
    fn samples_follow_the_density() {
        let (lo, hi, n) = (-6.0f64, 6.0f64, 24usize);
        let h = (hi - lo) / n as f64;
        let cell_mass = |prior: Prior| -> Vec<f64> {
            if prior == Prior::Square {
                // Exact: the cell's overlap with the square, over the square's area.
                let a = SQUARE_HALF;
                let overlap = |i: usize| {
                    let (x0, x1) = (lo + i as f64 * h, lo + (i + 1) as f64 * h);
                    (x1.min(a) - x0.max(-a)).max(0.0)
                };
                return (0..n * n)
                    .map(|c| overlap(c / n) * overlap(c % n) / (4.0 * a * a))
                    .collect();
            }
            let sub = 5;
            let hs = h / sub as f64;
            let mut m = vec![0.0; n * n];
            for i in 0..n * sub {
                for j in 0..n * sub {
                    let z = [lo + (i as f64 + 0.5) * hs, lo + (j as f64 + 0.5) * hs];
                    m[(i / sub) * n + j / sub] += prior.log_density(z).exp() * hs * hs;
                }
            }
            m
        };
        let histogram = |samples: &[[f64; 2]]| -> Vec<f64> {
            let mut c = vec![0.0; n * n];
            for z in samples {
                let (i, j) = (((z[0] - lo) / h).floor(), ((z[1] - lo) / h).floor());
                if (0.0..n as f64).contains(&i) && (0.0..n as f64).contains(&j) {
                    c[i as usize * n + j as usize] += 1.0 / samples.len() as f64;
                }
            }
            c
        };
        let tv =
            |a: &[f64], b: &[f64]| 0.5 * a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>();
        let mut rng = Rng::new(7);
        for &prior in Prior::ALL {
            let hist = histogram(&prior.sample(&mut rng, 200_000));
            let own = tv(&hist, &cell_mass(prior));
            eprintln!("{prior:?}: total variation {own:.4}");
            assert!(own < 0.02, "{prior:?}: total variation {own}");
            let other = if prior == Prior::Normal {
                Prior::Ring
            } else {
                Prior::Normal
            };
            let wrong = tv(&hist, &cell_mass(other));
            assert!(wrong > 0.2, "{prior:?} vs {other:?}: {wrong}");
        }
    }

    #[test]
    fn moments_and_ring_weights_are_within_sampling_bounds() {
        // Each prior's exact mean and per-axis variance: N(0, I) and the unit-variance square
        // (0, 1); the ring (0, R²/2 + σ²); the swiss roll by the mean of the curve over t
        // (midpoints, fine) plus the blur's σ².
        let roll = |f: &dyn Fn([f64; 2]) -> f64| {
            let m = 100_000;
            (0..m)
                .map(|i| {
                    f(roll_point(
                        ROLL_T0 + (i as f64 + 0.5) * (ROLL_T1 - ROLL_T0) / m as f64,
                    ))
                })
                .sum::<f64>()
                / m as f64
        };
        let roll_mean = [roll(&|c| c[0]), roll(&|c| c[1])];
        let roll_var = [
            roll(&|c| c[0] * c[0]) - roll_mean[0].powi(2) + ROLL_SIGMA.powi(2),
            roll(&|c| c[1] * c[1]) - roll_mean[1].powi(2) + ROLL_SIGMA.powi(2),
        ];
        let ring_var = RING_RADIUS.powi(2) / 2.0 + RING_SIGMA.powi(2);
        let n = 40_000;
        let mut rng = Rng::new(21);
        for (prior, mean, var) in [
            (Prior::Normal, [0.0, 0.0], [1.0, 1.0]),
            (Prior::Square, [0.0, 0.0], [1.0, 1.0]),
            (Prior::Ring, [0.0, 0.0], [ring_var, ring_var]),
            (Prior::SwissRoll, roll_mean, roll_var),
        ] {
            let z = prior.sample(&mut rng, n);
            for d in 0..2 {
                let m = z.iter().map(|p| p[d]).sum::<f64>() / n as f64;
                let v = z.iter().map(|p| (p[d] - m).powi(2)).sum::<f64>() / (n - 1) as f64;
                // Five standard errors: of the mean √(var/n); of the variance ≈ var·√(2/n)
                // (the ring's and the roll's fourth moments are below 3var², a Gaussian's).
                let (se_m, se_v) = ((var[d] / n as f64).sqrt(), var[d] * (2.0 / n as f64).sqrt());
                assert!(
                    (m - mean[d]).abs() < 5.0 * se_m,
                    "{prior:?} axis {d}: mean {m} vs {}",
                    mean[d]
                );
                assert!(
                    (v - var[d]).abs() < 5.0 * se_v,
                    "{prior:?} axis {d}: variance {v} vs {}",
                    var[d]
                );
            }
            if prior == Prior::Ring {
                // Each component holds a tenth of the samples: within five binomial sd.
                let mut counts = [0usize; RING_COMPONENTS];
                for p in &z {
                    counts[Prior::nearest_ring_component(*p)] += 1;
                }
                let (share, sd) = (n as f64 / 10.0, (n as f64 * 0.1 * 0.9).sqrt());
                for (k, &c) in counts.iter().enumerate() {
                    assert!(
                        (c as f64 - share).abs() < 5.0 * sd,
                        "component {k}: {c} of {n}"
                    );
                }
            }
        }
    }

    #[test]
    fn ring_components_sit_on_their_centres() {
        let mut rng = Rng::new(3);
        for k in [0, 3, 9] {
            let pts: Vec<[f64; 2]> = (0..20_000)
                .map(|_| Prior::Ring.sample_component(&mut rng, k))
                .collect();
            let mean = [0, 1].map(|d| pts.iter().map(|p| p[d]).sum::<f64>() / pts.len() as f64);
            let c = ring_centre(k);
            assert!(
                (mean[0] - c[0]).hypot(mean[1] - c[1]) < 0.02,
                "component {k}: {mean:?} vs {c:?}"
            );
        }
        assert!(Prior::Ring.density_is_closed_form() && !Prior::SwissRoll.density_is_closed_form());
    }
}
