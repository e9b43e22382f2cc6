//! The transport lesson page: the lecture's 1-D example with its exact plan, 2-D clouds to click
//! and drag, Sinkhorn converging step by step, MMD, the lecture's Gaussians in closed form beside
//! a sample estimate, and why Wasserstein (disjoint supports sliding apart).

mod charts;
mod input;
mod warmup;
use charts::*;
use input::*;
use warmup::*;

use genlab_core::lesson::LessonId;
use genlab_core::protocol::LessonView;
use genlab_core::settings::{parse_query, to_query};
use genlab_core::transport::{Point, TransportSettings, TransportView};
use leptos::prelude::*;

use super::controls::{fmt_num, settings_panel};
use super::lesson::Lesson;
use super::plots::{history_chart, SeriesSpec};
use crate::charts::{
    arrow_nudge, event_to_data, palette, ChartCanvas, ChartSpec, Layer, LegendAt, Projector,
};
use crate::i18n::{message, tr, Lang};

#[component]
pub fn TransportLesson(query: String, speed: f64) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Transport, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let projector = use_context::<Projector>().map(|p| p.0);
    let settings = Memo::new(move |_| parse_query::<TransportSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let edit = move |f: Box<dyn FnOnce(&mut TransportSettings)>| {
        let mut s = settings.get_untracked();
        f(&mut s);
        lesson.update(to_query(&s));
    };

    // Memos: a snapshot arrives with every Sinkhorn iteration, but most charts' data change only
    // when the problem does — an unchanged spec must not be redrawn (nor delay the next reply).
    let bars = Memo::new(move |_| tv(lesson, |v| bars_chart(v, lang.get())));
    let selected = RwSignal::new(None::<(bool, usize)>);
    let clouds = Memo::new(move |_| tv(lesson, |v| cloud_chart(v, selected.get(), lang.get())));
    // Either plan as a heatmap: `pick` chooses which one from the view.
    let plan_memo = move |pick: fn(&TransportView) -> &[f32], title: &'static str| {
        Memo::new(move |_| {
            tv(lesson, |v| {
                plan_chart(
                    pick(v),
                    v.xs.len(),
                    v.ys.len(),
                    lang.get(),
                    tr(lang.get(), title),
                )
            })
            .flatten()
        })
    };
    let sink_plan = plan_memo(|v| &v.sinkhorn_plan.0, "ot.sinkhorn_plan");
    let exact_plan = plan_memo(|v| &v.exact_plan.0, "ot.exact_plan");
    let gauss = Memo::new(move |_| tv(lesson, |v| gaussian_chart(v, lang.get())));
    let shift = Memo::new(move |_| tv(lesson, |v| shift_chart(v, lang.get())));
    let sink_cost = Signal::derive(move || {
        let h = lesson.history.get();
        let exact_cost = tv(lesson, |v| v.exact_cost)?;
        (h.rows.len() > 1).then(|| {
            let l = lang.get();
            history_chart(
                &h,
                &[SeriesSpec {
                    metric: "sinkhorn_cost",
                    label: tr(l, "ot.series.sinkhorn_cost"),
                    color: palette::ORANGE,
                }],
                exact_cost.map(|c| (tr(l, "ot.series.exact_cost"), c)),
                false,
                tr(l, "ot.axis.iteration"),
            )
        })
    });
    let marginal = Signal::derive(move || {
        let h = lesson.history.get();
        (h.rows.len() > 1).then(|| {
            let l = lang.get();
            history_chart(
                &h,
                &[SeriesSpec {
                    metric: "marginal_error",
                    label: tr(l, "ot.series.marginal_error"),
                    color: palette::PURPLE,
                }],
                None,
                true,
                tr(l, "ot.axis.iteration"),
            )
        })
    });

    // 2-D clouds: click to add to the chosen side, drag a point to move it; the keyboard path.
    let side_is_mu = RwSignal::new(true);
    let CloudInput {
        on_down,
        on_move,
        on_up,
        on_key: on_cloud_key,
    } = cloud_input(settings, edit, selected, side_is_mu, projector);
    // Gaussians: drag either centre (m₁ or m₂); the covariances change with the sliders.
    let (g_down, g_move, g_up) = gauss_input(settings, edit, projector);
    rehearse_page(lesson, lang);

    let plan_1d = Memo::new(move |_| tv(lesson, |v| (v.mu.len(), v.plan_1d.clone())));

    view! {
        <super::frame::LessonFrame lesson=lesson explain="ot.explain"
                settings={|l: Lesson| settings_panel::<TransportSettings>(l).into_any()}
                theory=Signal::derive(move || tv(lesson, |v| super::theory::transport_rows(v.eps, v.iterations, v.sinkhorn_cost, v.exact_cost, v.w2_closed)).unwrap_or_default())>
            <div class="lesson-grid">
                <div class="charts">
                    <section class="ot-part">
                        <h3>{t("ot.part1")}</h3>
                        {move || tv(lesson, |v| v.problem_1d.clone()).flatten().map(|p| view! { <p class="banner error" data-testid="problem-1d">{message(lang.get(), &p)}</p> })}
                        <ChartCanvas spec=Signal::from(bars) testid="chart-bars" size="chart-short" label=Signal::derive(move || tr(lang.get(), "ot.part1").to_string()) />
                        <div class="bins">
                            {move || {
                                let s = settings.get();
                                (0..s.mu.len()).map(|i| {
                                    let (mu_i, nu_i) = (s.mu[i], s.nu[i]);
                                    let slider = move |is_mu: bool| {
                                        let value = if is_mu { mu_i } else { nu_i };
                                        view! {
                                            <input type="range" min="0" max="1" step="0.05" prop:value=value.to_string()
                                                data-testid=format!("{}-{i}", if is_mu { "mu" } else { "nu" })
                                                aria-label=format!("{} at x = {}", if is_mu { "μ" } else { "ν" }, i + 1)
                                                on:change=move |e| {
                                                    let x = event_target_value(&e).parse::<f64>().unwrap_or(0.0);
                                                    edit(Box::new(move |s: &mut TransportSettings| if is_mu { s.mu[i] = x } else { s.nu[i] = x }));
                                                } />
                                        }
                                    };
                                    view! { <div class="bin"><span>{format!("x = {}", i + 1)}</span>"μ"{slider(true)}"ν"{slider(false)}</div> }
                                }).collect_view()
                            }}
                        </div>
                        <div class="toolbar">
                            <button data-testid="add-bin" on:click=move |_| edit(Box::new(|s: &mut TransportSettings| if s.mu.len() < genlab_core::transport::settings::MAX_BINS { s.mu.push(0.0); s.nu.push(0.0); }))>{t("ot.add_bin")}</button>
                            <button data-testid="remove-bin" on:click=move |_| edit(Box::new(|s: &mut TransportSettings| if s.mu.len() > 1 { s.mu.pop(); s.nu.pop(); }))>{t("ot.remove_bin")}</button>
                            <button data-testid="reset-1d" on:click=move |_| edit(Box::new(|s: &mut TransportSettings| { let d = TransportSettings::default(); s.mu = d.mu; s.nu = d.nu; s.p = 1.0; }))>{t("ot.reset_lecture")}</button>
                        </div>
                        {move || plan_1d.get().filter(|(_, plan)| !plan.is_empty()).map(|(k, plan)| {
                            view! {
                                <table class="probs plan-matrix" data-testid="plan-matrix">
                                    <caption>{tr(lang.get(), "ot.plan_matrix")}</caption>
                                    <thead><tr><th>"γ"</th>{(1..=k).map(|j| view! { <th>{format!("ν @ {j}")}</th> }).collect_view()}</tr></thead>
                                    <tbody>{(0..k).map(|i| view! {
                                        <tr><th>{format!("μ @ {}", i + 1)}</th>
                                            {(0..k).map(|j| { let g = plan[i * k + j]; let moved = g > 1e-12; view! { <td class="num" class:nonzero=moved>{fmt_num(g)}</td> } }).collect_view()}
                                        </tr>
                                    }).collect_view()}</tbody>
                                </table>
                            }
                        })}
                        <dl class="readouts">
                            <dt>{t("ot.readout.exact")}</dt><dd data-testid="w-exact-1d">{move || tv(lesson, |v| opt(v.w_exact_1d)).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.formula")}</dt><dd data-testid="w-formula-1d">{move || tv(lesson, |v| opt(v.w_formula_1d)).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.breakdown")}</dt><dd data-testid="breakdown">{move || tv(lesson, |v| {
                                let terms: Vec<String> = v.moves.iter().map(|m| format!("{}·{} ({}→{})", fmt_num(m.mass), fmt_num(m.unit_cost), m.from, m.to)).collect();
                                let total: f64 = v.moves.iter().map(|m| m.mass * m.unit_cost).sum();
                                format!("{} = {}", terms.join(" + "), fmt_num(total))
                            }).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.totals")}</dt><dd>{move || tv(lesson, |v| format!("{} / {}", fmt_num(v.mu_total), fmt_num(v.nu_total))).unwrap_or_default()}</dd>
                        </dl>
                    </section>
                    <section class="ot-part">
                        <h3>{t("ot.part2")}</h3>
                        <p class="hint">{t("ot.part2_hint")} " " {t("ot.cloud_keys")}</p>
                        <div class="toolbar">
                            <label><input type="radio" name="side" data-testid="side-mu" prop:checked=move || side_is_mu.get() on:change=move |_| side_is_mu.set(true) />"μ"</label>
                            <label><input type="radio" name="side" data-testid="side-nu" prop:checked=move || !side_is_mu.get() on:change=move |_| side_is_mu.set(false) />"ν"</label>
                            {move || selected.get().and_then(|(mu, i)| {
                                let s = settings.get();
                                let p = if mu { s.xs.get(i) } else { s.ys.get(i) }?.clone();
                                Some(view! {
                                    <span>{format!("{} #{} ", if mu { "μ" } else { "ν" }, i + 1)}
                                        {t("ot.weight")}
                                        <input type="number" min="0" step="0.5" data-testid="point-weight" prop:value=p.w.to_string()
                                            on:change=move |e| { let w = event_target_value(&e).parse::<f64>().unwrap_or(1.0).max(0.0);
                                                edit(Box::new(move |s: &mut TransportSettings| { let side = if mu { &mut s.xs } else { &mut s.ys }; if let Some(p) = side.get_mut(i) { p.w = w } })) } />
                                        <button data-testid="delete-point" on:click=move |_| { selected.set(None);
                                            edit(Box::new(move |s: &mut TransportSettings| { let side = if mu { &mut s.xs } else { &mut s.ys }; if i < side.len() { side.remove(i); } })) }>{t("ot.delete")}</button>
                                    </span>
                                })
                            })}
                            <button data-testid="reset-clouds" on:click=move |_| { selected.set(None); edit(Box::new(|s: &mut TransportSettings| { let d = TransportSettings::default(); s.xs = d.xs; s.ys = d.ys; })) }>{t("ot.reset_clouds")}</button>
                        </div>
                        {move || tv(lesson, |v| v.problem_2d.clone()).flatten().map(|p| view! { <p class="banner error" data-testid="problem-2d">{message(lang.get(), &p)}</p> })}
                        <div class="cloud-canvas" tabindex="0" data-testid="cloud-keys" aria-label=t("ot.cloud_keys") on:keydown=on_cloud_key
                            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointerleave=on_up>
                            <ChartCanvas spec=Signal::from(clouds) testid="chart-clouds" label=Signal::derive(move || tr(lang.get(), "ot.part2").to_string()) />
                        </div>
                        <dl class="readouts">
                            <dt>{t("ot.readout.emd")}</dt><dd data-testid="emd-2d">{move || tv(lesson, |v| opt(v.emd)).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.points")}</dt><dd data-testid="point-counts">{move || tv(lesson, |v| format!("{} / {}", v.xs.len(), v.ys.len())).unwrap_or_default()}</dd>
                        </dl>
                    </section>
                    <super::staged::Staged>
                    <section class="ot-part">
                        <h3>{t("ot.part3")}</h3>
                        <p class="hint">{t("ot.part3_hint")}</p>
                        <div class="plans">
                            <ChartCanvas spec=Signal::from(sink_plan) testid="chart-sinkhorn-plan" size="chart-short" label=Signal::derive(move || tr(lang.get(), "ot.sinkhorn_plan").to_string()) />
                            <ChartCanvas spec=Signal::from(exact_plan) testid="chart-exact-plan" size="chart-short" label=Signal::derive(move || tr(lang.get(), "ot.exact_plan").to_string()) />
                        </div>
                        <dl class="readouts">
                            <dt>{t("ot.readout.sinkhorn")}</dt><dd data-testid="sinkhorn-cost">{move || tv(lesson, |v| opt(v.sinkhorn_cost)).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.exact_cost")}</dt><dd data-testid="exact-cost">{move || tv(lesson, |v| opt(v.exact_cost)).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.iterations")}</dt><dd>{move || tv(lesson, |v| v.iterations.to_string()).unwrap_or_default()}</dd>
                        </dl>
                        <div class="plans">
                            <ChartCanvas spec=sink_cost testid="chart-sinkhorn-cost" size="chart-short" min_interval_ms=150.0 label=Signal::derive(move || tr(lang.get(), "ot.series.sinkhorn_cost").to_string()) />
                            <ChartCanvas spec=marginal testid="chart-marginal" size="chart-short" min_interval_ms=150.0 label=Signal::derive(move || tr(lang.get(), "ot.series.marginal_error").to_string()) />
                        </div>
                    </section>
                    </super::staged::Staged>
                    <super::staged::Staged>
                    <section class="ot-part">
                        <h3>{t("ot.part4")}</h3>
                        <p class="hint">{t("ot.part4_hint")}</p>
                        {move || tv(lesson, |v| v.problem_mmd.clone()).flatten().map(|p| view! { <p class="banner notice">{message(lang.get(), &p)}</p> })}
                        <dl class="readouts">
                            <dt>{t("ot.readout.mmd_biased")}</dt><dd data-testid="mmd-biased">{move || tv(lesson, |v| opt(v.mmd_biased)).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.mmd_unbiased")}</dt><dd data-testid="mmd-unbiased">{move || tv(lesson, |v| opt(v.mmd_unbiased)).unwrap_or_default()}</dd>
                        </dl>
                    </section>
                    </super::staged::Staged>
                    <super::staged::Staged>
                    <section class="ot-part">
                        <h3>{t("ot.part5")}</h3>
                        <p class="hint">{t("ot.part5_hint")}</p>
                        <div class="cloud-canvas" on:pointerdown=g_down on:pointermove=g_move on:pointerup=g_up on:pointerleave=g_up>
                            <ChartCanvas spec=Signal::from(gauss) testid="chart-gaussians" label=Signal::derive(move || tr(lang.get(), "ot.part5").to_string()) />
                        </div>
                        <dl class="readouts">
                            <dt>{t("ot.readout.w2_closed")}</dt><dd data-testid="w2-closed">{move || tv(lesson, |v| fmt_num(v.w2_closed)).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.w2_sample")}</dt><dd data-testid="w2-sample">{move || tv(lesson, |v| format!("{} (n = {})", opt(v.w2_sample), v.samples)).unwrap_or_default()}</dd>
                            <dt>{t("ot.readout.slide")}</dt><dd data-testid="slide-value">{move || tv(lesson, |v| fmt_num(v.slide_value)).unwrap_or_default()}</dd>
                        </dl>
                        <p class="hint">{t("ot.slide_note")}</p>
                    </section>
                    </super::staged::Staged>
                    <super::staged::Staged>
                    <section class="ot-part">
                        <h3>{t("ot.part6")}</h3>
                        <p class="hint">{t("ot.part6_hint")}</p>
                        <ChartCanvas spec=Signal::from(shift) testid="chart-shift" size="chart-short" label=Signal::derive(move || tr(lang.get(), "ot.part6").to_string()) />
                        <dl class="readouts">
                            <dt>"KL"</dt><dd data-testid="kl-shift">{move || tv(lesson, |v| if v.kl.is_infinite() { "∞".to_string() } else { fmt_num(v.kl) }).unwrap_or_default()}</dd>
                            <dt>"JS"</dt><dd data-testid="js-shift">{move || tv(lesson, |v| fmt_num(v.js)).unwrap_or_default()}</dd>
                            <dt>"W1"</dt><dd data-testid="w1-shift">{move || tv(lesson, |v| fmt_num(v.w1_shift)).unwrap_or_default()}</dd>
                        </dl>
                    </section>
                    </super::staged::Staged>
                </div>
                <aside class="side">
                    <super::frame::SettingsSlot />
                </aside>
            </div>
        </super::frame::LessonFrame>
    }
}
