//! Chart specs shared by lessons.

use leptos::prelude::*;
use plotters::style::RGBColor;

use super::lesson::{History, Lesson};
use crate::charts::{palette, ChartSpec, Layer, LegendAt};
use crate::i18n::{tr, Lang};

/// A live chart of some history metrics, each given as (metric, label key, colour), over steps
/// (the x label's key); nothing until there are two rows.
pub fn live_history(
    lesson: Lesson,
    lang: RwSignal<Lang>,
    series: &'static [(&'static str, &'static str, RGBColor)],
    x_label: &'static str,
) -> Signal<Option<ChartSpec>> {
    live_history_with(
        lesson,
        lang,
        series,
        x_label,
        false,
        || None,
        LegendAt::UpperRight,
    )
}

/// As [`live_history`], on a log scale if `log_y`, with the horizontal line `hline` gives (its
/// label's key and its value, read when the chart is) and the legend where it says.
pub fn live_history_with(
    lesson: Lesson,
    lang: RwSignal<Lang>,
    series: &'static [(&'static str, &'static str, RGBColor)],
    x_label: &'static str,
    log_y: bool,
    hline: impl Fn() -> Option<(&'static str, f64)> + Send + Sync + 'static,
    legend: LegendAt,
) -> Signal<Option<ChartSpec>> {
    Signal::derive(move || {
        let h = lesson.history.get();
        let l = lang.get();
        let line = hline();
        (h.rows.len() > 1).then(|| {
            let specs: Vec<SeriesSpec> = series
                .iter()
                .map(|(m, label, c)| SeriesSpec {
                    metric: m,
                    label: tr(l, label),
                    color: *c,
                })
                .collect();
            let line = line.map(|(key, y)| (tr(l, key), y));
            let mut spec = history_chart(&h, &specs, line, log_y, tr(l, x_label));
            spec.legend = legend;
            spec
        })
    })
}

/// One metric of the history to draw: its column name, legend label and colour.
pub struct SeriesSpec<'a> {
    pub metric: &'a str,
    pub label: &'a str,
    pub color: RGBColor,
}

/// Metrics over steps. Series with no finite value are left out (e.g. lanes not trained).
pub fn history_chart(
    h: &History,
    series: &[SeriesSpec],
    hline: Option<(&str, f64)>,
    log_y: bool,
    x_label: &str,
) -> ChartSpec {
    let mut layers: Vec<Layer> = series
        .iter()
        .map(|s| (s, h.series(s.metric)))
        .filter(|(_, pts)| pts.iter().any(|p| p.1.is_finite()))
        .map(|(s, pts)| Layer::Line {
            name: s.label.to_string(),
            color: s.color,
            points: pts,
            dashed: false,
        })
        .collect();
    if let Some((label, y)) = hline {
        layers.push(Layer::HLine {
            name: label.to_string(),
            color: palette::BLACK,
            y,
        });
    }
    let last = h.steps.last().copied().unwrap_or(0).max(10) as f64;
    let mut spec = ChartSpec {
        x_range: (0.0, last),
        y_range: (0.0, 1.0),
        log_y,
        x_label: x_label.to_string(),
        x_integer: true,
        y_label: String::new(),
        legend: LegendAt::UpperRight,
        layers,
    };
    // On a log scale every positive value counts (Sinkhorn's marginal error falls to ~1e-15).
    spec.fit_y(if log_y { Some(f64::MIN_POSITIVE) } else { None });
    spec
}

/// Labelled 2-D points (x, y pairs) as one scatter layer per digit class, in the classes'
/// colours; points with a non-finite coordinate are left out.
pub fn points_by_class(xy: &[f32], labels: impl IntoIterator<Item = usize>) -> Vec<Layer> {
    let mut by_class: Vec<Vec<(f64, f64)>> = vec![vec![]; palette::DIGITS.len()];
    for (p, l) in xy.chunks_exact(2).zip(labels) {
        let (x, y) = (p[0] as f64, p[1] as f64);
        if let (true, Some(c)) = (x.is_finite() && y.is_finite(), by_class.get_mut(l)) {
            c.push((x, y));
        }
    }
    by_class
        .into_iter()
        .enumerate()
        .map(|(c, points)| Layer::Points {
            name: String::new(),
            color: palette::DIGITS[c],
            points,
            radius: 2.2,
        })
        .collect()
}

/// The points of μ ± σ's ellipse (one σ along each axis), closed: a Gaussian q(z|x) on a
/// latent scatter.
pub fn ellipse(mu: (f64, f64), sigma: (f64, f64)) -> Vec<(f64, f64)> {
    (0..=48)
        .map(|i| {
            let t = i as f64 / 48.0 * std::f64::consts::TAU;
            (mu.0 + sigma.0 * t.cos(), mu.1 + sigma.1 * t.sin())
        })
        .collect()
}

/// The point of `xy` (x, y pairs) nearest to data point (x, y) and its distance in CSS pixels
/// (`sx`, `sy`: pixels per data unit), when it is within `reach` pixels: what a pointer picks.
pub fn nearest_within(
    xy: &[f32],
    (x, y): (f64, f64),
    (sx, sy): (f64, f64),
    reach: f64,
) -> Option<usize> {
    xy.chunks_exact(2)
        .enumerate()
        .map(|(i, m)| (i, ((m[0] as f64 - x) * sx).hypot((m[1] as f64 - y) * sy)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|&(_, d)| d < reach)
        .map(|(i, _)| i)
}

/// A readout of a metric's latest recorded value, formatted for the reader ("—" before the first
/// row and for a value that is not finite).
pub fn last_readout(
    lesson: super::lesson::Lesson,
    name: &'static str,
) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || super::controls::fmt_num(lesson.history.with(|h| h.last(name)).unwrap_or(f64::NAN))
}
