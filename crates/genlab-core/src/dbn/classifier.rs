//! The network "does pre-training help?" fine-tunes: sigmoid hidden layers as wide as the
//! stack's, a softmax over the ten digits on top, the batch's mean cross-entropy as the loss.
//! Each hidden layer's weights (n_in × n_out, row-major) and biases are laid out as an RBM's W
//! and c, so a pre-trained stack hands them over as they are.

use crate::math::log_sum_exp;
use crate::nn::dense::{matmul_a_bt, matmul_acc, matmul_at_b_acc};
use crate::nn::real::sigmoid_direct;
use crate::nn::Real;
use crate::rbm::batched::BatchRbm;
use crate::rng::Rng;

pub const CLASSES: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub struct SigmoidNet<T: Real> {
    /// Widths from the pixels to the ten classes, e.g. [784, 100, 100, 10].
    pub sizes: Vec<usize>,
    pub params: Vec<T>,
}

/// What the forward pass keeps for the backward pass, reused between steps.
#[derive(Clone, Debug, Default)]
pub struct NetWork<T> {
    /// Layer l's input, then the logits: acts[l] is n × sizes[l].
    acts: Vec<Vec<T>>,
    delta: Vec<T>,
    delta_prev: Vec<T>,
    pub d_params: Vec<T>,
}

fn offsets(sizes: &[usize]) -> Vec<usize> {
    let mut off = vec![0];
    for w in sizes.windows(2) {
        off.push(off.last().unwrap() + w[0] * w[1] + w[1]);
    }
    off
}

impl<T: Real> SigmoidNet<T> {
    /// Glorot-uniform weights, zero biases.
    pub fn random(sizes: &[usize], rng: &mut Rng) -> Self {
        let mut params = vec![];
        for w in sizes.windows(2) {
            params.extend(glorot::<T>(w[0], w[1], rng));
        }
        SigmoidNet {
            sizes: sizes.to_vec(),
            params,
        }
    }

    /// Hidden layers from a pre-trained stack (each layer's W and c; a top RBM's label rows
    /// are left out), the softmax layer Glorot-uniform from `rng`.
    pub fn from_stack(layers: &[BatchRbm<T>], sizes: &[usize], rng: &mut Rng) -> Self {
        let mut params = vec![];
        for (layer, w) in layers.iter().zip(sizes.windows(2)) {
            let (n_in, n_out) = (w[0], w[1]);
            params.extend_from_slice(&layer.params[..n_in * n_out]);
            params.extend_from_slice(&layer.params[layer.d * layer.h + layer.d..]);
        }
        let (n_in, n_out) = (sizes[sizes.len() - 2], sizes[sizes.len() - 1]);
        params.extend(glorot::<T>(n_in, n_out, rng));
        SigmoidNet {
            sizes: sizes.to_vec(),
            params,
        }
    }

