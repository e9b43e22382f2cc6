//! Small fully connected networks with hand-written backward passes, and their optimisers.

pub mod mlp;
pub mod optim;

pub use mlp::{Activation, Mlp, Tape};
pub use optim::{Optimizer, OptimizerKind};
