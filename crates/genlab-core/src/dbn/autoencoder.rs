//! One layer of the stacked autoencoder that lecture 004 pre-trains greedily beside the DBN:
//! tied weights, code h = σ(vW + c), reconstruction r = σ(hWᵀ + b), loss the batch's mean
//! cross-entropy Σᵢ −[vᵢ log rᵢ + (1 − vᵢ) log(1 − rᵢ)]. Its parameters are laid out as an
//! RBM's (W d × H, b, c) and it starts from the same weights as the RBM of its layer, so the
//! two pre-trainings differ only in what they optimise.

use crate::autoencoder::model::bernoulli_nll_given_exps;
use crate::nn::dense::{matmul_acc, matmul_at_b_acc};
use crate::nn::Real;
use crate::rbm::batched::BatchRbm;

/// Buffers of one gradient, reused between steps.
#[derive(Clone, Debug, Default)]
pub struct AeWork<T> {
    h: Vec<T>,     // n × H: the codes
    x: Vec<T>,     // n × d: the reconstruction's inputs hWᵀ + b
    e: Vec<T>,     // n × d: e^{−x}, then e^{−|x|}
    d_x: Vec<T>,   // n × d: dL/dx = (σ(x) − v) / n
    d_pre: Vec<T>, // n × H: dL/d(vW + c)
    pub d_params: Vec<T>,
}

/// The loss and, in `work.d_params`, its gradient in the layer's parameter layout.
pub fn gradient<T: Real>(ae: &BatchRbm<T>, v: &[T], work: &mut AeWork<T>) -> f64 {
    let (d, h) = (ae.d, ae.h);
    let n = v.len() / d;
    ae.hidden_probs(v, n, &mut work.h); // n × H
    ae.visible_input(&work.h, n, &mut work.x); // n × d
    let inv_n = T::from_f64(1.0 / n as f64);
    // One exp per pixel serves the reconstruction and the loss: e^{−x} gives σ(x) = 1/(1 + e^{−x})
    // (the gradient's bits as ever), and the loss's e^{−|x|} is e^{−x}, or 1/e^{−x} below 0 (1/∞ = 0
    // where e^{−x} overflows: the limit). With a second exp per pixel for the loss, layer 1
    // pre-trained 5–9 % slower natively.
    work.e.clear();
    work.e.extend(work.x.iter().map(|&x| (-x).exp()));
    work.d_x.clear();
    work.d_x.extend(
        work.e
            .iter()
            .zip(v)
            .map(|(&e, &t)| (T::ONE / (T::ONE + e) - t) * inv_n),
    );
    for (e, &x) in work.e.iter_mut().zip(&work.x) {
        if x < T::ZERO {
            *e = T::ONE / *e;
        }
    }
    // Each row's loss in the layer's precision, the rows added in f64: the device twin's sums.
    // (In f64 per pixel, the loss alone took a third of a pre-training step natively.)
    let loss: f64 = work
        .x
        .chunks_exact(d)
        .zip(work.e.chunks_exact(d))
        .zip(v.chunks_exact(d))
        .map(|((x, e), v)| bernoulli_nll_given_exps(x, e, v, d).to_f64())
        .sum();
    let g = &mut work.d_params;
    g.clear();
    g.resize(ae.params.len(), T::ZERO);
    let (gw, rest) = g.split_at_mut(d * h);
    let (gb, gc) = rest.split_at_mut(d);
    // Decoder: x = hWᵀ + b → dW += d_xᵀ h, db = Σ d_x.
    matmul_at_b_acc(&work.d_x, &work.h, gw, n, d, h); // d × H
                                                      // Encoder: d_pre = (d_x W) ⊙ h(1 − h) → dW += vᵀ d_pre, dc = Σ d_pre.
    work.d_pre.clear();
    work.d_pre.resize(n * h, T::ZERO);
    matmul_acc(&work.d_x, &ae.params[..d * h], &mut work.d_pre, n, d, h); // n × H
    for (dp, &hj) in work.d_pre.iter_mut().zip(&work.h) {
        *dp *= hj * (T::ONE - hj);
    }
    matmul_at_b_acc(v, &work.d_pre, gw, n, d, h);
    for row in work.d_x.chunks_exact(d) {
        for (b, &x) in gb.iter_mut().zip(row) {
            *b += x;
        }
    }
    for row in work.d_pre.chunks_exact(h) {
        for (c, &x) in gc.iter_mut().zip(row) {
            *c += x;
        }
    }
    loss / n as f64
}

