//! The f32 matrix products at the core's speed: C += A·B with both operands copied into packed
//! panels and a register-blocked micro-kernel that keeps an MR × NR tile of C in SIMD registers
//! (BLIS's scheme). Every digit lesson's dense layers, RBMs and classifiers run through here; the
//! row-at-a-time loops in [`super::dense`] stay as the reference twin and as the f64 path of the
//! gradient checks.
//!
//! Four kernels, one summation order per kernel (so a run repeats bit for bit on one machine):
//! - AVX-512 + FMA, 12 × 16 or 12 × 32, chosen at run time on x86-64 CPUs that have AVX-512F:
//!   the AVX2 kernel's sums (fused, in the same order) with one or two 16-lane registers per
//!   row, so its bits are the AVX2 kernel's; the wide tile where its panels fit the core's L1
//!   (every product with a 48 KB L1, the weight gradients' short sums with 32 KB);
//! - AVX2 + FMA, 6 × 16, chosen at run time on x86-64 CPUs that have both;
//! - wasm simd128, 4 × 8 (no fused multiply-add in wasm's core SIMD);
//! - portable, 4 × 8, the same multiply-then-add order as the simd128 kernel, so its bits are the
//!   page's bits: the CLI can reproduce the worker exactly ([`set_kernel`]).
//!
//! The fused multiply-add rounds once where the other two round twice, so a native run on an FMA
//! CPU and the same run in the page agree to float rounding, not to the bit (see
//! docs/performance.md).
//!
//! Most MNIST pixels are 0: each packed panel of A lists the steps along the sum where any of its
//! MR rows is non-zero, and the kernel runs only those (a zero term adds nothing, so skipping it
//! changes no bit).
//!
//! An operand read across its rows (an input gradient's Wᵀ, a row-major A) is packed as a
//! transpose, in square blocks through each kernel's registers: at a batch of 100 the input
//! gradient packs about as many floats as it multiplies, and one strided float at a time cost
//! a quarter of its time.

use std::cell::{Cell, RefCell};

/// One product C (m × n, row stride `ldc`) += A (m × k) · B (k × n), each operand given by its
/// row and column strides, so Aᵀ and Bᵀ are the same data read the other way.
pub struct Product<'a, T = f32> {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a: &'a [T],
    pub a_rs: usize,
    pub a_cs: usize,
    pub b: &'a [T],
    pub b_rs: usize,
    pub b_cs: usize,
    pub c: &'a mut [T],
    pub ldc: usize,
}

impl<'a, T> Product<'a, T> {
    /// C (m × n) += A (m × k) · B (k × n), all three row-major and packed tight.
    pub fn row_major(m: usize, n: usize, k: usize, a: &'a [T], b: &'a [T], c: &'a mut [T]) -> Self {
        Product {
            m,
            n,
            k,
            a,
            a_rs: k,
            a_cs: 1,
            b,
            b_rs: n,
            b_cs: 1,
            c,
            ldc: n,
        }
    }
}

/// [`crate::nn::Real::packed_gemm`] for f32: every product runs packed, unless the row loops
/// were asked for.
pub fn packed_f32(p: Product<'_>) -> bool {
    if kernel() == Kernel::RowLoops {
        return false;
    }
    gemm(p);
    true
}

/// Which micro-kernel runs the products.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// The fastest this CPU (or this wasm build) has.
    Auto,
    /// The portable kernel: the bits the page's simd128 kernel computes, on any machine.
    Portable,
    /// No packed kernel: the layer products run [`super::dense::rows`], the loops the packed
    /// kernels replaced (benches measure the two in one run).
    RowLoops,
}

thread_local! {
    /// Per thread, so a test that pins a kernel does not change its neighbours' products.
    static KERNEL: Cell<Kernel> = const { Cell::new(Kernel::Auto) };
}

/// Chooses the kernel for every later product on this thread (the CLI's `--kernel`; the lessons
/// train on one thread, natively as in the worker).
pub fn set_kernel(kernel: Kernel) {
    KERNEL.with(|k| k.set(kernel));
}

fn kernel() -> Kernel {
    KERNEL.with(Cell::get)
}

/// The kernel the layer products run now, by name (for benches and the CLI).
pub fn kernel_name() -> &'static str {
    if kernel() == Kernel::RowLoops {
        return "row loops";
    }
    match chosen() {
        #[cfg(target_arch = "x86_64")]
        Chosen::Avx512 if avx512::wide_fits(KC) => "avx512-fma 12×32",
        Chosen::Avx512 => "avx512-fma 12×16 (12×32 for short sums)",
        Chosen::Avx2 => "avx2-fma 6×16",
        Chosen::Simd128 => "wasm-simd128 4×8",
        Chosen::Portable => "portable 4×8",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chosen {
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx512,
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx2,
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_feature = "simd128")),
        allow(dead_code)
    )]
    Simd128,
    Portable,
}

