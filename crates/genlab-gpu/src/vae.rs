//! The lecture's VAE (784-H-2-(μ, log σ²)-2-H-784) trained on the GPU — and its conditional
//! form (the one-hot label beside the image and beside z) with any latent size: its dense
//! layers through the matmul and element-wise kernels, its reparameterisation, KL and
//! reconstruction loss through `vae.wgsl`, Adam through `adam.wgsl`. The CPU twin is
//! `genlab_core::vae::model::VaeNet<f32>` with `nn::Optimizer<f32>`: same parameters, same
//! batch, same ε → the same step, to f32 rounding in another summation order. The decoder's
//! first matrix of a conditional net is two blocks, the rows z reads and the rows the label
//! reads, so z and the label need not be copied side by side.

use genlab_core::autoencoder::model::Output;
use genlab_core::nn::Optimizer;
use genlab_core::vae::data::PIXELS;
use genlab_core::vae::model::VaeNet;

use crate::adam::Adam;
use crate::elementwise::{Act, Elementwise};
use crate::matmul::{Layout, Matmul};
use crate::tensor::ReadBack;
use crate::{groups_1d, Dispatch, Gpu, GpuError, Record, Tensor};
use genlab_core::device::{DeviceCopy, DeviceScores};

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct Params {
    rows: u32,
    pixels: u32,
    /// 0 Bernoulli, 1 Gaussian with 1/σ² `inv_var` and log-normaliser `log_norm` per pixel.
    gaussian: u32,
    /// The dimension of z.
    latent: u32,
    beta: f32,
    inv_b: f32,
    inv_var: f32,
    log_norm: f32,
}

impl Params {
    /// Batches of `rows` images through a net with a `latent`-dimensional z, KL weight `beta`
    /// and likelihood `output`.
    pub(crate) fn new(rows: usize, latent: usize, beta: f32, output: Output) -> Params {
        let mut values = Params {
            rows: rows as u32,
            pixels: PIXELS as u32,
            gaussian: 0,
            latent: latent as u32,
            beta,
            inv_b: 1.0 / rows as f32,
            inv_var: 0.0,
            log_norm: 0.0,
        };
        values.set_output(output);
        values
    }

    pub(crate) fn set_beta(&mut self, beta: f32) {
        self.beta = beta;
    }

    fn set_output(&mut self, output: Output) {
        (self.gaussian, self.inv_var, self.log_norm) = match output {
            Output::Gaussian { sigma } => (
                1,
                (1.0 / (sigma * sigma)) as f32,
                (0.5 * (2.0 * std::f64::consts::PI * sigma * sigma).ln()) as f32,
            ),
            _ => (0, 0.0, 0.0),
        };
    }
}

/// One of `vae.wgsl`'s entry points bound to the shared uniform and its buffers.
pub(crate) fn kernel(
    gpu: &Gpu,
    entry: &str,
    uniform: &wgpu::Buffer,
    buffers: &[&Tensor],
    threads: usize,
) -> Dispatch {
    let mut all = vec![uniform];
    all.extend(buffers.iter().map(|t| &t.buffer));
    Dispatch::new(
        gpu,
        include_str!("vae.wgsl"),
        entry,
        &all,
        groups_1d(threads),
    )
}

/// Parameter blocks of the decoder (W₃, b₃, W₄, b₄) in [`GpuVae::params`]: a conditional net's
/// label block (W₃ʸ, at 5) shifts those after it by one.
fn decoder_blocks(classes: usize) -> [usize; 4] {
    if classes > 0 {
        [4, 6, 7, 8]
    } else {
        [4, 5, 6, 7]
    }
}

/// What a forward pass reads: the encoder's input (the images, or each with its one-hot label
/// after it), the labels alone for the decoder, the images the loss compares with, and ε.
struct Images<'a> {
    enc_in: &'a Tensor,
    y: Option<&'a Tensor>,
    x: &'a Tensor,
    eps: &'a Tensor,
}

/// The buffers one forward pass over `rows` images writes.
struct Activations {
    rows: usize,
    hidden: usize,
    latent: usize,
    h1: Tensor,
    /// μ, then log σ², per image (rows × 2L).
    enc: Tensor,
    sigma: Tensor,
    z: Tensor,
    h3: Tensor,
    logits: Tensor,
    /// −log p(x | z) and KL per image.
    rec: Tensor,
    kl: Tensor,
}

impl Activations {
    fn new(gpu: &Gpu, rows: usize, (h, l): (usize, usize)) -> Activations {
        let t = |len: usize| Tensor::zeros(gpu, len);
        Activations {
            rows,
            hidden: h,
            latent: l,
            h1: t(rows * h),
            enc: t(rows * 2 * l),
            sigma: t(rows * l),
            z: t(rows * l),
            h3: t(rows * h),
            logits: t(rows * PIXELS),
            rec: t(rows),
            kl: t(rows),
        }
    }
}

type Ops = Vec<Box<dyn Record>>;

