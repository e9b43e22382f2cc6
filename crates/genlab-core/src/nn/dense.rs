//! One fully connected layer on a batch, forward beside backward, shared by the VAE's encoder
//! and decoder. Weights are a slice of a flat parameter vector: W (n_in × n_out, row-major) then
//! the bias (n_out), so the optimiser and the gradient checker see one vector for the whole net.
//!
//! The three products run in f32 through the packed SIMD kernels of [`super::gemm`]; in f64 (the
//! gradient checks) through [`rows`], loops over contiguous rows that take the batch a few rows
//! at a time and skip zero inputs — also the twin the packed kernels are tested against.

use super::{gemm, Real};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dense {
    pub n_in: usize,
    pub n_out: usize,
    /// Apply ReLU to the output (else the layer is linear).
    pub relu: bool,
    /// Where W starts in the flat parameter vector; the bias follows W.
    pub offset: usize,
}

impl Dense {
    pub fn n_params(&self) -> usize {
        self.n_in * self.n_out + self.n_out
    }

    fn split<'a, T>(&self, params: &'a [T]) -> (&'a [T], &'a [T]) {
        let w_len = self.n_in * self.n_out;
        let p = &params[self.offset..self.offset + w_len + self.n_out];
        p.split_at(w_len)
    }

    /// y = act(x · W + b).  x: batch × n_in, y: batch × n_out.
    pub fn forward<T: Real>(&self, params: &[T], x: &[T], batch: usize, y: &mut [T]) {
        let (w, b) = self.split(params);
        debug_assert_eq!(x.len(), batch * self.n_in);
        debug_assert_eq!(y.len(), batch * self.n_out);
        for row in y.chunks_exact_mut(self.n_out) {
            row.copy_from_slice(b);
        }
        matmul_acc(x, w, y, batch, self.n_in, self.n_out);
        if self.relu {
            for v in y.iter_mut() {
                if *v < T::ZERO {
                    *v = T::ZERO;
                }
            }
        }
    }

    /// Given d_y = ∂L/∂y (batch × n_out) and this layer's input x and output y: adds ∂L/∂W and
    /// ∂L/∂b into `d_params` (same layout as `params`) and, if asked, writes ∂L/∂x into `d_x`.
    /// `d_y` is overwritten with ∂L/∂(pre-activation).
    #[allow(clippy::too_many_arguments)]
    pub fn backward<T: Real>(
        &self,
        params: &[T],
        x: &[T],
        y: &[T],
        batch: usize,
        d_y: &mut [T],
        d_params: &mut [T],
        d_x: Option<&mut [T]>,
    ) {
        if self.relu {
            // ReLU's output is positive exactly where its input was.
            for (d, &out) in d_y.iter_mut().zip(y) {
                if out <= T::ZERO {
                    *d = T::ZERO;
                }
            }
        }
        let w_len = self.n_in * self.n_out;
        let (d_w, d_b) =
            d_params[self.offset..self.offset + w_len + self.n_out].split_at_mut(w_len);
        for row in d_y.chunks_exact(self.n_out) {
            for (db, &d) in d_b.iter_mut().zip(row) {
                *db += d;
            }
        }
        matmul_at_b_acc(x, d_y, d_w, batch, self.n_in, self.n_out);
        if let Some(d_x) = d_x {
            let (w, _) = self.split(params);
            matmul_a_bt(d_y, w, d_x, batch, self.n_out, self.n_in);
        }
    }
}

/// c (m × n) += a (m × k) · b (k × n).
pub fn matmul_acc<T: Real>(a: &[T], b: &[T], c: &mut [T], m: usize, k: usize, n: usize) {
    if !T::packed_gemm(gemm::Product::row_major(m, n, k, a, b, c)) {
        rows::matmul_acc(a, b, c, m, k, n)
    }
}

