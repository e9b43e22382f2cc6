//! A VAE's decoder alone, as the exact posterior's likelihood (issue #18): log p(x|z) of one
//! image at a batch of 2-D latent points — the grid, the Gauss–Hermite nodes, the importance
//! samples — through the VAE's matmul, element-wise and loss kernels. The CPU twin is
//! `genlab_core::vae::model::VaeNet::log_likelihood`.
//!
//! It owns a copy of the decoder's parameters, uploaded when it is made: the lesson's training
//! steps, queued on the same device while the posterior's rounds come and go, never reach it.

use std::rc::Rc;

use genlab_core::device::DeviceFault;
use genlab_core::vae::data::PIXELS;
use genlab_core::vae::model::VaeNet;
use genlab_core::vae::posterior::{BatchLikelihood, LikelihoodFuture};

use crate::elementwise::{Act, Elementwise};
use crate::matmul::{Layout, Matmul};
use crate::tensor::ReadBack;
use crate::vae::{kernel, Params};
use crate::{Gpu, Record, Tensor};

/// Latent points per pass: the lesson's 48 × 48 grid in one.
const ROWS: usize = 48 * 48;

pub struct GpuLikelihood {
    gpu: Rc<Gpu>,
    rows: usize,
    /// The points of one pass (rows × 2).
    z: Tensor,
    /// −log p(x|z) per point of the pass.
    nll: Tensor,
    ops: Vec<Box<dyn Record>>,
    // The decoder's parameters, the label rows, activations and x, which the ops are bound to.
    _buffers: Vec<Tensor>,
    _uniform: wgpu::Buffer,
}

impl GpuLikelihood {
    /// `net`'s decoder (a 2-D latent) scoring image `x` (784), with the one-hot `label` beside z
    /// for a conditional net.
    pub fn new(gpu: Rc<Gpu>, net: &VaeNet<f32>, x: &[f32], label: Option<u8>) -> GpuLikelihood {
        assert_eq!(net.latent(), 2, "the exact posterior's grid is 2-D");
        assert_eq!(x.len(), PIXELS);
        let g: &Gpu = &gpu;
        let (h, c) = (net.hidden, net.classes());
        let rows = g.fit_batch(ROWS, PIXELS.max(h));
        let [_, _, first, second] = net.layers();
        let block = |offset: usize, len: usize| &net.params[offset..offset + len];
        // The decoder's first W: the rows z reads, then the rows the label reads.
        let w3 = block(first.offset, first.n_in * h);
        let (w3z, w3y) = w3.split_at(2 * h);
        let b3 = Tensor::from_slice(g, block(first.offset + first.n_in * h, h));
        let w4 = Tensor::from_slice(g, block(second.offset, h * PIXELS));
        let b4 = Tensor::from_slice(g, block(second.offset + h * PIXELS, PIXELS));
        let w3z = Tensor::from_slice(g, w3z);
        let t = |len: usize| Tensor::zeros(g, len);
        let (z, hidden, logits, nll) = (t(rows * 2), t(rows * h), t(rows * PIXELS), t(rows));
        let x = Tensor::from_slice(g, x);
        let uniform = g.uniform(&Params::new(rows, 2, 0.0, net.shape.output));
        let mm = |a: &Tensor, w: &Tensor, out: &Tensor, shape, beta| -> Box<dyn Record> {
            Box::new(Matmul::new(g, a, w, out, shape, Layout::Plain, 1.0, beta))
        };
        let mut ops = vec![mm(&z, &w3z, &hidden, (rows, 2, h), 0.0)]; // rows × H
        let mut buffers = vec![];
        if c > 0 {
            // Every point reads the same label: rows × C one-hot rows, += y · W₃ʸ.
            let one_hot: Vec<f32> = (0..rows)
                .flat_map(|_| (0..c).map(|k| f32::from(label == Some(k as u8))))
                .collect();
            let y = Tensor::from_slice(g, &one_hot);
            let w3y = Tensor::from_slice(g, w3y);
            ops.push(mm(&y, &w3y, &hidden, (rows, c, h), 1.0));
            buffers.extend([y, w3y]);
        }
        ops.extend([
            Box::new(Elementwise::bias_act(g, &hidden, &b3, Act::Relu)) as Box<dyn Record>,
            mm(&hidden, &w4, &logits, (rows, h, PIXELS), 0.0), // rows × 784
            Box::new(Elementwise::bias_act(g, &logits, &b4, Act::Identity)),
            Box::new(kernel(
                g,
                "rec_loss_one_x",
                &uniform,
                &[&logits, &x, &nll],
                rows,
            )),
        ]);
        buffers.extend([w3z, b3, w4, b4, hidden, logits, x]);
        GpuLikelihood {
            gpu,
            rows,
            z,
            nll,
            ops,
            _buffers: buffers,
            _uniform: uniform,
        }
    }
}

