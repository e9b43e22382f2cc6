// A DBN layer's input row by row: the codes passed up from the frozen layers, then the one-hot
// labels beside them at a labelled top (genlab_core::dbn::stack::with_labels). One thread per
// element of the output.

struct Params {
    rows: u32,   // images in the batch
    cols: u32,   // the layer's visible units d = width + labels
    width: u32,  // the codes' width
    pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> codes: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<f32>;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

@compute @workgroup_size(256)
fn with_labels(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.rows * params.cols) {
        return;
    }
    let r = i / params.cols;
    let c = i % params.cols;
    if (c < params.width) {
        out[i] = codes[r * params.width + c];
    } else {
        out[i] = labels[r * (params.cols - params.width) + c - params.width];
    }
}
