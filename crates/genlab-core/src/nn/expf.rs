//! `libm::expf` computed without branches, so that a loop over a slice of f32s (every sigmoid
//! of the digit lessons) vectorises: AVX natively, simd128 in the worker. libm's function picks
//! one of several paths by the input's bits (NaN, overflow, underflow, |x| ≤ 2⁻¹⁴, and three ways
//! to reduce the argument), which kept such loops one value at a time; here every path is
//! computed and the input's is selected, with the same operations in the same order, so the
//! result is libm's bit for bit — a test compares every 241st of the 2³² inputs and every input
//! near a path's threshold, and an ignored test (`cargo test -p genlab-core --release --lib --
//! --ignored every_f32`) compares all of them (run once: no difference).

/// |x|'s bits where one of libm's paths starts, with either sign (what the tests compare around):
/// 2⁻¹⁴, 0.5 ln 2, 1.5 ln 2, subnormal results (−87.34), 0 (−103.97), ∞ (88.72), NaN, and ±0, ±∞.
pub const PATH_THRESHOLDS: [u32; 8] = [
    0x3900_0000,
    0x3eb1_7218,
    0x3f85_1592,
    0x42ae_ac50,
    0x42cf_f1b5,
    0x42b1_7218,
    0x7f80_0000,
    0,
];

// libm 0.2's constants (FreeBSD's e_expf.c), as it writes them.
#[allow(clippy::excessive_precision)]
mod constants {
    pub const LN2_HI: f32 = 6.9314575195e-01; // 0x3f317200
    pub const LN2_LO: f32 = 1.4286067653e-06; // 0x35bfbe8e
    pub const INV_LN2: f32 = 1.4426950216e+00; // 0x3fb8aa3b
    pub const P1: f32 = 1.6666625440e-1; // 0xaaaa8f.0p-26
    pub const P2: f32 = -2.7667332906e-3; // -0xb55215.0p-32
}
use constants::*;

/// 2^k for -126 ≤ k ≤ 127.
#[inline(always)]
fn pow2(k: i32) -> f32 {
    f32::from_bits(((k + 127) as u32) << 23)
}

/// v truncated toward zero, for |v| < 2³¹ (not NaN): what `v as i32` gives there, in the
/// instruction each target vectorises. Natively an `as i32` (saturating, NaN to 0) ran one
/// lane at a time on SSE2; wasm's vector truncation saturates by itself, and there it is the
/// unchecked conversion that stayed one lane at a time.
#[inline(always)]
fn truncate_in_range(v: f32) -> i32 {
    #[cfg(target_arch = "wasm32")]
    {
        v as i32
    }
    // SAFETY: the caller keeps v finite and inside i32's range.
    #[cfg(not(target_arch = "wasm32"))]
    unsafe {
        v.to_int_unchecked()
    }
}

/// e^x, exactly `libm::expf(x)`.
#[inline(always)]
pub fn expf(x: f32) -> f32 {
    let bits = x.to_bits();
    let negative = (bits >> 31) as i32;
    let hx = bits & 0x7fff_ffff; // |x|'s bits

    // Argument reduction x = k ln 2 + r: k rounded from x / ln 2 past 1.5 ln 2, ±1 past
    // 0.5 ln 2, else 0 (then hi = x, lo = 0, as libm's own k = 0 path has it). Past the paths
    // that use k (x < −103.97, x > 88.72, NaN) x is only kept in range, so that k stays in
    // −150..=128 and is converted without saturating (a NaN fails the first compare).
    let half = if negative != 0 { -0.5 } else { 0.5 };
    let x_above = if x > -104.0 { x } else { -104.0 };
    let x_in_range = if x_above < 89.0 { x_above } else { 89.0 };
    let k_far = truncate_in_range(INV_LN2 * x_in_range + half);
    let k = if hx > 0x3f85_1592 {
        k_far
    } else if hx > 0x3eb1_7218 {
        1 - negative - negative
    } else {
        0
    };
    let kf = k as f32;
    let hi = x - kf * LN2_HI;
    let lo = kf * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * P2);
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // y · 2^k in two exact-then-one-rounding steps: libm's scalbnf rounds once too, also
    // where the result is subnormal.
    let half_k = k >> 1;
    let scaled = y * pow2(half_k) * pow2(k - half_k);
    let mut out = if hx > 0x3900_0000 { scaled } else { 1.0 + x };
    if negative != 0 && hx >= 0x42cf_f1b5 {
        out = 0.0; // x ≤ −103.972084: underflow
    }
    if negative == 0 && hx >= 0x42b1_7218 {
        out = f32::INFINITY; // x ≥ 88.722839: overflow
    }
    if hx > 0x7f80_0000 {
        out = x; // NaN
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::libm_twin::{matches_all, matches_sample};
    use super::*;

    #[test]
    fn is_libms_expf_bit_for_bit() {
        let checked = matches_sample(expf, libm::expf, &PATH_THRESHOLDS);
        assert!(checked > 17_000_000);
    }

    /// Every one of the 2³² inputs; a minute in release, so run by hand.
    #[test]
    #[ignore]
    fn every_f32_is_libms() {
        matches_all(expf, libm::expf);
    }
}
