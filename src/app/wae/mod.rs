//! Shaping the latent space (lecture 000's WAE, lecture 003's adversarial autoencoder): one
//! panel per regulariser — the test digits' codes over a sample of the chosen prior — with each
//! lane's exact W₁ and MMD² to the prior beside the floor two prior samples reach; the
//! adversarial lane's discriminator over the plane beside the optimal p/(p + q); prior points
//! decoded by every lane with their sharpness beside real digits'; and the curves of
//! reconstruction and distance per lane.

mod charts;

use genlab_core::lesson::LessonId;
use genlab_core::protocol::LessonView;
use genlab_core::settings::{parse_query, ChoiceEnum};
use genlab_core::wae::{Shaping, WaeSettings, WaeView};
use leptos::prelude::*;

use super::controls::{fmt_fixed, fmt_num, settings_panel};
use super::lesson::Lesson;
use super::plots::{live_history, live_history_with};
use crate::charts::{palette, ChartCanvas, ImageCanvas, ImageGrid, LegendAt};
use crate::i18n::{tr, Lang};

fn view_of<T>(lesson: Lesson, f: impl FnOnce(&WaeView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::Wae(v)) => Some(f(v)),
        _ => None,
    })
}

/// Test ids per lane (chart ids are static strings).
fn ids(s: Shaping) -> (&'static str, &'static str) {
    match s {
        Shaping::Kl => ("lane-kl", "samples-kl"),
        Shaping::Mmd => ("lane-mmd", "samples-mmd"),
        Shaping::Adversarial => ("lane-adversarial", "samples-adversarial"),
        Shaping::None => ("lane-none", "samples-none"),
    }
}

