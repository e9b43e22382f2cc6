//! A binary RBM's CD-k / PCD-k step on the GPU, composed of the matmul and element-wise kernels.
//! Its CPU twin is `genlab_core::rbm::batched::BatchRbm::cd_step` driven by the same
//! counter-based generator (`genlab_core::rng::CounterRng`): the same products, the same
//! uniforms, the same samples — up to f32 rounding in another summation order, which flips a
//! sample only when a uniform falls within rounding of its probability.

use genlab_core::rng::CounterRng;

use crate::elementwise::{Act, Elementwise};
use crate::matmul::{Layout, Matmul};
use crate::tensor::ReadBack;
use crate::{groups_1d, Dispatch, Gpu, GpuError, Record, Tensor};
use genlab_core::device::{DeviceCopy, DeviceScores};

/// The model's tensors: W (d × H, row-major), b (d), c (H) — `BatchRbm`'s layout, split.
pub struct GpuRbm {
    pub d: usize,
    pub h: usize,
    /// The last `group` visible units of a row are one softmax group (a labelled top RBM of a
    /// DBN, `genlab_core::dbn::stack::labelled_cd_step` its CPU twin); 0: all binary.
    pub group: usize,
    /// Images per step.
    pub n: usize,
    pub k: u32,
    /// PCD: the Gibbs chains (`vk`) carry over between steps instead of restarting at the data.
    pub persistent: bool,
    pub w: Tensor,
    pub b: Tensor,
    pub c: Tensor,
    /// The batch (n × d); write it with [`GpuRbm::set_batch`].
    pub v0: Tensor,
    /// The chains after the last step (n × d).
    pub vk: Tensor,
    /// p(v = 1 | h) of the last Gibbs step (n × d): the reconstructions for k = 1.
    pub pv: Tensor,
    started: bool,
    ops: Ops,
    /// Image sets scored at reads that ask for it (see [`GpuRbm::keep_scored_sets`]).
    scored: Vec<ScoredSet>,
    // Kept alive for the bind groups (the ops read and write them).
    _scratch: [Tensor; 6],
    /// The visible inputs h Wᵀ + b a softmax group is computed from (with a group only).
    _visible_input: Option<Tensor>,
}

/// A fixed set of images kept on the device and scored through the live parameters: each
/// image's squared reconstruction error and free energy (`rbm_score.wgsl`).
struct ScoredSet {
    ops: Vec<Box<dyn Record>>,
    recon: Tensor,
    free: Tensor,
    // The images, the hidden layer and the reconstructions the ops are bound to.
    _buffers: [Tensor; 3],
    _uniform: wgpu::Buffer,
}

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct ScoreParams {
    rows: u32,
    visible: u32,
    hidden: u32,
    pad: u32,
}

struct Ops {
    positive: Matmul,
    positive_act: Elementwise,
    hidden: Matmul,
    hidden_act: Elementwise,
    visible: Matmul,
    visible_act: Elementwise,
    /// With a softmax group: p(v | h) from the visible inputs.
    visible_group: Option<Elementwise>,
    /// One Bernoulli op per Gibbs half-step: each draw needs its own key within one submission.
    sample_h: Vec<Elementwise>,
    sample_v: Vec<Elementwise>,
    /// The first hidden draw when the chains start at the data: from ph0, whose product the
    /// step has just run on the same images (the CPU twin skips it the same way).
    sample_h_from_data: Elementwise,
    grad: [Matmul; 2],
    bias_grads: [Elementwise; 4],
    updates: [Elementwise; 3],
}

impl GpuRbm {
    /// Uploads `params` (`BatchRbm::params`: W, then b, then c) and builds every op for batches
    /// of `n` images and `k` Gibbs steps at learning rate `lr`.
    pub fn new(gpu: &Gpu, d: usize, h: usize, params: &[f32], n: usize, k: u32, lr: f32) -> Self {
        Self::grouped(gpu, d, h, 0, params, n, k, lr)
    }