fn chosen() -> Chosen {
    if kernel() == Kernel::Portable {
        return Chosen::Portable;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma") {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return Chosen::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            return Chosen::Avx2;
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return Chosen::Simd128;
    #[allow(unreachable_code)]
    Chosen::Portable
}

/// C += A·B with the kernel [`set_kernel`] chose.
pub fn gemm(p: Product<'_>) {
    match chosen() {
        #[cfg(target_arch = "x86_64")]
        Chosen::Avx512 if avx512::wide_fits(p.k) => run::<avx512::Avx512Wide>(p),
        #[cfg(target_arch = "x86_64")]
        Chosen::Avx512 => run::<avx512::Avx512>(p),
        #[cfg(target_arch = "x86_64")]
        Chosen::Avx2 => run::<avx2::Avx2>(p),
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        Chosen::Simd128 => run::<simd128::Simd128>(p),
        _ => run::<Portable>(p),
    }
}

/// A kernel's products, for tests that run each one.
#[cfg(test)]
type RunKernel = fn(Product<'_>);

/// Every kernel this machine can run, by name (tests compare them all).
#[cfg(test)]
fn kernels_here() -> Vec<(&'static str, RunKernel)> {
    let mut all: Vec<(&'static str, RunKernel)> = vec![("portable", run::<Portable>)];
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma") {
        if std::arch::is_x86_feature_detected!("avx2") {
            all.push(("avx2", run::<avx2::Avx2>));
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            all.push(("avx512", run::<avx512::Avx512>));
            all.push(("avx512 wide", run::<avx512::Avx512Wide>));
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    all.push(("simd128", run::<simd128::Simd128>));
    all
}

/// C += A·B with the portable kernel, whatever [`set_kernel`] says (tests compare against it).
pub fn gemm_portable(p: Product<'_>) {
    run::<Portable>(p)
}

/// Steps along the sum per packed block: a B micro-panel (KC × NR) stays in L1.
const KC: usize = 256;
/// Rows of A per packed block (a multiple of every kernel's MR): the block stays in L2, and
/// where the sum is short (a weight gradient's, over a batch of 100) in L1 beside a B
/// micro-panel — 96 rows did not, and the weight gradient at 784 × 256 ran 5–7 % slower.
/// The block's height splits no sum, so it changes no bit.
const MC: usize = 48;
/// Columns of B per packed block: KC × NC floats stay in L2 / L3.
const NC: usize = 1024;

/// A register-blocked micro-kernel: MR × NR of C held in registers while the sum runs.
trait MicroKernel {
    const MR: usize;
    const NR: usize;
    /// acc (MR × NR) = Σ over `steps` (or 0..kc when `None`) of a[t·MR + r] · b[t·NR + j], then
    /// C[r, j] += acc[r][j] for r < rows, j < cols.
    ///
    /// # Safety
    /// `a` holds kc·MR and `b` kc·NR floats, every step is < kc, and `c` is valid for `rows`
    /// rows of `cols` floats `ldc` apart.
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile(
        kc: usize,
        steps: Option<&[u32]>,
        a: *const f32,
        b: *const f32,
        c: *mut f32,
        ldc: usize,
        rows: usize,
        cols: usize,
    );

    /// dst[t·width + j] = src[j·stride + t] for t < kc and j < count: `count` runs of `kc`
    /// adjacent floats (a row-major A's rows, the columns of a Bᵀ read through its rows) laid
    /// step by step into a panel `width` wide. One float at a time here; the SIMD kernels move
    /// square blocks through registers, which matters where a product packs as many floats as
    /// it multiplies (an input gradient's Bᵀ at a batch of 100). Only floats move: no bit of
    /// any product depends on how.
    fn pack_transposed(
        src: &[f32],
        stride: usize,
        kc: usize,
        count: usize,
        width: usize,
        dst: &mut [f32],
    ) {
        pack_transposed_scalar(src, stride, 0..kc, 0..count, width, dst)
    }
}

/// [`MicroKernel::pack_transposed`] one float at a time, over the steps `ts` of the runs `js`
/// (what a SIMD block leaves at the edges).
fn pack_transposed_scalar(
    src: &[f32],
    stride: usize,
    ts: std::ops::Range<usize>,
    js: std::ops::Range<usize>,
    width: usize,
    dst: &mut [f32],
) {
    for t in ts {
        let row = &mut dst[t * width..];
        for j in js.clone() {
            row[j] = src[j * stride + t];
        }
    }
}

/// The transposing pack in square SIMD blocks: only the AVX and simd128 kernels have them.
#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
))]
mod transpose {
    use super::pack_transposed_scalar;

    /// One square block of a transposing pack through SIMD registers: `B` runs of `B` floats,
    /// `stride` apart, into `B` steps of `B` floats, `width` apart.
    pub(super) trait TransposeBlock {
        const B: usize;
        /// # Safety
        /// `from` is readable and `to` writable for those floats, and the CPU has the block's
        /// instructions.
        unsafe fn block(from: *const f32, stride: usize, to: *mut f32, width: usize);
    }

    /// [`MicroKernel::pack_transposed`] in `X`'s blocks, the edges a float at a time. Inlined into
    /// its caller, so the block's instructions take the caller's target features.
    ///
    /// # Safety
    /// The CPU has `X`'s instructions.
    #[inline(always)]
    pub(super) unsafe fn pack_in_blocks<X: TransposeBlock>(
        src: &[f32],
        stride: usize,
        kc: usize,
        count: usize,
        width: usize,
        dst: &mut [f32],
    ) {
        let (full_t, full_j) = (kc / X::B * X::B, count / X::B * X::B);
        if full_t > 0 && full_j > 0 {
            assert!(
                src.len() >= (full_j - 1) * stride + full_t,
                "src is too short"
            );
            assert!(
                dst.len() >= (full_t - 1) * width + full_j,
                "dst is too short"
            );
        }
        for j0 in (0..full_j).step_by(X::B) {
            for t0 in (0..full_t).step_by(X::B) {
                // SAFETY: the asserts above keep every block inside `src` and `dst`.
                X::block(
                    src.as_ptr().add(j0 * stride + t0),
                    stride,
                    dst.as_mut_ptr().add(t0 * width + j0),
                    width,
                );
            }
        }
        pack_transposed_scalar(src, stride, full_t..kc, 0..full_j, width, dst);
        pack_transposed_scalar(src, stride, 0..kc, full_j..count, width, dst);
    }
}

/// Packing buffers, kept between calls: a lesson runs the same shapes thousands of times.
struct Scratch {
    a: Vec<f32>,
    b: Vec<f32>,
    steps: Vec<u32>,
    /// Where each A panel's steps start in `steps` (one more entry than panels).
    starts: Vec<usize>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch { a: Vec::new(), b: Vec::new(), steps: Vec::new(), starts: Vec::new() })
    };
}

