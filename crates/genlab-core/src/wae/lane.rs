//! One way of shaping the latent space, in training: an autoencoder of the family with a 2-D code
//! and what pushes its aggregate posterior q(z) towards the prior p(z) — the VAE's per-image
//! KL (β), the WAE's MMD between the batch's codes and prior samples (λ), the adversarial
//! autoencoder's discriminator (three phases per batch: reconstruction, regularisation,
//! generator), or nothing (a plain autoencoder). The lesson trains one lane per regulariser on
//! the same batches and prior samples; lanes whose shapes agree start from the same weights.

use super::discriminator::Discriminator;
use crate::autoencoder::latent::Latent;
use crate::autoencoder::model::{Act, AeNet, AeShape, Output, Workspace};
use crate::autoencoder::penalty::{Penalty, PenaltyKind};
use crate::digits::data::PIXELS;
use crate::msg;
use crate::msg::Msg;
use crate::nn::{Optimizer, OptimizerKind};
use crate::rng::Rng;
use crate::transport::mmd::{unbiased_with_gradient, Kernel};

crate::choice_enum! {
    /// How q(z) is pushed towards p(z).
    pub enum Shaping { Kl = "kl", Mmd = "mmd", Adversarial = "adversarial", None = "none" }
}

impl Shaping {
    /// The penalty the family's own backward pass applies: the VAE's β·KL, else none.
    pub fn penalty(self, knobs: &Knobs) -> Penalty {
        match self {
            Shaping::Kl => Penalty {
                kind: PenaltyKind::Kl,
                lambda: knobs.beta,
            },
            _ => Penalty::NONE,
        }
    }

    /// The WAE's pull, for its lane.
    pub fn pull(self, knobs: &Knobs) -> Option<MmdPull> {
        (self == Shaping::Mmd).then_some(MmdPull {
            lambda: knobs.mmd_lambda,
            kernel: knobs.kernel,
        })
    }
}

/// The regularisers' knobs, shared by every lane (each reads its own).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knobs {
    /// The VAE's KL weight.
    pub beta: f64,
    /// The WAE's weight on MMD² and the adversarial generator phase's on −log D(z). They
    /// differ by orders of magnitude: MMD² of a batch is a fraction of a nat while a digit's
    /// reconstruction costs a hundred (measured: λ = 100 leaves the codes where a plain
    /// autoencoder puts them, λ = 1,000 brings them to the prior).
    pub mmd_lambda: f64,
    pub adv_lambda: f64,
    pub kernel: Kernel,
    /// The discriminator's learning rate and its steps per batch (the regularisation phase).
    pub disc_lr: f64,
    pub disc_steps: u32,
}

/// The WAE's pull on a lane's point codes: λ · MMD²(the batch's codes, as many prior samples)
/// under `kernel`, added to the reconstruction loss.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmdPull {
    pub lambda: f64,
    pub kernel: Kernel,
}

/// What a device copy of the adversarial lane carries beside the autoencoder's weights and
/// Adam: the generator phase's Adam (over the encoder), the discriminator's weights and Adam,
/// and the discriminator's loss at the last step. In a [`crate::device::DeviceCopy`] it
/// travels as `extra` (the f32 vectors, in this order) and `sums` (the two step counts and the
/// loss): see [`AdversaryCopy::into_parts`].
#[derive(Clone, Debug, PartialEq)]
pub struct AdversaryCopy {
    pub encoder_m: Vec<f32>,
    pub encoder_v: Vec<f32>,
    pub encoder_t: u64,
    pub disc_params: Vec<f32>,
    pub disc_m: Vec<f32>,
    pub disc_v: Vec<f32>,
    pub disc_t: u64,
    pub loss: f64,
}

impl AdversaryCopy {
    /// (`extra`, `sums`) of a device copy.
    pub fn into_parts(self) -> (Vec<f32>, Vec<f64>) {
        let mut extra = self.encoder_m;
        extra.extend(self.encoder_v);
        extra.extend(self.disc_params);
        extra.extend(self.disc_m);
        extra.extend(self.disc_v);
        (
            extra,
            vec![self.encoder_t as f64, self.disc_t as f64, self.loss],
        )
    }

