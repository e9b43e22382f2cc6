//! Shaping the latent space (issue #19, lecture 000's WAE and lecture 003's adversarial
//! autoencoder): the priors the codes are pushed towards ([`prior`]), the lanes that push them
//! — the VAE's KL, the WAE's MMD, the adversarial autoencoder's discriminator ([`discriminator`])
//! in its three phases, or nothing ([`lane`]) — and the distance of the codes to the prior that
//! every lane is measured by ([`distance`]: the transport lesson's exact W₁ and MMD², not
//! copies), the optimal discriminator p/(p + q) a trained one is compared with, and the
//! sharpness of decoded samples ([`sharpness`]). The lesson's trainer and page are still to come
//! (the route is planned).

pub mod discriminator;
pub mod distance;
pub mod lane;
pub mod prior;
pub mod sharpness;
