//! The bundled digits and their PCA, loaded and fitted once for every autoencoder test (the PCA
//! is the trainer's own, shared by the whole process).

use std::sync::{Arc, OnceLock};

use super::pca::Pca;
use crate::digits::data::{load_repo_asset, Digits};

fn shared() -> &'static Arc<Digits> {
    static D: OnceLock<Arc<Digits>> = OnceLock::new();
    D.get_or_init(|| Arc::new(load_repo_asset().expect("assets/mnist-10k.glds")))
}

pub fn digits() -> &'static Digits {
    shared()
}

pub fn digits_arc() -> Arc<Digits> {
    shared().clone()
}

pub fn pca() -> Arc<Pca> {
    super::trainer::shared_pca(shared())
}
