//! The RBM as a product of experts (lecture 002): summing its hidden units out,
//! p(v) ∝ e^{bᵀv} Π_j (1 + e^{c_j + W_j·v}) — each hidden unit an expert whose factor rises for
//! the visible vectors it likes. For a small RBM every factor is computed over all 2^d visible
//! vectors, beside their normalised product — the model's own distribution.

use crate::math::{exp, log_sum_exp, softplus};
use crate::rbm::model::{bits, Rbm};

/// Every visible vector's expert votes and the model's probability of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Experts {
    /// log(1 + e^{c_j + W_j·v}) per visible vector (2^d rows of H).
    pub log_factors: Vec<Vec<f64>>,
    /// bᵀv per visible vector: the visible biases' own factor.
    pub log_bias: Vec<f64>,
    /// p(v) = e^{bᵀv} Π_j factor_j / Z.
    pub product: Vec<f64>,
}

pub fn experts(rbm: &Rbm) -> Experts {
    let states = 1usize << rbm.d;
    let mut log_factors = Vec::with_capacity(states);
    let mut log_bias = Vec::with_capacity(states);
    for s in 0..states {
        let v = bits(s, rbm.d);
        log_factors.push(
            rbm.hidden_input(&v)
                .into_iter()
                .map(softplus)
                .collect::<Vec<_>>(),
        );
        log_bias.push((0..rbm.d).map(|i| rbm.b(i) * v[i]).sum::<f64>());
    }
    let log_unnormalised: Vec<f64> = log_factors
        .iter()
        .zip(&log_bias)
        .map(|(f, b)| b + f.iter().sum::<f64>())
        .collect();
    let lz = log_sum_exp(&log_unnormalised);
    Experts {
        product: log_unnormalised.iter().map(|l| exp(l - lz)).collect(),
        log_factors,
        log_bias,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The normalised product of the experts is the RBM's distribution, computed by the RBM
    /// lesson from free energies; and an expert's factor is largest on the vectors its weights
    /// favour.
    #[test]
    fn the_product_of_the_experts_is_the_rbms_distribution() {
        let mut rng = Rng::new(3);
        let mut rbm = Rbm::new(6, 3, &mut rng);
        for p in rbm.params.iter_mut() {
            *p = rng.normal();
        }
        let e = experts(&rbm);
        let want = rbm.distribution();
        for (a, b) in e.product.iter().zip(&want) {
            assert!((a - b).abs() < 1e-14, "{a} vs {b}");
        }
        // Expert 0's favourite vector switches on exactly the units with positive weight to it.
        let best = (0..64)
            .max_by(|&a, &b| e.log_factors[a][0].total_cmp(&e.log_factors[b][0]))
            .unwrap();
        for i in 0..6 {
            assert_eq!(best >> i & 1 == 1, rbm.w(i, 0) > 0.0, "unit {i}");
        }
    }
}
