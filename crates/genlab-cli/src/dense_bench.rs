//! Where the CPU's dense products stand (#24): one core's measured f32 peak (an FMA loop) and
//! its peak at the page's 128-bit width (the ceiling of the worker's kernel), the
//! lessons' three products at the lessons' shapes in GFLOP/s and as a share of that peak (the
//! packed kernels the lessons run, and the row loops they replaced), and a
//! reference sgemm (matrixmultiply: BLIS-style kernels with runtime AVX/FMA detection) at the
//! same shapes — with the largest difference between the two results, so a fast wrong kernel
//! cannot pass for a fast one. A dev-only tool: nothing here reaches the page.

use std::hint::black_box;
use std::time::Instant;

use genlab_core::autoencoder::model::bernoulli_nll;
use genlab_core::digits::data::PIXELS;
use genlab_core::nn::dense::{matmul_a_bt, matmul_acc, matmul_at_b_acc, rows};
use genlab_core::nn::gemm::kernel_name;
use genlab_core::rng::Rng;
use serde_json::json;

/// (batch m, inputs k, outputs n, where the lessons run it).
const SHAPES: &[(usize, usize, usize, &str)] = &[
    (100, 784, 256, "VAE / RBM-on-MNIST layer 1, H = 256"),
    (100, 256, 784, "VAE decoder output, H = 256"),
    (100, 784, 512, "VAE layer 1, H = 512"),
    (100, 784, 500, "DBN layer 1 (as the DBN paper), H = 500"),
];

/// Runs `f` until `seconds` have passed (at least twice) and returns calls per second.
fn rate(seconds: f64, mut f: impl FnMut()) -> f64 {
    f();
    let t = Instant::now();
    let mut calls = 0u64;
    while calls < 2 || t.elapsed().as_secs_f64() < seconds {
        f();
        calls += 1;
    }
    calls as f64 / t.elapsed().as_secs_f64()
}