/// One plain gradient step; returns the loss before it.
pub fn sgd_step<T: Real>(ae: &mut BatchRbm<T>, v: &[T], lr: f64, work: &mut AeWork<T>) -> f64 {
    let loss = gradient(ae, v, work);
    let lr = T::from_f64(lr);
    for (p, &g) in ae.params.iter_mut().zip(&work.d_params) {
        *p -= lr * g;
    }
    loss
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn tied_autoencoder_gradient_matches_finite_differences() {
        let mut rng = Rng::new(4);
        let (d, h, n) = (9, 5, 4);
        let mut ae = BatchRbm::<f64>::new(d, h, &mut rng);
        ae.params.iter_mut().for_each(|p| *p = 0.5 * rng.normal());
        let v: Vec<f64> = (0..n * d).map(|_| rng.uniform()).collect();
        let mut work = AeWork::default();
        gradient(&ae, &v, &mut work);
        let analytic = work.d_params.clone();
        let (err, at) = crate::gradcheck::max_relative_error(
            &ae.params.clone(),
            &analytic,
            |p| {
                let mut probe = ae.clone();
                probe.params = p.to_vec();
                gradient(&probe, &v, &mut AeWork::default())
            },
            1e-5,
            usize::MAX,
        );
        assert!(err < 1e-6, "relative error {err} at {at}");
    }

    /// The loss from the gradient's one exp per pixel is the Bernoulli loss from the logits, for
    /// logits far past where e^{−x} overflows f32 (x < −88) on both sides.
    #[test]
    fn the_loss_from_the_sigmoids_exps_is_the_logits_loss() {
        let mut rng = Rng::new(6);
        let (d, h, n) = (30, 4, 5);
        let mut ae = BatchRbm::<f32>::new(d, h, &mut rng);
        ae.params
            .iter_mut()
            .for_each(|p| *p = 60.0 * rng.normal() as f32);
        let v: Vec<f32> = (0..n * d).map(|_| rng.uniform() as f32).collect();
        let mut work = AeWork::default();
        let loss = gradient(&ae, &v, &mut work);
        let (mut codes, mut x) = (vec![], vec![]);
        ae.hidden_probs(&v, n, &mut codes);
        ae.visible_input(&codes, n, &mut x);
        assert!(x.iter().any(|&a| a < -100.0) && x.iter().any(|&a| a > 100.0));
        let expected: f64 = x
            .chunks_exact(d)
            .zip(v.chunks_exact(d))
            .map(|(x, v)| crate::autoencoder::model::bernoulli_nll(x, v, d) as f64)
            .sum::<f64>()
            / n as f64;
        assert!(loss.is_finite());
        assert!(
            (loss - expected).abs() <= 1e-6 * expected.abs(),
            "{loss} against {expected}"
        );
    }

    #[test]
    fn sgd_lowers_the_loss() {
        let mut rng = Rng::new(5);
        let mut ae = BatchRbm::<f32>::new(12, 4, &mut rng);
        let v: Vec<f32> = (0..20 * 12)
            .map(|i| ((i / 12 + i % 3) % 2) as f32)
            .collect();
        let mut work = AeWork::default();
        let first = sgd_step(&mut ae, &v, 0.5, &mut work);
        let mut last = first;
        for _ in 0..200 {
            last = sgd_step(&mut ae, &v, 0.5, &mut work);
        }
        assert!(last < 0.8 * first, "{first} → {last}");
    }
}
