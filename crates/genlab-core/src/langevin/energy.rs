//! The landscapes particles are sampled from, in the plane: E(x) and ∇E(x) in closed form, each
//! beside its normaliser where one exists. p(x) = exp(−E(x)) / Z (lecture 002); everything here
//! is 2-D, so every Z is also a sum over a grid (`grid`).

use std::f64::consts::PI;

/// One well of a mixture: a Gaussian at (x, y) with spread `sigma` and weight `weight`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Well {
    pub x: f64,
    pub y: f64,
    pub sigma: f64,
    pub weight: f64,
}

/// A landscape E(x).
#[derive(Clone, Debug, PartialEq)]
pub enum Energy {
    /// −log Σ_k w_k N(x; μ_k, σ_k² I) with Σ w_k = 1: normalised, Z = 1.
    Mixture(Vec<Well>),
    /// (|x| − r)² / 2s²: a ring of radius r and width s.
    Ring { radius: f64, width: f64 },
    /// Two interleaved half circles (the toy set's moons), each a density spread along its arc:
    /// −log of the mean of N(x; a_i, s² I) over points a_i evenly along both arcs.
    Moons { width: f64 },
    /// x₁² / 2a² + (x₂ − b x₁² + c)² / 2s²: a bent Gaussian, Z = 2π a s.
    Banana { a: f64, b: f64, c: f64, s: f64 },
}

/// Points along each moon used to spread its density (fine against the moons' width).
const MOON_NODES: usize = 200;

fn moon_nodes() -> Vec<[f64; 2]> {
    // The toy set's moons (`toy2d`): upper (cos t, sin t), lower (1 − cos t, 0.5 − sin t),
    // t ∈ [0, π], both shifted by (−0.5, −0.25) and scaled by 1.5.
    (0..2 * MOON_NODES)
        .map(|k| {
            let t = PI * ((k % MOON_NODES) as f64 + 0.5) / MOON_NODES as f64;
            let (x, y) = if k < MOON_NODES {
                (libm::cos(t), libm::sin(t))
            } else {
                (1.0 - libm::cos(t), 0.5 - libm::sin(t))
            };
            [1.5 * (x - 0.5), 1.5 * (y - 0.25)]
        })
        .collect()
}

/// −log Σ_k w_k N(x; μ_k, σ_k² I) and its gradient, for Gaussians given as (μ, σ, w).
fn mixture_energy(
    x: [f64; 2],
    parts: impl Iterator<Item = ([f64; 2], f64, f64)>,
) -> (f64, [f64; 2]) {
    // log w_k N(x; μ_k, σ_k²) for each part, then a stable log-sum-exp; the gradient of −log Σ
    // is the responsibilities' average of (x − μ_k) / σ_k².
    let terms: Vec<(f64, [f64; 2])> = parts
        .map(|(mu, s, w)| {
            let d = [x[0] - mu[0], x[1] - mu[1]];
            let log = libm::log(w)
                - libm::log(2.0 * PI * s * s)
                - (d[0] * d[0] + d[1] * d[1]) / (2.0 * s * s);
            (log, [d[0] / (s * s), d[1] / (s * s)])
        })
        .collect();
    let m = terms.iter().map(|t| t.0).fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return (f64::INFINITY, [0.0, 0.0]);
    }
    let mut total = 0.0;
    let mut g = [0.0, 0.0];
    for (log, d) in &terms {
        let r = libm::exp(log - m);
        total += r;
        g[0] += r * d[0];
        g[1] += r * d[1];
    }
    (-(m + libm::log(total)), [g[0] / total, g[1] / total])
}

