//! The optimisers of the lectures (000: "momentum, AdaGrad, RMSProp, Adam"), on flat vectors.
//! Every one *descends*: callers pass the gradient of the loss they minimise.

use super::Real;
use crate::choice_enum;

choice_enum! {
    pub enum OptimizerKind { Sgd = "sgd", Momentum = "momentum", AdaGrad = "adagrad", RmsProp = "rmsprop", Adam = "adam" }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct Optimizer<T: Real = f64> {
    pub kind: OptimizerKind,
    /// Momentum coefficient (Momentum) or β₁ (Adam).
    pub beta1: f64,
    /// Decay of the squared-gradient average (RMSProp, Adam).
    pub beta2: f64,
    pub eps: f64,
    #[serde(with = "crate::runfile::packed")]
    m: Vec<T>,
    #[serde(with = "crate::runfile::packed")]
    v: Vec<T>,
    t: u64,
}

impl<T: Real> Optimizer<T> {
    pub fn new(kind: OptimizerKind, n: usize, beta1: f64) -> Self {
        Optimizer {
            kind,
            beta1,
            beta2: 0.999,
            eps: 1e-8,
            m: vec![T::ZERO; n],
            v: vec![T::ZERO; n],
            t: 0,
        }
    }

    /// Takes the moments of a saved optimiser (an imported run) after checking they fit this one.
    pub fn restore(&mut self, saved: Optimizer<T>, what: &str) -> Result<(), crate::msg::Msg> {
        use crate::runfile::{expect_finite, expect_len};
        use crate::settings::ChoiceEnum;
        if saved.kind != self.kind {
            return Err(crate::msg!(
                "msg.run.optimizer",
                what,
                saved.kind.key(),
                self.kind.key()
            ));
        }
        expect_len(what, saved.m.len(), self.m.len())?;
        expect_len(what, saved.v.len(), self.v.len())?;
        expect_finite(what, &saved.m)?;
        expect_finite(what, &saved.v)?;
        *self = saved;
        Ok(())
    }

    /// Takes moments computed elsewhere (a GPU run handing over to the CPU): `m`, `v` and the
    /// step count `t`, for an optimiser of the same size.
    pub fn set_moments(&mut self, m: Vec<T>, v: Vec<T>, t: u64) {
        assert_eq!((m.len(), v.len()), (self.m.len(), self.v.len()));
        (self.m, self.v, self.t) = (m, v, t);
    }

    /// [`Optimizer::set_moments`] from borrowed moments, into the vectors this optimiser holds.
    pub fn copy_moments(&mut self, m: &[T], v: &[T], t: u64) {
        self.m.copy_from_slice(m);
        self.v.copy_from_slice(v);
        self.t = t;
    }

    /// The moments and step count, for a device that continues this optimiser's run.
    pub fn moments(&self) -> (&[T], &[T], u64) {
        (&self.m, &self.v, self.t)
    }

    /// θ ← θ − update(g).
    pub fn step(&mut self, params: &mut [T], grad: &[T], lr: f64) {
        // In f64 these conversions are the identity, so the GAN's reference run is unchanged.
        let lr = T::from_f64(lr);
        let (beta1, beta2, eps) = (
            T::from_f64(self.beta1),
            T::from_f64(self.beta2),
            T::from_f64(self.eps),
        );
        debug_assert_eq!(params.len(), grad.len());
        self.t += 1;
        match self.kind {
            OptimizerKind::Sgd => {
                for (p, g) in params.iter_mut().zip(grad) {
                    *p -= lr * *g;
                }
            }
            OptimizerKind::Momentum => {
                for ((p, g), m) in params.iter_mut().zip(grad).zip(&mut self.m) {
                    *m = beta1 * *m + *g;
                    *p -= lr * *m;
                }
            }
            OptimizerKind::AdaGrad => {
                for ((p, g), v) in params.iter_mut().zip(grad).zip(&mut self.v) {
                    *v += *g * *g;
                    *p -= lr * *g / ((*v).sqrt() + eps);
                }
            }
            OptimizerKind::RmsProp => {
                for ((p, g), v) in params.iter_mut().zip(grad).zip(&mut self.v) {
                    *v = beta2 * *v + (T::ONE - beta2) * *g * *g;
                    *p -= lr * *g / ((*v).sqrt() + eps);
                }
            }
            OptimizerKind::Adam => {
                let bc1 = T::from_f64(1.0 - libm::pow(self.beta1, self.t as f64));
                let bc2 = T::from_f64(1.0 - libm::pow(self.beta2, self.t as f64));
                for (((p, g), m), v) in params
                    .iter_mut()
                    .zip(grad)
                    .zip(&mut self.m)
                    .zip(&mut self.v)
                {
                    *m = beta1 * *m + (T::ONE - beta1) * *g;
                    *v = beta2 * *v + (T::ONE - beta2) * *g * *g;
                    *p -= lr * (*m / bc1) / ((*v / bc2).sqrt() + eps);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::ChoiceEnum;

    /// Each optimiser must minimise a simple ill-conditioned quadratic.
    #[test]
    fn every_optimizer_descends_a_quadratic() {
        for &kind in OptimizerKind::ALL {
            let scales = [1.0, 10.0];
            let mut p = vec![1.0, 1.0];
            let mut opt = Optimizer::new(kind, 2, 0.9);
            let lr = match kind {
                OptimizerKind::Sgd => 0.05,
                OptimizerKind::Momentum => 0.01,
                OptimizerKind::AdaGrad => 0.5,
                _ => 0.05,
            };
            let loss = |p: &[f64]| 0.5 * (scales[0] * p[0] * p[0] + scales[1] * p[1] * p[1]);
            let start = loss(&p);
            for _ in 0..500 {
                let g = [scales[0] * p[0], scales[1] * p[1]];
                opt.step(&mut p, &g, lr);
            }
            assert!(loss(&p) < 1e-3 * start, "{kind:?}: {}", loss(&p));
        }
    }
}
