//! A DBN layer on the GPU fed the digits themselves: the batch passed up through the frozen
//! RBMs below (p(h | input) by the matmul and element-wise kernels, or a sample of it drawn by
//! the counter generator), the one-hot labels placed beside the codes at a labelled top
//! (`dbn_stack.wgsl`), then the layer's CD-k / PCD-k step ([`GpuRbm`], its softmax group
//! included). CPU twins: `genlab_core::dbn::stack::{pass_up, with_labels, labelled_cd_step}`
//! and `BatchRbm::cd_step`, drawing in the same order from the same `CounterRng`.

use genlab_core::rng::CounterRng;

use crate::elementwise::{Act, Elementwise};
use crate::matmul::{Layout, Matmul};
use crate::rbm::GpuRbm;
use crate::{groups_1d, Dispatch, Gpu, Record, Tensor};

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    rows: u32,
    cols: u32,
    width: u32,
    pad: u32,
}

/// A frozen layer's part of the pass up: its p(h | input), and the draw from it.
struct Frozen {
    product: Matmul,
    activation: Elementwise,
    sample: Option<Elementwise>,
}

pub struct GpuDbnLayer {
    /// The training layer; the pass up ends in its `v0`.
    pub rbm: GpuRbm,
    /// The digits (n × 784), when layers are frozen below (else they go to `rbm.v0`).
    x: Tensor,
    /// The one-hot labels (n × group), at a labelled top.
    labels: Option<Tensor>,
    frozen: Vec<Frozen>,
    /// Each frozen layer's p(h | input), and its samples when it hands those up.
    probs: Vec<Tensor>,
    drawn: Vec<Tensor>,
    /// At a labelled top: the last frozen layer's output placed beside the labels in `rbm.v0`
    /// (without labels it is copied there).
    place: Option<Dispatch>,
    // The frozen layers' parameters, kept alive for the bind groups.
    _kept: Vec<Tensor>,
    _uniform: wgpu::Buffer,
}

impl GpuDbnLayer {
    /// `frozen`: the RBMs below, bottom up (d, H, W ‖ b ‖ c); `samples`: each hands up a sample
    /// of its p(h | input). `rbm`: the training layer (its last `rbm.group` visible units the
    /// labels), whose batch size this takes.
    pub fn new(gpu: &Gpu, frozen: &[(usize, usize, &[f32])], samples: bool, rbm: GpuRbm) -> Self {
        let n = rbm.n;
        let width = frozen.last().map_or(rbm.d, |f| f.1);
        assert_eq!(
            width + rbm.group,
            rbm.d,
            "the frozen layers end at the layer's input"
        );
        assert!(
            rbm.group == 0 || !frozen.is_empty(),
            "labels beside the digits"
        );
        let t = |len| Tensor::zeros(gpu, len);
        let x = t(n * frozen.first().map_or(0, |f| f.0));
        let probs: Vec<Tensor> = frozen.iter().map(|f| t(n * f.1)).collect();
        let drawn: Vec<Tensor> = match samples {
            true => frozen.iter().map(|f| t(n * f.1)).collect(),
            false => vec![],
        };
        let output = |i: usize| if samples { &drawn[i] } else { &probs[i] };
        let mut kept = vec![];
        let mut parts = vec![];
        for (i, &(d, h, p)) in frozen.iter().enumerate() {
            assert_eq!(p.len(), d * h + d + h);
            let (w, c) = (
                Tensor::from_slice(gpu, &p[..d * h]),
                Tensor::from_slice(gpu, &p[d * h + d..]),
            );
            let input = if i == 0 { &x } else { output(i - 1) };
            parts.push(Frozen {
                product: Matmul::new(
                    gpu,
                    input,
                    &w,
                    &probs[i],
                    (n, d, h),
                    Layout::Plain,
                    1.0,
                    0.0,
                ),
                activation: Elementwise::bias_act(gpu, &probs[i], &c, Act::Sigmoid),
                sample: samples.then(|| Elementwise::bernoulli(gpu, &drawn[i], &probs[i])),
            });
            kept.extend([w, c]);
        }
        let labels = (rbm.group > 0).then(|| t(n * rbm.group));
        let uniform = gpu.uniform(&Params {
            rows: n as u32,
            cols: rbm.d as u32,
            width: width as u32,
            pad: 0,
        });
        let place = labels.as_ref().map(|labels| {
            let codes = output(frozen.len() - 1);
            Dispatch::new(
                gpu,
                include_str!("dbn_stack.wgsl"),
                "with_labels",
                &[&uniform, &rbm.v0.buffer, &codes.buffer, &labels.buffer],
                groups_1d(n * rbm.d),
            )
        });
        GpuDbnLayer {
            rbm,
            x,
            labels,
            frozen: parts,
            probs,
            drawn,
            place,
            _kept: kept,
            _uniform: uniform,
        }
    }

