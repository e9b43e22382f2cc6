//! The VAE of lectures 003/004 — encoder x(784) → H (ReLU) → (μ, log σ²) ∈ R² × R², the
//! reparameterised z = μ + σ ⊙ ε, decoder z → H (ReLU) → 784 logits; loss per image: Bernoulli
//! cross-entropy summed over pixels + β · KL(N(μ, σ²) ‖ N(0, I)) in closed form — is a member of
//! the autoencoder family: an [`AeNet`] with a Gaussian code ([`crate::autoencoder::latent`],
//! where the reparameterisation and the KL term live, forward beside backward). This module is
//! the VAE lesson's view of that network: its shape, its loss terms by name, its four layers.
//! Generic over the float type: training runs in f32, the gradient check in f64.

use super::data::PIXELS;
use crate::autoencoder::latent::Latent;
use crate::autoencoder::model::{Act, AeNet, AeShape, Output};
use crate::autoencoder::penalty::{Penalty, PenaltyKind};
use crate::nn::{Dense, Real};
use crate::rng::Rng;

pub use crate::autoencoder::latent::kl_normal;

pub const LATENT: usize = 2;

/// The family's workspace: [`Workspace::encoding`] gives an image's μ and log σ²,
/// [`Workspace::logits`] the decoder's output, [`Workspace::latent`] the sampled z.
pub type Workspace<T> = crate::autoencoder::model::Workspace<T>;

/// The VAE: the family's network of [`VaeNet::shape`], which it dereferences to (its
/// `params`, `n_params`, `encode` are the family's).
#[derive(Clone, Debug, PartialEq)]
pub struct VaeNet<T> {
    pub hidden: usize,
    pub net: AeNet<T>,
}

impl<T> std::ops::Deref for VaeNet<T> {
    type Target = AeNet<T>;
    fn deref(&self) -> &AeNet<T> {
        &self.net
    }
}

impl<T> std::ops::DerefMut for VaeNet<T> {
    fn deref_mut(&mut self) -> &mut AeNet<T> {
        &mut self.net
    }
}

/// Loss terms of a batch, summed over its images (nats).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchLoss {
    pub rec: f64,
    pub kl: f64,
}

/// The KL term with weight β, as the family's penalty piece.
fn kl_term(beta: f64) -> Penalty {
    Penalty {
        kind: PenaltyKind::Kl,
        lambda: beta,
    }
}

/// What varies between the VAE lessons' networks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VaeShape {
    pub hidden: usize,
    /// The dimension of z (2 for the pictures of the plane).
    pub latent: usize,
    /// One-hot label units read by the encoder and the decoder: 0 for the VAE, 10 for the
    /// conditional VAE on the digits.
    pub classes: usize,
    /// The reconstruction's likelihood: Bernoulli, or Gaussian with fixed σ.
    pub output: Output,
}

impl VaeShape {
    /// The VAE lesson's network: 2-D latent, no label, Bernoulli pixels.
    pub fn plain(hidden: usize) -> Self {
        VaeShape {
            hidden,
            latent: LATENT,
            classes: 0,
            output: Output::Bernoulli,
        }
    }

    /// (784 [+ classes])-H-(latent + latent) encoder, (latent [+ classes])-H-784 decoder, ReLU
    /// hidden layers, linear μ and log σ², a sigmoid output.
    pub fn family(self) -> AeShape {
        AeShape {
            input: PIXELS,
            hidden: vec![self.hidden],
            code: self.latent,
            act: Act::Relu,
            code_act: Act::Linear,
            tied: false,
            output: self.output,
            latent: Latent::Gaussian,
            condition: self.classes,
        }
    }
}

impl<T: Real> VaeNet<T> {
    /// 784-H-(2 + 2) encoder, 2-H-784 decoder with Bernoulli pixels.
    pub fn shape(hidden: usize) -> AeShape {
        VaeShape::plain(hidden).family()
    }

    /// Glorot-uniform weights (Keras' default, as in the lecture's source), zero biases.
    pub fn new(hidden: usize, rng: &mut Rng) -> Self {
        Self::with_shape(VaeShape::plain(hidden), rng)
    }

    pub fn with_shape(shape: VaeShape, rng: &mut Rng) -> Self {
        VaeNet {
            hidden: shape.hidden,
            net: AeNet::new(shape.family(), rng),
        }
    }

