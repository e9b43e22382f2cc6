//! One autoencoder family (lecture 004): an encoder stack input → [hidden …] → code and a
//! decoder stack that mirrors it back to the input, each layer x · W + b then an activation,
//! optionally with tied weights (a decoder layer uses its mirror encoder layer's Wᵀ and has only
//! its own bias). The output and its loss are the lecture's two pairs: a sigmoid with Bernoulli
//! cross-entropy, or a linear output with squared error. The regularisers on the code are the
//! pieces in [`super::penalty`]; corruption of the input (the denoising autoencoder) happens
//! before [`AeNet::forward_loss`] and never reaches the gradient. A Gaussian code (the
//! variational autoencoder, [`super::latent`]) puts the reparameterisation and its KL term
//! between the encoder and the decoder.
//!
//! Generic over the float type: training runs in f32, the gradient check in f64. Losses are sums
//! over the batch; [`AeNet::backward`] gives the gradient of their mean.

use super::latent::{self, Latent};
use super::penalty::{Penalty, PenaltyKind};
use crate::choice_enum;
use crate::nn::dense::{matmul_a_bt, matmul_acc, matmul_at_b_acc};
use crate::nn::real::{sigmoid, sigmoid_given_exp, sum_in_order};
use crate::nn::Real;
use crate::rng::Rng;

choice_enum! {
    /// A layer's nonlinearity.
    pub enum Act { Sigmoid = "sigmoid", Relu = "relu", Linear = "linear" }
}

/// The output and the reconstruction loss that goes with it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Output {
    /// Sigmoid output, Bernoulli cross-entropy −Σ x log y + (1 − x) log(1 − y).
    Bernoulli,
    /// Linear output, squared error Σ (y − x)² (PCA's measure).
    Squared,
    /// Sigmoid output as the mean of a Gaussian with fixed σ: −log p(x|y) =
    /// Σ (x − y)² / 2σ² + (D/2) log 2πσ² nats — lecture 000's ½‖x − DEC(z)‖² + const at σ = 1.
    /// The mean keeps the sigmoid so that the two likelihoods differ in the loss alone (the
    /// decoder and its pictures stay in [0, 1]), and the loss is in nats so runs compare.
    Gaussian { sigma: f64 },
}

impl Output {
    /// Every kind, with a Gaussian's σ at `sigma` (for tests that cover the family).
    pub fn all(sigma: f64) -> [Output; 3] {
        [
            Output::Bernoulli,
            Output::Squared,
            Output::Gaussian { sigma },
        ]
    }

    /// Whether the output layer ends in a sigmoid (its pre-activations are logits).
    pub fn sigmoid(self) -> bool {
        !matches!(self, Output::Squared)
    }

    /// −log p(x|y) of one image from its logits (or linear outputs for `Squared`, where it is
    /// the squared error), in f64 whatever the network's precision.
    pub fn nll<T: Real>(self, logits: &[T], x: &[T]) -> f64 {
        let pairs = logits
            .iter()
            .zip(x)
            .map(|(&a, &x)| (a.to_f64(), x.to_f64()));
        match self {
            Output::Bernoulli => pairs.map(|(a, x)| crate::math::softplus(a) - x * a).sum(),
            Output::Squared => pairs.map(|(y, x)| (y - x) * (y - x)).sum(),
            Output::Gaussian { sigma } => {
                let d = logits.len() as f64;
                let sq: f64 = pairs
                    .map(|(a, x)| {
                        let y = sigmoid(a);
                        (y - x) * (y - x)
                    })
                    .sum();
                sq / (2.0 * sigma * sigma)
                    + 0.5 * d * libm::log(2.0 * std::f64::consts::PI * sigma * sigma)
            }
        }
    }
}

/// −log p(x|y) of a Bernoulli output with logits `logits`, summed over the rows of `width`
/// pixels: Σ softplus(a) − x·a, stable for any a; each image summed in the network's own
/// precision (as the VAE lesson always has) in pixel order, then the images in order, so a
/// device twin's sums match the CPU's bit for bit. Its terms' exp and log1p vectorise, each in
/// a loop of its own: fused, the two functions' constants and temporaries outnumbered the
/// vector registers (a 4-lane loop spilled; split, the loss took 2.8 ns a pixel instead of 4.4).
pub fn bernoulli_nll<T: Real>(logits: &[T], x: &[T], width: usize) -> T {
    let mut total = T::ZERO;
    for (row_a, row_x) in logits.chunks_exact(width).zip(x.chunks_exact(width)) {
        total += sum_in_order(width, |at, terms| {
            let row_a = &row_a[at.clone()];
            for (t, &a) in terms.iter_mut().zip(row_a) {
                *t = (-a.abs()).exp(); // in (0, 1]
            }
            for (t, (&a, &x)) in terms.iter_mut().zip(row_a.iter().zip(&row_x[at])) {
                *t = bernoulli_term(a, *t, x);
            }
        });
    }
    total
}

/// One pixel's softplus(a) − x·a from its logit a and e = e^{−|a|}: ln(1 + e) is the
/// softplus's part that stays finite for any a.
#[inline(always)]
fn bernoulli_term<T: Real>(a: T, e: T, x: T) -> T {
    a.max(T::ZERO) + e.ln_1p_unit() - x * a
}

