//! The two latent scatters: the CVAE's codes (the two shown dimensions) with the chosen digit,
//! the drawn digit's q(z|x, y) and the arithmetic's vectors; and the plain VAE's codes, trained
//! beside it, for comparison.

use super::*;
use crate::app::plots::{ellipse, points_by_class};

/// What the CVAE's scatter draws besides the codes.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Marks {
    /// The chosen test digit's μ.
    pub chosen: Option<(f64, f64)>,
    /// The drawn digit's q(z|x, y): μ and σ.
    pub drawn: Option<((f64, f64), (f64, f64))>,
    /// z_a, z_b, z_c and z_c + (z_a − z_b).
    pub arithmetic: Option<[(f64, f64); 4]>,
}

fn axes(r: f64, dims: (u32, u32)) -> (String, String, (f64, f64)) {
    (
        format!("z{}", dims.0 + 1),
        format!("z{}", dims.1 + 1),
        (-r, r),
    )
}

pub(super) fn cvae_scatter(v: &CvaeView, marks: &Marks, lang: Lang) -> ChartSpec {
    let mut layers = points_by_class(&v.test_mu.0, v.test_labels.0.iter().map(|&l| l as usize));
    if let Some(z) = marks.chosen {
        layers.push(Layer::Points {
            name: tr(lang, "cvae.series.chosen").into(),
            color: palette::BLACK,
            points: vec![z],
            radius: 6.0,
        });
    }
    if let Some((mu, sigma)) = marks.drawn {
        if [mu.0, mu.1, sigma.0, sigma.1].iter().all(|v| v.is_finite()) {
            layers.push(Layer::Line {
                name: tr(lang, "vae.series.q_drawn").into(),
                color: palette::PURPLE,
                points: ellipse(mu, sigma),
                dashed: false,
            });
        }
    }
    if let Some([a, b, c, z]) = marks.arithmetic {
        // z_b → z_a is the difference; the same vector from z_c lands on the result.
        layers.push(Layer::Arrows {
            name: tr(lang, "cvae.series.difference").into(),
            color: palette::VERMILION,
            from: vec![b, c],
            to: vec![a, z],
        });
        layers.push(Layer::Points {
            name: tr(lang, "cvae.series.result").into(),
            color: palette::VERMILION,
            points: vec![z],
            radius: 6.0,
        });
    }
    let (x_label, y_label, range) = axes(v.half_width, v.dims);
    ChartSpec {
        x_range: range,
        y_range: range,
        log_y: false,
        x_label,
        x_integer: false,
        y_label,
        legend: LegendAt::UpperRight,
        layers,
    }
}

pub(super) fn vae_scatter(v: &CvaeView) -> ChartSpec {
    let layers = points_by_class(&v.vae_mu.0, v.test_labels.0.iter().map(|&l| l as usize));
    let (x_label, y_label, range) = axes(v.vae_half_width, (0, 1));
    ChartSpec {
        x_range: range,
        y_range: range,
        log_y: false,
        x_label,
        x_integer: false,
        y_label,
        legend: LegendAt::UpperRight,
        layers,
    }
}