    /// The dimension of z.
    pub fn latent(&self) -> usize {
        self.net.shape.code
    }

    /// The label units (0 without a condition).
    pub fn classes(&self) -> usize {
        self.net.shape.condition
    }

    /// The four layers in parameter order: encoder hidden, encoder output (μ, log σ²), decoder
    /// hidden, decoder output (logits). Each holds W then b at its offset.
    pub fn layers(&self) -> [Dense; 4] {
        let l = self.net.layers();
        let dense = |i: usize| Dense {
            n_in: l[i].n_in,
            n_out: l[i].n_out,
            relu: l[i].act == Act::Relu,
            offset: l[i].w,
        };
        [dense(0), dense(1), dense(2), dense(3)]
    }

    /// Decoder logits for latent points z (batch × latent, then the one-hot label for a
    /// conditional net), into `logits` (batch × 784).
    pub fn decode_logits(&self, z: &[T], batch: usize, ws: &mut Workspace<T>, logits: &mut Vec<T>) {
        self.net.decode(z, batch, ws);
        logits.clear();
        logits.extend_from_slice(ws.logits());
    }

    /// The forward pass with the loss: z = μ + σ ⊙ ε (ε: batch × latent, all zero for a plain
    /// autoencoder), then the decoder. Returns the loss terms summed over the batch.
    pub fn forward_loss(
        &self,
        x: &[T],
        eps: &[T],
        batch: usize,
        ws: &mut Workspace<T>,
    ) -> BatchLoss {
        self.forward_loss_given(x, x, eps, batch, ws)
    }

    /// [`VaeNet::forward_loss`] of a conditional net: `input` holds each image with its
    /// one-hot label after it (batch × (784 + classes)), `x` the images alone.
    pub fn forward_loss_given(
        &self,
        input: &[T],
        x: &[T],
        eps: &[T],
        batch: usize,
        ws: &mut Workspace<T>,
    ) -> BatchLoss {
        let loss = self
            .net
            .forward_loss_noisy(input, x, eps, batch, &kl_term(1.0), ws);
        BatchLoss {
            rec: loss.rec,
            kl: loss.kl,
        }
    }

    /// Gradient of the mean loss (1/B) Σ_b [rec_b + β KL_b] after `forward_loss` on the same
    /// batch (its ε), into `d_params` (overwritten).
    pub fn backward(&self, x: &[T], beta: f64, ws: &mut Workspace<T>, d_params: &mut [T]) {
        self.net.backward(x, &kl_term(beta), ws, d_params);
    }
}

impl VaeNet<f32> {
    /// log p(x|z) of the image `x` (784 values in [0, 1]) at each of a batch of points of a
    /// 2-D latent plane: the decoder's likelihood (Bernoulli, −Σ softplus(a) − x·a over the
    /// logits a, or the Gaussian's) in f64 — what the exact posterior ([`super::posterior`])
    /// integrates. A conditional net decodes every point with the one-hot `label`; a latent
    /// wider than 2 holds its other dimensions at `rest` (latent − 2 values).
    pub fn log_likelihood<'a>(
        &'a self,
        x: &'a [f32],
        label: Option<u8>,
        rest: &'a [f32],
    ) -> impl FnMut(&[[f64; 2]]) -> Vec<f64> + 'a {
        let (mut ws, mut logits) = (Workspace::default(), Vec::new());
        let classes = self.classes();
        let output = self.net.shape.output;
        move |zs: &[[f64; 2]]| {
            let mut out = Vec::with_capacity(zs.len());
            // Chunks keep the decoder's activations small (256 × H).
            for chunk in zs.chunks(256) {
                let mut z = Vec::with_capacity(chunk.len() * (2 + rest.len() + classes));
                for p in chunk {
                    z.extend([p[0] as f32, p[1] as f32]);
                    z.extend_from_slice(rest);
                    z.extend((0..classes).map(|c| f32::from(label == Some(c as u8))));
                }
                self.decode_logits(&z, chunk.len(), &mut ws, &mut logits);
                for row in logits.chunks_exact(PIXELS) {
                    out.push(-output.nll(row, x));
                }
            }
            out
        }
    }
}

/// σ(a) as an image value in [0, 1].
pub use crate::nn::real::sigmoid;

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
            net.backward(&x, beta, &mut ws, &mut d_params);
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
            assert!((ws.latent()[j] - want).abs() < 1e-12);
        }
    }
}
