//! What a chart shows, as plain data: its layers, axes and legend. No state, no drawing.

#[allow(unused_imports)]
use super::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    Line {
        name: String,
        color: RGBColor,
        points: Vec<(f64, f64)>,
        dashed: bool,
    },
    /// Bars of equal width covering [lo, hi).
    Bars {
        name: String,
        color: RGBColor,
        lo: f64,
        hi: f64,
        heights: Vec<f64>,
    },
    /// Arrows from `from[i]` to `to[i]`, in data coordinates.
    Arrows {
        name: String,
        color: RGBColor,
        from: Vec<(f64, f64)>,
        to: Vec<(f64, f64)>,
    },
    HLine {
        name: String,
        color: RGBColor,
        y: f64,
    },
    /// A scatter: one dot per point, `radius` in CSS pixels.
    Points {
        name: String,
        color: RGBColor,
        points: Vec<(f64, f64)>,
        radius: f64,
    },
    /// Separate line segments in data coordinates (contour lines).
    Segments {
        name: String,
        color: RGBColor,
        segments: Vec<((f64, f64), (f64, f64))>,
    },
    /// Values on an nx × ny grid over the chart's ranges (row 0 at the bottom), coloured by
    /// [`viridis`] between `lo` and `hi`.
    Heatmap {
        nx: usize,
        ny: usize,
        values: Vec<f64>,
        lo: f64,
        hi: f64,
    },
}

pub use crate::legend_corner::LegendAt;

#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub log_y: bool,
    pub x_label: String,
    /// Label the x axis with whole numbers (step counts).
    pub x_integer: bool,
    pub y_label: String,
    pub legend: LegendAt,
    pub layers: Vec<Layer>,
}

impl ChartSpec {
    pub fn empty() -> Self {
        ChartSpec {
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            log_y: false,
            x_label: String::new(),
            x_integer: false,
            y_label: String::new(),
            legend: LegendAt::UpperRight,
            layers: vec![],
        }
    }

    /// A y-range covering every finite value of the line layers (and hlines), with a margin;
    /// `floor` keeps log charts positive.
    /// Starts the x axis where the first line has its first finite value: for metrics that
    /// exist only from some step on (a DBN's fine-tuned classifiers, after pre-training), whose
    /// lines would otherwise be squeezed into the right end of the run.
    pub fn start_at_first_value(mut self) -> ChartSpec {
        let first = self
            .layers
            .iter()
            .filter_map(|l| match l {
                Layer::Line { points, .. } => points.iter().find(|p| p.1.is_finite()).map(|p| p.0),
                _ => None,
            })
            .fold(f64::INFINITY, f64::min);
        if first.is_finite() && first < self.x_range.1 {
            self.x_range.0 = first;
        }
        self
    }

    pub fn fit_y(&mut self, floor: Option<f64>) {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for l in &self.layers {
            let ys: Vec<f64> = match l {
                Layer::Line { points, .. } => points.iter().map(|p| p.1).collect(),
                Layer::HLine { y, .. } => vec![*y],
                Layer::Bars { heights, .. } => heights.clone(),
                Layer::Arrows { .. } | Layer::Heatmap { .. } | Layer::Segments { .. } => vec![],
                Layer::Points { points, .. } => points.iter().map(|p| p.1).collect(),
            };
            for y in ys.into_iter().filter(|y| y.is_finite()) {
                if floor.is_none_or(|f| y >= f) {
                    lo = lo.min(y);
                    hi = hi.max(y);
                }
            }
        }
        if !lo.is_finite() {
            (lo, hi) = (floor.unwrap_or(0.0).max(1e-3), 1.0);
        }
        if self.log_y {
            let lo = lo.max(floor.unwrap_or(1e-6)).max(1e-300);
            self.y_range = (lo / 1.5, (hi * 1.5).max(lo * 10.0));
        } else {
            let pad = ((hi - lo) * 0.08).max(1e-6);
            self.y_range = (lo - pad, hi + pad);
        }
    }
}