/// The forward pass through parameter blocks `p` (see [`GpuVae::params`]), in two parts: the
/// encoder (to μ and log σ², all the scatter needs), then the reparameterisation, the decoder
/// and each image's loss terms. The training step and the test split's scoring build theirs
/// here, so both run the same pass.
fn forward(
    gpu: &Gpu,
    uniform: &wgpu::Buffer,
    p: &[Tensor],
    input: &Images,
    a: &Activations,
) -> (Ops, Ops) {
    let (b, h, l) = (a.rows, a.hidden, a.latent);
    let c = input.y.map_or(0, |y| y.len / b);
    let n_in = PIXELS + c;
    let mm = |a: &Tensor, w: &Tensor, out: &Tensor, shape, beta| -> Box<dyn Record> {
        Box::new(Matmul::new(gpu, a, w, out, shape, Layout::Plain, 1.0, beta))
    };
    let act = |x: &Tensor, bias: &Tensor, act| -> Box<dyn Record> {
        Box::new(Elementwise::bias_act(gpu, x, bias, act))
    };
    let kernel = |entry, buffers: &[&Tensor], threads| -> Box<dyn Record> {
        Box::new(kernel(gpu, entry, uniform, buffers, threads))
    };
    let [w3, b3, w4, b4] = decoder_blocks(c);
    let encoder = vec![
        mm(input.enc_in, &p[0], &a.h1, (b, n_in, h), 0.0), // B × H
        act(&a.h1, &p[1], Act::Relu),
        mm(&a.h1, &p[2], &a.enc, (b, h, 2 * l), 0.0), // B × 2L
        act(&a.enc, &p[3], Act::Identity),
    ];
    let (enc, z) = (&a.enc, &a.z);
    let mut rest = vec![
        kernel("reparam", &[enc, input.eps, &a.sigma, z, &a.kl], b),
        mm(z, &p[w3], &a.h3, (b, l, h), 0.0), // B × H
    ];
    if let Some(y) = input.y {
        rest.push(mm(y, &p[5], &a.h3, (b, c, h), 1.0)); // += y · W₃ʸ
    }
    rest.extend([
        act(&a.h3, &p[b3], Act::Relu),
        mm(&a.h3, &p[w4], &a.logits, (b, h, PIXELS), 0.0), // B × 784
        act(&a.logits, &p[b4], Act::Identity),
        kernel("rec_loss", &[&a.logits, input.x, &a.rec], b),
    ]);
    (encoder, rest)
}

pub struct GpuVae {
    pub batch: usize,
    pub hidden: usize,
    pub latent: usize,
    /// Label units (0 for the plain VAE).
    pub classes: usize,
    /// W₁ b₁ W₂ b₂ W₃ [W₃ʸ] b₃ W₄ b₄: `VaeNet`'s parameter blocks in its order.
    pub params: Vec<Tensor>,
    /// The batch (B × 784) and its noise ε (B × latent): write them with [`GpuVae::step`].
    pub x: Tensor,
    pub eps: Tensor,
    /// A conditional net's encoder input (B × (784 + classes)) and the labels alone
    /// (B × classes).
    input: Option<Tensor>,
    y: Option<Tensor>,
    /// Per image of the last step: −log p(x | z) and KL, read only when shown.
    pub rec: Tensor,
    pub kl: Tensor,
    /// μ and log σ² of the last batch (B × 2·latent).
    pub enc: Tensor,
    /// The reconstruction and KL terms summed over every step since the last [`GpuVae::read`]:
    /// a history row reports their mean without a read per step.
    pub sums: Tensor,
    uniform: wgpu::Buffer,
    uniform_values: Params,
    ops: Vec<Box<dyn Record>>,
    adam: Vec<Adam>,
    /// The lesson's test split, scored at reads that ask for it (see [`GpuVae::keep_test_split`]).
    test: Option<TestSplit>,
    /// The decoder over the last number of latent points asked for (see [`GpuVae::decode`]).
    pictures: Option<Pictures>,
    // Activations and gradients the ops are bound to.
    _buffers: Vec<Tensor>,
}

/// The test split kept on the device, in passes of as many images as the device's limits
/// allow, each bound to the live parameters: a read that scores runs them just before its copy.
struct TestSplit {
    passes: Vec<TestPass>,
    /// The split's fixed noise (n × L), written as zeros while β = 0 (a plain autoencoder scores
    /// at z = μ, as the CPU does).
    eps: Vec<f32>,
    zero_eps: bool,
}

/// The decoder alone over `rows` latent points, bound to the live parameters, ending in the
/// sigmoid: pictures in [0, 1].
struct Pictures {
    rows: usize,
    z: Tensor,
    /// The label units beside z (rows × classes; empty for a plain net).
    y: Tensor,
    images: Tensor,
    ops: Ops,
    // The hidden layer the ops are bound to.
    _hidden: Tensor,
}

struct TestPass {
    rows: usize,
    uniform: wgpu::Buffer,
    uniform_values: Params,
    eps: Tensor,
    encoder: Ops,
    rest: Ops,
    /// What the pass writes; read back: μ and log σ² (`enc`), −log p(x | z) (`rec`), KL.
    acts: Activations,
    // The images (and a conditional net's input and labels) the ops are bound to.
    _inputs: Vec<Tensor>,
}