/// [`bernoulli_nll`] given `exps` = e^{−|a|} of every logit, as the output sigmoid computed
/// them ([`Workspace`] keeps them): the same bits, without a second exp per pixel.
pub fn bernoulli_nll_given_exps<T: Real>(logits: &[T], exps: &[T], x: &[T], width: usize) -> T {
    assert_eq!(logits.len(), exps.len(), "one e^(-|a|) per logit");
    let mut total = T::ZERO;
    let rows = logits.chunks_exact(width).zip(exps.chunks_exact(width));
    for ((row_a, row_e), row_x) in rows.zip(x.chunks_exact(width)) {
        total += sum_in_order(width, |at, terms| {
            let (row_a, row_e) = (&row_a[at.clone()], &row_e[at.clone()]);
            for (t, ((&a, &e), &x)) in terms
                .iter_mut()
                .zip(row_a.iter().zip(row_e).zip(&row_x[at]))
            {
                *t = bernoulli_term(a, e, x);
            }
        });
    }
    total
}

impl Act {
    fn apply<T: Real>(self, pre: T) -> T {
        match self {
            Act::Sigmoid => sigmoid(pre),
            Act::Relu => pre.max(T::ZERO),
            Act::Linear => pre,
        }
    }

    /// g′ at the pre-activation `pre` with output `y`.
    pub(super) fn slope<T: Real>(self, pre: T, y: T) -> T {
        match self {
            Act::Sigmoid => y * (T::ONE - y),
            Act::Relu => {
                if pre > T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }
            Act::Linear => T::ONE,
        }
    }

    /// g″ from the output (0 almost everywhere for ReLU and linear).
    pub(super) fn curvature<T: Real>(self, y: T) -> T {
        match self {
            Act::Sigmoid => y * (T::ONE - y) * (T::ONE - T::from_f64(2.0) * y),
            Act::Relu | Act::Linear => T::ZERO,
        }
    }
}

/// The shape of a network, all of it from the lesson's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct AeShape {
    /// Input width (784 for the digits).
    pub input: usize,
    /// Encoder hidden widths, input side first; the decoder mirrors them.
    pub hidden: Vec<usize>,
    /// Code size (above `input` the autoencoder is overcomplete).
    pub code: usize,
    /// The hidden layers' activation.
    pub act: Act,
    /// The code layer's activation (sigmoid for the contractive closed form).
    pub code_act: Act,
    /// Decoder weights are the encoder's, transposed.
    pub tied: bool,
    pub output: Output,
    /// What the decoder reads: the code, or a sample of the Gaussian the code layer describes
    /// (then `code` is the dimension of z and the code layer gives μ and log σ²).
    pub latent: Latent,
    /// Width of a condition (a one-hot label: the conditional VAE) that the encoder reads
    /// beside the input and the decoder beside the code; 0 for none. Rows of the encoder's
    /// input are then `input + condition` wide, the condition last.
    pub condition: usize,
}

/// One layer: y = act(x · W + b), W at `w` (n_in × n_out, row-major), or with `transposed` the
/// mirror encoder layer's W (n_out × n_in) used as Wᵀ. Offsets index [`AeNet::params`]; a device
/// twin lays its buffers out by them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layer {
    pub n_in: usize,
    pub n_out: usize,
    pub w: usize,
    pub transposed: bool,
    pub b: usize,
    pub act: Act,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AeNet<T> {
    pub shape: AeShape,
    pub params: Vec<T>,
    layers: Vec<Layer>,
    /// Index of the code layer in `layers` (the last of the encoder).
    code_layer: usize,
}

/// What a forward pass keeps for the backward pass; reused between steps.
#[derive(Clone, Debug, Default)]
pub struct Workspace<T> {
    batch: usize,
    /// acts[0] is the (possibly corrupted) input, acts[l + 1] the output of layer l: the code at
    /// `code_layer + 1`, the reconstruction (sigmoid or linear) last.
    acts: Vec<Vec<T>>,
    /// pre[l]: layer l's pre-activation, batch × n_out (the last one holds the logits).
    pre: Vec<Vec<T>>,
    d_pre: Vec<T>,
    d_in: Vec<T>,
    /// A Gaussian code's ε (empty: ε = 0), σ and the sample z the decoder read (batch × code).
    eps: Vec<T>,
    sigma: Vec<T>,
    z: Vec<T>,
    /// Where the code sits in `acts`, and its dimension (z's, for a Gaussian code).
    code_at: usize,
    code: usize,
    /// A conditioned net's condition rows (batch × condition) and what its decoder read: the
    /// code (or z) with the condition beside it (batch × (code + condition)).
    cond: Vec<T>,
    dec_in: Vec<T>,
    /// e^{−|a|} of the last sigmoid layer run (its pre-activations'): the Bernoulli output's.
    exps: Vec<T>,
}

impl<T: Real> Workspace<T> {
    /// The code of the last batch: batch × code.
    pub fn code<'a>(&'a self, net: &AeNet<T>) -> &'a [T] {
        &self.acts[net.code_layer + 1]
    }

    /// The reconstruction of the last batch (after the output's sigmoid, if any): batch × input.
    pub fn output(&self) -> &[T] {
        self.acts.last().map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// The output layer's pre-activations of the last batch (the logits of a sigmoid output).
    pub fn logits(&self) -> &[T] {
        self.pre.last().map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// A Gaussian code's μ and log σ² for image `b` of the last batch encoded.
    pub fn encoding(&self, b: usize) -> (&[T], &[T]) {
        let k = self.code;
        self.acts[self.code_at][b * 2 * k..(b + 1) * 2 * k].split_at(k)
    }

    /// What the decoder read for the last batch: z = μ + σ ε for a Gaussian code (batch × code).
    pub fn latent(&self) -> &[T] {
        &self.z
    }
}

/// A batch's losses, summed over its images.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchLoss {
    /// Reconstruction loss against the clean input (nats for Bernoulli, squared error else).
    pub rec: f64,
    /// The regulariser's value, λ (or β) included.
    pub penalty: f64,
    /// A Gaussian code's KL(q(z|x) ‖ N(0, I)), without β (0 for a point code).
    pub kl: f64,
}

