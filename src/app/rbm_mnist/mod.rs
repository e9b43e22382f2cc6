//! The RBM on MNIST: its hidden units' filters (a column of W each, as a 28×28 picture in a
//! diverging scale), the Gibbs chains of its negative phase, reconstructions of test digits,
//! and the reconstruction error and free energy of train and test digits over training.

use genlab_core::lesson::LessonId;
use genlab_core::protocol::LessonView;
use genlab_core::rbm_mnist::{RbmMnistSettings, RbmMnistView};
use genlab_core::settings::parse_query;
use leptos::prelude::*;

use super::controls::{fmt_fixed, fmt_num, settings_panel};
use super::lesson::Lesson;
use super::plots::live_history;
use crate::charts::{palette, ChartCanvas, ImageCanvas, ImageGrid};
use crate::i18n::{tr, Lang};

const SIDE: usize = 28;

fn view_of<T>(lesson: Lesson, f: impl FnOnce(&RbmMnistView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::RbmMnist(v)) => Some(f(v)),
        _ => None,
    })
}

#[component]
pub fn RbmMnistLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::RbmMnist, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let settings = Memo::new(move |_| parse_query::<RbmMnistSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let label = move |k: &'static str| Signal::derive(move || tr(lang.get(), k).to_string());

    let filters = Signal::derive(move || {
        view_of(lesson, |v| {
            ImageGrid::filters(&v.filters.0, 10, v.filter_range)
        })
    });
    let chains = Signal::derive(move || view_of(lesson, |v| ImageGrid::digits(&v.chains.0, 16)));
    let recon = Signal::derive(move || {
        view_of(lesson, |v| {
            let mut px = v.recon_in.0.clone();
            px.extend_from_slice(&v.recon_out.0);
            ImageGrid::digits(&px, v.recon_in.0.len() / (SIDE * SIDE))
        })
    });
    let likelihood: Signal<Option<genlab_core::rbm::log_z::LikelihoodReport>> =
        Memo::new(move |_| view_of(lesson, |v| v.likelihood.clone()).flatten()).into();
    let history = move |series| live_history(lesson, lang, series, "vae.axis.step");
    let recon_chart = history(&[
        ("train_recon", "rbmm.series.train", palette::BLUE),
        ("test_recon", "rbmm.series.test", palette::VERMILION),
    ]);
    let free_chart = history(&[
        ("free_energy_train", "rbmm.series.train", palette::BLUE),
        ("free_energy_test", "rbmm.series.test", palette::VERMILION),
    ]);
    let last = move |name: &'static str| super::plots::last_readout(lesson, name);
    let epoch = move || view_of(lesson, |v| fmt_fixed(v.epoch, 2)).unwrap_or_default();
    let images_per_sec = move || {
        let r = lesson.rate.get();
        if r > 0.0 {
            format!("{:.0}", r * settings.get().batch as f64)
        } else {
            "—".into()
        }
    };
    let filter_caption = move || {
        view_of(lesson, |v| {
            format!(
                "{} {} / {} — {} ±{}",
                tr(lang.get(), "rbmm.filters.shown"),
                v.filter_count,
                v.hidden,
                tr(lang.get(), "rbmm.filters.scale"),
                fmt_num(v.filter_range)
            )
        })
        .unwrap_or_default()
    };

    view! {
        <super::frame::LessonFrame lesson=lesson explain="rbmm.explain"
                settings={|l: Lesson| settings_panel::<RbmMnistSettings>(l).into_any()}
                theory=Signal::derive(move || {
                    let s = settings.get();
                    let (train, test) = lesson.history.with(|h| (h.last("free_energy_train"), h.last("free_energy_test")));
                    let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
                    super::theory::rbm_mnist_rows(finite(train), finite(test), s.lr, s.k,
                        s.chains == genlab_core::rbm_mnist::Chains::Pcd)
                })
                path=Signal::from(Memo::new(move |_| view_of(lesson, |v| v.path.clone())))>
            <div class="lesson-grid">
                <div class="charts">
                    <h3>{t("rbmm.chart.filters")}</h3>
                    <p class="hint" data-testid="filter-caption">{filter_caption}</p>
                    <ImageCanvas grid=filters testid="filters-image" label=label("rbmm.chart.filters") class="digit-grid" />
                    <h3>{t("rbmm.chart.chains")}</h3>
                    <p class="hint">{move || if settings.get().chains == genlab_core::rbm_mnist::Chains::Pcd { t("rbmm.chains.pcd")() } else { t("rbmm.chains.cd")() }}</p>
                    <ImageCanvas grid=chains testid="chains-image" label=label("rbmm.chart.chains") />
                    <h3>{t("rbmm.chart.recon")}</h3>
                    <ImageCanvas grid=recon testid="rbmm-recon-image" label=label("rbmm.chart.recon") />
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("vae.readout.epoch")}</dt><dd data-testid="epoch">{epoch}</dd>
                        <dt>{t("rbmm.readout.test_recon")}</dt><dd data-testid="test-recon">{last("test_recon")}</dd>
                        <dt>{t("rbmm.readout.train_recon")}</dt><dd data-testid="train-recon">{last("train_recon")}</dd>
                        <dt>{t("rbmm.readout.free_test")}</dt><dd data-testid="free-test">{last("free_energy_test")}</dd>
                        <dt>{t("rbmm.readout.free_train")}</dt><dd data-testid="free-train">{last("free_energy_train")}</dd>
                        <dt>{t("vae.readout.images_per_sec")}</dt><dd data-testid="images-per-sec">{images_per_sec}</dd>
                    </dl>
                    <super::likelihood::LikelihoodPanel report=likelihood pending="ll.pending" every=genlab_core::rbm_mnist::LL_EVERY lang=lang />
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
            <div class="metric-grid">
                <div>
                    <h3>{t("rbmm.chart.recon_error")}</h3>
                    <ChartCanvas spec=recon_chart testid="chart-recon-error" min_interval_ms=250.0 label=label("rbmm.chart.recon_error") size="chart-short" />
                </div>
                <div>
                    <h3>{t("rbmm.chart.free_energy")}</h3>
                    <p class="hint">{t("rbmm.free_energy.hint")}</p>
                    <ChartCanvas spec=free_chart testid="chart-free-energy" min_interval_ms=250.0 label=label("rbmm.chart.free_energy") size="chart-short" />
                </div>
            </div>
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}
