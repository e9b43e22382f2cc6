//! A multilayer perceptron on a batch, with its backward pass beside its forward pass.
//!
//! Parameters live in one flat vector (`params`, gradients in `d_params`, same layout), so an
//! optimiser, an exponential moving average or the gradient checker can treat any network alike.
//! Layer l holds W_l (n_in × n_out, row-major) then b_l (n_out). Hidden layers apply the chosen
//! activation; the last layer is linear (the caller adds a sigmoid or not).

use crate::choice_enum;
use crate::math::tanh;
use crate::rng::Rng;

choice_enum! {
    /// The nonlinearity between layers.
    pub enum Activation { Tanh = "tanh", Relu = "relu", LeakyRelu = "leaky_relu" }
}

const LEAK: f64 = 0.2;

impl Activation {
    fn apply(self, x: f64) -> f64 {
        match self {
            Activation::Tanh => tanh(x),
            Activation::Relu => x.max(0.0),
            Activation::LeakyRelu => {
                if x > 0.0 {
                    x
                } else {
                    LEAK * x
                }
            }
        }
    }
    /// Derivative, written in terms of the pre-activation `x` and the output `y` (tanh needs y).
    fn derivative(self, x: f64, y: f64) -> f64 {
        match self {
            Activation::Tanh => 1.0 - y * y,
            Activation::Relu => (x > 0.0) as u8 as f64,
            Activation::LeakyRelu => {
                if x > 0.0 {
                    1.0
                } else {
                    LEAK
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// Widths from input to output, e.g. [1, 16, 16, 1].
    pub sizes: Vec<usize>,
    pub act: Activation,
    pub params: Vec<f64>,
}

/// What the forward pass keeps for the backward pass. Reused between calls: no allocation per
/// step once the batch size is stable.
#[derive(Clone, Debug, Default)]
pub struct Tape {
    batch: usize,
    /// Input of layer l, then the final output: acts[l] is batch × sizes[l].
    acts: Vec<Vec<f64>>,
    /// Pre-activations of layer l: batch × sizes[l+1].
    pre: Vec<Vec<f64>>,
    /// Scratch for the backward pass: gradient w.r.t. layer inputs.
    grad_in: Vec<f64>,
    grad_out: Vec<f64>,
    /// The layer's weights transposed (n_out × n_in), for dL/dx = g Wᵀ as a sum of rows.
    w_t: Vec<f64>,
}

impl Mlp {
    /// Xavier/Glorot-uniform weights (FINDINGS: much faster start than N(0, 0.01²)), zero biases.
    pub fn new(sizes: &[usize], act: Activation, rng: &mut Rng) -> Self {
        let mut params = Vec::new();
        for w in sizes.windows(2) {
            let (n_in, n_out) = (w[0], w[1]);
            let limit = (6.0 / (n_in + n_out) as f64).sqrt();
            params.extend((0..n_in * n_out).map(|_| (2.0 * rng.uniform() - 1.0) * limit));
            params.extend(std::iter::repeat_n(0.0, n_out));
        }
        Mlp {
            sizes: sizes.to_vec(),
            act,
            params,
        }
    }

    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    fn layer_offsets(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        let mut off = 0;
        self.sizes.windows(2).map(move |w| {
            let o = off;
            off += w[0] * w[1] + w[1];
            (o, w[0], w[1])
        })
    }

    /// Forward pass on `x` (batch × sizes[0]); returns the output (batch × last size).
    pub fn forward<'t>(&self, x: &[f64], batch: usize, tape: &'t mut Tape) -> &'t [f64] {
        self.forward_with(&self.params, x, batch, tape)
    }

    /// Forward pass with another parameter vector of the same layout (e.g. an EMA copy).
    pub fn forward_with<'t>(
        &self,
        params: &[f64],
        x: &[f64],
        batch: usize,
        tape: &'t mut Tape,
    ) -> &'t [f64] {
        let n_layers = self.sizes.len() - 1;
        debug_assert_eq!(x.len(), batch * self.sizes[0]);
        tape.batch = batch;
        tape.acts.resize_with(n_layers + 1, Vec::new);
        tape.pre.resize_with(n_layers, Vec::new);
        tape.acts[0].clear();
        tape.acts[0].extend_from_slice(x);
        for (l, (off, n_in, n_out)) in self.layer_offsets().enumerate() {
            let w = &params[off..off + n_in * n_out]; // n_in × n_out
            let b = &params[off + n_in * n_out..off + n_in * n_out + n_out]; // n_out
            let (before, after) = tape.acts.split_at_mut(l + 1);
            let input = &before[l]; // batch × n_in
            let pre = &mut tape.pre[l]; // batch × n_out
            pre.clear();
            pre.resize(batch * n_out, 0.0);
            // Four rows at a time share each load of W's row (the loop is bound by loads and
            // stores, not arithmetic); every output still sums b, then x_i w_i in i's order.
            let mut rows = pre.chunks_exact_mut(4 * n_out);
            let mut inputs = input.chunks_exact(4 * n_in);
            for (out4, in4) in (&mut rows).zip(&mut inputs) {
                let (r0, rest) = out4.split_at_mut(n_out);
                let (r1, rest) = rest.split_at_mut(n_out);
                let (r2, r3) = rest.split_at_mut(n_out);
                for r in [&mut *r0, &mut *r1, &mut *r2, &mut *r3] {
                    r.copy_from_slice(b);
                }
                for (i, w_row) in w.chunks_exact(n_out).enumerate() {
                    let x = [in4[i], in4[n_in + i], in4[2 * n_in + i], in4[3 * n_in + i]];
                    for o in 0..n_out {
                        let wio = w_row[o];
                        r0[o] += x[0] * wio;
                        r1[o] += x[1] * wio;
                        r2[o] += x[2] * wio;
                        r3[o] += x[3] * wio;
                    }
                }
            }
            for (row, x_row) in rows
                .into_remainder()
                .chunks_exact_mut(n_out)
                .zip(inputs.remainder().chunks_exact(n_in))
            {
                row.copy_from_slice(b);
                for (&xi, w_row) in x_row.iter().zip(w.chunks_exact(n_out)) {
                    for (o, &wio) in row.iter_mut().zip(w_row) {
                        *o += xi * wio;
                    }
                }
            }
            let out = &mut after[0];
            out.clear();
            if l + 1 == n_layers {
                out.extend_from_slice(pre);
            } else {
                out.extend(pre.iter().map(|&z| self.act.apply(z)));
            }
        }
        &tape.acts[n_layers]
    }

