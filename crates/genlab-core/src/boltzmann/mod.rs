//! The Boltzmann family beyond the RBM (issue #22, lectures 000–002): the general machine with
//! every family of couplings — a deep machine (two hidden layers) among them — all enumerated
//! exactly ([`machine`]); the Gaussian–Bernoulli RBM, whose marginal is exactly a mixture of 2^H
//! Gaussians ([`gaussian`]); the RBM seen as a product of experts ([`experts`]); and the lesson
//! that trains them side by side ([`trainer`]).

pub mod experts;
pub mod gaussian;
pub mod machine;
mod trainer;

pub use machine::{Couplings, Machine, MAX_UNITS};
pub use trainer::{
    BoltzmannTrainer, BoltzmannView, DbmView, ExpertsView, FamilyView, GbLaneView, GbView,
    GreedyPhase, SamplerCheck, FAMILIES, METRICS,
};

use crate::choice_enum;
use crate::msg;
use crate::param;
use crate::rbm::Dataset;
use crate::settings::{Notice, NoticeKind, Param, Settings};
use crate::toy2d::Toy;
use crate::transport::settings::{format_points, parse_points, Point};

choice_enum! {
    /// The negative phase of the binary machines' gradient.
    pub enum Gradient {
        /// Every joint state enumerated: the gradient with no approximation.
        Exact = "exact",
        /// Persistent chains advanced by sequential Gibbs sweeps (the positive phase stays
        /// exact: p(h | v) enumerated over the hidden states).
        Sampled = "sampled",
    }
}

choice_enum! {
    /// How a Gaussian–Bernoulli lane gets its negative phase.
    pub enum GbMethod {
        /// From the mixture form: no sampling.
        Exact = "exact",
        /// k block Gibbs steps from each data point.
        Cd = "cd",
        /// k block Gibbs steps on persistent chains.
        Pcd = "pcd",
    }
}

/// Clicked points the Gaussian–Bernoulli RBM trains on instead of a toy set.
pub const MAX_CLICKED: usize = 50;

#[derive(Clone, Debug, PartialEq)]
pub struct BoltzmannSettings {
    pub seed: u32,
    /// Hidden units of each family on the movie data (none for the visible-only machine).
    pub hidden: u32,
    pub gradient: Gradient,
    /// Sequential Gibbs sweeps per update of each persistent chain (sampled gradient).
    pub sweeps: u32,
    /// Persistent chains: the binary machines' and the Gaussian–Bernoulli PCD lane's.
    pub chains: u32,
    pub lr: f64,
    /// The deep machine's two hidden layers, and the steps the greedy stack spends on each.
    pub dbm_h1: u32,
    pub dbm_h2: u32,
    pub layer_steps: u32,
    pub data: Dataset,
    /// The Gaussian–Bernoulli RBM: its data (a toy set, or the clicked points when there are
    /// any), points per split, hidden units, learning rate, Gibbs steps of CD-k and PCD, the
    /// starting σ and whether σ is learned.
    pub toy: Toy,
    pub points: Vec<Point>,
    pub gb_n: u32,
    pub gb_hidden: u32,
    pub gb_lr: f64,
    pub gb_k: u32,
    pub gb_sigma: f64,
    pub learn_sigma: bool,
}

impl Default for BoltzmannSettings {
    fn default() -> Self {
        BoltzmannSettings {
            seed: 1,
            hidden: 2,
            gradient: Gradient::Exact,
            sweeps: 1,
            chains: 20,
            lr: 0.1,
            dbm_h1: 4,
            dbm_h2: 2,
            layer_steps: 500,
            data: Dataset::default(),
            toy: Toy::Blobs,
            points: vec![],
            gb_n: 200,
            gb_hidden: 3,
            gb_lr: 0.01,
            gb_k: 1,
            gb_sigma: 1.0,
            learn_sigma: true,
        }
    }
}