impl<T: Real> AeNet<T> {
    /// Glorot-uniform weights, zero biases. With tied weights only the encoder's are drawn.
    pub fn new(shape: AeShape, rng: &mut Rng) -> Self {
        assert!(
            !(shape.tied && shape.latent == Latent::Gaussian),
            "a Gaussian code's layer (μ, log σ²) has no transpose for the decoder"
        );
        assert!(
            !(shape.tied && shape.condition > 0),
            "a conditioned layer is wider than its mirror: it has no transpose"
        );
        let cond = shape.condition;
        let mut widths = vec![shape.input];
        widths.extend(&shape.hidden);
        widths.push(shape.code);
        let enc_layers = widths.len() - 1;
        let mut layers = Vec::new();
        let mut params = Vec::new();
        let mut glorot = |params: &mut Vec<T>, n_in: usize, n_out: usize| {
            let limit = (6.0 / (n_in + n_out) as f64).sqrt();
            let at = params.len();
            params.extend(
                (0..n_in * n_out).map(|_| T::from_f64((2.0 * rng.uniform() - 1.0) * limit)),
            );
            at
        };
        for l in 0..enc_layers {
            let (mut n_in, mut n_out) = (widths[l], widths[l + 1]);
            if l == 0 {
                n_in += cond;
            }
            if l + 1 == enc_layers {
                n_out = shape.latent.encoder_width(n_out);
            }
            let w = glorot(&mut params, n_in, n_out);
            let b = params.len();
            params.extend(std::iter::repeat_n(T::ZERO, n_out));
            let act = if l + 1 == enc_layers {
                shape.code_act
            } else {
                shape.act
            };
            layers.push(Layer {
                n_in,
                n_out,
                w,
                transposed: false,
                b,
                act,
            });
        }
        for l in (0..enc_layers).rev() {
            let (mut n_in, n_out) = (widths[l + 1], widths[l]);
            if l + 1 == enc_layers {
                n_in += cond;
            }
            let (w, transposed) = if shape.tied {
                (layers[l].w, true)
            } else {
                (glorot(&mut params, n_in, n_out), false)
            };
            let b = params.len();
            params.extend(std::iter::repeat_n(T::ZERO, n_out));
            let act = match (l, shape.output.sigmoid()) {
                (0, true) => Act::Sigmoid,
                (0, false) => Act::Linear,
                _ => shape.act,
            };
            layers.push(Layer {
                n_in,
                n_out,
                w,
                transposed,
                b,
                act,
            });
        }
        AeNet {
            shape,
            params,
            layers,
            code_layer: enc_layers - 1,
        }
    }

    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// The layers in the order a forward pass runs them: the encoder, then the decoder.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// Index in [`AeNet::layers`] of the code layer (the encoder's last).
    pub fn code_layer(&self) -> usize {
        self.code_layer
    }

    /// The code layer's W (its input width × code, row-major): the encoder's filters when the
    /// encoder has one layer, and what the contractive penalty reads.
    pub fn code_weights(&self) -> &[T] {
        let l = self.layers[self.code_layer];
        &self.params[l.w..l.w + l.n_in * l.n_out]
    }

    /// The first encoder layer's W (input × its width): each column is a filter over the pixels.
    pub fn first_weights(&self) -> (&[T], usize) {
        let l = self.layers[0];
        (&self.params[l.w..l.w + l.n_in * l.n_out], l.n_out)
    }

    /// The output layer's weights as one row of `input` values per unit feeding it (the code
    /// units, for an encoder without hidden layers): the directions a linear decoder spans.
    pub fn output_basis(&self) -> Vec<f64> {
        let l = *self.layers.last().expect("a decoder layer");
        let w = &self.params[l.w..l.w + l.n_in * l.n_out];
        if l.transposed {
            // Stored as n_out × n_in: its columns are the rows wanted.
            (0..l.n_in)
                .flat_map(|r| (0..l.n_out).map(move |c| w[c * l.n_in + r].to_f64()))
                .collect()
        } else {
            w.iter().map(|v| v.to_f64()).collect()
        }
    }

    /// Starts the output at the data's mean image `mean` (values in [0, 1]): the output bias
    /// becomes logit(mean) for a sigmoid output, the mean itself for a linear one. Without it a
    /// sigmoid code under a sigmoid output first learns to act as the output's bias — every unit
    /// saturated at 1 — and sits on that plateau of the mean image for thousands of steps.
    pub fn start_at_mean(&mut self, mean: &[f64]) {
        let l = *self.layers.last().expect("a decoder layer");
        let bias = &mut self.params[l.b..l.b + l.n_out];
        for (b, &m) in bias.iter_mut().zip(mean) {
            *b = T::from_f64(match self.shape.output {
                Output::Bernoulli | Output::Gaussian { .. } => {
                    let m = m.clamp(1e-3, 1.0 - 1e-3);
                    libm::log(m / (1.0 - m))
                }
                Output::Squared => m,
            });
        }
    }

