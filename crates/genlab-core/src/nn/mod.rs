//! Small fully connected networks with hand-written backward passes, and their optimisers.

pub mod dense;
pub mod exp;
pub mod expf;
pub mod gemm;
#[cfg(test)]
mod libm_twin;
pub mod log1p;
pub mod log1pf;
pub mod mlp;
pub mod optim;
pub mod real;

pub use dense::Dense;
pub use mlp::{Activation, Mlp, Tape};
pub use optim::{Optimizer, OptimizerKind};
pub use real::Real;
