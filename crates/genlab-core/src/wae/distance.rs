//! How far the codes are from the prior, measured the same way for every lane so lanes compare:
//! the exact earth mover's distance W₁ between the test codes and an equally large prior sample
//! (a cheapest matching, which for equal samples is the transport lesson's exact optimum), and MMD² with its unbiased estimator (the transport
//! lesson's, Gaussian kernel σ = 1). Both on samples, so both carry sampling noise: two prior
//! samples of the same size are apart by [`DistanceToPrior`] too (the floor a perfect q reaches).

use crate::msg::Msg;
use crate::transport::assignment::wasserstein_equal_samples;
use crate::transport::emd::wasserstein;
use crate::transport::mmd::mmd2;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DistanceToPrior {
    /// W₁ between the two samples, exactly.
    pub emd: f64,
    /// The unbiased MMD² (RBF, σ = 1).
    pub mmd2: f64,
    /// Points on each side.
    pub n: usize,
}

/// The distances between `codes` and `prior` (samples of the same size, uniform weights).
pub fn distance_to_prior(codes: &[[f64; 2]], prior: &[[f64; 2]]) -> Result<DistanceToPrior, Msg> {
    let xs: Vec<Vec<f64>> = codes.iter().map(|p| p.to_vec()).collect();
    let ys: Vec<Vec<f64>> = prior.iter().map(|p| p.to_vec()).collect();
    let emd = if xs.len() == ys.len() {
        wasserstein_equal_samples(&xs, &ys, 1.0)?
    } else {
        let a = vec![1.0 / xs.len().max(1) as f64; xs.len()];
        let b = vec![1.0 / ys.len().max(1) as f64; ys.len()];
        wasserstein(&xs, &a, &ys, &b, 1.0)?.0
    };
    let mmd2 = mmd2(&xs, &ys, 1.0)?.unbiased;
    Ok(DistanceToPrior {
        emd,
        mmd2,
        n: codes.len(),
    })
}
