//! Training steps that run on another device (the GPU) without this crate knowing how.
//!
//! The host (the page's worker, the command-line tools) implements [`Accelerator`] with whatever
//! it has — `genlab-gpu` over WebGPU or Vulkan — and hands it to the session. A lesson that
//! supports a device keeps drawing its own batches and noise and only hands each step's inputs
//! to the device, so a run on either path is the same run. Results come back asynchronously
//! ([`DeviceRead`]): the session stops at the points where it needs them (a history row, a pause)
//! and the host awaits the read before it goes on.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::msg::Msg;
use crate::nn::Optimizer;
use crate::rng::CounterRng;
use crate::vae::VaeNet;

/// A read from the device, awaited by the host outside every borrow of the session.
pub type DeviceRead = Pin<Box<dyn Future<Output = Result<DeviceCopy, DeviceFault>>>>;

/// Everything a device run holds that the CPU copy needs to carry on from it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceCopy {
    /// The model's parameters, in the CPU model's layout.
    pub params: Vec<f32>,
    /// The optimiser's moments and step count (empty and 0 for plain SGD).
    pub m: Vec<f32>,
    pub v: Vec<f32>,
    pub t: u64,
    /// Model-specific state beside the parameters (an RBM's persistent chains).
    pub extra: Vec<f32>,
    /// Per-step sums accumulated since the previous read (the VAE: reconstruction, KL).
    pub sums: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DeviceFault {
    /// The device is gone (driver reset, `destroy`, a tab in the background too long): what it
    /// held is lost; the lesson continues on the CPU from its last good copy.
    Lost,
}

/// Where a lesson's steps run, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ComputePath {
    Cpu,
    /// The GPU was asked for; the host has not answered yet (steps wait).
    Requesting,
    Gpu {
        adapter: String,
        /// The device's limits forced a smaller batch than the settings ask for.
        batch_limited: Option<(u32, u32)>,
    },
    /// The GPU was asked for and the CPU runs: why.
    Fallback {
        adapter: Option<String>,
        why: Msg,
    },
}

crate::choice_enum! {
    /// Where the settings ask a lesson to train. A choice, so it lives in the URL like every
    /// other setting.
    pub enum DeviceChoice { Cpu = "cpu", Gpu = "gpu" }
}

/// The host's device, offering device twins of the lessons' models.
pub trait Accelerator {
    /// The adapter's name, for the page.
    fn adapter(&self) -> String;
    /// The largest batch up to `requested` whose per-batch buffers (`floats_per_image` values
    /// per image) fit the device's limits.
    fn fit_batch(&self, requested: usize, floats_per_image: usize) -> usize;
    /// The VAE's twin, starting from `net` and `opt` (moments included), for batches of `batch`.
    fn vae(
        &self,
        net: &VaeNet<f32>,
        opt: &Optimizer<f32>,
        batch: usize,
        beta: f64,
    ) -> Box<dyn VaeDevice>;
    /// A binary RBM's twin with `visible` × `hidden` units from `params` (W ‖ b ‖ c), for
    /// batches of `batch` images and `k` Gibbs steps; PCD when `chains` (B × d) are given —
    /// the persistent chains it continues from.
    #[allow(clippy::too_many_arguments)] // the model's shape and its state
    fn rbm(
        &self,
        visible: usize,
        hidden: usize,
        params: &[f32],
        batch: usize,
        k: u32,
        chains: Option<&[f32]>,
    ) -> Box<dyn RbmDevice>;
}

/// A binary RBM's CD-k / PCD-k update on a device (`crate::rbm::batched::BatchRbm` is the
/// CPU twin). Steps are queued, never awaited.
pub trait RbmDevice {
    /// One update on `batch` (B × d, values in {0, 1}) at learning rate `lr`, its Bernoulli
    /// draws taken from `rng` in the order the CPU twin takes them.
    fn step(&mut self, batch: &[f32], lr: f64, rng: &mut CounterRng);
    /// The parameters (W ‖ b ‖ c) and the chains after the last step (`extra`, B × d).
    fn read(&self) -> DeviceRead;
}

/// A VAE training step on a device. Steps are queued, never awaited.
pub trait VaeDevice {
    fn batch(&self) -> usize;
    /// One Adam step on batch `x` (B × 784) with noise `eps` (B × 2).
    fn step(&mut self, x: &[f32], eps: &[f32], lr: f64);
    fn set_beta(&mut self, beta: f64);
    /// Parameters, Adam's state, and [reconstruction, KL] summed since the previous read.
    fn read(&self) -> DeviceRead;
}

/// Waits for `future` by parking this thread: the native hosts' way to await a read (the CLI,
/// tests). The page's worker awaits on the browser's event loop instead.
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(value) => return value,
            Poll::Pending => std::thread::park(),
        }
    }
}

#[cfg(test)]
mod tests;
