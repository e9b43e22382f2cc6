//! genlab's model code: every formula the lessons teach, the settings each lesson reads from its
//! URL, and the training session that the web worker and the command-line runner both drive.
//!
//! Nothing here may depend on a web or UI crate: the page can only reach the math through the
//! worker protocol in [`protocol`].

pub mod autoencoder;
pub mod boltzmann;
pub mod cvae;
pub mod dbn;
pub mod device;
pub mod digits;
pub mod eigen;
pub mod gan;
pub mod golden;
pub mod gradcheck;
pub mod langevin;
pub mod lecture;
pub mod lesson;
pub mod math;
pub mod msg;
pub mod nn;
pub mod progress;
pub mod protocol;
pub mod rbm;
pub mod rbm_mnist;
pub mod registry;
pub mod rng;
pub mod runfile;
pub mod session;
pub mod settings;
pub mod stats;
pub mod toy2d;
pub mod transport;
pub mod vae;
pub mod w1;
pub mod wae;
