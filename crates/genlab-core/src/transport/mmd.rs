//! Maximum mean discrepancy with a Gaussian kernel k(x, y) = exp(−|x − y|² / (2σ²)):
//! MMD² = E k(x, x′) + E k(y, y′) − 2 E k(x, y), biased (V-statistic, diagonals included) or
//! unbiased (U-statistic, diagonals left out). For a Wasserstein autoencoder's penalty
//! (lecture 000) also the inverse multiquadric kernel k = C / (C + |x − y|²), and the unbiased
//! estimate's gradient with respect to the first sample's points (the encoder's codes).

use crate::msg;
use crate::msg::Msg;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mmd {
    pub biased: f64,
    pub unbiased: f64,
}

/// Both estimates in one pass over the Gram blocks, with |x − y|² = |x|² + |y|² − 2 x·y.
pub fn mmd2(xs: &[Vec<f64>], ys: &[Vec<f64>], sigma: f64) -> Result<Mmd, Msg> {
    if !(sigma > 0.0 && sigma.is_finite()) {
        return Err(msg!("msg.ot.bad_sigma"));
    }
    if xs.len() < 2 || ys.len() < 2 {
        return Err(msg!("msg.ot.mmd_two_points"));
    }
    let gamma = 1.0 / (2.0 * sigma * sigma);
    let sq = |v: &Vec<f64>| v.iter().map(|a| a * a).sum::<f64>();
    let (nx, ny): (Vec<f64>, Vec<f64>) = (xs.iter().map(sq).collect(), ys.iter().map(sq).collect());
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
    let k = |d2: f64| crate::math::exp(-gamma * d2.max(0.0));
    let block = |p: &[Vec<f64>], np: &[f64], q: &[Vec<f64>], nq: &[f64], skip_diag: bool| -> f64 {
        let mut s = 0.0;
        for i in 0..p.len() {
            for j in 0..q.len() {
                if !(skip_diag && i == j) {
                    s += k(np[i] + nq[j] - 2.0 * dot(&p[i], &q[j]));
                }
            }
        }
        s
    };
    let (n, m) = (xs.len() as f64, ys.len() as f64);
    let kxx_all = block(xs, &nx, xs, &nx, false);
    let kyy_all = block(ys, &ny, ys, &ny, false);
    let kxy = block(xs, &nx, ys, &ny, false) / (n * m);
    // The diagonal of a Gaussian Gram matrix is exactly 1.
    let biased = kxx_all / (n * n) + kyy_all / (m * m) - 2.0 * kxy;
    let unbiased = (kxx_all - n) / (n * (n - 1.0)) + (kyy_all - m) / (m * (m - 1.0)) - 2.0 * kxy;
    Ok(Mmd { biased, unbiased })
}

/// A kernel of the squared distance d² = |x − y|².
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kernel {
    /// exp(−d² / 2σ²).
    Rbf { sigma: f64 },
    /// C / (C + d²): heavier tails than the Gaussian, the WAE paper's choice (C = 2·dim·σ²
    /// of the prior there).
    Imq { c: f64 },
}

impl Kernel {
    /// k and dk/d(d²) at squared distance `d2`.
    fn value_slope(self, d2: f64) -> (f64, f64) {
        let d2 = d2.max(0.0);
        match self {
            Kernel::Rbf { sigma } => {
                let gamma = 1.0 / (2.0 * sigma * sigma);
                let k = crate::math::exp(-gamma * d2);
                (k, -gamma * k)
            }
            Kernel::Imq { c } => {
                let denom = c + d2;
                (c / denom, -c / (denom * denom))
            }
        }
    }

    fn valid(self) -> bool {
        match self {
            Kernel::Rbf { sigma } => sigma > 0.0 && sigma.is_finite(),
            Kernel::Imq { c } => c > 0.0 && c.is_finite(),
        }
    }
}

