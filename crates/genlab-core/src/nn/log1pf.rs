//! `libm::log1pf` computed without branches, for the same reason as [`super::expf`]: the
//! Bernoulli likelihood's softplus, log(1 + e^{−|a|}), is taken for every pixel of every image of
//! every step, and libm's function picks a path by its input's bits (x ≤ −1, |x| < 2⁻²⁴, a
//! reduction or none, ∞ and NaN), which kept that loop one value at a time. Every path is
//! computed here and the input's selected, with the same operations in the same order, so the
//! result is libm's bit for bit (the same tests as `expf`'s: a sample and the thresholds here,
//! all 2³² inputs by hand with `--ignored every_f32`).

/// |x|'s bits where one of libm's paths starts, with either sign (what the tests compare around):
/// 2⁻²⁴, the two ends of the unreduced range, −1, where the correction c stops (k = 25) or
/// changes form (k = 2), 0, ∞ and NaN.
pub const PATH_THRESHOLDS: [u32; 8] = [
    0x3380_0000,
    0x3ed4_13d0,
    0x3e95_f619,
    0x3f80_0000,
    0x4bb5_04f3,
    0x3fea_09e6,
    0x7f80_0000,
    0,
];

// libm 0.2's constants (FreeBSD's s_log1pf.c), as it writes them.
#[allow(clippy::excessive_precision)]
mod constants {
    pub const LN2_HI: f32 = 6.9313812256e-01; // 0x3f317180
    pub const LN2_LO: f32 = 9.0580006145e-06; // 0x3717f7d1
    pub const LG1: f32 = 0.66666662693; // 0xaaaaaa.0p-24
    pub const LG2: f32 = 0.40000972152; // 0xccce13.0p-25
    pub const LG3: f32 = 0.28498786688; // 0x91e9ee.0p-25
    pub const LG4: f32 = 0.24279078841; // 0xf89e26.0p-26
}
use constants::*;

/// log(1 + x) from 1 + x = 2^k (1 + f) and its rounding's correction c (k = 0, c = 0 and f = x
/// where the series runs on x itself): libm's series in s = f / (2 + f) and its reassembly.
#[inline(always)]
fn from_reduced(f: f32, dk: f32, c: f32) -> f32 {
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * LG4);
    let t2 = z * (LG1 + w * LG3);
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    s * (hfsq + r) + (dk * LN2_LO + c) - hfsq + f + dk * LN2_HI
}

/// log(1 + x), exactly `libm::log1pf(x)`.
#[inline(always)]
pub fn log1pf(x: f32) -> f32 {
    let ix = x.to_bits();
    let negative = ix >> 31 != 0;
    // sqrt(2)/2 ≤ 1 + x < sqrt(2): log1p's own series on x itself (k = 0, no correction c);
    // else 1 + x = 2^k · (1 + f) with its rounding's correction c.
    let unreduced = if negative {
        ix <= 0xbe95_f619
    } else {
        ix < 0x3ed4_13d0
    };
    let u = 1.0 + x;
    let iu = u.to_bits().wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let k_reduced = (iu >> 23) as i32 - 0x7f;
    let c_reduced = if k_reduced < 25 {
        let c = if k_reduced >= 2 {
            1.0 - (u - x)
        } else {
            x - (u - 1.0)
        };
        c / u
    } else {
        0.0
    };
    let f_reduced = f32::from_bits((iu & 0x007f_ffff) + 0x3f35_04f3) - 1.0;
    let (k, c, f) = if unreduced {
        (0, 0.0, x)
    } else {
        (k_reduced, c_reduced, f_reduced)
    };
    let mut out = from_reduced(f, k as f32, c);
    if ix << 1 < 0x3380_0000 << 1 {
        out = x; // |x| < 2⁻²⁴ (also ±0)
    }
    if ix >= 0xbf80_0000 {
        // x ≤ −1 (and NaNs with the sign bit): −∞ at −1, NaN below
        out = if x == -1.0 {
            f32::NEG_INFINITY
        } else {
            f32::NAN
        };
    }
    if !negative && ix >= 0x7f80_0000 {
        out = x; // +∞, NaN
    }
    out
}

/// log(1 + x) for 0 ≤ x ≤ 1, exactly `libm::log1pf(x)` there (a NaN is returned as it came):
/// [`log1pf`] with only the paths that range takes. A softplus takes log1p of e^{−|a|}, always
/// in (0, 1], for every pixel of every image, and there 1 + x = 2^k (1 + f) only ever has
/// k = 0 (below sqrt(2) − 1, where the series runs on x itself) or k = 1, whose correction c is
/// always the small-k form.
#[inline(always)]
pub fn log1pf_unit(x: f32) -> f32 {
    let ix = x.to_bits();
    let unreduced = ix < 0x3ed4_13d0;
    let u = 1.0 + x;
    let iu = u.to_bits().wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let c_reduced = (x - (u - 1.0)) / u;
    let f_reduced = f32::from_bits((iu & 0x007f_ffff) + 0x3f35_04f3) - 1.0;
    let (dk, c, f) = if unreduced {
        (0.0, 0.0, x)
    } else {
        (1.0, c_reduced, f_reduced)
    };
    let mut out = from_reduced(f, dk, c);
    if ix << 1 < 0x3380_0000 << 1 {
        out = x; // x < 2⁻²⁴ (also ±0)
    }
    if x.is_nan() {
        out = x;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::libm_twin::{matches_all, matches_sample};
    use super::*;

    #[test]
    fn is_libms_log1pf_bit_for_bit() {
        let checked = matches_sample(log1pf, libm::log1pf, &PATH_THRESHOLDS);
        assert!(checked > 17_000_000);
    }

    /// Every one of the 2³² inputs; a minute in release, so run by hand.
    #[test]
    #[ignore]
    fn every_f32_is_libms() {
        matches_all(log1pf, libm::log1pf);
    }

    /// On [0, 1]: every 7th input and every one within 4,096 ulps of a threshold (2⁻²⁴, where
    /// the reduction starts, 1); NaNs of either sign come back as NaN.
    #[test]
    fn log1pf_unit_is_libms_on_the_unit_interval() {
        let check = |bits: u32| {
            let x = f32::from_bits(bits);
            let (got, want) = (log1pf_unit(x), libm::log1pf(x));
            assert_eq!(got.to_bits(), want.to_bits(), "x = {x:e} ({bits:#x})");
        };
        let one = 1f32.to_bits();
        (0..=one).step_by(7).for_each(check);
        for t in [0x3380_0000u32, 0x3ed4_13d0, one] {
            (t - 4096..=(t + 4096).min(one)).for_each(check);
        }
        check(0x8000_0000); // −0
        for nan in [f32::NAN, -f32::NAN] {
            assert!(log1pf_unit(nan).is_nan());
        }
    }

    /// All of [0, 1]; seconds in release, so run by hand with the others.
    #[test]
    #[ignore]
    fn every_f32_of_the_unit_interval_is_libms() {
        let bad = (0..=1f32.to_bits())
            .filter(|&bits| {
                let x = f32::from_bits(bits);
                log1pf_unit(x).to_bits() != libm::log1pf(x).to_bits()
            })
            .count();
        assert_eq!(bad, 0);
    }
}
