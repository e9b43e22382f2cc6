//! The DBN's generator on the GPU: chains of the top RBM, each with its label held, one Gibbs
//! step per training step — h ~ p(h | v), v ~ p(v | h) with the labels' units given their own
//! values (`dbn_generator.wgsl`) — drawn by the counter generator. CPU twin:
//! `genlab_core::dbn::stack::Generator::step`. The host reads the chains and the step's
//! p(v | h) back and passes the pictures down itself.

use genlab_core::device::DeviceCopy;
use genlab_core::rng::CounterRng;

use crate::elementwise::{Act, Elementwise};
use crate::matmul::{Layout, Matmul};
use crate::tensor::ReadBack;
use crate::{groups_1d, Dispatch, Gpu, GpuError, Record, Tensor};

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    rows: u32,
    cols: u32,
    group: u32,
    pad: u32,
}

pub struct GpuGenerator {
    pub d: usize,
    pub h: usize,
    w: Tensor,
    b: Tensor,
    c: Tensor,
    /// The chains (n × d), labels last.
    chains: Tensor,
    /// p(v | h) of the last step, the labels' units the chains' own (n × d).
    pv: Tensor,
    /// p(h | v), then (after the hidden draw) p(v | h).
    up: Vec<Box<dyn Record>>,
    down: Vec<Box<dyn Record>>,
    sample_h: Elementwise,
    sample_v: Elementwise,
    hold: Option<Dispatch>,
    _kept: [Tensor; 2],
    _uniform: wgpu::Buffer,
}

impl GpuGenerator {
    /// The top RBM (d × H, its last `group` visible units the labels; W ‖ b ‖ c) and the
    /// chains to continue (n × d).
    pub fn new(
        gpu: &Gpu,
        (d, h, group): (usize, usize, usize),
        top: &[f32],
        chains: &[f32],
    ) -> Self {
        assert_eq!(top.len(), d * h + d + h);
        let n = chains.len() / d;
        assert_eq!(chains.len(), n * d);
        let t = |len| Tensor::zeros(gpu, len);
        let (w, b, c) = (t(d * h), t(d), t(h));
        let (ph, hs, pv) = (t(n * h), t(n * h), t(n * d));
        let chains = Tensor::from_slice(gpu, chains);
        let uniform = gpu.uniform(&Params {
            rows: n as u32,
            cols: d as u32,
            group: group as u32,
            pad: 0,
        });
        let hold = (group > 0).then(|| {
            Dispatch::new(
                gpu,
                include_str!("dbn_generator.wgsl"),
                "hold_labels",
                &[&uniform, &pv.buffer, &chains.buffer],
                groups_1d(n * group),
            )
        });
        let up: Vec<Box<dyn Record>> = vec![
            Box::new(Matmul::new(
                gpu,
                &chains,
                &w,
                &ph,
                (n, d, h),
                Layout::Plain,
                1.0,
                0.0,
            )),
            Box::new(Elementwise::bias_act(gpu, &ph, &c, Act::Sigmoid)),
        ];
        let sample_h = Elementwise::bernoulli(gpu, &hs, &ph);
        let down: Vec<Box<dyn Record>> = vec![
            Box::new(Matmul::new(
                gpu,
                &hs,
                &w,
                &pv,
                (n, h, d),
                Layout::TransB,
                1.0,
                0.0,
            )),
            Box::new(Elementwise::bias_act(gpu, &pv, &b, Act::Sigmoid)),
        ];
        let sample_v = Elementwise::bernoulli(gpu, &chains, &pv);
        let mut generator = GpuGenerator {
            d,
            h,
            w,
            b,
            c,
            chains,
            pv,
            up,
            down,
            sample_h,
            sample_v,
            hold,
            _kept: [ph, hs],
            _uniform: uniform,
        };
        generator.set_top(gpu, top);
        generator
    }

    /// The top's parameters the next steps use.
    pub fn set_top(&mut self, gpu: &Gpu, top: &[f32]) {
        let (d, h) = (self.d, self.h);
        assert_eq!(top.len(), d * h + d + h);
        self.w.write(gpu, &top[..d * h]);
        self.b.write(gpu, &top[d * h..d * h + d]);
        self.c.write(gpu, &top[d * h + d..]);
    }

    /// One Gibbs step, its two draws keyed from `rng`: submitted, not awaited.
    pub fn step(&mut self, gpu: &Gpu, rng: &mut CounterRng) {
        self.sample_h.set_key(gpu, rng.next_key());
        self.sample_v.set_key(gpu, rng.next_key());
        gpu.run(|pass| {
            self.up.iter().for_each(|op| op.record(pass));
            self.sample_h.record(pass);
            self.down.iter().for_each(|op| op.record(pass));
            if let Some(hold) = &self.hold {
                hold.record(pass);
            }
            self.sample_v.record(pass);
        });
    }

    /// The chains in `extra` and the last step's p(v | h) in `params` (both n × d), copied at
    /// this point of the queue.
    pub fn read(
        &self,
        gpu: &Gpu,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        let read = ReadBack::start(gpu, &[&self.pv, &self.chains]);
        async move {
            let mut parts = read.finish().await?;
            let extra = parts.pop().unwrap_or_default();
            Ok(DeviceCopy {
                params: parts.pop().unwrap_or_default(),
                extra,
                ..Default::default()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_rel_diff};
    use genlab_core::dbn::stack::{Generator, LABELS};
    use genlab_core::rbm::batched::BatchRbm;
    use genlab_core::rng::Rng;

    /// Chains of a labelled top and of an unlabelled one, stepped on the GPU and by
    /// `Generator::step` from the same draws: the chains bit for bit while no sample flips,
    /// p(v | h) to f32 rounding, the labels held.
    #[test]
    fn generator_steps_match_the_cpu_twin() {
        let gpu = gpu();
        let mut rng = Rng::new(6);
        for tail in [LABELS, 0] {
            let (d, h) = (23 + tail, 17);
            let mut top = BatchRbm::<f32>::new(d, h, &mut rng);
            top.params
                .iter_mut()
                .for_each(|p| *p = 0.6 * rng.normal() as f32);
            let (mut cpu_rng, mut gpu_rng) = (CounterRng::new(9), CounterRng::new(9));
            let mut cpu = Generator::new(d, tail, 3, &mut cpu_rng);
            let _ = gpu_rng.next_key(); // the chains' first draw, made on the host
            let mut g = GpuGenerator::new(gpu, (d, h, tail), &top.params, &cpu.chains);
            for step in 0..10 {
                cpu.step(&top, tail, &mut cpu_rng);
                g.step(gpu, &mut gpu_rng);
                let copy = pollster::block_on(g.read(gpu)).unwrap();
                assert_eq!(copy.extra, cpu.chains, "tail {tail}, step {step}: chains");
                let binary: Vec<f32> = copy
                    .params
                    .chunks_exact(d)
                    .flat_map(|row| row[..d - tail].to_vec())
                    .collect();
                assert!(max_rel_diff(&binary, &cpu.probs) < 1e-5, "step {step}");
            }
            for (r, row) in cpu.chains.chunks_exact(d).enumerate() {
                assert!(row[d - tail..]
                    .iter()
                    .enumerate()
                    .all(|(k, &u)| u == (k == r / 3) as u8 as f32));
            }
        }
    }
}
