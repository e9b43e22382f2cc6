// The autoencoder family's own kernels between its dense layers (the twins are
// genlab_core::autoencoder::model::AeNet::backward and autoencoder::penalty::Penalty): the
// output's loss gradient, the code layer's backward with its regulariser, and the contractive
// penalty's column norms and weight term. Buffers are bound read-write at 1..3 in the order each
// entry point's comment gives.

struct Params {
    n: u32,       // threads that do work: elements, or columns
    cols: u32,    // row length: the code's width (or the pixels for output_grad)
    rows: u32,    // rows a column sum runs over
    mode: u32,    // output_grad: 0 Bernoulli, 1 squared error, 2 Gaussian; else the code's activation:
                  // 0 identity, 1 ReLU, 2 sigmoid
    inv_b: f32,   // 1 / batch: the losses are batch means
    lambda: f32,  // the penalty's weight
    penalty: u32, // 0 none, 1 sparse, 2 contractive
    scale: f32,   // mmd_pull: the kernel's scale, γ = 1/2σ² (RBF) or C (inverse multiquadric)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> s1: array<f32>;
@group(0) @binding(2) var<storage, read_write> s2: array<f32>;
@group(0) @binding(3) var<storage, read_write> s3: array<f32>;
@group(0) @binding(4) var<storage, read_write> s4: array<f32>;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

// g′ from the activation's output h.
fn slope(h: f32) -> f32 {
    switch params.mode {
        case 1u: { return select(0.0, 1.0, h > 0.0); }
        case 2u: { return h * (1.0 - h); }
        default: { return 1.0; }
    }
}

// g″ from the output (0 almost everywhere for ReLU and identity).
fn curvature(h: f32) -> f32 {
    if (params.mode == 2u) {
        return h * (1.0 - h) * (1.0 - 2.0 * h);
    }
    return 0.0;
}

// One thread per output value. s1 the output layer's pre-activations (B × pixels) → in place
// the gradient of the batch mean loss with respect to them, s2 the clean digits:
// σ(a) − x for a sigmoid with cross-entropy, 2 (a − x) for a linear output with squared error,
// (y − x) y (1 − y) / σ² for a Gaussian around y = σ(a) (mode 2, 1/σ² in λ's slot).
@compute @workgroup_size(256)
fn output_grad(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.n) {
        return;
    }
    let a = s1[i];
    if (params.mode == 0u) {
        let e = exp(-abs(a));
        let y = select(e / (1.0 + e), 1.0 / (1.0 + e), a >= 0.0);
        s1[i] = (y - s2[i]) * params.inv_b;
    } else if (params.mode == 2u) {
        let e = exp(-abs(a));
        let y = select(e / (1.0 + e), 1.0 / (1.0 + e), a >= 0.0);
        s1[i] = (y - s2[i]) * y * (1.0 - y) * params.lambda * params.inv_b;
    } else {
        s1[i] = 2.0 * (a - s2[i]) * params.inv_b;
    }
}

// One thread per code unit j. s1 q (code) ← Σᵢ Wᵢⱼ² over s2 W (rows × cols, the code layer's
// input width × code): the contractive penalty's column norms.
@compute @workgroup_size(256)
fn column_norms(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let j = index(id, groups);
    if (j >= params.n) {
        return;
    }
    var q = 0.0;
    for (var i = 0u; i < params.rows; i = i + 1u) {
        let w = s2[i * params.cols + j];
        q = q + w * w;
    }
    s1[j] = q;
}

// One thread per code unit j. s1 r (code) ← Σ_b g′(pre_bj)² over s2 h (rows × cols, the
// batch's codes): what the contractive penalty's weight term scales each column by.
@compute @workgroup_size(256)
fn slope_sums(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let j = index(id, groups);
    if (j >= params.n) {
        return;
    }
    var r = 0.0;
    for (var b = 0u; b < params.rows; b = b + 1u) {
        let s = slope(s2[b * params.cols + j]);
        r = r + s * s;
    }
    s1[j] = r;
}

