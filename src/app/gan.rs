//! The GAN lesson page: densities with D and D*, the generator's map, and the game's metrics.

use genlab_core::gan::{theory, GanSettings, GanView, Noise, Preset};
use genlab_core::lesson::{LessonId, StepPart};
use genlab_core::protocol::LessonView;
use genlab_core::settings::{parse_query, to_query, ChoiceEnum};
use leptos::prelude::*;

use super::controls::{fmt_num, settings_panel};
use super::lesson::{History, Lesson};
use super::plots::{history_chart, SeriesSpec};
use crate::charts::{palette, ChartCanvas, ChartSpec, Layer, LegendAt};
use crate::i18n::{tr, Lang};

fn gan_view(lesson: Lesson) -> Option<GanView> {
    lesson.view.with(|v| match v {
        Some(LessonView::Gan(g)) => Some(g.clone()),
        _ => None,
    })
}

fn grid(range: (f64, f64), n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| range.0 + (range.1 - range.0) * i as f64 / (n.max(2) - 1) as f64)
        .collect()
}

fn zip(xs: &[f64], ys: &[f32]) -> Vec<(f64, f64)> {
    xs.iter().zip(ys).map(|(&x, &y)| (x, y as f64)).collect()
}

fn density_chart(v: &GanView, lang: Lang) -> ChartSpec {
    let xs = grid(v.x_range, v.target.0.len());
    let hist_max = v.hist.0.iter().cloned().fold(0.0f32, f32::max) as f64;
    let y_top = hist_max.clamp(1.05, 4.0) * 1.05;
    // Arrows along a line near the bottom: length ∝ dD/dx, the direction G moves each fake.
    let max_push = v
        .arrow_push
        .0
        .iter()
        .map(|p| p.abs())
        .fold(0.0f32, f32::max)
        .max(1e-6) as f64;
    let base = 0.06 * y_top;
    let from: Vec<(f64, f64)> = v.arrow_x.0.iter().map(|&x| (x as f64, base)).collect();
    let to: Vec<(f64, f64)> = v
        .arrow_x
        .0
        .iter()
        .zip(&v.arrow_push.0)
        .map(|(&x, &p)| (x as f64 + 0.8 * p as f64 / max_push, base))
        .collect();
    ChartSpec {
        x_range: v.x_range,
        y_range: (0.0, y_top),
        log_y: false,
        x_label: tr(lang, "gan.axis.x").into(),
        x_integer: false,
        y_label: tr(lang, "gan.axis.density").into(),
        legend: LegendAt::UpperRight,
        layers: vec![
            Layer::Bars {
                name: tr(lang, "gan.series.hist").into(),
                color: palette::SKY,
                lo: v.x_range.0,
                hi: v.x_range.1,
                heights: v.hist.0.iter().map(|&h| h as f64).collect(),
            },
            Layer::Line {
                name: tr(lang, "gan.series.target").into(),
                color: palette::BLACK,
                points: zip(&xs, &v.target.0),
                dashed: false,
            },
            Layer::Line {
                name: tr(lang, "gan.series.p_g").into(),
                color: palette::BLUE,
                points: zip(&xs, &v.p_g.0),
                dashed: false,
            },
            Layer::Line {
                name: tr(lang, "gan.series.d").into(),
                color: palette::VERMILION,
                points: zip(&xs, &v.d.0),
                dashed: false,
            },
            Layer::Line {
                name: tr(lang, "gan.series.d_star").into(),
                color: palette::ORANGE,
                points: zip(&xs, &v.d_star.0),
                dashed: true,
            },
            Layer::Arrows {
                name: tr(lang, "gan.series.push").into(),
                color: palette::GREEN,
                from,
                to,
            },
        ],
    }
}

