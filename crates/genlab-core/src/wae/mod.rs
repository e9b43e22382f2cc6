//! Shaping the latent space (issue #19, lecture 000's WAE and lecture 003's adversarial
//! autoencoder): the priors the codes are pushed towards ([`prior`]), the lanes that push them
//! — the VAE's KL, the WAE's MMD, the adversarial autoencoder's discriminator ([`discriminator`])
//! in its three phases, or nothing ([`lane`]) — and the distance of the codes to the prior that
//! every lane is measured by ([`distance`]: the transport lesson's exact W₁ and MMD², not
//! copies), the optimal discriminator p/(p + q) a trained one is compared with, and the
//! sharpness of decoded samples ([`sharpness`]).

pub mod discriminator;
pub mod distance;
pub mod lane;
pub mod prior;
pub mod sharpness;
mod trainer;

pub use lane::Shaping;
pub use prior::Prior;
pub use trainer::{DiscriminatorView, LaneView, WaeTrainer, WaeView, METRICS};

use crate::choice_enum;
use crate::device::DeviceChoice;
use crate::msg;
use crate::param;
use crate::settings::{Notice, NoticeKind, Param, Settings};
use crate::transport::mmd::Kernel;

choice_enum! {
    /// The MMD's kernel: the WAE paper's inverse multiquadric, or the Gaussian.
    pub enum MmdKernel { Imq = "imq", Rbf = "rbf" }
}

#[derive(Clone, Debug, PartialEq)]
pub struct WaeSettings {
    pub seed: u32,
    pub prior: Prior,
    /// The lane trained alone; with `compare` every regulariser trains side by side.
    pub shaping: Shaping,
    pub compare: bool,
    pub hidden: u32,
    pub lr: f64,
    pub batch: u32,
    /// The VAE's KL weight β.
    pub beta: f64,
    /// The WAE's weight on MMD², its kernel and the kernel's scale: RBF σ, or the inverse
    /// multiquadric's C = 2 · dim · scale² (the WAE paper's C for a prior of that spread).
    pub mmd_lambda: f64,
    pub kernel: MmdKernel,
    pub scale: f64,
    /// The adversarial autoencoder: the generator phase's weight, the discriminator's width,
    /// learning rate and steps per batch, and the supervised prior (class k on ring component k).
    pub adv_lambda: f64,
    pub disc_width: u32,
    pub disc_lr: f64,
    pub disc_steps: u32,
    pub supervised: bool,
    /// Where the lanes train: on the GPU every lane the device has a twin for (a lane without
    /// one steps on the CPU beside them, on the same batches).
    pub device: DeviceChoice,
}

impl Default for WaeSettings {
    fn default() -> Self {
        WaeSettings {
            seed: 1,
            prior: Prior::Normal,
            shaping: Shaping::Mmd,
            compare: true,
            hidden: 128,
            lr: 1e-3,
            batch: 64,
            beta: 1.0,
            // Measured (lane tests): λ = 100 leaves the codes where a plain autoencoder puts
            // them, λ = 1,000 brings them within W₁ 0.7 of N(0, I).
            mmd_lambda: 1000.0,
            kernel: MmdKernel::Imq,
            scale: 1.0,
            adv_lambda: 10.0,
            disc_width: 32,
            disc_lr: 1e-3,
            disc_steps: 1,
            supervised: false,
            device: DeviceChoice::Cpu,
        }
    }
}

impl WaeSettings {
    pub fn kernel(&self) -> Kernel {
        match self.kernel {
            MmdKernel::Rbf => Kernel::Rbf { sigma: self.scale },
            MmdKernel::Imq => Kernel::Imq {
                c: 4.0 * self.scale * self.scale,
            },
        }
    }

    /// The lanes this run trains, in the page's order.
    pub fn lanes(&self) -> Vec<Shaping> {
        if self.compare {
            use crate::settings::ChoiceEnum;
            Shaping::ALL.to_vec()
        } else {
            vec![self.shaping]
        }
    }
}

const PARAMS: &[Param<WaeSettings>] = &[
    param!(int WaeSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(choice WaeSettings, "prior", prior, Prior, Live),
    param!(choice WaeSettings, "shaping", shaping, Shaping, Restart),
    param!(flag WaeSettings, "compare", compare, Restart),
    param!(int WaeSettings, "hidden", hidden, 16, 512, Restart),
    param!(logfloat WaeSettings, "lr", lr, 1e-5, 1e-1, Live),
    param!(int WaeSettings, "batch", batch, 8, 256, Restart),
    param!(float WaeSettings, "beta", beta, 0.0, 10.0, Live),
    param!(logfloat WaeSettings, "mmd_lambda", mmd_lambda, 1.0, 1e5, Live),
    param!(choice WaeSettings, "kernel", kernel, MmdKernel, Live),
    param!(logfloat WaeSettings, "scale", scale, 0.1, 10.0, Live),
    param!(logfloat WaeSettings, "adv_lambda", adv_lambda, 0.1, 1000.0, Live),
    param!(int WaeSettings, "disc_width", disc_width, 4, 256, Restart),
    param!(logfloat WaeSettings, "disc_lr", disc_lr, 1e-5, 1e-1, Live),
    param!(int WaeSettings, "disc_steps", disc_steps, 1, 10, Live),
    param!(flag WaeSettings, "supervised", supervised, Restart),
    param!(choice WaeSettings, "device", device, DeviceChoice, Restart),
];

impl Settings for WaeSettings {
    fn params() -> &'static [Param<Self>] {
        PARAMS
    }

    /// The supervised prior ties class k to the ring's component k: another prior has no
    /// components to tie to.
    fn reconcile(&mut self, notices: &mut Vec<Notice>) {
        if self.supervised && self.prior != Prior::Ring {
            self.supervised = false;
            notices.push(Notice {
                key: "supervised".into(),
                kind: NoticeKind::Adjusted {
                    why: msg!("msg.wae.supervised_ring"),
                },
            });
        }
    }
}
