//! The latent-shaping lesson's pictures as chart specs: a lane's test codes over the prior's
//! sample, and the discriminator's verdict over the latent plane.

use genlab_core::settings::ChoiceEnum;
use genlab_core::wae::{DiscriminatorView, LaneView, Shaping, WaeView};

use super::super::plots::points_by_class;
use crate::charts::{palette, ChartSpec, Layer, LegendAt};
use crate::i18n::{tr, Lang};
use plotters::style::RGBColor;

/// A lane's test codes (coloured by digit) over the reference prior sample (grey).
pub fn lane_spec(v: &WaeView, lane: &LaneView, lang: Lang) -> ChartSpec {
    let r = lane.reach;
    let prior: Vec<(f64, f64)> = v
        .prior_sample
        .0
        .chunks_exact(2)
        .map(|p| (p[0] as f64, p[1] as f64))
        .collect();
    let mut layers = vec![Layer::Points {
        name: tr(lang, "wae.series.prior").into(),
        color: palette::GREY,
        points: prior,
        radius: 1.6,
    }];
    layers.extend(points_by_class(
        &lane.codes.0,
        v.labels.0.iter().map(|&l| l as usize),
    ));
    ChartSpec {
        x_range: (-r, r),
        y_range: (-r, r),
        log_y: false,
        x_label: "z₁".into(),
        x_integer: false,
        y_label: "z₂".into(),
        legend: LegendAt::UpperRight,
        layers,
    }
}

/// D(z) (or D*(z)) over the plane, 0 to 1, with the adversarial lane's codes on top.
pub fn disc_spec(d: &DiscriminatorView, values: &[f32], codes: &[f32]) -> ChartSpec {
    let r = d.reach;
    let n = d.n as usize;
    let codes: Vec<(f64, f64)> = codes
        .chunks_exact(2)
        .map(|p| (p[0] as f64, p[1] as f64))
        .filter(|p| p.0.abs() <= r && p.1.abs() <= r)
        .collect();
    ChartSpec {
        x_range: (-r, r),
        y_range: (-r, r),
        log_y: false,
        x_label: "z₁".into(),
        x_integer: false,
        y_label: "z₂".into(),
        legend: LegendAt::UpperRight,
        layers: vec![
            Layer::Heatmap {
                nx: n,
                ny: n,
                // Cells with no defined value (0/0 far outside every support) show as 0.
                values: values
                    .iter()
                    .map(|&v| if v.is_finite() { v as f64 } else { 0.0 })
                    .collect(),
                lo: 0.0,
                hi: 1.0,
            },
            Layer::Points {
                name: String::new(),
                color: palette::BLACK,
                points: codes,
                radius: 1.2,
            },
        ],
    }
}

/// A lane's colour on the charts that put lanes side by side.
pub fn lane_color(s: Shaping) -> RGBColor {
    match s {
        Shaping::Kl => palette::BLUE,
        Shaping::Mmd => palette::VERMILION,
        Shaping::Adversarial => palette::GREEN,
        Shaping::None => palette::GREY,
    }
}

/// The trade-off on one chart: each lane's reconstruction loss against its codes' exact W₁ to
/// the prior, now; the floor two prior samples reach as a dashed line.
pub fn tradeoff_spec(v: &WaeView, lang: Lang) -> Option<ChartSpec> {
    let points: Vec<(Shaping, f64, f64)> = v
        .lanes
        .iter()
        .filter(|l| l.emd.is_finite() && l.rec.is_finite())
        .map(|l| (l.shaping, l.emd, l.rec))
        .collect();
    if points.is_empty() {
        return None;
    }
    let x_hi = points
        .iter()
        .map(|p| p.1)
        .fold(v.floor_emd.max(0.0), f64::max)
        * 1.15;
    let mut layers: Vec<Layer> = points
        .iter()
        .map(|&(s, emd, rec)| Layer::Points {
            name: tr(lang, &format!("wae.lane.{}", s.key())).into(),
            color: lane_color(s),
            points: vec![(emd, rec)],
            radius: 6.0,
        })
        .collect();
    if v.floor_emd.is_finite() {
        let (lo, hi) = points
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.2), b.max(p.2))
            });
        layers.push(Layer::Line {
            name: tr(lang, "wae.series.floor").into(),
            color: palette::BLACK,
            points: vec![(v.floor_emd, lo), (v.floor_emd, hi)],
            dashed: true,
        });
    }
    let mut spec = ChartSpec {
        x_range: (0.0, x_hi.max(1e-3)),
        y_range: (0.0, 1.0),
        log_y: false,
        x_label: tr(lang, "wae.axis.emd").into(),
        x_integer: false,
        y_label: tr(lang, "wae.axis.rec").into(),
        legend: LegendAt::UpperRight,
        layers,
    };
    spec.fit_y(None);
    Some(spec)
}
