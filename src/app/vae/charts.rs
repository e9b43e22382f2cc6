//! The latent scatter of the test digits, coloured by class, with the interpolation path and the
//! explored point.

use super::*;
use crate::app::plots::points_by_class;

/// The test digits' μ coloured by class, the interpolation path, and the explored point.
pub(super) fn scatter_spec(v: &VaeView, explore: Option<(f64, f64)>, lang: Lang) -> ChartSpec {
    let r = v.half_width;
    let mut layers = points_by_class(&v.test_mu.0, v.test_labels.0.iter().map(|&l| l as usize));
    layers.push(Layer::Line {
        name: tr(lang, "vae.series.path").into(),
        color: palette::VERMILION,
        points: vec![v.from_z, v.to_z],
        dashed: true,
    });
    layers.push(Layer::Points {
        name: tr(lang, "vae.series.alpha").into(),
        color: palette::VERMILION,
        points: vec![v.alpha_z],
        radius: 5.0,
    });
    if let Some(z) = explore {
        layers.push(Layer::Points {
            name: tr(lang, "vae.series.explore").into(),
            color: palette::ORANGE,
            points: vec![z],
            radius: 6.0,
        });
    }
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
