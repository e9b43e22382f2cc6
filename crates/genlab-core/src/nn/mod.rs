//! Small fully connected networks with hand-written backward passes, and their optimisers.

pub mod dense;
pub mod expf;
pub mod gemm;
pub mod mlp;
pub mod optim;
pub mod real;

pub use dense::Dense;
pub use mlp::{Activation, Mlp, Tape};
pub use optim::{Optimizer, OptimizerKind};
pub use real::Real;