impl Energy {
    /// E(x) and ∇E(x).
    pub fn value_and_gradient(&self, x: [f64; 2]) -> (f64, [f64; 2]) {
        match self {
            Energy::Mixture(wells) => {
                let total: f64 = wells.iter().map(|w| w.weight).sum();
                mixture_energy(
                    x,
                    wells
                        .iter()
                        .map(|w| ([w.x, w.y], w.sigma, w.weight / total)),
                )
            }
            Energy::Ring { radius, width } => {
                let r = libm::hypot(x[0], x[1]);
                let e = (r - radius).powi(2) / (2.0 * width * width);
                // At the origin every direction is as steep: the gradient's limit is undefined,
                // take 0 (a measure-zero point).
                let g = if r > 0.0 {
                    let k = (r - radius) / (width * width * r);
                    [k * x[0], k * x[1]]
                } else {
                    [0.0, 0.0]
                };
                (e, g)
            }
            Energy::Moons { width } => {
                let nodes = moon_nodes();
                let w = 1.0 / nodes.len() as f64;
                mixture_energy(x, nodes.into_iter().map(|a| (a, *width, w)))
            }
            Energy::Banana { a, b, c, s } => {
                let u = x[1] - b * x[0] * x[0] + c;
                let e = x[0] * x[0] / (2.0 * a * a) + u * u / (2.0 * s * s);
                let g = [x[0] / (a * a) - 2.0 * b * x[0] * u / (s * s), u / (s * s)];
                (e, g)
            }
        }
    }

    pub fn value(&self, x: [f64; 2]) -> f64 {
        self.value_and_gradient(x).0
    }

    /// log Z where it has a closed form (the mixture is normalised; the banana is a Gaussian
    /// after the change of variable u = x₂ − b x₁² + c, whose Jacobian is 1).
    pub fn log_z_closed_form(&self) -> Option<f64> {
        match self {
            Energy::Mixture(_) => Some(0.0),
            Energy::Banana { a, s, .. } => Some(libm::log(2.0 * PI * a * s)),
            // The ring: ∫ e^{−(r−R)²/2s²} 2πr dr = 2π s √(2π) R (1 − Φ(−R/s)) + 2π s² e^{−R²/2s²}.
            Energy::Ring { radius, width } => {
                let (r, s) = (*radius, *width);
                let z = 2.0 * PI * s * (2.0 * PI).sqrt() * r * crate::math::normal_cdf(r / s)
                    + 2.0 * PI * s * s * libm::exp(-(r * r) / (2.0 * s * s));
                Some(libm::log(z))
            }
            Energy::Moons { .. } => Some(0.0),
        }
    }
}

/// One landscape of each kind, for the tests: the banana bent gently enough that its tails
/// stay on a ±8 square (with b = 0.5 its arms reach past ±8 and 2.5e-5 of the mass is off it).
#[cfg(test)]
pub(crate) fn test_landscapes() -> Vec<Energy> {
    vec![
        Energy::Mixture(vec![
            Well {
                x: -1.0,
                y: 0.5,
                sigma: 0.4,
                weight: 2.0,
            },
            Well {
                x: 1.2,
                y: -0.3,
                sigma: 0.7,
                weight: 1.0,
            },
        ]),
        Energy::Ring {
            radius: 2.0,
            width: 0.3,
        },
        Energy::Moons { width: 0.15 },
        Energy::Banana {
            a: 1.0,
            b: 0.3,
            c: 1.0,
            s: 0.5,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ∇E against central differences in f64, at scattered points of every landscape.
    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = crate::rng::Rng::new(3);
        for e in test_landscapes() {
            for _ in 0..20 {
                let x = [2.0 * rng.normal(), 2.0 * rng.normal()];
                let (_, g) = e.value_and_gradient(x);
                for k in 0..2 {
                    let h = 1e-6;
                    let (mut a, mut b) = (x, x);
                    a[k] += h;
                    b[k] -= h;
                    let fd = (e.value(a) - e.value(b)) / (2.0 * h);
                    assert!(
                        (fd - g[k]).abs() < 1e-5 * (1.0 + fd.abs()),
                        "{e:?} at {x:?}: {fd} vs {}",
                        g[k]
                    );
                }
            }
        }
    }
}