#[component]
pub fn WaeLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Wae, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let settings = Memo::new(move |_| parse_query::<WaeSettings>(&lesson.query.get(), &[]).0);
    // The lanes change only with a restart: their panels are not rebuilt by a slider.
    let lanes = Memo::new(move |_| settings.get().lanes());
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let label = move |k: &'static str| Signal::derive(move || tr(lang.get(), k).to_string());
    let history = move |series| live_history(lesson, lang, series, "vae.axis.step");
    // Lane colours as in `charts::lane_color`.
    let rec_chart = history(&[
        ("rec_kl", "wae.lane.kl", palette::BLUE),
        ("rec_mmd", "wae.lane.mmd", palette::VERMILION),
        ("rec_adversarial", "wae.lane.adversarial", palette::GREEN),
        ("rec_none", "wae.lane.none", palette::GREY),
    ]);
    // On a log scale with the floor two prior samples reach: a plain autoencoder's codes sit
    // two orders of magnitude further than the regularised ones.
    let emd_chart = live_history_with(
        lesson,
        lang,
        &[
            ("emd_kl", "wae.lane.kl", palette::BLUE),
            ("emd_mmd", "wae.lane.mmd", palette::VERMILION),
            ("emd_adversarial", "wae.lane.adversarial", palette::GREEN),
            ("emd_none", "wae.lane.none", palette::GREY),
        ],
        "vae.axis.step",
        true,
        move || {
            view_of(lesson, |v| v.floor_emd)
                .filter(|f| f.is_finite() && *f > 0.0)
                .map(|f| ("wae.series.floor", f))
        },
        LegendAt::UpperRight,
    );
    // Every lane steps on the same batch: per lane it is the steps' rate times the batch.
    let images_per_sec = move || {
        let r = lesson.rate.get();
        if r > 0.0 {
            let per_lane = r * settings.get().batch as f64;
            format!("{per_lane:.0} ({:.0})", per_lane * lanes.get().len() as f64)
        } else {
            "—".into()
        }
    };
    let floor = move || {
        view_of(lesson, |v| {
            format!(
                "W₁ {} · MMD² {} (n = {})",
                fmt_num(v.floor_emd),
                fmt_num(v.floor_mmd2),
                v.distance_n
            )
        })
        .unwrap_or_default()
    };
    let epoch = move || view_of(lesson, |v| fmt_fixed(v.epoch, 2)).unwrap_or_default();
    let real_sharpness = move || view_of(lesson, |v| fmt_num(v.real_sharpness)).unwrap_or_default();
    let tradeoff =
        Signal::derive(move || view_of(lesson, |v| charts::tradeoff_spec(v, lang.get())).flatten());
    let has_disc = Memo::new(move |_| view_of(lesson, |v| v.disc.is_some()).unwrap_or(false));
    // The lanes that step on the CPU while the others use the GPU (the adversarial one).
    let cpu_lanes =
        Memo::new(move |_| view_of(lesson, |v| v.cpu_lanes.clone()).unwrap_or_default());

    view! {
        <super::frame::LessonFrame lesson=lesson explain="wae.explain"
                settings={|l: Lesson| settings_panel::<WaeSettings>(l).into_any()}
                theory=Signal::derive(move || {
                    let s = settings.get();
                    super::theory::wae_rows(s.beta, s.mmd_lambda, s.adv_lambda)
                })
                path=Signal::from(Memo::new(move |_| view_of(lesson, |v| v.path.clone())))>
            <div class="lesson-grid">
                <div class="charts">
                    <h3>{t("wae.chart.lanes")}</h3>
                    <p class="hint">{t("wae.lanes.hint")}</p>
                    <div class="lane-grid" data-testid="lanes">
                        {move || lanes.get().into_iter().map(|s| view! { <LanePanel lesson=lesson shaping=s /> }).collect_view()}
                    </div>
                    <p class="hint" data-testid="supports-note">{t("wae.supports.note")}" "<a href="#/transport">{t("wae.supports.link")}</a></p>
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("vae.readout.epoch")}</dt><dd data-testid="epoch">{epoch}</dd>
                        <dt>{t("wae.readout.floor")}</dt><dd data-testid="floor">{floor}</dd>
                        <dt>{t("wae.readout.real_sharpness")}</dt><dd data-testid="real-sharpness">{real_sharpness}</dd>
                        <dt>{t("wae.readout.images_per_sec")}</dt><dd data-testid="images-per-sec">{images_per_sec}</dd>
                    </dl>
                    {move || (!cpu_lanes.get().is_empty()).then(|| view! {
                        <p class="hint" data-testid="wae-cpu-lanes">{t("wae.device.mixed")}" "{move || {
                            let l = lang.get();
                            let names: Vec<String> = cpu_lanes.get().iter()
                                .map(|s| tr(l, &format!("wae.lane.{}", s.key())).to_string())
                                .collect();
                            format!("({})", names.join(", "))
                        }}</p>
                    })}
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
            {move || has_disc.get().then(|| view! { <DiscriminatorPanel lesson=lesson /> })}
            <h3>{t("wae.chart.samples")}</h3>
            <p class="hint">{t("wae.samples.hint")}</p>
            <div class="lane-grid">
                {move || lanes.get().into_iter().map(|s| view! { <SamplesPanel lesson=lesson shaping=s /> }).collect_view()}
            </div>
            <h3>{t("wae.chart.tradeoff")}</h3>
            <p class="hint">{t("wae.tradeoff.hint")}</p>
            <ChartCanvas spec=tradeoff testid="chart-tradeoff" label=label("wae.chart.tradeoff") size="chart-short" />
            <div class="metric-grid">
                <div>
                    <h3>{t("wae.chart.rec")}</h3>
                    <ChartCanvas spec=rec_chart testid="chart-rec" min_interval_ms=250.0 label=label("wae.chart.rec") size="chart-short" />
                </div>
                <div>
                    <h3>{t("wae.chart.emd")}</h3>
                    <p class="hint">{t("wae.emd.hint")}</p>
                    <ChartCanvas spec=emd_chart testid="chart-emd" min_interval_ms=250.0 label=label("wae.chart.emd") size="chart-short" />
                </div>
            </div>
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}

/// One lane: its codes over the prior and its numbers.
///
/// `shaping`: which lane of the view it shows.
#[component]
fn LanePanel(lesson: Lesson, shaping: Shaping) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let (chart_id, _) = ids(shaping);
    let name = format!("wae.lane.{}", shaping.key());
    let title = {
        let name = name.clone();
        move || tr(lang.get(), &name).to_string()
    };
    let spec = Signal::derive(move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.lanes
                .iter()
                .find(|x| x.shaping == shaping)
                .map(|lane| charts::lane_spec(v, lane, l))
        })
        .flatten()
    });
    let numbers = move || {
        view_of(lesson, |v| {
            v.lanes.iter().find(|x| x.shaping == shaping).map(|lane| {
                format!(
                    "W₁ {} · MMD² {} · {} {}",
                    fmt_num(lane.emd),
                    fmt_num(lane.mmd2),
                    tr(lang.get(), "wae.lane.rec"),
                    fmt_num(lane.rec)
                )
            })
        })
        .flatten()
        .unwrap_or_default()
    };
    let label = Signal::derive(move || tr(lang.get(), &name).to_string());
    view! {
        <div class="lane" data-testid=format!("{chart_id}-panel")>
            <h4>{title}</h4>
            <ChartCanvas spec=spec testid=chart_id label=label size="chart-short" />
            <p class="hint num" data-testid=format!("{chart_id}-numbers")>{numbers}</p>
        </div>
    }
}

