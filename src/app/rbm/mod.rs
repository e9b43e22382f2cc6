//! The RBM lesson page: the six movie-goers, every training method side by side with its exact
//! log-likelihood, the lecture's weight table, and its three demonstrations.

mod data;
mod demos;
mod weights;
use data::*;
use demos::*;
use weights::*;

use genlab_core::lesson::LessonId;
use genlab_core::protocol::{LessonAction, LessonAnswer, LessonView};
use genlab_core::rbm::{Dataset, RbmAction, RbmAnswer, RbmSettings, RbmView};
use genlab_core::settings::{parse_query, to_query};
use leptos::prelude::*;

use super::controls::{fmt_fixed, fmt_num, settings_panel};
use super::lesson::Lesson;
use super::plots::{history_chart, SeriesSpec};
use crate::charts::{palette, ChartCanvas, ChartSpec, Layer, LegendAt};
use crate::i18n::{message, tr, Lang};

fn rbm_view(lesson: Lesson) -> Option<RbmView> {
    lesson.view.with(|v| match v {
        Some(LessonView::Rbm(r)) => Some(r.clone()),
        _ => None,
    })
}

const LANE_COLORS: [plotters::style::RGBColor; 6] = [
    palette::BLACK,
    palette::ORANGE,
    palette::VERMILION,
    palette::BLUE,
    palette::GREEN,
    palette::PURPLE,
];
const LANE_METRICS: [&str; 6] = [
    "ll_exact", "ll_cd1", "ll_cdk", "ll_pcd", "ll_pt", "ll_gibbs",
];

/// Background for a weight: blue for positive, vermilion for negative, stronger when larger.
fn heat(w: f32, max: f32) -> String {
    let a = (w.abs() / max.max(1e-6)).min(1.0) * 0.85;
    if w >= 0.0 {
        format!("background: rgba(0,114,178,{a:.2})")
    } else {
        format!("background: rgba(213,94,0,{a:.2})")
    }
}

fn distribution_chart(v: &RbmView, lang: Lang) -> Option<ChartSpec> {
    if v.p_data.0.is_empty() {
        // No data (or too many movies to list every state): an empty frame, not a stale picture.
        return Some(ChartSpec {
            x_label: tr(lang, "rbm.axis.state").into(),
            ..ChartSpec::empty()
        });
    }
    let n = v.p_data.0.len();
    let xs = |b: &[f32]| -> Vec<(f64, f64)> {
        b.iter()
            .enumerate()
            .map(|(i, &p)| (i as f64 + 0.5, p as f64))
            .collect()
    };
    let mut layers = vec![];
    if !v.p_model.0.is_empty() {
        layers.push(Layer::Bars {
            name: tr(lang, "rbm.series.p_model").into(),
            color: palette::BLUE,
            lo: 0.0,
            hi: n as f64,
            heights: v.p_model.0.iter().map(|&p| p as f64).collect(),
        });
    }
    // Only states with some probability: 2^d dots at zero would bury the picture.
    let nonzero = |b: &[f32]| xs(b).into_iter().filter(|p| p.1 > 0.0).collect::<Vec<_>>();
    layers.push(Layer::Points {
        name: tr(lang, "rbm.series.p_data").into(),
        color: palette::BLACK,
        points: nonzero(&v.p_data.0),
        radius: 4.0,
    });
    layers.push(Layer::Points {
        name: format!("{} ({})", tr(lang, "rbm.series.p_gibbs"), v.gibbs_sweeps),
        color: palette::ORANGE,
        points: nonzero(&v.p_gibbs.0),
        radius: 2.5,
    });
    let top = v
        .p_data
        .0
        .iter()
        .chain(&v.p_model.0)
        .chain(&v.p_gibbs.0)
        .cloned()
        .fold(0.0f32, f32::max) as f64;
    Some(ChartSpec {
        x_range: (0.0, n as f64),
        y_range: (0.0, (top * 1.15).max(0.05)),
        log_y: false,
        x_label: tr(lang, "rbm.axis.state").into(),
        x_integer: true,
        y_label: tr(lang, "rbm.axis.probability").into(),
        legend: LegendAt::UpperRight,
        layers,
    })
}

