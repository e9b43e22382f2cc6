//! Deep belief nets on the digits (lecture 004's stacked RBMs and greedy layer-wise
//! pre-training, after Hinton, Osindero & Teh 2006; lectures 000 and 001's DBN as a stack of
//! RBMs trained layer by layer, directed below the top): each layer an RBM trained by CD-k or
//! PCD on the hidden probabilities (or samples) of the frozen layer below, the top one carrying
//! the ten label units beside its input so a clamped label generates its digit; the same stack
//! pre-trained as autoencoders beside it; and "does pre-training help?" — the stack fine-tuned
//! as a classifier on a few labelled digits beside the same network from random weights.

pub mod autoencoder;
pub mod classifier;
pub mod stack;
mod trainer;

pub use trainer::{DbnTrainer, DbnView, LayerBound, Phase, FILTERS_SHOWN, GEN_PER_LABEL, METRICS};

use crate::choice_enum;
use crate::device::DeviceChoice;
use crate::msg;
use crate::param;
use crate::rbm_mnist::Chains;
use crate::settings::{Notice, NoticeKind, Param, Settings};

choice_enum! {
    /// What a frozen layer hands the layer above as its data.
    pub enum PassUp {
        /// p(h = 1 | input): the mean-field values (Hinton's practical guide).
        Probabilities = "probabilities",
        /// A Bernoulli sample of them: binary data, as the greedy argument has it.
        Samples = "samples",
    }
}

/// Narrowest hidden layer.
pub const MIN_UNITS: u32 = 16;

#[derive(Clone, Debug, PartialEq)]
pub struct DbnSettings {
    pub seed: u32,
    /// Hidden units of layers 1 and 2; layer 3 is optional (0: a two-layer stack).
    pub h1: u32,
    pub h2: u32,
    pub h3: u32,
    /// Ten label units beside the top RBM's input.
    pub labels: bool,
    pub chains: Chains,
    pub k: u32,
    /// Gibbs steps per update of the top RBM, the associative memory that generates: Hinton,
    /// Osindero & Teh raise k there, and with CD-1 it generates the same digit for every
    /// label (FINDINGS.md).
    pub top_k: u32,
    pub lr: f64,
    pub batch: u32,
    /// Updates each layer trains for before it is frozen and the next one starts.
    pub layer_steps: u32,
    pub pass_up: PassUp,
    /// Labelled training digits the classifiers are fine-tuned on.
    pub labelled: u32,
    /// Adam's step size for the fine-tuning.
    pub ft_lr: f64,
    /// The digit whose generation is shown large.
    pub generate: u32,
    /// Where the layers pre-train: each RBM, the labelled top included, on the GPU's RBM
    /// kernels, or the CPU; the autoencoder stack and the fine-tuning run on the CPU.
    pub device: DeviceChoice,
}

impl Default for DbnSettings {
    fn default() -> Self {
        DbnSettings {
            seed: 1,
            h1: 100,
            h2: 100,
            h3: 0,
            labels: true,
            chains: Chains::Cd,
            k: 1,
            top_k: 5,
            lr: 0.05,
            batch: 100,
            layer_steps: 600,
            pass_up: PassUp::Probabilities,
            labelled: 500,
            ft_lr: 0.003,
            generate: 3,
            device: DeviceChoice::Cpu,
        }
    }
}

const PARAMS: &[Param<DbnSettings>] = &[
    param!(int DbnSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(int DbnSettings, "h1", h1, 16, 500, Restart),
    param!(int DbnSettings, "h2", h2, 16, 500, Restart),
    param!(int DbnSettings, "h3", h3, 0, 2000, Restart),
    param!(flag DbnSettings, "labels", labels, Restart),
    param!(choice DbnSettings, "method", chains, Chains, Restart),
    param!(int DbnSettings, "k", k, 1, 20, Restart),
    param!(int DbnSettings, "top_k", top_k, 1, 20, Restart),
    param!(logfloat DbnSettings, "lr", lr, 1e-4, 1.0, Live),
    param!(int DbnSettings, "batch", batch, 10, 500, Restart),
    param!(int DbnSettings, "layer_steps", layer_steps, 50, 20_000, Restart),
    param!(choice DbnSettings, "pass_up", pass_up, PassUp, Restart),
    param!(int DbnSettings, "labelled", labelled, 100, 9_000, Restart),
    param!(logfloat DbnSettings, "ft_lr", ft_lr, 1e-5, 0.1, Live),
    param!(int DbnSettings, "generate", generate, 0, 9, Live),
    param!(choice DbnSettings, "device", device, DeviceChoice, Restart),
];

impl DbnSettings {
    /// Hidden units of each layer, bottom up.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.h1 as usize, self.h2 as usize];
        if self.h3 > 0 {
            sizes.push(self.h3 as usize);
        }
        sizes
    }
}

impl Settings for DbnSettings {
    fn params() -> &'static [Param<Self>] {
        PARAMS
    }
    fn reconcile(&mut self, notices: &mut Vec<Notice>) {
        // A third layer narrower than the others' minimum is raised to it, not dropped: the
        // user asked for three layers.
        if self.h3 > 0 && self.h3 < MIN_UNITS {
            notices.push(Notice {
                key: "h3".into(),
                kind: NoticeKind::Adjusted {
                    why: msg!("msg.dbn.h3_raised", self.h3 as u64, MIN_UNITS as u64),
                },
            });
            self.h3 = MIN_UNITS;
        }
    }
}
