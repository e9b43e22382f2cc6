// A binary RBM's scores of a fixed set of images (genlab_core::rbm_mnist's `score` is the CPU
// twin): each image's free energy F(v) = −bᵀv − Σⱼ softplus(cⱼ + (vW)ⱼ) and its squared
// mean-field reconstruction error Σᵢ (vᵢ − p(vᵢ = 1 | h = p(h | v)))². One thread per image.

struct Params {
    rows: u32,     // images in the set
    visible: u32,  // d
    hidden: u32,   // H
    pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> s1: array<f32>;
@group(0) @binding(2) var<storage, read_write> s2: array<f32>;
@group(0) @binding(3) var<storage, read_write> s3: array<f32>;
@group(0) @binding(4) var<storage, read_write> s4: array<f32>;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

fn softplus(a: f32) -> f32 {
    return max(a, 0.0) + log(1.0 + exp(-abs(a)));
}

fn sigmoid(a: f32) -> f32 {
    let e = exp(-abs(a));
    return select(e / (1.0 + e), 1.0 / (1.0 + e), a >= 0.0);
}

// s1 the hidden input c + vW (rows × H) → p(h = 1 | v) in place, s2 v (rows × d), s3 b (d) →
// s4 F(v) per image (rows).
@compute @workgroup_size(256)
fn free_energy(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let r = index(id, groups);
    if (r >= params.rows) {
        return;
    }
    var visible = 0.0;
    for (var i = 0u; i < params.visible; i = i + 1u) {
        visible = visible + s2[r * params.visible + i] * s3[i];
    }
    var hidden = 0.0;
    for (var j = 0u; j < params.hidden; j = j + 1u) {
        let a = s1[r * params.hidden + j];
        hidden = hidden + softplus(a);
        s1[r * params.hidden + j] = sigmoid(a);
    }
    s4[r] = -visible - hidden;
}

// s1 v (rows × d), s2 the reconstruction p(v = 1 | h) (rows × d) → s3 Σᵢ (vᵢ − pᵢ)² per image.
@compute @workgroup_size(256)
fn squared_error(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let r = index(id, groups);
    if (r >= params.rows) {
        return;
    }
    var sum = 0.0;
    for (var i = 0u; i < params.visible; i = i + 1u) {
        let e = s1[r * params.visible + i] - s2[r * params.visible + i];
        sum = sum + e * e;
    }
    s3[r] = sum;
}