    /// Back from a copy's parts, for a lane whose encoder has `encoder_len` parameters and
    /// discriminator `disc_len`; `None` if the parts do not have those sizes.
    pub fn from_parts(
        extra: &[f32],
        sums: &[f64],
        encoder_len: usize,
        disc_len: usize,
    ) -> Option<Self> {
        if extra.len() != 2 * encoder_len + 3 * disc_len || sums.len() != 3 {
            return None;
        }
        let (em, rest) = extra.split_at(encoder_len);
        let (ev, rest) = rest.split_at(encoder_len);
        let (dp, rest) = rest.split_at(disc_len);
        let (dm, dv) = rest.split_at(disc_len);
        Some(AdversaryCopy {
            encoder_m: em.to_vec(),
            encoder_v: ev.to_vec(),
            encoder_t: sums[0] as u64,
            disc_params: dp.to_vec(),
            disc_m: dm.to_vec(),
            disc_v: dv.to_vec(),
            disc_t: sums[1] as u64,
            loss: sums[2],
        })
    }
}

/// What one step of a lane measured on its batch.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LaneLoss {
    /// Mean reconstruction loss per image (nats, Bernoulli).
    pub rec: f64,
    /// The regulariser's own value, unweighted: the mean KL per image, the batch's MMD², the
    /// discriminator's cross-entropy (0 for none).
    pub reg: f64,
}

#[derive(Clone)]
pub struct ShapingLane {
    pub shaping: Shaping,
    pub net: AeNet<f32>,
    opt: Optimizer<f32>,
    /// The generator phase's own Adam, over the encoder's parameters only.
    encoder_opt: Optimizer<f32>,
    encoder_len: usize,
    pub disc: Option<Discriminator>,
    ws: Workspace<f32>,
    grad: Vec<f32>,
}

/// The family's shape for a lane: 784 − H − 2 − H − 784 with ReLU, a linear code and a Bernoulli
/// output; the VAE's code layer gives μ and log σ² of a 2-D z.
pub fn shape(hidden: usize, shaping: Shaping) -> AeShape {
    AeShape {
        input: PIXELS,
        hidden: vec![hidden],
        code: 2,
        act: Act::Relu,
        code_act: Act::Linear,
        tied: false,
        output: Output::Bernoulli,
        latent: if shaping == Shaping::Kl {
            Latent::Gaussian
        } else {
            Latent::Point
        },
        condition: 0,
    }
}

impl ShapingLane {
    /// A lane with `hidden` units, its weights from `init` (a fresh copy of one stream per lane
    /// gives lanes of one shape the same start) and its discriminator (`disc_width` units; with
    /// the label when `supervised`) from `disc_init`.
    pub fn new(
        shaping: Shaping,
        hidden: usize,
        disc_width: usize,
        supervised: bool,
        init: &mut Rng,
        disc_init: &mut Rng,
    ) -> ShapingLane {
        let net = AeNet::<f32>::new(shape(hidden, shaping), init);
        let n = net.n_params();
        let first_decoder = net.layers()[net.code_layer() + 1];
        let encoder_len = first_decoder.w.min(first_decoder.b);
        let mut opt = Optimizer::new(OptimizerKind::Adam, n, 0.9);
        opt.eps = 1e-7;
        let mut encoder_opt = Optimizer::new(OptimizerKind::Adam, encoder_len, 0.9);
        encoder_opt.eps = 1e-7;
        ShapingLane {
            shaping,
            disc: (shaping == Shaping::Adversarial)
                .then(|| Discriminator::new(disc_width, supervised, disc_init)),
            net,
            opt,
            encoder_opt,
            encoder_len,
            ws: Workspace::default(),
            grad: vec![0.0; n],
        }
    }

    /// The lane's Adam and the generator phase's (over the encoder), which a device twin
    /// continues from.
    pub fn optimizer(&self) -> &Optimizer<f32> {
        &self.opt
    }

    pub fn encoder_optimizer(&self) -> &Optimizer<f32> {
        &self.encoder_opt
    }

