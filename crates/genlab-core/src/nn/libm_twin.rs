//! Checks that a branch-free twin of a libm function gives libm's bits.

fn same(ours: fn(f32) -> f32, libms: fn(f32) -> f32, x: f32) -> bool {
    let (got, want) = (ours(x), libms(x));
    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
}

/// Every 241st f32 and every input within 4,096 ulps of each threshold (given as |x|'s bits),
/// with either sign; panics at the first difference, else returns how many were compared.
pub fn matches_sample(ours: fn(f32) -> f32, libms: fn(f32) -> f32, thresholds: &[u32]) -> u64 {
    let mut checked = 0u64;
    let mut check = |x: f32| {
        assert!(
            same(ours, libms, x),
            "x = {x:e} ({:#x}): {:e} vs {:e}",
            x.to_bits(),
            ours(x),
            libms(x)
        );
        checked += 1;
    };
    for bits in (0..=u32::MAX).step_by(241) {
        check(f32::from_bits(bits));
    }
    for &t in thresholds {
        for sign in [0, 0x8000_0000u32] {
            for d in 0..=4096u32 {
                for bits in [t.wrapping_add(d), t.wrapping_sub(d)] {
                    check(f32::from_bits((bits & 0x7fff_ffff) | sign));
                }
            }
        }
    }
    checked
}

/// All 2³² inputs.
pub fn matches_all(ours: fn(f32) -> f32, libms: fn(f32) -> f32) {
    let bad = (0..=u32::MAX)
        .filter(|&bits| !same(ours, libms, f32::from_bits(bits)))
        .count();
    assert_eq!(bad, 0);
}

/// Panics unless ours(x) is libms(x) to the bit (any NaN for a NaN); returns 1, one compared.
fn assert_same_f64(ours: fn(f64) -> f64, libms: fn(f64) -> f64, x: f64) -> u64 {
    let (got, want) = (ours(x), libms(x));
    assert!(
        got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
        "x = {x:e} ({:#x}): {got:e} vs {want:e}",
        x.to_bits()
    );
    1
}

/// A spread of 2²⁴ f64s over all bit patterns, 2²⁴ more over |x| < 1024, and every input
/// within 4,096 ulps of each threshold (|x|'s bits), with either sign; panics at the first
/// difference, else returns how many were compared.
pub fn matches_f64_sample(ours: fn(f64) -> f64, libms: fn(f64) -> f64, thresholds: &[u64]) -> u64 {
    let mut checked = 0u64;
    let stride = (u64::MAX >> 24) | 1;
    let mut bits = 0u64;
    for _ in 0..1 << 24 {
        checked += assert_same_f64(ours, libms, f64::from_bits(bits));
        bits = bits.wrapping_add(stride);
    }
    for i in 0..1u64 << 24 {
        // i·φ mod 1, spread over (−1024, 1024) without clustering.
        let u = (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 11) as f64 / (1u64 << 53) as f64;
        checked += assert_same_f64(ours, libms, 2048.0 * u - 1024.0);
    }
    for &t in thresholds {
        for sign in [0, 1u64 << 63] {
            for d in 0..=4096u64 {
                for bits in [t.wrapping_add(d), t.wrapping_sub(d)] {
                    let x = f64::from_bits((bits & !(1u64 << 63)) | sign);
                    checked += assert_same_f64(ours, libms, x);
                }
            }
        }
    }
    checked
}

/// Every input within `ulps` of each point (k + ½)·step and k·step in [lo, hi], where a
/// reduction's rounding changes k or its remainder is least.
pub fn matches_f64_steps(
    ours: fn(f64) -> f64,
    libms: fn(f64) -> f64,
    step: f64,
    lo: f64,
    hi: f64,
    ulps: u64,
) -> u64 {
    let (k_lo, k_hi) = ((lo / step).floor() as i64, (hi / step).ceil() as i64);
    let points = (k_lo..=k_hi).flat_map(|k| [k as f64 * step, (k as f64 + 0.5) * step]);
    matches_f64_near(ours, libms, points, ulps)
}

/// Every input within `ulps` of each point.
pub fn matches_f64_near(
    ours: fn(f64) -> f64,
    libms: fn(f64) -> f64,
    points: impl Iterator<Item = f64>,
    ulps: u64,
) -> u64 {
    let mut checked = 0u64;
    for at in points {
        let b = at.to_bits();
        for d in 0..=ulps {
            for bits in [b.wrapping_add(d), b.wrapping_sub(d)] {
                checked += assert_same_f64(ours, libms, f64::from_bits(bits));
            }
        }
    }
    checked
}
