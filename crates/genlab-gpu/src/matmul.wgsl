// C (m × n) = alpha · op(A) · op(B) + beta · C, with op(A) m × k and op(B) k × n.
// TRANS_A: A is stored transposed (k × m); TRANS_B: B is stored transposed (n × k) — both
// fixed when the pipeline compiles.
// Each thread computes a 4 × 4 block of C in registers, walking k once: every loaded value of A
// is used four times and every value of B four times, with no work-group memory and no
// barriers (a 16 × 16 shared-memory tiling, barrier per slab, ran 4× slower on lavapipe).
// Threads at the edges clamp their rows and columns into the matrices and drop what they
// computed there when writing, so the inner loop has no bounds checks.

struct Dims {
    m: u32,
    n: u32,
    k: u32,
    flags: u32, // unused: the layout is the TRANS_A / TRANS_B overrides
    alpha: f32,
    beta: f32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const BLOCK: u32 = 4u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

fn op_a(row: u32, col: u32) -> f32 {
    if (TRANS_A) {
        return a[col * dims.m + row];
    }
    return a[row * dims.k + col];
}

fn op_b(row: u32, col: u32) -> f32 {
    if (TRANS_B) {
        return b[col * dims.k + row];
    }
    return b[row * dims.n + col];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let row0 = id.y * BLOCK;
    let col0 = id.x * BLOCK;
    if (row0 >= dims.m || col0 >= dims.n) {
        return;
    }
    let last_row = dims.m - 1u;
    let last_col = dims.n - 1u;
    let r = vec4<u32>(row0, min(row0 + 1u, last_row), min(row0 + 2u, last_row), min(row0 + 3u, last_row));
    let q = vec4<u32>(col0, min(col0 + 1u, last_col), min(col0 + 2u, last_col), min(col0 + 3u, last_col));
    var acc: array<vec4<f32>, 4>;
    for (var p = 0u; p < dims.k; p = p + 1u) {
        let bv = vec4<f32>(op_b(p, q.x), op_b(p, q.y), op_b(p, q.z), op_b(p, q.w));
        acc[0] = acc[0] + op_a(r.x, p) * bv;
        acc[1] = acc[1] + op_a(r.y, p) * bv;
        acc[2] = acc[2] + op_a(r.z, p) * bv;
        acc[3] = acc[3] + op_a(r.w, p) * bv;
    }
    for (var i = 0u; i < BLOCK; i = i + 1u) {
        let row = row0 + i;
        if (row >= dims.m) {
            break;
        }
        for (var j = 0u; j < BLOCK; j = j + 1u) {
            let col = col0 + j;
            if (col >= dims.n) {
                break;
            }
            let at = row * dims.n + col;
            var value = dims.alpha * acc[i][j];
            // beta = 0 must ignore C entirely: 0 · NaN from an uninitialised C would be NaN.
            if (dims.beta != 0.0) {
                value = value + dims.beta * c[at];
            }
            c[at] = value;
        }
    }
}
