//! A chart's text alternative: its key numbers as a table, for screen readers and for anyone who
//! wants the values rather than the picture. Built only while its disclosure is open, so closed
//! tables cost nothing at 30 snapshots a second.

use leptos::prelude::*;

use crate::app::controls::{fmt_num, lang};
use crate::charts::{ChartSpec, Layer};
use crate::i18n::tr;

/// One row: a series and its key numbers (`None`: not meaningful for this kind of layer).
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    pub name: String,
    /// Points, bars, arrows or cells.
    pub count: usize,
    pub x_range: Option<(f64, f64)>,
    /// The value at the right end (the latest, for a history).
    pub last: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

fn finite_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// The key numbers of every layer of `spec`, in drawing order.
pub fn summarize(spec: &ChartSpec) -> Vec<SummaryRow> {
    spec.layers
        .iter()
        .map(|layer| match layer {
            Layer::Line { name, points, .. } | Layer::Points { name, points, .. } => {
                let ys = finite_range(points.iter().map(|p| p.1));
                SummaryRow {
                    name: name.clone(),
                    count: points.len(),
                    x_range: finite_range(points.iter().map(|p| p.0)),
                    last: points.iter().rev().map(|p| p.1).find(|y| y.is_finite()),
                    min: ys.map(|r| r.0),
                    max: ys.map(|r| r.1),
                }
            }
            Layer::Bars {
                name,
                lo,
                hi,
                heights,
                ..
            } => {
                let ys = finite_range(heights.iter().copied());
                SummaryRow {
                    name: name.clone(),
                    count: heights.len(),
                    x_range: Some((*lo, *hi)),
                    last: heights.last().copied(),
                    min: ys.map(|r| r.0),
                    max: ys.map(|r| r.1),
                }
            }
            Layer::Arrows { name, from, .. } => SummaryRow {
                name: name.clone(),
                count: from.len(),
                x_range: finite_range(from.iter().map(|p| p.0)),
                last: None,
                min: None,
                max: None,
            },
            Layer::Segments { name, segments, .. } => SummaryRow {
                name: name.clone(),
                count: segments.len(),
                x_range: finite_range(segments.iter().flat_map(|(a, b)| [a.0, b.0])),
                last: None,
                min: None,
                max: None,
            },
            Layer::HLine { name, y, .. } => SummaryRow {
                name: name.clone(),
                count: 1,
                x_range: None,
                last: Some(*y),
                min: Some(*y),
                max: Some(*y),
            },
            Layer::Heatmap { nx, ny, values, .. } => {
                let vs = finite_range(values.iter().copied());
                SummaryRow {
                    name: String::new(),
                    count: nx * ny,
                    x_range: None,
                    last: None,
                    min: vs.map(|r| r.0),
                    max: vs.map(|r| r.1),
                }
            }
        })
        .collect()
}

/// "Data as a table" under a chart: one row per series with its key numbers.
#[component]
pub fn ChartTable(
    /// The chart's data, as drawn.
    spec: Signal<Option<ChartSpec>>,
    /// The chart's `data-testid`; the table is `table-<testid>`.
    testid: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let cell = |v: Option<f64>| v.map(fmt_num).unwrap_or_else(|| "—".into());
    let rows = move || {
        open.get().then(|| {
            spec.with(|s| s.as_ref().map(summarize).unwrap_or_default())
                .into_iter()
                .map(|r| {
                    view! {
                        <tr>
                            <th scope="row">{if r.name.is_empty() { tr(lang(), "chart.heatmap").to_string() } else { r.name }}</th>
                            <td class="num">{r.count}</td>
                            <td class="num">{r.x_range.map(|(a, b)| format!("{} … {}", fmt_num(a), fmt_num(b))).unwrap_or_else(|| "—".into())}</td>
                            <td class="num">{cell(r.last)}</td>
                            <td class="num">{cell(r.min)}</td>
                            <td class="num">{cell(r.max)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <details class="chart-data" on:toggle=move |e| open.set(crate::charts::details_open(&e))>
            <summary data-testid=format!("table-toggle-{testid}")>{move || tr(lang(), "chart.table")}</summary>
            <table class="probs" data-testid=format!("table-{testid}")>
                <thead><tr>
                    <th scope="col">{move || tr(lang(), "chart.series")}</th>
                    <th scope="col">{move || tr(lang(), "chart.count")}</th>
                    <th scope="col">{move || tr(lang(), "chart.x_range")}</th>
                    <th scope="col">{move || tr(lang(), "chart.last")}</th>
                    <th scope="col">{move || tr(lang(), "chart.min")}</th>
                    <th scope="col">{move || tr(lang(), "chart.max")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
