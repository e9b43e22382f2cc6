//! The adversarial autoencoder's discriminator on the GPU: its three dense layers (leaky ReLU)
//! through the matmul and element-wise kernels, the two phases' logit gradients and the
//! encoder's pull through `discriminator.wgsl`, Adam through `adam.wgsl`. The CPU twin is
//! `genlab_core::wae::discriminator::Discriminator` (in f64; this one is f32): the same
//! regularisation step on the same prior samples and codes, and the same ∂(−log D(z))/∂z.
//!
//! One batch of 2B input rows serves both phases — the B prior samples, then the B codes
//! (copied on the device from the encoder's output); the host writes the prior's rows and the
//! label columns of a discriminator that reads the label.

use genlab_core::nn::mlp::Activation;
use genlab_core::nn::{Optimizer, OptimizerKind};
use genlab_core::wae::discriminator::{Discriminator, LABELS};

use crate::adam::Adam;
use crate::autoencoder::dense_forward;
use crate::elementwise::{Act, Elementwise};
use crate::matmul::{Layout, Matmul};
use crate::{groups_1d, Dispatch, Gpu, GpuError, Record, Tensor};

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    rows: u32,
    width: u32,
    lambda: f32,
    pad: u32,
}

pub struct GpuDiscriminator {
    rows: usize,
    width: usize,
    labelled: bool,
    /// The 2B input rows: the prior's samples, then the codes.
    input: Tensor,
    /// The Mlp's blocks in its order: W₁, b₁, W₂, b₂, W₃, b₃.
    params: Vec<Tensor>,
    adam: Vec<Adam>,
    forward: Vec<Box<dyn Record>>,
    copy_codes: Dispatch,
    /// The regularisation phase after a forward pass: its loss, its logit gradient and the
    /// parameters' gradients.
    train: Vec<Box<dyn Record>>,
    /// The generator phase after a forward pass: its logit gradient, back to the input rows,
    /// and λ times their z columns into the encoder's ∂L/∂code.
    fool: Vec<Box<dyn Record>>,
    lambda_uniform: wgpu::Buffer,
    lambda_params: Params,
    /// The last regularisation step's mean cross-entropy (one value).
    pub loss: Tensor,
    _buffers: Vec<Tensor>,
}

impl GpuDiscriminator {
    /// A twin of `disc` (weights and Adam's state) for batches of `rows` codes read from
    /// `codes` (rows × 2); the generator phase writes λ ∂(−log D)/∂z into `d_code` (rows × 2).
    pub fn new(
        gpu: &Gpu,
        disc: &Discriminator,
        rows: usize,
        codes: &Tensor,
        d_code: &Tensor,
        lambda: f64,
    ) -> GpuDiscriminator {
        let sizes = &disc.mlp.sizes;
        assert_eq!(sizes.len(), 4, "two hidden layers and one logit");
        assert_eq!(disc.mlp.act, Activation::LeakyRelu);
        let width = sizes[0];
        let t = |len: usize| Tensor::zeros(gpu, len);
        let mut blocks = Vec::new();
        let mut at = 0;
        for w in sizes.windows(2) {
            blocks.push((at, w[0] * w[1]));
            blocks.push((at + w[0] * w[1], w[1]));
            at += w[0] * w[1] + w[1];
        }
        let f32s = |v: &[f64]| -> Vec<f32> { v.iter().map(|&x| x as f32).collect() };
        let params: Vec<Tensor> = blocks
            .iter()
            .map(|&(at, len)| Tensor::from_slice(gpu, &f32s(&disc.mlp.params[at..at + len])))
            .collect();
        let grads: Vec<Tensor> = blocks.iter().map(|&(_, len)| t(len)).collect();
        // The f64 optimiser's constants and state, in f32.
        let cpu = disc.optimizer();
        let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, disc.mlp.n_params(), cpu.beta1);
        (opt.beta2, opt.eps) = (cpu.beta2, cpu.eps);
        let (m, v, steps) = cpu.moments();
        opt.set_moments(f32s(m), f32s(v), steps);
        let adam = crate::adam::continue_run(gpu, &params, &grads, &opt);

