// The VAE's own kernels between its dense layers (genlab_core::vae::model::VaeNet is the twin):
// the reparameterisation with the closed-form KL, its backward, and the reconstruction's loss
// and gradient — the Bernoulli cross-entropy, or a Gaussian with fixed σ around σ(a) — and that
// loss of one image under many latent points, for the exact posterior. Every buffer is bound
// read-write at 1..5 in the order each entry point's comment gives; `rows` is the batch size B.

struct Params {
    rows: u32,
    pixels: u32,
    gaussian: u32,  // 0 Bernoulli, 1 Gaussian
    latent: u32,    // L, the dimension of z
    beta: f32,
    inv_b: f32,
    inv_var: f32,   // the Gaussian's 1 / σ²
    log_norm: f32,  // and ½ log 2πσ² per pixel
}

fn sigmoid(a: f32) -> f32 {
    let e = exp(-abs(a));
    return select(e / (1.0 + e), 1.0 / (1.0 + e), a >= 0.0);
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> s1: array<f32>;
@group(0) @binding(2) var<storage, read_write> s2: array<f32>;
@group(0) @binding(3) var<storage, read_write> s3: array<f32>;
@group(0) @binding(4) var<storage, read_write> s4: array<f32>;
@group(0) @binding(5) var<storage, read_write> s5: array<f32>;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

// One thread per image. s1 enc (B × 2L: μ, then log σ²), s2 ε (B × L) →
// s3 σ (B × L), s4 z = μ + σ ε (B × L), s5 KL(N(μ, σ²) ‖ N(0, I)) per image (B).
@compute @workgroup_size(256)
fn reparam(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let b = index(id, groups);
    if (b >= params.rows) {
        return;
    }
    var kl = 0.0;
    let l = params.latent;
    for (var j = 0u; j < l; j = j + 1u) {
        let mu = s1[b * 2u * l + j];
        let log_var = s1[b * 2u * l + l + j];
        let sigma = exp(log_var * 0.5);
        s3[b * l + j] = sigma;
        s4[b * l + j] = mu + sigma * s2[b * l + j];
        kl = kl + 0.5 * (mu * mu + sigma * sigma - 1.0 - log_var);
    }
    s5[b] = kl;
}

// One thread per image. s1 enc, s2 ε, s3 σ, s4 ∂L/∂z (B × L) → s5 ∂L/∂(μ, log σ²) (B × 2L),
// with the β-weighted KL term of the batch mean: ∂z/∂μ = 1, ∂z/∂log σ² = ½ σ ε,
// ∂KL/∂μ = μ, ∂KL/∂log σ² = ½ (σ² − 1).
@compute @workgroup_size(256)
fn latent_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let b = index(id, groups);
    if (b >= params.rows) {
        return;
    }
    let l = params.latent;
    for (var j = 0u; j < l; j = j + 1u) {
        let i = b * l + j;
        let mu = s1[b * 2u * l + j];
        let sigma = s3[i];
        let d_z = s4[i];
        s5[b * 2u * l + j] = d_z + params.beta * mu * params.inv_b;
        s5[b * 2u * l + l + j] = d_z * s2[i] * 0.5 * sigma
            + params.beta * 0.5 * (sigma * sigma - 1.0) * params.inv_b;
    }
}

// −log p(x | z) of the logits at s1[a ..] against the image at s2[xs ..]:
// Σ softplus(a) − x a, softplus(a) = max(a, 0) + log(1 + e^{−|a|}); for a Gaussian
// Σ (x − σ(a))² / 2σ² + ½ log 2πσ².
fn row_nll(a: u32, xs: u32) -> f32 {
    var sum = 0.0;
    if (params.gaussian == 1u) {
        for (var p = 0u; p < params.pixels; p = p + 1u) {
            let r = sigmoid(s1[a + p]) - s2[xs + p];
            sum = sum + r * r;
        }
        return 0.5 * sum * params.inv_var + f32(params.pixels) * params.log_norm;
    }
    for (var p = 0u; p < params.pixels; p = p + 1u) {
        let logit = s1[a + p];
        sum = sum + max(logit, 0.0) + log(1.0 + exp(-abs(logit))) - s2[xs + p] * logit;
    }
    return sum;
}

// One thread per image. s1 logits (B × pixels), s2 x (B × pixels) → s3 −log p(x | z) per
// image (B).
@compute @workgroup_size(256)
fn rec_loss(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let b = index(id, groups);
    if (b >= params.rows) {
        return;
    }
    s3[b] = row_nll(b * params.pixels, b * params.pixels);
}

// One thread per latent point. s1 logits (rows × pixels), s2 one image x (pixels) →
// s3 −log p(x | z) per point (rows): the exact posterior's grid, one x under many z.
@compute @workgroup_size(256)
fn rec_loss_one_x(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let b = index(id, groups);
    if (b >= params.rows) {
        return;
    }
    s3[b] = row_nll(b * params.pixels, 0u);
}

// One thread per pixel. s1 logits → (σ(a) − x) / B in place, s2 x: the cross-entropy's
// gradient for the batch mean; a Gaussian's is (y − x) y (1 − y) / σ² / B with y = σ(a).
@compute @workgroup_size(256)
fn rec_grad(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.rows * params.pixels) {
        return;
    }
    let y = sigmoid(s1[i]);
    if (params.gaussian == 1u) {
        s1[i] = (y - s2[i]) * y * (1.0 - y) * params.inv_var * params.inv_b;
        return;
    }
    s1[i] = (y - s2[i]) * params.inv_b;
}

// One thread. s1 the reconstruction terms (B), s2 the KL terms (B) → s3[0], s3[1] += their
// sums: the running totals a history row reports, read and zeroed with the parameters.
@compute @workgroup_size(1)
fn accumulate(@builtin(global_invocation_id) id: vec3<u32>) {
    if (id.x != 0u || id.y != 0u) {
        return;
    }
    var rec = 0.0;
    var kl = 0.0;
    for (var b = 0u; b < params.rows; b = b + 1u) {
        rec = rec + s1[b];
        kl = kl + s2[b];
    }
    s3[0] = s3[0] + rec;
    s3[1] = s3[1] + kl;
}
