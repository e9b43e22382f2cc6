//! The VAE of lectures 003/004: encoder x(784) → H (ReLU) → (μ, log σ²) ∈ R² × R², the
//! reparameterised z = μ + σ ⊙ ε, decoder z → H (ReLU) → 784 logits. Loss per image:
//! Bernoulli cross-entropy summed over pixels + β · KL(N(μ, σ²) ‖ N(0, I)) in closed form.
//! Generic over the float type: training runs in f32, the gradient check in f64.

use super::data::PIXELS;
use crate::nn::{Dense, Real};
use crate::rng::Rng;

pub const LATENT: usize = 2;
/// Encoder outputs per image: μ₁, μ₂, log σ₁², log σ₂².
const ENC_OUT: usize = 2 * LATENT;

#[derive(Clone, Debug, PartialEq)]
pub struct VaeNet<T> {
    pub hidden: usize,
    pub params: Vec<T>,
    enc_hidden: Dense,
    enc_out: Dense,
    dec_hidden: Dense,
    dec_out: Dense,
}

/// Activations of one batch, kept for the backward pass; reused between steps.
#[derive(Clone, Debug, Default)]
pub struct Workspace<T> {
    batch: usize,
    h1: Vec<T>,     // batch × H
    enc: Vec<T>,    // batch × 4: μ, log σ²
    sigma: Vec<T>,  // batch × 2
    z: Vec<T>,      // batch × 2
    h3: Vec<T>,     // batch × H
    logits: Vec<T>, // batch × 784
    d_h3: Vec<T>,   // batch × H
    d_z: Vec<T>,    // batch × 2
    d_h1: Vec<T>,   // batch × H
}

impl<T: Real> Workspace<T> {
    fn fit(&mut self, batch: usize, hidden: usize) {
        self.batch = batch;
        let sizes = [
            (&mut self.h1, hidden),
            (&mut self.enc, ENC_OUT),
            (&mut self.sigma, LATENT),
            (&mut self.z, LATENT),
            (&mut self.h3, hidden),
            (&mut self.logits, PIXELS),
            (&mut self.d_h3, hidden),
            (&mut self.d_z, LATENT),
            (&mut self.d_h1, hidden),
        ];
        for (v, width) in sizes {
            v.resize(batch * width, T::ZERO);
        }
    }

    /// μ and log σ² of image b.
    pub fn encoding(&self, b: usize) -> ([T; 2], [T; 2]) {
        let e = &self.enc[b * ENC_OUT..(b + 1) * ENC_OUT];
        ([e[0], e[1]], [e[2], e[3]])
    }

    pub fn logits(&self) -> &[T] {
        &self.logits
    }
}

/// Loss terms of a batch, summed over its images (nats).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchLoss {
    pub rec: f64,
    pub kl: f64,
}

impl<T: Real> VaeNet<T> {
    /// Glorot-uniform weights (Keras' default, as in the lecture's source), zero biases.
    pub fn new(hidden: usize, rng: &mut Rng) -> Self {
        let enc_hidden = Dense {
            n_in: PIXELS,
            n_out: hidden,
            relu: true,
            offset: 0,
        };
        let enc_out = Dense {
            n_in: hidden,
            n_out: ENC_OUT,
            relu: false,
            offset: enc_hidden.n_params(),
        };
        let dec_hidden = Dense {
            n_in: LATENT,
            n_out: hidden,
            relu: true,
            offset: enc_out.offset + enc_out.n_params(),
        };
        let dec_out = Dense {
            n_in: hidden,
            n_out: PIXELS,
            relu: false,
            offset: dec_hidden.offset + dec_hidden.n_params(),
        };
        let mut params = Vec::with_capacity(dec_out.offset + dec_out.n_params());
        for layer in [enc_hidden, enc_out, dec_hidden, dec_out] {
            let limit = (6.0 / (layer.n_in + layer.n_out) as f64).sqrt();
            params.extend(
                (0..layer.n_in * layer.n_out)
                    .map(|_| T::from_f64((2.0 * rng.uniform() - 1.0) * limit)),
            );
            params.extend(std::iter::repeat_n(T::ZERO, layer.n_out));
        }
        VaeNet {
            hidden,
            params,
            enc_hidden,
            enc_out,
            dec_hidden,
            dec_out,
        }
    }

    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// The four layers in parameter order: encoder hidden, encoder output (μ, log σ²), decoder
    /// hidden, decoder output (logits). Each holds W then b at its offset.
    pub fn layers(&self) -> [Dense; 4] {
        [self.enc_hidden, self.enc_out, self.dec_hidden, self.dec_out]
    }

