//! The deep belief net: which layer trains and the stack as it grows, each layer's units as
//! pictures (layer 1's filters, higher units as the weighted sums of layer-1 filters that drive
//! them), digits generated with a label clamped on the top RBM, layer 1's log-likelihood and
//! the lower bound per added layer, and "does pre-training help?" — three classifiers
//! fine-tuned on the same few labelled digits.

use genlab_core::dbn::{DbnSettings, DbnView, Phase, GEN_PER_LABEL};
use genlab_core::device::ComputePath;
use genlab_core::lesson::LessonId;
use genlab_core::protocol::LessonView;
use genlab_core::rbm::log_z::{LikelihoodReport, LogZ};
use genlab_core::settings::parse_query;
use leptos::prelude::*;

use super::controls::{fmt_fixed, settings_panel};
use super::lesson::Lesson;
use super::plots::live_history;
use crate::charts::{palette, ChartCanvas, ChartSpec, ImageCanvas, ImageGrid};
use crate::i18n::{tr, tr_with, Lang};

const PIXELS: usize = 784;

fn view_of<T>(lesson: Lesson, f: impl FnOnce(&DbnView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::Dbn(v)) => Some(f(v)),
        _ => None,
    })
}

/// "784 → 100 → [100 + 10 labels]": the stack as it is built.
fn stack_text(v: &DbnView, labels: bool, lang: Lang) -> String {
    let mut parts = vec!["784".to_string()];
    let top = v.sizes.len() - 1;
    for (l, h) in v.sizes.iter().enumerate() {
        if l == top && labels {
            let below = if top == 0 { 784 } else { v.sizes[top - 1] };
            parts.push(format!("{h} ⇄ ({below} + 10 {})", tr(lang, "dbn.labels")));
        } else {
            parts.push(h.to_string());
        }
    }
    parts.join(" → ")
}

fn phase_text(v: &DbnView, layer_steps: u32, lang: Lang) -> String {
    match v.phase {
        Phase::Pretraining { layer, step } => tr_with(
            lang,
            "dbn.phase.layer",
            &[
                ("layer", &(layer + 1).to_string()),
                ("layers", &v.sizes.len().to_string()),
                ("step", &step.to_string()),
                ("steps", &layer_steps.to_string()),
            ],
        ),
        Phase::FineTuning { step } => tr_with(
            lang,
            "dbn.phase.finetune",
            &[
                ("step", &step.to_string()),
                ("labelled", &v.labelled.to_string()),
            ],
        ),
    }
}

