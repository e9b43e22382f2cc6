//! The Boltzmann family beyond the RBM (issue #22, lectures 000–002): the general machine with
//! every family of couplings — a deep machine (two hidden layers) among them — all enumerated
//! exactly ([`machine`]), and the Gaussian–Bernoulli RBM, whose marginal is exactly a mixture of
//! 2^H Gaussians ([`gaussian`]). The lesson's trainer and page are still to come (the route is
//! planned).

pub mod gaussian;
pub mod machine;