    /// Encodes a batch: fills the workspace's μ and log σ² (x: batch × 784, values in [0, 1]).
    pub fn encode(&self, x: &[T], batch: usize, ws: &mut Workspace<T>) {
        ws.fit(batch, self.hidden);
        self.enc_hidden.forward(&self.params, x, batch, &mut ws.h1);
        self.enc_out
            .forward(&self.params, &ws.h1, batch, &mut ws.enc);
    }

    /// Decoder logits for latent points z (batch × 2), into `logits` (batch × 784); `h` is
    /// scratch of batch × H.
    pub fn decode_logits(&self, z: &[T], batch: usize, h: &mut Vec<T>, logits: &mut Vec<T>) {
        h.resize(batch * self.hidden, T::ZERO);
        logits.resize(batch * PIXELS, T::ZERO);
        self.dec_hidden.forward(&self.params, z, batch, h);
        self.dec_out.forward(&self.params, h, batch, logits);
    }

    /// The forward pass with the loss: z = μ + σ ⊙ ε (ε: batch × 2, all zero for a plain
    /// autoencoder), then the decoder. Returns the loss terms summed over the batch.
    pub fn forward_loss(
        &self,
        x: &[T],
        eps: &[T],
        batch: usize,
        ws: &mut Workspace<T>,
    ) -> BatchLoss {
        self.encode(x, batch, ws);
        let mut loss = BatchLoss::default();
        for b in 0..batch {
            let (mu, log_var) = ws.encoding(b);
            for j in 0..LATENT {
                let sigma = (log_var[j] * T::from_f64(0.5)).exp();
                ws.sigma[b * LATENT + j] = sigma;
                ws.z[b * LATENT + j] = mu[j] + sigma * eps[b * LATENT + j];
                // KL(N(μ, σ²) ‖ N(0, 1)) = ½ (μ² + σ² − 1 − log σ²)
                loss.kl += 0.5 * (mu[j] * mu[j] + sigma * sigma - T::ONE - log_var[j]).to_f64();
            }
        }
        self.dec_hidden
            .forward(&self.params, &ws.z, batch, &mut ws.h3);
        self.dec_out
            .forward(&self.params, &ws.h3, batch, &mut ws.logits);
        // −log p(x|z) = Σ softplus(a) − x·a, with softplus(a) = max(a, 0) + log(1 + e^{−|a|}).
        let mut rec = T::ZERO;
        for (row_a, row_x) in ws.logits.chunks_exact(PIXELS).zip(x.chunks_exact(PIXELS)) {
            let mut row = T::ZERO;
            for (&a, &xp) in row_a.iter().zip(row_x) {
                row += a.max(T::ZERO) + (-a.abs()).exp().ln_1p() - xp * a;
            }
            rec += row;
        }
        loss.rec = rec.to_f64();
        loss
    }