#[component]
pub fn DbnLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Dbn, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let settings = Memo::new(move |_| parse_query::<DbnSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let label = move |k: &'static str| Signal::derive(move || tr(lang.get(), k).to_string());

    let phase = move || {
        view_of(lesson, |v| {
            phase_text(v, settings.get().layer_steps, lang.get())
        })
        .unwrap_or_default()
    };
    let stack = move || {
        view_of(lesson, |v| stack_text(v, settings.get().labels, lang.get())).unwrap_or_default()
    };
    let filters = move |layer: usize| {
        Signal::derive(move || {
            view_of(lesson, |v| {
                v.filters
                    .get(layer)
                    .map(|f| ImageGrid::filters(&f.0, 10, v.filter_ranges[layer]))
            })
            .flatten()
        })
    };
    let layers_started = move || view_of(lesson, |v| v.filters.len()).unwrap_or(0);
    let generated_all = Signal::derive(move || {
        view_of(lesson, |v| {
            v.generated
                .as_ref()
                .map(|g| ImageGrid::digits(&g.0, GEN_PER_LABEL))
        })
        .flatten()
    });
    let generated_one = Signal::derive(move || {
        let d = settings.get().generate as usize;
        view_of(lesson, |v| {
            v.generated.as_ref().map(|g| {
                let rows = &g.0[d * GEN_PER_LABEL * PIXELS..(d + 1) * GEN_PER_LABEL * PIXELS];
                ImageGrid::digits(rows, GEN_PER_LABEL)
            })
        })
        .flatten()
    });
    let likelihood: Signal<Option<LikelihoodReport>> =
        Memo::new(move |_| view_of(lesson, |v| v.likelihood.clone()).flatten()).into();
    let bounds = move || {
        let lang = lang.get();
        view_of(lesson, |v| {
            v.bounds
                .iter()
                .map(|b| {
                    let how = match &b.log_z {
                        LogZ::Exact(_) => tr(lang, "dbn.bounds.exact").to_string(),
                        LogZ::Ais(a) => format!("AIS ± {}", fmt_fixed(a.spread, 2)),
                    };
                    let what = if b.layers == 1 {
                        tr(lang, "dbn.bounds.log_p")
                    } else {
                        tr(lang, "dbn.bounds.bound")
                    };
                    view! {
                        <tr data-layers=b.layers>
                            <td>{b.layers}</td>
                            <td>{what}</td>
                            <td class="num">{fmt_fixed(b.value, 2)}</td>
                            <td class="num">{fmt_fixed(b.log_z.value(), 2)}</td>
                            <td>{how}</td>
                            <td class="num">{b.step}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    // Which parts the GPU runs is said while it runs any.
    let on_gpu = Memo::new(move |_| {
        view_of(lesson, |v| matches!(v.path, ComputePath::Gpu { .. })).unwrap_or(false)
    });
    let history = move |series| live_history(lesson, lang, series, "vae.axis.step");
    // From the step fine-tuning starts: the classifiers do not exist before.
    let accuracy_lines = history(&[
        ("acc_dbn", "dbn.series.dbn", palette::BLUE),
        ("acc_ae", "dbn.series.ae", palette::GREEN),
        ("acc_random", "dbn.series.random", palette::VERMILION),
    ]);
    let accuracy_chart =
        Signal::derive(move || accuracy_lines.get().map(ChartSpec::start_at_first_value));
    let recon_chart = history(&[
        ("recon_1", "dbn.series.layer1", palette::BLUE),
        ("recon_2", "dbn.series.layer2", palette::GREEN),
        ("recon_3", "dbn.series.layer3", palette::VERMILION),
    ]);
    let free_chart = history(&[
        ("free_1", "dbn.series.layer1", palette::BLUE),
        ("free_2", "dbn.series.layer2", palette::GREEN),
        ("free_3", "dbn.series.layer3", palette::VERMILION),
    ]);
    let last = move |name: &'static str| super::plots::last_readout(lesson, name);
    let verdict = move || {
        let (dbn, random) = lesson
            .history
            .with(|h| (h.last("acc_dbn"), h.last("acc_random")));
        match (
            dbn.filter(|x| x.is_finite()),
            random.filter(|x| x.is_finite()),
        ) {
            (Some(d), Some(r)) => tr_with(
                lang.get(),
                if d > r {
                    "dbn.verdict.helps"
                } else {
                    "dbn.verdict.not"
                },
                &[("gap", &fmt_fixed(100.0 * (d - r).abs(), 1))],
            ),
            _ => tr(lang.get(), "dbn.verdict.wait").to_string(),
        }
    };
    let layer_block = move |layer: usize| {
        let title = match layer {
            0 => "dbn.chart.filters1",
            1 => "dbn.chart.filters2",
            _ => "dbn.chart.filters3",
        };
        let testid = ["dbn-filters-1", "dbn-filters-2", "dbn-filters-3"][layer];
        view! {
            <Show when=move || { layers_started() > layer }>
                <h3>{t(title)}</h3>
                <ImageCanvas grid=filters(layer) testid=testid label=label(title) class="digit-grid" />
            </Show>
        }
    };

    view! {
        <super::frame::LessonFrame lesson=lesson explain="dbn.explain"
                settings={|l: Lesson| settings_panel::<DbnSettings>(l).into_any()}
                theory=Signal::derive(move || {
                    let s = settings.get();
                    let bound = view_of(lesson, |v| v.bounds.last().map(|b| (b.layers, b.value))).flatten();
                    super::theory::dbn_rows(bound, s.k, s.top_k, s.lr)
                })
                path=Signal::from(Memo::new(move |_| view_of(lesson, |v| v.path.clone())))>
            <div class="lesson-grid">
                <div class="charts">
                    <p class="banner" data-testid="dbn-phase">{phase}</p>
                    <p class="hint" data-testid="dbn-stack">{stack}</p>
                    <h3>{t("dbn.chart.generate")}</h3>
                    <p class="hint">{move || tr_with(lang.get(), "dbn.generate.hint", &[("digit", &settings.get().generate.to_string())])}</p>
                    <Show when=move || generated_one.get().is_some()
                        fallback=move || view! { <p class="hint" data-testid="dbn-generate-wait">{t("dbn.generate.wait")}</p> }>
                        <ImageCanvas grid=generated_one testid="dbn-generated-one" label=label("dbn.chart.generate") class="digit-strip" />
                        <h3>{t("dbn.chart.generate_all")}</h3>
                        <ImageCanvas grid=generated_all testid="dbn-generated-all" label=label("dbn.chart.generate_all") class="digit-rows" />
                    </Show>
                    {layer_block(0)}
                    {layer_block(1)}
                    {layer_block(2)}
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("dbn.readout.acc_dbn")}</dt><dd data-testid="acc-dbn">{last("acc_dbn")}</dd>
                        <dt>{t("dbn.readout.acc_ae")}</dt><dd data-testid="acc-ae">{last("acc_ae")}</dd>
                        <dt>{t("dbn.readout.acc_random")}</dt><dd data-testid="acc-random">{last("acc_random")}</dd>
                        <dt>{t("dbn.readout.recon_1")}</dt><dd data-testid="recon-1">{last("recon_1")}</dd>
                    </dl>
                    <p class="hint" data-testid="dbn-verdict">{verdict}</p>
                    {move || on_gpu.get().then(|| view! {
                        <p class="hint" data-testid="dbn-device-split">{t("dbn.device.split")}</p>
                    })}
                    <super::likelihood::LikelihoodPanel report=likelihood pending="dbn.ll.pending" every=settings.get_untracked().layer_steps as u64 lang=lang />
                    <h3>{t("dbn.bounds.title")}</h3>
                    <table class="probs compact" data-testid="dbn-bounds">
                        <thead><tr>
                            <th>{t("dbn.bounds.layers")}</th><th>{t("dbn.bounds.what")}</th>
                            <th>{t("dbn.bounds.value")}</th><th>{"log Z"}</th>
                            <th>{t("dbn.bounds.how")}</th><th>{t("dbn.bounds.step")}</th>
                        </tr></thead>
                        <tbody>{bounds}</tbody>
                    </table>
                    <p class="hint">{t("dbn.bounds.hint")}</p>
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
            <div class="metric-grid">
                <div>
                    <h3>{t("dbn.chart.accuracy")}</h3>
                    <p class="hint">{t("dbn.accuracy.hint")}</p>
                    <ChartCanvas spec=accuracy_chart testid="chart-dbn-accuracy" min_interval_ms=250.0 label=label("dbn.chart.accuracy") size="chart-short" />
                </div>
                <div>
                    <h3>{t("dbn.chart.recon")}</h3>
                    <ChartCanvas spec=recon_chart testid="chart-dbn-recon" min_interval_ms=250.0 label=label("dbn.chart.recon") size="chart-short" />
                </div>
                <div>
                    <h3>{t("dbn.chart.free")}</h3>
                    <ChartCanvas spec=free_chart testid="chart-dbn-free" min_interval_ms=250.0 label=label("dbn.chart.free") size="chart-short" />
                </div>
            </div>
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}