impl GpuVae {
    /// Uploads `net`'s parameters and `opt`'s Adam state (constants, moments, step count) and
    /// builds every op for batches of `batch` images with KL weight `beta`.
    pub fn new(
        gpu: &Gpu,
        net: &VaeNet<f32>,
        batch: usize,
        beta: f32,
        opt: &Optimizer<f32>,
    ) -> GpuVae {
        let hidden = net.hidden;
        let (l, c) = (net.latent(), net.classes());
        let mut params = Vec::new();
        let mut grads = Vec::new();
        for (i, layer) in net.layers().iter().enumerate() {
            let w_len = layer.n_in * layer.n_out;
            let block = &net.params[layer.offset..layer.offset + w_len + layer.n_out];
            let (w, b) = block.split_at(w_len);
            // The decoder's first W: the rows z reads, then the rows the label reads.
            let parts: Vec<&[f32]> = if i == 2 && c > 0 {
                let (wz, wy) = w.split_at(l * layer.n_out);
                vec![wz, wy, b]
            } else {
                vec![w, b]
            };
            for part in parts {
                params.push(Tensor::from_slice(gpu, part));
                grads.push(Tensor::zeros(gpu, part.len()));
            }
        }
        let adam = crate::adam::continue_run(gpu, &params, &grads, opt);
        let t = |len: usize| Tensor::zeros(gpu, len);
        let (b, h) = (batch, hidden);
        let (x, eps) = (t(b * PIXELS), t(b * l));
        let (input, y) = if c > 0 {
            (Some(t(b * (PIXELS + c))), Some(t(b * c)))
        } else {
            (None, None)
        };
        let sums = t(2);
        let (d_h3, d_z, d_h1, d_enc) = (t(b * h), t(b * l), t(b * h), t(b * 2 * l));
        let uniform_values = Params::new(b, l, beta, net.shape.output);
        let uniform = gpu.uniform(&uniform_values);
        let p = &params;
        let g = &grads;
        let enc_in = input.as_ref().unwrap_or(&x);
        let a = Activations::new(gpu, b, (h, l));
        let images = Images {
            enc_in,
            y: y.as_ref(),
            x: &x,
            eps: &eps,
        };
        let (encoder, rest) = forward(gpu, &uniform, p, &images, &a);
        let Activations {
            h1,
            enc,
            sigma,
            z,
            h3,
            logits,
            rec,
            kl,
            ..
        } = a;
        let mm = |a: &Tensor, w: &Tensor, c: &Tensor, shape, layout, beta| -> Box<dyn Record> {
            Box::new(Matmul::new(gpu, a, w, c, shape, layout, 1.0, beta))
        };
        let back = |d: &Tensor, y: &Tensor| -> Box<dyn Record> {
            Box::new(Elementwise::act_backward(gpu, d, y, Act::Relu))
        };
        let sum = |s: &Tensor, x: &Tensor| -> Box<dyn Record> {
            Box::new(Elementwise::col_sum(gpu, s, x, 1.0, 0.0))
        };
        let kernel = |entry, buffers: &[&Tensor], threads| -> Box<dyn Record> {
            Box::new(kernel(gpu, entry, &uniform, buffers, threads))
        };
        use Layout::{TransA, TransB};
        let n_in = PIXELS + c;
        let [w3, b3, w4, b4] = decoder_blocks(c);
        let mut ops = encoder;
        ops.extend(rest);
        ops.extend([
            kernel("accumulate", &[&rec, &kl, &sums], 1),
            // Backward; the logits become ∂L/∂logits.
            kernel("rec_grad", &[&logits, &x], b * PIXELS),
            mm(&h3, &logits, &g[w4], (h, b, PIXELS), TransA, 0.0), // H × 784
            sum(&g[b4], &logits),
            mm(&logits, &p[w4], &d_h3, (b, PIXELS, h), TransB, 0.0), // B × H
            back(&d_h3, &h3),
            mm(&z, &d_h3, &g[w3], (l, b, h), TransA, 0.0), // L × H
        ]);
        if let Some(y) = &y {
            ops.push(mm(y, &d_h3, &g[5], (c, b, h), TransA, 0.0)); // C × H
        }
        ops.extend([
            sum(&g[b3], &d_h3),
            mm(&d_h3, &p[w3], &d_z, (b, h, l), TransB, 0.0), // B × L
            kernel("latent_backward", &[&enc, &eps, &sigma, &d_z, &d_enc], b),
            mm(&h1, &d_enc, &g[2], (h, b, 2 * l), TransA, 0.0), // H × 2L
            sum(&g[3], &d_enc),
            mm(&d_enc, &p[2], &d_h1, (b, 2 * l, h), TransB, 0.0), // B × H
            back(&d_h1, &h1),
            mm(enc_in, &d_h1, &g[0], (n_in, b, h), TransA, 0.0), // (784 + C) × H
            sum(&g[1], &d_h1),
        ]);
        let mut buffers = grads;
        buffers.extend([h1, sigma, z, h3, logits, d_h3, d_z, d_h1, d_enc]);
        GpuVae {
            batch,
            hidden,
            latent: l,
            classes: c,
            params,
            x,
            eps,
            input,
            y,
            rec,
            kl,
            enc,
            sums,
            uniform,
            uniform_values,
            ops,
            adam,
            test: None,
            pictures: None,
            _buffers: buffers,
        }
    }

