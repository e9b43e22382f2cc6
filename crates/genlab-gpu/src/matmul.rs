//! The tiled matrix product with transposed variants (`matmul.wgsl`), for the forward passes
//! (A·B), the weight gradients (Aᵀ·B) and the backward passes (A·Bᵀ). CPU twins:
//! `genlab_core::nn::dense::{matmul_acc, matmul_at_b_acc, matmul_a_bt}`.

use crate::{Dispatch, Gpu, Record, Tensor};

/// Which operand is stored transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// C = A·B: A m × k, B k × n.
    Plain,
    /// C = Aᵀ·B: A stored k × m.
    TransA,
    /// C = A·Bᵀ: B stored n × k.
    TransB,
}

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Dims {
    m: u32,
    n: u32,
    k: u32,
    flags: u32,
    alpha: f32,
    beta: f32,
    pad: [u32; 2],
}

/// One product bound to its three tensors: C (m × n) = alpha · op(A) · op(B) + beta · C.
pub struct Matmul(Dispatch);

impl Matmul {
    #[allow(clippy::too_many_arguments)] // the shape, the layout and the scalars of one GEMM
    pub fn new(
        gpu: &Gpu,
        a: &Tensor,
        b: &Tensor,
        c: &Tensor,
        (m, k, n): (usize, usize, usize),
        layout: Layout,
        alpha: f32,
        beta: f32,
    ) -> Matmul {
        assert_eq!(a.len, m * k, "A holds {} values, not {m} × {k}", a.len);
        assert_eq!(b.len, k * n, "B holds {} values, not {k} × {n}", b.len);
        assert_eq!(c.len, m * n, "C holds {} values, not {m} × {n}", c.len);
        // The layout is compiled into the pipeline: no branch in the inner loop.
        let (trans_a, trans_b) = match layout {
            Layout::Plain => (0.0, 0.0),
            Layout::TransA => (1.0, 0.0),
            Layout::TransB => (0.0, 1.0),
        };
        let uniform = gpu.uniform(&Dims {
            m: m as u32,
            n: n as u32,
            k: k as u32,
            flags: 0,
            alpha,
            beta,
            pad: [0; 2],
        });
        Matmul(Dispatch::with_constants(
            gpu,
            include_str!("matmul.wgsl"),
            "main",
            &[("TRANS_A", trans_a), ("TRANS_B", trans_b)],
            &[&uniform, &a.buffer, &b.buffer, &c.buffer],
            // 8 × 8 threads per group, 4 × 4 outputs per thread.
            (n.div_ceil(32) as u32, m.div_ceil(32) as u32),
        ))
    }
}

impl Record for Matmul {
    fn record(&self, pass: &mut wgpu::ComputePass<'_>) {
        self.0.record(pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_rel_diff, random};
    use genlab_core::nn::dense::{matmul_a_bt, matmul_acc, matmul_at_b_acc};

    /// Every layout against its CPU twin, at sizes that are and are not multiples of the tile.
    #[test]
    fn each_layout_matches_its_cpu_twin_at_odd_sizes() {
        let gpu = gpu();
        for (i, &(m, k, n)) in [
            (1, 1, 1),
            (7, 13, 5),
            (16, 16, 16),
            (17, 33, 15),
            (100, 784, 64),
            (64, 784, 512),
        ]
        .iter()
        .enumerate()
        {
            let seed = 10 * i as u64;
            for layout in [Layout::Plain, Layout::TransA, Layout::TransB] {
                let (a, b) = (random(m * k, seed + 1), random(k * n, seed + 2));
                let c0 = random(m * n, seed + 3);
                // CPU: C = 0.5·op(A)·op(B) + 1·C, through the lesson code's three kernels.
                let mut product = vec![0.0f32; m * n];
                match layout {
                    Layout::Plain => matmul_acc(&a, &b, &mut product, m, k, n),
                    // a is stored k × m: (aᵀ)·b with the twin's m ↔ k roles.
                    Layout::TransA => matmul_at_b_acc(&a, &b, &mut product, k, m, n),
                    Layout::TransB => matmul_a_bt(&a, &b, &mut product, m, k, n),
                }
                let expected: Vec<f32> = product
                    .iter()
                    .zip(&c0)
                    .map(|(&p, &c)| 0.5 * p + c)
                    .collect();
                let (ta, tb, tc) = (
                    Tensor::from_slice(gpu, &a),
                    Tensor::from_slice(gpu, &b),
                    Tensor::from_slice(gpu, &c0),
                );
                let op = Matmul::new(gpu, &ta, &tb, &tc, (m, k, n), layout, 0.5, 1.0);
                gpu.run(|pass| op.record(pass));
                let got = tc.read_blocking(gpu);
                // Sums of k products of numbers in [-1, 1) in another order: f32 rounding
                // grows like √k · 2⁻²⁴ · |terms|; 1e-5 relative is ~20× the worst seen.
                let diff = max_rel_diff(&got, &expected);
                assert!(
                    diff < 2e-5 * (k as f32).sqrt().max(1.0),
                    "{layout:?} {m}×{k}×{n}: max relative difference {diff}"
                );
            }
        }
    }

    #[test]
    fn beta_zero_ignores_whatever_c_held() {
        let gpu = gpu();
        let (a, b) = (random(3 * 4, 1), random(4 * 2, 2));
        let tc = Tensor::from_slice(gpu, &[f32::NAN; 6]);
        let op = Matmul::new(
            gpu,
            &Tensor::from_slice(gpu, &a),
            &Tensor::from_slice(gpu, &b),
            &tc,
            (3, 4, 2),
            Layout::Plain,
            1.0,
            0.0,
        );
        gpu.run(|pass| op.record(pass));
        let mut expected = vec![0.0f32; 6];
        matmul_acc(&a, &b, &mut expected, 3, 4, 2);
        assert!(max_rel_diff(&tc.read_blocking(gpu), &expected) < 1e-6);
    }
}