fn map_chart(v: &GanView, lang: Lang, noise: Noise) -> ChartSpec {
    let z: Vec<f64> = v.z.0.iter().map(|&z| z as f64).collect();
    let ideal_name = match noise {
        Noise::Uniform => "gan.series.ideal_map",
        Noise::Normal => "gan.series.ideal_map_normal",
    };
    let mut layers = vec![
        Layer::Line {
            name: tr(lang, ideal_name).into(),
            color: palette::BLACK,
            points: zip(&z, &v.ideal_map.0),
            dashed: true,
        },
        Layer::Line {
            name: String::new(),
            color: palette::BLACK,
            points: zip(&z, &v.ideal_map_down.0),
            dashed: true,
        },
        Layer::Line {
            name: tr(lang, "gan.series.g_map").into(),
            color: palette::BLUE,
            points: zip(&z, &v.g_map.0),
            dashed: false,
        },
    ];
    if v.ema_shown {
        layers.push(Layer::Line {
            name: tr(lang, "gan.series.g_map_raw").into(),
            color: palette::GREY,
            points: zip(&z, &v.g_map_raw.0),
            dashed: false,
        });
    }
    let mut spec = ChartSpec {
        x_range: (
            z.first().copied().unwrap_or(0.0),
            z.last().copied().unwrap_or(1.0),
        ),
        y_range: (-5.0, 3.0),
        log_y: false,
        x_label: tr(lang, "gan.axis.z").into(),
        x_integer: false,
        y_label: "x = G(z)".into(),
        legend: LegendAt::UpperLeft,
        layers,
    };
    spec.fit_y(None);
    spec.y_range = (spec.y_range.0.max(-10.0), spec.y_range.1.min(10.0));
    spec
}

fn metric_chart(
    h: &History,
    lang: Lang,
    names: &[(&str, plotters::style::RGBColor)],
    hline: Option<(&str, f64)>,
    log_y: bool,
) -> ChartSpec {
    let labels: Vec<String> = names
        .iter()
        .map(|(n, _)| tr(lang, &format!("gan.series.{n}")).to_string())
        .collect();
    let series: Vec<SeriesSpec> = names
        .iter()
        .zip(&labels)
        .map(|((metric, color), label)| SeriesSpec {
            metric,
            label,
            color: *color,
        })
        .collect();
    history_chart(
        h,
        &series,
        hline.map(|(k, y)| (tr(lang, k), y)),
        log_y,
        tr(lang, "gan.axis.step"),
    )
}