    /// One update of the training layer on the digits `x` (n × 784) passed up, `labels`
    /// (n × group, one-hot) beside them; the draws keyed from `rng` in the CPU twin's order.
    /// Submitted, not awaited.
    pub fn step(&mut self, gpu: &Gpu, x: &[f32], labels: &[f32], rng: &mut CounterRng) {
        if self.frozen.is_empty() {
            self.rbm.set_batch(gpu, x);
        } else {
            self.x.write(gpu, x);
            if let Some(t) = &self.labels {
                t.write(gpu, labels);
            }
            for sample in self.frozen.iter_mut().filter_map(|f| f.sample.as_mut()) {
                sample.set_key(gpu, rng.next_key());
            }
            gpu.run(|pass| {
                for f in &self.frozen {
                    f.product.record(pass);
                    f.activation.record(pass);
                    if let Some(sample) = &f.sample {
                        sample.record(pass);
                    }
                }
                if let Some(place) = &self.place {
                    place.record(pass);
                }
            });
            if self.place.is_none() {
                let last = self
                    .drawn
                    .last()
                    .or(self.probs.last())
                    .expect("a frozen layer");
                let mut encoder = gpu
                    .device
                    .create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
                let bytes = (last.len * 4) as u64;
                encoder.copy_buffer_to_buffer(&last.buffer, 0, &self.rbm.v0.buffer, 0, bytes);
                gpu.queue.submit([encoder.finish()]);
            }
        }
        self.rbm.step(gpu, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_rel_diff};
    use genlab_core::dbn::stack::{labelled_cd_step, pass_up, with_labels, TopWork, LABELS};
    use genlab_core::dbn::PassUp;
    use genlab_core::rbm::batched::{BatchRbm, CdWork};
    use genlab_core::rng::Rng;

    /// The layer fed the digits against the CPU's pass up, labels and step: a first layer,
    /// a second over one frozen layer (probabilities, CD-1), a labelled top over two frozen
    /// layers handing up samples (CD-3); 6 steps each on fresh digits. The parameters agree to
    /// f32 rounding while no sample flips, and the runs count the flips.
    #[test]
    fn the_layer_fed_digits_matches_the_cpu_pass_up_and_step() {
        let gpu = gpu();
        let mut rng = Rng::new(8);
        for (widths, labels, pass, k) in [
            (&[30usize, 12][..], false, PassUp::Probabilities, 1),
            (&[30, 12, 9], false, PassUp::Probabilities, 1),
            (&[30, 12, 9, 7], true, PassUp::Samples, 3),
        ] {
            let mut layers: Vec<BatchRbm<f32>> = widths
                .windows(2)
                .enumerate()
                .map(|(i, w)| {
                    let top = i + 2 == widths.len();
                    let d = w[0] + if top && labels { LABELS } else { 0 };
                    let mut l = BatchRbm::<f32>::new(d, w[1], &mut rng);
                    l.params
                        .iter_mut()
                        .for_each(|p| *p = 0.5 * rng.normal() as f32);
                    l
                })
                .collect();
            let n = 11;
            let (top, frozen) = layers.split_last_mut().unwrap();
            let group = if labels { LABELS } else { 0 };
            let shapes: Vec<(usize, usize, &[f32])> =
                frozen.iter().map(|l| (l.d, l.h, &l.params[..])).collect();
            let rbm = GpuRbm::grouped(gpu, top.d, top.h, group, &top.params, n, k, 0.05);
            let mut g = GpuDbnLayer::new(gpu, &shapes, pass == PassUp::Samples, rbm);
            let (mut cpu_rng, mut gpu_rng) = (CounterRng::new(4), CounterRng::new(4));
            let (mut work, mut top_work) = (CdWork::default(), TopWork::default());
            let mut flips = 0;
            for step in 0..6 {
                let x: Vec<f32> = (0..n * widths[0])
                    .map(|_| rng.bernoulli(0.4) as u8 as f32)
                    .collect();
                let y: Vec<u8> = (0..n).map(|r| ((r + step) % 10) as u8).collect();
                let one_hot: Vec<f32> = y
                    .iter()
                    .flat_map(|&c| genlab_core::digits::data::one_hot(c))
                    .collect();
                let up = pass_up(frozen, &x, pass, &mut cpu_rng);
                let v0 = if labels {
                    with_labels(&up, top.d - LABELS, &y)
                } else {
                    up
                };
                if labels {
                    labelled_cd_step(top, group, &v0, k, 0.05, None, &mut cpu_rng, &mut top_work);
                } else {
                    top.cd_step(&v0, k, 0.05, None, &mut cpu_rng, &mut work);
                }
                g.step(gpu, &x, if labels { &one_hot } else { &[] }, &mut gpu_rng);
                let batch = g.rbm.v0.read_blocking(gpu);
                flips += batch
                    .iter()
                    .zip(&v0)
                    .filter(|(a, b)| a != b && pass == PassUp::Samples)
                    .count();
                let chain = g.rbm.vk.read_blocking(gpu);
                let cpu_chain = if labels {
                    top_work.chain()
                } else {
                    work.chain()
                };
                flips += chain.iter().zip(cpu_chain).filter(|(a, b)| a != b).count();
                if flips == 0 {
                    assert!(
                        max_rel_diff(&batch, &v0) < 1e-5,
                        "{widths:?} step {step}: batch"
                    );
                    let params = pollster::block_on(g.rbm.params(gpu)).unwrap();
                    let diff = max_rel_diff(&params, &top.params);
                    assert!(
                        diff < 1e-5,
                        "{widths:?} step {step}: parameters differ by {diff}"
                    );
                }
            }
            assert_eq!(flips, 0, "{widths:?}: {flips} samples flipped");
            assert_eq!(gpu_rng, cpu_rng, "{widths:?}: as many draws");
        }
    }
}
