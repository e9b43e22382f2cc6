//! The Gaussian code of the variational autoencoder (lectures 003/004) as one more piece of the
//! family: the code layer gives μ and log σ² (2 × code values per image), the decoder reads
//! z = μ + σ ⊙ ε (the reparameterisation), and the regulariser is the closed-form
//! KL(N(μ, σ²) ‖ N(0, I)) = ½ Σⱼ (μⱼ² + σⱼ² − 1 − log σⱼ²), weighted by β. The forward beside
//! its backward; `super::model::AeNet` calls them between its encoder and its decoder.

use crate::choice_enum;
use crate::nn::Real;

choice_enum! {
    /// What the encoder's last layer gives the decoder.
    pub enum Latent {
        /// The code itself (every autoencoder but the variational one).
        Point = "point",
        /// μ and log σ² of a Gaussian; the decoder reads a sample z = μ + σ ε.
        Gaussian = "gaussian",
    }
}

impl Latent {
    /// Values the encoder's last layer gives per image for a code of `code` dimensions.
    pub fn encoder_width(self, code: usize) -> usize {
        match self {
            Latent::Point => code,
            Latent::Gaussian => 2 * code,
        }
    }
}

/// z = μ + σ ⊙ ε for a batch: `enc` (batch × 2·code, each row μ then log σ²) and `eps`
/// (batch × code; empty: ε = 0, so z = μ) into `sigma` and `z` (batch × code). Returns the KL
/// term summed over the batch, unweighted.
pub fn reparameterise<T: Real>(
    enc: &[T],
    eps: &[T],
    code: usize,
    sigma: &mut Vec<T>,
    z: &mut Vec<T>,
) -> f64 {
    let batch = enc.len() / (2 * code).max(1);
    sigma.resize(batch * code, T::ZERO);
    z.resize(batch * code, T::ZERO);
    let half = T::from_f64(0.5);
    let mut kl = 0.0;
    for b in 0..batch {
        let row = &enc[b * 2 * code..(b + 1) * 2 * code];
        let (mu, log_var) = row.split_at(code);
        for j in 0..code {
            let i = b * code + j;
            let s = (log_var[j] * half).exp();
            let e = eps.get(i).copied().unwrap_or(T::ZERO);
            sigma[i] = s;
            z[i] = mu[j] + s * e;
            // KL(N(μ, σ²) ‖ N(0, 1)) = ½ (μ² + σ² − 1 − log σ²)
            kl += (half * (mu[j] * mu[j] + s * s - T::ONE - log_var[j])).to_f64();
        }
    }
    kl
}

/// Through z = μ + σ ε and β·KL of the batch mean: `d_z` (batch × code, ∂L/∂z from the decoder)
/// into `d_enc` (batch × 2·code, ∂L/∂(μ, log σ²)). ∂z/∂μ = 1, ∂z/∂log σ² = ½ σ ε;
/// ∂KL/∂μ = μ, ∂KL/∂log σ² = ½ (σ² − 1). `inv_b`: 1 / batch.
#[allow(clippy::too_many_arguments)] // the piece's inputs and its one output
pub fn backward<T: Real>(
    enc: &[T],
    eps: &[T],
    sigma: &[T],
    d_z: &[T],
    beta: T,
    inv_b: T,
    code: usize,
    d_enc: &mut [T],
) {
    let half = T::from_f64(0.5);
    let batch = d_z.len() / code.max(1);
    for b in 0..batch {
        for j in 0..code {
            let i = b * code + j;
            let mu = enc[b * 2 * code + j];
            let (s, d) = (sigma[i], d_z[i]);
            let e = eps.get(i).copied().unwrap_or(T::ZERO);
            d_enc[b * 2 * code + j] = d + beta * mu * inv_b;
            d_enc[b * 2 * code + code + j] =
                d * e * half * s + beta * half * (s * s - T::ONE) * inv_b;
        }
    }
}

/// KL(N(μ, σ²) ‖ N(0, 1)) for one dimension, the closed form the loss uses.
pub fn kl_normal(mu: f64, log_var: f64) -> f64 {
    0.5 * (mu * mu + libm::exp(log_var) - 1.0 - log_var)
}
