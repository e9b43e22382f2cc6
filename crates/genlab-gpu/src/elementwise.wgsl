// Element-wise kernels over flat arrays: `out` is written (in place where the op reads it too),
// `inp` is only read. One thread per element; 256 threads per group, groups spread over x and y.

struct Params {
    n: u32,      // elements of `out` to process
    cols: u32,   // row length, for per-column biases and column sums
    mode: u32,   // activation: 0 identity, 1 ReLU, 2 sigmoid, 3 leaky ReLU (slope 0.2 below 0)
    key: u32,    // the counter generator's key for this draw (genlab_core::rng::counter_key)
    alpha: f32,
    beta: f32,
    group: u32,  // a row's last `group` units are one softmax group (group_act, group_bernoulli)
    pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

fn activate(x: f32) -> f32 {
    switch params.mode {
        case 1u: { return max(x, 0.0); }
        case 2u: { return 1.0 / (1.0 + exp(-x)); }
        case 3u: { return select(0.2 * x, x, x > 0.0); }
        default: { return x; }
    }
}

// The derivative, from the activation's output y.
fn slope(y: f32) -> f32 {
    switch params.mode {
        case 1u: { return select(0.0, 1.0, y > 0.0); }
        case 2u: { return y * (1.0 - y); }
        case 3u: { return select(0.2, 1.0, y > 0.0); }
        default: { return 1.0; }
    }
}

// out = act(out + bias), bias (inp) per column.
@compute @workgroup_size(256)
fn bias_act(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i < params.n) {
        out[i] = activate(out[i] + inp[i % params.cols]);
    }
}

// out (the gradient w.r.t. the activation's output) ×= act'(y), y = inp.
@compute @workgroup_size(256)
fn act_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i < params.n) {
        out[i] = out[i] * slope(inp[i]);
    }
}

// out[c] = beta · out[c] + alpha · Σ_r inp[r, c]; params.n = cols here, inp has rows = key.
@compute @workgroup_size(256)
fn col_sum(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let c = index(id, groups);
    if (c < params.n) {
        var sum = 0.0;
        for (var r = 0u; r < params.key; r = r + 1u) {
            sum = sum + inp[r * params.cols + c];
        }
        var value = params.alpha * sum;
        if (params.beta != 0.0) {
            value = value + params.beta * out[c];
        }
        out[c] = value;
    }
}

// out += alpha · inp.
@compute @workgroup_size(256)
fn axpy(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i < params.n) {
        out[i] = out[i] + params.alpha * inp[i];
    }
}

// genlab_core::rng::lowbias32 and counter_uniform, bit for bit.
fn lowbias32(v: u32) -> u32 {
    var x = v;
    x = x ^ (x >> 16u);
    x = x * 0x7feb352du;
    x = x ^ (x >> 15u);
    x = x * 0x846ca68bu;
    x = x ^ (x >> 16u);
    return x;
}

fn counter_uniform(key: u32, i: u32) -> f32 {
    let h = lowbias32(i ^ key) + key;
    let r = (h << 7u) | (h >> 25u);
    return f32(r >> 8u) * (1.0 / 16777216.0);
}

// out[i] = 1 with probability inp[i]: the uniform of element i in the draw keyed params.key.
@compute @workgroup_size(256)
fn bernoulli(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i < params.n) {
        out[i] = select(0.0, 1.0, counter_uniform(params.key, i) < inp[i]);
    }
}

// Where the softmax group of element i's row starts (an index into out), or BINARY when i is
// one of the row's binary units.
const BINARY: u32 = 0xffffffffu;
fn group_start(i: u32) -> u32 {
    let c = i % params.cols;
    let first = params.cols - params.group;
    return select(i - c + first, BINARY, c < first);
}

// Visible probabilities from their inputs (inp, rows of params.cols): σ for the binary units, a
// softmax over each row's last params.group units, its maximum subtracted
// (genlab_core::rbm::batched::group_probs). Reads inp only, so rows are never half-written.
@compute @workgroup_size(256)
fn group_act(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.n) {
        return;
    }
    let start = group_start(i);
    if (start == BINARY) {
        out[i] = 1.0 / (1.0 + exp(-inp[i]));
        return;
    }
    var top = inp[start];
    for (var k = 1u; k < params.group; k = k + 1u) {
        top = max(top, inp[start + k]);
    }
    var sum = 0.0;
    for (var k = 0u; k < params.group; k = k + 1u) {
        sum = sum + exp(inp[start + k] - top);
    }
    out[i] = exp(inp[i] - top) / sum;
}

// One draw of rows whose probabilities (inp) come from group_act: a binary unit as bernoulli; a
// group's unit is on when the uniform of the group's first index falls in its stretch of the
// cumulative sum, summed in order from the group's start — the last unit takes what rounding
// leaves above the sum (genlab_core::rbm::batched::pick_in_group).
@compute @workgroup_size(256)
fn group_bernoulli(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.n) {
        return;
    }
    let start = group_start(i);
    if (start == BINARY) {
        out[i] = select(0.0, 1.0, counter_uniform(params.key, i) < inp[i]);
        return;
    }
    let u = counter_uniform(params.key, start);
    var before = 0.0;
    for (var k = start; k < i; k = k + 1u) {
        before = before + inp[k];
    }
    let last = (i + 1u) % params.cols == 0u;
    out[i] = select(0.0, 1.0, !(u < before) && (u < before + inp[i] || last));
}
