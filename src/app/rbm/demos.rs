//! The lecture's three demonstrations — a Gibbs chain half-step by half-step, a clamped hidden unit,
//! filled-in ratings — each with the exact answer beside the sampled one.

use super::*;

pub(super) fn chips(
    labels: &[String],
    on: &[u8],
    probs: &[f64],
    testid: &'static str,
) -> impl IntoView {
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
pub(super) fn GibbsDemo(lesson: Lesson) -> impl IntoView {
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
pub(super) fn ClampDemo(lesson: Lesson) -> impl IntoView {
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
pub(super) fn FillInDemo(lesson: Lesson) -> impl IntoView {
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
pub(super) fn ProbTable(
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