    /// Takes a device's copy: weights and Adam's moments and step count (copied into the
    /// vectors the lane holds), and the adversarial lane's own state beside them. `Err`: an
    /// adversary's copy that does not fit this lane.
    pub fn take_copy(
        &mut self,
        (params, m, v, t): (&[f32], &[f32], &[f32], u64),
        adversary: Option<AdversaryCopy>,
    ) -> Result<(), Msg> {
        match (self.disc.as_mut(), adversary) {
            (Some(disc), Some(a)) => {
                let f64s = |v: Vec<f32>| -> Vec<f64> { v.into_iter().map(f64::from).collect() };
                crate::runfile::expect_len(
                    "discriminator weights",
                    a.disc_params.len(),
                    disc.mlp.params.len(),
                )?;
                crate::runfile::expect_len(
                    "generator-phase moments",
                    a.encoder_m.len(),
                    self.encoder_len,
                )?;
                self.encoder_opt
                    .set_moments(a.encoder_m, a.encoder_v, a.encoder_t);
                disc.take_copy(
                    f64s(a.disc_params),
                    f64s(a.disc_m),
                    f64s(a.disc_v),
                    a.disc_t,
                );
            }
            (None, None) => {}
            (mine, copied) => crate::runfile::expect_len(
                "discriminators",
                usize::from(copied.is_some()),
                usize::from(mine.is_some()),
            )?,
        }
        self.net.params.copy_from_slice(params);
        self.opt.copy_moments(m, v, t);
        Ok(())
    }

    /// The adversarial lane's own state as a device copy carries it (f32, as the device
    /// holds it).
    pub fn adversary_copy(&self) -> Option<AdversaryCopy> {
        let disc = self.disc.as_ref()?;
        let f32s = |v: &[f64]| -> Vec<f32> { v.iter().map(|&x| x as f32).collect() };
        let (em, ev, et) = self.encoder_opt.moments();
        let (dm, dv, dt) = disc.optimizer().moments();
        Some(AdversaryCopy {
            encoder_m: em.to_vec(),
            encoder_v: ev.to_vec(),
            encoder_t: et,
            disc_params: f32s(&disc.mlp.params),
            disc_m: f32s(dm),
            disc_v: f32s(dv),
            disc_t: dt,
            loss: f64::NAN,
        })
    }

    /// Parameters of the encoder (the first of `net.params`), which the generator phase moves.
    pub fn encoder_len(&self) -> usize {
        self.encoder_len
    }

    /// One step on batch `x` (B × 784, labels `labels`) against prior samples `prior` (B, drawn
    /// per class from `prior_labels` for a supervised prior); `eps` (B × 2) is the VAE's noise.
    /// `Err`: a value went non-finite.
    #[allow(clippy::too_many_arguments)] // the batch, the prior's batch and the knobs
    pub fn step(
        &mut self,
        x: &[f32],
        labels: &[u8],
        prior: &[[f64; 2]],
        prior_labels: &[u8],
        eps: &[f32],
        knobs: &Knobs,
        lr: f64,
    ) -> Result<LaneLoss, Msg> {
        let b = x.len() / PIXELS;
        let (penalty, pull) = (self.shaping.penalty(knobs), self.shaping.pull(knobs));
        let prior_f32: Vec<f32> = prior.iter().flatten().map(|&v| v as f32).collect();
        let mut out = reconstruction_phase(
            &mut self.net,
            &mut self.opt,
            (&mut self.ws, &mut self.grad),
            (x, eps, &prior_f32),
            penalty,
            pull,
            lr,
        )?;
        if let Some(disc) = self.disc.as_mut() {
            // The regularisation phase: D tells the prior's samples from the new codes.
            self.net.encode(x, b, &mut self.ws);
            let codes: Vec<[f64; 2]> = self
                .ws
                .code(&self.net)
                .chunks_exact(2)
                .map(|c| [c[0] as f64, c[1] as f64])
                .collect();
            for _ in 0..knobs.disc_steps.max(1) {
                out.reg = disc.train_step(prior, prior_labels, &codes, labels, knobs.disc_lr);
            }
            // The generator phase: the encoder alone moves its codes to where D says "prior".
            let (_, d_codes) = disc.fool(&codes, labels);
            let g: Vec<f32> = d_codes
                .iter()
                .flatten()
                .map(|g| (knobs.adv_lambda * g) as f32)
                .collect();
            self.net.encoder_backward(&g, &mut self.ws, &mut self.grad);
            let e = self.encoder_len;
            self.encoder_opt
                .step(&mut self.net.params[..e], &self.grad[..e], lr);
        }
        let finite = out.rec.is_finite()
            && out.reg.is_finite()
            && self.net.params.iter().all(|p| p.is_finite());
        if !finite {
            return Err(msg!("msg.wae.diverged"));
        }
        Ok(out)
    }

