//! The transport lesson's settings: the lecture's 1-D example, two 2-D point clouds, Sinkhorn's
//! ε, MMD's bandwidth, the lecture's pair of Gaussians and the sliding-support example.

use crate::param;
use crate::settings::{Notice, NoticeKind, Param, Settings};

pub const MAX_BINS: usize = 12;
/// The largest mass one bin or point carries.
pub const MAX_MASS: f64 = 1e6;
/// Points live in [−50, 50]² (the plot shows far less; a pasted outlier stays reachable).
pub const MAX_COORD: f64 = 50.0;
pub const MAX_POINTS: usize = 50;

/// A weighted 2-D point.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub w: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TransportSettings {
    pub seed: u32,
    /// Cost |x − y|^p.
    pub p: f64,
    /// The 1-D example: masses on X = {1, …, K} (lecture: μ = (½, 0, ½, 0), ν = (0, ½, 0, ½)).
    pub mu: Vec<f64>,
    pub nu: Vec<f64>,
    /// The 2-D clouds.
    pub xs: Vec<Point>,
    pub ys: Vec<Point>,
    /// Sinkhorn's entropic regularisation ε.
    pub eps: f64,
    /// MMD's Gaussian kernel bandwidth σ.
    pub sigma: f64,
    /// The Gaussians N(m1, S1), N(m2, S2) (lecture: m1 = 0, S1 = [[1, .5], [.5, 1]], m2 = (3, 3), S2 = 2I).
    pub m1x: f64,
    pub m1y: f64,
    pub s1xx: f64,
    pub s1xy: f64,
    pub s1yy: f64,
    pub m2x: f64,
    pub m2y: f64,
    pub s2xx: f64,
    pub s2xy: f64,
    pub s2yy: f64,
    /// Sample size per side for the sample estimate of W2.
    pub samples: u32,
    /// Shift θ of the sliding-support example.
    pub shift: f64,
}

fn default_cloud(offset: f64, seed: u64) -> Vec<Point> {
    let mut rng = crate::rng::Rng::stream(seed, 0);
    (0..8)
        .map(|_| Point {
            x: offset + rng.normal(),
            y: rng.normal(),
            w: 1.0,
        })
        .map(|mut p| {
            p.x = (p.x * 100.0).round() / 100.0;
            p.y = (p.y * 100.0).round() / 100.0;
            p
        })
        .collect()
}

impl Default for TransportSettings {
    fn default() -> Self {
        TransportSettings {
            seed: 1,
            p: 1.0,
            mu: vec![0.5, 0.0, 0.5, 0.0],
            nu: vec![0.0, 0.5, 0.0, 0.5],
            xs: default_cloud(-1.5, 1),
            ys: default_cloud(1.5, 2),
            eps: 0.1,
            sigma: 1.0,
            m1x: 0.0,
            m1y: 0.0,
            s1xx: 1.0,
            s1xy: 0.5,
            s1yy: 1.0,
            m2x: 3.0,
            m2y: 3.0,
            s2xx: 2.0,
            s2xy: 0.0,
            s2yy: 2.0,
            samples: 100,
            shift: 1.0,
        }
    }
}

const PARAMS: &[Param<TransportSettings>] = &[
    param!(int TransportSettings, "seed", seed, 0, 4_294_967_295, Restart),
    param!(float TransportSettings, "p", p, 1.0, 3.0, Restart),
    param!(logfloat TransportSettings, "eps", eps, 1e-3, 10.0, Restart),
    param!(logfloat TransportSettings, "sigma", sigma, 0.05, 20.0, Live),
    param!(float TransportSettings, "m1x", m1x, -6.0, 6.0, Live),
    param!(float TransportSettings, "m1y", m1y, -6.0, 6.0, Live),
    param!(float TransportSettings, "s1xx", s1xx, 0.05, 5.0, Live),
    param!(float TransportSettings, "s1xy", s1xy, -5.0, 5.0, Live),
    param!(float TransportSettings, "s1yy", s1yy, 0.05, 5.0, Live),
    param!(float TransportSettings, "m2x", m2x, -6.0, 6.0, Live),
    param!(float TransportSettings, "m2y", m2y, -6.0, 6.0, Live),
    param!(float TransportSettings, "s2xx", s2xx, 0.05, 5.0, Live),
    param!(float TransportSettings, "s2xy", s2xy, -5.0, 5.0, Live),
    param!(float TransportSettings, "s2yy", s2yy, 0.05, 5.0, Live),
    param!(int TransportSettings, "samples", samples, 5, 300, Live),
    param!(float TransportSettings, "shift", shift, -4.0, 4.0, Live),
];

fn parse_masses(raw: &str, key: &str, notices: &mut Vec<Notice>) -> Option<Vec<f64>> {
    let parts: Vec<&str> = raw.split(',').filter(|p| !p.trim().is_empty()).collect();
    let mut out = Vec::new();
    let (mut bad, mut capped) = (false, false);
    for part in parts.iter().take(MAX_BINS) {
        match part.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => {
                capped |= x > MAX_MASS;
                out.push(x.min(MAX_MASS));
            }
            _ => {
                bad = true;
                out.push(0.0);
            }
        }
    }
    let mut adjusted = |why| {
        notices.push(Notice {
            key: key.into(),
            kind: NoticeKind::Adjusted { why },
        })
    };
    if parts.len() > MAX_BINS {
        adjusted(crate::msg!(
            "msg.ot.bins_cut",
            MAX_BINS as u64,
            (parts.len() - MAX_BINS) as u64
        ));
    }
    if bad {
        adjusted(crate::msg!("msg.ot.masses_zeroed"));
    }
    if capped {
        adjusted(crate::msg!("msg.ot.masses_capped", MAX_MASS));
    }
    (!out.is_empty()).then_some(out)
}

