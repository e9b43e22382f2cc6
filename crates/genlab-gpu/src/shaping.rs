//! A lane of the latent-shaping lesson (#/wae) on the GPU: the autoencoder family's twin — a
//! Gaussian code, the WAE's pull towards prior samples, or a plain code — and, for the
//! adversarial autoencoder, its discriminator and the generator phase's step of the encoder.
//! The CPU twin is `genlab_core::wae::lane::ShapingLane::step`: per batch a reconstruction
//! phase, then (adversarial only) the regularisation phase's discriminator steps on the prior's
//! samples against the new codes and the generator phase's encoder step along
//! λ ∂(−log D(z))/∂z — here one submission each, so every Adam step has its own constants.

use genlab_core::device::{DeviceCopy, ShapingBatch};
use genlab_core::wae::lane::{AdversaryCopy, Knobs, Shaping, ShapingLane};

use crate::adam::Adam;
use crate::autoencoder::GpuAutoencoder;
use crate::discriminator::GpuDiscriminator;
use crate::tensor::ReadBack;
use crate::{Gpu, GpuError, Record};

/// The adversarial autoencoder's pieces beside its autoencoder.
struct Adversary {
    disc: GpuDiscriminator,
    /// The generator phase's Adam over the encoder's blocks.
    encoder_adam: Vec<Adam>,
    disc_lr: f64,
    disc_steps: u32,
}

pub struct GpuShapingLane {
    shaping: Shaping,
    pub ae: GpuAutoencoder,
    adversary: Option<Adversary>,
}

impl GpuShapingLane {
    /// A twin of `lane` (weights, every optimiser's state, a discriminator's) with `knobs`, for
    /// batches of `batch`.
    pub fn new(gpu: &Gpu, lane: &ShapingLane, knobs: &Knobs, batch: usize) -> GpuShapingLane {
        let shaping = lane.shaping;
        let ae = GpuAutoencoder::shaping(
            gpu,
            &lane.net,
            shaping.penalty(knobs),
            shaping.pull(knobs),
            lane.optimizer(),
            batch,
        );
        let adversary = lane.disc.as_ref().map(|disc| Adversary {
            disc: GpuDiscriminator::new(gpu, disc, batch, &ae.code, &ae.d_code, knobs.adv_lambda),
            encoder_adam: ae.encoder_adam(gpu, lane.encoder_optimizer()),
            disc_lr: knobs.disc_lr,
            disc_steps: knobs.disc_steps,
        });
        GpuShapingLane {
            shaping,
            ae,
            adversary,
        }
    }

    /// One step on `b`; submitted, not awaited.
    pub fn step(&mut self, gpu: &Gpu, b: ShapingBatch<'_>, lr: f64) {
        self.ae.step_shaping(gpu, b.x, b.eps, b.prior, lr);
        let Some(a) = self.adversary.as_mut() else {
            return;
        };
        // The regularisation phase: the new codes into the discriminator's rows, then its
        // steps.
        a.disc.write_rows(gpu, b.prior, b.labels);
        for k in 0..a.disc_steps.max(1) {
            a.disc.prepare(gpu, a.disc_lr);
            gpu.run(|pass| {
                if k == 0 {
                    self.ae.record_encoder_forward(pass);
                    a.disc.record_copy_codes(pass);
                }
                a.disc.record_train(pass);
            });
        }
        // The generator phase: the encoder alone, along the discriminator's verdict.
        for adam in &mut a.encoder_adam {
            adam.prepare(gpu, lr);
        }
        gpu.run(|pass| {
            a.disc.record_fool(pass);
            self.ae.record_encoder_backward(pass);
            for adam in &a.encoder_adam {
                adam.record(pass);
            }
        });
    }

    /// The regularisers' knobs from the next step on.
    pub fn set_knobs(&mut self, gpu: &Gpu, knobs: &Knobs) {
        self.ae.set_penalty(gpu, self.shaping.penalty(knobs));
        if let Some(pull) = self.shaping.pull(knobs) {
            self.ae.set_pull(gpu, pull);
        }
        if let Some(a) = self.adversary.as_mut() {
            a.disc.set_lambda(gpu, knobs.adv_lambda);
            (a.disc_lr, a.disc_steps) = (knobs.disc_lr, knobs.disc_steps);
        }
    }