fn run<K: MicroKernel>(p: Product<'_>) {
    let Product {
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
        ldc,
    } = p;
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    assert!(a.len() > (m - 1) * a_rs + (k - 1) * a_cs, "A is too short");
    assert!(b.len() > (k - 1) * b_rs + (n - 1) * b_cs, "B is too short");
    assert!(c.len() >= (m - 1) * ldc + n && ldc >= n, "C is too short");
    SCRATCH.with(|s| {
        let s = &mut *s.borrow_mut();
        for jc in (0..n).step_by(NC) {
            let nc = NC.min(n - jc);
            let panels_b = nc.div_ceil(K::NR);
            for pc in (0..k).step_by(KC) {
                let kc = KC.min(k - pc);
                pack_b::<K>(s, b, b_rs, b_cs, pc, kc, jc, nc);
                for ic in (0..m).step_by(MC) {
                    let mc = MC.min(m - ic);
                    let panels_a = mc.div_ceil(K::MR);
                    pack_a::<K>(s, a, a_rs, a_cs, ic, mc, pc, kc);
                    for jp in 0..panels_b {
                        let cols = K::NR.min(nc - jp * K::NR);
                        let b_panel = &s.b[jp * kc * K::NR..(jp + 1) * kc * K::NR];
                        for ip in 0..panels_a {
                            let rows = K::MR.min(mc - ip * K::MR);
                            let steps = &s.steps[s.starts[ip]..s.starts[ip + 1]];
                            if steps.is_empty() {
                                continue; // every row of this panel is 0 over this block
                            }
                            let steps = (steps.len() < kc).then_some(steps);
                            let a_panel = &s.a[ip * kc * K::MR..(ip + 1) * kc * K::MR];
                            let c_at = (ic + ip * K::MR) * ldc + jc + jp * K::NR;
                            // SAFETY: the panels hold kc steps each, the steps are < kc, and
                            // the asserts above keep `rows` rows of `cols` inside `c`.
                            unsafe {
                                K::tile(
                                    kc,
                                    steps,
                                    a_panel.as_ptr(),
                                    b_panel.as_ptr(),
                                    c.as_mut_ptr().add(c_at),
                                    ldc,
                                    rows,
                                    cols,
                                )
                            };
                        }
                    }
                }
            }
        }
    });
}

