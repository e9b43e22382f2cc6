// The DBN's fine-tuned classifier (genlab_core::dbn::classifier::SigmoidNet is the CPU twin):
// the softmax cross-entropy's gradient at the logits, and whether each row is classified right.
// One thread per row of ten logits.

struct Params {
    rows: u32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<f32>;

const CLASSES: u32 = 10u;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

// out (rows × 10) = (softmax(z) − y) / rows, y one-hot: the mean loss's gradient at the logits.
@compute @workgroup_size(256)
fn softmax_xent(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let r = index(id, groups);
    if (r >= params.rows) {
        return;
    }
    let at = r * CLASSES;
    var top = logits[at];
    for (var k = 1u; k < CLASSES; k = k + 1u) {
        top = max(top, logits[at + k]);
    }
    var sum = 0.0;
    for (var k = 0u; k < CLASSES; k = k + 1u) {
        sum = sum + exp(logits[at + k] - top);
    }
    let inv_n = 1.0 / f32(params.rows);
    for (var k = 0u; k < CLASSES; k = k + 1u) {
        out[at + k] = (exp(logits[at + k] - top) / sum - labels[at + k]) * inv_n;
    }
}

// out[r] = 1 when row r's first largest logit is its label's, else 0 (labels as class numbers).
@compute @workgroup_size(256)
fn correct(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let r = index(id, groups);
    if (r >= params.rows) {
        return;
    }
    let at = r * CLASSES;
    var best = 0u;
    for (var k = 1u; k < CLASSES; k = k + 1u) {
        if (logits[at + k] > logits[at + best]) {
            best = k;
        }
    }
    out[r] = select(0.0, 1.0, f32(best) == labels[r]);
}
