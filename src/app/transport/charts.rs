//! The transport lesson's charts as plain specs: the 1-D bars and plan, the clouds and their flows, a
//! plan as a heat map, the Gaussians, and the sliding segments of "why Wasserstein".

use super::*;

/// The 2-D clouds' fixed window, so a click maps to the same place every time.
pub(super) const CLOUD_X: (f64, f64) = (-5.0, 5.0);
pub(super) const CLOUD_Y: (f64, f64) = (-4.0, 4.0);
pub(super) const GAUSS_X: (f64, f64) = (-7.0, 9.0);
pub(super) const GAUSS_Y: (f64, f64) = (-6.0, 8.0);

/// One value from the current view, borrowed — readouts must not clone the whole view (plans,
/// samples) on every snapshot.
pub(super) fn tv<T>(lesson: Lesson, f: impl FnOnce(&TransportView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::Transport(t)) => Some(f(t)),
        _ => None,
    })
}

pub(super) fn opt(x: Option<f64>) -> String {
    x.map(fmt_num).unwrap_or_else(|| "—".into())
}

pub(super) fn bars_chart(v: &TransportView, lang: Lang) -> ChartSpec {
    let k = v.mu.len();
    // Interleave: μ in the left half of each bin, ν in the right half.
    let mut hm = vec![0.0; 2 * k];
    let mut hn = vec![0.0; 2 * k];
    for i in 0..k {
        hm[2 * i] = v.mu[i];
        hn[2 * i + 1] = v.nu[i];
    }
    let top =
        v.mu.iter()
            .chain(&v.nu)
            .cloned()
            .fold(0.0, f64::max)
            .max(0.1)
            * 1.3;
    let y = top * 0.9;
    ChartSpec {
        x_range: (0.5, k as f64 + 0.5),
        y_range: (0.0, top),
        log_y: false,
        x_label: "x".into(),
        x_integer: true,
        y_label: tr(lang, "ot.axis.mass").into(),
        legend: LegendAt::UpperRight,
        layers: vec![
            Layer::Bars {
                name: "μ".into(),
                color: palette::BLUE,
                lo: 0.5,
                hi: k as f64 + 0.5,
                heights: hm,
            },
            Layer::Bars {
                name: "ν".into(),
                color: palette::ORANGE,
                lo: 0.5,
                hi: k as f64 + 0.5,
                heights: hn,
            },
            Layer::Arrows {
                name: tr(lang, "ot.series.moves").into(),
                color: palette::GREEN,
                from: v.moves.iter().map(|m| (m.from as f64 - 0.25, y)).collect(),
                to: v.moves.iter().map(|m| (m.to as f64 + 0.25, y)).collect(),
            },
        ],
    }
}

/// The clouds with the exact plan's flows; `selected` (side μ?, index) gets a dark halo.
pub(super) fn cloud_chart(
    v: &TransportView,
    selected: Option<(bool, usize)>,
    lang: Lang,
) -> ChartSpec {
    let max_flow = v.flows.iter().map(|f| f.2).fold(0.0, f64::max).max(1e-12);
    let mut layers: Vec<Layer> = v
        .flows
        .iter()
        .filter(|f| f.2 > 0.02 * max_flow)
        .map(|&(i, j, _)| Layer::Line {
            name: String::new(),
            color: palette::GREY,
            points: vec![(v.xs[i].0, v.xs[i].1), (v.ys[j].0, v.ys[j].1)],
            dashed: false,
        })
        .collect();
    let halo = selected.and_then(|(mu, i)| if mu { v.xs.get(i) } else { v.ys.get(i) });
    if let Some(p) = halo {
        layers.push(Layer::Points {
            name: tr(lang, "ot.selected").into(),
            color: palette::BLACK,
            points: vec![(p.0, p.1)],
            radius: 9.0,
        });
    }
    layers.push(Layer::Points {
        name: "μ".into(),
        color: palette::BLUE,
        points: v.xs.iter().map(|p| (p.0, p.1)).collect(),
        radius: 5.0,
    });
    layers.push(Layer::Points {
        name: "ν".into(),
        color: palette::ORANGE,
        points: v.ys.iter().map(|p| (p.0, p.1)).collect(),
        radius: 5.0,
    });
    ChartSpec {
        x_range: CLOUD_X,
        y_range: CLOUD_Y,
        log_y: false,
        x_label: tr(lang, "ot.axis.x1").into(),
        x_integer: false,
        y_label: tr(lang, "ot.axis.x2").into(),
        legend: LegendAt::UpperRight,
        layers,
    }
}