    /// Backward pass for the most recent forward on `tape`: given dL/d(output) (batch × out),
    /// adds dL/dθ into `d_params` and returns dL/d(input) (batch × sizes[0]).
    pub fn backward<'t>(
        &self,
        tape: &'t mut Tape,
        d_out: &[f64],
        d_params: &mut [f64],
    ) -> &'t [f64] {
        self.backward_with(&self.params, tape, d_out, d_params)
    }

    pub fn backward_with<'t>(
        &self,
        params: &[f64],
        tape: &'t mut Tape,
        d_out: &[f64],
        d_params: &mut [f64],
    ) -> &'t [f64] {
        let batch = tape.batch;
        let n_layers = self.sizes.len() - 1;
        debug_assert_eq!(d_params.len(), params.len());
        tape.grad_out.clear();
        tape.grad_out.extend_from_slice(d_out); // dL/d(output of layer l), batch × n_out
                                                // Layers last to first, each block's offset counted down from the end (no list of
                                                // offsets allocated per step).
        let mut end = self.n_params();
        for l in (0..n_layers).rev() {
            let (n_in, n_out) = (self.sizes[l], self.sizes[l + 1]);
            let off = end - (n_in * n_out + n_out);
            end = off;
            // Through the activation: dL/d(pre) = dL/d(out) ⊙ f'(pre).
            if l + 1 < n_layers {
                let pre = &tape.pre[l];
                let out = &tape.acts[l + 1];
                for ((g, &z), &y) in tape.grad_out.iter_mut().zip(pre).zip(out) {
                    *g *= self.act.derivative(z, y);
                }
            }
            let w = &params[off..off + n_in * n_out];
            let (d_w, d_b) = d_params[off..off + n_in * n_out + n_out].split_at_mut(n_in * n_out);
            let input = &tape.acts[l];
            // Wᵀ once per layer: dx = g Wᵀ then adds rows of Wᵀ scaled by g, in o's order — the
            // same sums as a dot product per input, bit for bit, but along contiguous memory
            // with no carried sum, so it vectorises (wasm SIMD too).
            let w_t = &mut tape.w_t; // n_out × n_in
            w_t.clear();
            w_t.resize(n_in * n_out, 0.0);
            for i in 0..n_in {
                for o in 0..n_out {
                    w_t[o * n_in + i] = w[i * n_out + o];
                }
            }
            tape.grad_in.clear();
            tape.grad_in.resize(batch * n_in, 0.0);
            let (x, g, d_x) = (&input[..], &tape.grad_out[..], &mut tape.grad_in[..]);
            let mut r = 0;
            while r < batch {
                // Blocks of four rows, then the rest one by one.
                let (rows, block): (usize, BackwardRows) = if r + 4 <= batch {
                    (4, backward_rows::<4>)
                } else {
                    (1, backward_rows::<1>)
                };
                let (xs, gs) = (r * n_in..(r + rows) * n_in, r * n_out..(r + rows) * n_out);
                block(&x[xs.clone()], &g[gs], w_t, d_w, d_b, &mut d_x[xs]);
                r += rows;
            }
            std::mem::swap(&mut tape.grad_in, &mut tape.grad_out);
        }
        &tape.grad_out
    }
}