pub(crate) fn parse_points(raw: &str, key: &str, notices: &mut Vec<Notice>) -> Vec<Point> {
    let mut out = Vec::new();
    let (mut bad, mut moved) = (0, false);
    let mut coord = |v: f64| {
        moved |= v.abs() > MAX_COORD;
        v.clamp(-MAX_COORD, MAX_COORD)
    };
    for part in raw.split(';').filter(|p| !p.trim().is_empty()) {
        let nums: Vec<Option<f64>> = part
            .split(',')
            .map(|x| x.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        match nums.as_slice() {
            [Some(x), Some(y)] => out.push(Point {
                x: coord(*x),
                y: coord(*y),
                w: 1.0,
            }),
            [Some(x), Some(y), Some(w)] if *w >= 0.0 => out.push(Point {
                x: coord(*x),
                y: coord(*y),
                w: *w,
            }),
            _ => bad += 1,
        }
    }
    let capped = out.iter().any(|p| p.w > MAX_MASS);
    for p in &mut out {
        p.w = p.w.min(MAX_MASS);
    }
    let mut adjusted = |why| {
        notices.push(Notice {
            key: key.into(),
            kind: NoticeKind::Adjusted { why },
        })
    };
    if bad > 0 {
        adjusted(crate::msg!("msg.ot.bad_points", bad as u64));
    }
    if moved {
        adjusted(crate::msg!("msg.ot.points_clamped", MAX_COORD));
    }
    if capped {
        adjusted(crate::msg!("msg.ot.masses_capped", MAX_MASS));
    }
    if out.len() > MAX_POINTS {
        notices.push(Notice {
            key: key.into(),
            kind: NoticeKind::Clamped {
                given: out.len().to_string(),
                used: MAX_POINTS.to_string(),
            },
        });
        out.truncate(MAX_POINTS);
    }
    out
}

pub(crate) fn format_points(ps: &[Point]) -> String {
    ps.iter()
        .map(|p| format!("{},{},{}", p.x, p.y, p.w))
        .collect::<Vec<_>>()
        .join(";")
}

impl Settings for TransportSettings {
    fn params() -> &'static [Param<Self>] {
        PARAMS
    }
    fn extra_keys() -> &'static [&'static str] {
        &["mu", "nu", "xs", "ys"]
    }
    fn parse_extra(&mut self, key: &str, raw: &str, notices: &mut Vec<Notice>) {
        match key {
            "mu" => self.mu = parse_masses(raw, key, notices).unwrap_or_else(|| self.mu.clone()),
            "nu" => self.nu = parse_masses(raw, key, notices).unwrap_or_else(|| self.nu.clone()),
            "xs" => self.xs = parse_points(raw, key, notices),
            _ => self.ys = parse_points(raw, key, notices),
        }
    }
    fn format_extra(&self) -> Vec<(&'static str, String)> {
        let masses = |m: &[f64]| {
            m.iter()
                .map(|x| format!("{x}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        vec![
            ("mu", masses(&self.mu)),
            ("nu", masses(&self.nu)),
            ("xs", format_points(&self.xs)),
            ("ys", format_points(&self.ys)),
        ]
    }
    /// Both 1-D measures live on the same bins; each covariance must be positive semi-definite.
    fn reconcile(&mut self, notices: &mut Vec<Notice>) {
        let k = self.mu.len().max(self.nu.len());
        self.mu.resize(k, 0.0);
        self.nu.resize(k, 0.0);
        for (name, xx, xy, yy) in [
            ("s1xy", self.s1xx, &mut self.s1xy, self.s1yy),
            ("s2xy", self.s2xx, &mut self.s2xy, self.s2yy),
        ] {
            let limit = 0.99 * (xx * yy).sqrt();
            if xy.abs() > limit {
                *xy = xy.signum() * (limit * 100.0).floor() / 100.0;
                notices.push(Notice {
                    key: name.into(),
                    kind: NoticeKind::Adjusted {
                        why: crate::msg!("msg.ot.bad_covariance", *xy),
                    },
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{parse_query, to_query};

    #[test]
    fn round_trips_and_repairs_bad_input() {
        let s = TransportSettings::default();
        assert_eq!(parse_query::<TransportSettings>(&to_query(&s), &[]).0, s);
        let (s, n) =
            parse_query::<TransportSettings>("mu=1,-2,abc&nu=1&xs=1,2;3;4,5,-1;0,0,2&s1xy=4", &[]);
        assert_eq!(s.mu, vec![1.0, 0.0, 0.0]);
        assert_eq!(s.nu, vec![1.0, 0.0, 0.0]);
        assert_eq!(s.xs.len(), 2);
        assert!(s.s1xy.abs() < (s.s1xx * s.s1yy).sqrt());
        assert!(n.len() >= 3, "{n:?}");
    }
}