    /// [`GpuRbm::new`] for an RBM whose last `group` visible units are one softmax group.
    #[allow(clippy::too_many_arguments)] // the model's shape, its parameters, the step's
    pub fn grouped(
        gpu: &Gpu,
        d: usize,
        h: usize,
        group: usize,
        params: &[f32],
        n: usize,
        k: u32,
        lr: f32,
    ) -> Self {
        assert_eq!(params.len(), d * h + d + h);
        assert!(group < d, "a group of {group} in {d} visible units");
        let k = k.max(1);
        let (w, rest) = params.split_at(d * h);
        let (b, c) = rest.split_at(d);
        let (w, b, c) = (
            Tensor::from_slice(gpu, w),
            Tensor::from_slice(gpu, b),
            Tensor::from_slice(gpu, c),
        );
        let t = |len| Tensor::zeros(gpu, len);
        let (v0, vk, pv) = (t(n * d), t(n * d), t(n * d));
        let (ph0, phk, hs) = (t(n * h), t(n * h), t(n * h));
        let (dw, db, dc) = (t(d * h), t(d), t(h));
        // With a group, the visible product lands in its own tensor and p(v | h) is made from it.
        let visible_input = (group > 0).then(|| t(n * d));
        let visible_out = visible_input.as_ref().unwrap_or(&pv);
        let inv_n = 1.0 / n as f32;
        let ops = Ops {
            positive: Matmul::new(gpu, &v0, &w, &ph0, (n, d, h), Layout::Plain, 1.0, 0.0),
            positive_act: Elementwise::bias_act(gpu, &ph0, &c, Act::Sigmoid),
            hidden: Matmul::new(gpu, &vk, &w, &phk, (n, d, h), Layout::Plain, 1.0, 0.0),
            hidden_act: Elementwise::bias_act(gpu, &phk, &c, Act::Sigmoid),
            visible: Matmul::new(
                gpu,
                &hs,
                &w,
                visible_out,
                (n, h, d),
                Layout::TransB,
                1.0,
                0.0,
            ),
            visible_act: Elementwise::bias_act(
                gpu,
                visible_out,
                &b,
                if group > 0 {
                    Act::Identity
                } else {
                    Act::Sigmoid
                },
            ),
            visible_group: visible_input
                .as_ref()
                .map(|input| Elementwise::group_act(gpu, &pv, input, d, group)),
            sample_h: (0..k)
                .map(|_| Elementwise::bernoulli(gpu, &hs, &phk))
                .collect(),
            sample_h_from_data: Elementwise::bernoulli(gpu, &hs, &ph0),
            sample_v: (0..k)
                .map(|_| match group {
                    0 => Elementwise::bernoulli(gpu, &vk, &pv),
                    _ => Elementwise::group_bernoulli(gpu, &vk, &pv, d, group),
                })
                .collect(),
            // ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model, averaged over the batch: d × H.
            grad: [
                Matmul::new(gpu, &v0, &ph0, &dw, (d, n, h), Layout::TransA, inv_n, 0.0),
                Matmul::new(gpu, &vk, &phk, &dw, (d, n, h), Layout::TransA, -inv_n, 1.0),
            ],
            bias_grads: [
                Elementwise::col_sum(gpu, &db, &v0, inv_n, 0.0),
                Elementwise::col_sum(gpu, &db, &vk, -inv_n, 1.0),
                Elementwise::col_sum(gpu, &dc, &ph0, inv_n, 0.0),
                Elementwise::col_sum(gpu, &dc, &phk, -inv_n, 1.0),
            ],
            updates: [
                Elementwise::axpy(gpu, &w, &dw, lr),
                Elementwise::axpy(gpu, &b, &db, lr),
                Elementwise::axpy(gpu, &c, &dc, lr),
            ],
        };
        GpuRbm {
            d,
            h,
            group,
            n,
            k,
            persistent: false,
            w,
            b,
            c,
            v0,
            vk,
            pv,
            started: false,
            ops,
            scored: vec![],
            _scratch: [ph0, phk, hs, dw, db, dc],
            _visible_input: visible_input,
        }
    }

    /// The next batch (n × d values in [0, 1]).
    pub fn set_batch(&self, gpu: &Gpu, batch: &[f32]) {
        assert_eq!(batch.len(), self.n * self.d);
        self.v0.write(gpu, batch);
    }

