//! Adam on the GPU (`adam.wgsl`), one op per parameter block. CPU twin:
//! `genlab_core::nn::Optimizer::<f32>` with `OptimizerKind::Adam`.

use genlab_core::nn::Optimizer;

use genlab_core::device::DeviceCopy;

use crate::tensor::ReadBack;
use crate::{groups_1d, Dispatch, Gpu, GpuError, Record, Tensor};

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    n: u32,
    pad: [u32; 3],
    lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    bc1: f32,
    bc2: f32,
    pad2: [f32; 2],
}

/// Adam's state for one parameter tensor: its moments, bound with the tensor and its gradient.
pub struct Adam {
    dispatch: Dispatch,
    uniform: wgpu::Buffer,
    params: Params,
    pub m: Tensor,
    pub v: Tensor,
    /// Steps taken (the bias corrections' t).
    pub t: u64,
    beta1: f64,
    beta2: f64,
}

impl Adam {
    /// With the constants of `config` (a CPU `Optimizer`, whose moments are not copied).
    pub fn new(gpu: &Gpu, p: &Tensor, g: &Tensor, config: &Optimizer<f32>) -> Adam {
        assert_eq!(p.len, g.len);
        let (m, v) = (Tensor::zeros(gpu, p.len), Tensor::zeros(gpu, p.len));
        let params = Params {
            n: p.len as u32,
            pad: [0; 3],
            lr: 0.0,
            beta1: config.beta1 as f32,
            beta2: config.beta2 as f32,
            eps: config.eps as f32,
            bc1: 1.0,
            bc2: 1.0,
            pad2: [0.0; 2],
        };
        let uniform = gpu.uniform(&params);
        let dispatch = Dispatch::new(
            gpu,
            include_str!("adam.wgsl"),
            "main",
            &[&uniform, &p.buffer, &g.buffer, &m.buffer, &v.buffer],
            groups_1d(p.len),
        );
        Adam {
            dispatch,
            uniform,
            params,
            m,
            v,
            t: 0,
            beta1: config.beta1,
            beta2: config.beta2,
        }
    }

    /// Counts a step and sets its learning rate and bias corrections (βᵗ through libm, as the
    /// CPU optimiser); then [`Adam::record`] it.
    pub fn prepare(&mut self, gpu: &Gpu, lr: f64) {
        self.t += 1;
        self.params.lr = lr as f32;
        self.params.bc1 = (1.0 - libm::pow(self.beta1, self.t as f64)) as f32;
        self.params.bc2 = (1.0 - libm::pow(self.beta2, self.t as f64)) as f32;
        gpu.write_uniform(&self.uniform, &self.params);
    }
}

/// Adam for each parameter block (`params[i]` with gradient `grads[i]`), continuing `opt`'s run:
/// its constants, its moments (the blocks' concatenation, in order) and its step count.
pub fn continue_run(
    gpu: &Gpu,
    params: &[Tensor],
    grads: &[Tensor],
    opt: &Optimizer<f32>,
) -> Vec<Adam> {
    let (m, v, t) = opt.moments();
    let mut at = 0;
    params
        .iter()
        .zip(grads)
        .map(|(p, g)| {
            let mut adam = Adam::new(gpu, p, g, opt);
            adam.m.write(gpu, &m[at..at + p.len]);
            adam.v.write(gpu, &v[at..at + p.len]);
            adam.t = t;
            at += p.len;
            adam
        })
        .collect()
}

/// Starts copying the parameter blocks and their Adam moments back, then `extra` tensors; the
/// copy has the blocks concatenated in order (a CPU model's layout) and no sums, the extra
/// tensors come beside it. With no `adam` the copy holds the parameters alone, marked
/// [`DeviceCopy::view_only`].
pub fn read_run(
    gpu: &Gpu,
    params: &[Tensor],
    adam: &[Adam],
    extra: &[&Tensor],
) -> impl std::future::Future<Output = Result<(DeviceCopy, Vec<Vec<f32>>), GpuError>> + 'static {
    let mut tensors: Vec<&Tensor> = params.iter().collect();
    tensors.extend(adam.iter().map(|a| &a.m));
    tensors.extend(adam.iter().map(|a| &a.v));
    tensors.extend(extra);
    let read = ReadBack::start(gpu, &tensors);
    let (blocks, moments) = (params.len(), adam.len());
    let t = adam.first().map_or(0, |a| a.t);
    async move {
        let mut parts = read.finish().await?;
        let extra = parts.split_off(blocks + 2 * moments);
        let cat = |range: std::ops::Range<usize>| parts[range].concat();
        let copy = DeviceCopy {
            params: cat(0..blocks),
            m: cat(blocks..blocks + moments),
            v: cat(blocks + moments..blocks + 2 * moments),
            t,
            view_only: moments == 0,
            ..Default::default()
        };
        Ok((copy, extra))
    }
}

impl Record for Adam {
    fn record(&self, pass: &mut wgpu::ComputePass<'_>) {
        self.dispatch.record(pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_rel_diff, random};
    use genlab_core::nn::OptimizerKind;

    #[test]
    fn adam_steps_match_the_cpu_optimiser() {
        let gpu = gpu();
        for n in [1, 13, 70_001] {
            let mut params = random(n, 1);
            let (tp, tg) = (Tensor::from_slice(gpu, &params), Tensor::zeros(gpu, n));
            let mut cpu = Optimizer::<f32>::new(OptimizerKind::Adam, n, 0.9);
            cpu.eps = 1e-7; // as the VAE lesson sets it
            let mut adam = Adam::new(gpu, &tp, &tg, &cpu);
            for step in 0..5u64 {
                let grad = random(n, 10 + step);
                cpu.step(&mut params, &grad, 0.01);
                tg.write(gpu, &grad);
                adam.prepare(gpu, 0.01);
                gpu.run(|pass| adam.record(pass));
                let diff = max_rel_diff(&tp.read_blocking(gpu), &params);
                assert!(diff < 1e-6, "n = {n}, step {step}: {diff}");
            }
        }
    }
}
