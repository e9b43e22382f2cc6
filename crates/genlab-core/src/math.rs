//! Scalar functions shared by the lessons. Transcendentals go through `libm` so results are
//! bit-identical on every platform (see the crate's Cargo.toml). A loop of exps takes
//! [`crate::nn::exp`], libm's exp without its branches (the same bits), which vectorises; a
//! single call takes libm's own, which skips the paths its input does not need.

pub use libm::{exp, log, log1p, sqrt};

/// tanh through one expm1: about 3× faster than libm's tanh and accurate to a few ulp, which
/// matters in the training loops where it is the most frequent call.
pub fn tanh(x: f64) -> f64 {
    if x.abs() > 20.0 {
        return x.signum();
    }
    let e = libm::expm1(2.0 * x);
    e / (e + 2.0)
}

pub const LN_2: f64 = core::f64::consts::LN_2;
const SQRT_2PI: f64 = 2.506_628_274_631_000_7;

/// σ(x) = 1 / (1 + e^{−x}), computed without overflow for large |x|.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    crate::nn::real::sigmoid(x)
}

/// softplus(x) = ln(1 + eˣ), stable for large |x|: x + ln(1 + e^{−x}) above 0. One exp, of
/// −|x| (the same bits as each branch's own), so the function stays small enough to inline.
pub fn softplus(x: f64) -> f64 {
    softplus_through(x, exp, log1p)
}

/// `terms[i] = softplus(x(i))` with [`softplus`]'s bits, through the branch-free exp and
/// log1p, each in a loop of its own so that both vectorise without spilling (fused, their
/// constants and temporaries outnumbered the vector registers).
#[inline(always)]
pub fn softplus_into(terms: &mut [f64], x: impl Fn(usize) -> f64) {
    for (i, t) in terms.iter_mut().enumerate() {
        *t = crate::nn::exp::exp(-x(i).abs());
    }
    for (i, t) in terms.iter_mut().enumerate() {
        *t = softplus_from(x(i), crate::nn::log1p::log1p(*t));
    }
}

#[inline(always)]
fn softplus_through(x: f64, exp: fn(f64) -> f64, log1p: fn(f64) -> f64) -> f64 {
    softplus_from(x, log1p(exp(-x.abs())))
}

/// softplus(x) from ln(1 + e^{−|x|}).
#[inline(always)]
fn softplus_from(x: f64, log1p_of_exp: f64) -> f64 {
    if x > 0.0 {
        x + log1p_of_exp
    } else {
        log1p_of_exp
    }
}

/// ln Σ exp(xᵢ) without overflow; −∞ for an empty slice.
pub fn log_sum_exp(xs: &[f64]) -> f64 {
    let m = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + log(xs.iter().map(|&x| exp(x - m)).sum::<f64>())
}

/// [`log_sum_exp`] with the same bits, its exps a block at a time, which vectorises: for a long
/// slice (every state of an enumeration). A short one (a Sinkhorn row, one data point's hidden
/// states) is faster through `log_sum_exp`, whose libm exp skips the paths its input does not
/// need: blocks for every slice cost the transport lesson 4 %.
pub fn log_sum_exp_long(xs: &[f64]) -> f64 {
    let m = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    let sum = crate::nn::real::sum_in_order(xs.len(), |at, terms| {
        for (t, &x) in terms.iter_mut().zip(&xs[at]) {
            *t = crate::nn::exp::exp(x - m);
        }
    });
    m + log(sum)
}

pub fn normal_pdf(x: f64, mean: f64, std: f64) -> f64 {
    let z = (x - mean) / std;
    exp(-0.5 * z * z) / (std * SQRT_2PI)
}

/// Φ(x), the standard normal CDF.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / core::f64::consts::SQRT_2)
}

/// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation, then one Halley step against erfc,
/// which brings it to about 1e-15 relative error. p outside (0, 1) gives ∓∞.
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p_low = 0.02425;
    let x = if p < p_low {
        let q = sqrt(-2.0 * log(p));
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - p_low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = sqrt(-2.0 * log1p(-p));
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // Halley refinement.
    let e = normal_cdf(x) - p;
    let u = e * SQRT_2PI * exp(0.5 * x * x);
    x - u / (1.0 + 0.5 * x * u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_softplus_identities() {
        for &x in &[-800.0, -30.0, -1.5, 0.0, 0.3, 12.0, 800.0] {
            let s = sigmoid(x);
            assert!((0.0..=1.0).contains(&s) && s.is_finite());
            assert!((sigmoid(-x) - (1.0 - s)).abs() < 1e-15);
            // softplus(x) − softplus(−x) = x
            assert!((softplus(x) - softplus(-x) - x).abs() < 1e-9 * (1.0 + x.abs()));
        }
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-16);
        assert!((softplus(0.0) - LN_2).abs() < 1e-16);
    }

    #[test]
    fn quantile_inverts_cdf() {
        for i in 1..2000 {
            let p = i as f64 / 2000.0;
            let x = normal_quantile(p);
            assert!((normal_cdf(x) - p).abs() < 1e-14, "p={p}");
        }
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((normal_quantile(1e-12) + 7.034_483_825_301_131).abs() < 1e-9);
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn fast_tanh_matches_libm() {
        for i in -4000..=4000 {
            let x = i as f64 * 0.01;
            assert!(
                (tanh(x) - libm::tanh(x)).abs()
                    <= 4.0 * f64::EPSILON * libm::tanh(x).abs().max(1e-300),
                "{x}"
            );
        }
        assert_eq!(tanh(1e300), 1.0);
        assert!(tanh(f64::NAN).is_nan());
    }

    #[test]
    fn log_sum_exp_is_stable() {
        assert!((log_sum_exp(&[1000.0, 1000.0]) - (1000.0 + LN_2)).abs() < 1e-12);
        assert_eq!(log_sum_exp(&[]), f64::NEG_INFINITY);
    }

    /// The block version is the one-at-a-time version to the bit, around the block size and
    /// over an enumeration's length, with −∞ terms (states a clamp rules out) among them; the
    /// terms span orders of magnitude, so an out-of-order sum would show.
    #[test]
    fn log_sum_exp_long_has_log_sum_exps_bits() {
        let mut rng = crate::rng::Rng::new(3);
        for n in [0, 1, 63, 64, 65, 200, 4096] {
            let xs: Vec<f64> = (0..n)
                .map(|i| {
                    if i % 17 == 5 {
                        f64::NEG_INFINITY
                    } else {
                        40.0 * rng.normal()
                    }
                })
                .collect();
            let (a, b) = (log_sum_exp_long(&xs), log_sum_exp(&xs));
            assert_eq!(a.to_bits(), b.to_bits(), "n = {n}: {a} vs {b}");
        }
        let all_out = [f64::NEG_INFINITY; 100];
        assert_eq!(log_sum_exp_long(&all_out), f64::NEG_INFINITY);
    }
}