/// B[pc.., jc..] into panels of NR columns, each kc × NR row by row, zero-padded.
#[allow(clippy::too_many_arguments)]
fn pack_b<K: MicroKernel>(
    s: &mut Scratch,
    b: &[f32],
    rs: usize,
    cs: usize,
    pc: usize,
    kc: usize,
    jc: usize,
    nc: usize,
) {
    let panels = nc.div_ceil(K::NR);
    // Every entry below is written, padding included: no clearing pass first.
    let len = panels * kc * K::NR;
    if s.b.len() < len {
        s.b.resize(len, 0.0);
    }
    for jp in 0..panels {
        let cols = K::NR.min(nc - jp * K::NR);
        let panel = &mut s.b[jp * kc * K::NR..(jp + 1) * kc * K::NR];
        let first = pc * rs + (jc + jp * K::NR) * cs;
        pack_panel::<K>(b, first, rs, cs, kc, cols, K::NR, panel);
    }
}

/// One packed panel, `width` floats a step for `kc` steps: step t's `used` floats are
/// src[first + t·step + i·along], the rest zero. Either stride may be 1: a step's floats
/// adjacent (copied), or each run's steps adjacent (a transpose, [`MicroKernel::pack_transposed`]).
///
/// Inlined so that `width`, the kernel's MR or NR, is a constant: a full step's copy is then a
/// few vector moves, where a copy of a length known only at run time is a call to `memcpy` (in
/// wasm a `memory.copy`) per step — 8 or 4 floats each, and in the worker 15 % of a VAE step.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn pack_panel<K: MicroKernel>(
    src: &[f32],
    first: usize,
    step: usize,
    along: usize,
    kc: usize,
    used: usize,
    width: usize,
    panel: &mut [f32],
) {
    if along == 1 && used == width {
        for (t, dst) in panel.chunks_exact_mut(width).enumerate() {
            let at = first + t * step;
            dst.copy_from_slice(&src[at..at + width]);
        }
    } else if along == 1 {
        for (t, dst) in panel.chunks_exact_mut(width).enumerate() {
            let at = first + t * step;
            dst[..used].copy_from_slice(&src[at..at + used]);
        }
    } else if step == 1 {
        K::pack_transposed(&src[first..], along, kc, used, width, panel);
    } else {
        for (t, dst) in panel.chunks_exact_mut(width).enumerate() {
            for (i, d) in dst[..used].iter_mut().enumerate() {
                *d = src[first + t * step + i * along];
            }
        }
    }
    zero_pad(panel, width, used);
}

/// Zeroes what a panel's last rows or columns leave of each step (`used` of `width`).
fn zero_pad(panel: &mut [f32], width: usize, used: usize) {
    if used < width {
        for step in panel.chunks_exact_mut(width) {
            step[used..].fill(0.0);
        }
    }
}

/// A[ic.., pc..] into panels of MR rows, each kc × MR step by step, zero-padded; and per panel
/// the steps where any of its rows is non-zero.
#[allow(clippy::too_many_arguments)]
fn pack_a<K: MicroKernel>(
    s: &mut Scratch,
    a: &[f32],
    rs: usize,
    cs: usize,
    ic: usize,
    mc: usize,
    pc: usize,
    kc: usize,
) {
    let panels = mc.div_ceil(K::MR);
    // Every entry below is written, padding included: no clearing pass first.
    let len = panels * kc * K::MR;
    if s.a.len() < len {
        s.a.resize(len, 0.0);
    }
    s.steps.clear();
    s.starts.clear();
    for ip in 0..panels {
        s.starts.push(s.steps.len());
        let rows = K::MR.min(mc - ip * K::MR);
        let panel = &mut s.a[ip * kc * K::MR..(ip + 1) * kc * K::MR];
        // Aᵀ of a row-major matrix (a weight gradient's inputs) has a step's rows adjacent; a
        // row-major A (a forward pass's inputs) each row's steps.
        let first = (ic + ip * K::MR) * rs + pc * cs;
        pack_panel::<K>(a, first, cs, rs, kc, rows, K::MR, panel);
        // Every step is written and only the non-zero ones kept (the count moves past them),
        // and the test reads the whole step without stopping early: no branch, no growth
        // check per step, and the compare vectorises — as a loop of `any` and `push` this ran
        // a float at a time and took nearly as long as the RBM on MNIST's tiles themselves.
        let first = s.steps.len();
        s.steps.resize(first + kc, 0);
        let listed = &mut s.steps[first..];
        let mut kept = 0;
        for (t, step) in panel.chunks_exact(K::MR).enumerate() {
            // A NaN counts as non-zero: it is never skipped.
            let nonzero = step.iter().fold(false, |any, &v| any | (v != 0.0));
            listed[kept] = t as u32;
            kept += nonzero as usize;
        }
        s.steps.truncate(first + kept);
    }
    s.starts.push(s.steps.len());
}