    /// Layer `l` on `x`: its pre-activations and output, and for a sigmoid layer e^{−|a|} of
    /// every pre-activation in `exps`.
    fn layer_forward(
        &self,
        l: Layer,
        x: &[T],
        batch: usize,
        pre: &mut Vec<T>,
        y: &mut Vec<T>,
        exps: &mut Vec<T>,
    ) {
        let w = &self.params[l.w..l.w + l.n_in * l.n_out];
        let b = &self.params[l.b..l.b + l.n_out];
        pre.resize(batch * l.n_out, T::ZERO);
        if l.transposed {
            matmul_a_bt(x, w, pre, batch, l.n_in, l.n_out);
            for row in pre.chunks_exact_mut(l.n_out) {
                for (p, &bias) in row.iter_mut().zip(b) {
                    *p += bias;
                }
            }
        } else {
            for row in pre.chunks_exact_mut(l.n_out) {
                row.copy_from_slice(b);
            }
            matmul_acc(x, w, pre, batch, l.n_in, l.n_out);
        }
        y.resize(pre.len(), T::ZERO);
        if l.act == Act::Sigmoid {
            // e^{−|a|} in a loop of its own, kept: the Bernoulli loss reads the output's.
            exps.clear();
            exps.extend(pre.iter().map(|&p| (-p.abs()).exp()));
            for ((y, &p), &e) in y.iter_mut().zip(pre.iter()).zip(exps.iter()) {
                *y = sigmoid_given_exp(p, e);
            }
        } else {
            for (y, &p) in y.iter_mut().zip(pre.iter()) {
                *y = l.act.apply(p);
            }
        }
    }

    /// Encodes and decodes `input` (batch × input: the corrupted digits for a denoising
    /// autoencoder, else the clean ones); scores the reconstruction against `clean` and the
    /// code against `penalty`. Returns the sums over the batch.
    pub fn forward_loss(
        &self,
        input: &[T],
        clean: &[T],
        batch: usize,
        penalty: &Penalty,
        ws: &mut Workspace<T>,
    ) -> BatchLoss {
        self.forward_loss_noisy(input, clean, &[], batch, penalty, ws)
    }

    /// The layers `from..to` on the batch, layer `from` reading `x` (when given) instead of its
    /// input in the workspace. A Gaussian code is sampled with `eps` as the code layer passes
    /// (empty: ε = 0); returns its KL, summed over the batch.
    fn run_layers(
        &self,
        (from, to): (usize, usize),
        x: Option<&[T]>,
        eps: &[T],
        batch: usize,
        ws: &mut Workspace<T>,
    ) -> f64 {
        let n = self.layers.len();
        let c = self.code_layer;
        ws.batch = batch;
        ws.acts.resize(n + 1, Vec::new());
        ws.pre.resize(n, Vec::new());
        ws.code_at = c + 1;
        ws.code = self.shape.code;
        if let Some(x) = x {
            ws.acts[from].clear();
            ws.acts[from].extend_from_slice(x);
        }
        let cond = self.shape.condition;
        if from == 0 && cond > 0 {
            // The condition is the encoder input's last columns; the decoder reads it again.
            let width = self.shape.input + cond;
            ws.cond.clear();
            for row in ws.acts[0].chunks_exact(width) {
                ws.cond.extend_from_slice(&row[self.shape.input..]);
            }
        }
        let gaussian = self.shape.latent == Latent::Gaussian;
        let mut kl = 0.0;
        for i in from..to {
            let l = self.layers[i];
            if cond > 0 && i == c + 1 {
                let code: &[T] = if gaussian { &ws.z } else { &ws.acts[i] };
                ws.dec_in.clear();
                for (z, y) in code
                    .chunks_exact(self.shape.code)
                    .zip(ws.cond.chunks_exact(cond))
                {
                    ws.dec_in.extend_from_slice(z);
                    ws.dec_in.extend_from_slice(y);
                }
            }
            let (done, rest) = ws.acts.split_at_mut(i + 1);
            // The decoder reads the sample z of a Gaussian code, and the condition beside it.
            let x: &[T] = if cond > 0 && i == c + 1 {
                &ws.dec_in
            } else if gaussian && i == c + 1 {
                &ws.z
            } else {
                &done[i]
            };
            self.layer_forward(l, x, batch, &mut ws.pre[i], &mut rest[0], &mut ws.exps);
            if gaussian && i == c {
                ws.eps.clear();
                ws.eps.extend_from_slice(eps);
                kl = latent::reparameterise(&rest[0], eps, ws.code, &mut ws.sigma, &mut ws.z);
            }
        }
        kl
    }

    /// The encoder alone on `input` (batch × input): the code, or a Gaussian code's μ and
    /// log σ² ([`Workspace::encoding`]).
    pub fn encode(&self, input: &[T], batch: usize, ws: &mut Workspace<T>) {
        self.run_layers((0, self.code_layer + 1), Some(input), &[], batch, ws);
    }

    /// The decoder alone on codes `z` (batch × code, or batch × (code + condition) with the
    /// condition last for a conditioned net): the reconstruction ([`Workspace::output`]) and
    /// its logits.
    pub fn decode(&self, z: &[T], batch: usize, ws: &mut Workspace<T>) {
        let first = self.code_layer + 1;
        let (code, cond) = (self.shape.code, self.shape.condition);
        let mut codes = Vec::with_capacity(batch * code);
        ws.cond.clear();
        for row in z.chunks_exact(code + cond) {
            codes.extend_from_slice(&row[..code]);
            ws.cond.extend_from_slice(&row[code..]);
        }
        if self.shape.latent == Latent::Gaussian {
            ws.z = codes;
            self.run_layers((first, self.layers.len()), None, &[], batch, ws);
        } else {
            self.run_layers((first, self.layers.len()), Some(&codes), &[], batch, ws);
        }
    }

