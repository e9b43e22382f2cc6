//! The Boltzmann-family lesson's pictures as chart specs: a family's weights, the block
//! sampler's settled p(v) against the exact one, the experts' votes and their product, and the
//! Gaussian–Bernoulli RBM's exact density with its points, components and chains.

use genlab_core::boltzmann::{ExpertsView, GbLaneView, GbView, SamplerCheck};

use crate::charts::{palette, ChartSpec, Layer, LegendAt};
use crate::contour::{contour_segments, mass_level};
use crate::i18n::{tr, Lang};

fn pairs(xy: &[f32]) -> Vec<(f64, f64)> {
    xy.chunks_exact(2)
        .map(|p| (p[0] as f64, p[1] as f64))
        .collect()
}

/// A machine's weights as an n × n picture, symmetric around 0 (visible units first).
pub fn weights_spec(weights: &[f32], units: usize, lang: Lang) -> ChartSpec {
    let max = weights
        .iter()
        .map(|w| w.abs() as f64)
        .filter(|w| w.is_finite())
        .fold(1e-6, f64::max);
    ChartSpec {
        x_range: (0.0, units as f64),
        y_range: (0.0, units as f64),
        log_y: false,
        x_label: tr(lang, "boltzmann.axis.unit").into(),
        x_integer: true,
        y_label: tr(lang, "boltzmann.axis.unit").into(),
        legend: LegendAt::UpperRight,
        layers: vec![Layer::Heatmap {
            nx: units,
            ny: units,
            values: weights.iter().map(|&w| w as f64).collect(),
            lo: -max,
            hi: max,
        }],
    }
}

/// The visible vectors most probable under the exact p(v): p(v) as bars, the block sampler's
/// settled p(v) as dots.
pub fn sampler_spec(check: &SamplerCheck, lang: Lang) -> ChartSpec {
    const SHOWN: usize = 16;
    let exact = &check.exact_visible.0;
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| exact[b].total_cmp(&exact[a]).then(a.cmp(&b)));
    order.truncate(SHOWN);
    let heights: Vec<f64> = order.iter().map(|&s| exact[s] as f64).collect();
    let block: Vec<(f64, f64)> = order
        .iter()
        .enumerate()
        .map(|(r, &s)| (r as f64 + 0.5, check.block_visible.0[s] as f64))
        .collect();
    let mut spec = ChartSpec {
        x_range: (0.0, order.len() as f64),
        y_range: (0.0, 1.0),
        log_y: false,
        x_label: tr(lang, "boltzmann.axis.vector_rank").into(),
        x_integer: true,
        y_label: "p(v)".into(),
        legend: LegendAt::UpperRight,
        layers: vec![
            Layer::Bars {
                name: tr(lang, "boltzmann.series.exact_p").into(),
                color: palette::SKY,
                lo: 0.0,
                hi: order.len() as f64,
                heights,
            },
            Layer::Points {
                name: tr(lang, "boltzmann.series.block_p").into(),
                color: palette::VERMILION,
                points: block,
                radius: 4.0,
            },
        ],
    };
    spec.fit_y(Some(0.0));
    spec
}

/// Each expert's factor log(1 + e^{c_j + W_j·v}) per visible vector (columns, most probable
/// first), one row per hidden unit.
pub fn experts_spec(e: &ExpertsView, lang: Lang) -> ChartSpec {
    let (rows, h) = (e.vectors.len(), e.h as usize);
    // The heat map's row is the expert, its column the vector.
    let values: Vec<f64> = (0..h)
        .flat_map(|j| (0..rows).map(move |r| (r, j)))
        .map(|(r, j)| e.log_factors.0[r * h + j] as f64)
        .collect();
    let hi = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(1e-6, f64::max);
    ChartSpec {
        x_range: (0.0, rows as f64),
        y_range: (0.0, h as f64),
        log_y: false,
        x_label: tr(lang, "boltzmann.axis.vector_rank").into(),
        x_integer: true,
        y_label: tr(lang, "boltzmann.axis.expert").into(),
        legend: LegendAt::UpperRight,
        layers: vec![Layer::Heatmap {
            nx: rows,
            ny: h,
            values,
            lo: 0.0,
            hi,
        }],
    }
}

