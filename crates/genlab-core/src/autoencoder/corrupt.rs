//! The denoising autoencoder's corruption of its input (lecture 004): the network sees x̃ and is
//! scored against the clean x. Only the input is corrupted, never the target, and the corruption
//! is drawn from the run's own random stream, so the same URL corrupts the same pixels.

use crate::choice_enum;
use crate::nn::Real;
use crate::rng::Rng;

choice_enum! {
    /// How the input is corrupted.
    pub enum Corruption {
        None = "none",
        /// x̃ = x + N(0, σ²) per pixel.
        Gaussian = "gaussian",
        /// Each pixel set to 0 with probability p.
        Masking = "masking",
        /// Each pixel set to 0 or 1 (even odds) with probability p.
        SaltPepper = "salt_pepper",
    }
}

/// A corruption and its strength (σ for Gaussian noise, p for the other two).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Corrupt {
    pub kind: Corruption,
    pub level: f64,
}

impl Corrupt {
    pub const NONE: Corrupt = Corrupt {
        kind: Corruption::None,
        level: 0.0,
    };

    /// Writes the corrupted `clean` into `out` (same length).
    pub fn apply<T: Real>(&self, clean: &[T], out: &mut Vec<T>, rng: &mut Rng) {
        out.clear();
        out.extend_from_slice(clean);
        let level = self.level;
        match self.kind {
            Corruption::None => {}
            Corruption::Gaussian => {
                for v in out.iter_mut() {
                    *v += T::from_f64(level * rng.normal());
                }
            }
            Corruption::Masking => {
                for v in out.iter_mut() {
                    if rng.bernoulli(level) {
                        *v = T::ZERO;
                    }
                }
            }
            Corruption::SaltPepper => {
                for v in out.iter_mut() {
                    if rng.bernoulli(level) {
                        *v = if rng.bernoulli(0.5) { T::ONE } else { T::ZERO };
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Masking hits each pixel with probability p: over 100,000 ones, the share hit lies within
    /// five standard deviations of p (binomial), and only the input changes.
    #[test]
    fn masking_corrupts_a_share_p_of_the_pixels() {
        let n = 100_000;
        let clean = vec![1.0f64; n];
        for p in [0.0, 0.1, 0.5, 0.9, 1.0] {
            let mut out = vec![];
            Corrupt {
                kind: Corruption::Masking,
                level: p,
            }
            .apply(&clean, &mut out, &mut Rng::new(3));
            let hit = out.iter().filter(|&&v| v == 0.0).count() as f64 / n as f64;
            let sd = (p * (1.0 - p) / n as f64).sqrt();
            assert!((hit - p).abs() <= 5.0 * sd + 1e-12, "p = {p}: {hit}");
            assert!(clean.iter().all(|&v| v == 1.0));
        }
    }

    #[test]
    fn salt_and_pepper_and_gaussian_noise_have_their_statistics() {
        let n = 100_000;
        let clean = vec![0.5f64; n];
        let mut out = vec![];
        Corrupt {
            kind: Corruption::SaltPepper,
            level: 0.3,
        }
        .apply(&clean, &mut out, &mut Rng::new(4));
        let (salt, pepper) = (
            out.iter().filter(|&&v| v == 1.0).count(),
            out.iter().filter(|&&v| v == 0.0).count(),
        );
        let sd = (0.15 * 0.85 / n as f64).sqrt();
        for share in [salt as f64 / n as f64, pepper as f64 / n as f64] {
            assert!((share - 0.15).abs() < 5.0 * sd, "{share}");
        }
        Corrupt {
            kind: Corruption::Gaussian,
            level: 0.2,
        }
        .apply(&clean, &mut out, &mut Rng::new(5));
        let mean = out.iter().sum::<f64>() / n as f64;
        let var = out.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 5.0 * 0.2 / (n as f64).sqrt());
        assert!((var.sqrt() - 0.2).abs() < 0.002, "σ {}", var.sqrt());
    }
}