    /// One CD-k (or PCD-k) update on the current batch, its samples drawn from `rng` in the
    /// order the CPU twin draws them. Submitted, not awaited: nothing is read back.
    pub fn step(&mut self, gpu: &Gpu, rng: &mut CounterRng) {
        // CD restarts the chains at the data; PCD only on its first step.
        let from_data = !self.persistent || !self.started;
        for s in 0..self.k as usize {
            let key = rng.next_key();
            if s == 0 && from_data {
                self.ops.sample_h_from_data.set_key(gpu, key);
            } else {
                self.ops.sample_h[s].set_key(gpu, key);
            }
            self.ops.sample_v[s].set_key(gpu, rng.next_key());
        }
        let mut encoder = gpu
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
        if from_data {
            let bytes = (self.n * self.d * 4) as u64;
            encoder.copy_buffer_to_buffer(&self.v0.buffer, 0, &self.vk.buffer, 0, bytes);
        }
        self.started = true;
        {
            let ops = &self.ops;
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor::default());
            ops.positive.record(&mut pass);
            ops.positive_act.record(&mut pass);
            for s in 0..self.k as usize {
                if s == 0 && from_data {
                    ops.sample_h_from_data.record(&mut pass);
                } else {
                    ops.hidden.record(&mut pass);
                    ops.hidden_act.record(&mut pass);
                    ops.sample_h[s].record(&mut pass);
                }
                ops.visible.record(&mut pass);
                ops.visible_act.record(&mut pass);
                if let Some(op) = &ops.visible_group {
                    op.record(&mut pass);
                }
                ops.sample_v[s].record(&mut pass);
            }
            ops.hidden.record(&mut pass);
            ops.hidden_act.record(&mut pass);
            for op in &ops.grad {
                op.record(&mut pass);
            }
            for op in ops.bias_grads.iter().chain(&ops.updates) {
                op.record(&mut pass);
            }
        }
        gpu.queue.submit([encoder.finish()]);
    }

    /// The learning rate of the next steps.
    pub fn set_learning_rate(&mut self, gpu: &Gpu, lr: f32) {
        for update in &mut self.ops.updates {
            update.set_alpha(gpu, lr);
        }
    }

    /// PCD: continue from these chains (n × d) instead of starting them at the first batch.
    pub fn set_chains(&mut self, gpu: &Gpu, chains: &[f32]) {
        assert_eq!(chains.len(), self.n * self.d);
        self.vk.write(gpu, chains);
        self.started = true;
    }

    /// Keeps image sets (each m × d, values in [0, 1]) on the device: from now on
    /// [`GpuRbm::read_scored`] scores them at the parameters it reads.
    pub fn keep_scored_sets(&mut self, gpu: &Gpu, sets: &[&[f32]]) {
        // `rbm_score.wgsl`'s free energy and reconstructions are a binary layer's.
        assert_eq!(self.group, 0, "scoring an RBM with a softmax group");
        let (d, h) = (self.d, self.h);
        self.scored = sets
            .iter()
            .map(|set| {
                let rows = set.len() / d;
                assert_eq!(set.len(), rows * d);
                let t = |len| Tensor::zeros(gpu, len);
                let (v, hidden, pv) = (Tensor::from_slice(gpu, set), t(rows * h), t(rows * d));
                let (recon, free) = (t(rows), t(rows));
                let uniform = gpu.uniform(&ScoreParams {
                    rows: rows as u32,
                    visible: d as u32,
                    hidden: h as u32,
                    pad: 0,
                });
                let kernel = |entry, buffers: &[&Tensor]| -> Box<dyn Record> {
                    let mut all = vec![&uniform];
                    all.extend(buffers.iter().map(|t| &t.buffer));
                    let source = include_str!("rbm_score.wgsl");
                    Box::new(Dispatch::new(gpu, source, entry, &all, groups_1d(rows)))
                };
                let mm = |a: &Tensor, out: &Tensor, shape, layout| -> Box<dyn Record> {
                    Box::new(Matmul::new(gpu, a, &self.w, out, shape, layout, 1.0, 0.0))
                };
                let ops: Vec<Box<dyn Record>> = vec![
                    mm(&v, &hidden, (rows, d, h), Layout::Plain), // rows × H
                    Box::new(Elementwise::bias_act(gpu, &hidden, &self.c, Act::Identity)),
                    // The hidden input becomes p(h | v) here, beside F(v).
                    kernel("free_energy", &[&hidden, &v, &self.b, &free]),
                    mm(&hidden, &pv, (rows, h, d), Layout::TransB), // rows × d
                    Box::new(Elementwise::bias_act(gpu, &pv, &self.b, Act::Sigmoid)),
                    kernel("squared_error", &[&v, &pv, &recon]),
                ];
                ScoredSet {
                    ops,
                    recon,
                    free,
                    _buffers: [v, hidden, pv],
                    _uniform: uniform,
                }
            })
            .collect();
    }

    /// Parameters (W ‖ b ‖ c, `BatchRbm`'s layout) as `params` and the chains (n × d) as
    /// `extra`, copied at this point of the queue.
    pub fn read(
        &self,
        gpu: &Gpu,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        self.read_with(gpu, false)
    }

    /// [`GpuRbm::read`] with the kept sets scored at the parameters it copies, just before the
    /// copy: [`DeviceScores::losses`] holds each set's summed squared reconstruction error and
    /// summed free energy, set after set.
    pub fn read_scored(
        &self,
        gpu: &Gpu,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        self.read_with(gpu, true)
    }

    fn read_with(
        &self,
        gpu: &Gpu,
        scoring: bool,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        let sets: &[ScoredSet] = if scoring { &self.scored } else { &[] };
        if !sets.is_empty() {
            gpu.run(|pass| {
                sets.iter()
                    .flat_map(|s| &s.ops)
                    .for_each(|op| op.record(pass))
            });
        }
        let mut tensors = vec![&self.w, &self.b, &self.c, &self.vk];
        tensors.extend(sets.iter().flat_map(|s| [&s.recon, &s.free]));
        let read = ReadBack::start(gpu, &tensors);
        let scored = scoring && !sets.is_empty();
        async move {
            let mut parts = read.finish().await?;
            let per_image = parts.split_off(4);
            let extra = parts.pop().unwrap_or_default();
            let scores = scored.then(|| DeviceScores {
                codes: vec![],
                losses: per_image
                    .iter()
                    .map(|v| v.iter().map(|&x| x as f64).sum())
                    .collect(),
            });
            Ok(DeviceCopy {
                params: parts.concat(),
                m: vec![],
                v: vec![],
                t: 0,
                extra,
                scores,
                ..Default::default()
            })
        }
    }

    /// The parameters in `BatchRbm`'s layout (W, b, c).
    pub async fn params(&self, gpu: &Gpu) -> Result<Vec<f32>, GpuError> {
        let mut all = self.w.read(gpu).await?;
        all.extend(self.b.read(gpu).await?);
        all.extend(self.c.read(gpu).await?);
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_rel_diff};
    use genlab_core::dbn::stack::{labelled_cd_step, TopWork};
    use genlab_core::rbm::batched::{BatchRbm, CdWork};
    use genlab_core::rng::Rng;

    fn binary(n: usize, p: f64, rng: &mut Rng) -> Vec<f32> {
        (0..n).map(|_| rng.bernoulli(p) as u8 as f32).collect()
    }

    /// Image sets kept on the device and scored at a read (after training steps queued before
    /// it): each set's summed squared reconstruction error and free energy are the CPU twin's
    /// (`BatchRbm::score_sums`) at the parameters the same read copies — at an odd size and at
    /// the lesson's, sets of unequal size. Measured on lavapipe: 8.8e-8 (relative) at worst;
    /// the bound leaves a margin of 100×.
    #[test]
    fn kept_sets_are_scored_as_on_the_cpu() {
        let gpu = gpu();
        for (d, h, sizes) in [(13, 7, [5, 9]), (784, 256, [500, 300])] {
            let mut rng = Rng::new(8);
            let cpu = BatchRbm::<f32>::new(d, h, &mut rng);
            let mut g = GpuRbm::new(gpu, d, h, &cpu.params, 20, 1, 0.05);
            let sets: Vec<Vec<f32>> = sizes
                .iter()
                .map(|&m| binary(m * d, 0.2, &mut rng))
                .collect();
            g.keep_scored_sets(gpu, &sets.iter().map(|s| &s[..]).collect::<Vec<_>>());
            let mut counter = CounterRng::new(4);
            for _ in 0..3 {
                g.set_batch(gpu, &binary(20 * d, 0.2, &mut rng));
                g.step(gpu, &mut counter);
            }
            let copy = pollster::block_on(g.read_scored(gpu)).unwrap();
            let trained = BatchRbm {
                d,
                h,
                params: copy.params,
            };
            let got = copy.scores.expect("a scored read").losses;
            let want: Vec<f64> = sets
                .iter()
                .flat_map(|v| {
                    let (recon, free) = trained.score_sums(v, v.len() / d);
                    [recon, free]
                })
                .collect();
            let worst = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs() / b.abs().max(1.0))
                .fold(0.0, f64::max);
            eprintln!("d = {d}, H = {h}: {got:?} vs {want:?}, worst {worst:e}");
            assert_eq!(got.len(), 4);
            assert!(worst < 1e-5, "d = {d}, H = {h}: {got:?} vs {want:?}");
            // A plain read scores nothing.
            assert_eq!(pollster::block_on(g.read(gpu)).unwrap().scores, None);
        }
    }

    /// Both paths from the same parameters, batches and generator, step by step: parameters,
    /// chains and reconstructions agree to f32 rounding while no sample flips. `group` > 0:
    /// the last `group` visible units are a softmax group (the batch one-hot there), and the
    /// CPU twin is the DBN's labelled step.
    fn compare(
        (d, h, group): (usize, usize, usize),
        n: usize,
        k: u32,
        persistent: bool,
        steps: usize,
    ) -> usize {
        let gpu = gpu();
        let mut rng = Rng::new(3);
        let mut cpu = BatchRbm::<f32>::new(d, h, &mut rng);
        cpu.params
            .iter_mut()
            .skip(d * h)
            .for_each(|p| *p = 0.3 * rng.normal() as f32);
        let lr = 0.1;
        let mut g = GpuRbm::grouped(gpu, d, h, group, &cpu.params, n, k, lr);
        g.persistent = persistent;
        let (mut cpu_rng, mut gpu_rng) = (CounterRng::new(11), CounterRng::new(11));
        let mut work = CdWork::default();
        let mut top_work = TopWork::default();
        let mut chains = persistent.then(Vec::new);
        let mut flips = 0;
        for step in 0..steps {
            let mut batch = binary(n * d, 0.3, &mut rng);
            for (r, row) in batch.chunks_exact_mut(d).enumerate() {
                let labels = &mut row[d - group..];
                labels.fill(0.0);
                if group > 0 {
                    labels[(r * 7 + step) % group] = 1.0;
                }
            }
            if group == 0 {
                let c = chains.as_mut();
                cpu.cd_step(&batch, k, lr as f64, c, &mut cpu_rng, &mut work);
            } else {
                labelled_cd_step(
                    &mut cpu,
                    group,
                    &batch,
                    k,
                    lr as f64,
                    chains.as_mut(),
                    &mut cpu_rng,
                    &mut top_work,
                );
            }
            g.set_batch(gpu, &batch);
            g.step(gpu, &mut gpu_rng);
            let vk = g.vk.read_blocking(gpu);
            let (cpu_chain, cpu_pv) = match group {
                0 => (work_chain(&work), work_pv(&work)),
                _ => (top_work.chain().to_vec(), top_work.probs().to_vec()),
            };
            let cpu_vk = chains.clone().unwrap_or(cpu_chain);
            flips += vk.iter().zip(&cpu_vk).filter(|(a, b)| a != b).count();
            if flips == 0 {
                let params = pollster::block_on(g.params(gpu)).unwrap();
                let diff = max_rel_diff(&params, &cpu.params);
                assert!(
                    diff < 1e-5,
                    "{d}×{h} n={n} k={k} step {step}: parameters differ by {diff}"
                );
                let diff = max_rel_diff(&g.pv.read_blocking(gpu), &cpu_pv);
                assert!(diff < 1e-5, "step {step}: reconstructions differ by {diff}");
            }
        }
        flips
    }

    fn work_chain(work: &CdWork<f32>) -> Vec<f32> {
        work.chain().to_vec()
    }

    fn work_pv(work: &CdWork<f32>) -> Vec<f32> {
        work.reconstruction().to_vec()
    }

    #[test]
    fn cd_and_pcd_steps_match_the_cpu_twin() {
        // Small odd sizes: tens of steps without a single flipped sample.
        assert_eq!(compare((13, 7, 0), 5, 1, false, 20), 0);
        assert_eq!(compare((13, 7, 0), 5, 3, true, 20), 0);
        assert_eq!(compare((6, 2, 0), 4, 1, false, 50), 0);
    }

    /// The DBN's labelled top RBM: binary units and one softmax group of labels per row.
    #[test]
    fn labelled_steps_match_the_dbn_twin() {
        assert_eq!(compare((13, 7, 4), 5, 1, false, 20), 0);
        assert_eq!(compare((13, 7, 4), 5, 3, true, 20), 0);
        assert_eq!(compare((21, 9, 10), 6, 5, false, 20), 0);
    }

    #[test]
    fn an_mnist_sized_step_matches_the_cpu_twin() {
        // 784 × 100 with 64 images: ~10⁵ samples a step; a flip needs a uniform within ~10⁻⁷ of
        // its probability, so a few steps stay exact.
        let flips = compare((784, 100, 0), 64, 1, false, 3);
        assert!(flips <= 2, "{flips} samples flipped in 3 steps");
    }
}