    /// [`AeNet::forward_loss`] with a Gaussian code's noise ε (batch × code; empty: ε = 0):
    /// the decoder reads z = μ + σ ε, and the KL term joins the losses.
    pub fn forward_loss_noisy(
        &self,
        input: &[T],
        clean: &[T],
        eps: &[T],
        batch: usize,
        penalty: &Penalty,
        ws: &mut Workspace<T>,
    ) -> BatchLoss {
        let n = self.layers.len();
        let kl = self.run_layers((0, n), Some(input), eps, batch, ws);
        let logits = &ws.pre[n - 1];
        let out = &ws.acts[n];
        let mut rec = 0.0;
        match self.shape.output {
            // Σ (y − x)² / 2σ² + (D/2) log 2πσ², in the network's precision like the
            // cross-entropy: a device twin's sums then match the CPU's bit for bit.
            Output::Gaussian { sigma } => {
                let width = self.shape.input;
                let scale = T::from_f64(0.5 / (sigma * sigma));
                let norm = T::from_f64(
                    0.5 * width as f64 * libm::log(2.0 * std::f64::consts::PI * sigma * sigma),
                );
                let mut total = T::ZERO;
                for (row_y, row_x) in out.chunks_exact(width).zip(clean.chunks_exact(width)) {
                    let mut sq = T::ZERO;
                    for (&y, &x) in row_y.iter().zip(row_x) {
                        sq += (y - x) * (y - x);
                    }
                    total += sq * scale + norm;
                }
                rec = total.to_f64();
            }
            Output::Bernoulli => {
                // The last layer run is the sigmoid output: `exps` holds its e^{−|a|}.
                let width = self.shape.input;
                rec = bernoulli_nll_given_exps(logits, &ws.exps, clean, width).to_f64();
            }
            Output::Squared => {
                for (&y, &x) in out.iter().zip(clean) {
                    rec += ((y - x) * (y - x)).to_f64();
                }
            }
        }
        if self.shape.latent == Latent::Gaussian {
            return BatchLoss {
                rec,
                penalty: penalty.kl_weight() * kl,
                kl,
            };
        }
        let code_l = self.layers[self.code_layer];
        let penalty = penalty.value(
            &ws.acts[self.code_layer + 1],
            &ws.pre[self.code_layer],
            code_l.act,
            self.code_weights(),
            code_l.n_in,
        );
        BatchLoss {
            rec,
            penalty,
            kl: 0.0,
        }
    }

    /// The net on `x` (n × input) reconstructed against itself: the summed −log p(x|y) and
    /// squared error, and the codes (n × code) — what a lesson's row scores, and the CPU twin
    /// of a device's scoring pass.
    pub fn score_set(&self, x: &[T], ws: &mut Workspace<T>) -> (f64, f64, Vec<T>) {
        let n = x.len() / self.shape.input;
        let loss = self.forward_loss(x, x, n, &Penalty::NONE, ws);
        let sq = ws
            .output()
            .iter()
            .zip(x)
            .map(|(&y, &x)| (y - x).to_f64().powi(2))
            .sum();
        (loss.rec, sq, ws.code(self).to_vec())
    }

    /// `penalty` summed over point codes (n × code) from the codes alone: a unit's slope is
    /// read off its output (a ReLU's pre-activation is positive exactly where its output is),
    /// so this is the value [`AeNet::forward_loss`] adds, bit for bit.
    pub fn code_penalty(&self, penalty: &Penalty, codes: &[T]) -> f64 {
        let l = self.layers[self.code_layer];
        penalty.value(codes, codes, l.act, self.code_weights(), l.n_in)
    }

    /// Gradient of the batch mean of (reconstruction + penalty) after [`AeNet::forward_loss`]
    /// (or [`AeNet::forward_loss_noisy`], whose ε it reuses) on the same batch, into `d_params`
    /// (overwritten).
    pub fn backward(
        &self,
        clean: &[T],
        penalty: &Penalty,
        ws: &mut Workspace<T>,
        d_params: &mut [T],
    ) {
        self.backward_adding(clean, penalty, &[], ws, d_params);
    }

    /// [`AeNet::backward`] with `code_grad` (batch × code, ∂L/∂code in the loss's own scale;
    /// empty for none) added at the point code: a regulariser of the batch's codes as a whole —
    /// the MMD between them and prior samples, a discriminator's verdict on them — that no
    /// per-image penalty can express.
    pub fn backward_adding(
        &self,
        clean: &[T],
        penalty: &Penalty,
        code_grad: &[T],
        ws: &mut Workspace<T>,
        d_params: &mut [T],
    ) {
        let batch = ws.batch;
        let inv_b = T::ONE / T::from_f64(batch as f64);
        d_params.fill(T::ZERO);
        let n = self.layers.len();
        // ∂/∂logits: σ(a) − x for Bernoulli; 2 (y − x) for squared error with a linear output;
        // (y − x) y (1 − y) / σ² for a Gaussian around the sigmoid's y.
        let out = &ws.acts[n];
        ws.d_pre.clear();
        ws.d_pre.extend(
            out.iter()
                .zip(clean)
                .map(|(&y, &x)| match self.shape.output {
                    Output::Bernoulli => (y - x) * inv_b,
                    Output::Squared => T::from_f64(2.0) * (y - x) * inv_b,
                    Output::Gaussian { sigma } => {
                        (y - x) * y * (T::ONE - y) * T::from_f64(1.0 / (sigma * sigma)) * inv_b
                    }
                }),
        );
        self.backward_from(n - 1, penalty, code_grad, ws, d_params);
    }