const PARAMS: &[Param<BoltzmannSettings>] = &[
    param!(int BoltzmannSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(int BoltzmannSettings, "hidden", hidden, 1, 6, Restart),
    param!(choice BoltzmannSettings, "gradient", gradient, Gradient, Live),
    param!(int BoltzmannSettings, "sweeps", sweeps, 1, 20, Live),
    param!(int BoltzmannSettings, "chains", chains, 1, 200, Restart),
    param!(logfloat BoltzmannSettings, "lr", lr, 1e-3, 2.0, Live),
    param!(int BoltzmannSettings, "dbm_h1", dbm_h1, 1, 6, Restart),
    param!(int BoltzmannSettings, "dbm_h2", dbm_h2, 1, 4, Restart),
    param!(int BoltzmannSettings, "layer_steps", layer_steps, 10, 10_000, Restart),
    param!(choice BoltzmannSettings, "toy", toy, Toy, Restart),
    param!(int BoltzmannSettings, "gb_n", gb_n, 20, 1000, Restart),
    param!(int BoltzmannSettings, "gb_hidden", gb_hidden, 1, 8, Restart),
    param!(logfloat BoltzmannSettings, "gb_lr", gb_lr, 1e-4, 0.5, Live),
    param!(int BoltzmannSettings, "gb_k", gb_k, 1, 20, Live),
    param!(logfloat BoltzmannSettings, "gb_sigma", gb_sigma, 0.05, 3.0, Restart),
    param!(flag BoltzmannSettings, "learn_sigma", learn_sigma, Live),
];

impl Settings for BoltzmannSettings {
    fn params() -> &'static [Param<Self>] {
        PARAMS
    }
    fn extra_keys() -> &'static [&'static str] {
        &["movies", "users", "points"]
    }
    fn parse_extra(&mut self, key: &str, raw: &str, notices: &mut Vec<Notice>) {
        match key {
            "movies" => self.data.parse_movies(raw, notices),
            "users" => self.data.parse_users(raw, notices),
            _ => {
                let mut points = parse_points(raw, key, notices);
                if points.len() > MAX_CLICKED {
                    notices.push(Notice {
                        key: key.into(),
                        kind: NoticeKind::Clamped {
                            given: points.len().to_string(),
                            used: MAX_CLICKED.to_string(),
                        },
                    });
                    points.truncate(MAX_CLICKED);
                }
                // A point's mass means nothing here: every clicked point counts once.
                for p in &mut points {
                    p.w = 1.0;
                }
                self.points = points;
            }
        }
    }
    fn format_extra(&self) -> Vec<(&'static str, String)> {
        vec![
            ("movies", self.data.format_movies()),
            ("users", self.data.format_users()),
            ("points", format_points(&self.points)),
        ]
    }
    /// Every number is exact by enumerating 2^(units) states: a machine past the limit is cut
    /// to it, saying so (a dataset with too many movies for any hidden unit is refused by the
    /// trainer with the same message).
    fn reconcile(&mut self, notices: &mut Vec<Notice>) {
        let d = self.data.d() as u32;
        let limit = MAX_UNITS as u32;
        let mut cut = |key: &str, asked: u32, units: &mut u32, room: u32| {
            if *units > room && room >= 1 {
                *units = room;
                notices.push(Notice {
                    key: key.into(),
                    kind: NoticeKind::Adjusted {
                        why: msg!(
                            "msg.boltzmann.too_many_units",
                            asked as u64,
                            MAX_UNITS as u64
                        ),
                    },
                });
            }
        };
        let asked = d + self.hidden;
        cut("hidden", asked, &mut self.hidden, limit.saturating_sub(d));
        let asked = d + self.dbm_h1 + self.dbm_h2;
        // The second layer gives way first, down to one unit; then the first.
        let room2 = limit.saturating_sub(d + self.dbm_h1).max(1);
        cut("dbm_h2", asked, &mut self.dbm_h2, room2);
        let room1 = limit.saturating_sub(d + self.dbm_h2);
        cut("dbm_h1", asked, &mut self.dbm_h1, room1);
    }
}
