//! The float type a network computes in. Training runs in f32 (twice the SIMD lanes, half the
//! memory traffic); gradient checks run the same code in f64. Transcendentals are `libm`'s (f32
//! exp and log1p through [`super::expf`] and [`super::log1pf`], libm's bits without its
//! branches) so native and wasm runs stay bit-identical (the f32 matrix products too, with the
//! portable kernel: see [`super::gemm`]).

use std::fmt::Debug;

use super::gemm::Product;
use std::iter::Sum;
use std::ops::Range;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

pub trait Real:
    Copy
    + Debug
    + Default
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + Sum
{
    const ZERO: Self;
    const ONE: Self;
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    fn exp(self) -> Self;
    fn ln_1p(self) -> Self;
    /// [`Real::ln_1p`] for 0 ≤ self ≤ 1 (a softplus's log(1 + e^{−|a|})), the same bits there.
    fn ln_1p_unit(self) -> Self;
    fn sqrt(self) -> Self;
    fn abs(self) -> Self;
    fn is_finite(self) -> bool;
    /// Size in bytes, and the exact bits as little-endian bytes (exported runs).
    const BYTES: usize;
    /// "f32" or "f64": names the type in an exported run, so a file cannot be read as the other.
    const NAME: &'static str;
    fn write_le(self, out: &mut Vec<u8>);
    /// `bytes.len() == Self::BYTES`.
    fn read_le(bytes: &[u8]) -> Self;
    /// Runs `p` through the packed SIMD kernels where this type has them (f32) and says so;
    /// `false` leaves the product to the row-at-a-time loops (f64, the gradient checks).
    fn packed_gemm(p: Product<'_, Self>) -> bool;
    fn max(self, other: Self) -> Self {
        if self > other {
            self
        } else {
            other
        }
    }
    /// y += a · x, the inner loop of every matrix product here.
    #[inline]
    fn axpy(a: Self, x: &[Self], y: &mut [Self]) {
        for (yi, &xi) in y.iter_mut().zip(x) {
            *yi += a * xi;
        }
    }
    /// Σ x·y with eight partial sums, so the compiler may keep them in SIMD lanes (float addition
    /// is not associative: one running sum would force a serial chain).
    #[inline]
    fn dot(x: &[Self], y: &[Self]) -> Self {
        let mut acc = [Self::ZERO; 8];
        let (xc, xr) = x.split_at(x.len() / 8 * 8);
        let (yc, yr) = y.split_at(xc.len());
        for (a, b) in xc.chunks_exact(8).zip(yc.chunks_exact(8)) {
            for l in 0..8 {
                acc[l] += a[l] * b[l];
            }
        }
        let mut tail = Self::ZERO;
        for (&a, &b) in xr.iter().zip(yr) {
            tail += a * b;
        }
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
    }
}

/// The two float types differ only in which libm functions they call.
macro_rules! impl_real {
    ($t:ty, $exp:path, $ln_1p:path, $ln_1p_unit:path, $sqrt:path, $packed:expr) => {
        impl Real for $t {
            fn packed_gemm(p: Product<'_, Self>) -> bool {
                $packed(p)
            }
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn exp(self) -> Self {
                $exp(self)
            }
            fn ln_1p(self) -> Self {
                $ln_1p(self)
            }
            fn ln_1p_unit(self) -> Self {
                $ln_1p_unit(self)
            }
            fn sqrt(self) -> Self {
                $sqrt(self)
            }
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            const BYTES: usize = std::mem::size_of::<$t>();
            const NAME: &'static str = stringify!($t);
            fn write_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn read_le(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes.try_into().expect("caller passes BYTES bytes"))
            }
        }
    };
}

/// Σ of n terms added in order from zero (the same bits as adding each as it is computed),
/// with `fill(range, terms)` writing the terms of indices `range` a block at a time: a sum
/// in order cannot vectorise, but a block's terms (their exp, log1p) can.
pub fn sum_in_order<T: Real>(n: usize, mut fill: impl FnMut(Range<usize>, &mut [T])) -> T {
    const BLOCK: usize = 64;
    let mut terms = [T::ZERO; BLOCK];
    let mut sum = T::ZERO;
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        let terms = &mut terms[..end - start];
        fill(start..end, terms);
        for &t in terms.iter() {
            sum += t;
        }
    }
    sum
}

/// σ(a) = 1 / (1 + e^{−a}) as written, the form the RBMs and the DBN's networks use (e^{−a}
/// overflows to ∞ far below zero, which still gives 0); a loop of it vectorises too.
pub fn sigmoid_direct<T: Real>(a: T) -> T {
    T::ONE / (T::ONE + (-a).exp())
}

/// σ(a) without overflow for either sign: e^{−|a|} is e^{−a} for a ≥ 0 and e^{a} below, the
/// same bits as computing each branch's own exp; one exp, selected, so a loop of them
/// vectorises (with [`super::expf`], natively and in wasm).
pub fn sigmoid<T: Real>(a: T) -> T {
    sigmoid_given_exp(a, (-a.abs()).exp())
}

/// [`sigmoid`] from e = e^{−|a|} computed beforehand (the same bits): a loop can keep the
/// exps for the Bernoulli loss, whose softplus needs the same e^{−|a|}.
#[inline(always)]
pub fn sigmoid_given_exp<T: Real>(a: T, e: T) -> T {
    if a >= T::ZERO {
        T::ONE / (T::ONE + e)
    } else {
        e / (T::ONE + e)
    }
}

// The square root is std's: IEEE 754 rounds it correctly (the x86 instruction natively,
// `f32.sqrt` / `f64.sqrt` in wasm), so its bits are libm's on both targets, and unlike libm's
// (an opaque one-lane intrinsic) it vectorises — Adam's update ran one lane at a time.
impl_real!(
    f32,
    super::expf::expf,
    super::log1pf::log1pf,
    super::log1pf::log1pf_unit,
    f32::sqrt,
    super::gemm::packed_f32
);
impl_real!(f64, libm::exp, libm::log1p, libm::log1p, f64::sqrt, |_| {
    false
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Terms whose sum depends on the order they are added in: magnitudes from 1e−6 to 1e6,
    /// either sign.
    fn terms<T: Real>(n: usize, seed: u64) -> Vec<T> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|_| T::from_f64(rng.normal() * 10f64.powf(12.0 * rng.uniform() - 6.0)))
            .collect()
    }

    fn in_order_and_reversed<T: Real>() {
        let mut order_mattered = false;
        for (n, seed) in [
            (0, 1),
            (1, 2),
            (63, 3),
            (64, 4),
            (65, 5),
            (130, 6),
            (1000, 7),
        ] {
            let xs = terms::<T>(n, seed);
            let mut plain = T::ZERO;
            for &x in &xs {
                plain += x;
            }
            let blocked = sum_in_order(n, |at, out| {
                for (o, &x) in out.iter_mut().zip(&xs[at]) {
                    *o = x;
                }
            });
            assert_eq!(
                blocked.to_f64().to_bits(),
                plain.to_f64().to_bits(),
                "n = {n}"
            );
            let mut reversed = T::ZERO;
            for &x in xs.iter().rev() {
                reversed += x;
            }
            order_mattered |= reversed.to_f64().to_bits() != plain.to_f64().to_bits();
        }
        // Otherwise the comparison above could not tell the order apart.
        assert!(order_mattered);
    }

    #[test]
    fn sum_in_order_adds_in_order() {
        in_order_and_reversed::<f32>();
        in_order_and_reversed::<f64>();
    }
}
