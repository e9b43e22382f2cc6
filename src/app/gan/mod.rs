//! The GAN lesson page: densities with D and D*, the generator's map, and the game's metrics.

mod charts;
use charts::*;

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
                settings={|l: Lesson| settings_panel::<GanSettings>(l).into_any()}
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
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
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
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}