    /// The encoder's gradient of a loss on the codes alone (`code_grad`, batch × code) after a
    /// forward pass on the batch, into `d_params` (overwritten; the decoder's entries stay 0):
    /// the adversarial autoencoder's generator phase, where the encoder alone learns to fool
    /// the discriminator. A point code only.
    pub fn encoder_backward(&self, code_grad: &[T], ws: &mut Workspace<T>, d_params: &mut [T]) {
        assert_eq!(self.shape.latent, Latent::Point, "a point code");
        assert_eq!(code_grad.len(), ws.batch * self.shape.code);
        d_params.fill(T::ZERO);
        ws.d_pre.clear();
        ws.d_pre.resize(code_grad.len(), T::ZERO);
        self.backward_from(self.code_layer, &Penalty::NONE, code_grad, ws, d_params);
    }

    /// The backward pass from layer `top` down, `ws.d_pre` holding ∂L/∂(output of `top`) —
    /// ∂L/∂(pre-activation) for the output layer — and `code_grad` added at the point code.
    fn backward_from(
        &self,
        top: usize,
        penalty: &Penalty,
        code_grad: &[T],
        ws: &mut Workspace<T>,
        d_params: &mut [T],
    ) {
        let batch = ws.batch;
        let inv_b = T::ONE / T::from_f64(batch as f64);
        let n = self.layers.len();
        for i in (0..=top).rev() {
            let l = self.layers[i];
            if i == self.code_layer && self.shape.latent == Latent::Gaussian {
                // ws.d_pre holds ∂L/∂z: through the sample and β·KL to ∂L/∂(μ, log σ²).
                ws.d_in.clear();
                ws.d_in.resize(batch * l.n_out, T::ZERO);
                latent::backward(
                    &ws.acts[i + 1],
                    &ws.eps,
                    &ws.sigma,
                    &ws.d_pre,
                    T::from_f64(penalty.kl_weight()),
                    inv_b,
                    self.shape.code,
                    &mut ws.d_in,
                );
                std::mem::swap(&mut ws.d_pre, &mut ws.d_in);
                let (pre, y) = (&ws.pre[i], &ws.acts[i + 1]);
                for ((d, &p), &y) in ws.d_pre.iter_mut().zip(pre).zip(y) {
                    *d *= l.act.slope(p, y);
                }
            } else if i == self.code_layer {
                // The code's own terms: the penalty's ∂/∂h and ∂/∂(pre-activation) beside
                // what the decoder sends back; ws.d_pre holds ∂L/∂h here.
                for (d, &g) in ws.d_pre.iter_mut().zip(code_grad) {
                    *d += g;
                }
                let h = &ws.acts[i + 1];
                let pre = &ws.pre[i];
                penalty.add_code_gradient(
                    h,
                    pre,
                    l.act,
                    &mut ws.d_pre,
                    inv_b,
                    self.code_weights(),
                    l.n_in,
                );
                for ((d, &p), &y) in ws.d_pre.iter_mut().zip(pre).zip(h) {
                    *d *= l.act.slope(p, y);
                }
                penalty.add_pre_gradient(
                    h,
                    pre,
                    l.act,
                    &mut ws.d_pre,
                    inv_b,
                    self.code_weights(),
                    l.n_in,
                );
                let w_end = l.w + l.n_in * l.n_out;
                penalty.add_weight_gradient(
                    h,
                    pre,
                    l.act,
                    &self.params[l.w..w_end],
                    l.n_in,
                    inv_b,
                    &mut d_params[l.w..w_end],
                );
            } else if i + 1 < n {
                let (pre, y) = (&ws.pre[i], &ws.acts[i + 1]);
                for ((d, &p), &y) in ws.d_pre.iter_mut().zip(pre).zip(y) {
                    *d *= l.act.slope(p, y);
                }
            }
            // ws.d_pre is now ∂L/∂(pre-activation of layer i).
            let cond = self.shape.condition;
            let x: &[T] = if cond > 0 && i == self.code_layer + 1 {
                &ws.dec_in
            } else if self.shape.latent == Latent::Gaussian && i == self.code_layer + 1 {
                &ws.z
            } else {
                &ws.acts[i]
            };
            for row in ws.d_pre.chunks_exact(l.n_out) {
                for (db, &d) in d_params[l.b..l.b + l.n_out].iter_mut().zip(row) {
                    *db += d;
                }
            }
            let w_len = l.n_in * l.n_out;
            if l.transposed {
                matmul_at_b_acc(
                    &ws.d_pre,
                    x,
                    &mut d_params[l.w..l.w + w_len],
                    batch,
                    l.n_out,
                    l.n_in,
                );
            } else {
                matmul_at_b_acc(
                    x,
                    &ws.d_pre,
                    &mut d_params[l.w..l.w + w_len],
                    batch,
                    l.n_in,
                    l.n_out,
                );
            }
            if i == 0 {
                break;
            }
            let w = &self.params[l.w..l.w + w_len];
            ws.d_in.clear();
            ws.d_in.resize(batch * l.n_in, T::ZERO);
            if l.transposed {
                matmul_acc(&ws.d_pre, w, &mut ws.d_in, batch, l.n_out, l.n_in);
            } else {
                matmul_a_bt(&ws.d_pre, w, &mut ws.d_in, batch, l.n_out, l.n_in);
            }
            if cond > 0 && i == self.code_layer + 1 {
                // The condition is data, not a function of the parameters: only the code's
                // columns carry the gradient on.
                let code = self.shape.code;
                ws.d_pre.clear();
                for row in ws.d_in.chunks_exact(code + cond) {
                    ws.d_pre.extend_from_slice(&row[..code]);
                }
                continue;
            }
            std::mem::swap(&mut ws.d_pre, &mut ws.d_in);
        }
    }

