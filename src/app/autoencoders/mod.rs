//! The autoencoder lesson (lecture 004): reconstructions of test digits as the network sees
//! them, its error against PCA's at the same code size, PCA's plane beside the code's, the
//! filters, the code's histogram, every variant side by side, and the denoising demo.

mod charts;
mod denoise;

use genlab_core::autoencoder::{AutoencoderSettings, AutoencoderView, Variant};
use genlab_core::digits::data::PIXELS;
use genlab_core::lesson::LessonId;
use genlab_core::protocol::LessonView;
use genlab_core::settings::{parse_query, ChoiceEnum};
use leptos::prelude::*;

use super::controls::{fmt_fixed, fmt_num, settings_panel};
use super::lesson::Lesson;
use super::plots::live_history;
use crate::charts::{palette, ChartCanvas, ImageCanvas, ImageGrid};
use crate::i18n::{tr, Lang};

fn view_of<T>(lesson: Lesson, f: impl FnOnce(&AutoencoderView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::Autoencoders(v)) => Some(f(v)),
        _ => None,
    })
}

#[component]
pub fn AutoencodersLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Autoencoders, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let settings =
        Memo::new(move |_| parse_query::<AutoencoderSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let label = move |k: &'static str| Signal::derive(move || tr(lang.get(), k).to_string());

    let recon = Signal::derive(move || {
        view_of(lesson, |v| {
            let mut px = v.recon_clean.0.clone();
            px.extend_from_slice(&v.recon_input.0);
            px.extend_from_slice(&v.recon_out.0);
            ImageGrid::digits(&px, v.recon_clean.0.len() / PIXELS)
        })
    });
    let side_by_side =
        Memo::new(move |_| view_of(lesson, |v| !v.lanes.is_empty()).unwrap_or(false));
    let filters = Signal::derive(move || {
        view_of(lesson, |v| {
            v.lanes
                .is_empty()
                .then(|| ImageGrid::filters(&v.filters.0, 16, v.filter_range))
        })
        .flatten()
    });
    let error_chart = Signal::derive(move || {
        let l = lang.get();
        lesson.history.with(|h| charts::error_spec(h, l))
    });
    let histogram = Signal::derive(move || {
        let l = lang.get();
        view_of(lesson, |v| charts::histogram_spec(v, l))
    });
    // The planes change only when the view does; memos keep 300 dots from redrawing needlessly.
    let pca_plane = Memo::new(move |_| {
        view_of(lesson, |v| {
            charts::plane_spec(&v.pca_plane.0, &v.plane_labels, "PC₁", "PC₂")
        })
    });
    let code_plane = Memo::new(move |_| {
        view_of(lesson, |v| {
            charts::plane_spec(&v.code_plane.0, &v.plane_labels, "h₁", "h₂")
        })
    });
    let history = move |series| live_history(lesson, lang, series, "vae.axis.step");
    let loss_chart = history(&[
        ("train_loss", "ae.series.train", palette::BLUE),
        ("test_loss", "ae.series.test", palette::VERMILION),
    ]);
    // With no penalty the curve is 0 throughout: a unit axis, not a degenerate one.
    let penalty_line = history(&[("penalty", "ae.series.penalty", palette::PURPLE)]);
    let penalty_chart = Signal::derive(move || {
        penalty_line.get().map(|mut spec| {
            if spec.y_range.1 - spec.y_range.0 < 1e-3 {
                spec.y_range = (0.0, 1.0);
            }
            spec
        })
    });
    let code_chart = history(&[
        ("sensitivity", "ae.series.sensitivity", palette::GREEN),
        ("sparsity", "ae.series.sparsity", palette::ORANGE),
    ]);
    let last = move |name: &'static str| super::plots::last_readout(lesson, name);
    let shown = move |f: fn(&AutoencoderView) -> f64| {
        move || {
            view_of(lesson, |v| f(v))
                .filter(|x| x.is_finite())
                .map(fmt_num)
                .unwrap_or_else(|| "—".into())
        }
    };
    let epoch = move || view_of(lesson, |v| fmt_fixed(v.epoch, 2)).unwrap_or_default();
    let images_per_sec = move || {
        let r = lesson.rate.get();
        if r > 0.0 {
            format!("{:.0}", r * settings.get().batch as f64)
        } else {
            "—".into()
        }
    };
    // One slot per side-by-side lane, built once: snapshots only change the pictures.
    let lane_slot = move |variant: Variant, testid: &'static str| {
        let grid = Signal::derive(move || {
            view_of(lesson, |v| {
                v.lanes
                    .iter()
                    .find(|l| l.variant == variant)
                    .map(|l| ImageGrid::filters(&l.filters.0, 8, l.range))
            })
            .flatten()
        });
        let key = crate::choice_label_key("variant", variant.key());
        let caption = Signal::derive(move || tr(lang.get(), &key).to_string());
        view! {
            <figure class="lane-filters" style:display=move || if grid.with(|g| g.is_some()) { "" } else { "none" }>
                <ImageCanvas grid=grid testid=testid class="digit-grid" label=caption />
                <figcaption>{caption}</figcaption>
            </figure>
        }
    };
    let lanes = view! {
        {lane_slot(Variant::Plain, "lane-filters-plain")}
        {lane_slot(Variant::Sparse, "lane-filters-sparse")}
        {lane_slot(Variant::Denoising, "lane-filters-denoising")}
        {lane_slot(Variant::Contractive, "lane-filters-contractive")}
        {lane_slot(Variant::Linear, "lane-filters-linear")}
    };

    view! {
        <super::frame::LessonFrame lesson=lesson explain="ae.explain"
                settings={|l: Lesson| settings_panel::<AutoencoderSettings>(l).into_any()}
                theory=Signal::derive(move || {
                    let s = settings.get();
                    let (ae, pca) = lesson.history.with(|h| (h.last("test_sq_error"), h.last("pca_sq_error")));
                    let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
                    super::theory::autoencoder_rows(s.lambda, s.code, finite(ae), finite(pca))
                })
                path=Signal::from(Memo::new(move |_| view_of(lesson, |v| v.path.clone())))>
            {move || view_of(lesson, |v| v.contractive_of_last_hidden).unwrap_or(false).then(|| view! {
                <p class="banner notice" data-testid="contractive-note">{t("ae.contractive_deep")}</p>
            })}
            <div class="lesson-grid">
                <div class="charts">
                    <h3>{t("ae.chart.recon")}</h3>
                    <p class="hint">{t("ae.recon.hint")}</p>
                    <ImageCanvas grid=recon testid="ae-recon-image" label=label("ae.chart.recon") class="digit-grid" />
                    <h3>{t("ae.chart.error")}</h3>
                    <ChartCanvas spec=error_chart testid="chart-ae-error" min_interval_ms=250.0 label=label("ae.chart.error") />
                    <div class="plans">
                        <div>
                            <h3>{t("ae.chart.pca_plane")}</h3>
                            <ChartCanvas spec=Signal::from(pca_plane) testid="chart-pca-plane" size="chart-short" label=label("ae.chart.pca_plane") />
                            <p class="hint">"5-NN: " <span data-testid="pca-knn">{shown(|v| v.pca_knn)}</span></p>
                        </div>
                        <div>
                            <h3>{t("ae.chart.code_plane")}</h3>
                            <ChartCanvas spec=Signal::from(code_plane) testid="chart-code-plane" size="chart-short" label=label("ae.chart.code_plane") />
                            <p class="hint">"5-NN: " <span data-testid="code-knn">{shown(|v| v.code_knn)}</span></p>
                        </div>
                    </div>
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("vae.readout.epoch")}</dt><dd data-testid="epoch">{epoch}</dd>
                        <dt>{t("ae.readout.test_loss")}</dt><dd data-testid="test-loss">{last("test_loss")}</dd>
                        <dt>{t("ae.readout.sq_error")}</dt><dd data-testid="sq-error">{last("test_sq_error")}</dd>
                        <dt>{t("ae.readout.pca_test")}</dt><dd data-testid="pca-test">{shown(|v| v.pca_test)}</dd>
                        <dt>{t("ae.readout.pca_train")}</dt><dd data-testid="pca-train">{shown(|v| v.pca_train)}</dd>
                        <dt>{t("ae.readout.pca30")}</dt>
                        <dd><span data-testid="pca30-train">{shown(|v| v.pca30_train)}</span>" / "<span data-testid="pca30-test">{shown(|v| v.pca30_test)}</span>" (13.87)"</dd>
                        <dt>{t("ae.readout.sensitivity")}</dt><dd data-testid="sensitivity">{last("sensitivity")}</dd>
                        <dt>{t("ae.readout.sparsity")}</dt><dd data-testid="sparsity">{last("sparsity")}</dd>
                        <dt>{t("ae.readout.angle")}</dt><dd data-testid="angle">{last("angle")}</dd>
                        <dt>{t("vae.readout.images_per_sec")}</dt><dd data-testid="images-per-sec">{images_per_sec}</dd>
                    </dl>
                    <p class="hint">{t("ae.pca30.hint")}</p>
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
                <h3>{t("ae.chart.filters")}</h3>
                // Side by side, the first lane is the plain one and its grid is among the
                // lanes': the large grid would show it twice.
                <div style:display=move || if side_by_side.get() { "none" } else { "" }>
                    <ImageCanvas grid=filters testid="ae-filters-image" label=label("ae.chart.filters") class="digit-grid" />
                </div>
                <div class="lanes-filters" data-testid="lanes-filters">{lanes}</div>
            </super::staged::Staged>
            <super::staged::Staged>
                <div class="metric-grid">
                    <div>
                        <h3>{t("ae.chart.loss")}</h3>
                        <ChartCanvas spec=loss_chart testid="chart-ae-loss" min_interval_ms=250.0 label=label("ae.chart.loss") size="chart-short" />
                    </div>
                    <div>
                        <h3>{t("ae.chart.penalty")}</h3>
                        <ChartCanvas spec=penalty_chart testid="chart-ae-penalty" min_interval_ms=250.0 label=label("ae.chart.penalty") size="chart-short" />
                    </div>
                    <div>
                        <h3>{t("ae.chart.code")}</h3>
                        <ChartCanvas spec=code_chart testid="chart-ae-code" min_interval_ms=250.0 label=label("ae.chart.code") size="chart-short" />
                    </div>
                    <div>
                        <h3>{t("ae.chart.histogram")}</h3>
                        <ChartCanvas spec=histogram testid="chart-ae-histogram" label=label("ae.chart.histogram") size="chart-short" />
                    </div>
                </div>
            </super::staged::Staged>
            <super::staged::Staged>
                <denoise::DenoiseDemo lesson=lesson settings=settings />
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}
