//! The Boltzmann family beyond the RBM (issue #22, lectures 000–002): the general machine with
//! every family of couplings — a deep machine (two hidden layers) among them — all enumerated
//! exactly ([`machine`]); the Gaussian–Bernoulli RBM, whose marginal is exactly a mixture of 2^H
//! Gaussians ([`gaussian`]); and the RBM seen as a product of experts ([`experts`]). The
//! lesson's trainer and page are still to come (the route is planned).

pub mod experts;
pub mod gaussian;
pub mod machine;