    /// Gradient of the mean loss (1/B) Σ_b [rec_b + β KL_b] after `forward_loss` on the same
    /// batch, into `d_params` (overwritten).
    pub fn backward(
        &self,
        x: &[T],
        eps: &[T],
        beta: f64,
        ws: &mut Workspace<T>,
        d_params: &mut [T],
    ) {
        let batch = ws.batch;
        let inv_b = T::ONE / T::from_f64(batch as f64);
        let beta = T::from_f64(beta);
        let half = T::from_f64(0.5);
        d_params.iter_mut().for_each(|g| *g = T::ZERO);
        // ∂/∂a of the cross-entropy: σ(a) − x, computed in place of the logits.
        for (a, &xp) in ws.logits.iter_mut().zip(x) {
            let e = (-a.abs()).exp();
            let s = if *a >= T::ZERO {
                T::ONE / (T::ONE + e)
            } else {
                e / (T::ONE + e)
            };
            *a = (s - xp) * inv_b;
        }
        let d_logits = &mut ws.logits; // batch × 784
        self.dec_out.backward(
            &self.params,
            &ws.h3,
            &[],
            batch,
            d_logits,
            d_params,
            Some(&mut ws.d_h3),
        );
        self.dec_hidden.backward(
            &self.params,
            &ws.z,
            &ws.h3,
            batch,
            &mut ws.d_h3,
            d_params,
            Some(&mut ws.d_z),
        );
        // Through z = μ + σ ε and the KL term: ∂z/∂μ = 1, ∂z/∂log σ² = ½ σ ε;
        // ∂KL/∂μ = μ, ∂KL/∂log σ² = ½ (σ² − 1).
        for b in 0..batch {
            for j in 0..LATENT {
                let i = b * LATENT + j;
                let mu = ws.enc[b * ENC_OUT + j];
                let sigma = ws.sigma[i];
                let d_z = ws.d_z[i];
                ws.enc[b * ENC_OUT + j] = d_z + beta * mu * inv_b;
                ws.enc[b * ENC_OUT + LATENT + j] =
                    d_z * eps[i] * half * sigma + beta * half * (sigma * sigma - T::ONE) * inv_b;
            }
        }
        let d_enc = &mut ws.enc; // batch × 4, now ∂L/∂(μ, log σ²)
        self.enc_out.backward(
            &self.params,
            &ws.h1,
            &[],
            batch,
            d_enc,
            d_params,
            Some(&mut ws.d_h1),
        );
        self.enc_hidden
            .backward(&self.params, x, &ws.h1, batch, &mut ws.d_h1, d_params, None);
    }
}

/// σ(a) as an image value in [0, 1].
pub fn sigmoid<T: Real>(a: T) -> T {
    let e = (-a.abs()).exp();
    if a >= T::ZERO {
        T::ONE / (T::ONE + e)
    } else {
        e / (T::ONE + e)
    }
}

