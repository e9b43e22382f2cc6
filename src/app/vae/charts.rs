//! The latent scatter of the test digits, coloured by class, with the interpolation path, the
//! explored point, and the encoder's q(z|x) of the inspected and the drawn digit as ellipses.

use super::*;
use crate::app::plots::{ellipse, points_by_class};

/// A q(z|x) to draw on the scatter: its legend name, colour, μ and σ.
pub(super) type QEllipse = (String, plotters::style::RGBColor, (f64, f64), (f64, f64));

/// The test digits' μ coloured by class, the interpolation path, the explored point, and the
/// q(z|x) ellipses given.
pub(super) fn scatter_spec(
    v: &VaeView,
    explore: Option<(f64, f64)>,
    ellipses: &[QEllipse],
    lang: Lang,
) -> ChartSpec {
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
    for (name, color, mu, sigma) in ellipses {
        let finite = [mu.0, mu.1, sigma.0, sigma.1].iter().all(|v| v.is_finite());
        if finite {
            layers.push(Layer::Line {
                name: name.clone(),
                color: *color,
                points: ellipse(*mu, *sigma),
                dashed: false,
            });
        }
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