        let n = 2 * rows;
        let input = t(n * width);
        let d_input = t(n * width);
        // h[0], h[1]: the hidden layers' outputs; h[2] the logits (then their gradient).
        let h: Vec<Tensor> = sizes[1..].iter().map(|&w| t(n * w)).collect();
        let d: Vec<Tensor> = sizes[1..3].iter().map(|&w| t(n * w)).collect();
        let loss = t(1);
        let mm = |a: &Tensor, b: &Tensor, c: &Tensor, shape, layout| -> Box<dyn Record> {
            Box::new(Matmul::new(gpu, a, b, c, shape, layout, 1.0, 0.0))
        };
        let values = Params {
            rows: rows as u32,
            width: width as u32,
            lambda: lambda as f32,
            pad: 0,
        };
        let uniform = gpu.uniform(&values);
        // Each entry point binds the buffers it uses, in its comment's order.
        let kernel = |entry: &str, buffers: &[&Tensor], threads: usize| {
            let mut all = vec![&uniform];
            all.extend(buffers.iter().map(|t| &t.buffer));
            Dispatch::new(
                gpu,
                include_str!("discriminator.wgsl"),
                entry,
                &all,
                groups_1d(threads),
            )
        };
        let x_of = |i: usize| if i == 0 { &input } else { &h[i - 1] };
        let mut forward: Vec<Box<dyn Record>> = Vec::new();
        for i in 0..3 {
            let (n_in, n_out) = (sizes[i], sizes[i + 1]);
            let act = if i < 2 { Act::LeakyRelu } else { Act::Identity };
            let params = (&params[2 * i], &params[2 * i + 1]);
            let shape = (n, n_in, n_out); // 2B × n_out
            forward.extend(dense_forward(
                gpu,
                params,
                (x_of(i), &h[i]),
                shape,
                Layout::Plain,
                act,
            ));
        }
        // Backward from the logits' gradient in h[2]: the parameters' gradients (`train`), or
        // the input rows' (`fool`).
        let backward = |to_params: bool| -> Vec<Box<dyn Record>> {
            let mut ops: Vec<Box<dyn Record>> = Vec::new();
            for i in (0..3).rev() {
                let (n_in, n_out) = (sizes[i], sizes[i + 1]);
                let dy = if i == 2 { &h[2] } else { &d[i] };
                if i < 2 {
                    ops.push(Box::new(Elementwise::act_backward(
                        gpu,
                        dy,
                        &h[i],
                        Act::LeakyRelu,
                    )));
                }
                if to_params {
                    ops.push(mm(
                        x_of(i),
                        dy,
                        &grads[2 * i],
                        (n_in, n, n_out),
                        Layout::TransA,
                    )); // n_in × n_out
                    ops.push(Box::new(Elementwise::col_sum(
                        gpu,
                        &grads[2 * i + 1],
                        dy,
                        1.0,
                        0.0,
                    )));
                }
                let d_in = if i == 0 { &d_input } else { &d[i - 1] };
                if i > 0 || !to_params {
                    ops.push(mm(
                        dy,
                        &params[2 * i],
                        d_in,
                        (n, n_out, n_in),
                        Layout::TransB,
                    )); // 2B × n_in
                }
            }
            ops
        };
        let mut train: Vec<Box<dyn Record>> = vec![
            Box::new(kernel("train_loss", &[&h[2], &loss], 1)),
            Box::new(kernel("train_grad", &[&h[2]], n)),
        ];
        train.extend(backward(true));
        let mut fool: Vec<Box<dyn Record>> = vec![Box::new(kernel("fool_grad", &[&h[2]], n))];
        fool.extend(backward(false));
        fool.push(Box::new(kernel("code_grad", &[d_code, &d_input], 2 * rows)));
        let copy_codes = kernel("copy_codes", &[&input, codes], 2 * rows);
        let mut buffers = grads;
        buffers.extend(h);
        buffers.extend(d);
        buffers.push(d_input);
        GpuDiscriminator {
            rows,
            width,
            labelled: disc.labelled,
            input,
            params,
            adam,
            forward,
            copy_codes,
            train,
            fool,
            lambda_uniform: uniform,
            lambda_params: values,
            loss,
            _buffers: buffers,
        }
    }

    /// Writes a step's input rows: the prior's samples `prior` (B × 2) and, for a discriminator
    /// that reads it, every row's one-hot label (`labels`: the prior's rows' and the codes'
    /// alike, as the lesson draws the supervised prior per class). The codes' z columns are
    /// left for [`GpuDiscriminator::record_copy_codes`].
    pub fn write_rows(&self, gpu: &Gpu, prior: &[f32], labels: &[u8]) {
        let (b, w) = (self.rows, self.width);
        let mut rows = vec![0.0f32; 2 * b * w];
        for r in 0..2 * b {
            if r < b {
                rows[r * w..r * w + 2].copy_from_slice(&prior[2 * r..2 * r + 2]);
            }
            if self.labelled {
                let y = labels.get(r % b).copied().unwrap_or(0) as usize;
                rows[r * w + 2 + y.min(LABELS - 1)] = 1.0;
            }
        }
        self.input.write(gpu, &rows);
    }

    /// The generator phase's weight λ from the next step on.
    pub fn set_lambda(&mut self, gpu: &Gpu, lambda: f64) {
        self.lambda_params.lambda = lambda as f32;
        gpu.write_uniform(&self.lambda_uniform, &self.lambda_params);
    }

    /// Counts a regularisation step at learning rate `lr` (before the pass that records it).
    pub fn prepare(&mut self, gpu: &Gpu, lr: f64) {
        for adam in &mut self.adam {
            adam.prepare(gpu, lr);
        }
    }

    /// The codes into their input rows.
    pub fn record_copy_codes(&self, pass: &mut wgpu::ComputePass<'_>) {
        self.copy_codes.record(pass);
    }

    /// One regularisation step: forward, the cross-entropy's gradient, Adam.
    pub fn record_train(&self, pass: &mut wgpu::ComputePass<'_>) {
        for op in self.forward.iter().chain(&self.train) {
            op.record(pass);
        }
        for adam in &self.adam {
            adam.record(pass);
        }
    }

    /// The generator phase's pull on the codes, λ ∂(−log D(z))/∂z, into the encoder's
    /// ∂L/∂code.
    pub fn record_fool(&self, pass: &mut wgpu::ComputePass<'_>) {
        for op in self.forward.iter().chain(&self.fool) {
            op.record(pass);
        }
    }

    /// Starts copying the weights and Adam's state back, and the last loss: (weights, m, v,
    /// steps, loss), the weights in the Mlp's layout.
    #[allow(clippy::type_complexity)] // the optimiser's state as the CPU twin takes it
    pub fn read(
        &self,
        gpu: &Gpu,
    ) -> impl std::future::Future<Output = Result<(Vec<f32>, Vec<f32>, Vec<f32>, u64, f32), GpuError>>
           + 'static {
        let read = crate::adam::read_run(gpu, &self.params, &self.adam, &[&self.loss]);
        async move {
            let (copy, extra) = read.await?;
            let loss = extra
                .first()
                .and_then(|l| l.first().copied())
                .unwrap_or(f32::NAN);
            Ok((copy.params, copy.m, copy.v, copy.t, loss))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_abs_diff};
    use genlab_core::rng::Rng;

    /// Three regularisation steps and the generator phase's pull, GPU and CPU side by side,
    /// plain and labelled, at an odd batch: the loss before each step, the weights after it and
    /// λ ∂(−log D)/∂z. Measured on lavapipe: losses to 3.4e-7, weights to 2.4e-7, pulls to
    /// 3.6e-7 (f32 against the CPU's f64); each Adam step at lr 1e-2 moves a weight by ≈ 1e-2,
    /// so a wrong gradient shows at once.
    #[test]
    fn both_phases_follow_the_cpu_discriminator() {
        let gpu = gpu();
        let b = 7;
        for labelled in [false, true] {
            let mut rng = Rng::new(12);
            let mut disc = Discriminator::new(9, labelled, &mut rng);
            let points = |rng: &mut Rng, shift: f64| -> Vec<[f64; 2]> {
                (0..b)
                    .map(|_| [rng.normal() + shift, rng.normal() - shift])
                    .collect()
            };
            let codes = points(&mut rng, 0.7);
            let flat =
                |p: &[[f64; 2]]| -> Vec<f32> { p.iter().flatten().map(|&v| v as f32).collect() };
            // Values an f32 holds exactly, so both sides see the same points.
            let codes: Vec<[f64; 2]> = codes
                .iter()
                .map(|c| [c[0] as f32 as f64, c[1] as f32 as f64])
                .collect();
            let labels: Vec<u8> = (0..b).map(|i| (i * 3 % 10) as u8).collect();
            let (t_codes, d_code) = (
                Tensor::from_slice(gpu, &flat(&codes)),
                Tensor::zeros(gpu, 2 * b),
            );
            let lambda = 3.0;
            let mut g = GpuDiscriminator::new(gpu, &disc, b, &t_codes, &d_code, lambda);
            let (mut worst_loss, mut worst_w) = (0.0f64, 0.0f32);
            for _ in 0..3 {
                let prior = points(&mut rng, 0.0);
                let prior: Vec<[f64; 2]> = prior
                    .iter()
                    .map(|c| [c[0] as f32 as f64, c[1] as f32 as f64])
                    .collect();
                let loss = disc.train_step(&prior, &labels, &codes, &labels, 1e-2);
                g.write_rows(gpu, &flat(&prior), &labels);
                g.prepare(gpu, 1e-2);
                gpu.run(|pass| {
                    g.record_copy_codes(pass);
                    g.record_train(pass);
                });
                let (w, _, _, t, gpu_loss) = pollster::block_on(g.read(gpu)).unwrap();
                assert_eq!(t, disc.optimizer().moments().2);
                worst_loss = worst_loss.max((gpu_loss as f64 - loss).abs());
                let cpu_w: Vec<f32> = disc.mlp.params.iter().map(|&p| p as f32).collect();
                worst_w = worst_w.max(max_abs_diff(&w, &cpu_w));
            }
            gpu.run(|pass| g.record_fool(pass));
            let (_, pull) = disc.fool(&codes, &labels);
            let want: Vec<f32> = pull
                .iter()
                .flatten()
                .map(|&p| (lambda * p) as f32)
                .collect();
            let worst_pull = max_abs_diff(&d_code.read_blocking(gpu), &want);
            eprintln!("labelled {labelled}: losses {worst_loss:e}, weights {worst_w:e}, pulls {worst_pull:e}");
            assert!(
                worst_loss < 5e-6 && worst_w < 5e-6 && worst_pull < 5e-6,
                "labelled {labelled}"
            );
        }
    }
}
