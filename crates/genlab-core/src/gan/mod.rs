//! The 1-D GAN of lecture 003: a generator learns N(−1, 1) (mean −1, standard deviation 1) from
//! a single z ~ uniform(0, 1), against a discriminator trained with binary cross-entropy.

mod model;
pub mod theory;

pub use model::{GanTrainer, GanView, METRICS};

use crate::choice_enum;
use crate::nn::{Activation, OptimizerKind};
use crate::param;
use crate::settings::{Notice, Param, Settings};

/// The target distribution p_data = N(TARGET_MEAN, TARGET_STD²).
pub const TARGET_MEAN: f64 = -1.0;
pub const TARGET_STD: f64 = 1.0;

choice_enum! {
    /// The generator's noise: the lecture's uniform(0, 1), or a standard normal.
    pub enum Noise { Uniform = "uniform", Normal = "normal" }
}

choice_enum! {
    /// The generator's loss. Non-saturating: minimise −log D(G(z)) (lecture 004). Minimax: minimise
    /// log(1 − D(G(z))), the original game, whose gradient vanishes while D rejects the fakes.
    pub enum GeneratorLoss { NonSaturating = "non_saturating", Minimax = "minimax" }
}

choice_enum! {
    /// Settings bundles that show one behaviour each.
    pub enum Preset { Healthy = "healthy", MinimaxStalls = "minimax_stalls", FastDiscriminator = "fast_d", LrTooHigh = "lr_too_high" }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GanSettings {
    pub seed: u32,
    pub noise: Noise,
    pub g_width: u32,
    pub d_width: u32,
    pub g_act: Activation,
    pub d_act: Activation,
    /// Initial bias of G's output: where the fakes start. Far from the data, a confident D
    /// makes the minimax loss's gradient vanish.
    pub g_start: f64,
    pub g_loss: GeneratorLoss,
    /// Discriminator updates per generator update.
    pub d_steps: u32,
    /// Discriminator-only steps before the generator starts (a strong D from the outset).
    pub d_pretrain: u32,
    pub optimizer: OptimizerKind,
    pub lr_g: f64,
    pub lr_d: f64,
    pub beta1: f64,
    pub batch: u32,
    /// Show (and score) the exponential moving average of G's weights.
    pub ema: bool,
    pub ema_decay: f64,
}

impl Default for GanSettings {
    fn default() -> Self {
        GanSettings {
            seed: 1,
            noise: Noise::Uniform,
            g_width: 16,
            d_width: 32,
            g_act: Activation::LeakyRelu,
            d_act: Activation::LeakyRelu,
            g_start: 0.0,
            g_loss: GeneratorLoss::NonSaturating,
            d_steps: 1,
            d_pretrain: 0,
            optimizer: OptimizerKind::Adam,
            lr_g: 1e-3,
            lr_d: 1e-3,
            beta1: 0.5,
            batch: 256,
            ema: true,
            ema_decay: 0.999,
        }
    }
}

const GAN_PARAMS: &[Param<GanSettings>] = &[
    param!(int GanSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(choice GanSettings, "noise", noise, Noise, Restart),
    param!(int GanSettings, "g_width", g_width, 2, 128, Restart),
    param!(int GanSettings, "d_width", d_width, 2, 128, Restart),
    param!(choice GanSettings, "g_act", g_act, Activation, Restart),
    param!(choice GanSettings, "d_act", d_act, Activation, Restart),
    param!(float GanSettings, "g_start", g_start, -5.0, 5.0, Restart),
    param!(choice GanSettings, "g_loss", g_loss, GeneratorLoss, Live),
    param!(int GanSettings, "d_steps", d_steps, 1, 20, Live),
    param!(int GanSettings, "d_pretrain", d_pretrain, 0, 5000, Restart),
    param!(choice GanSettings, "optimizer", optimizer, OptimizerKind, Restart),
    param!(logfloat GanSettings, "lr_g", lr_g, 1e-5, 1.0, Live),
    param!(logfloat GanSettings, "lr_d", lr_d, 1e-5, 1.0, Live),
    param!(float GanSettings, "beta1", beta1, 0.0, 0.99, Live),
    param!(int GanSettings, "batch", batch, 1, 4096, Live),
    param!(flag GanSettings, "ema", ema, Live),
    param!(float GanSettings, "ema_decay", ema_decay, 0.9, 0.9999, Live),
];

impl Settings for GanSettings {
    fn params() -> &'static [Param<Self>] {
        GAN_PARAMS
    }
    fn reconcile(&mut self, _notices: &mut Vec<Notice>) {}
}

impl Preset {
    /// The preset's settings, keeping the caller's seed.
    pub fn settings(self, seed: u32) -> GanSettings {
        let base = GanSettings {
            seed,
            ..GanSettings::default()
        };
        match self {
            Preset::Healthy => base,
            // The minimax gradient −σ(a) vanishes where a confident D rejects the fakes, so start
            // the fakes far from the data and let D learn first. Plain SGD: Adam would rescale the
            // vanishing gradient and hide the stall. Switching g_loss to non_saturating (live)
            // frees the generator within ~100 steps.
            Preset::MinimaxStalls => GanSettings {
                g_loss: GeneratorLoss::Minimax,
                optimizer: OptimizerKind::Sgd,
                g_start: 4.0,
                d_pretrain: 300,
                lr_g: 0.01,
                lr_d: 0.05,
                ..base
            },
            Preset::FastDiscriminator => GanSettings {
                d_steps: 10,
                lr_d: 5e-3,
                lr_g: 2e-4,
                ..base
            },
            Preset::LrTooHigh => GanSettings {
                lr_g: 0.05,
                lr_d: 0.05,
                beta1: 0.9,
                ema: false,
                ..base
            },
        }
    }
}
