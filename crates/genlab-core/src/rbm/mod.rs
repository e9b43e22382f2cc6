//! The restricted Boltzmann machine of lecture 000 (with 001 and 002 for energy, free energy,
//! Gibbs sampling and contrastive divergence), on the lecture's six movie-goers.
//!
//! E(v, h) = −vᵀWh − bᵀv − cᵀh. (Lecture 001 writes −hᵀWh: a slip. Lecture 000 writes the
//! log-likelihood gradient as −E_data + E_model; that is the gradient of the *negative*
//! log-likelihood, which its own CD update w ← w − η(E_recon − E_data) then follows correctly.)

pub mod batched;
pub mod data;
pub mod log_z;
pub mod model;
mod trainer;

pub use data::Dataset;
pub use model::Rbm;
pub use trainer::{RbmAction, RbmAnswer, RbmTrainer, RbmView, LANES, METRICS};

use crate::choice_enum;
use crate::nn::OptimizerKind;
use crate::param;
use crate::settings::{Notice, NoticeKind, Param, Settings};

choice_enum! {
    /// How the negative (model) phase of the gradient is obtained.
    pub enum Method {
        /// Enumerate all 2^d visible states: the lecture's formula with no approximation.
        Exact = "exact",
        /// k Gibbs steps from each data vector.
        Cd = "cd",
        /// k Gibbs steps on R persistent chains.
        Pcd = "pcd",
        /// Chains at temperatures 1 = T₁ < … < T_R with the lecture's swap rule.
        Pt = "pt",
        /// Fresh chains run for a long time at every update: "ideal but slow".
        Gibbs = "gibbs",
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RbmSettings {
    pub seed: u32,
    pub hidden: u32,
    pub method: Method,
    /// Gibbs steps per update (CD-k, PCD, PT).
    pub k: u32,
    /// Persistent chains (PCD); also samples per update of PT (its rounds L) and of the Gibbs
    /// baseline (at most 20 fresh chains).
    pub chains: u32,
    /// Temperatures R of the parallel-tempering ladder.
    pub temps: u32,
    /// Highest temperature of the PT ladder (geometric from 1).
    pub t_max: f64,
    /// Steps of each fresh chain of the Gibbs baseline.
    pub long_run: u32,
    /// Users per update; 0 = the whole dataset (full batch).
    pub batch: u32,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    pub weight_decay: f64,
    /// Train every method side by side from the same initial weights.
    pub compare: bool,
    pub data: Dataset,
}

impl Default for RbmSettings {
    fn default() -> Self {
        RbmSettings {
            seed: 1,
            hidden: 2,
            method: Method::Cd,
            k: 1,
            chains: 100,
            temps: 5,
            t_max: 4.0,
            long_run: 50,
            batch: 0,
            optimizer: OptimizerKind::Sgd,
            lr: 0.1,
            momentum: 0.9,
            weight_decay: 0.0,
            compare: true,
            data: Dataset::default(),
        }
    }
}

const RBM_PARAMS: &[Param<RbmSettings>] = &[
    param!(int RbmSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(int RbmSettings, "hidden", hidden, 1, 8, Restart),
    param!(choice RbmSettings, "method", method, Method, Restart),
    param!(int RbmSettings, "k", k, 1, 25, Live),
    param!(int RbmSettings, "chains", chains, 1, 200, Restart),
    param!(int RbmSettings, "temps", temps, 1, 20, Restart),
    param!(float RbmSettings, "t_max", t_max, 1.0, 50.0, Restart),
    param!(int RbmSettings, "long_run", long_run, 1, 1000, Live),
    param!(int RbmSettings, "batch", batch, 0, 64, Live),
    param!(choice RbmSettings, "optimizer", optimizer, OptimizerKind, Restart),
    param!(logfloat RbmSettings, "lr", lr, 1e-4, 10.0, Live),
    param!(float RbmSettings, "momentum", momentum, 0.0, 0.99, Live),
    param!(float RbmSettings, "weight_decay", weight_decay, 0.0, 0.1, Live),
    param!(flag RbmSettings, "compare", compare, Restart),
];

impl Settings for RbmSettings {
    fn params() -> &'static [Param<Self>] {
        RBM_PARAMS
    }
    fn extra_keys() -> &'static [&'static str] {
        &["movies", "users"]
    }
    fn parse_extra(&mut self, key: &str, raw: &str, notices: &mut Vec<Notice>) {
        match key {
            "movies" => self.data.parse_movies(raw, notices),
            _ => self.data.parse_users(raw, notices),
        }
    }
    fn reconcile(&mut self, notices: &mut Vec<Notice>) {
        let d = self.data.d();
        if d > data::EXACT_MAX_D && self.method == Method::Exact {
            self.method = Method::Cd;
            notices.push(Notice {
                key: "method".into(),
                kind: NoticeKind::Adjusted {
                    why: crate::msg!("msg.rbm.exact_too_big", data::EXACT_MAX_D as u64, d as u64),
                },
            });
        }
    }
    fn format_extra(&self) -> Vec<(&'static str, String)> {
        vec![
            ("movies", self.data.format_movies()),
            ("users", self.data.format_users()),
        ]
    }
}
