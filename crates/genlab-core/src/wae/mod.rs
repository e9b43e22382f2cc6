//! Shaping the latent space (issue #19, lecture 000's WAE and lecture 003's adversarial
//! autoencoder): the priors the codes are pushed towards. The lesson itself is still planned;
//! the MMD it uses is the transport lesson's ([`crate::transport::mmd`]).

pub mod prior;
