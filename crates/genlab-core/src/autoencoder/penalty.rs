//! The regularisers on the code h, each its value beside its gradient (lecture 004): the sparse
//! autoencoder's λ Σ|hⱼ| and the contractive autoencoder's λ ‖∂h/∂a‖²_F, where a is the code
//! layer's input (the pixels for a one-layer encoder). With h = g(a · W + b) the Jacobian's
//! squared Frobenius norm has the closed form Σⱼ g′(preⱼ)² Σᵢ Wᵢⱼ² — for a sigmoid code,
//! Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ².

use super::model::Act;
use crate::choice_enum;
use crate::nn::Real;

choice_enum! {
    /// Which regulariser the code carries. `Kl` is the variational autoencoder's β·KL term: it
    /// belongs to a Gaussian code (`super::latent`), where λ is β; a point code has no KL.
    pub enum PenaltyKind { None = "none", Sparse = "sparse", Contractive = "contractive", Kl = "kl" }
}

/// A regulariser and its weight λ.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Penalty {
    pub kind: PenaltyKind,
    pub lambda: f64,
}

impl Penalty {
    pub const NONE: Penalty = Penalty {
        kind: PenaltyKind::None,
        lambda: 0.0,
    };

    /// The weight of the KL term (β) when this is the variational autoencoder's penalty.
    pub fn kl_weight(&self) -> f64 {
        if self.kind == PenaltyKind::Kl {
            self.lambda
        } else {
            0.0
        }
    }

    /// Σᵢ Wᵢⱼ² for each code unit j (W: n_in × code).
    fn column_norms<T: Real>(w: &[T], n_in: usize) -> Vec<T> {
        let code = w.len() / n_in.max(1);
        let mut q = vec![T::ZERO; code];
        for row in w.chunks_exact(code) {
            for (q, &wij) in q.iter_mut().zip(row) {
                *q += wij * wij;
            }
        }
        q
    }

    /// The penalty summed over the batch, λ included. `h`, `pre`: batch × code; `w`: the code
    /// layer's W (n_in × code).
    pub fn value<T: Real>(&self, h: &[T], pre: &[T], act: Act, w: &[T], n_in: usize) -> f64 {
        match self.kind {
            // The KL term is the Gaussian code's own (`super::latent::reparameterise`).
            PenaltyKind::None | PenaltyKind::Kl => 0.0,
            PenaltyKind::Sparse => self.lambda * h.iter().map(|v| v.abs().to_f64()).sum::<f64>(),
            PenaltyKind::Contractive => {
                let q = Self::column_norms(w, n_in);
                let mut total = 0.0;
                for (row_h, row_p) in h.chunks_exact(q.len()).zip(pre.chunks_exact(q.len())) {
                    for ((&y, &p), &qj) in row_h.iter().zip(row_p).zip(&q) {
                        let s = act.slope(p, y);
                        total += (s * s * qj).to_f64();
                    }
                }
                self.lambda * total
            }
        }
    }

    /// Adds ∂(penalty)/∂h × `scale` into `d_h` (the sparse term: λ sign(h)).
    #[allow(clippy::too_many_arguments)]
    pub fn add_code_gradient<T: Real>(
        &self,
        h: &[T],
        _pre: &[T],
        _act: Act,
        d_h: &mut [T],
        scale: T,
        _w: &[T],
        _n_in: usize,
    ) {
        if self.kind == PenaltyKind::Sparse {
            let l = T::from_f64(self.lambda) * scale;
            for (d, &v) in d_h.iter_mut().zip(h) {
                if v > T::ZERO {
                    *d += l;
                } else if v < T::ZERO {
                    *d -= l;
                }
            }
        }
    }