/// Runs a kernel's `step!` for every step its tile sums over: those listed (the panel's non-zero
/// steps), or all `kc`.
macro_rules! each_step {
    ($kc:expr, $steps:expr, $step:ident) => {
        match $steps {
            Some(steps) => {
                for &t in steps {
                    $step!(t as usize)
                }
            }
            None => {
                for t in 0..$kc {
                    $step!(t)
                }
            }
        }
    };
}

/// Adds an MR × NR tile held in memory to the `rows` × `cols` corner of C.
///
/// # Safety
/// As [`MicroKernel::tile`]'s `c`.
#[inline(always)]
unsafe fn add_tile(acc: &[f32], nr: usize, c: *mut f32, ldc: usize, rows: usize, cols: usize) {
    for r in 0..rows {
        for j in 0..cols {
            *c.add(r * ldc + j) += acc[r * nr + j];
        }
    }
}

/// Plain Rust, multiply then add: the simd128 kernel's order, lane for lane.
struct Portable;

impl MicroKernel for Portable {
    const MR: usize = 4;
    const NR: usize = 8;
    unsafe fn tile(
        kc: usize,
        steps: Option<&[u32]>,
        a: *const f32,
        b: *const f32,
        c: *mut f32,
        ldc: usize,
        rows: usize,
        cols: usize,
    ) {
        // A macro, not a closure: a closure holding `acc` by reference kept it in memory, and
        // this loop ran 4× slower than in registers.
        let mut acc = [[0f32; 8]; 4];
        macro_rules! step {
            ($t:expr) => {{
                let t = $t;
                let bt = &*(b.add(t * 8) as *const [f32; 8]);
                let at = &*(a.add(t * 4) as *const [f32; 4]);
                for r in 0..4 {
                    for j in 0..8 {
                        acc[r][j] += at[r] * bt[j];
                    }
                }
            }};
        }
        each_step!(kc, steps, step);
        add_tile(acc.as_flattened(), 8, c, ldc, rows, cols);
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::transpose::{pack_in_blocks, TransposeBlock};
    use super::{add_tile, MicroKernel};
    use std::arch::x86_64::*;

    pub struct Avx2;

    impl MicroKernel for Avx2 {
        const MR: usize = 6;
        const NR: usize = 16;
        unsafe fn tile(
            kc: usize,
            steps: Option<&[u32]>,
            a: *const f32,
            b: *const f32,
            c: *mut f32,
            ldc: usize,
            rows: usize,
            cols: usize,
        ) {
            tile(kc, steps, a, b, c, ldc, rows, cols)
        }
        fn pack_transposed(
            src: &[f32],
            stride: usize,
            kc: usize,
            count: usize,
            width: usize,
            dst: &mut [f32],
        ) {
            // SAFETY: this kernel runs only where the CPU has AVX2 (`chosen`).
            unsafe { pack_transposed(src, stride, kc, count, width, dst) }
        }
    }

    /// [`MicroKernel::pack_transposed`] in 8 × 8 blocks through ymm registers, the edges a
    /// float at a time.
    ///
    /// # Safety
    /// The CPU has AVX.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn pack_transposed(
        src: &[f32],
        stride: usize,
        kc: usize,
        count: usize,
        width: usize,
        dst: &mut [f32],
    ) {
        pack_in_blocks::<Avx8>(src, stride, kc, count, width, dst)
    }

    /// The textbook 8 × 8 transpose: unpack pairs, shuffle quads, swap halves.
    struct Avx8;

    impl TransposeBlock for Avx8 {
        const B: usize = 8;
        #[inline(always)]
        unsafe fn block(from: *const f32, stride: usize, to: *mut f32, width: usize) {
            let mut r = [_mm256_setzero_ps(); 8];
            for (i, r_i) in r.iter_mut().enumerate() {
                *r_i = _mm256_loadu_ps(from.add(i * stride));
            }
            // Pairs: (r0 r1) interleaved, lanes 0 1 | 4 5 and 2 3 | 6 7.
            let p0 = _mm256_unpacklo_ps(r[0], r[1]);
            let p1 = _mm256_unpackhi_ps(r[0], r[1]);
            let p2 = _mm256_unpacklo_ps(r[2], r[3]);
            let p3 = _mm256_unpackhi_ps(r[2], r[3]);
            let p4 = _mm256_unpacklo_ps(r[4], r[5]);
            let p5 = _mm256_unpackhi_ps(r[4], r[5]);
            let p6 = _mm256_unpacklo_ps(r[6], r[7]);
            let p7 = _mm256_unpackhi_ps(r[6], r[7]);
            // Quads: step u of r0..r3 in the low half, step u + 4 in the high one.
            let q0 = _mm256_shuffle_ps::<0x44>(p0, p2);
            let q1 = _mm256_shuffle_ps::<0xEE>(p0, p2);
            let q2 = _mm256_shuffle_ps::<0x44>(p1, p3);
            let q3 = _mm256_shuffle_ps::<0xEE>(p1, p3);
            let q4 = _mm256_shuffle_ps::<0x44>(p4, p6);
            let q5 = _mm256_shuffle_ps::<0xEE>(p4, p6);
            let q6 = _mm256_shuffle_ps::<0x44>(p5, p7);
            let q7 = _mm256_shuffle_ps::<0xEE>(p5, p7);
            let steps = [
                _mm256_permute2f128_ps::<0x20>(q0, q4),
                _mm256_permute2f128_ps::<0x20>(q1, q5),
                _mm256_permute2f128_ps::<0x20>(q2, q6),
                _mm256_permute2f128_ps::<0x20>(q3, q7),
                _mm256_permute2f128_ps::<0x31>(q0, q4),
                _mm256_permute2f128_ps::<0x31>(q1, q5),
                _mm256_permute2f128_ps::<0x31>(q2, q6),
                _mm256_permute2f128_ps::<0x31>(q3, q7),
            ];
            for (u, step) in steps.iter().enumerate() {
                _mm256_storeu_ps(to.add(u * width), *step);
            }
        }
    }