impl BatchLikelihood for GpuLikelihood {
    /// One pass per `rows` points, each read back behind its own pass (a later pass's points
    /// are written after the read is queued, so they cannot reach it); awaited together.
    fn log_lik(&mut self, zs: &[[f64; 2]]) -> LikelihoodFuture {
        let mut reads = Vec::new();
        for chunk in zs.chunks(self.rows) {
            let z: Vec<f32> = chunk
                .iter()
                .flat_map(|p| [p[0] as f32, p[1] as f32])
                .collect();
            self.z.write(&self.gpu, &z);
            self.gpu.run(|pass| {
                for op in &self.ops {
                    op.record(pass);
                }
            });
            reads.push((ReadBack::start(&self.gpu, &[&self.nll]), chunk.len()));
        }
        Box::pin(async move {
            let mut out = Vec::new();
            for (read, len) in reads {
                let parts = read.finish().await.map_err(|_| DeviceFault::Lost)?;
                out.extend(parts[0][..len].iter().map(|&nll| -(nll as f64)));
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use genlab_core::autoencoder::model::Output;
    use genlab_core::rng::Rng;
    use genlab_core::vae::posterior::at_once;
    use genlab_core::vae::VaeShape;

    /// The decoder pass against the CPU's log p(x|z) on random points over more than one pass
    /// (3,000 > 2,304; z up to ±24), plain and conditional nets, both likelihoods. Measured on
    /// lavapipe: 3.3e-6 relative at worst — the device sums the 784 pixels' terms in f32, the
    /// CPU in f64; the bound leaves a margin of 9×.
    #[test]
    fn the_decoder_pass_gives_the_cpu_likelihood() {
        let gpu = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let mut rng = Rng::new(12);
        for (hidden, classes, output) in [
            (7, 0, Output::Bernoulli),
            (256, 0, Output::Gaussian { sigma: 0.3 }),
            (64, 10, Output::Bernoulli),
            (64, 10, Output::Gaussian { sigma: 1.0 }),
        ] {
            let shape = VaeShape {
                hidden,
                latent: 2,
                classes,
                output,
            };
            let net = VaeNet::<f32>::with_shape(shape, &mut rng);
            let x: Vec<f32> = (0..PIXELS).map(|_| rng.uniform() as f32).collect();
            let label = (classes > 0).then_some(7);
            let zs: Vec<[f64; 2]> = (0..3000)
                .map(|_| [6.0 * rng.normal(), 6.0 * rng.normal()])
                .collect();
            let cpu = net.log_likelihood(&x, label, &[])(&zs);
            let mut on_gpu = GpuLikelihood::new(gpu.clone(), &net, &x, label);
            let got = pollster::block_on(on_gpu.log_lik(&zs)).expect("the device is there");
            assert_eq!(got.len(), zs.len());
            let worst = got
                .iter()
                .zip(&cpu)
                .map(|(g, c)| (g - c).abs() / c.abs().max(1.0))
                .fold(0.0, f64::max);
            eprintln!("H = {hidden}, C = {classes}, {output:?}: worst relative {worst:e}");
            assert!(
                worst < 3e-5,
                "H = {hidden}, C = {classes}, {output:?}: {worst}"
            );
            // The CPU's closure answers at once through the same interface.
            let mut closure = net.log_likelihood(&x, label, &[]);
            assert_eq!(at_once(closure.log_lik(&zs[..5])).unwrap(), cpu[..5]);
        }
    }

    /// The pass is the decoder as it was when made: a later change to the net (training steps)
    /// does not reach it, and a lost device fails its reads rather than answering.
    #[test]
    fn the_pass_keeps_its_own_parameters_and_fails_when_the_device_is_lost() {
        let own = Rc::new(pollster::block_on(Gpu::request()).expect("a device"));
        let mut rng = Rng::new(3);
        let mut net = VaeNet::<f32>::new(16, &mut rng);
        let x: Vec<f32> = (0..PIXELS).map(|_| rng.uniform() as f32).collect();
        let zs = [[0.5, -1.0], [2.0, 0.0]];
        let before = net.log_likelihood(&x, None, &[])(&zs);
        let mut on_gpu = GpuLikelihood::new(own.clone(), &net, &x, None);
        net.params.iter_mut().for_each(|p| *p += 0.1);
        let got = pollster::block_on(on_gpu.log_lik(&zs)).unwrap();
        for (g, b) in got.iter().zip(&before) {
            assert!((g - b).abs() < 1e-4 * b.abs(), "{got:?} vs {before:?}");
        }
        own.device.destroy();
        own.wait();
        assert_eq!(
            pollster::block_on(on_gpu.log_lik(&zs)),
            Err(DeviceFault::Lost)
        );
    }
}