/// c (k × n) += aᵀ · b, with a: m × k and b: m × n.
pub fn matmul_at_b_acc<T: Real>(a: &[T], b: &[T], c: &mut [T], m: usize, k: usize, n: usize) {
    let p = gemm::Product {
        m: k,
        n,
        k: m,
        a,
        a_rs: 1,
        a_cs: k,
        b,
        b_rs: n,
        b_cs: 1,
        c,
        ldc: n,
    };
    if !T::packed_gemm(p) {
        rows::matmul_at_b_acc(a, b, c, m, k, n)
    }
}

/// c (m × k) = a (m × n) · bᵀ, with b: k × n.
pub fn matmul_a_bt<T: Real>(a: &[T], b: &[T], c: &mut [T], m: usize, n: usize, k: usize) {
    c.fill(T::ZERO);
    let p = gemm::Product {
        m,
        n: k,
        k: n,
        a,
        a_rs: n,
        a_cs: 1,
        b,
        b_rs: 1,
        b_cs: n,
        c,
        ldc: k,
    };
    if !T::packed_gemm(p) {
        rows::matmul_a_bt(a, b, c, m, n, k)
    }
}

/// The products a row of the batch at a time: every inner loop runs over a contiguous row (it
/// vectorises), batch rows are taken [`ROWS`] at a time so a weight row is loaded once per block
/// rather than once per image, and zero inputs are skipped (most MNIST pixels are 0).
pub mod rows {
    use super::Real;

    /// Batch rows processed together: one pass over W per block of this many images.
    const ROWS: usize = 8;

    /// c (m × n) += a (m × k) · b (k × n).
    pub fn matmul_acc<T: Real>(a: &[T], b: &[T], c: &mut [T], m: usize, k: usize, n: usize) {
        for (a_rows, c_rows) in a.chunks(ROWS * k).zip(c.chunks_mut(ROWS * n)) {
            let rows = a_rows.len() / k;
            for p in 0..k {
                let b_row = &b[p * n..(p + 1) * n];
                for r in 0..rows {
                    let a_rp = a_rows[r * k + p];
                    if a_rp == T::ZERO {
                        continue;
                    }
                    axpy(a_rp, b_row, &mut c_rows[r * n..(r + 1) * n]);
                }
            }
        }
        debug_assert_eq!(c.len(), m * n);
    }

    /// c (k × n) += aᵀ · b, with a: m × k and b: m × n.
    pub fn matmul_at_b_acc<T: Real>(a: &[T], b: &[T], c: &mut [T], m: usize, k: usize, n: usize) {
        debug_assert_eq!(a.len(), m * k);
        for (a_rows, b_rows) in a.chunks(ROWS * k).zip(b.chunks(ROWS * n)) {
            let rows = a_rows.len() / k;
            for p in 0..k {
                let c_row = &mut c[p * n..(p + 1) * n];
                for r in 0..rows {
                    let a_rp = a_rows[r * k + p];
                    if a_rp == T::ZERO {
                        continue;
                    }
                    axpy(a_rp, &b_rows[r * n..(r + 1) * n], c_row);
                }
            }
        }
    }

    /// c (m × k) = a (m × n) · bᵀ, with b: k × n.
    pub fn matmul_a_bt<T: Real>(a: &[T], b: &[T], c: &mut [T], m: usize, n: usize, k: usize) {
        debug_assert_eq!(c.len(), m * k);
        for (a_rows, c_rows) in a.chunks(ROWS * n).zip(c.chunks_mut(ROWS * k)) {
            let rows = a_rows.len() / n;
            for p in 0..k {
                let b_row = &b[p * n..(p + 1) * n];
                for r in 0..rows {
                    c_rows[r * k + p] = dot(&a_rows[r * n..(r + 1) * n], b_row);
                }
            }
        }
    }

    /// y += a · x (see [`Real::axpy`]).
    #[inline]
    fn axpy<T: Real>(a: T, x: &[T], y: &mut [T]) {
        T::axpy(a, x, y)
    }

