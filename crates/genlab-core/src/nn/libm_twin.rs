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