/// The prior's points decoded by one lane, with their sharpness.
///
/// `shaping`: which lane of the view it shows.
#[component]
fn SamplesPanel(lesson: Lesson, shaping: Shaping) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let (_, samples_id) = ids(shaping);
    let name = format!("wae.lane.{}", shaping.key());
    let lane = move |f: &dyn Fn(&genlab_core::wae::LaneView) -> String| {
        view_of(lesson, |v| {
            v.lanes.iter().find(|x| x.shaping == shaping).map(f)
        })
        .flatten()
    };
    let grid = Signal::derive(move || {
        view_of(lesson, |v| {
            v.lanes
                .iter()
                .find(|x| x.shaping == shaping)
                .map(|l| ImageGrid::digits(&l.samples.0, 5))
        })
        .flatten()
    });
    let caption = {
        let name = name.clone();
        move || {
            let sharp = lane(&|l| fmt_num(l.sharpness)).unwrap_or_default();
            format!(
                "{} — {} {}",
                tr(lang.get(), &name),
                tr(lang.get(), "wae.samples.sharpness"),
                sharp
            )
        }
    };
    let label = Signal::derive(move || tr(lang.get(), &name).to_string());
    view! {
        <div class="lane">
            <p class="hint" data-testid=format!("{samples_id}-caption")>{caption}</p>
            <ImageCanvas grid=grid testid=samples_id label=label class="digit-row" />
        </div>
    }
}

/// The adversarial lane's discriminator over the plane beside the optimal one.
#[component]
fn DiscriminatorPanel(lesson: Lesson) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let label = move |k: &'static str| Signal::derive(move || tr(lang.get(), k).to_string());
    let codes = move |v: &WaeView| {
        v.lanes
            .iter()
            .find(|l| l.shaping == Shaping::Adversarial)
            .map(|l| l.codes.0.clone())
            .unwrap_or_default()
    };
    let learned = Signal::derive(move || {
        view_of(lesson, |v| {
            v.disc
                .as_ref()
                .map(|d| charts::disc_spec(d, &d.learned.0, &codes(v)))
        })
        .flatten()
    });
    let optimal = Signal::derive(move || {
        view_of(lesson, |v| {
            v.disc.as_ref().and_then(|d| {
                d.optimal
                    .as_ref()
                    .map(|o| charts::disc_spec(d, &o.0, &codes(v)))
            })
        })
        .flatten()
    });
    let has_optimal = Memo::new(move |_| {
        view_of(lesson, |v| {
            v.disc.as_ref().is_some_and(|d| d.optimal.is_some())
        })
        .unwrap_or(false)
    });
    let density_note = move || {
        let closed = view_of(lesson, |v| v.disc.as_ref().map(|d| d.prior_closed_form))
            .flatten()
            .unwrap_or(true);
        tr(
            lang.get(),
            if closed {
                "wae.disc.p_closed"
            } else {
                "wae.disc.p_quadrature"
            },
        )
    };
    view! {
        <section data-testid="discriminator">
            <h3>{t("wae.chart.disc")}</h3>
            <p class="hint">{t("wae.disc.hint")}" "{density_note}</p>
            <div class="metric-grid">
                <div>
                    <h4>{t("wae.disc.learned")}</h4>
                    <ChartCanvas spec=learned testid="disc-learned" label=label("wae.disc.learned") size="chart-short" />
                </div>
                {move || if has_optimal.get() {
                    view! {
                        <div>
                            <h4>{t("wae.disc.optimal")}</h4>
                            <ChartCanvas spec=optimal testid="disc-optimal" label=label("wae.disc.optimal") size="chart-short" />
                        </div>
                    }.into_any()
                } else {
                    view! { <p class="hint" data-testid="disc-supervised">{t("wae.disc.supervised")}</p> }.into_any()
                }}
            </div>
        </section>
    }
}
