//! The RBM lesson page: the six movie-goers, every training method side by side with its exact
//! log-likelihood, the lecture's weight table, and its three demonstrations.

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
    let last = move |m: &'static str| {
        move || {
            lesson
                .history
                .with(|h| h.last(m))
                .map(fmt_num)
                .unwrap_or_else(|| "—".into())
        }
    };

    view! {
        <super::frame::LessonFrame lesson=lesson explain="rbm.explain"
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
                    {settings_panel::<RbmSettings>(lesson)}
                </aside>
            </div>
            <DataEditor lesson=lesson settings=settings />
            <div class="demos">
                <GibbsDemo lesson=lesson />
                <ClampDemo lesson=lesson />
                <FillInDemo lesson=lesson />
            </div>
        </super::frame::LessonFrame>
    }
}

/// The lecture's table: movies × (bias, hidden units), coloured, each unit named by its movies.
/// The table's shape follows the data; each cell follows only its own number, so a snapshot
/// updates text and colours instead of rebuilding the table.
#[component]
fn WeightTable(lesson: Lesson) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let shape = Memo::new(move |_| rbm_view(lesson).map(|v| (v.movies.clone(), v.hidden)));
    let max = Memo::new(move |_| {
        lesson.view.with(|v| match v {
            Some(LessonView::Rbm(r)) => r
                .weights
                .0
                .iter()
                .chain(&r.b.0)
                .map(|w| w.abs())
                .fold(0.0f32, f32::max),
            _ => 1.0,
        })
    });
    let value = move |pick: fn(&RbmView, usize) -> f32, k: usize| {
        lesson.view.with(|v| match v {
            Some(LessonView::Rbm(r)) => pick(r, k),
            _ => f32::NAN,
        })
    };
    let cell = move |pick: fn(&RbmView, usize) -> f32, k: usize| {
        view! { <td style=move || heat(value(pick, k), max.get())>{move || fmt_fixed(value(pick, k) as f64, 2)}</td> }
    };
    move || {
        let Some((movies, h)) = shape.get() else {
            return view! { <p>"…"</p> }.into_any();
        };
        view! {
            <table class="weights" data-testid="weight-table">
                <thead>
                    <tr><th></th><th>{tr(lang.get(), "rbm.weights.bias")}</th>
                        {(0..h).map(|j| view! { <th>{format!("{} {}", tr(lang.get(), "rbm.weights.hidden"), j + 1)}</th> }).collect_view()}
                    </tr>
                    <tr class="unit-labels"><th></th><th></th>
                        {(0..h).map(|j| view! {
                            <th data-testid=format!("unit-label-{j}")>{move || rbm_view_label(lesson, j)}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {movies.iter().enumerate().map(|(i, m)| view! {
                        <tr>
                            <th>{m.clone()}</th>
                            {cell(|r, i| r.b.0.get(i).copied().unwrap_or(f32::NAN), i)}
                            {(0..h).map(|j| cell(if j == 0 { |r: &RbmView, k: usize| w_at(r, k, 0) } else { W_AT[j.min(7)] }, i)).collect_view()}
                        </tr>
                    }).collect_view()}
                    <tr class="hidden-bias"><th>{tr(lang.get(), "rbm.weights.hidden_bias")}</th><td></td>
                        {(0..h).map(|j| cell(|r, j| r.c.0.get(j).copied().unwrap_or(f32::NAN), j)).collect_view()}
                    </tr>
                </tbody>
            </table>
        }
        .into_any()
    }
}

/// The movie names, notifying only when the data changes (not on every snapshot).
fn movies_memo(lesson: Lesson) -> Memo<Vec<String>> {
    Memo::new(move |_| {
        lesson.view.with(|v| match v {
            Some(LessonView::Rbm(r)) => r.movies.clone(),
            _ => vec![],
        })
    })
}

fn rbm_view_label(lesson: Lesson, j: usize) -> String {
    lesson.view.with(|v| match v {
        Some(LessonView::Rbm(r)) => r.unit_labels.get(j).cloned().unwrap_or_default(),
        _ => String::new(),
    })
}

/// w_ij from the view (row-major d × H).
fn w_at(r: &RbmView, i: usize, j: usize) -> f32 {
    r.weights
        .0
        .get(i * r.hidden + j)
        .copied()
        .unwrap_or(f32::NAN)
}

/// One plain function per hidden unit (H ≤ 8), so a cell can hold a `fn` pointer to its column.
const W_AT: [fn(&RbmView, usize) -> f32; 8] = [
    |r, i| w_at(r, i, 0),
    |r, i| w_at(r, i, 1),
    |r, i| w_at(r, i, 2),
    |r, i| w_at(r, i, 3),
    |r, i| w_at(r, i, 4),
    |r, i| w_at(r, i, 5),
    |r, i| w_at(r, i, 6),
    |r, i| w_at(r, i, 7),
];

/// The training data as a table of toggles: users (renamable, removable) × movies, with each
/// user's free energy and energy. Any edit restarts training on the new data.
#[component]
fn DataEditor(lesson: Lesson, settings: Memo<RbmSettings>) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let edit = move |f: Box<dyn FnOnce(&mut Dataset)>| {
        let mut s = settings.get_untracked();
        f(&mut s.data);
        lesson.update(to_query(&s));
    };
    view! {
        <section class="data-editor">
            <h3>{move || tr(lang.get(), "rbm.data.title")}</h3>
            <p class="hint">{move || tr(lang.get(), "rbm.data.hint")}</p>
            {move || {
                let s = settings.get();
                let d = s.data.clone();
                // Energies change every snapshot: each cell reads only its own number.
                let energy = move |u: usize, free: bool| {
                    lesson.view.with(|v| match v {
                        Some(LessonView::Rbm(r)) => (if free { r.free_energy.get(u) } else { r.energy.get(u) }).copied().map(fmt_num),
                        _ => None,
                    })
                    .unwrap_or_default()
                };
                view! {
                    <table class="data" data-testid="data-table">
                        <thead><tr>
                            <th>{tr(lang.get(), "rbm.data.user")}</th>
                            {d.movies.iter().map(|m| view! { <th>{m.clone()}</th> }).collect_view()}
                            <th title="F(v)">"F(v)"</th><th title="E(v, h*)">"E(v,h*)"</th><th></th><th></th>
                        </tr></thead>
                        <tbody>
                            {d.users.iter().enumerate().map(|(u, (name, ratings))| {
                                let desc = d.description(u).unwrap_or("");
                                view! {
                                    <tr>
                                        <td><input class="name" type="text" prop:value=name.clone() aria-label="user name"
                                            data-testid=format!("user-name-{u}")
                                            on:change=move |e| { let n = event_target_value(&e); edit(Box::new(move |d: &mut Dataset| d.users[u].0 = n)) } /></td>
                                        {ratings.iter().enumerate().map(|(i, &r)| view! {
                                            <td class="cell"><input type="checkbox" prop:checked=r == 1 data-testid=format!("cell-{u}-{i}")
                                                aria-label=format!("user {} movie {}", u + 1, i + 1)
                                                on:change=move |_| edit(Box::new(move |d: &mut Dataset| d.users[u].1[i] ^= 1)) /></td>
                                        }).collect_view()}
                                        <td class="num">{move || energy(u, true)}</td>
                                        <td class="num">{move || energy(u, false)}</td>
                                        <td><button class="small" data-testid=format!("remove-user-{u}") title="remove"
                                            on:click=move |_| edit(Box::new(move |d: &mut Dataset| { d.users.remove(u); }))>"✕"</button></td>
                                        <td class="desc">{desc}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            }}
            <div class="toolbar">
                <button data-testid="add-user" on:click=move |_| edit(Box::new(|d: &mut Dataset| {
                    let n = d.users.len() + 1;
                    let dd = d.d();
                    d.users.push((format!("User {n}"), vec![0; dd]));
                }))>{move || tr(lang.get(), "rbm.data.add")}</button>
                <button data-testid="reset-data" on:click=move |_| edit(Box::new(|d: &mut Dataset| *d = Dataset::default()))>
                    {move || tr(lang.get(), "rbm.data.reset")}</button>
            </div>
        </section>
    }
}

fn chips(labels: &[String], on: &[u8], probs: &[f64], testid: &'static str) -> impl IntoView {
    view! {
        <div class="chips" data-testid=testid>
            {labels.iter().zip(on).zip(probs).map(|((l, &o), &p)| view! {
                <span class="chip" class:on=o == 1 title=format!("p = {p:.3}")>{l.clone()}<small>{format!(" {p:.2}")}</small></span>
            }).collect_view()}
        </div>
    }
}

/// Demonstration 1: a Gibbs chain, one half-step at a time, slow enough to follow.
#[component]
fn GibbsDemo(lesson: Lesson) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let state = RwSignal::new(None::<RbmAnswer>);
    let auto = RwSignal::new(false);
    let movies = movies_memo(lesson);
    Effect::new(move |_| {
        if let Some(LessonAnswer::Rbm(a @ RbmAnswer::Gibbs { .. })) = lesson.answer.get() {
            state.set(Some(a));
        }
    });
    let reduced_motion = web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .map(|m| m.matches())
        .unwrap_or(false);
    let handle = StoredValue::new_local(None::<leptos::leptos_dom::helpers::IntervalHandle>);
    let toggle_auto = move || {
        if let Some(h) = handle.get_value() {
            h.clear();
            handle.set_value(None);
            auto.set(false);
        } else {
            // Reduced motion: no animated half-steps; each tick shows the next visible sample.
            let (ms, action) = if reduced_motion {
                (700, RbmAction::GibbsSweep)
            } else {
                (450, RbmAction::GibbsHalfStep)
            };
            let h = set_interval_with_handle(
                move || lesson.act(LessonAction::Rbm(action.clone())),
                std::time::Duration::from_millis(ms),
            )
            .ok();
            handle.set_value(h);
            auto.set(true);
        }
    };
    // The handle may be disposed before this cleanup runs: read it without panicking.
    on_cleanup(move || {
        if let Some(h) = handle.try_get_value().flatten() {
            h.clear()
        }
    });
    view! {
        <section class="demo" data-testid="demo-gibbs">
            <h3>{move || tr(lang.get(), "rbm.demo.gibbs")}</h3>
            <p class="hint">{move || tr(lang.get(), "rbm.demo.gibbs_hint")}</p>
            <div class="toolbar">
                <button data-testid="gibbs-start" on:click=move |_| lesson.act(LessonAction::Rbm(RbmAction::GibbsReset))>{move || tr(lang.get(), "rbm.demo.gibbs_start")}</button>
                <button data-testid="gibbs-half-step" on:click=move |_| lesson.act(LessonAction::Rbm(RbmAction::GibbsHalfStep))>{move || tr(lang.get(), "rbm.demo.half_step")}</button>
                <button data-testid="gibbs-auto" on:click=move |_| toggle_auto()>{move || tr(lang.get(), if auto.get() { "rbm.demo.stop" } else { "rbm.demo.auto" })}</button>
            </div>
            {move || match state.get() {
                Some(RbmAnswer::Gibbs { v, h, p_v, p_h, half_steps, hidden_updated, matches_user }) => {
                    let movies = movies.get();
                    let units: Vec<String> = (0..h.len()).map(|j| format!("h{}", j + 1)).collect();
                    view! {
                        <p>{format!("{} {half_steps} · {}", tr(lang.get(), "rbm.demo.half_steps"), tr(lang.get(), if hidden_updated { "rbm.demo.updated_h" } else { "rbm.demo.updated_v" }))}</p>
                        <div class="layer"><span class="layer-name">"h"</span>{chips(&units, &h, &p_h, "gibbs-hidden")}</div>
                        <div class="layer"><span class="layer-name">"v"</span>{chips(&movies, &v, &p_v, "gibbs-visible")}</div>
                        <p data-testid="gibbs-match">{matches_user.map(|u| format!("{} {u}", tr(lang.get(), "rbm.demo.looks_like"))).unwrap_or_default()}</p>
                    }.into_any()
                }
                _ => view! { <p class="hint">{tr(lang.get(), "rbm.demo.press_start")}</p> }.into_any(),
            }}
        </section>
    }
}

/// Demonstration 2: clamp one hidden unit to 1 and see which movies it generates.
#[component]
fn ClampDemo(lesson: Lesson) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let result = RwSignal::new(None::<RbmAnswer>);
    let movies = movies_memo(lesson);
    let hidden = Memo::new(move |_| {
        lesson.view.with(|v| match v {
            Some(LessonView::Rbm(r)) => r.hidden,
            _ => 0,
        })
    });
    Effect::new(move |_| {
        if let Some(LessonAnswer::Rbm(a @ RbmAnswer::Clamp { .. })) = lesson.answer.get() {
            result.set(Some(a));
        }
    });
    view! {
        <section class="demo" data-testid="demo-clamp">
            <h3>{move || tr(lang.get(), "rbm.demo.clamp")}</h3>
            <p class="hint">{move || tr(lang.get(), "rbm.demo.clamp_hint")}</p>
            <div class="toolbar">
                {move || {
                    let h = hidden.get();
                    (0..h).map(|j| view! {
                        <button data-testid=format!("clamp-{j}") on:click=move |_| lesson.act(LessonAction::Rbm(RbmAction::Clamp { unit: j, samples: 5000 }))>
                            {format!("{} {} = 1", tr(lang.get(), "rbm.weights.hidden"), j + 1)}</button>
                    }).collect_view()
                }}
            </div>
            {move || match result.get() {
                Some(RbmAnswer::Clamp { unit, exact, sampled, samples }) => {
                    let movies = movies.get();
                    view! {
                        <p>{format!("{} {} ", tr(lang.get(), "rbm.demo.clamped"), unit + 1)}"(" {move || rbm_view_label(lesson, unit)} ")"</p>
                        <ProbTable movies=movies exact=exact.into_iter().map(Some).collect() sampled=sampled.into_iter().map(Some).collect() samples testid="clamp-result" />
                    }.into_any()
                }
                _ => ().into_any(),
            }}
        </section>
    }
}

/// Demonstration 3: a new user with unknown ratings, filled in.
#[component]
fn FillInDemo(lesson: Lesson) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    // 1 = likes, 0 = does not, 2 = unknown. The lecture's spirit: likes HP and Avatar, rest unknown.
    let ratings = RwSignal::new(vec![1u8, 1, 2, 2, 2, 2]);
    let result = RwSignal::new(None::<RbmAnswer>);
    let movies = movies_memo(lesson);
    Effect::new(move |_| {
        if let Some(LessonAnswer::Rbm(a @ RbmAnswer::FillIn { .. })) = lesson.answer.get() {
            result.set(Some(a));
        }
    });
    Effect::new(move |_| {
        // Keep the row while no snapshot has arrived yet (no movies known); resize on new data.
        let d = movies.get().len();
        if d > 0 && ratings.with_untracked(|r| r.len()) != d {
            ratings.set(vec![2; d]);
        }
    });
    let ask = move || {
        let r: Vec<Option<bool>> = ratings
            .get_untracked()
            .iter()
            .map(|&x| match x {
                1 => Some(true),
                0 => Some(false),
                _ => None,
            })
            .collect();
        lesson.act(LessonAction::Rbm(RbmAction::FillIn {
            ratings: r,
            samples: 5000,
        }));
    };
    view! {
        <section class="demo" data-testid="demo-fill">
            <h3>{move || tr(lang.get(), "rbm.demo.fill")}</h3>
            <p class="hint">{move || tr(lang.get(), "rbm.demo.fill_hint")}</p>
            <div class="fill-row">
                {move || {
                    movies.get().into_iter().enumerate().map(|(i, m)| view! {
                        <label class="fill-cell">{m}
                            <select data-testid=format!("fill-{i}") on:change=move |e| {
                                let x = match event_target_value(&e).as_str() { "1" => 1, "0" => 0, _ => 2 };
                                ratings.update(|r| if i < r.len() { r[i] = x });
                            }>
                                {["1", "0", "?"].into_iter().map(|o| {
                                    let val = match o { "1" => 1, "0" => 0, _ => 2 };
                                    view! { <option value=o selected=move || ratings.with(|r| r.get(i) == Some(&val))>{o}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }).collect_view()
                }}
                <button class="primary" data-testid="fill-go" on:click=move |_| ask()>{move || tr(lang.get(), "rbm.demo.fill_go")}</button>
            </div>
            {move || match result.get() {
                Some(RbmAnswer::FillIn { exact, sampled, samples }) => {
                    let movies = movies.get();
                    view! { <ProbTable movies exact sampled samples testid="fill-result" /> }.into_any()
                }
                Some(RbmAnswer::Unavailable { why }) => view! { <p class="banner notice">{message(lang.get(), &why)}</p> }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}

/// Exact probabilities beside sampled frequencies, one row per movie (None rows are skipped).
#[component]
fn ProbTable(
    movies: Vec<String>,
    exact: Vec<Option<f64>>,
    sampled: Vec<Option<f64>>,
    samples: u32,
    testid: &'static str,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    view! {
        <table class="probs" data-testid=testid>
            <thead><tr><th></th><th>{tr(lang.get_untracked(), "rbm.demo.exact")}</th><th>{format!("{} ({samples})", tr(lang.get_untracked(), "rbm.demo.sampled"))}</th></tr></thead>
            <tbody>
                {movies.into_iter().enumerate().filter_map(|(i, m)| {
                    let e = exact.get(i).copied().flatten()?;
                    let s = sampled.get(i).copied().flatten();
                    Some(view! {
                        <tr><th>{m}</th>
                            <td class="num" data-testid=format!("{testid}-exact-{i}")>{fmt_num(e)}</td>
                            <td class="num">{s.map(fmt_num).unwrap_or_default()}</td>
                            <td class="bar"><span style=format!("width: {:.0}%", (e * 100.0).clamp(0.0, 100.0))></span></td>
                        </tr>
                    })
                }).collect_view()}
            </tbody>
        </table>
    }
}
