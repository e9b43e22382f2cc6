//! A binary RBM on MNIST (lecture 004's "RBM filters on MNIST", lecture 000's CD training):
//! 784 visible units — the digits, each pixel on when its grey level is at least half — and
//! 16–500 hidden units, trained by CD-k or PCD-k on mini-batches, on the CPU or the GPU.

mod trainer;

pub use trainer::{RbmMnistTrainer, RbmMnistView, FILTERS_SHOWN, LL_EVERY, METRICS};

use crate::choice_enum;
use crate::device::DeviceChoice;
use crate::param;
use crate::settings::{Notice, Param, Settings};

choice_enum! {
    /// Where the negative phase's chains start each update.
    pub enum Chains {
        /// Contrastive divergence: k Gibbs steps from the batch's own digits.
        Cd = "cd",
        /// Persistent CD: k more Gibbs steps on chains kept from the previous update.
        Pcd = "pcd",
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RbmMnistSettings {
    pub seed: u32,
    pub hidden: u32,
    pub chains: Chains,
    /// Gibbs steps per update.
    pub k: u32,
    pub lr: f64,
    pub batch: u32,
    pub device: DeviceChoice,
}

impl Default for RbmMnistSettings {
    fn default() -> Self {
        RbmMnistSettings {
            seed: 1,
            hidden: 100,
            chains: Chains::Cd,
            // The lecture's CD with k = 1.
            k: 1,
            lr: 0.05,
            batch: 100,
            device: DeviceChoice::Cpu,
        }
    }
}

const PARAMS: &[Param<RbmMnistSettings>] = &[
    param!(int RbmMnistSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(int RbmMnistSettings, "hidden", hidden, 16, 500, Restart),
    param!(choice RbmMnistSettings, "method", chains, Chains, Restart),
    param!(int RbmMnistSettings, "k", k, 1, 20, Restart),
    param!(logfloat RbmMnistSettings, "lr", lr, 1e-4, 1.0, Live),
    param!(int RbmMnistSettings, "batch", batch, 1, 1000, Restart),
    param!(choice RbmMnistSettings, "device", device, DeviceChoice, Restart),
];

impl Settings for RbmMnistSettings {
    fn params() -> &'static [Param<Self>] {
        PARAMS
    }
    fn reconcile(&mut self, _notices: &mut Vec<Notice>) {}
}