type BackwardRows = fn(&[f64], &[f64], &[f64], &mut [f64], &mut [f64], &mut [f64]);

/// One layer's backward pass for `R` consecutive rows of the batch: adds their dW = xᵀ g and
/// db = Σ g, and writes dx = g Wᵀ (`w_t` is Wᵀ, n_out × n_in). Each sum takes its terms in the
/// order of the one-row loop (rows in order; o in order for dx), so any `R` gives the same
/// bits; `R` > 1 shares every load of dW and Wᵀ among the rows.
fn backward_rows<const R: usize>(
    x: &[f64],       // R × n_in
    g: &[f64],       // R × n_out
    w_t: &[f64],     // n_out × n_in
    d_w: &mut [f64], // n_in × n_out
    d_b: &mut [f64], // n_out
    d_x: &mut [f64], // R × n_in
) {
    let (n_in, n_out) = (x.len() / R, g.len() / R);
    let g_rows: [&[f64]; R] = std::array::from_fn(|r| &g[r * n_out..(r + 1) * n_out]);
    for g_row in g_rows {
        for (db, &gv) in d_b.iter_mut().zip(g_row) {
            *db += gv;
        }
    }
    for (i, dw_row) in d_w.chunks_exact_mut(n_out).enumerate() {
        let xs: [f64; R] = std::array::from_fn(|r| x[r * n_in + i]);
        for (o, dw) in dw_row.iter_mut().enumerate() {
            let mut acc = *dw;
            for r in 0..R {
                acc += xs[r] * g_rows[r][o];
            }
            *dw = acc;
        }
    }
    for (o, w_t_row) in w_t.chunks_exact(n_in).enumerate() {
        let gs: [f64; R] = std::array::from_fn(|r| g_rows[r][o]);
        for (i, &wt) in w_t_row.iter().enumerate() {
            for r in 0..R {
                d_x[r * n_in + i] += wt * gs[r];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::max_relative_error;

    /// The batch is worked through in blocks of four rows plus a remainder; every sum must still
    /// take its terms in row order, so a batch's outputs, input gradients and (accumulated)
    /// parameter gradients equal those of its rows passed one at a time, bit for bit.
    #[test]
    fn blocked_rows_give_the_bits_of_one_row_at_a_time() {
        let mut rng = Rng::new(9);
        let net = Mlp::new(&[3, 5, 4, 2], Activation::LeakyRelu, &mut rng);
        let batch = 7;
        let x: Vec<f64> = (0..batch * 3).map(|_| rng.normal()).collect();
        let d_out: Vec<f64> = (0..batch * 2).map(|_| rng.normal()).collect();
        let mut tape = Tape::default();
        let y = net.forward(&x, batch, &mut tape).to_vec();
        let mut d_params = vec![0.0; net.n_params()];
        let d_x = net.backward(&mut tape, &d_out, &mut d_params).to_vec();
        let mut d_params_rows = vec![0.0; net.n_params()];
        for r in 0..batch {
            let y_r = net.forward(&x[r * 3..(r + 1) * 3], 1, &mut tape).to_vec();
            assert_eq!(y_r, y[r * 2..(r + 1) * 2], "output of row {r}");
            let d_x_r = net.backward(&mut tape, &d_out[r * 2..(r + 1) * 2], &mut d_params_rows);
            assert_eq!(d_x_r, &d_x[r * 3..(r + 1) * 3], "input gradient of row {r}");
        }
        assert_eq!(d_params, d_params_rows);
    }

    fn check(act: Activation) {
        let mut rng = Rng::new(5);
        let net = Mlp::new(&[3, 5, 4, 2], act, &mut rng);
        let batch = 4;
        // Keep inputs away from ReLU's kink so finite differences are meaningful.
        let x: Vec<f64> = (0..batch * 3).map(|_| rng.normal()).collect();
        let target: Vec<f64> = (0..batch * 2).map(|_| rng.normal()).collect();
        let loss_of = |p: &[f64], x: &[f64]| {
            let mut tape = Tape::default();
            let y = net.forward_with(p, x, batch, &mut tape).to_vec();
            y.iter()
                .zip(&target)
                .map(|(a, t)| 0.5 * (a - t).powi(2))
                .sum::<f64>()
        };
        let mut tape = Tape::default();
        let y = net.forward(&x, batch, &mut tape).to_vec();
        let d_out: Vec<f64> = y.iter().zip(&target).map(|(a, t)| a - t).collect();
        let mut d_params = vec![0.0; net.n_params()];
        let d_x = net.backward(&mut tape, &d_out, &mut d_params).to_vec();
        let (err, at) = max_relative_error(&net.params, &d_params, |p| loss_of(p, &x), 1e-6, 1000);
        assert!(
            err < 1e-6,
            "{act:?}: parameter gradient off by {err} at {at}"
        );
        let (err, at) = max_relative_error(&x, &d_x, |xx| loss_of(&net.params, xx), 1e-6, 1000);
        assert!(err < 1e-6, "{act:?}: input gradient off by {err} at {at}");
    }

    #[test]
    fn gradients_match_finite_differences() {
        check(Activation::Tanh);
        check(Activation::Relu);
        check(Activation::LeakyRelu);
    }

    #[test]
    fn tape_reuse_across_batch_sizes_gives_same_results() {
        let mut rng = Rng::new(9);
        let net = Mlp::new(&[1, 8, 1], Activation::Tanh, &mut rng);
        let x: Vec<f64> = (0..10).map(|i| i as f64 / 10.0).collect();
        let mut fresh = Tape::default();
        let want = net.forward(&x, 10, &mut fresh).to_vec();
        let mut tape = Tape::default();
        net.forward(&x[..3], 3, &mut tape);
        assert_eq!(net.forward(&x, 10, &mut tape), &want[..]);
    }
}
