//! Toy data sets in the plane, for the lessons whose every density can be drawn and normalised
//! on a grid (the Gaussian–Bernoulli RBM now, the energy models next): blobs, two rings, two
//! moons. Each is centred near the origin with a spread of about one.

use std::f64::consts::PI;

use crate::rng::Rng;

crate::choice_enum! {
    /// A toy data set in the plane.
    pub enum Toy {
        /// Three Gaussian blobs (σ = 0.3) on a triangle.
        Blobs = "blobs",
        /// Two concentric rings (radii 1 and 2, noise 0.1), half the points on each.
        Rings = "rings",
        /// Two interleaved half circles (noise 0.1), as in scikit-learn's make_moons.
        Moons = "moons",
    }
}

const BLOB_CENTRES: [[f64; 2]; 3] = [[-1.5, -1.0], [1.5, -1.0], [0.0, 1.5]];
const BLOB_SIGMA: f64 = 0.3;
const RING_RADII: [f64; 2] = [1.0, 2.0];
const NOISE: f64 = 0.1;

impl Toy {
    /// `n` points.
    pub fn sample(self, rng: &mut Rng, n: usize) -> Vec<[f64; 2]> {
        self.sample_labelled(rng, n)
            .into_iter()
            .map(|(p, _)| p)
            .collect()
    }

    /// Classes a labelled sample has: one per blob, ring or moon.
    pub fn classes(self) -> usize {
        match self {
            Toy::Blobs => BLOB_CENTRES.len(),
            Toy::Rings | Toy::Moons => 2,
        }
    }

    /// `n` points, each with the blob, ring or moon it came from (a classifier's labels).
    pub fn sample_labelled(self, rng: &mut Rng, n: usize) -> Vec<([f64; 2], usize)> {
        (0..n)
            .map(|i| match self {
                Toy::Blobs => {
                    let k = rng.below(BLOB_CENTRES.len());
                    let c = BLOB_CENTRES[k];
                    (
                        [
                            c[0] + BLOB_SIGMA * rng.normal(),
                            c[1] + BLOB_SIGMA * rng.normal(),
                        ],
                        k,
                    )
                }
                Toy::Rings => {
                    let r = RING_RADII[i % 2];
                    let a = 2.0 * PI * rng.uniform();
                    (
                        [
                            r * libm::cos(a) + NOISE * rng.normal(),
                            r * libm::sin(a) + NOISE * rng.normal(),
                        ],
                        i % 2,
                    )
                }
                Toy::Moons => {
                    // The upper moon centred on (0, 0), the lower on (1, 0.5), both shifted so the
                    // pair is centred, and scaled by 1.5.
                    let a = PI * rng.uniform();
                    let (x, y) = if i % 2 == 0 {
                        (libm::cos(a), libm::sin(a))
                    } else {
                        (1.0 - libm::cos(a), 0.5 - libm::sin(a))
                    };
                    (
                        [
                            1.5 * (x - 0.5) + NOISE * rng.normal(),
                            1.5 * (y - 0.25) + NOISE * rng.normal(),
                        ],
                        i % 2,
                    )
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::ChoiceEnum;

    /// Each set is centred near the origin with a spread of about one, and has its shape: the
    /// blobs' points sit near a centre, the rings' at radius 1 or 2, the moons' on two arcs.
    #[test]
    fn every_set_has_its_shape() {
        for &toy in Toy::ALL {
            let p = toy.sample(&mut Rng::new(1), 4000);
            let n = p.len() as f64;
            let mean = [
                p.iter().map(|q| q[0]).sum::<f64>() / n,
                p.iter().map(|q| q[1]).sum::<f64>() / n,
            ];
            let spread = (p
                .iter()
                .map(|q| (q[0] - mean[0]).powi(2) + (q[1] - mean[1]).powi(2))
                .sum::<f64>()
                / n)
                .sqrt();
            assert!(
                mean[0].abs() < 0.15 && mean[1].abs() < 0.15,
                "{toy:?} {mean:?}"
            );
            assert!((0.6..2.0).contains(&spread), "{toy:?} spread {spread}");
        }
        let blobs = Toy::Blobs.sample(&mut Rng::new(2), 1000);
        assert!(blobs.iter().all(|q| BLOB_CENTRES
            .iter()
            .any(|c| (q[0] - c[0]).hypot(q[1] - c[1]) < 6.0 * BLOB_SIGMA)));
        let rings = Toy::Rings.sample(&mut Rng::new(3), 1000);
        assert!(rings.iter().all(|q| {
            let r = q[0].hypot(q[1]);
            RING_RADII.iter().any(|&k| (r - k).abs() < 6.0 * NOISE)
        }));
        let moons = Toy::Moons.sample(&mut Rng::new(4), 1000);
        for (i, q) in moons.iter().enumerate() {
            let (x, y) = (q[0] / 1.5 + 0.5, q[1] / 1.5 + 0.25);
            let r = if i % 2 == 0 {
                x.hypot(y)
            } else {
                (x - 1.0).hypot(y - 0.5)
            };
            assert!(
                (r - 1.0).abs() < 6.0 * NOISE / 1.5 + 1e-9,
                "moon point {i}: r {r}"
            );
        }
    }
}
