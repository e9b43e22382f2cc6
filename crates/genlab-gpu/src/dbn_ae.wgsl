// A DBN layer's tied autoencoder (genlab_core::dbn::autoencoder is the CPU twin): the loss of
// each row of the batch, and the decoder's residual. One thread per row, or per element.

struct Params {
    rows: u32,  // images in the batch
    cols: u32,  // the layer's visible units d
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

fn softplus(a: f32) -> f32 {
    return max(a, 0.0) + log(1.0 + exp(-abs(a)));
}

// out[r] = Σᵢ softplus(xᵢ) − vᵢ xᵢ over row r: the cross-entropy of σ(x) against v.
@compute @workgroup_size(256)
fn row_loss(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let r = index(id, groups);
    if (r >= params.rows) {
        return;
    }
    var sum = 0.0;
    for (var i = r * params.cols; i < (r + 1u) * params.cols; i = i + 1u) {
        sum = sum + softplus(x[i]) - v[i] * x[i];
    }
    out[r] = sum;
}

// out = σ(x) − v: the loss's gradient with respect to the decoder's inputs, times the batch.
@compute @workgroup_size(256)
fn residual(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.rows * params.cols) {
        return;
    }
    out[i] = 1.0 / (1.0 + exp(-x[i])) - v[i];
}