#[component]
pub fn RbmLesson(query: String, speed: f64) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Rbm, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let settings = Memo::new(move |_| parse_query::<RbmSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);

    let ll_chart = Signal::derive(move || {
        let h = lesson.history.get();
        let v = rbm_view(lesson)?;
        (!h.rows.is_empty()).then(|| {
            let l = lang.get();
            let k = settings.get().k;
            let labels: Vec<String> = LANE_METRICS
                .iter()
                .map(|m| {
                    if *m == "ll_cdk" {
                        format!("CD-k, k = {k}")
                    } else {
                        tr(l, &format!("rbm.lane.{m}")).to_string()
                    }
                })
                .collect();
            let series: Vec<SeriesSpec> = LANE_METRICS
                .iter()
                .zip(&labels)
                .zip(LANE_COLORS)
                .map(|((metric, label), color)| SeriesSpec {
                    metric,
                    label,
                    color,
                })
                .collect();
            let mut spec = history_chart(
                &h,
                &series,
                Some((tr(l, "rbm.series.best"), v.best_ll)),
                false,
                tr(l, "rbm.axis.step"),
            );
            spec.legend = LegendAt::LowerRight;
            spec
        })
    });
    let dist_chart =
        Signal::derive(move || rbm_view(lesson).and_then(|v| distribution_chart(&v, lang.get())));
    let last = move |name: &'static str| super::plots::last_readout(lesson, name);

    view! {
        <super::frame::LessonFrame lesson=lesson explain="rbm.explain"
                settings={|l: Lesson| settings_panel::<RbmSettings>(l).into_any()}
                theory=Signal::derive(move || {
                    let user = lesson.view.with(|v| match v {
                        Some(LessonView::Rbm(r)) => r.users.first().cloned().zip(r.energy.first().copied()).zip(r.free_energy.first().copied()).map(|((n, e), f)| (n, e, f)),
                        _ => None,
                    });
                    super::theory::rbm_rows(user, lesson.history.with(|h| h.last("ll")))
                })>
            {move || rbm_view(lesson).and_then(|v| v.problem).map(|p| view! { <div class="banner error" data-testid="data-problem">{message(lang.get(), &p)}</div> })}
            <div class="lesson-grid">
                <div class="charts">
                    <h3>{t("rbm.chart.ll")}</h3>
                    <ChartCanvas spec=ll_chart testid="chart-ll" min_interval_ms=150.0 label=Signal::derive(move || tr(lang.get(), "rbm.chart.ll").to_string()) />
                    <h3>{t("rbm.weights.title")}</h3>
                    <WeightTable lesson=lesson />
                    <h3>{t("rbm.chart.dist")}</h3>
                    <ChartCanvas spec=dist_chart testid="chart-dist" size="chart-short" label=Signal::derive(move || tr(lang.get(), "rbm.chart.dist").to_string()) />
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("rbm.readout.ll")}</dt><dd data-testid="ll-value">{last("ll")}</dd>
                        <dt>{t("rbm.readout.best")}</dt><dd data-testid="best-value">{move || rbm_view(lesson).map(|v| fmt_num(v.best_ll)).unwrap_or_default()}</dd>
                        <dt>{t("rbm.readout.kl")}</dt><dd data-testid="kl-value">{last("kl")}</dd>
                        <dt>{t("rbm.readout.recon")}</dt><dd data-testid="recon-value">{last("recon_error")}</dd>
                        <dt>{t("rbm.readout.swaps")}</dt><dd data-testid="swap-rates">{move || rbm_view(lesson).map(|v| {
                            if v.swap_rates.is_empty() { "—".to_string() } else { v.swap_rates.iter().map(|r| fmt_num(*r)).collect::<Vec<_>>().join(" · ") }
                        }).unwrap_or_default()}</dd>
                    </dl>
                    {move || rbm_view(lesson).filter(|v| !v.exact_available).map(|_| view! { <p class="banner notice">{tr(lang.get(), "rbm.exact_off")}</p> })}
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged><DataEditor lesson=lesson settings=settings /></super::staged::Staged>
            <super::staged::Staged>
            <div class="demos">
                <GibbsDemo lesson=lesson />
                <ClampDemo lesson=lesson />
                <FillInDemo lesson=lesson />
            </div>
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}
