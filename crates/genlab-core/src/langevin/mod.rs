//! Energy models and Langevin sampling (issue #20, lectures 001 and 002) — the core so far:
//! the landscapes in the plane with their exact gradients and normalisers ([`energy`]), the
//! grid that normalises any of them and bins particles ([`grid`]), and the samplers — the
//! slide's update, Welling and Teh's, MALA — with the step schedule ([`sampler`]). The lesson
//! (its trainer, the energy model and JEM, the page) is still to come: the route is planned.

pub mod energy;
pub mod grid;
pub mod sampler;
