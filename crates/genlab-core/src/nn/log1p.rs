//! `libm::log1p` (f64) computed without branches, as [`super::log1pf`] is for f32: the RBMs'
//! AIS estimate of log Z sums softplus(β·u) over every hidden unit of every chain at every
//! temperature, one `log1p` and one `exp` per term, and libm's function picks a path by its
//! input's bits (x ≤ −1, |x| < 2⁻⁵³, a reduction or none, ∞ and NaN), so those sums ran one
//! term at a time. Every path is computed here and the input's selected, with the same
//! operations in the same order, so the result is libm's bit for bit. 2⁶⁴ inputs are too many
//! to try: a test compares a spread over all of them, every input near each path's threshold,
//! and the inputs around every point where the reduction's k changes (`--ignored every_k`
//! takes more of them).

// libm 0.2's constants (FreeBSD's s_log1p.c), as it writes them.
#[allow(clippy::excessive_precision)]
mod constants {
    pub const LN2_HI: f64 = 6.93147180369123816490e-01; // 3fe62e42 fee00000
    pub const LN2_LO: f64 = 1.90821492927058770002e-10; // 3dea39ef 35793c76
    pub const LG1: f64 = 6.666666666666735130e-01; // 3FE55555 55555593
    pub const LG2: f64 = 3.999999999940941908e-01; // 3FD99999 9997FA04
    pub const LG3: f64 = 2.857142874366239149e-01; // 3FD24924 94229359
    pub const LG4: f64 = 2.222219843214978396e-01; // 3FCC71C5 1D8E78AF
    pub const LG5: f64 = 1.818357216161805012e-01; // 3FC74664 96CB03DE
    pub const LG6: f64 = 1.531383769920937332e-01; // 3FC39A09 D078C69F
    pub const LG7: f64 = 1.479819860511658591e-01; // 3FC2F112 DF3E5244
}
use constants::*;

/// log(1 + x), exactly `libm::log1p(x)`.
#[inline(always)]
pub fn log1p(x: f64) -> f64 {
    let bits = x.to_bits();
    let hx = (bits >> 32) as u32;
    let negative = hx >> 31 != 0;
    // sqrt(2)/2 ≤ 1 + x < sqrt(2): log1p's own series on x itself (k = 0, no correction c);
    // else 1 + x = 2^k · (1 + f) with its rounding's correction c.
    let unreduced = if negative {
        hx <= 0xbfd2_bec4
    } else {
        hx < 0x3fda_827a
    };
    let u = 1.0 + x;
    let ui = u.to_bits();
    let hu = ((ui >> 32) as u32).wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    let k_reduced = (hu >> 20) as i32 - 0x3ff;
    let c_reduced = if k_reduced < 54 {
        let c = if k_reduced >= 2 {
            1.0 - (u - x)
        } else {
            x - (u - 1.0)
        };
        c / u
    } else {
        0.0
    };
    let reduced_hu = (hu & 0x000f_ffff) + 0x3fe6_a09e;
    let f_reduced = f64::from_bits(((reduced_hu as u64) << 32) | (ui & 0xffff_ffff)) - 1.0;
    let (k, c, f) = if unreduced {
        (0, 0.0, x)
    } else {
        (k_reduced, c_reduced, f_reduced)
    };
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let dk = k as f64;
    let mut out = s * (hfsq + r) + (dk * LN2_LO + c) - hfsq + f + dk * LN2_HI;
    if hx << 1 < 0x3ca0_0000 << 1 {
        out = x; // |x| < 2⁻⁵³ (also ±0)
    }
    if hx >= 0xbff0_0000 {
        // x ≤ −1 (and NaNs with the sign bit): −∞ at −1, NaN below
        out = if x == -1.0 {
            f64::NEG_INFINITY
        } else {
            f64::NAN
        };
    }
    if !negative && hx >= 0x7ff0_0000 {
        out = x; // +∞, NaN
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::libm_twin::{matches_f64_near, matches_f64_sample};
    use super::*;

    /// Where the reduction's k changes, 1 + x = sqrt(2)/2 · 2^k, and where 1 + x is a power
    /// of two (k = 1..60, past the correction's last k of 53).
    fn k_boundaries() -> impl Iterator<Item = f64> {
        (1..=60).flat_map(|k| {
            let p = 2f64.powi(k);
            [std::f64::consts::FRAC_1_SQRT_2 * p - 1.0, p - 1.0]
        })
    }

    #[test]
    fn is_libms_log1p_bit_for_bit() {
        // Around every threshold a path starts at (libm tests |x|'s high word), both signs:
        // 2⁻⁵³, the two ends of the unreduced range, −1, ∞ and NaN, and ±0.
        let checked = matches_f64_sample(
            log1p,
            libm::log1p,
            &[
                0x3ca0_0000_0000_0000,
                0x3fda_827a_0000_0000,
                0x3fd2_bec5_0000_0000,
                0x3ff0_0000_0000_0000,
                0x7ff0_0000_0000_0000,
                0,
            ],
        );
        assert!(checked > 20_000_000);
        assert!(matches_f64_near(log1p, libm::log1p, k_boundaries(), 4096) > 900_000);
    }

    /// 2²⁴ inputs either side of every point where k changes; a minute in release, so run by
    /// hand.
    #[test]
    #[ignore]
    fn every_k_is_libms() {
        matches_f64_near(log1p, libm::log1p, k_boundaries(), 1 << 24);
    }
}