    /// Twelve accumulators (6 rows × two 8-lane halves), two B loads and one broadcast: 15 of
    /// the 16 ymm registers.
    #[target_feature(enable = "avx2,fma")]
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile(
        kc: usize,
        steps: Option<&[u32]>,
        a: *const f32,
        b: *const f32,
        c: *mut f32,
        ldc: usize,
        rows: usize,
        cols: usize,
    ) {
        let mut acc = [[_mm256_setzero_ps(); 2]; 6];
        macro_rules! step {
            ($t:expr) => {{
                let t = $t;
                let b0 = _mm256_loadu_ps(b.add(t * 16));
                let b1 = _mm256_loadu_ps(b.add(t * 16 + 8));
                let at = a.add(t * 6);
                for r in 0..6 {
                    let ar = _mm256_broadcast_ss(&*at.add(r));
                    acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
                    acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
                }
            }};
        }
        each_step!(kc, steps, step);
        if rows == 6 && cols == 16 {
            for (r, acc_r) in acc.iter().enumerate() {
                let cr = c.add(r * ldc);
                _mm256_storeu_ps(cr, _mm256_add_ps(_mm256_loadu_ps(cr), acc_r[0]));
                _mm256_storeu_ps(
                    cr.add(8),
                    _mm256_add_ps(_mm256_loadu_ps(cr.add(8)), acc_r[1]),
                );
            }
        } else {
            let mut tmp = [0f32; 96];
            for (r, acc_r) in acc.iter().enumerate() {
                _mm256_storeu_ps(tmp.as_mut_ptr().add(r * 16), acc_r[0]);
                _mm256_storeu_ps(tmp.as_mut_ptr().add(r * 16 + 8), acc_r[1]);
            }
            add_tile(&tmp, 16, c, ldc, rows, cols);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{add_tile, MicroKernel};
    use std::arch::x86_64::*;

    /// An AVX-512 tile of MR rows and `W` 16-lane columns, one register per row and column.
    /// Every entry of C is the AVX2 kernel's chain of fused multiply-adds from 0 in the same
    /// order, then added to C, so the bits are the AVX2 kernel's for either width (a test
    /// compares them); what changes is the instructions per multiply-add.
    pub struct Columns<const W: usize>;

    /// 12 × 16: a B micro-panel (256 steps × 16) fills half of a 32 KB L1, as the AVX2
    /// kernel's does.
    pub type Avx512 = Columns<1>;

    /// 12 × 32: 24 multiply-adds for every 14 loads instead of 12 for 13. Its B and A
    /// micro-panels (kc × 32 and kc × 12 floats: 44 KB at the full block of 256) must stay in
    /// L1 together, so it runs where they fit ([`wide_fits`]): every product on a core with a
    /// 48 KB L1, the weight gradients (a sum over the batch) on one with 32 KB.
    pub type Avx512Wide = Columns<2>;

    /// Rows of the tile.
    const MR: usize = 12;

    /// Whether a product whose sum runs `k` steps takes the wide tile on this CPU. The tile
    /// changes which entries of C are computed together, not any entry's sum: the bits are the
    /// same either way (a test compares them).
    pub fn wide_fits(k: usize) -> bool {
        k.min(super::KC) * (32 + MR) * 4 <= l1d_bytes()
    }

    /// The core's L1 data cache in bytes, from CPUID (AMD's leaf 0x8000_0005, Intel's leaf 4);
    /// 32 KB where neither says.
    fn l1d_bytes() -> usize {
        static L1D: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        *L1D.get_or_init(|| {
            // A leaf above the CPU's maximum reads as zeros.
            let max_extended = __cpuid(0x8000_0000).eax;
            let vendor = __cpuid(0);
            let amd = vendor.ebx == u32::from_le_bytes(*b"Auth");
            if amd && max_extended >= 0x8000_0005 {
                let kb = (__cpuid(0x8000_0005).ecx >> 24) as usize;
                if kb > 0 {
                    return kb * 1024;
                }
            }
            if !amd && vendor.eax >= 4 {
                for sub in 0..8 {
                    let r = __cpuid_count(4, sub);
                    let (kind, level) = (r.eax & 0x1f, (r.eax >> 5) & 0x7);
                    if kind == 0 {
                        break;
                    }
                    if kind == 1 && level == 1 {
                        let ways = ((r.ebx >> 22) & 0x3ff) as usize + 1;
                        let parts = ((r.ebx >> 12) & 0x3ff) as usize + 1;
                        let line = (r.ebx & 0xfff) as usize + 1;
                        return ways * parts * line * (r.ecx as usize + 1);
                    }
                }
            }
            32 * 1024
        })
    }

    impl<const W: usize> MicroKernel for Columns<W> {
        const MR: usize = MR;
        const NR: usize = 16 * W;
        unsafe fn tile(
            kc: usize,
            steps: Option<&[u32]>,
            a: *const f32,
            b: *const f32,
            c: *mut f32,
            ldc: usize,
            rows: usize,
            cols: usize,
        ) {
            // An edge tile runs only the rows (in fours) and 16-lane columns it has: at a batch
            // of 100 the last panel of a forward pass or an input gradient holds 4 rows of 12,
            // and 784 columns leave a half-used 32-wide panel. Each entry's chain is the same,
            // so the bits are too; only the multiply-adds on padding are gone.
            let wide = W == 2 && cols > 16;
            match (rows.div_ceil(4), wide) {
                (3, true) => tile::<12, 2>(kc, steps, a, b, Self::NR, c, ldc, rows, cols),
                (3, false) => tile::<12, 1>(kc, steps, a, b, Self::NR, c, ldc, rows, cols),
                (2, true) => tile::<8, 2>(kc, steps, a, b, Self::NR, c, ldc, rows, cols),
                (2, false) => tile::<8, 1>(kc, steps, a, b, Self::NR, c, ldc, rows, cols),
                (_, true) => tile::<4, 2>(kc, steps, a, b, Self::NR, c, ldc, rows, cols),
                (_, false) => tile::<4, 1>(kc, steps, a, b, Self::NR, c, ldc, rows, cols),
            }
        }
        fn pack_transposed(
            src: &[f32],
            stride: usize,
            kc: usize,
            count: usize,
            width: usize,
            dst: &mut [f32],
        ) {
            // SAFETY: this kernel runs only where the CPU has AVX-512F, so AVX (`chosen`).
            unsafe { super::avx2::pack_transposed(src, stride, kc, count, width, dst) }
        }
    }

    /// [`Columns`]' tile, or the top-left R × 16W of it at an edge: R × W accumulators, W loads
    /// of B (steps `ldb` apart, the panel's width) and one broadcast per row a step.
    #[target_feature(enable = "avx512f,fma")]
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile<const R: usize, const W: usize>(
        kc: usize,
        steps: Option<&[u32]>,
        a: *const f32,
        b: *const f32,
        ldb: usize,
        c: *mut f32,
        ldc: usize,
        rows: usize,
        cols: usize,
    ) {
        const { assert!(W == 1 || W == 2, "the spill buffer below holds two columns") };
        const { assert!(R <= MR, "the spill buffer below holds MR rows") };
        let nr = 16 * W;
        let mut acc = [[_mm512_setzero_ps(); W]; R];
        macro_rules! step {
            ($t:expr) => {{
                let t = $t;
                let mut bt = [_mm512_setzero_ps(); W];
                for (w, bt_w) in bt.iter_mut().enumerate() {
                    *bt_w = _mm512_loadu_ps(b.add(t * ldb + 16 * w));
                }
                let at = a.add(t * MR);
                for (r, acc_r) in acc.iter_mut().enumerate() {
                    let ar = _mm512_set1_ps(*at.add(r));
                    for (acc_rw, bt_w) in acc_r.iter_mut().zip(&bt) {
                        *acc_rw = _mm512_fmadd_ps(ar, *bt_w, *acc_rw);
                    }
                }
            }};
        }
        each_step!(kc, steps, step);
        if rows == R && cols == nr {
            for (r, acc_r) in acc.iter().enumerate() {
                for (w, acc_rw) in acc_r.iter().enumerate() {
                    let cr = c.add(r * ldc + 16 * w);
                    _mm512_storeu_ps(cr, _mm512_add_ps(_mm512_loadu_ps(cr), *acc_rw));
                }
            }
        } else {
            // Sized for the widest tile; this one uses R × nr of it.
            let mut tmp = [0f32; MR * 32];
            for (r, acc_r) in acc.iter().enumerate() {
                for (w, acc_rw) in acc_r.iter().enumerate() {
                    _mm512_storeu_ps(tmp.as_mut_ptr().add(r * nr + 16 * w), *acc_rw);
                }
            }
            add_tile(&tmp, nr, c, ldc, rows, cols);
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use super::transpose::{pack_in_blocks, TransposeBlock};
    use super::{add_tile, MicroKernel};
    use std::arch::wasm32::*;

    pub struct Simd128;

    impl MicroKernel for Simd128 {
        const MR: usize = 4;
        const NR: usize = 8;
        /// Eight accumulators, two B loads and one splat: V8 keeps them in 11 of x86's 16 xmm
        /// registers. Multiply then add, as the portable kernel.
        unsafe fn tile(
            kc: usize,
            steps: Option<&[u32]>,
            a: *const f32,
            b: *const f32,
            c: *mut f32,
            ldc: usize,
            rows: usize,
            cols: usize,
        ) {
            let mut acc = [[f32x4_splat(0.0); 2]; 4];
            macro_rules! step {
                ($t:expr) => {{
                    let t = $t;
                    let b0 = v128_load(b.add(t * 8) as *const v128);
                    let b1 = v128_load(b.add(t * 8 + 4) as *const v128);
                    let at = a.add(t * 4);
                    for r in 0..4 {
                        let ar = f32x4_splat(*at.add(r));
                        acc[r][0] = f32x4_add(acc[r][0], f32x4_mul(ar, b0));
                        acc[r][1] = f32x4_add(acc[r][1], f32x4_mul(ar, b1));
                    }
                }};
            }
            each_step!(kc, steps, step);
            if rows == 4 && cols == 8 {
                for (r, acc_r) in acc.iter().enumerate() {
                    let cr = c.add(r * ldc) as *mut v128;
                    v128_store(cr, f32x4_add(v128_load(cr), acc_r[0]));
                    let cr = c.add(r * ldc + 4) as *mut v128;
                    v128_store(cr, f32x4_add(v128_load(cr), acc_r[1]));
                }
            } else {
                let mut tmp = [0f32; 32];
                for (r, acc_r) in acc.iter().enumerate() {
                    v128_store(tmp.as_mut_ptr().add(r * 8) as *mut v128, acc_r[0]);
                    v128_store(tmp.as_mut_ptr().add(r * 8 + 4) as *mut v128, acc_r[1]);
                }
                add_tile(&tmp, 8, c, ldc, rows, cols);
            }
        }

        /// In 4 × 4 blocks through registers, the edges a float at a time.
        fn pack_transposed(
            src: &[f32],
            stride: usize,
            kc: usize,
            count: usize,
            width: usize,
            dst: &mut [f32],
        ) {
            // SAFETY: this build has simd128.
            unsafe { pack_in_blocks::<Simd4>(src, stride, kc, count, width, dst) }
        }
    }

    /// A 4 × 4 transpose in two rounds of shuffles: pairs, then halves.
    struct Simd4;

    impl TransposeBlock for Simd4 {
        const B: usize = 4;
        #[inline(always)]
        unsafe fn block(from: *const f32, stride: usize, to: *mut f32, width: usize) {
            let r0 = v128_load(from as *const v128);
            let r1 = v128_load(from.add(stride) as *const v128);
            let r2 = v128_load(from.add(2 * stride) as *const v128);
            let r3 = v128_load(from.add(3 * stride) as *const v128);
            let p0 = i32x4_shuffle::<0, 4, 1, 5>(r0, r1);
            let p1 = i32x4_shuffle::<2, 6, 3, 7>(r0, r1);
            let p2 = i32x4_shuffle::<0, 4, 1, 5>(r2, r3);
            let p3 = i32x4_shuffle::<2, 6, 3, 7>(r2, r3);
            v128_store(to as *mut v128, i32x4_shuffle::<0, 1, 4, 5>(p0, p2));
            v128_store(
                to.add(width) as *mut v128,
                i32x4_shuffle::<2, 3, 6, 7>(p0, p2),
            );
            v128_store(
                to.add(2 * width) as *mut v128,
                i32x4_shuffle::<0, 1, 4, 5>(p1, p3),
            );
            v128_store(
                to.add(3 * width) as *mut v128,
                i32x4_shuffle::<2, 3, 6, 7>(p1, p3),
            );
        }
    }
}

#[cfg(test)]
mod tests;