/// One core's f32 peak: independent FMA chains, enough to cover the unit's latency, at the
/// widest vectors the CPU has (AVX-512 doubles it on cores with full-width units, not on those
/// that split a 512-bit operation in two).
fn peak(seconds: f64) -> (f64, &'static str) {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("fma") {
            const ITERS: u64 = 1 << 19;
            // SAFETY: the CPU has AVX-512F and FMA (checked just above).
            let per_sec = rate(seconds, || {
                black_box(unsafe { fma_chains_512(black_box(ITERS)) });
            });
            let flops = ITERS as f64 * 24.0 * 16.0 * 2.0;
            return (per_sec * flops / 1e9, "AVX-512 FMA, 24 chains of 16 lanes");
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            const ITERS: u64 = 1 << 20;
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            let per_sec = rate(seconds, || {
                black_box(unsafe { fma_chains(black_box(ITERS)) });
            });
            let flops = ITERS as f64 * 12.0 * 8.0 * 2.0;
            return (per_sec * flops / 1e9, "AVX2 FMA, 12 chains of 8 lanes");
        }
    }
    const ITERS: u64 = 1 << 22;
    let per_sec = rate(seconds, || {
        let mut acc = [0f32; 8];
        let (a, b) = (black_box(0.999_999f32), black_box(1e-7f32));
        for _ in 0..black_box(ITERS) {
            for x in &mut acc {
                *x = x.mul_add(a, b);
            }
        }
        black_box(acc);
    });
    (
        per_sec * ITERS as f64 * 8.0 * 2.0 / 1e9,
        "scalar mul_add, 8 chains",
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
unsafe fn fma_chains_512(iters: u64) -> f32 {
    use std::arch::x86_64::*;
    let a = _mm512_set1_ps(0.999_999);
    let b = _mm512_set1_ps(1e-7);
    let mut acc = [_mm512_setzero_ps(); 24];
    for _ in 0..iters {
        for x in &mut acc {
            *x = _mm512_fmadd_ps(*x, a, b);
        }
    }
    let mut sum = _mm512_setzero_ps();
    for x in acc {
        sum = _mm512_add_ps(sum, x);
    }
    _mm512_reduce_add_ps(sum)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn fma_chains(iters: u64) -> f32 {
    use std::arch::x86_64::*;
    let a = _mm256_set1_ps(0.999_999);
    let b = _mm256_set1_ps(1e-7);
    let mut acc = [_mm256_setzero_ps(); 12];
    for _ in 0..iters {
        for x in &mut acc {
            *x = _mm256_fmadd_ps(*x, a, b);
        }
    }
    let mut sum = _mm256_setzero_ps();
    for x in acc {
        sum = _mm256_add_ps(sum, x);
    }
    let mut out = [0f32; 8];
    _mm256_storeu_ps(out.as_mut_ptr(), sum);
    out.iter().sum()
}

/// Independent chains of the 128-bit peaks: a multiply then an add is a longer chain than one
/// fused multiply-add, and 12 left it latency-bound (7 % under the fused figure on Zen 5).
const CHAINS_128: usize = 14;

/// What the page's worker could reach at most on this core: 128-bit vectors (wasm's only SIMD
/// width), [`CHAINS_128`] chains of 4 lanes, once as a multiply then an add (what simd128's
/// `f32x4.mul` and `f32x4.add` run as) and once fused (what relaxed SIMD's
/// `f32x4.relaxed_madd` would run as, where the CPU has FMA). GFLOP/s (multiply then add,
/// fused), or `None` off x86-64.
fn peaks_128(seconds: f64) -> Option<(f64, Option<f64>)> {
    #[cfg(target_arch = "x86_64")]
    {
        const ITERS: u64 = 1 << 20;
        let flops = ITERS as f64 * CHAINS_128 as f64 * 4.0 * 2.0;
        // SAFETY: SSE2 is part of x86-64.
        let unfused = rate(seconds, || {
            black_box(unsafe { mul_add_chains_128(black_box(ITERS)) });
        });
        let fused = is_x86_feature_detected!("fma").then(|| {
            // SAFETY: the CPU has FMA (checked just above).
            rate(seconds, || {
                black_box(unsafe { fma_chains_128(black_box(ITERS)) });
            }) * flops
                / 1e9
        });
        Some((unfused * flops / 1e9, fused))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = seconds;
        None
    }
}

#[cfg(target_arch = "x86_64")]
unsafe fn mul_add_chains_128(iters: u64) -> f32 {
    use std::arch::x86_64::*;
    chains_128(iters, |x, a, b| _mm_add_ps(_mm_mul_ps(x, a), b))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
unsafe fn fma_chains_128(iters: u64) -> f32 {
    use std::arch::x86_64::*;
    chains_128(iters, |x, a, b| _mm_fmadd_ps(x, a, b))
}

/// [`CHAINS_128`] independent chains x ← step(x, a, b) of 4 lanes, summed; inlined into each
/// caller so that its step compiles with the caller's features.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn chains_128(
    iters: u64,
    step: impl Fn(
        std::arch::x86_64::__m128,
        std::arch::x86_64::__m128,
        std::arch::x86_64::__m128,
    ) -> std::arch::x86_64::__m128,
) -> f32 {
    use std::arch::x86_64::*;
    let mut out = [0f32; 4];
    // SAFETY: SSE2 is part of x86-64; `out` holds four floats.
    unsafe {
        let a = _mm_set1_ps(0.999_999);
        let b = _mm_set1_ps(1e-7);
        let mut acc = [_mm_setzero_ps(); CHAINS_128];
        for _ in 0..iters {
            for x in &mut acc {
                *x = step(*x, a, b);
            }
        }
        let sum = acc.iter().fold(_mm_setzero_ps(), |s, &x| _mm_add_ps(s, x));
        _mm_storeu_ps(out.as_mut_ptr(), sum);
    }
    out.iter().sum()
}

/// c (m × n) = a (m × k) · b (k × n) + beta · c, row-major, by the reference sgemm.
#[allow(clippy::too_many_arguments)] // sgemm's own arguments
fn reference(
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    m: usize,
    k: usize,
    n: usize,
    at: bool,
    bt: bool,
    beta: f32,
) {
    // Strides let the same call read aᵀ or bᵀ without copying.
    let (rsa, csa) = if at { (1, m as isize) } else { (k as isize, 1) };
    let (rsb, csb) = if bt { (1, k as isize) } else { (n as isize, 1) };
    // SAFETY: every slice holds the matrix its strides describe (sizes asserted by the callers).
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

fn max_diff(x: &[f32], y: &[f32]) -> f64 {
    x.iter()
        .zip(y)
        .map(|(a, b)| (a - b).abs() as f64)
        .fold(0.0, f64::max)
}

pub fn bench(seconds: f64) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let (peak_gflops, how) = peak(seconds);
    out.push(json!({ "bench": "peak", "gflops": round(peak_gflops), "how": how }));
    if let Some((unfused, fused)) = peaks_128(seconds) {
        // The page's ceiling beside the native one: the worker/native ratio of a step made of
        // products cannot be below peak / peak_128 (the page's kernel runs a multiply then an add).
        out.push(json!({
            "bench": "peak-128",
            "mul_then_add_gflops": round(unfused),
            "fused_gflops": fused.map(round),
            "peak_over_mul_then_add": round(peak_gflops / unfused),
            "how": format!(
                "{CHAINS_128} chains of 4 lanes, the page's SIMD width; fused: what relaxed SIMD's madd would run"
            ),
        }));
    }
    out.push(bernoulli_loss(seconds));
    let mut rng = Rng::new(7);
    // The first layers read the digits, four fifths of whose pixels are 0: the packed kernel
    // skips the steps where a whole panel is 0 and the reference does not, so those products
    // are measured on random dense inputs and on a batch of the digits.
    let digits = genlab_core::digits::data::load_repo_asset().ok();
    for &(m, k, n, where_) in SHAPES {
        let random: Vec<f32> = (0..m * k).map(|_| rng.normal() as f32).collect(); // m × k
        let w: Vec<f32> = (0..k * n).map(|_| rng.normal() as f32 * 0.05).collect(); // k × n
        let d_y: Vec<f32> = (0..m * n).map(|_| rng.normal() as f32).collect(); // m × n
        let mut inputs = vec![("random", random)];
        if let Some(d) = digits.as_ref().filter(|_| k == PIXELS) {
            let x = d.train[..m]
                .iter()
                .flat_map(|&i| d.image(i).iter().map(|&p| p as f32 / 255.0))
                .collect();
            inputs.push(("digits", x));
        }
        for (input, x) in &inputs {
            out.extend(products(
                seconds,
                peak_gflops,
                (m, k, n, where_),
                input,
                x,
                &w,
                &d_y,
            ));
        }
    }
    out
}

/// Nanoseconds per pixel of the Bernoulli output's loss terms (exp, log1p, the in-order sum) on
/// 100 images' logits: after the products, the largest cost of a VAE or WAE step (the worker's
/// figure: `bernoulli_loss_ns` in the bench page).
fn bernoulli_loss(seconds: f64) -> serde_json::Value {
    let mut rng = Rng::new(7);
    let n = 100 * PIXELS;
    let logits: Vec<f32> = (0..n).map(|_| 6.0 * rng.normal() as f32).collect();
    let x: Vec<f32> = (0..n).map(|_| rng.uniform() as f32).collect();
    let per_sec = rate(seconds, || {
        black_box(bernoulli_nll(black_box(&logits), &x, PIXELS));
    });
    json!({ "bench": "bernoulli-loss", "ns_per_pixel": round(1e9 / (per_sec * n as f64) * 100.0) / 100.0 })
}

/// The three products of one layer shape with inputs `x` (m × k, described by `input`), each
/// as one JSON line; on the digits, the two that read them.
fn products(
    seconds: f64,
    peak_gflops: f64,
    (m, k, n, where_): (usize, usize, usize, &str),
    input: &str,
    x: &[f32],
    w: &[f32],
    d_y: &[f32],
) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let flops = 2.0 * (m * k * n) as f64;
    // (name, genlab's packed product, the row loops it replaced, the reference's — the
    // same product: where genlab accumulates into a C set first (a bias, a zeroed
    // gradient), the reference too —, the reference writing C (β = 0) where that differs,
    // result size)
    type Run<'a> = Box<dyn FnMut(&mut [f32]) + 'a>;
    // C set to 0, then the product added to it: what a layer's product starts from.
    fn filled<'a>(mut product: impl FnMut(&mut [f32]) + 'a) -> Run<'a> {
        Box::new(move |c: &mut [f32]| {
            c.fill(0.0);
            product(c)
        })
    }
    type Case<'a> = (
        &'static str,
        Run<'a>,
        Run<'a>,
        Run<'a>,
        Option<Run<'a>>,
        usize,
    );
    let cases: Vec<Case> = vec![
        (
            "forward y = x·W",
            filled(|c| matmul_acc(x, w, c, m, k, n)),
            filled(|c| rows::matmul_acc(x, w, c, m, k, n)),
            filled(|c| reference(x, w, c, m, k, n, false, false, 1.0)),
            Some(Box::new(|c| reference(x, w, c, m, k, n, false, false, 0.0))),
            m * n,
        ),
        (
            "weight gradient dW = xᵀ·dy",
            filled(|c| matmul_at_b_acc(x, d_y, c, m, k, n)),
            filled(|c| rows::matmul_at_b_acc(x, d_y, c, m, k, n)),
            filled(|c| reference(x, d_y, c, k, m, n, true, false, 1.0)),
            Some(Box::new(|c| {
                reference(x, d_y, c, k, m, n, true, false, 0.0)
            })),
            k * n,
        ),
        (
            // genlab writes this product's C outright, as the reference does at β = 0.
            "input gradient dx = dy·Wᵀ",
            Box::new(|c: &mut [f32]| matmul_a_bt(d_y, w, c, m, n, k)),
            Box::new(|c: &mut [f32]| rows::matmul_a_bt(d_y, w, c, m, n, k)),
            Box::new(|c: &mut [f32]| reference(d_y, w, c, m, n, k, false, true, 0.0)),
            None,
            m * k,
        ),
    ];
    for (op, mut ours, mut before, mut theirs, mut theirs_written, size) in cases {
        if input == "digits" && op.starts_with("input") {
            continue; // it reads no input
        }
        let mut c_ours = vec![0f32; size];
        let mut c_before = vec![0f32; size];
        let mut c_ref = vec![0f32; size];
        ours(&mut c_ours);
        before(&mut c_before);
        theirs(&mut c_ref);
        let scale = c_ref
            .iter()
            .map(|v| v.abs() as f64)
            .fold(0.0, f64::max)
            .max(1e-30);
        let diff = max_diff(&c_ours, &c_ref).max(max_diff(&c_before, &c_ref));
        let g_ours = rate(seconds, || ours(black_box(&mut c_ours))) * flops / 1e9;
        let g_before = rate(seconds, || before(black_box(&mut c_before))) * flops / 1e9;
        let g_ref = rate(seconds, || theirs(black_box(&mut c_ref))) * flops / 1e9;
        let g_written = match theirs_written.as_mut() {
            Some(written) => rate(seconds, || written(black_box(&mut c_ref))) * flops / 1e9,
            None => g_ref,
        };
        out.push(json!({
            "bench": "dense", "shape": format!("{m}×{k}×{n}"), "where": where_, "op": op,
            "inputs": input,
            "kernel": kernel_name(),
            "gflops": round(g_ours), "share_of_peak": round(g_ours / peak_gflops),
            "row_loops_gflops": round(g_before),
            "reference_sgemm_gflops": round(g_ref), "vs_reference": round(g_ours / g_ref),
            "reference_sgemm_writing_c_gflops": round(g_written),
            "max_rel_diff": diff / scale,
        }));
    }
    out
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
