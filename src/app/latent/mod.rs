//! What both VAE lessons show of a latent space beyond their own charts: the exact posterior
//! panel and the drawing pad.

pub mod pad;
pub mod posterior;