/// The experts' normalised product — the RBM's p(v) — beside the data's frequencies.
pub fn product_spec(e: &ExpertsView, lang: Lang) -> ChartSpec {
    let rows = e.vectors.len();
    let mut spec = ChartSpec {
        x_range: (0.0, rows as f64),
        y_range: (0.0, 1.0),
        log_y: false,
        x_label: tr(lang, "boltzmann.axis.vector_rank").into(),
        x_integer: true,
        y_label: "p(v)".into(),
        legend: LegendAt::UpperRight,
        layers: vec![
            Layer::Bars {
                name: tr(lang, "boltzmann.series.product").into(),
                color: palette::BLUE,
                lo: 0.0,
                hi: rows as f64,
                heights: e.product.0.iter().map(|&p| p as f64).collect(),
            },
            Layer::Points {
                name: tr(lang, "boltzmann.series.data_freq").into(),
                color: palette::VERMILION,
                points: e
                    .data_freq
                    .0
                    .iter()
                    .enumerate()
                    .filter(|(_, &f)| f > 0.0)
                    .map(|(r, &f)| (r as f64 + 0.5, f as f64))
                    .collect(),
                radius: 4.0,
            },
        ],
    };
    spec.fit_y(Some(0.0));
    spec
}

/// One Gaussian–Bernoulli lane: its exact density over the plane, the training points
/// (black), the held-out points (grey), the components' means that carry weight (vermilion)
/// and the chains (orange).
pub fn gb_spec(g: &GbView, lane: &GbLaneView, lang: Lang) -> ChartSpec {
    let [x0, x1, y0, y1] = g.extent;
    let n = g.grid as usize;
    let density: Vec<f64> = lane
        .density
        .0
        .iter()
        .map(|&d| if d.is_finite() { d as f64 } else { 0.0 })
        .collect();
    let hi = density.iter().copied().fold(1e-12, f64::max);
    let inside = |p: &(f64, f64)| p.0 >= x0 && p.0 <= x1 && p.1 >= y0 && p.1 <= y1;
    let means: Vec<(f64, f64)> = pairs(&lane.means.0)
        .into_iter()
        .zip(&lane.weights.0)
        .filter(|(m, &w)| w > 0.01 && inside(m))
        .map(|(m, _)| m)
        .collect();
    // The lines that enclose half and nine tenths of the probability (on the picture).
    let contours: Vec<((f64, f64), (f64, f64))> = [0.5, 0.9]
        .iter()
        .filter_map(|&m| mass_level(&density, m))
        .flat_map(|level| contour_segments(&density, n, n, (x0, x1), (y0, y1), level))
        .collect();
    let mut layers = vec![
        Layer::Heatmap {
            nx: n,
            ny: n,
            values: density,
            lo: 0.0,
            hi,
        },
        Layer::Segments {
            name: tr(lang, "boltzmann.series.contours").into(),
            color: palette::SKY,
            segments: contours,
        },
        Layer::Points {
            name: tr(lang, "boltzmann.series.train").into(),
            color: palette::BLACK,
            points: pairs(&g.train.0),
            radius: 1.8,
        },
        Layer::Points {
            name: tr(lang, "boltzmann.series.test").into(),
            color: palette::GREY,
            points: pairs(&g.test.0),
            radius: 1.8,
        },
    ];
    if !lane.chains.0.is_empty() {
        layers.push(Layer::Points {
            name: tr(lang, "boltzmann.series.chains").into(),
            color: palette::ORANGE,
            points: pairs(&lane.chains.0).into_iter().filter(inside).collect(),
            radius: 1.8,
        });
    }
    layers.push(Layer::Points {
        name: tr(lang, "boltzmann.series.means").into(),
        color: palette::VERMILION,
        points: means,
        radius: 5.0,
    });
    ChartSpec {
        x_range: (x0, x1),
        y_range: (y0, y1),
        log_y: false,
        x_label: "v₁".into(),
        x_integer: false,
        y_label: "v₂".into(),
        legend: LegendAt::UpperRight,
        layers,
    }
}