#[component]
pub fn GanLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Gan, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let settings = Memo::new(move |_| parse_query::<GanSettings>(&lesson.query.get(), &[]).0);
    let log_w1 = RwSignal::new(true);

    let density = Signal::derive(move || gan_view(lesson).map(|v| density_chart(&v, lang.get())));
    let map = Signal::derive(move || {
        gan_view(lesson).map(|v| map_chart(&v, lang.get(), settings.get().noise))
    });
    let losses = Signal::derive(move || {
        let h = lesson.history.get();
        (!h.rows.is_empty()).then(|| {
            metric_chart(
                &h,
                lang.get(),
                &[
                    ("d_loss", palette::VERMILION),
                    ("g_loss", palette::BLUE),
                    ("d_real", palette::GREEN),
                    ("d_fake", palette::ORANGE),
                ],
                None,
                false,
            )
        })
    });
    let w1 = Signal::derive(move || {
        let h = lesson.history.get();
        (!h.rows.is_empty()).then(|| {
            metric_chart(
                &h,
                lang.get(),
                &[("w1_raw", palette::GREY), ("w1_ema", palette::BLUE)],
                None,
                log_w1.get(),
            )
        })
    });
    let value = Signal::derive(move || {
        let h = lesson.history.get();
        (!h.rows.is_empty()).then(|| {
            metric_chart(
                &h,
                lang.get(),
                &[("game_value", palette::PURPLE)],
                Some(("gan.series.equilibrium", theory::equilibrium_value())),
                false,
            )
        })
    });

    let shown_w1 = move || {
        let key = if settings.get().ema {
            "w1_ema"
        } else {
            "w1_raw"
        };
        lesson
            .history
            .with(|h| h.last(key))
            .map(fmt_num)
            .unwrap_or_else(|| "—".into())
    };
    let mean_std = move || {
        lesson
            .history
            .with(|h| match (h.last("g_mean"), h.last("g_std")) {
                (Some(m), Some(s)) => format!("{} / {}", fmt_num(m), fmt_num(s)),
                _ => "—".into(),
            })
    };
    let game = move || {
        lesson
            .history
            .with(|h| h.last("game_value"))
            .map(|v| format!("{} vs {}", fmt_num(v), fmt_num(theory::equilibrium_value())))
            .unwrap_or_default()
    };
    let updates = move || {
        gan_view(lesson)
            .map(|v| format!("{} / {}", v.d_steps_done, v.g_steps_done))
            .unwrap_or_default()
    };
    let apply_preset =
        move |p: Preset| lesson.reset(Some(to_query(&p.settings(settings.get_untracked().seed))));
    let t = move |k: &'static str| move || tr(lang.get(), k);

    view! {
        <super::frame::LessonFrame lesson=lesson explain="gan.explain"
                theory=Signal::derive(move || super::theory::gan_rows(lesson.history.with(|h| h.last("game_value"))))>
            <div class="toolbar">
                <button data-testid="step-d" on:click=move |_| lesson.step_once(StepPart::Discriminator)
                    disabled=move || lesson.running.get()>{t("gan.step_d")}</button>
                <button data-testid="step-g" on:click=move |_| lesson.step_once(StepPart::Generator)
                    disabled=move || lesson.running.get()>{t("gan.step_g")}</button>
                <span class="presets">{t("gan.presets")} ": "
                    {Preset::ALL.iter().map(|&p| view! {
                        <button data-testid=format!("preset-{}", p.key()) title=move || tr(lang.get(), &format!("gan.preset_help.{}", p.key()))
                            on:click=move |_| apply_preset(p)>{move || tr(lang.get(), &format!("gan.preset.{}", p.key()))}</button>
                    }).collect_view()}
                </span>
            </div>
            <div class="lesson-grid">
                <div class="charts">
                    <h3>{t("gan.chart.densities")}</h3>
                    <ChartCanvas spec=density testid="chart-density" label=Signal::derive(move || tr(lang.get(), "gan.chart.densities").to_string()) />
                    <h3>{t("gan.chart.map")}</h3>
                    <ChartCanvas spec=map testid="chart-map" label=Signal::derive(move || tr(lang.get(), "gan.chart.map").to_string()) size="chart-short" />
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("gan.readout.w1")}</dt><dd data-testid="w1-value">{shown_w1}</dd>
                        <dt>{t("gan.readout.mean_std")}</dt><dd data-testid="mean-std">{mean_std}</dd>
                        <dt>{t("gan.readout.value")}</dt><dd data-testid="game-value">{game}</dd>
                        <dt>{t("gan.readout.updates")}</dt><dd data-testid="updates">{updates}</dd>
                    </dl>
                    {settings_panel::<GanSettings>(lesson)}
                </aside>
            </div>
            <div class="metric-grid">
                <div>
                    <h3>{t("gan.chart.losses")}</h3>
                    <ChartCanvas spec=losses testid="chart-losses" min_interval_ms=250.0 label=Signal::derive(move || tr(lang.get(), "gan.chart.losses").to_string()) size="chart-short" />
                </div>
                <div>
                    <h3>{t("gan.chart.w1")}
                        <label class="inline"><input type="checkbox" data-testid="log-w1" prop:checked=move || log_w1.get()
                            on:change=move |e| log_w1.set(event_target_checked(&e)) />{t("gan.log_y")}</label>
                    </h3>
                    <ChartCanvas spec=w1 testid="chart-w1" min_interval_ms=250.0 label=Signal::derive(move || tr(lang.get(), "gan.chart.w1").to_string()) size="chart-short" />
                </div>
                <div>
                    <h3>{t("gan.chart.value")}</h3>
                    <ChartCanvas spec=value testid="chart-value" min_interval_ms=250.0 label=Signal::derive(move || tr(lang.get(), "gan.chart.value").to_string()) size="chart-short" />
                </div>
            </div>
        </super::frame::LessonFrame>
    }
}
