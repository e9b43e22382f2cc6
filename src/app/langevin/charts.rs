//! The Langevin lesson's pictures as chart specs: a density over the plane with its contours
//! and whatever sits on it (wells, particles, data, buffer samples, chains' paths).

use crate::charts::{palette, ChartSpec, Layer, LegendAt};
use crate::contour::{contour_segments, mass_level};
use plotters::style::RGBColor;

pub fn pairs(xy: &[f32]) -> Vec<(f64, f64)> {
    xy.chunks_exact(2)
        .map(|p| (p[0] as f64, p[1] as f64))
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect()
}

/// A density on an n × n grid over [−half, half]², its lines holding 50 % and 90 % of the mass
/// (named `contours`, none if empty), then `on_top`.
pub fn density_spec(
    values: &[f32],
    n: usize,
    half: f64,
    contours: &str,
    on_top: Vec<Layer>,
) -> ChartSpec {
    let v: Vec<f64> = values
        .iter()
        .map(|&d| if d.is_finite() { d as f64 } else { 0.0 })
        .collect();
    let hi = v.iter().copied().fold(1e-12, f64::max);
    let mut layers = vec![Layer::Heatmap {
        nx: n,
        ny: n,
        values: v.clone(),
        lo: 0.0,
        hi,
    }];
    if !contours.is_empty() {
        layers.push(Layer::Segments {
            name: contours.into(),
            color: palette::SKY,
            segments: [0.5, 0.9]
                .iter()
                .filter_map(|&m| mass_level(&v, m))
                .flat_map(|l| contour_segments(&v, n, n, (-half, half), (-half, half), l))
                .collect(),
        });
    }
    layers.extend(on_top);
    ChartSpec {
        x_range: (-half, half),
        y_range: (-half, half),
        log_y: false,
        x_label: "x₁".into(),
        x_integer: false,
        y_label: "x₂".into(),
        legend: LegendAt::UpperRight,
        layers,
    }
}

pub fn points(name: &str, color: RGBColor, xy: &[f32], radius: f64) -> Layer {
    Layer::Points {
        name: name.into(),
        color,
        points: pairs(xy),
        radius,
    }
}
