//! The VAE of lecture 004 on real MNIST digits with a 2-D latent space (lecture 003: ELBO, the
//! KL closed form, the reparameterisation trick; lecture 000: latent space and interpolation).

/// The digits, as every lesson on them reads them ([`crate::digits`]).
pub use crate::digits::data;
pub mod model;
pub mod posterior;
mod trainer;

pub use data::Digits;
pub use model::VaeShape;
pub use model::{VaeNet, LATENT};
pub(crate) use trainer::{
    diverged, grey, pictures_later, posterior_later, ready, with_label, Later, Progress,
};
pub use trainer::{
    knn_accuracy, knn_accuracy_in, DrawnView, Inspection, PosteriorView, VaeAction, VaeAnswer,
    VaeImages, VaeTrainer, VaeView, GRID, METRICS,
};

use crate::choice_enum;
use crate::device::DeviceChoice;
use crate::param;
use crate::settings::{Notice, Param, Settings};

choice_enum! {
    /// The decoder's likelihood p(x|z) (issue #18): Bernoulli pixels (cross-entropy), or a
    /// Gaussian with fixed σ around the decoder's output — lecture 000's ½‖x − DEC(z)‖² at σ = 1.
    pub enum Likelihood { Bernoulli = "bernoulli", Gaussian = "gaussian" }
}

impl Likelihood {
    /// The family's output for this likelihood with the Gaussian's `sigma`.
    pub fn output(self, sigma: f64) -> crate::autoencoder::model::Output {
        use crate::autoencoder::model::Output;
        match self {
            Likelihood::Bernoulli => Output::Bernoulli,
            Likelihood::Gaussian => Output::Gaussian { sigma },
        }
    }
}

choice_enum! {
    /// What the interpolation runs between: two test digits (their μ) or two latent points.
    pub enum Ends { Digits = "digits", Points = "points" }
}

choice_enum! {
    /// Width of the encoder's and the decoder's hidden layer. The lecture uses 512.
    pub enum Hidden { H64 = "64", H128 = "128", H256 = "256", H512 = "512" }
}

impl Hidden {
    pub fn width(self) -> usize {
        match self {
            Hidden::H64 => 64,
            Hidden::H128 => 128,
            Hidden::H256 => 256,
            Hidden::H512 => 512,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct VaeSettings {
    pub seed: u32,
    pub hidden: Hidden,
    /// Weight of the KL term: 0 = a plain (deterministic) autoencoder, 1 = the VAE, > 1 = β-VAE.
    pub beta: f64,
    /// Adam's step size.
    pub lr: f64,
    pub batch: u32,
    /// The reconstruction's likelihood and a Gaussian's σ (pixel values are in [0, 1]).
    pub likelihood: Likelihood,
    pub sigma: f64,
    /// Interpolation: between two test digits (their positions in the test split) or two
    /// latent points z₁ = (ax, ay), z₂ = (bx, by); α along the way.
    pub ends: Ends,
    pub from: u32,
    pub to: u32,
    pub ax: f64,
    pub ay: f64,
    pub bx: f64,
    pub by: f64,
    pub alpha: f64,
    /// Where the steps run: the GPU (WebGPU in the page) when the browser offers one.
    pub device: DeviceChoice,
}

impl Default for VaeSettings {
    fn default() -> Self {
        VaeSettings {
            seed: 1,
            hidden: Hidden::H256,
            beta: 1.0,
            // Measured: 1e-3 (the Keras example's rate, for 60,000 digits) leaves the map
            // unsorted after 10 epochs of these 9,000 (5-NN 0.49); 3e-3 sorts it (0.65).
            lr: 3e-3,
            batch: 100,
            likelihood: Likelihood::Bernoulli,
            // Lecture 000's ½‖x − DEC(z)‖². Measured (900 steps, seed 1): it sorts the digits
            // (5-NN 0.62, KL 2.5 nats); σ = 0.3 gives the best −ELBO (−15 nats, a density),
            // σ = 10 puts every code on the prior.
            sigma: 1.0,
            // A 0 and a 1 of the test split (it is ordered by class): their clusters lie far
            // apart, so the path crosses other digits' regions.
            ends: Ends::Digits,
            from: 50,
            to: 150,
            ax: -2.0,
            ay: 0.0,
            bx: 2.0,
            by: 0.0,
            alpha: 0.5,
            device: DeviceChoice::Cpu,
        }
    }
}

const VAE_PARAMS: &[Param<VaeSettings>] = &[
    param!(int VaeSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(choice VaeSettings, "hidden", hidden, Hidden, Restart),
    param!(float VaeSettings, "beta", beta, 0.0, 10.0, Live),
    param!(logfloat VaeSettings, "lr", lr, 1e-5, 0.1, Live),
    param!(int VaeSettings, "batch", batch, 1, 1000, Live),
    param!(choice VaeSettings, "likelihood", likelihood, Likelihood, Live),
    param!(logfloat VaeSettings, "sigma_x", sigma, 0.01, 10.0, Live),
    // The bundled digits' test split holds 1,005 digits (positions beyond it use the last).
    param!(choice VaeSettings, "ends", ends, Ends, Live),
    param!(int VaeSettings, "from", from, 0, 1004, Live),
    param!(int VaeSettings, "to", to, 0, 1004, Live),
    param!(float VaeSettings, "ax", ax, -50.0, 50.0, Live),
    param!(float VaeSettings, "ay", ay, -50.0, 50.0, Live),
    param!(float VaeSettings, "bx", bx, -50.0, 50.0, Live),
    param!(float VaeSettings, "by", by, -50.0, 50.0, Live),
    param!(float VaeSettings, "alpha", alpha, 0.0, 1.0, Live),
    // A new path is a new run from step 0: the curves of both paths can be compared.
    param!(choice VaeSettings, "device", device, DeviceChoice, Restart),
];

impl VaeSettings {
    /// The decoder's likelihood as the family's output.
    pub fn output(&self) -> crate::autoencoder::model::Output {
        self.likelihood.output(self.sigma)
    }
}

impl Settings for VaeSettings {
    fn params() -> &'static [Param<Self>] {
        VAE_PARAMS
    }
    fn reconcile(&mut self, _notices: &mut Vec<Notice>) {}
}
