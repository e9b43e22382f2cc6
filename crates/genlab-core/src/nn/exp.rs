//! `libm::exp` (f64) computed without branches, as [`super::expf`] is for f32: the Boltzmann
//! family weighs each of its 2^n states by e^{−E − log Z}, and every log-sum-exp (its exact
//! likelihood, the RBMs' AIS reports) takes one exp per term; libm's function picks a path by
//! its input's bits (NaN, overflow, underflow, |x| ≤ 2⁻²⁸, three argument reductions), so those
//! loops ran one value at a time. Every path is computed here and the input's selected, with
//! the same operations in the same order, so the result is libm's bit for bit. 2⁶⁴ inputs are
//! too many to try: a test compares a spread over all of them, every input near each path's
//! threshold, and the inputs around every reduction step k·ln 2 ± ln 2 / 2 where the result is
//! neither 0 nor ∞ (`--ignored every_k` takes more of them).

// libm 0.2's constants (FreeBSD's e_exp.c), as it writes them.
#[allow(clippy::excessive_precision)]
mod constants {
    pub const LN2HI: f64 = 6.93147180369123816490e-01; // 0x3fe62e42, 0xfee00000
    pub const LN2LO: f64 = 1.90821492927058770002e-10; // 0x3dea39ef, 0x35793c76
    pub const INVLN2: f64 = 1.44269504088896338700e+00; // 0x3ff71547, 0x652b82fe
    pub const P1: f64 = 1.66666666666666019037e-01; // 0x3FC55555, 0x5555553E
    pub const P2: f64 = -2.77777777770155933842e-03; // 0xBF66C16C, 0x16BEBD93
    pub const P3: f64 = 6.61375632143793436117e-05; // 0x3F11566A, 0xAF25DE2C
    pub const P4: f64 = -1.65339022054652515390e-06; // 0xBEBBBD41, 0xC5D26BF1
    pub const P5: f64 = 4.13813679705723846039e-08; // 0x3E663769, 0x72BEA4D0
    /// Past this e^x overflows, below the other it is 0 (libm's thresholds).
    pub const OVERFLOW: f64 = 709.782712893383973096;
    pub const UNDERFLOW: f64 = -745.13321910194110842;
}
use constants::*;

/// 2^k for −1022 ≤ k ≤ 1023.
#[inline(always)]
fn pow2(k: i32) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// e^x, exactly `libm::exp(x)`.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let bits = x.to_bits();
    let negative = (bits >> 63) as i32;
    let hx = (bits >> 32) as u32 & 0x7fff_ffff; // |x|'s high word
                                                // Argument reduction x = k ln 2 + r: k rounded from x / ln 2 past 1.5 ln 2, ±1 past
                                                // 0.5 ln 2, else 0 (then hi = x, lo = 0, as libm's own k = 0 path has it).
    let half = if negative != 0 { -0.5 } else { 0.5 };
    let k = if hx >= 0x3ff0_a2b2 {
        (INVLN2 * x + half) as i32
    } else if hx > 0x3fd6_2e42 {
        1 - negative - negative
    } else {
        0
    };
    // Past the paths that use k (e^x is 0 or ∞ there), k is only kept in range.
    let k = k.clamp(-1100, 1100);
    let kf = k as f64;
    let hi = x - kf * LN2HI;
    let lo = kf * LN2LO;
    let r = hi - lo;
    let xx = r * r;
    let c = r - xx * (P1 + xx * (P2 + xx * (P3 + xx * (P4 + xx * P5))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // y · 2^k in an exact step and a rounding one: libm's scalbn rounds once too, also where
    // the result is subnormal.
    let half_k = k >> 1;
    let scaled = y * pow2(half_k) * pow2(k - half_k);
    let mut out = if hx > 0x3e30_0000 { scaled } else { 1.0 + x };
    if x > OVERFLOW {
        out = f64::INFINITY;
    }
    if x < UNDERFLOW {
        out = 0.0;
    }
    if x.is_nan() {
        out = x;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::libm_twin::{matches_f64_sample, matches_f64_steps};
    use super::*;

    #[test]
    fn is_libms_exp_bit_for_bit() {
        // Around every threshold a path starts at (libm tests |x|'s high word), both signs:
        // 2⁻²⁸, 0.5 ln 2, 1.5 ln 2, 708.4 (subnormal results below −708.4), 0 (−745.1),
        // ∞ (709.8), NaN, and ±0, ±∞; 0.5 ln 2 and 1.5 ln 2 themselves are among the steps.
        let checked = matches_f64_sample(
            exp,
            libm::exp,
            &[
                0x3e30_0001_0000_0000,
                0x3fd6_2e43_0000_0000,
                0x3ff0_a2b2_0000_0000,
                0x4086_232b_0000_0000,
                UNDERFLOW.abs().to_bits(),
                OVERFLOW.to_bits(),
                0x7ff0_0000_0000_0000,
                0,
            ],
        );
        assert!(checked > 20_000_000);
        assert!(matches_f64_steps(exp, libm::exp, 2.0f64.ln(), UNDERFLOW, OVERFLOW, 64) > 300_000);
    }

    /// 2¹⁹ inputs either side of every reduction step; a minute in release, so run by hand.
    #[test]
    #[ignore]
    fn every_k_is_libms() {
        matches_f64_steps(exp, libm::exp, 2.0f64.ln(), UNDERFLOW, OVERFLOW, 1 << 19);
    }
}
