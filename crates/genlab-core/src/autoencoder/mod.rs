//! The autoencoder family of lecture 004 (undercomplete and overcomplete, tied weights, sparse,
//! denoising and contractive, and variational: the VAE lesson's network is a member) and its
//! exact answer, PCA: [`model`] is the network, [`penalty`] the regularisers on the code,
//! [`latent`] the variational autoencoder's Gaussian code with its KL term, [`corrupt`] the
//! denoising autoencoder's corruption, [`pca`] the
//! exact answer the lesson draws beside every learned one; [`lane`] trains one variant, the
//! trainer runs the lesson (`#/autoencoders`) with its lanes on the CPU or, each lane through a
//! device twin, on the GPU.

pub mod corrupt;
#[cfg(test)]
mod fixtures;
pub mod lane;
pub mod latent;
pub mod model;
pub(crate) mod on_device;
pub mod pca;
pub mod penalty;
pub mod settings;
mod trainer;

pub use settings::AutoencoderSettings;
pub use trainer::{
    AutoencoderAction, AutoencoderAnswer, AutoencoderTrainer, AutoencoderView, LaneFilters,
    Variant, METRICS,
};
