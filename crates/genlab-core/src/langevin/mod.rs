//! Energy models and Langevin sampling (issue #20, lectures 001 and 002) — the core so far:
//! the landscapes in the plane with their exact gradients and normalisers ([`energy`]), the
//! grid that normalises any of them and bins particles ([`grid`]), and the samplers — the
//! slide's update, Welling and Teh's, MALA — with the step schedule ([`sampler`]); an energy network trained contrastively from a replay
//! buffer, with its exact held-out likelihood on the grid ([`ebm`]); a classifier read as an
//! energy model, trained with and without JEM's generative term ([`jem`]). The lesson (its
//! trainer and page) is still to come: the route is planned.

pub mod ebm;
pub mod energy;
pub mod grid;
pub mod jem;
pub mod sampler;
