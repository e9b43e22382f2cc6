// The adversarial autoencoder's discriminator's own kernels between its dense layers (the twin
// is genlab_core::wae::discriminator::Discriminator): its input rows — B prior samples, then
// the B codes — its two losses' gradients with respect to the logits, and the encoder's pull.
// Buffers are bound read-write at 1..2 in the order each entry point's comment gives.

struct Params {
    rows: u32,    // B: the prior's rows, then as many code rows
    width: u32,   // the discriminator's input: z's 2 values, then a one-hot label if it reads one
    lambda: f32,  // code_grad: the generator phase's weight
    pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> s1: array<f32>;
@group(0) @binding(2) var<storage, read_write> s2: array<f32>;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

fn sigmoid(a: f32) -> f32 {
    let e = exp(-abs(a));
    return select(e / (1.0 + e), 1.0 / (1.0 + e), a >= 0.0);
}

// log(1 + eᵃ), stable for any a.
fn softplus(a: f32) -> f32 {
    return max(a, 0.0) + log(1.0 + exp(-abs(a)));
}

// One thread per code value (r, k < 2). s1 the input rows (2B × width) ← at row B + r, column
// k: s2 the codes (B × 2). The prior's rows and every label column come from the host.
@compute @workgroup_size(256)
fn copy_codes(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.rows * 2u) {
        return;
    }
    let r = i / 2u;
    s1[(params.rows + r) * params.width + i % 2u] = s2[i];
}

// One thread. s2[0] ← the regularisation phase's mean cross-entropy of s1 the logits (2B):
// −log σ(a) = softplus(−a) for the prior's rows, −log(1 − σ(a)) = softplus(a) for the codes'.
@compute @workgroup_size(1)
fn train_loss(@builtin(global_invocation_id) id: vec3<u32>) {
    var total = 0.0;
    for (var i = 0u; i < 2u * params.rows; i = i + 1u) {
        total = total + select(softplus(s1[i]), softplus(-s1[i]), i < params.rows);
    }
    s2[0] = total / f32(2u * params.rows);
}

// One thread per row. s1 the logits (2B) → in place ∂/∂a of the mean cross-entropy:
// (σ(a) − y) / 2B, y = 1 for the prior's rows and 0 for the codes'.
@compute @workgroup_size(256)
fn train_grad(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= 2u * params.rows) {
        return;
    }
    let y = select(0.0, 1.0, i < params.rows);
    s1[i] = (sigmoid(s1[i]) - y) / f32(2u * params.rows);
}

// One thread per row. s1 the logits (2B) → in place ∂/∂a of the generator phase's
// −(1/B) Σ log D(z) over the codes' rows, (σ(a) − 1) / B; 0 for the prior's rows.
@compute @workgroup_size(256)
fn fool_grad(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= 2u * params.rows) {
        return;
    }
    s1[i] = select((sigmoid(s1[i]) - 1.0) / f32(params.rows), 0.0, i < params.rows);
}

// One thread per code value (r, k < 2). s1 ∂L/∂code (B × 2) ← λ × s2 ∂(−log D)/∂input at
// row B + r, column k: what the generator phase sends the encoder.
@compute @workgroup_size(256)
fn code_grad(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.rows * 2u) {
        return;
    }
    let r = i / 2u;
    s1[i] = params.lambda * s2[(params.rows + r) * params.width + i % 2u];
}
