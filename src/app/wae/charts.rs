//! The latent-shaping lesson's pictures as chart specs: a lane's test codes over the prior's
//! sample, and the discriminator's verdict over the latent plane.

use genlab_core::wae::{DiscriminatorView, LaneView, WaeView};

use super::super::plots::points_by_class;
use crate::charts::{palette, ChartSpec, Layer, LegendAt};
use crate::i18n::{tr, Lang};

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