    /// The codes of `x` (n × 784): the point code, or the VAE's μ.
    pub fn codes(&self, x: &[f32]) -> Vec<[f64; 2]> {
        let n = x.len() / PIXELS;
        let mut ws = Workspace::default();
        self.net.encode(x, n, &mut ws);
        let code = ws.code(&self.net);
        let width = code.len() / n.max(1);
        code.chunks_exact(width)
            .map(|c| [c[0] as f64, c[1] as f64])
            .collect()
    }

    /// Mean reconstruction loss per image of `x` (n × 784), in nats; the VAE decodes its μ.
    pub fn reconstruction(&self, x: &[f32]) -> f64 {
        let n = x.len() / PIXELS;
        if n == 0 {
            return f64::NAN;
        }
        let mut ws = Workspace::default();
        let loss = self
            .net
            .forward_loss_noisy(x, x, &[], n, &Penalty::NONE, &mut ws);
        loss.rec / n as f64
    }

    /// Images decoded from latent points `z`.
    pub fn decode(&self, z: &[[f64; 2]]) -> Vec<f32> {
        let flat: Vec<f32> = z.iter().flatten().map(|&v| v as f32).collect();
        let mut ws = Workspace::default();
        self.net.decode(&flat, z.len(), &mut ws);
        ws.output().to_vec()
    }
}

/// A lane's reconstruction phase — with the VAE's β·KL or the WAE's pull where it has one —
/// as one Adam step of `net` on the batch `x` (B × 784) with `eps` (B × 2) a Gaussian code's
/// noise and `prior` (B × 2) the samples the pull compares the codes with, in f32 as a device
/// holds them (so both paths pull towards the same points). What a device twin of the lane
/// runs; `ws` and `grad` are the lane's scratch. `Err`: an invalid kernel.
pub fn reconstruction_phase(
    net: &mut AeNet<f32>,
    opt: &mut Optimizer<f32>,
    (ws, grad): (&mut Workspace<f32>, &mut Vec<f32>),
    (x, eps, prior): (&[f32], &[f32], &[f32]),
    penalty: Penalty,
    pull: Option<MmdPull>,
    lr: f64,
) -> Result<LaneLoss, Msg> {
    let b = x.len() / PIXELS;
    let eps: &[f32] = if net.shape.latent == Latent::Gaussian {
        eps
    } else {
        &[]
    };
    let loss = net.forward_loss_noisy(x, x, eps, b, &penalty, ws);
    let mut out = LaneLoss {
        rec: loss.rec / b as f64,
        reg: loss.kl / b as f64,
    };
    // A batch-level pull on the codes (the WAE's MMD), or none.
    let code_grad: Vec<f32> = match pull {
        Some(pull) => {
            let rows = |v: &[f32]| -> Vec<Vec<f64>> {
                v.chunks_exact(2)
                    .map(|c| vec![c[0] as f64, c[1] as f64])
                    .collect()
            };
            let (mmd2, d) = unbiased_with_gradient(&rows(ws.code(net)), &rows(prior), pull.kernel)?;
            out.reg = mmd2;
            d.iter()
                .flatten()
                .map(|g| (pull.lambda * g) as f32)
                .collect()
        }
        None => vec![],
    };
    net.backward_adding(x, &penalty, &code_grad, ws, grad);
    opt.step(&mut net.params, grad, lr);
    Ok(out)
}