/// The unbiased MMD² between `xs` (n points) and `ys` (m points) under `kernel`, and its
/// gradient with respect to each point of `xs`:
/// ∂/∂xᵢ = 2/(n(n−1)) Σ_{j≠i} k′ᵢⱼ · 2(xᵢ − xⱼ) − 2/(nm) Σⱼ k′(xᵢ, yⱼ) · 2(xᵢ − yⱼ), with k′ the
/// slope in d². The prior's samples `ys` are constants.
pub fn unbiased_with_gradient(
    xs: &[Vec<f64>],
    ys: &[Vec<f64>],
    kernel: Kernel,
) -> Result<(f64, Vec<Vec<f64>>), Msg> {
    if !kernel.valid() {
        return Err(match kernel {
            Kernel::Rbf { .. } => msg!("msg.ot.bad_sigma"),
            Kernel::Imq { .. } => msg!("msg.ot.bad_imq_scale"),
        });
    }
    if xs.len() < 2 || ys.len() < 2 {
        return Err(msg!("msg.ot.mmd_two_points"));
    }
    let (n, m) = (xs.len() as f64, ys.len() as f64);
    let d2 = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>();
    let mut grad = vec![vec![0.0; xs[0].len()]; xs.len()];
    let (mut kxx, mut kyy, mut kxy) = (0.0, 0.0, 0.0);
    let wxx = 2.0 / (n * (n - 1.0));
    let wxy = 2.0 / (n * m);
    for i in 0..xs.len() {
        for j in 0..xs.len() {
            if i == j {
                continue;
            }
            let (k, slope) = kernel.value_slope(d2(&xs[i], &xs[j]));
            kxx += k;
            // The pair (i, j) and (j, i) both hold xᵢ: the 2 of the symmetric sum is in wxx.
            for (g, (a, b)) in grad[i].iter_mut().zip(xs[i].iter().zip(&xs[j])) {
                *g += wxx * slope * 2.0 * (a - b);
            }
        }
        for y in ys {
            let (k, slope) = kernel.value_slope(d2(&xs[i], y));
            kxy += k;
            for (g, (a, b)) in grad[i].iter_mut().zip(xs[i].iter().zip(y)) {
                *g -= wxy * slope * 2.0 * (a - b);
            }
        }
    }
    for (j, a) in ys.iter().enumerate() {
        for (l, b) in ys.iter().enumerate() {
            if j != l {
                kyy += kernel.value_slope(d2(a, b)).0;
            }
        }
    }
    let value = kxx / (n * (n - 1.0)) + kyy / (m * (m - 1.0)) - 2.0 * kxy / (n * m);
    Ok((value, grad))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The textbook double sums, written out directly.
    fn direct(xs: &[Vec<f64>], ys: &[Vec<f64>], sigma: f64) -> Mmd {
        let k = |a: &Vec<f64>, b: &Vec<f64>| {
            (-a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>() / (2.0 * sigma * sigma))
                .exp()
        };
        let (n, m) = (xs.len() as f64, ys.len() as f64);
        let mean = |p: &[Vec<f64>], q: &[Vec<f64>], skip: bool| {
            let mut s = 0.0;
            let mut c = 0.0;
            for (i, a) in p.iter().enumerate() {
                for (j, b) in q.iter().enumerate() {
                    if !(skip && i == j) {
                        s += k(a, b);
                        c += 1.0;
                    }
                }
            }
            s / c
        };
        let _ = (n, m);
        Mmd {
            biased: mean(xs, xs, false) + mean(ys, ys, false) - 2.0 * mean(xs, ys, false),
            unbiased: mean(xs, xs, true) + mean(ys, ys, true) - 2.0 * mean(xs, ys, false),
        }
    }

    #[test]
    fn matches_the_direct_double_sum() {
        let mut rng = Rng::new(3);
        let xs: Vec<Vec<f64>> = (0..17).map(|_| vec![rng.normal(), rng.normal()]).collect();
        let ys: Vec<Vec<f64>> = (0..11)
            .map(|_| vec![rng.normal() + 0.5, rng.normal()])
            .collect();
        for sigma in [0.1, 1.0, 5.0] {
            let (fast, slow) = (mmd2(&xs, &ys, sigma).unwrap(), direct(&xs, &ys, sigma));
            assert!(
                (fast.biased - slow.biased).abs() < 1e-12
                    && (fast.unbiased - slow.unbiased).abs() < 1e-12
            );
        }
    }

    /// The Gaussian kernel's unbiased value is `mmd2`'s; the gradient of either kernel's
    /// estimate against central differences in f64.
    #[test]
    fn the_unbiased_gradient_matches_finite_differences() {
        let mut rng = Rng::new(11);
        let xs: Vec<Vec<f64>> = (0..9)
            .map(|_| vec![rng.normal(), 0.5 * rng.normal()])
            .collect();
        let ys: Vec<Vec<f64>> = (0..7)
            .map(|_| vec![rng.normal() + 1.0, rng.normal()])
            .collect();
        let rbf = unbiased_with_gradient(&xs, &ys, Kernel::Rbf { sigma: 0.8 }).unwrap();
        assert!((rbf.0 - mmd2(&xs, &ys, 0.8).unwrap().unbiased).abs() < 1e-12);
        for kernel in [Kernel::Rbf { sigma: 0.8 }, Kernel::Imq { c: 2.0 }] {
            let (_, grad) = unbiased_with_gradient(&xs, &ys, kernel).unwrap();
            let flat: Vec<f64> = xs.iter().flatten().copied().collect();
            let analytic: Vec<f64> = grad.iter().flatten().copied().collect();
            let (err, at) = crate::gradcheck::max_error_with_floor(
                &flat,
                &analytic,
                |p| {
                    let pts: Vec<Vec<f64>> = p.chunks(2).map(|c| c.to_vec()).collect();
                    unbiased_with_gradient(&pts, &ys, kernel).unwrap().0
                },
                1e-6,
                usize::MAX,
                1e-8,
            );
            assert!(err < 1e-6, "{kernel:?}: error {err:.2e} at {at}");
        }
        let refused = unbiased_with_gradient(&xs, &ys, Kernel::Imq { c: 0.0 });
        assert_eq!(refused, Err(msg!("msg.ot.bad_imq_scale")));
    }

    #[test]
    fn unbiased_estimate_averages_to_zero_for_one_distribution() {
        let mut rng = Rng::new(4);
        let (mut sum_u, mut sum_b) = (0.0, 0.0);
        let reps = 400;
        for _ in 0..reps {
            let xs: Vec<Vec<f64>> = (0..20).map(|_| vec![rng.normal(), rng.normal()]).collect();
            let ys: Vec<Vec<f64>> = (0..20).map(|_| vec![rng.normal(), rng.normal()]).collect();
            let r = mmd2(&xs, &ys, 1.0).unwrap();
            sum_u += r.unbiased;
            sum_b += r.biased;
        }
        let (mean_u, mean_b) = (sum_u / reps as f64, sum_b / reps as f64);
        assert!(mean_u.abs() < 0.005, "unbiased mean {mean_u}");
        assert!(
            mean_b > 0.02,
            "the biased estimate sits above zero: {mean_b}"
        );
        assert!(mmd2(&[vec![0.0]], &[vec![1.0], vec![2.0]], 1.0).is_err());
    }
}