    /// The logits of a batch (n × 10), left in `work`.
    pub fn forward<'w>(&self, x: &[T], work: &'w mut NetWork<T>) -> &'w [T] {
        let n = x.len() / self.sizes[0];
        let layers = self.sizes.len() - 1;
        work.acts.resize(layers + 1, vec![]);
        work.acts[0].clear();
        work.acts[0].extend_from_slice(x);
        let off = offsets(&self.sizes);
        for l in 0..layers {
            let (n_in, n_out) = (self.sizes[l], self.sizes[l + 1]);
            let (w, b) = self.params[off[l]..off[l + 1]].split_at(n_in * n_out);
            let (before, after) = work.acts.split_at_mut(l + 1);
            let out = &mut after[0];
            out.clear();
            for _ in 0..n {
                out.extend_from_slice(b);
            }
            matmul_acc(&before[l], w, out, n, n_in, n_out); // n × n_out
            if l + 1 < layers {
                out.iter_mut().for_each(|a| *a = sigmoid_direct(*a));
            }
        }
        &work.acts[layers]
    }

    /// The batch's mean cross-entropy, and its gradient in `work.d_params`.
    pub fn gradient(&self, x: &[T], labels: &[u8], work: &mut NetWork<T>) -> f64 {
        let n = labels.len();
        self.forward(x, work);
        let layers = self.sizes.len() - 1;
        let off = offsets(&self.sizes);
        let inv_n = T::from_f64(1.0 / n as f64);
        let mut loss = 0.0;
        work.delta.clear();
        for (row, &y) in work.acts[layers].chunks_exact(CLASSES).zip(labels) {
            let logits: Vec<f64> = row.iter().map(|z| z.to_f64()).collect();
            let lse = log_sum_exp(&logits);
            loss += lse - logits[y as usize];
            for (k, &z) in logits.iter().enumerate() {
                let p = libm::exp(z - lse) - (k == y as usize) as u8 as f64;
                work.delta.push(T::from_f64(p) * inv_n);
            }
        }
        work.d_params.clear();
        work.d_params.resize(self.params.len(), T::ZERO);
        for l in (0..layers).rev() {
            let (n_in, n_out) = (self.sizes[l], self.sizes[l + 1]);
            let (gw, gb) = work.d_params[off[l]..off[l + 1]].split_at_mut(n_in * n_out);
            matmul_at_b_acc(&work.acts[l], &work.delta, gw, n, n_in, n_out); // n_in × n_out
            for row in work.delta.chunks_exact(n_out) {
                for (g, &d) in gb.iter_mut().zip(row) {
                    *g += d;
                }
            }
            if l == 0 {
                break;
            }
            // Back through W, then through the sigmoid of layer l's input.
            work.delta_prev.resize(n * n_in, T::ZERO);
            let w = &self.params[off[l]..off[l] + n_in * n_out];
            matmul_a_bt(&work.delta, w, &mut work.delta_prev, n, n_out, n_in); // n × n_in
            for (d, &a) in work.delta_prev.iter_mut().zip(&work.acts[l]) {
                *d *= a * (T::ONE - a);
            }
            std::mem::swap(&mut work.delta, &mut work.delta_prev);
        }
        loss / n as f64
    }

    /// The most probable class of each row.
    pub fn predict(&self, x: &[T], work: &mut NetWork<T>) -> Vec<u8> {
        self.forward(x, work)
            .chunks_exact(CLASSES)
            .map(|row| {
                let mut best = 0;
                for k in 1..CLASSES {
                    if row[k] > row[best] {
                        best = k;
                    }
                }
                best as u8
            })
            .collect()
    }
}

fn glorot<T: Real>(n_in: usize, n_out: usize, rng: &mut Rng) -> Vec<T> {
    let limit = (6.0 / (n_in + n_out) as f64).sqrt();
    (0..n_in * n_out)
        .map(|_| T::from_f64((2.0 * rng.uniform() - 1.0) * limit))
        .chain(std::iter::repeat_n(T::ZERO, n_out))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fine_tune_gradient_matches_finite_differences() {
        let mut rng = Rng::new(8);
        let net = SigmoidNet::<f64>::random(&[7, 5, 4, CLASSES], &mut rng);
        let x: Vec<f64> = (0..6 * 7).map(|_| rng.uniform()).collect();
        let labels: Vec<u8> = (0..6).map(|i| (i * 3 % 10) as u8).collect();
        let mut work = NetWork::default();
        net.gradient(&x, &labels, &mut work);
        let analytic = work.d_params.clone();
        let (err, at) = crate::gradcheck::max_relative_error(
            &net.params,
            &analytic,
            |p| {
                let probe = SigmoidNet {
                    sizes: net.sizes.clone(),
                    params: p.to_vec(),
                };
                probe.gradient(&x, &labels, &mut NetWork::default())
            },
            1e-5,
            usize::MAX,
        );
        assert!(err < 1e-6, "relative error {err} at {at}");
    }

    /// A stack's W and c land where the network's layers read them, label rows left out.
    #[test]
    fn from_stack_copies_the_hidden_layers() {
        let mut rng = Rng::new(2);
        let l1 = BatchRbm::<f64>::new(6, 4, &mut rng);
        let mut l2 = BatchRbm::<f64>::new(4 + CLASSES, 3, &mut rng);
        l2.params
            .iter_mut()
            .enumerate()
            .for_each(|(i, p)| *p = i as f64);
        let net = SigmoidNet::from_stack(&[l1.clone(), l2.clone()], &[6, 4, 3, CLASSES], &mut rng);
        let mut work = NetWork::default();
        let x = vec![1.0; 6];
        net.forward(&x, &mut work);
        let mut h1 = vec![];
        l1.hidden_probs(&x, 1, &mut h1);
        assert_eq!(&work.acts[1], &h1);
        // Layer 2's first 4 × 3 weights, then its c (the last 3 parameters).
        let off = 6 * 4 + 4;
        assert_eq!(&net.params[off..off + 12], &l2.params[..12]);
        let c = &l2.params[l2.params.len() - 3..];
        assert_eq!(&net.params[off + 12..off + 15], c);
    }
}
