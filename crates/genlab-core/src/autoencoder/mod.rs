//! The autoencoder family of lecture 004 (undercomplete and overcomplete, tied weights, sparse,
//! denoising and contractive) and its exact answer, PCA. Built piece by piece: [`pca`] is the
//! exact answer the lesson draws beside every learned one. The lesson itself (`#/autoencoders`)
//! is still listed as planned in the registry.

pub mod pca;
