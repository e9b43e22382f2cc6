// C (m × n) = alpha · op(A) · op(B) + beta · C, with op(A) m × k and op(B) k × n.
// flags bit 0: A is stored transposed (k × m); bit 1: B is stored transposed (n × k).
// Each 16 × 16 work-group computes one 16 × 16 tile of C, walking k in 16-wide slabs through
// work-group memory; edges beyond the matrices read as zeros, so any size works.

struct Dims {
    m: u32,
    n: u32,
    k: u32,
    flags: u32,
    alpha: f32,
    beta: f32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TILE: u32 = 16u;
var<workgroup> tile_a: array<array<f32, 16>, 16>;
var<workgroup> tile_b: array<array<f32, 16>, 16>;

fn op_a(row: u32, col: u32) -> f32 {
    if (row >= dims.m || col >= dims.k) {
        return 0.0;
    }
    if ((dims.flags & 1u) != 0u) {
        return a[col * dims.m + row];
    }
    return a[row * dims.k + col];
}

fn op_b(row: u32, col: u32) -> f32 {
    if (row >= dims.k || col >= dims.n) {
        return 0.0;
    }
    if ((dims.flags & 2u) != 0u) {
        return b[col * dims.k + row];
    }
    return b[row * dims.n + col];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
    let row = group.y * TILE + local.y;
    let col = group.x * TILE + local.x;
    var acc = 0.0;
    let slabs = (dims.k + TILE - 1u) / TILE;
    for (var s = 0u; s < slabs; s = s + 1u) {
        tile_a[local.y][local.x] = op_a(row, s * TILE + local.x);
        tile_b[local.y][local.x] = op_b(s * TILE + local.y, col);
        workgroupBarrier();
        for (var i = 0u; i < TILE; i = i + 1u) {
            acc = acc + tile_a[local.y][i] * tile_b[i][local.x];
        }
        workgroupBarrier();
    }
    if (row < dims.m && col < dims.n) {
        let at = row * dims.n + col;
        var value = dims.alpha * acc;
        // beta = 0 must ignore C entirely: 0 · NaN from an uninitialised C would be NaN.
        if (dims.beta != 0.0) {
            value = value + dims.beta * c[at];
        }
        c[at] = value;
    }
}
