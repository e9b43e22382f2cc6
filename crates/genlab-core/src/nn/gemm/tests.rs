use super::*;
use crate::nn::dense::rows;
use crate::rng::Rng;

/// Sizes that are and are not multiples of the tiles (12 × 16, 6 × 16, 4 × 8) and of the blocks
/// (KC = 256, MC = 48), down to 1 × 1, and two of the lessons' shapes.
const SIZES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (7, 13, 5),
    (6, 16, 16),
    (13, 300, 37),
    (97, 257, 17),
    (5, 600, 1030),
    (100, 784, 64),
    (100, 64, 784),
];

fn random(n: usize, rng: &mut Rng, zero_share: f64) -> Vec<f32> {
    (0..n)
        .map(|_| {
            if rng.uniform() < zero_share {
                0.0
            } else {
                rng.normal() as f32
            }
        })
        .collect()
}

/// C (m × n, tight) += A·B by `run`, A and B each read through its (row, column) strides.
fn run_strided(
    run: RunKernel,
    (m, n, k): (usize, usize, usize),
    (a, (a_rs, a_cs)): (&[f32], (usize, usize)),
    (b, (b_rs, b_cs)): (&[f32], (usize, usize)),
    c: &mut [f32],
) {
    run(Product {
        m,
        n,
        k,
        a,
        a_rs,
        a_cs,
        b,
        b_rs,
        b_cs,
        c,
        ldc: n,
    })
}

/// C += A·B in f64 by the textbook triple loop, and Σ|a||b| per entry (the rounding scale).
#[allow(clippy::too_many_arguments)]
fn naive(
    m: usize,
    n: usize,
    k: usize,
    a: &[f32],
    (a_rs, a_cs): (usize, usize),
    b: &[f32],
    (b_rs, b_cs): (usize, usize),
    c0: &[f32],
) -> (Vec<f64>, Vec<f64>) {
    let mut c = vec![0.0; m * n];
    let mut scale = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            let mut s = c0[i * n + j] as f64;
            let mut mag = (c0[i * n + j] as f64).abs();
            for p in 0..k {
                let t = a[i * a_rs + p * a_cs] as f64 * b[p * b_rs + j * b_cs] as f64;
                s += t;
                mag += t.abs();
            }
            c[i * n + j] = s;
            scale[i * n + j] = mag;
        }
    }
    (c, scale)
}

/// Every kernel this machine has, in every operand layout the lessons use (A, Aᵀ; B, Bᵀ), with
/// half of A zero (the skipped steps), against f64: within f32 rounding of Σ|a||b|.
#[test]
fn every_kernel_and_layout_matches_the_triple_loop() {
    let mut rng = Rng::new(11);
    for &(m, n, k) in SIZES {
        for a_t in [false, true] {
            for b_t in [false, true] {
                let a = random(m * k, &mut rng, 0.5);
                let b = random(k * n, &mut rng, 0.0);
                let c0 = random(m * n, &mut rng, 0.0);
                let a_s = if a_t { (1, m) } else { (k, 1) };
                let b_s = if b_t { (1, k) } else { (n, 1) };
                let (want, scale) = naive(m, n, k, &a, a_s, &b, b_s, &c0);
                for (kernel, run) in kernels_here() {
                    let mut c = c0.clone();
                    run_strided(run, (m, n, k), (&a, a_s), (&b, b_s), &mut c);
                    for (idx, (&got, (&w, &s))) in c.iter().zip(want.iter().zip(&scale)).enumerate()
                    {
                        let tol = 2.0 * (k as f64 + 2.0) * f32::EPSILON as f64 * s + 1e-30;
                        assert!(
                            (got as f64 - w).abs() <= tol,
                            "{m}×{k}×{n} aᵀ {a_t} bᵀ {b_t} {kernel} at {idx}: {got} vs {w}"
                        );
                    }
                }
            }
        }
    }
}

/// The portable kernel's order, written out: per KC block and per entry, a sum from 0 over the
/// block's steps (multiply, round, add, round), then added to C. The simd128 kernel runs the same
/// order lane for lane, so these bits are the page's (tests/wasm.rs checks that side).
#[test]
fn the_portable_kernel_sums_in_the_documented_order() {
    let mut rng = Rng::new(12);
    for &(m, n, k) in SIZES {
        let a = random(m * k, &mut rng, 0.6);
        let b = random(k * n, &mut rng, 0.0);
        let c0 = random(m * n, &mut rng, 0.0);
        let mut c = c0.clone();
        gemm_portable(Product::row_major(m, n, k, &a, &b, &mut c));
        let mut want = c0.clone();
        for pc in (0..k).step_by(KC) {
            for i in 0..m {
                for j in 0..n {
                    let mut acc = 0f32;
                    for p in pc..(pc + KC).min(k) {
                        acc += a[i * k + p] * b[p * n + j];
                    }
                    want[i * n + j] += acc;
                }
            }
        }
        assert_eq!(
            c.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            want.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "{m}×{k}×{n}"
        );
    }
}