    /// Whether the penalty can be computed in closed form here (the contractive one needs a
    /// code layer; it is the code layer's Jacobian with respect to its own input).
    pub fn penalty_kind_note(&self, kind: PenaltyKind) -> Option<&'static str> {
        (kind == PenaltyKind::Contractive && !self.shape.hidden.is_empty())
            .then_some("the contractive penalty is the code layer's Jacobian with respect to the last hidden layer, not to the pixels")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autoencoder::settings::CodePenalty;
    use crate::gradcheck::max_error_with_floor;
    use crate::settings::ChoiceEnum;

    fn batch(rng: &mut Rng, n: usize) -> Vec<f64> {
        (0..n).map(|_| rng.uniform()).collect()
    }

    /// A forward pass's Bernoulli loss reads the output sigmoid's e^{−|a|} (and a sigmoid
    /// hidden layer's run before it must not be the one read): the same bits as the loss
    /// recomputed from the logits, in f32 and f64, with weights large enough that e^{−|a|}
    /// underflows for some pixels.
    #[test]
    fn the_loss_from_the_outputs_exps_has_the_logits_bits() {
        fn check<T: Real>(rng: &mut Rng) {
            let (input, n) = (37, 5);
            for (hidden, latent) in [(vec![], Latent::Point), (vec![11], Latent::Gaussian)] {
                let shape = AeShape {
                    input,
                    hidden,
                    code: 3,
                    act: Act::Sigmoid,
                    code_act: Act::Sigmoid,
                    tied: false,
                    output: Output::Bernoulli,
                    latent,
                    condition: 0,
                };
                let mut net = AeNet::<T>::new(shape, rng);
                for p in net.params.iter_mut() {
                    *p = T::from_f64(40.0 * rng.normal());
                }
                let x: Vec<T> = (0..n * input).map(|_| T::from_f64(rng.uniform())).collect();
                let eps: Vec<T> = (0..n * 3).map(|_| T::from_f64(rng.normal())).collect();
                let mut ws = Workspace::default();
                let loss = net.forward_loss_noisy(&x, &x, &eps, n, &Penalty::NONE, &mut ws);
                let logits = ws.logits().to_vec();
                assert!(
                    logits.iter().any(|a| a.to_f64() < -104.0),
                    "no underflowing pixel"
                );
                let want = bernoulli_nll(&logits, &x, input).to_f64();
                assert_eq!(loss.rec.to_bits(), want.to_bits(), "{} vs {want}", loss.rec);
            }
        }
        let mut rng = Rng::new(31);
        check::<f32>(&mut rng);
        check::<f64>(&mut rng);
    }

