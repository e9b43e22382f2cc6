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
mod trainer;

pub use trainer::{
    EbmView, JemLaneView, JemView, LangevinTrainer, LangevinView, SamplerLane, METRICS,
};

use crate::choice_enum;
use crate::param;
use crate::settings::{Notice, NoticeKind, Param, Settings};
use crate::toy2d::Toy;
use energy::{Energy, Well};

choice_enum! {
    /// The landscape of part 1.
    pub enum Landscape {
        /// A mixture of Gaussian wells you drag and resize.
        Wells = "wells",
        Ring = "ring",
        Moons = "moons",
        Banana = "banana",
    }
}

choice_enum! {
    /// Where part 1's particles start.
    pub enum Start {
        /// Uniformly over the plane's square.
        Uniform = "uniform",
        /// All at one point (start_x, start_y), set by a click.
        Point = "point",
    }
}

/// The plane every picture shows: [−HALF, HALF]².
pub const HALF: f64 = 4.0;
pub const MAX_WELLS: usize = 6;
/// Points the energy model may be given by clicking.
pub const MAX_CLICKED: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct LangevinSettings {
    pub seed: u32,
    pub landscape: Landscape,
    pub wells: Vec<Well>,
    pub particles: u32,
    pub start: Start,
    pub start_x: f64,
    pub start_y: f64,
    /// The step λ, fixed or on the schedule λ_τ = a (b + τ)^(−γ).
    pub lambda: f64,
    pub schedule: bool,
    pub sched_a: f64,
    pub sched_b: f64,
    pub gamma: f64,
    /// Part 2: the energy model's data, width, learning rate, SGLD steps per update, its step,
    /// the buffer's restart probability ρ.
    pub ebm_data: Toy,
    /// Points clicked in for the energy model: when there are any they replace the toy set
    /// (every fifth held out).
    pub ebm_points: Vec<crate::transport::settings::Point>,
    pub ebm_hidden: u32,
    pub ebm_lr: f64,
    pub sgld_steps: u32,
    pub sgld_lambda: f64,
    pub rho: f64,
    /// Part 3: the classes' data, the classifier's width and learning rate.
    pub jem_data: Toy,
    pub jem_hidden: u32,
    pub jem_lr: f64,
}

impl Default for LangevinSettings {
    fn default() -> Self {
        LangevinSettings {
            seed: 1,
            landscape: Landscape::Wells,
            wells: vec![
                Well {
                    x: -1.5,
                    y: -1.0,
                    sigma: 0.5,
                    weight: 1.0,
                },
                Well {
                    x: 1.5,
                    y: -0.5,
                    sigma: 0.6,
                    weight: 1.0,
                },
                Well {
                    x: 0.0,
                    y: 1.5,
                    sigma: 0.4,
                    weight: 0.6,
                },
            ],
            particles: 500,
            start: Start::Uniform,
            start_x: 0.0,
            start_y: 0.0,
            lambda: 0.02,
            schedule: false,
            sched_a: 0.1,
            sched_b: 10.0,
            gamma: 0.55,
            ebm_data: Toy::Blobs,
            ebm_points: vec![],
            ebm_hidden: 32,
            ebm_lr: 3e-3,
            sgld_steps: 20,
            sgld_lambda: 0.02,
            rho: 0.05,
            jem_data: Toy::Blobs,
            jem_hidden: 32,
            jem_lr: 3e-3,
        }
    }
}

impl LangevinSettings {
    pub fn energy(&self) -> Energy {
        match self.landscape {
            Landscape::Wells => Energy::Mixture(self.wells.clone()),
            Landscape::Ring => Energy::Ring {
                radius: 2.0,
                width: 0.3,
            },
            Landscape::Moons => Energy::Moons { width: 0.15 },
            Landscape::Banana => Energy::Banana {
                a: 1.0,
                b: 0.3,
                c: 1.0,
                s: 0.5,
            },
        }
    }

    /// The step at step τ.
    pub fn step_size(&self, tau: u64) -> f64 {
        if self.schedule {
            sampler::schedule(self.sched_a, self.sched_b, self.gamma, tau)
        } else {
            self.lambda
        }
    }
}

