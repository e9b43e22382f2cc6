// One Adam step on a flat parameter block, as genlab_core::nn::Optimizer (kind Adam) does it:
// m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  p ← p − lr · (m / bc₁) / (√(v / bc₂) + ε),
// with the bias corrections bc = 1 − βᵗ computed on the CPU in f64 for this step.

struct Params {
    n: u32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
    lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    bc1: f32,
    bc2: f32,
    pad3: f32,
    pad4: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = id.x + id.y * groups.x * 256u;
    if (i >= params.n) {
        return;
    }
    let grad = g[i];
    let m_new = params.beta1 * m[i] + (1.0 - params.beta1) * grad;
    let v_new = params.beta2 * v[i] + (1.0 - params.beta2) * grad * grad;
    m[i] = m_new;
    v[i] = v_new;
    p[i] = p[i] - params.lr * (m_new / params.bc1) / (sqrt(v_new / params.bc2) + params.eps);
}