// One thread per code value. s1 ∂L/∂h (B × code, from the decoder) → in place ∂L/∂(pre-
// activation), with the regulariser's own terms: the sparse λ sign(h) before the activation's
// slope, the contractive 2λ g′ g″ qⱼ after it; s2 h, s3 q (the column norms, contractive only).
@compute @workgroup_size(256)
fn code_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.n) {
        return;
    }
    let h = s2[i];
    let s = slope(h);
    var d = s1[i];
    if (params.penalty == 1u) {
        d = d + params.lambda * params.inv_b * sign(h);
    }
    d = d * s;
    if (params.penalty == 2u) {
        d = d + 2.0 * params.lambda * params.inv_b * s * curvature(h) * s3[i % params.cols];
    }
    s1[i] = d;
}

// One thread per weight. s1 ∂L/∂W (rows × cols, the code layer's) += 2λ Wᵢⱼ rⱼ / B, s2 W,
// s3 r (the slope sums): the contractive penalty's direct weight term.
@compute @workgroup_size(256)
fn contractive_weights(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.n) {
        return;
    }
    s1[i] = s1[i] + 2.0 * params.lambda * params.inv_b * s2[i] * s3[i % params.cols];
}

// The MMD kernel's slope in d² = |z − z′|²: mode 0 the RBF exp(−γ d²), 1 the inverse
// multiquadric C / (C + d²).
fn kernel_slope(d2: f32) -> f32 {
    if (params.mode == 0u) {
        return -params.scale * exp(-params.scale * d2);
    }
    let denom = params.scale + d2;
    return -params.scale / (denom * denom);
}

// One thread per code value (i, k). s1 ∂L/∂h (B × code, from the decoder) += λ ∂MMD²/∂zᵢₖ, the
// WAE's pull of the batch's codes s2 (B × code) towards as many prior samples s3 (B × code):
// ∂/∂zᵢ = 2/(n(n−1)) Σ_{j≠i} k′ · 2(zᵢ − zⱼ) − 2/n² Σⱼ k′(zᵢ, pⱼ) · 2(zᵢ − pⱼ), k′ the slope in
// d² (the twin: genlab_core::transport::mmd::unbiased_with_gradient). `rows` = n, `cols` the
// code's width.
@compute @workgroup_size(256)
fn mmd_pull(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.n) {
        return;
    }
    let c = params.cols;
    let row = i / c;
    let k = i % c;
    var within = 0.0;
    var across = 0.0;
    for (var j = 0u; j < params.rows; j = j + 1u) {
        var d2_code = 0.0;
        var d2_prior = 0.0;
        for (var m = 0u; m < c; m = m + 1u) {
            let t = s2[row * c + m] - s2[j * c + m];
            let u = s2[row * c + m] - s3[j * c + m];
            d2_code = d2_code + t * t;
            d2_prior = d2_prior + u * u;
        }
        if (j != row) {
            within = within + kernel_slope(d2_code) * 2.0 * (s2[i] - s2[j * c + k]);
        }
        across = across + kernel_slope(d2_prior) * 2.0 * (s2[i] - s3[j * c + k]);
    }
    let n = f32(params.rows);
    s1[i] = s1[i] + params.lambda * (2.0 / (n * (n - 1.0)) * within - 2.0 / (n * n) * across);
}

// One thread per image of a scoring pass. s1 the output layer's pre-activations (rows ×
// pixels), s2 the images → s3 −log p(x|y) and s4 Σ (y − x)² per image, y the output: the
// twins are AeNet::forward_loss's per-image terms, in f32 as it sums them — the Bernoulli
// Σ softplus(a) − x a (mode 0), the squared error Σ (a − x)² (mode 1), the Gaussian around
// y = σ(a) Σ (y − x)² / 2σ² + (D/2) log 2πσ² (mode 2: 1/2σ² in λ's slot, the constant in
// `scale`).
@compute @workgroup_size(256)
fn output_loss(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let b = index(id, groups);
    if (b >= params.n) {
        return;
    }
    var ce = 0.0;
    var sq = 0.0;
    for (var j = 0u; j < params.cols; j = j + 1u) {
        let a = s1[b * params.cols + j];
        let x = s2[b * params.cols + j];
        var y = a;
        if (params.mode != 1u) {
            let e = exp(-abs(a));
            y = select(e / (1.0 + e), 1.0 / (1.0 + e), a >= 0.0);
        }
        ce = ce + max(a, 0.0) + log(1.0 + exp(-abs(a))) - x * a;
        sq = sq + (y - x) * (y - x);
    }
    switch params.mode {
        case 0u: { s3[b] = ce; }
        case 1u: { s3[b] = sq; }
        default: { s3[b] = sq * params.lambda + params.scale; }
    }
    s4[b] = sq;
}