    #[inline]
    fn dot<T: Real>(x: &[T], y: &[T]) -> T {
        T::dot(x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::max_relative_error;
    use crate::rng::Rng;

    fn random(n: usize, rng: &mut Rng, zero_share: f64) -> Vec<f64> {
        (0..n)
            .map(|_| {
                if rng.uniform() < zero_share {
                    0.0
                } else {
                    rng.normal()
                }
            })
            .collect()
    }

    /// The blocked, zero-skipping products against the textbook triple loop, at sizes that are
    /// and are not multiples of the block.
    #[test]
    fn products_match_the_naive_loops() {
        let mut rng = Rng::new(3);
        for &(m, k, n) in &[(1, 1, 1), (7, 13, 5), (17, 9, 33), (8, 16, 8), (30, 3, 2)] {
            let a = random(m * k, &mut rng, 0.5);
            let b = random(k * n, &mut rng, 0.0);
            let mut c = vec![0.5; m * n];
            matmul_acc(&a, &b, &mut c, m, k, n);
            for i in 0..m {
                for j in 0..n {
                    let want = 0.5 + (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum::<f64>();
                    assert!((c[i * n + j] - want).abs() < 1e-12, "a·b at {m}×{k}×{n}");
                }
            }
            let d = random(m * n, &mut rng, 0.0);
            let mut e = vec![0.0; k * n];
            matmul_at_b_acc(&a, &d, &mut e, m, k, n);
            for p in 0..k {
                for j in 0..n {
                    let want = (0..m).map(|i| a[i * k + p] * d[i * n + j]).sum::<f64>();
                    assert!((e[p * n + j] - want).abs() < 1e-12, "aᵀ·b at {m}×{k}×{n}");
                }
            }
            let mut f = vec![0.0; m * k];
            matmul_a_bt(&d, &b, &mut f, m, n, k);
            for i in 0..m {
                for p in 0..k {
                    let want = (0..n).map(|j| d[i * n + j] * b[p * n + j]).sum::<f64>();
                    assert!((f[i * k + p] - want).abs() < 1e-12, "a·bᵀ at {m}×{n}×{k}");
                }
            }
        }
    }

    /// Backward of a two-layer stack (ReLU then linear) against finite differences of
    /// L = Σ t ⊙ y for a fixed random t, including ∂L/∂x.
    #[test]
    fn backward_matches_finite_differences() {
        let mut rng = Rng::new(11);
        let l1 = Dense {
            n_in: 5,
            n_out: 7,
            relu: true,
            offset: 0,
        };
        let l2 = Dense {
            n_in: 7,
            n_out: 3,
            relu: false,
            offset: l1.n_params(),
        };
        let n = l1.n_params() + l2.n_params();
        let params: Vec<f64> = (0..n).map(|_| 0.5 * rng.normal()).collect();
        let batch = 11;
        let x = random(batch * 5, &mut rng, 0.3);
        let t = random(batch * 3, &mut rng, 0.0);
        let loss = |p: &[f64], x: &[f64]| {
            let mut h = vec![0.0; batch * 7];
            let mut y = vec![0.0; batch * 3];
            l1.forward(p, x, batch, &mut h);
            l2.forward(p, &h, batch, &mut y);
            y.iter().zip(&t).map(|(a, b)| a * b).sum::<f64>()
        };
        let mut h = vec![0.0; batch * 7];
        let mut y = vec![0.0; batch * 3];
        l1.forward(&params, &x, batch, &mut h);
        l2.forward(&params, &h, batch, &mut y);
        let mut d_params = vec![0.0; n];
        let mut d_y = t.clone();
        let mut d_h = vec![0.0; batch * 7];
        l2.backward(
            &params,
            &h,
            &y,
            batch,
            &mut d_y,
            &mut d_params,
            Some(&mut d_h),
        );
        let mut d_x = vec![0.0; batch * 5];
        l1.backward(
            &params,
            &x,
            &h,
            batch,
            &mut d_h,
            &mut d_params,
            Some(&mut d_x),
        );
        let (err, at) = max_relative_error(&params, &d_params, |p| loss(p, &x), 1e-6, n);
        assert!(err < 1e-6, "parameter gradient off by {err} at {at}");
        let (err, at) = max_relative_error(&x, &d_x, |x| loss(&params, x), 1e-6, x.len());
        assert!(err < 1e-6, "input gradient off by {err} at {at}");
    }
}