const PARAMS: &[Param<LangevinSettings>] = &[
    param!(int LangevinSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(choice LangevinSettings, "landscape", landscape, Landscape, Restart),
    param!(int LangevinSettings, "particles", particles, 10, 5000, Restart),
    param!(choice LangevinSettings, "start", start, Start, Restart),
    param!(float LangevinSettings, "start_x", start_x, -4.0, 4.0, Restart),
    param!(float LangevinSettings, "start_y", start_y, -4.0, 4.0, Restart),
    param!(logfloat LangevinSettings, "step_lambda", lambda, 1e-4, 2.0, Live),
    param!(flag LangevinSettings, "schedule", schedule, Live),
    param!(logfloat LangevinSettings, "sched_a", sched_a, 1e-4, 10.0, Live),
    param!(float LangevinSettings, "sched_b", sched_b, 1.0, 1000.0, Live),
    param!(float LangevinSettings, "gamma", gamma, 0.0, 2.0, Live),
    param!(choice LangevinSettings, "ebm_data", ebm_data, Toy, Restart),
    param!(int LangevinSettings, "ebm_hidden", ebm_hidden, 4, 128, Restart),
    param!(logfloat LangevinSettings, "ebm_lr", ebm_lr, 1e-5, 0.1, Live),
    param!(int LangevinSettings, "sgld_steps", sgld_steps, 1, 200, Live),
    param!(logfloat LangevinSettings, "sgld_lambda", sgld_lambda, 1e-4, 1.0, Live),
    param!(float LangevinSettings, "rho", rho, 0.0, 1.0, Live),
    param!(choice LangevinSettings, "jem_data", jem_data, Toy, Restart),
    param!(int LangevinSettings, "jem_hidden", jem_hidden, 4, 128, Restart),
    param!(logfloat LangevinSettings, "jem_lr", jem_lr, 1e-5, 0.1, Live),
];

/// Wells as "x,y,σ,w;…".
fn format_wells(wells: &[Well]) -> String {
    wells
        .iter()
        .map(|w| format!("{},{},{},{}", w.x, w.y, w.sigma, w.weight))
        .collect::<Vec<_>>()
        .join(";")
}

/// Reads wells; what cannot be read is left out, a centre off the plane or a spread or
/// weight out of range is clamped — each named in a notice.
fn parse_wells(raw: &str, notices: &mut Vec<Notice>) -> Option<Vec<Well>> {
    let (mut bad, mut clamped) = (0u64, false);
    let mut wells = vec![];
    for part in raw.split(';').filter(|p| !p.trim().is_empty()) {
        let nums: Vec<Option<f64>> = part
            .split(',')
            .map(|v| v.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        let [Some(x), Some(y), Some(s), Some(w)] = nums.as_slice() else {
            bad += 1;
            continue;
        };
        let mut c = |v: f64, lo: f64, hi: f64| {
            clamped |= v < lo || v > hi;
            v.clamp(lo, hi)
        };
        wells.push(Well {
            x: c(*x, -HALF, HALF),
            y: c(*y, -HALF, HALF),
            sigma: c(*s, 0.1, 2.0),
            weight: c(*w, 0.01, 100.0),
        });
    }
    let mut adjusted = |why| {
        notices.push(Notice {
            key: "wells".into(),
            kind: NoticeKind::Adjusted { why },
        })
    };
    if bad > 0 {
        adjusted(crate::msg!("msg.langevin.bad_wells", bad));
    }
    if clamped {
        adjusted(crate::msg!("msg.langevin.wells_clamped", HALF));
    }
    if wells.len() > MAX_WELLS {
        notices.push(Notice {
            key: "wells".into(),
            kind: NoticeKind::Clamped {
                given: wells.len().to_string(),
                used: MAX_WELLS.to_string(),
            },
        });
        wells.truncate(MAX_WELLS);
    }
    (!wells.is_empty()).then_some(wells)
}

impl Settings for LangevinSettings {
    fn params() -> &'static [Param<Self>] {
        PARAMS
    }
    fn extra_keys() -> &'static [&'static str] {
        &["ebm_points", "wells"]
    }
    fn parse_extra(&mut self, key: &str, raw: &str, notices: &mut Vec<Notice>) {
        if key == "ebm_points" {
            let mut points = crate::transport::settings::parse_points(raw, key, notices);
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
            for p in &mut points {
                p.w = 1.0;
            }
            self.ebm_points = points;
            return;
        }
        match parse_wells(raw, notices) {
            Some(w) => self.wells = w,
            None => notices.push(Notice {
                key: "wells".into(),
                kind: NoticeKind::Invalid {
                    given: crate::settings::shown(raw),
                    used: format_wells(&self.wells),
                },
            }),
        }
    }
    fn format_extra(&self) -> Vec<(&'static str, String)> {
        // The wells last: the page's typed wells are appended to the address as they are.
        vec![
            (
                "ebm_points",
                crate::transport::settings::format_points(&self.ebm_points),
            ),
            ("wells", format_wells(&self.wells)),
        ]
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;
    use crate::settings::{parse_query, to_query};

    #[test]
    fn wells_round_trip_and_bad_ones_are_named() {
        let s = LangevinSettings::default();
        let (back, notices) = parse_query::<LangevinSettings>(&to_query(&s), &[]);
        assert_eq!(back, s);
        assert!(notices.is_empty(), "{notices:?}");
        let (s, notices) = parse_query::<LangevinSettings>("wells=9,0,0.5,1;x;0,0,0.01,1", &[]);
        assert_eq!(s.wells.len(), 2);
        assert_eq!(s.wells[0].x, HALF);
        assert_eq!(s.wells[1].sigma, 0.1);
        assert_eq!(notices.len(), 2, "{notices:?}");
        let (s, notices) = parse_query::<LangevinSettings>("wells=", &[]);
        assert_eq!(s.wells, LangevinSettings::default().wells);
        assert_eq!(notices.len(), 1);
    }
}
