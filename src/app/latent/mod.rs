//! What both VAE lessons show of a latent space beyond their own charts: the exact posterior
//! panel and the drawing pad.

pub mod pad;
pub mod posterior;

/// A q(z|x) as the latent scatter draws it: μ and σ in the two dimensions shown.
pub type QShown = ((f64, f64), (f64, f64));