pub(super) fn plan_chart(
    plan: &[f32],
    n: usize,
    m: usize,
    lang: Lang,
    label: &str,
) -> Option<ChartSpec> {
    if plan.is_empty() || n == 0 || m == 0 {
        return None;
    }
    let max = plan.iter().cloned().fold(0.0f32, f32::max).max(1e-12) as f64;
    // Row i of the plan is drawn at the top: the heatmap's row 0 is the bottom.
    let values: Vec<f64> = (0..n)
        .rev()
        .flat_map(|i| (0..m).map(move |j| plan[i * m + j] as f64))
        .collect();
    Some(ChartSpec {
        x_range: (0.0, m as f64),
        y_range: (0.0, n as f64),
        log_y: false,
        x_label: format!("{} — {}", label, tr(lang, "ot.axis.plan_cols")),
        x_integer: true,
        y_label: tr(lang, "ot.axis.plan_rows").into(),
        legend: LegendAt::UpperRight,
        layers: vec![Layer::Heatmap {
            nx: m,
            ny: n,
            values,
            lo: 0.0,
            hi: max,
        }],
    })
}

pub(super) fn gaussian_chart(v: &TransportView, lang: Lang) -> ChartSpec {
    let pairs = |b: &[f32]| {
        b.chunks(2)
            .map(|c| (c[0] as f64, c[1] as f64))
            .collect::<Vec<_>>()
    };
    let e1 = pairs(&v.ellipses1.0);
    let e2 = pairs(&v.ellipses2.0);
    let half = |e: &[(f64, f64)], k: usize| e[k * 65..(k + 1) * 65].to_vec();
    ChartSpec {
        x_range: GAUSS_X,
        y_range: GAUSS_Y,
        log_y: false,
        x_label: tr(lang, "ot.axis.x1").into(),
        x_integer: false,
        y_label: tr(lang, "ot.axis.x2").into(),
        legend: LegendAt::UpperRight,
        layers: vec![
            Layer::Points {
                name: format!("{} N(m₁, Σ₁)", tr(lang, "ot.series.samples")),
                color: palette::SKY,
                points: pairs(&v.sample1.0),
                radius: 2.0,
            },
            Layer::Points {
                name: format!("{} N(m₂, Σ₂)", tr(lang, "ot.series.samples")),
                color: palette::YELLOW,
                points: pairs(&v.sample2.0),
                radius: 2.0,
            },
            Layer::Line {
                name: "1σ, 2σ".into(),
                color: palette::BLUE,
                points: half(&e1, 0),
                dashed: false,
            },
            Layer::Line {
                name: String::new(),
                color: palette::BLUE,
                points: half(&e1, 1),
                dashed: true,
            },
            Layer::Line {
                name: String::new(),
                color: palette::VERMILION,
                points: half(&e2, 0),
                dashed: false,
            },
            Layer::Line {
                name: String::new(),
                color: palette::VERMILION,
                points: half(&e2, 1),
                dashed: true,
            },
        ],
    }
}

pub(super) fn shift_chart(v: &TransportView, lang: Lang) -> ChartSpec {
    let th: Vec<f64> = (0..=160).map(|i| -4.0 + i as f64 * 0.05).collect();
    let ln2 = std::f64::consts::LN_2;
    ChartSpec {
        x_range: (-4.0, 4.0),
        y_range: (0.0, 4.2),
        log_y: false,
        x_label: "θ".into(),
        x_integer: false,
        y_label: String::new(),
        legend: LegendAt::UpperRight,
        layers: vec![
            Layer::Line {
                name: "W1 = |θ|".into(),
                color: palette::BLUE,
                points: th.iter().map(|&t| (t, t.abs())).collect(),
                dashed: false,
            },
            Layer::Points {
                name: "JS = ln 2 (θ ≠ 0), 0 at θ = 0".into(),
                color: palette::ORANGE,
                points: th
                    .iter()
                    .map(|&t| (t, if t.abs() < 1e-9 { 0.0 } else { ln2 }))
                    .collect(),
                radius: 2.0,
            },
            Layer::Points {
                name: tr(lang, "ot.series.kl").into(),
                color: palette::VERMILION,
                points: th
                    .iter()
                    .filter(|t| t.abs() > 1e-9)
                    .map(|&t| (t, 4.1))
                    .collect(),
                radius: 1.5,
            },
            Layer::Line {
                name: tr(lang, "ot.series.now").into(),
                color: palette::BLACK,
                points: vec![(v.shift, 0.0), (v.shift, 4.2)],
                dashed: true,
            },
        ],
    }
}