    /// The autoencoder's parameters and Adam (in `AeNet`'s layout), and the adversarial lane's
    /// own state as [`AdversaryCopy`]'s parts, copied at this point of the queue.
    pub fn read(
        &self,
        gpu: &Gpu,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        let ae = self.ae.read(gpu);
        let adversary = self.adversary.as_ref().map(|a| {
            let moments: Vec<_> = a.encoder_adam.iter().map(|adam| &adam.m).collect();
            let second: Vec<_> = a.encoder_adam.iter().map(|adam| &adam.v).collect();
            let tensors: Vec<_> = moments.into_iter().chain(second).collect();
            let blocks = a.encoder_adam.len();
            let encoder_t = a.encoder_adam.first().map_or(0, |adam| adam.t);
            (
                ReadBack::start(gpu, &tensors),
                blocks,
                encoder_t,
                a.disc.read(gpu),
            )
        });
        async move {
            let mut copy = ae.await?;
            if let Some((encoder, blocks, encoder_t, disc)) = adversary {
                let parts = encoder.finish().await?;
                let (disc_params, disc_m, disc_v, disc_t, loss) = disc.await?;
                let (extra, sums) = AdversaryCopy {
                    encoder_m: parts[..blocks].concat(),
                    encoder_v: parts[blocks..].concat(),
                    encoder_t,
                    disc_params,
                    disc_m,
                    disc_v,
                    disc_t,
                    loss: loss as f64,
                }
                .into_parts();
                (copy.extra, copy.sums) = (extra, sums);
            }
            Ok(copy)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_abs_diff};
    use genlab_core::rng::Rng;
    use genlab_core::transport::mmd::Kernel;

    /// The adversarial lane's whole step — reconstruction, two discriminator steps, the
    /// generator phase — against the CPU lane's, plain and with the supervised prior's labels,
    /// with λ and the discriminator's rate changed mid-run. Measured on lavapipe over four
    /// steps: the autoencoder's weights to 5.9e-6, the discriminator's to 2.1e-7, its loss to
    /// 9.7e-8 (its f32 against the CPU's f64); without the generator phase's encoder step the
    /// weights part by 7.4e-3.
    #[test]
    fn the_adversarial_lane_steps_as_the_cpu_lane() {
        let gpu = gpu();
        let b = 9;
        for supervised in [false, true] {
            let mut lane = ShapingLane::new(
                Shaping::Adversarial,
                12,
                8,
                supervised,
                &mut Rng::new(1),
                &mut Rng::new(2),
            );
            let mut knobs = Knobs {
                beta: 1.0,
                mmd_lambda: 1000.0,
                adv_lambda: 10.0,
                kernel: Kernel::Imq { c: 4.0 },
                disc_lr: 1e-3,
                disc_steps: 2,
            };
            let mut g = GpuShapingLane::new(gpu, &lane, &knobs, b);
            let mut rng = Rng::new(3);
            let (mut worst_ae, mut worst_d, mut worst_loss) = (0.0f32, 0.0f32, 0.0f64);
            for step in 0..4 {
                if step == 2 {
                    (knobs.adv_lambda, knobs.disc_lr) = (30.0, 3e-3);
                    g.set_knobs(gpu, &knobs);
                }
                let x: Vec<f32> = (0..b * 784).map(|_| rng.uniform() as f32).collect();
                let labels: Vec<u8> = (0..b).map(|_| rng.below(10) as u8).collect();
                let prior: Vec<f32> = (0..b * 2).map(|_| rng.normal() as f32).collect();
                let prior64: Vec<[f64; 2]> = prior
                    .chunks_exact(2)
                    .map(|p| [p[0] as f64, p[1] as f64])
                    .collect();
                let loss = lane
                    .step(&x, &labels, &prior64, &labels, &[], &knobs, 1e-3)
                    .expect("finite");
                let batch = ShapingBatch {
                    x: &x,
                    labels: &labels,
                    eps: &[],
                    prior: &prior,
                };
                g.step(gpu, batch, 1e-3);
                let copy = pollster::block_on(g.read(gpu)).unwrap();
                worst_ae = worst_ae.max(max_abs_diff(&copy.params, &lane.net.params));
                let disc = lane.disc.as_ref().expect("a discriminator");
                let a = AdversaryCopy::from_parts(
                    &copy.extra,
                    &copy.sums,
                    lane.encoder_len(),
                    disc.mlp.n_params(),
                )
                .expect("the adversary's parts");
                let cpu_d: Vec<f32> = disc.mlp.params.iter().map(|&p| p as f32).collect();
                worst_d = worst_d.max(max_abs_diff(&a.disc_params, &cpu_d));
                worst_loss = worst_loss.max((a.loss - loss.reg).abs());
                assert_eq!(a.disc_t, disc.optimizer().moments().2);
                assert_eq!(a.encoder_t, lane.encoder_optimizer().moments().2);
            }
            eprintln!(
                "supervised {supervised}: autoencoder {worst_ae:e}, discriminator {worst_d:e}, loss {worst_loss:e}"
            );
            assert!(
                worst_ae < 1e-4 && worst_d < 1e-5 && worst_loss < 1e-5,
                "supervised {supervised}"
            );
        }
    }
}
