//! The DBN lesson's greedy autoencoder of one layer on the GPU: the batch passed up through the
//! frozen autoencoders below (their codes σ(vW + c), as `genlab_core::dbn::stack::pass_up` with
//! probabilities), then one plain gradient step of the tied layer — code h = σ(vW + c),
//! reconstruction σ(hWᵀ + b), mean cross-entropy — as `genlab_core::dbn::autoencoder::sgd_step`,
//! its CPU twin. Built once per layer; the host hands it the raw batch of digits.

use crate::elementwise::{Act, Elementwise};
use crate::matmul::{Layout, Matmul};
use crate::tensor::ReadBack;
use crate::{groups_1d, Dispatch, Gpu, GpuError, Record, Tensor};
use genlab_core::device::DeviceCopy;

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    rows: u32,
    cols: u32,
    pad: [u32; 2],
}

pub struct GpuStackedAe {
    /// The training layer's visible and hidden widths.
    pub d: usize,
    pub h: usize,
    /// Images per step.
    pub n: usize,
    /// The digits of the step (n × 784; write them with [`GpuStackedAe::set_batch`]), then the
    /// frozen layers' codes.
    acts: Vec<Tensor>,
    w: Tensor,
    b: Tensor,
    c: Tensor,
    /// Each row's loss at the last step, before its update.
    row_loss: Tensor,
    ops: Vec<Box<dyn Record>>,
    /// The learning-rate updates (W, b, c), last in `ops`' order but kept apart to set −η.
    updates: [Elementwise; 3],
    lr: f32,
    // The frozen layers' tensors and the step's scratch, kept alive for the bind groups.
    _kept: Vec<Tensor>,
    _uniform: wgpu::Buffer,
}

impl GpuStackedAe {
    /// `layers`: each autoencoder's parameters (W ‖ b ‖ c, an RBM's layout) with its widths,
    /// bottom up; the last one trains, the others are frozen. Batches of `n`.
    pub fn new(gpu: &Gpu, layers: &[(usize, usize, &[f32])], n: usize) -> Self {
        let t = |len| Tensor::zeros(gpu, len);
        let mut kept = vec![];
        let mut ops: Vec<Box<dyn Record>> = vec![];
        let (&(d, h, params), frozen) = layers.split_last().expect("a training layer");
        // The digits, then each frozen layer's codes (n × H) from the ones below: the training
        // layer's input is the last.
        let acts: Vec<Tensor> = std::iter::once(layers[0].0)
            .chain(frozen.iter().map(|&(_, fh, _)| fh))
            .map(|width| t(n * width))
            .collect();
        for (i, &(fd, fh, p)) in frozen.iter().enumerate() {
            assert_eq!(p.len(), fd * fh + fd + fh);
            let (w, c) = (
                Tensor::from_slice(gpu, &p[..fd * fh]),
                Tensor::from_slice(gpu, &p[fd * fh + fd..]),
            );
            let (below, codes) = (&acts[i], &acts[i + 1]);
            ops.push(Box::new(Matmul::new(
                gpu,
                below,
                &w,
                codes,
                (n, fd, fh),
                Layout::Plain,
                1.0,
                0.0,
            )));
            ops.push(Box::new(Elementwise::bias_act(
                gpu,
                codes,
                &c,
                Act::Sigmoid,
            )));
            kept.extend([w, c]);
        }
        assert_eq!(params.len(), d * h + d + h);
        let v = acts.last().expect("the digits at least");
        let w = Tensor::from_slice(gpu, &params[..d * h]);
        let b = Tensor::from_slice(gpu, &params[d * h..d * h + d]);
        let c = Tensor::from_slice(gpu, &params[d * h + d..]);
        let (codes, recon, d_pre) = (t(n * h), t(n * d), t(n * h));
        let (gw, gb, gc, row_loss) = (t(d * h), t(d), t(h), t(n));
        let uniform = gpu.uniform(&Params {
            rows: n as u32,
            cols: d as u32,
            pad: [0; 2],
        });
        let kernel = |entry, out: &Tensor, groups| -> Box<dyn Record> {
            let buffers = [&uniform, &out.buffer, &recon.buffer, &v.buffer];
            let source = include_str!("dbn_ae.wgsl");
            Box::new(Dispatch::new(gpu, source, entry, &buffers, groups))
        };
        let mm = |a: &Tensor, b: &Tensor, out: &Tensor, shape, layout, alpha, beta| {
            Box::new(Matmul::new(gpu, a, b, out, shape, layout, alpha, beta)) as Box<dyn Record>
        };
        let inv_n = 1.0 / n as f32;
        ops.extend([
            mm(v, &w, &codes, (n, d, h), Layout::Plain, 1.0, 0.0), // n × H
            Box::new(Elementwise::bias_act(gpu, &codes, &c, Act::Sigmoid)),
            mm(&codes, &w, &recon, (n, h, d), Layout::TransB, 1.0, 0.0), // n × d
            Box::new(Elementwise::bias_act(gpu, &recon, &b, Act::Identity)),
            kernel("row_loss", &row_loss, groups_1d(n)),
        ]);
        // The residual σ(x) − v is written into its own tensor: `residual` reads the inputs.
        let d_x = t(n * d);
        ops.extend([
            kernel("residual", &d_x, groups_1d(n * d)),
            // Decoder: dW = d_xᵀ h / n; encoder: d_pre = (d_x W) ⊙ h(1 − h), dW += vᵀ d_pre / n.
            mm(&d_x, &codes, &gw, (d, n, h), Layout::TransA, inv_n, 0.0), // d × H
            mm(&d_x, &w, &d_pre, (n, d, h), Layout::Plain, 1.0, 0.0),     // n × H
            Box::new(Elementwise::act_backward(gpu, &d_pre, &codes, Act::Sigmoid)),
            mm(v, &d_pre, &gw, (d, n, h), Layout::TransA, inv_n, 1.0),
            Box::new(Elementwise::col_sum(gpu, &gb, &d_x, inv_n, 0.0)),
            Box::new(Elementwise::col_sum(gpu, &gc, &d_pre, inv_n, 0.0)),
        ]);
        let updates = [
            Elementwise::axpy(gpu, &w, &gw, 0.0),
            Elementwise::axpy(gpu, &b, &gb, 0.0),
            Elementwise::axpy(gpu, &c, &gc, 0.0),
        ];
        kept.extend([codes, recon, d_pre, gw, gb, gc, d_x]);
        GpuStackedAe {
            d,
            h,
            n,
            acts,
            w,
            b,
            c,
            row_loss,
            ops,
            updates,
            lr: 0.0,
            _kept: kept,
            _uniform: uniform,
        }
    }