/// KL(N(μ, σ²) ‖ N(0, 1)) for one dimension, the closed form the loss uses.
pub fn kl_normal(mu: f64, log_var: f64) -> f64 {
    0.5 * (mu * mu + log_var.exp() - 1.0 - log_var)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::max_error_with_floor;

    fn batch_of(rng: &mut Rng, batch: usize) -> (Vec<f64>, Vec<f64>) {
        // Mostly-zero images with some grey, like MNIST.
        let x = (0..batch * PIXELS)
            .map(|_| {
                if rng.uniform() < 0.8 {
                    0.0
                } else {
                    rng.uniform()
                }
            })
            .collect();
        let eps = (0..batch * LATENT).map(|_| rng.normal()).collect();
        (x, eps)
    }

    /// Every parameter's gradient of the full loss (cross-entropy + β·KL through the
    /// reparameterisation) against central differences, in f64, on a small net.
    #[test]
    fn gradients_match_finite_differences() {
        for &beta in &[1.0, 0.0, 3.0] {
            let mut rng = Rng::new(5);
            let mut net = VaeNet::<f64>::new(6, &mut rng);
            // Non-zero biases, so every bias path is exercised.
            for p in net.params.iter_mut() {
                *p += 0.05 * rng.normal();
            }
            let batch = 3;
            let (x, mut eps) = batch_of(&mut rng, batch);
            if beta == 0.0 {
                eps.iter_mut().for_each(|e| *e = 0.0);
            }
            let mut ws = Workspace::default();
            net.forward_loss(&x, &eps, batch, &mut ws);
            let mut d_params = vec![0.0; net.n_params()];
            net.backward(&x, &eps, beta, &mut ws, &mut d_params);
            let mut probe = net.clone();
            let loss = |p: &[f64]| {
                probe.params.copy_from_slice(p);
                let mut ws = Workspace::default();
                let l = probe.forward_loss(&x, &eps, batch, &mut ws);
                (l.rec + beta * l.kl) / batch as f64
            };
            let n = net.n_params();
            // The loss is ~500 nats and many gradients are ~1e-6: differences with h = 1e-5
            // carry ~1e-8 of rounding, so errors count absolutely below 1e-4 (a larger h would
            // step across ReLU kinks). A real mistake (a lost factor, a wrong sign) shows as an
            // error of 1e-2 or more.
            let (err, at) =
                max_error_with_floor(&net.params.clone(), &d_params, loss, 1e-5, n, 1e-4);
            assert!(
                err < 1e-3,
                "β = {beta}: gradient off by {err} at parameter {at} of {n}"
            );
        }
    }

    /// The closed-form KL against numeric integration of ∫ q log(q/p).
    #[test]
    fn kl_closed_form_matches_numeric_integration() {
        for &(mu, log_var) in &[(0.0, 0.0), (1.5, -1.0), (-0.7, 0.8), (3.0, -3.0)] {
            let sigma = (0.5f64 * log_var).exp();
            let (lo, hi, n) = (mu - 12.0 * sigma, mu + 12.0 * sigma, 200_000);
            let h = (hi - lo) / n as f64;
            let mut sum = 0.0;
            for i in 0..n {
                let x = lo + (i as f64 + 0.5) * h;
                let log_q = -0.5 * ((x - mu) / sigma).powi(2)
                    - sigma.ln()
                    - 0.5 * (2.0 * std::f64::consts::PI).ln();
                let log_p = -0.5 * x * x - 0.5 * (2.0 * std::f64::consts::PI).ln();
                sum += log_q.exp() * (log_q - log_p) * h;
            }
            let closed = kl_normal(mu, log_var);
            assert!(
                (sum - closed).abs() < 1e-6,
                "({mu}, {log_var}): {sum} vs {closed}"
            );
        }
    }

    /// z = μ + σ ε with ε ~ N(0, 1) has mean μ and variance σ².
    #[test]
    fn reparameterised_samples_have_the_right_moments() {
        let mut rng = Rng::new(9);
        let net = VaeNet::<f64>::new(8, &mut rng);
        let (x, _) = batch_of(&mut rng, 1);
        let mut ws = Workspace::default();
        net.encode(&x, 1, &mut ws);
        let (mu, log_var) = ws.encoding(0);
        let n = 200_000;
        let mut draws = Rng::new(10);
        for j in 0..LATENT {
            let sigma = (0.5 * log_var[j]).exp();
            let zs: Vec<f64> = (0..n).map(|_| mu[j] + sigma * draws.normal()).collect();
            let mean = zs.iter().sum::<f64>() / n as f64;
            let var = zs.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / n as f64;
            assert!(
                (mean - mu[j]).abs() < 4.0 * sigma / (n as f64).sqrt(),
                "mean {mean} vs {}",
                mu[j]
            );
            assert!(
                (var / (sigma * sigma) - 1.0).abs() < 0.02,
                "var {var} vs {}",
                sigma * sigma
            );
        }
        // And the forward pass itself uses exactly that z.
        let eps = [0.3, -1.2];
        net.forward_loss(&x, &eps, 1, &mut ws);
        let (mu, log_var) = ws.encoding(0);
        for j in 0..LATENT {
            let want = mu[j] + (0.5 * log_var[j]).exp() * eps[j];
            assert!((ws.z[j] - want).abs() < 1e-12);
        }
    }
}