    /// Adds the penalty's own ∂/∂(pre-activation) × `scale` into `d_pre` (the contractive term:
    /// 2λ g′ g″ Σᵢ Wᵢⱼ², zero almost everywhere unless the code is a sigmoid).
    #[allow(clippy::too_many_arguments)]
    pub fn add_pre_gradient<T: Real>(
        &self,
        h: &[T],
        pre: &[T],
        act: Act,
        d_pre: &mut [T],
        scale: T,
        w: &[T],
        n_in: usize,
    ) {
        if self.kind != PenaltyKind::Contractive {
            return;
        }
        let q = Self::column_norms(w, n_in);
        let two_l = T::from_f64(2.0 * self.lambda) * scale;
        for ((row_d, row_h), row_p) in d_pre
            .chunks_exact_mut(q.len())
            .zip(h.chunks_exact(q.len()))
            .zip(pre.chunks_exact(q.len()))
        {
            for (((d, &y), &p), &qj) in row_d.iter_mut().zip(row_h).zip(row_p).zip(&q) {
                *d += two_l * act.slope(p, y) * act.curvature(y) * qj;
            }
        }
    }

    /// Adds the penalty's direct ∂/∂W × `scale` into `d_w` (the contractive term:
    /// 2λ Wᵢⱼ Σ_b g′(pre_bj)²).
    #[allow(clippy::too_many_arguments)]
    pub fn add_weight_gradient<T: Real>(
        &self,
        h: &[T],
        pre: &[T],
        act: Act,
        w: &[T],
        n_in: usize,
        scale: T,
        d_w: &mut [T],
    ) {
        if self.kind != PenaltyKind::Contractive {
            return;
        }
        let code = w.len() / n_in.max(1);
        let mut s2 = vec![T::ZERO; code];
        for (row_h, row_p) in h.chunks_exact(code).zip(pre.chunks_exact(code)) {
            for ((acc, &y), &p) in s2.iter_mut().zip(row_h).zip(row_p) {
                let s = act.slope(p, y);
                *acc += s * s;
            }
        }
        let two_l = T::from_f64(2.0 * self.lambda) * scale;
        for (row_w, row_d) in w.chunks_exact(code).zip(d_w.chunks_exact_mut(code)) {
            for ((d, &wij), &sj) in row_d.iter_mut().zip(row_w).zip(&s2) {
                *d += two_l * wij * sj;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autoencoder::model::{AeNet, AeShape, Output, Workspace};
    use crate::rng::Rng;

    /// The closed form against ‖∂h/∂x‖²_F from central differences of the encoder itself.
    #[test]
    fn contractive_closed_form_is_the_jacobians_frobenius_norm() {
        let mut rng = Rng::new(4);
        for code_act in [Act::Sigmoid, Act::Linear] {
            let (input, code) = (9, 5);
            let shape = AeShape {
                input,
                hidden: vec![],
                code,
                act: Act::Relu,
                code_act,
                tied: false,
                output: Output::Bernoulli,
                latent: crate::autoencoder::latent::Latent::Point,
                condition: 0,
            };
            let net = AeNet::<f64>::new(shape, &mut rng);
            let x: Vec<f64> = (0..input).map(|_| rng.uniform()).collect();
            let codes = |x: &[f64]| {
                let mut ws = Workspace::default();
                net.forward_loss(x, x, 1, &Penalty::NONE, &mut ws);
                ws.code(&net).to_vec()
            };
            let h = 1e-6;
            let mut frobenius = 0.0;
            for i in 0..input {
                let (mut up, mut down) = (x.clone(), x.clone());
                up[i] += h;
                down[i] -= h;
                let (cu, cd) = (codes(&up), codes(&down));
                frobenius += cu
                    .iter()
                    .zip(&cd)
                    .map(|(a, b)| ((a - b) / (2.0 * h)).powi(2))
                    .sum::<f64>();
            }
            let penalty = Penalty {
                kind: PenaltyKind::Contractive,
                lambda: 1.0,
            };
            let mut ws = Workspace::default();
            let loss = net.forward_loss(&x, &x, 1, &penalty, &mut ws);
            assert!(
                (loss.penalty - frobenius).abs() < 1e-7 * frobenius.max(1.0),
                "{code_act:?}: closed form {} vs finite-difference Jacobian {frobenius}",
                loss.penalty
            );
        }
    }
}