    /// The step's digits (n × 784, values in [0, 1]).
    pub fn set_batch(&self, gpu: &Gpu, x: &[f32]) {
        assert_eq!(x.len(), self.acts[0].len);
        self.acts[0].write(gpu, x);
    }

    /// One gradient step at rate `lr` on the current batch: submitted, not awaited.
    pub fn step(&mut self, gpu: &Gpu, lr: f32) {
        if lr != self.lr {
            self.updates.iter_mut().for_each(|u| u.set_alpha(gpu, -lr));
            self.lr = lr;
        }
        gpu.run(|pass| {
            self.ops.iter().for_each(|op| op.record(pass));
            self.updates.iter().for_each(|op| op.record(pass));
        });
    }

    /// The training layer's parameters (W ‖ b ‖ c) and, in `sums`, the last step's mean loss
    /// (its rows summed in f64), copied at this point of the queue.
    pub fn read(
        &self,
        gpu: &Gpu,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        let read = ReadBack::start(gpu, &[&self.w, &self.b, &self.c, &self.row_loss]);
        let n = self.n;
        async move {
            let mut parts = read.finish().await?;
            let rows = parts.pop().unwrap_or_default();
            let loss = rows.iter().map(|&l| l as f64).sum::<f64>() / n as f64;
            Ok(DeviceCopy {
                params: parts.concat(),
                sums: vec![loss],
                ..Default::default()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_rel_diff};
    use genlab_core::dbn::autoencoder::{sgd_step, AeWork};
    use genlab_core::dbn::stack::pass_up;
    use genlab_core::dbn::PassUp;
    use genlab_core::rbm::batched::BatchRbm;
    use genlab_core::rng::Rng;

    /// The stacked step against the CPU's pass up and `sgd_step`, for a first layer, one with
    /// one frozen layer below and one with two, odd widths, 8 steps on fresh binary batches:
    /// the parameters and the loss stay within f32 rounding of the CPU's (measured on lavapipe:
    /// 6.0e-8 and 6.7e-8 relative).
    #[test]
    fn stacked_steps_match_the_cpu_twin() {
        let gpu = gpu();
        let mut rng = Rng::new(5);
        for widths in [&[13usize, 7][..], &[13, 9, 5], &[784, 30, 20, 11]] {
            let mut layers: Vec<BatchRbm<f32>> = widths
                .windows(2)
                .map(|w| {
                    let mut l = BatchRbm::<f32>::new(w[0], w[1], &mut rng);
                    let (d, h) = (w[0], w[1]);
                    // Weights at a trained scale, so the codes are not all ½.
                    l.params[..d * h]
                        .iter_mut()
                        .for_each(|p| *p = 0.3 * rng.normal() as f32);
                    l
                })
                .collect();
            let n = 17;
            let shapes: Vec<(usize, usize, &[f32])> =
                layers.iter().map(|l| (l.d, l.h, &l.params[..])).collect();
            let mut g = GpuStackedAe::new(gpu, &shapes, n);
            let (top, frozen) = layers.split_last_mut().unwrap();
            let mut work = AeWork::default();
            let mut worst = (0.0f32, 0.0f64);
            for step in 0..8 {
                let x: Vec<f32> = (0..n * widths[0])
                    .map(|_| rng.bernoulli(0.3) as u8 as f32)
                    .collect();
                let codes = pass_up(frozen, &x, PassUp::Probabilities, &mut Rng::new(0));
                let loss = sgd_step(top, &codes, 0.1, &mut work);
                g.set_batch(gpu, &x);
                g.step(gpu, 0.1);
                let copy = pollster::block_on(g.read(gpu)).unwrap();
                let diff = max_rel_diff(&copy.params, &top.params);
                let loss_diff = (copy.sums[0] - loss).abs() / loss.abs();
                worst = (worst.0.max(diff), worst.1.max(loss_diff));
                assert!(diff < 1e-5, "{widths:?} step {step}: parameters {diff}");
                assert!(loss_diff < 1e-5, "{widths:?} step {step}: loss {loss_diff}");
            }
            eprintln!("{widths:?}: parameters {:e}, loss {:e}", worst.0, worst.1);
        }
    }
}