/// The AVX-512 kernels (12 × 16 and the wide 12 × 32) run the AVX2 kernel's sums (fused, in the
/// same order, per KC block from 0) at twice and four times the width, so the command line's
/// bits do not depend on which the CPU has or its L1 picks: C's bits are the same, in every
/// layout, at the odd sizes and the lessons' shapes, with zero steps skipped — the edge tiles
/// (4 or 8 rows, one 16-lane column of the wide tile) among them. (Says so and checks nothing
/// on a CPU without AVX-512.)
#[test]
fn the_avx512_kernel_computes_the_avx2_kernels_bits() {
    let kernels = kernels_here();
    let find = |name| {
        kernels
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, run)| *run)
    };
    let (Some(avx2), Some(avx512), Some(wide)) =
        (find("avx2"), find("avx512"), find("avx512 wide"))
    else {
        eprintln!("this CPU lacks AVX2 or AVX-512: nothing to compare");
        return;
    };
    let mut rng = Rng::new(16);
    let shapes = SIZES
        .iter()
        .chain(&[(100, 784, 256), (100, 512, 784), (24, 12, 33)]);
    for &(m, n, k) in shapes {
        for (a_t, b_t) in [(false, false), (true, false), (false, true)] {
            let a = random(m * k, &mut rng, 0.7);
            let b = random(k * n, &mut rng, 0.0);
            let c0 = random(m * n, &mut rng, 0.0);
            let a_s = if a_t { (1, m) } else { (k, 1) };
            let b_s = if b_t { (1, k) } else { (n, 1) };
            let bits = |run: RunKernel| {
                let mut c = c0.clone();
                run_strided(run, (m, n, k), (&a, a_s), (&b, b_s), &mut c);
                c.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            };
            assert_eq!(bits(avx512), bits(avx2), "{m}×{k}×{n} aᵀ {a_t} bᵀ {b_t}");
            assert_eq!(bits(wide), bits(avx2), "wide {m}×{k}×{n} aᵀ {a_t} bᵀ {b_t}");
        }
    }
}

/// The three layer products (f32, packed) against the row-at-a-time twin they replaced, on
/// MNIST-like inputs (most of x zero), at the lessons' shapes and off-tile ones.
#[test]
fn the_packed_layer_products_match_the_row_loops() {
    use crate::nn::dense::{matmul_a_bt, matmul_acc, matmul_at_b_acc};
    let mut rng = Rng::new(13);
    let close = |x: &[f32], y: &[f32], what: &str| {
        let scale = y.iter().fold(0f32, |s, v| s.max(v.abs())).max(1e-6);
        for (i, (p, q)) in x.iter().zip(y).enumerate() {
            assert!((p - q).abs() <= 2e-5 * scale, "{what} at {i}: {p} vs {q}");
        }
    };
    for &(m, k, n) in &[
        (1, 1, 1),
        (7, 13, 5),
        (100, 784, 256),
        (50, 16, 10),
        (33, 257, 19),
    ] {
        let x = random(m * k, &mut rng, 0.8);
        let w = random(k * n, &mut rng, 0.0);
        let dy = random(m * n, &mut rng, 0.0);
        let (mut y, mut y_ref) = (vec![0.25; m * n], vec![0.25; m * n]);
        matmul_acc(&x, &w, &mut y, m, k, n);
        rows::matmul_acc(&x, &w, &mut y_ref, m, k, n);
        close(&y, &y_ref, "x·W");
        let (mut dw, mut dw_ref) = (vec![0.5; k * n], vec![0.5; k * n]);
        matmul_at_b_acc(&x, &dy, &mut dw, m, k, n);
        rows::matmul_at_b_acc(&x, &dy, &mut dw_ref, m, k, n);
        close(&dw, &dw_ref, "xᵀ·dy");
        let (mut dx, mut dx_ref) = (vec![9.0; m * k], vec![0.0; m * k]);
        matmul_a_bt(&dy, &w, &mut dx, m, n, k);
        rows::matmul_a_bt(&dy, &w, &mut dx_ref, m, n, k);
        close(&dx, &dx_ref, "dy·Wᵀ");
    }
}

/// A zero row of A skips its steps; a panel of A that is all zero skips the tile, and C keeps
/// its bits — including a NaN already in C (nothing is added to it, not even 0).
#[test]
fn all_zero_panels_leave_c_untouched() {
    let (m, n, k) = (12, 20, 9);
    let a = vec![0f32; m * k];
    let b: Vec<f32> = (0..k * n).map(|i| i as f32).collect();
    let mut c: Vec<f32> = (0..m * n).map(|i| -(i as f32) - 0.5).collect();
    c[3] = f32::NAN;
    let before: Vec<u32> = c.iter().map(|v| v.to_bits()).collect();
    gemm(Product::row_major(m, n, k, &a, &b, &mut c));
    assert_eq!(c.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), before);
}