/// What a step changes in a lane, for an exported run: the weights, both optimisers and the
/// discriminator (the shapes follow from the settings).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct ShapingLaneState {
    #[serde(with = "crate::runfile::packed")]
    params: Vec<f32>,
    optimizer: Optimizer<f32>,
    encoder_optimizer: Optimizer<f32>,
    discriminator: Option<(Vec<f64>, Optimizer<f64>)>,
}

impl ShapingLane {
    pub fn save(&self) -> ShapingLaneState {
        ShapingLaneState {
            params: self.net.params.clone(),
            optimizer: self.opt.clone(),
            encoder_optimizer: self.encoder_opt.clone(),
            discriminator: self.disc.as_ref().map(|d| d.save()),
        }
    }

    /// Takes a saved lane into this one, built from the same settings, checking every shape.
    pub fn load(&mut self, state: ShapingLaneState) -> Result<(), Msg> {
        use crate::runfile::{expect_finite, expect_len};
        expect_len("lane weights", state.params.len(), self.net.params.len())?;
        expect_finite("lane weights", &state.params)?;
        self.opt.restore(state.optimizer, "lane optimiser")?;
        self.encoder_opt
            .restore(state.encoder_optimizer, "generator-phase optimiser")?;
        match (self.disc.as_mut(), state.discriminator) {
            (Some(d), Some(saved)) => d.load(saved)?,
            (None, None) => {}
            (mine, saved) => expect_len(
                "discriminators",
                usize::from(saved.is_some()),
                usize::from(mine.is_some()),
            )?,
        }
        self.net.params = state.params;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autoencoder::lane::fill_batch;
    use crate::settings::ChoiceEnum;
    use crate::wae::distance::distance_to_prior;
    use crate::wae::prior::Prior;

    /// The adversarial lane's device state travels as a copy's parts and comes back whole; parts
    /// of another size are refused.
    #[test]
    fn an_adversary_copy_round_trips_through_a_device_copys_parts() {
        let a = AdversaryCopy {
            encoder_m: vec![1.0, 2.0, 3.0],
            encoder_v: vec![4.0, 5.0, 6.0],
            encoder_t: 7,
            disc_params: vec![8.0, 9.0],
            disc_m: vec![10.0, 11.0],
            disc_v: vec![12.0, 13.0],
            disc_t: 14,
            loss: 0.5,
        };
        let (extra, sums) = a.clone().into_parts();
        assert_eq!(AdversaryCopy::from_parts(&extra, &sums, 3, 2), Some(a));
        assert_eq!(AdversaryCopy::from_parts(&extra, &sums, 2, 2), None);
        assert_eq!(AdversaryCopy::from_parts(&extra, &sums[..2], 3, 2), None);
    }

    /// The lesson's default weights (see `WaeSettings::default`).
    fn lesson_knobs() -> Knobs {
        Knobs {
            beta: 1.0,
            mmd_lambda: 1000.0,
            adv_lambda: 10.0,
            kernel: Kernel::Imq { c: 4.0 },
            disc_lr: 1e-3,
            disc_steps: 1,
        }
    }

    /// `n` digits spread over a split (the test split is ordered by class).
    fn spread(split: &[usize], n: usize) -> Vec<usize> {
        split
            .iter()
            .copied()
            .step_by((split.len() / n).max(1))
            .take(n)
            .collect()
    }

    /// Every lane trained on the same batches and prior samples from one seed (400 steps of
    /// 64 digits, H = 64), then the test codes' distance to the prior: each regulariser brings
    /// it down, the plain autoencoder's codes stay far. The distance is the exact W₁: the
    /// MMD² (σ = 1) of codes far from the prior saturates — every kernel value is ≈ 0 — and
    /// no longer tells a far lane from a farther one.
    #[test]
    fn each_regulariser_pulls_the_codes_to_the_prior_and_the_plain_autoencoder_does_not() {
        let digits = crate::digits::data::load_repo_asset().expect("the bundled digits");
        let knobs = lesson_knobs();
        let (hidden, batch, steps) = (64, 64, 400);
        for prior in [Prior::Normal, Prior::Ring] {
            let mut data_rng = Rng::new(5);
            let mut lanes: Vec<ShapingLane> = Shaping::ALL
                .iter()
                .map(|&s| {
                    ShapingLane::new(s, hidden, 32, false, &mut Rng::new(1), &mut Rng::new(2))
                })
                .collect();
            let start = std::time::Instant::now();
            let mut x = vec![];
            for _ in 0..steps {
                let idx: Vec<usize> = (0..batch)
                    .map(|_| digits.train[data_rng.below(digits.train.len())])
                    .collect();
                fill_batch(&digits, &idx, &mut x);
                let labels: Vec<u8> = idx.iter().map(|&i| digits.labels[i]).collect();
                let z = prior.sample(&mut data_rng, batch);
                let eps: Vec<f32> = (0..batch * 2).map(|_| data_rng.normal() as f32).collect();
                for lane in &mut lanes {
                    lane.step(&x, &labels, &z, &labels, &eps, &knobs, 1e-3)
                        .expect("finite");
                }
            }
            let n = 300;
            let mut test_x = vec![];
            fill_batch(&digits, &spread(&digits.test, n), &mut test_x);
            let reference = prior.sample(&mut Rng::new(9), n);
            let floor = distance_to_prior(&prior.sample(&mut Rng::new(10), n), &reference).unwrap();
            eprintln!(
                "{prior:?}: {:.1} s; two prior samples: {floor:?}",
                start.elapsed().as_secs_f64()
            );
            for lane in &lanes {
                let d = distance_to_prior(&lane.codes(&test_x), &reference).unwrap();
                eprintln!("{prior:?} {:?}: {d:?}", lane.shaping);
                // Measured (300 test codes against 300 prior samples; two prior samples are
                // 0.24–0.26 apart): W₁ 0.30–2.5 with a regulariser, 17.3–17.6 without.
                if lane.shaping == Shaping::None {
                    assert!(
                        d.emd > 10.0,
                        "{prior:?}: the plain autoencoder's codes at {d:?}"
                    );
                } else {
                    assert!(d.emd < 4.0, "{prior:?} {:?}: codes at {d:?}", lane.shaping);
                }
            }
        }
    }

    /// The supervised prior: the discriminator reads the label and the prior's samples come
    /// from their class's ring component, so the encoder learns to put each class on its own
    /// component. Measured: of 300 test codes spread over the classes, 75% sit nearest their
    /// class's centre after 2,000 steps of 64 digits (10% by chance).
    #[test]
    fn the_supervised_adversarial_autoencoder_puts_each_class_on_its_component() {
        let digits = crate::digits::data::load_repo_asset().expect("the bundled digits");
        let knobs = lesson_knobs();
        let (prior, batch) = (Prior::Ring, 64);
        let mut rng = Rng::new(5);
        let mut lane = ShapingLane::new(
            Shaping::Adversarial,
            64,
            32,
            true,
            &mut Rng::new(1),
            &mut Rng::new(2),
        );
        let mut x = vec![];
        for _ in 0..2000 {
            let idx: Vec<usize> = (0..batch)
                .map(|_| digits.train[rng.below(digits.train.len())])
                .collect();
            fill_batch(&digits, &idx, &mut x);
            let labels: Vec<u8> = idx.iter().map(|&i| digits.labels[i]).collect();
            let z: Vec<[f64; 2]> = labels
                .iter()
                .map(|&y| prior.sample_component(&mut rng, y as usize))
                .collect();
            lane.step(&x, &labels, &z, &labels, &[], &knobs, 1e-3)
                .expect("finite");
        }
        let n = 300;
        let test = spread(&digits.test, n);
        let mut test_x = vec![];
        fill_batch(&digits, &test, &mut test_x);
        let on_own = lane
            .codes(&test_x)
            .iter()
            .zip(&test)
            .filter(|(z, &i)| Prior::nearest_ring_component(**z) == digits.labels[i] as usize)
            .count() as f64
            / n as f64;
        eprintln!("share on their class's component: {on_own}");
        assert!(on_own > 0.6, "{on_own}");
    }
}
