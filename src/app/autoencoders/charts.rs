//! The autoencoder lesson's charts as plain specs: the squared error against PCA's line, the
//! code histogram, and the two planes (PCA's first components, the code's first units).

use genlab_core::autoencoder::AutoencoderView;

use super::super::lesson::History;
use super::super::plots::{history_chart, points_by_class, SeriesSpec};
use crate::charts::{palette, ChartSpec, Layer, LegendAt};
use crate::i18n::{tr, Lang};

/// The lesson lane's squared error per test digit and, comparing, each lane's, with PCA's error
/// at the code size as a dashed line: no linear code of that size goes below it.
pub fn error_spec(h: &History, lang: Lang) -> Option<ChartSpec> {
    if h.rows.len() < 2 {
        return None;
    }
    let series = [
        ("test_sq_error", "ae.series.this", palette::BLACK),
        ("lane_plain", "choice.variant.plain", palette::BLUE),
        ("lane_sparse", "choice.variant.sparse", palette::ORANGE),
        ("lane_denoising", "choice.variant.denoising", palette::GREEN),
        (
            "lane_contractive",
            "choice.variant.contractive",
            palette::PURPLE,
        ),
        ("lane_linear", "choice.variant.linear", palette::SKY),
    ];
    let labels: Vec<String> = series.iter().map(|s| tr(lang, s.1).to_string()).collect();
    // Comparing, the first lane is the plain one: its line is drawn once, as the plain lane's.
    let comparing = h.last("lane_plain").is_some_and(|v| v.is_finite());
    let specs: Vec<SeriesSpec> = series
        .iter()
        .zip(&labels)
        .skip(comparing as usize)
        .map(|(s, label)| SeriesSpec {
            metric: s.0,
            label,
            color: s.2,
        })
        .collect();
    let mut spec = history_chart(h, &specs, None, false, tr(lang, "vae.axis.step"));
    if let Some(pca) = h.last("pca_sq_error").filter(|v| v.is_finite()) {
        let last = spec.x_range.1;
        spec.layers.push(Layer::Line {
            name: tr(lang, "ae.series.pca").to_string(),
            color: palette::VERMILION,
            points: vec![(0.0, pca), (last, pca)],
            dashed: true,
        });
        spec.fit_y(None);
    }
    spec.y_label = tr(lang, "ae.axis.sq_error").to_string();
    Some(spec)
}

/// How the code's values spread over the scored test digits.
pub fn histogram_spec(v: &AutoencoderView, lang: Lang) -> ChartSpec {
    let mut spec = ChartSpec {
        x_range: (v.hist_lo, v.hist_hi),
        y_range: (0.0, 1.0),
        log_y: false,
        x_label: tr(lang, "ae.axis.code_value").to_string(),
        x_integer: false,
        y_label: tr(lang, "ae.axis.count").to_string(),
        legend: LegendAt::UpperRight,
        layers: vec![Layer::Bars {
            name: String::new(),
            color: palette::BLUE,
            lo: v.hist_lo,
            hi: v.hist_hi,
            heights: v.histogram.iter().map(|&c| c as f64).collect(),
        }],
    };
    spec.fit_y(None);
    spec.y_range.0 = 0.0;
    spec
}

/// Points of a plane (n × 2) coloured by class, axes fitted to them.
pub fn plane_spec(points: &[f32], labels: &[u8], x_label: &str, y_label: &str) -> ChartSpec {
    let layers = points_by_class(points, labels.iter().map(|&l| l as usize));
    let (mut lo, mut hi) = (
        (f64::INFINITY, f64::INFINITY),
        (f64::NEG_INFINITY, f64::NEG_INFINITY),
    );
    for layer in &layers {
        if let Layer::Points { points, .. } = layer {
            for &(x, y) in points {
                lo = (lo.0.min(x), lo.1.min(y));
                hi = (hi.0.max(x), hi.1.max(y));
            }
        }
    }
    let pad = |a: f64, b: f64| {
        if a.is_finite() && b > a {
            let m = 0.05 * (b - a);
            (a - m, b + m)
        } else {
            (-1.0, 1.0)
        }
    };
    ChartSpec {
        x_range: pad(lo.0, hi.0),
        y_range: pad(lo.1, hi.1),
        log_y: false,
        x_label: x_label.to_string(),
        x_integer: false,
        y_label: y_label.to_string(),
        legend: LegendAt::UpperRight,
        layers,
    }
}