    /// Decodes latent points (n × latent) into pictures in [0, 1] (n × 784) with the parameters
    /// at this point of the queue — the views' digits, without the CPU copy; a conditional net
    /// reads `labels` (n × classes, one-hot or soft) beside z, a plain one none. Submitted now,
    /// awaited whenever convenient.
    pub fn decode(
        &mut self,
        gpu: &Gpu,
        z: &[f32],
        labels: &[f32],
    ) -> impl std::future::Future<Output = Result<Vec<f32>, GpuError>> + 'static {
        let (h, l, c) = (self.hidden, self.latent, self.classes);
        let rows = z.len() / l;
        assert_eq!(z.len(), rows * l);
        assert_eq!(labels.len(), rows * c, "{c} label units per point");
        if rows > 0 && self.pictures.as_ref().is_none_or(|p| p.rows != rows) {
            let t = |len: usize| Tensor::zeros(gpu, len);
            let (zs, ys) = (t(rows * l), t(rows * c));
            let (hidden, images) = (t(rows * h), t(rows * PIXELS));
            let [w3, b3, w4, b4] = decoder_blocks(c);
            let p = &self.params;
            let mm = |a: &Tensor, w: &Tensor, out: &Tensor, shape, beta| -> Box<dyn Record> {
                Box::new(Matmul::new(gpu, a, w, out, shape, Layout::Plain, 1.0, beta))
            };
            let act = |x: &Tensor, bias: &Tensor, act| -> Box<dyn Record> {
                Box::new(Elementwise::bias_act(gpu, x, bias, act))
            };
            let mut ops = vec![mm(&zs, &p[w3], &hidden, (rows, l, h), 0.0)]; // n × H
            if c > 0 {
                ops.push(mm(&ys, &p[5], &hidden, (rows, c, h), 1.0)); // += y · W₃ʸ
            }
            ops.extend([
                act(&hidden, &p[b3], Act::Relu),
                mm(&hidden, &p[w4], &images, (rows, h, PIXELS), 0.0), // n × 784
                act(&images, &p[b4], Act::Sigmoid),
            ]);
            self.pictures = Some(Pictures {
                rows,
                z: zs,
                y: ys,
                images,
                ops,
                _hidden: hidden,
            });
        }
        let read = self.pictures.as_ref().filter(|_| rows > 0).map(|pictures| {
            pictures.z.write(gpu, z);
            pictures.y.write(gpu, labels);
            gpu.run(|pass| pictures.ops.iter().for_each(|op| op.record(pass)));
            ReadBack::start(gpu, &[&pictures.images])
        });
        async move {
            match read {
                Some(read) => Ok(read.finish().await?.pop().unwrap_or_default()),
                None => Ok(vec![]),
            }
        }
    }

    /// Keeps the test split on the device: `input` as the encoder reads it (the images, or each
    /// with its one-hot label after it), `x` the images (n × 784), `eps` the split's fixed noise
    /// (n × latent) — in passes of at most `rows` images. From now on [`GpuVae::read_scored`]
    /// scores it at the parameters it reads, so the CPU copy need not.
    pub fn keep_test_split(
        &mut self,
        gpu: &Gpu,
        input: &[f32],
        x: &[f32],
        eps: &[f32],
        rows: usize,
    ) {
        let (h, l, c) = (self.hidden, self.latent, self.classes);
        let n = x.len() / PIXELS;
        assert_eq!(x.len(), n * PIXELS);
        assert_eq!(input.len(), n * (PIXELS + c));
        assert_eq!(eps.len(), n * l);
        let zero_eps = self.uniform_values.beta == 0.0;
        let passes = (0..n)
            .step_by(rows.max(1))
            .map(|start| {
                let b = rows.max(1).min(n - start);
                let images = Tensor::from_slice(gpu, &x[start * PIXELS..(start + b) * PIXELS]);
                let width = PIXELS + c;
                let enc_in = (c > 0)
                    .then(|| Tensor::from_slice(gpu, &input[start * width..(start + b) * width]));
                let y = (c > 0).then(|| {
                    let labels: Vec<f32> = input[start * width..(start + b) * width]
                        .chunks_exact(width)
                        .flat_map(|row| row[PIXELS..].iter().copied())
                        .collect();
                    Tensor::from_slice(gpu, &labels)
                });
                let noise = &eps[start * l..(start + b) * l];
                let eps = if zero_eps {
                    Tensor::zeros(gpu, noise.len())
                } else {
                    Tensor::from_slice(gpu, noise)
                };
                let mut uniform_values = self.uniform_values;
                uniform_values.rows = b as u32;
                uniform_values.inv_b = 1.0 / b as f32;
                let uniform = gpu.uniform(&uniform_values);
                let a = Activations::new(gpu, b, (h, l));
                let split = Images {
                    enc_in: enc_in.as_ref().unwrap_or(&images),
                    y: y.as_ref(),
                    x: &images,
                    eps: &eps,
                };
                let (encoder, rest) = forward(gpu, &uniform, &self.params, &split, &a);
                let mut inputs = vec![images];
                inputs.extend(enc_in);
                inputs.extend(y);
                TestPass {
                    rows: b,
                    uniform,
                    uniform_values,
                    eps,
                    encoder,
                    rest,
                    acts: a,
                    _inputs: inputs,
                }
            })
            .collect();
        self.test = Some(TestSplit {
            passes,
            eps: eps.to_vec(),
            zero_eps,
        });
    }

    /// One Adam step on the mean loss of batch `x` (B × 784) with noise `eps` (B × latent).
    /// Submitted, not awaited.
    pub fn step(&mut self, gpu: &Gpu, x: &[f32], eps: &[f32], lr: f64) {
        self.step_given(gpu, x, x, eps, lr);
    }

    /// [`GpuVae::step`] of a conditional net: `input` holds each image with its one-hot label
    /// after it (B × (784 + classes)), `x` the images alone.
    pub fn step_given(&mut self, gpu: &Gpu, input: &[f32], x: &[f32], eps: &[f32], lr: f64) {
        self.x.write(gpu, x);
        self.eps.write(gpu, eps);
        if let (Some(enc_in), Some(y)) = (&self.input, &self.y) {
            let width = PIXELS + self.classes;
            let labels: Vec<f32> = input
                .chunks_exact(width)
                .flat_map(|row| row[PIXELS..].iter().copied())
                .collect();
            enc_in.write(gpu, input);
            y.write(gpu, &labels);
        }
        for adam in &mut self.adam {
            adam.prepare(gpu, lr);
        }
        gpu.run(|pass| {
            for op in &self.ops {
                op.record(pass);
            }
            for adam in &self.adam {
                adam.record(pass);
            }
        });
    }

    /// The KL term's weight and the likelihood (its σ) from the next step on.
    pub fn set_loss(&mut self, gpu: &Gpu, beta: f64, output: Output) {
        self.uniform_values.beta = beta as f32;
        self.uniform_values.set_output(output);
        gpu.write_uniform(&self.uniform, &self.uniform_values);
        if let Some(test) = &mut self.test {
            let zero_eps = beta == 0.0;
            let mut at = 0;
            for pass in &mut test.passes {
                pass.uniform_values.set_output(output);
                gpu.write_uniform(&pass.uniform, &pass.uniform_values);
                let len = pass.rows * self.latent;
                if zero_eps != test.zero_eps {
                    let noise = &test.eps[at..at + len];
                    pass.eps.write(
                        gpu,
                        &if zero_eps {
                            vec![0.0; len]
                        } else {
                            noise.to_vec()
                        },
                    );
                }
                at += len;
            }
            test.zero_eps = zero_eps;
        }
    }

    /// Everything a CPU run needs to carry on from the steps submitted so far — parameters in
    /// `VaeNet`'s layout, Adam's moments and step count, the loss sums since the previous read
    /// (then zeroed) — copied at this point of the queue; await it whenever convenient.
    pub fn read(
        &self,
        gpu: &Gpu,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        self.read_with(gpu, None)
    }

    /// [`GpuVae::read`] with the kept test split passed through the parameters it copies, on
    /// the device, just before the copy: every image's μ, and when `losses` the split's summed
    /// reconstruction and KL terms (the decoder's half of the pass). Without a kept split it
    /// is a plain read.
    pub fn read_scored(
        &self,
        gpu: &Gpu,
        losses: bool,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        self.read_with(gpu, self.test.as_ref().map(|_| losses))
    }

    fn read_with(
        &self,
        gpu: &Gpu,
        scoring: Option<bool>,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        let passes: &[TestPass] = match (&self.test, scoring) {
            (Some(test), Some(_)) => &test.passes,
            _ => &[],
        };
        let losses = scoring == Some(true);
        if !passes.is_empty() {
            gpu.run(|pass| {
                for p in passes {
                    p.encoder.iter().for_each(|op| op.record(pass));
                    if losses {
                        p.rest.iter().for_each(|op| op.record(pass));
                    }
                }
            });
        }
        let mut extra = vec![&self.sums];
        extra.extend(passes.iter().map(|p| &p.acts.enc));
        if losses {
            extra.extend(passes.iter().flat_map(|p| [&p.acts.rec, &p.acts.kl]));
        }
        let read = crate::adam::read_run(gpu, &self.params, &self.adam, &extra);
        // Queued behind the copy: the next sums start from zero.
        self.sums.write(gpu, &[0.0, 0.0]);
        let (latent, n_passes) = (self.latent, passes.len());
        async move {
            let (mut copy, extra) = read.await?;
            copy.sums = extra[0].iter().map(|&s| s as f64).collect();
            if scoring.is_some() {
                let codes = codes_of(&extra[1..1 + n_passes], latent);
                let sum = |v: &[Vec<f32>]| v.iter().flatten().map(|&x| x as f64).sum::<f64>();
                let terms = &extra[1 + n_passes..];
                let losses = if losses {
                    let (rec, kl): (Vec<_>, Vec<_>) = terms
                        .chunks_exact(2)
                        .map(|t| (t[0].clone(), t[1].clone()))
                        .unzip();
                    vec![sum(&rec), sum(&kl)]
                } else {
                    vec![]
                };
                copy.scores = Some(DeviceScores { codes, losses });
            }
            Ok(copy)
        }
    }

    /// The kept test split's codes μ (n × latent) at this point of the queue and nothing else
    /// ([`DeviceCopy::view_only`]): the encoder's half of the split's pass, its output alone
    /// copied back — no parameters, no moments — and the loss sums left adding up for the next
    /// full read. `None` without a kept split.
    pub fn read_codes(
        &self,
        gpu: &Gpu,
    ) -> Option<impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static> {
        let test = self.test.as_ref()?;
        gpu.run(|pass| {
            for p in &test.passes {
                p.encoder.iter().for_each(|op| op.record(pass));
            }
        });
        let encodings: Vec<&Tensor> = test.passes.iter().map(|p| &p.acts.enc).collect();
        let read = ReadBack::start(gpu, &encodings);
        let latent = self.latent;
        Some(async move {
            let codes = codes_of(&read.finish().await?, latent);
            Ok(DeviceCopy {
                view_only: true,
                scores: Some(DeviceScores {
                    codes,
                    losses: vec![],
                }),
                ..Default::default()
            })
        })
    }

    /// The last step's reconstruction and KL terms, summed over its batch (`BatchLoss`).
    pub async fn losses(&self, gpu: &Gpu) -> Result<(f64, f64), GpuError> {
        let sum = |v: Vec<f32>| v.iter().map(|&x| x as f64).sum::<f64>();
        Ok((
            sum(self.rec.read(gpu).await?),
            sum(self.kl.read(gpu).await?),
        ))
    }

    /// The parameters in `VaeNet`'s layout.
    pub async fn read_params(&self, gpu: &Gpu) -> Result<Vec<f32>, GpuError> {
        Ok(self.read(gpu).await?.params)
    }

    /// Hands the run to the CPU: the parameters into `net`, Adam's moments and step count into
    /// `opt` — when the device is lost or the user switches back to the CPU. Nothing changes if
    /// the device cannot be read.
    pub async fn hand_over(
        &self,
        gpu: &Gpu,
        net: &mut VaeNet<f32>,
        opt: &mut Optimizer<f32>,
    ) -> Result<(), GpuError> {
        let copy = self.read(gpu).await?;
        net.params = copy.params;
        opt.set_moments(copy.m, copy.v, copy.t);
        Ok(())
    }
}

