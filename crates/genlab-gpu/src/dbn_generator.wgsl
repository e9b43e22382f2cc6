// The DBN's generator holds its labels: each chain's label units get probability 1 or 0, its
// own (genlab_core::dbn::stack::Generator::step). One thread per label unit.

struct Params {
    rows: u32,   // chains
    cols: u32,   // the top's visible units d
    group: u32,  // the labels, last among them
    pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> probs: array<f32>;
@group(0) @binding(2) var<storage, read> chains: array<f32>;

fn index(id: vec3<u32>, groups: vec3<u32>) -> u32 {
    return id.x + id.y * groups.x * 256u;
}

@compute @workgroup_size(256)
fn hold_labels(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = index(id, groups);
    if (i >= params.rows * params.group) {
        return;
    }
    let r = i / params.group;
    let at = r * params.cols + params.cols - params.group + i % params.group;
    probs[at] = chains[at];
}
