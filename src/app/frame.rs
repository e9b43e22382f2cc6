//! The frame every lesson page sits in. It always renders, in this order: the title and the
//! one-paragraph explanation, the status banners and notices, the compute path (for lessons
//! with a device setting), the theory panel, the transport bar (play, step, reset, run to,
//! speed, CSV, export and import), the lesson's settings panel (where the page puts a
//! [`SettingsSlot`], else at the end) and the "All metrics" panel. A lesson page gives only what
//! is its own: its charts, demos and readouts — so no lesson can forget a banner, the theory, its
//! settings or the run file buttons.

use genlab_core::device::ComputePath;
use genlab_core::settings::ChoiceEnum;
use leptos::prelude::*;

use super::controls::{fmt_num, StatusBanners, TransportBar};
use super::lesson::Lesson;
use super::staged::Staged;
use super::theory::TheoryPanel;
use crate::i18n::{tr, Lang};

#[component]
pub fn LessonFrame(
    /// The running lesson: its id names the title (`lesson.<key>.title`), the theory panel's
    /// source (`theory.<key>.source`) and the frame's test id (`lesson-<key>`).
    lesson: Lesson,
    /// Catalog key of the explanation under the title.
    explain: &'static str,
    /// The theory panel's formulas with the run's current values (see `super::theory`).
    theory: Signal<Vec<String>>,
    /// Where the steps run, for a lesson with a compute-device setting (`None` before the first
    /// view arrives).
    #[prop(optional)]
    path: Option<Signal<Option<ComputePath>>>,
    /// The lesson's settings panel (`|l| settings_panel::<S>(l).into_any()`): the frame renders
    /// it where the page puts a [`SettingsSlot`], or at the end if the page puts none.
    settings: fn(Lesson) -> AnyView,
    /// The lesson's own part: banners of its own, toolbars, charts, readouts.
    children: Children,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let key = lesson.id.key();
    let title = format!("lesson.{key}.title");
    let slot = SettingsPanel {
        lesson,
        render: settings,
        placed: StoredValue::new(false),
    };
    provide_context(slot);
    // The lesson's own part is built in a later task than the frame's top (see `staged`); the
    // settings panel goes where the page placed it, or after the page's part if it placed none.
    let own = move || {
        let own = children();
        let fallback = (!slot.placed.get_value())
            .then(|| view! { <aside class="side">{(slot.render)(lesson)}</aside> });
        (own, fallback)
    };
    view! {
        <article class=format!("lesson {key}") data-testid=format!("lesson-{key}")>
            <h2>{move || tr(lang.get(), &title)}</h2>
            <p class="explain">{move || tr(lang.get(), explain)}</p>
            <StatusBanners lesson=lesson />
            {path.map(|path| view! { <super::device::ComputePathLine path=path /> })}
            <TheoryPanel source=format!("theory.{key}.source") rows=theory />
            <TransportBar lesson=lesson />
            <super::lecture::AddScene lesson=lesson />
            <Staged>{own()}</Staged>
            <Staged><MetricsPanel lesson=lesson /></Staged>
        </article>
    }
}

/// The settings panel the frame was given, for the page to place (see [`SettingsSlot`]).
#[derive(Clone, Copy)]
struct SettingsPanel {
    lesson: Lesson,
    render: fn(Lesson) -> AnyView,
    placed: StoredValue<bool>,
}

/// Where a page wants the frame's settings panel (in its side column, under its readouts).
#[component]
pub fn SettingsSlot() -> impl IntoView {
    let slot = expect_context::<SettingsPanel>();
    slot.placed.set_value(true);
    view! { <Staged>{(slot.render)(slot.lesson)}</Staged> }
}

/// Every metric of the last history row, each named in the reader's language
/// (`metric.<lesson>.<name>`): the numbers the charts draw, and those no chart shows (epochs, the
/// generator's mean, the swap rate). Folded, it builds nothing.
#[component]
fn MetricsPanel(lesson: Lesson) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let open = RwSignal::new(false);
    let key = lesson.id.key();
    let rows = move || {
        if !open.get() {
            return None;
        }
        let l = lang.get();
        lesson.history.with(|h| {
            let step = h.steps.last()?;
            let values = h.rows.last()?;
            let cells: Vec<_> = h
                .names
                .iter()
                .zip(values)
                .map(|(name, v)| {
                    let label = tr(l, &format!("metric.{key}.{name}"));
                    let value = if v.is_finite() { fmt_num(*v) } else { "—".to_string() };
                    view! { <tr data-metric=name.clone()><th scope="row">{label}</th><td>{value}</td></tr> }
                })
                .collect();
            Some(view! {
                <table class="metrics">
                    <caption>{format!("{} {step}", tr(l, "transport.step"))}</caption>
                    <tbody>{cells}</tbody>
                </table>
            })
        })
    };
    view! {
        <details class="metrics-panel" data-testid="metrics"
            on:toggle=move |e| open.set(crate::charts::details_open(&e))>
            <summary>{move || tr(lang.get(), "metrics.title")}</summary>
            {move || rows().map(|t| t.into_any()).unwrap_or_else(|| {
                view! { <p class="hint">{tr(lang.get(), "metrics.none")}</p> }.into_any()
            })}
        </details>
    }
}