/// The codes μ out of the encoder passes' outputs (rows of μ ‖ log σ²), pass after pass.
fn codes_of(encodings: &[Vec<f32>], latent: usize) -> Vec<f32> {
    encodings
        .iter()
        .flat_map(|enc| enc.chunks_exact(2 * latent).flat_map(|row| &row[..latent]))
        .copied()
        .collect()
}

/// Both paths trained side by side from one seed on the real digits — the same initial
/// parameters, shuffled batches and ε, Adam with the VAE lesson's constants (β₁ 0.9, ε 1e-7) —
/// returning each step's mean loss per image (reconstruction + β KL) on the CPU and the GPU.
/// This measures how long the GPU run follows the CPU run's curve.
#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::too_many_arguments)] // a run's settings
pub fn follow(
    gpu: &Gpu,
    digits: &genlab_core::vae::data::Digits,
    hidden: usize,
    batch: usize,
    lr: f64,
    beta: f64,
    steps: usize,
    seed: u64,
) -> Vec<(f64, f64)> {
    use genlab_core::nn::OptimizerKind;
    use genlab_core::rng::Rng;
    use genlab_core::vae::model::Workspace;
    let mut rng = Rng::new(seed);
    let mut net = VaeNet::<f32>::new(hidden, &mut rng);
    let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.n_params(), 0.9);
    opt.eps = 1e-7;
    let mut g = GpuVae::new(gpu, &net, batch, beta as f32, &opt);
    let mut order = digits.train.clone();
    rng.shuffle(&mut order);
    let (mut ws, mut d_params) = (Workspace::default(), vec![0.0f32; net.n_params()]);
    let mut curve = Vec::with_capacity(steps);
    for step in 0..steps {
        let x: Vec<f32> = (0..batch)
            .map(|i| order[(step * batch + i) % order.len()])
            .flat_map(|index| digits.image(index).iter().map(|&p| p as f32 / 255.0))
            .collect();
        let eps: Vec<f32> = (0..batch * 2).map(|_| rng.normal() as f32).collect();
        let loss = net.forward_loss(&x, &eps, batch, &mut ws);
        net.backward(&x, beta, &mut ws, &mut d_params);
        opt.step(&mut net.params, &d_params, lr);
        g.step(gpu, &x, &eps, lr);
        let (rec, kl) = pollster::block_on(g.losses(gpu)).expect("the device is there");
        let per_image = |rec: f64, kl: f64| (rec + beta * kl) / batch as f64;
        curve.push((per_image(loss.rec, loss.kl), per_image(rec, kl)));
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_rel_diff};
    use genlab_core::nn::OptimizerKind;
    use genlab_core::rng::Rng;
    use genlab_core::vae::model::Workspace;

    /// The lecture's full size (H = 512) and an odd one, a few Adam steps on random images:
    /// losses and parameters follow the CPU model's. Measured on lavapipe: reconstruction
    /// terms agree to 2e-7 (relative), KL to 2e-5, μ and log σ² to 8e-7, parameters to 4e-5
    /// after three steps at lr 1e-3; the bounds below leave a margin of 5–50×.
    #[test]
    fn training_steps_match_the_cpu_model() {
        let gpu = gpu();
        // The CPU side runs the row loops, the packed kernels' twin (they are checked against
        // each other in genlab-core): the packed kernels sum in blocks of 256 steps, with FMA
        // natively, so GPU and CPU then part by more than f32 rounding where training amplifies
        // it — Adam's first step divides by √v, and parameters with tiny gradients differed by 2.6e-4 (measured with the packed kernels on lavapipe).
        genlab_core::nn::gemm::set_kernel(genlab_core::nn::gemm::Kernel::RowLoops);
        let gaussian = Output::Gaussian { sigma: 0.3 };
        // (H, B, steps, likelihood, latent, label units): the VAE lesson's nets and the
        // conditional VAE's, at an odd size and a lesson size, 2-D and wider latents.
        for (hidden, batch, steps, output, latent, classes) in [
            (7, 3, 4, Output::Bernoulli, 2, 0),
            (512, 64, 3, Output::Bernoulli, 2, 0),
            (7, 3, 4, gaussian, 2, 0),
            (512, 64, 3, gaussian, 2, 0),
            (7, 3, 4, Output::Bernoulli, 3, 10),
            (256, 32, 3, gaussian, 16, 10),
            (256, 32, 3, Output::Bernoulli, 2, 10),
        ] {
            let mut rng = Rng::new(9);
            let shape = genlab_core::vae::VaeShape {
                hidden,
                latent,
                classes,
                output,
            };
            let mut net = VaeNet::<f32>::with_shape(shape, &mut rng);
            let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.n_params(), 0.9);
            let mut g = GpuVae::new(gpu, &net, batch, 1.0, &opt);
            let mut ws = Workspace::default();
            let mut d_params = vec![0.0f32; net.n_params()];
            for step in 0..steps {
                let x: Vec<f32> = (0..batch * PIXELS).map(|_| rng.uniform() as f32).collect();
                let eps: Vec<f32> = (0..batch * latent).map(|_| rng.normal() as f32).collect();
                let input: Vec<f32> = x
                    .chunks_exact(PIXELS)
                    .flat_map(|row| {
                        let label = rng.below(10);
                        row.iter()
                            .copied()
                            .chain((0..classes).map(move |k| f32::from(k == label)))
                    })
                    .collect();
                let loss = net.forward_loss_given(&input, &x, &eps, batch, &mut ws);
                let cpu_enc = encodings(&ws, batch, latent); // backward overwrites them
                net.backward(&x, 1.0, &mut ws, &mut d_params);
                opt.step(&mut net.params, &d_params, 1e-3);
                g.step_given(gpu, &input, &x, &eps, 1e-3);
                let (rec, kl) = pollster::block_on(g.losses(gpu)).unwrap();
                let what = format!(
                    "H = {hidden}, B = {batch}, {output:?}, L = {latent}, C = {classes}, step {step}"
                );
                assert!(
                    (rec - loss.rec).abs() < 1e-5 * loss.rec.abs(),
                    "{what}: rec {rec} vs {}",
                    loss.rec
                );
                assert!(
                    (kl - loss.kl).abs() < 1e-4 * loss.kl.abs().max(1.0),
                    "{what}: KL {kl} vs {}",
                    loss.kl
                );
                let params = pollster::block_on(g.read_params(gpu)).unwrap();
                // Adam divides by √v: where a gradient is tiny, rounding in it moves the step
                // by up to lr, so parameters compare to a fraction of the learning rate.
                let diff = params
                    .iter()
                    .zip(&net.params)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0f32, f32::max);
                assert!(diff < 2e-4, "{what}: parameters differ by {diff}");
                let diff = max_rel_diff(&g.enc.read_blocking(gpu), &cpu_enc);
                assert!(diff < 1e-5, "{what}: μ, log σ² differ by {diff}");
            }
        }
    }

    /// The test split kept on the device and scored at reads, against the CPU model's forward
    /// pass over the same images and noise: plain and conditional nets, both likelihoods, in
    /// passes that do not divide the split (20 images, 7 per pass), at β = 1 and after a switch
    /// to β = 0 (z = μ) and back — and interleaved with training steps, so the scores are those
    /// of the parameters the same read copies. Measured on lavapipe: codes to 2.4e-6
    /// (relative), loss sums to 3.1e-7; the bounds leave a margin of about 10×. A view's read
    /// of the codes alone ([`GpuVae::read_codes`]) before each gives the same codes and leaves
    /// the step's loss sums to the full read.
    #[test]
    fn the_test_split_scored_on_the_device_matches_the_cpu_pass() {
        let gpu = gpu();
        genlab_core::nn::gemm::set_kernel(genlab_core::nn::gemm::Kernel::RowLoops);
        let gaussian = Output::Gaussian { sigma: 0.3 };
        for (hidden, latent, classes, output) in [
            (24, 2, 0, Output::Bernoulli),
            (24, 3, 10, gaussian),
            (9, 2, 10, Output::Bernoulli),
        ] {
            let mut rng = Rng::new(31);
            let shape = genlab_core::vae::VaeShape {
                hidden,
                latent,
                classes,
                output,
            };
            let mut net = VaeNet::<f32>::with_shape(shape, &mut rng);
            let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.n_params(), 0.9);
            let (n, batch) = (20, 5);
            let with_labels = |x: &[f32], rng: &mut Rng| -> Vec<f32> {
                x.chunks_exact(PIXELS)
                    .flat_map(|row| {
                        let label = rng.below(10);
                        let one_hot = (0..classes).map(move |k| f32::from(k == label));
                        row.iter().copied().chain(one_hot).collect::<Vec<_>>()
                    })
                    .collect()
            };
            let test_x: Vec<f32> = (0..n * PIXELS).map(|_| rng.uniform() as f32).collect();
            let test_in = with_labels(&test_x, &mut rng);
            let test_eps: Vec<f32> = (0..n * latent).map(|_| rng.normal() as f32).collect();
            let mut g = GpuVae::new(gpu, &net, batch, 1.0, &opt);
            g.keep_test_split(gpu, &test_in, &test_x, &test_eps, 7);
            let (mut ws, mut d_params) = (Workspace::default(), vec![0.0f32; net.n_params()]);
            for (round, beta) in [1.0, 0.0, 1.0].into_iter().enumerate() {
                g.set_loss(gpu, beta, output);
                let x: Vec<f32> = (0..batch * PIXELS).map(|_| rng.uniform() as f32).collect();
                let input = with_labels(&x, &mut rng);
                let eps: Vec<f32> = (0..batch * latent).map(|_| rng.normal() as f32).collect();
                let step = net.forward_loss_given(&input, &x, &eps, batch, &mut ws);
                net.backward(&x, beta, &mut ws, &mut d_params);
                opt.step(&mut net.params, &d_params, 1e-2);
                g.step_given(gpu, &input, &x, &eps, 1e-2);
                let losses = round != 1;
                // A view's read first: the codes alone, the step's loss sums left in place.
                let codes_only = g.read_codes(gpu).expect("a kept split");
                let codes_only = pollster::block_on(codes_only).unwrap();
                let copy = pollster::block_on(g.read_scored(gpu, losses)).unwrap();
                let rel = |a: f64, b: f64| (a - b).abs() / b.abs().max(1.0);
                assert!(
                    rel(copy.sums[0], step.rec) < 3e-6,
                    "{:?} vs {step:?}",
                    copy.sums
                );
                assert!(
                    rel(copy.sums[1], step.kl) < 3e-6,
                    "{:?} vs {step:?}",
                    copy.sums
                );
                let scores = copy.scores.expect("a scored read");
                assert!(codes_only.view_only);
                assert!(codes_only.params.is_empty() && codes_only.m.is_empty());
                assert!(codes_only.v.is_empty() && codes_only.sums.is_empty());
                let view_scores = codes_only.scores.expect("the codes");
                assert_eq!(
                    view_scores.codes, scores.codes,
                    "the same pass at the same step"
                );
                assert!(view_scores.losses.is_empty());
                let noise: Vec<f32> = test_eps.iter().map(|&e| e * beta as f32).collect();
                let cpu = net.forward_loss_given(&test_in, &test_x, &noise, n, &mut ws);
                let mu: Vec<f32> = (0..n).flat_map(|i| ws.encoding(i).0.to_vec()).collect();
                let what = format!("H = {hidden}, L = {latent}, C = {classes}, β = {beta}");
                let diff = max_rel_diff(&scores.codes, &mu);
                eprintln!("{what}: codes {diff:e}, losses {:?}", scores.losses);
                assert!(diff < 2e-5, "{what}: codes differ by {diff}");
                if losses {
                    let [rec, kl] = scores.losses[..] else {
                        panic!("{what}: {:?}", scores.losses)
                    };
                    assert!(rel(rec, cpu.rec) < 3e-6, "{what}: rec {rec} vs {}", cpu.rec);
                    assert!(rel(kl, cpu.kl) < 3e-6, "{what}: KL {kl} vs {}", cpu.kl);
                } else {
                    assert!(
                        scores.losses.is_empty(),
                        "{what}: codes alone were asked for"
                    );
                }
            }
            // A plain read scores nothing.
            let copy = pollster::block_on(g.read(gpu)).unwrap();
            assert_eq!(copy.scores, None);
            assert!(GpuVae::new(gpu, &net, batch, 1.0, &opt)
                .read_codes(gpu)
                .is_none());
        }
    }

    fn encodings(ws: &Workspace<f32>, batch: usize, latent: usize) -> Vec<f32> {
        (0..batch)
            .flat_map(|b| {
                let (mu, log_var) = ws.encoding(b);
                assert_eq!(mu.len(), latent);
                mu.iter().chain(log_var).copied().collect::<Vec<_>>()
            })
            .collect()
    }

    fn batch_and_noise(rng: &mut Rng, batch: usize) -> (Vec<f32>, Vec<f32>) {
        let x = (0..batch * PIXELS).map(|_| rng.uniform() as f32).collect();
        let eps = (0..batch * 2).map(|_| rng.normal() as f32).collect();
        (x, eps)
    }

    /// Three steps on the GPU, handed over, two more on the CPU: the same parameters as five
    /// on the CPU — Adam's moments and step count travel too, so nothing is lost.
    #[test]
    fn a_gpu_run_hands_over_to_the_cpu_with_its_optimiser_state() {
        let gpu = gpu();
        let (hidden, batch) = (16, 8);
        let mut rng = Rng::new(21);
        let start = VaeNet::<f32>::new(hidden, &mut rng);
        let batches: Vec<_> = (0..5).map(|_| batch_and_noise(&mut rng, batch)).collect();
        let fresh_opt = || {
            let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, start.n_params(), 0.9);
            opt.eps = 1e-7;
            opt
        };
        let cpu_step =
            |net: &mut VaeNet<f32>, opt: &mut Optimizer<f32>, (x, eps): &(Vec<f32>, Vec<f32>)| {
                let (mut ws, mut d) = (Workspace::default(), vec![0.0f32; net.n_params()]);
                net.forward_loss(x, eps, batch, &mut ws);
                net.backward(x, 1.0, &mut ws, &mut d);
                opt.step(&mut net.params, &d, 1e-3);
            };
        let (mut reference, mut reference_opt) = (start.clone(), fresh_opt());
        batches
            .iter()
            .for_each(|b| cpu_step(&mut reference, &mut reference_opt, b));
        let (mut net, mut opt) = (start.clone(), fresh_opt());
        let mut g = GpuVae::new(gpu, &net, batch, 1.0, &opt);
        for (x, eps) in &batches[..3] {
            g.step(gpu, x, eps, 1e-3);
        }
        pollster::block_on(g.hand_over(gpu, &mut net, &mut opt)).unwrap();
        batches[3..]
            .iter()
            .for_each(|b| cpu_step(&mut net, &mut opt, b));
        let diff = net
            .params
            .iter()
            .zip(&reference.params)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        // Measured 1.2e-7; handing over the parameters alone (a fresh Adam) leaves 3.4e-3.
        assert!(diff < 1e-5, "handed-over run differs by {diff}");
    }

    /// A lost device (here destroyed) fails every read with `Lost` and changes nothing on the
    /// CPU side: the page then carries on from its last good copy.
    #[test]
    fn a_lost_device_fails_reads_and_leaves_the_cpu_copy_alone() {
        let own = pollster::block_on(Gpu::request()).expect("a device");
        let mut rng = Rng::new(5);
        let mut net = VaeNet::<f32>::new(8, &mut rng);
        let mut opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.n_params(), 0.9);
        let mut g = GpuVae::new(&own, &net, 4, 1.0, &opt);
        let (x, eps) = batch_and_noise(&mut rng, 4);
        g.step(&own, &x, &eps, 1e-3);
        assert!(pollster::block_on(g.losses(&own)).is_ok());
        assert!(!own.is_lost());
        own.device.destroy();
        own.wait();
        assert!(own.is_lost(), "the lost callback ran");
        assert_eq!(pollster::block_on(g.losses(&own)), Err(GpuError::Lost));
        let before = (net.params.clone(), opt.clone());
        assert_eq!(
            pollster::block_on(g.hand_over(&own, &mut net, &mut opt)),
            Err(GpuError::Lost)
        );
        assert_eq!((net.params.clone(), opt), before);
    }

    #[test]
    fn the_gpu_run_follows_the_cpu_curve_on_real_digits() {
        let digits = genlab_core::vae::data::load_repo_asset().expect("the digits asset");
        let curve = follow(gpu(), &digits, 32, 20, 0.003, 1.0, 60, 1);
        let worst = curve
            .iter()
            .map(|(cpu, gpu)| (cpu - gpu).abs() / cpu.abs())
            .fold(0.0, f64::max);
        eprintln!("worst relative gap over {} steps: {worst:e}", curve.len());
        // The curve falls (it is training) and both paths draw the same one.
        assert!(
            curve[59].0 < 0.8 * curve[0].0,
            "{:?}",
            (curve[0], curve[59])
        );
        // Measured on lavapipe: 2.8e-7 at worst.
        assert!(worst < 1e-5, "the GPU run left the CPU curve by {worst}");
    }
}