/// A NaN in A counts as a non-zero step: among zeros it is still multiplied in, so its row of
/// C turns NaN in every kernel, and the rows beside it keep their bits.
#[test]
fn a_nan_among_zeros_is_never_skipped() {
    let (m, n, k) = (13, 20, 300);
    let mut a = vec![0f32; m * k];
    a[5 * k + 270] = f32::NAN; // row 5, in the second block of steps
    let b: Vec<f32> = (0..k * n).map(|i| (i % 7) as f32 - 3.0).collect();
    let c0: Vec<f32> = (0..m * n).map(|i| i as f32 * 0.25).collect();
    for (name, run) in kernels_here() {
        let mut c = c0.clone();
        run(Product::row_major(m, n, k, &a, &b, &mut c));
        for (i, (&got, &was)) in c.iter().zip(&c0).enumerate() {
            if i / n == 5 {
                assert!(got.is_nan(), "{name}: C[5, {}] = {got}", i % n);
            } else {
                assert_eq!(
                    got.to_bits(),
                    was.to_bits(),
                    "{name}: C[{}, {}]",
                    i / n,
                    i % n
                );
            }
        }
    }
}

/// Same inputs, same bits: the packing buffers carried between calls hold nothing over.
#[test]
fn a_product_repeats_bit_for_bit_after_other_shapes() {
    let mut rng = Rng::new(14);
    let (m, n, k) = (37, 45, 300);
    let a = random(m * k, &mut rng, 0.3);
    let b = random(k * n, &mut rng, 0.0);
    let run = || {
        let mut c = vec![0f32; m * n];
        gemm(Product::row_major(m, n, k, &a, &b, &mut c));
        c.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    };
    let first = run();
    let (big_a, big_b) = (
        random(200 * 700, &mut rng, 0.0),
        random(700 * 90, &mut rng, 0.0),
    );
    let mut big_c = vec![0f32; 200 * 90];
    gemm(Product::row_major(200, 90, 700, &big_a, &big_b, &mut big_c));
    assert_eq!(run(), first);
}

/// A C wider than the product (row stride > n): the columns past n are not touched.
#[test]
fn a_strided_c_keeps_the_columns_outside_the_product() {
    let mut rng = Rng::new(15);
    let (m, n, k, ldc) = (9, 10, 7, 23);
    let a = random(m * k, &mut rng, 0.0);
    let b = random(k * n, &mut rng, 0.0);
    let mut c = vec![7.0f32; (m - 1) * ldc + n];
    gemm(Product {
        ldc,
        ..Product::row_major(m, n, k, &a, &b, &mut c)
    });
    for i in 0..m - 1 {
        assert!(c[i * ldc + n..(i + 1) * ldc].iter().all(|&v| v == 7.0));
    }
    let (want, _) = naive(m, n, k, &a, (k, 1), &b, (n, 1), &[7.0; 90]);
    for i in 0..m {
        for j in 0..n {
            assert!((c[i * ldc + j] as f64 - want[i * n + j]).abs() < 1e-4);
        }
    }
}

/// Every kernel's transposing pack puts each float where the one-at-a-time loop does and
/// writes nothing else: at multiples of its blocks and off them, runs wider apart than long.
#[test]
fn transposing_packs_match_the_scalar_loop() {
    type Pack = fn(&[f32], usize, usize, usize, usize, &mut [f32]);
    let mut packs: Vec<(&str, Pack)> = vec![("portable", Portable::pack_transposed)];
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        packs.push(("avx2", avx2::Avx2::pack_transposed));
        if std::arch::is_x86_feature_detected!("avx512f") {
            packs.push(("avx512", avx512::Avx512::pack_transposed));
            packs.push(("avx512 wide", avx512::Avx512Wide::pack_transposed));
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    packs.push(("simd128", simd128::Simd128::pack_transposed));
    let mut rng = Rng::new(5);
    // (steps, runs, panel width, stride between runs)
    for (kc, count, width, stride) in [
        (1, 1, 8, 1),
        (7, 13, 16, 9),
        (8, 8, 8, 8),
        (4, 4, 4, 6),
        (16, 32, 32, 300),
        (44, 37, 40, 50),
        (100, 12, 12, 784),
        (256, 32, 32, 512),
    ] {
        let src = random((count - 1) * stride + kc, &mut rng, 0.2);
        // A sentinel in every slot, so a stray write shows as a changed bit.
        let mut want = vec![f32::from_bits(0x7fc0_dead); kc * width];
        pack_transposed_scalar(&src, stride, 0..kc, 0..count, width, &mut want);
        for &(name, pack) in &packs {
            let mut got = vec![f32::from_bits(0x7fc0_dead); kc * width];
            pack(&src, stride, kc, count, width, &mut got);
            let (got, want): (Vec<u32>, Vec<u32>) = (
                got.iter().map(|v| v.to_bits()).collect(),
                want.iter().map(|v| v.to_bits()).collect(),
            );
            assert_eq!(
                got, want,
                "{name}: {kc} steps × {count} runs, width {width}, stride {stride}"
            );
        }
    }
}