    /// Every activation, output, tying, depth, penalty and code (a point, or the VAE's
    /// Gaussian with its KL term through the reparameterisation): the hand-written backward
    /// pass against central differences of the forward pass, in f64.
    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = Rng::new(8);
        let (input, b) = (7, 3);
        let mut worst = 0.0f64;
        let mut cases = vec![];
        for tied in [false, true] {
            for kind in CodePenalty::ALL.iter().map(|p| p.kind()) {
                cases.push((Latent::Point, tied, kind));
            }
        }
        for kind in [PenaltyKind::None, PenaltyKind::Kl] {
            cases.push((Latent::Gaussian, false, kind));
        }
        // A condition (the CVAE's one-hot label) beside the input and the code; untied only.
        let conditions = |tied: bool| if tied { vec![0] } else { vec![0, 3] };
        for &act in Act::ALL {
            for &code_act in Act::ALL {
                for output in Output::all(0.7) {
                    for &(latent, tied, kind) in &cases {
                        for hidden in [vec![], vec![5]] {
                            for condition in conditions(tied) {
                                let shape = AeShape {
                                    input,
                                    hidden: hidden.clone(),
                                    code: 4,
                                    act,
                                    code_act,
                                    tied,
                                    output,
                                    latent,
                                    condition,
                                };
                                let mut net = AeNet::<f64>::new(shape.clone(), &mut rng);
                                // Non-zero biases, so ReLU units sit on both sides of their kink.
                                for p in net.params.iter_mut() {
                                    *p += 0.1 * rng.normal();
                                }
                                let penalty = Penalty { kind, lambda: 0.7 };
                                let x = batch(&mut rng, b * (input + condition));
                                let clean = batch(&mut rng, b * input);
                                // ε for a Gaussian code (a point code reads none).
                                let eps: Vec<f64> = match latent {
                                    Latent::Point => vec![],
                                    Latent::Gaussian => (0..b * 4).map(|_| rng.normal()).collect(),
                                };
                                let mut ws = Workspace::default();
                                net.forward_loss_noisy(&x, &clean, &eps, b, &penalty, &mut ws);
                                let mut grad = vec![0.0; net.n_params()];
                                net.backward(&clean, &penalty, &mut ws, &mut grad);
                                let params = net.params.clone();
                                let (err, at) = max_error_with_floor(
                                    &params,
                                    &grad,
                                    |p| {
                                        net.params.copy_from_slice(p);
                                        let l = net.forward_loss_noisy(
                                            &x,
                                            &clean,
                                            &eps,
                                            b,
                                            &penalty,
                                            &mut Workspace::default(),
                                        );
                                        (l.rec + l.penalty) / b as f64
                                    },
                                    1e-6,
                                    usize::MAX,
                                    // Differences of a loss near 5 carry ≈ 5e-10 of rounding
                                    // noise: gradients below 1e-4 are judged absolutely.
                                    1e-4,
                                );
                                // Measured worst over all 864 variants: 8.1e-6 (a ReLU
                                // or |h| kink inside the ±h step); a wrong term gives ≥ 1e-2.
                                assert!(
                                    err < 1e-4,
                                    "{shape:?} {kind:?}: relative error {err:.2e} at parameter {at}"
                                );
                                worst = worst.max(err);
                            }
                        }
                    }
                }
            }
        }
        println!("worst relative gradient error over all variants: {worst:.2e}");
    }

    /// A loss on the batch's codes as a whole enters as ∂L/∂code (the latent-shaping lesson's
    /// MMD and discriminator): with L′ = L + Σ G ⊙ h for a fixed G, `backward_adding` with G is
    /// ∂L′/∂θ, and `encoder_backward` with G is ∂(Σ G ⊙ h)/∂θ — the decoder's entries 0.
    /// Against central differences, every activation, depth and tying, in f64 (measured worst
    /// 1.3e-6; leaving G out of either pass gives errors of order 1).
    #[test]
    fn a_gradient_on_the_codes_reaches_the_encoder() {
        let mut rng = Rng::new(19);
        let (input, b, code) = (6, 4, 2);
        let mut worst = 0.0f64;
        for &act in Act::ALL {
            for &code_act in Act::ALL {
                for tied in [false, true] {
                    for hidden in [vec![], vec![5]] {
                        let shape = AeShape {
                            input,
                            hidden,
                            code,
                            act,
                            code_act,
                            tied,
                            output: Output::Bernoulli,
                            latent: Latent::Point,
                            condition: 0,
                        };
                        let mut net = AeNet::<f64>::new(shape.clone(), &mut rng);
                        for p in net.params.iter_mut() {
                            *p += 0.1 * rng.normal();
                        }
                        let x = batch(&mut rng, b * input);
                        let g: Vec<f64> = (0..b * code).map(|_| rng.normal()).collect();
                        let code_term = |net: &AeNet<f64>, ws: &Workspace<f64>| -> f64 {
                            ws.code(net).iter().zip(&g).map(|(h, g)| h * g).sum()
                        };
                        let mut ws = Workspace::default();
                        net.forward_loss(&x, &x, b, &Penalty::NONE, &mut ws);
                        let mut grad = vec![0.0; net.n_params()];
                        net.backward_adding(&x, &Penalty::NONE, &g, &mut ws, &mut grad);
                        let mut enc_grad = vec![0.0; net.n_params()];
                        net.encoder_backward(&g, &mut ws, &mut enc_grad);
                        let params = net.params.clone();
                        for (analytic, with_rec) in [(&grad, true), (&enc_grad, false)] {
                            let (err, at) = max_error_with_floor(
                                &params,
                                analytic,
                                |p| {
                                    net.params.copy_from_slice(p);
                                    let mut ws = Workspace::default();
                                    let l = net.forward_loss(&x, &x, b, &Penalty::NONE, &mut ws);
                                    let rec = if with_rec { l.rec / b as f64 } else { 0.0 };
                                    rec + code_term(&net, &ws)
                                },
                                1e-6,
                                usize::MAX,
                                1e-4,
                            );
                            assert!(
                                err < 1e-4,
                                "{shape:?}, reconstruction {with_rec}: error {err:.2e} at {at}"
                            );
                            worst = worst.max(err);
                        }
                        // The generator phase leaves the decoder alone.
                        let decoder_from = net.layers()[net.code_layer() + 1]
                            .w
                            .min(net.layers()[net.code_layer() + 1].b);
                        if !tied {
                            assert!(enc_grad[decoder_from..].iter().all(|&d| d == 0.0));
                        }
                    }
                }
            }
        }
        println!("worst relative gradient error: {worst:.2e}");
    }

    #[test]
    fn tied_weights_share_the_encoders_matrix() {
        let mut rng = Rng::new(1);
        let shape = |tied| AeShape {
            input: 10,
            hidden: vec![6],
            code: 3,
            act: Act::Relu,
            code_act: Act::Sigmoid,
            tied,
            output: Output::Bernoulli,
            latent: crate::autoencoder::latent::Latent::Point,
            condition: 0,
        };
        let free = AeNet::<f64>::new(shape(false), &mut rng);
        let tied = AeNet::<f64>::new(shape(true), &mut rng);
        // W₁ 10×6 + b 6, W₂ 6×3 + b 3, decoder biases 6 and 10; untied adds 3×6 and 6×10.
        assert_eq!(tied.n_params(), 60 + 6 + 18 + 3 + 6 + 10);
        assert_eq!(free.n_params(), tied.n_params() + 18 + 60);
    }
}
