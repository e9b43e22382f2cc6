//! The lesson's data, editable: the movie-goers as a table of toggles, and the 2-D points the
//! Gaussian–Bernoulli RBM learns (clicked on a picture, typed, or cleared back to the toy set).
//! Every edit goes through the settings, so the address holds it and the run restarts on it.

use genlab_core::boltzmann::{BoltzmannSettings, MAX_CLICKED};
use genlab_core::rbm::Dataset;
use genlab_core::settings::{percent_encode, to_query};
use genlab_core::transport::settings::Point;
use leptos::prelude::*;

use super::edit;
use crate::app::lesson::Lesson;
use crate::i18n::{tr, Lang};

/// Adds a clicked point (rounded to 0.01), up to the limit.
pub(super) fn add_point(lesson: Lesson, settings: Memo<BoltzmannSettings>, x: f64, y: f64) {
    let (x, y) = ((x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0);
    edit(lesson, settings, move |s| {
        if s.points.len() < MAX_CLICKED {
            s.points.push(Point { x, y, w: 1.0 });
        }
    });
}

/// The movie-goers as toggles: users × movies, add a user, back to the lecture's six.
#[component]
pub(super) fn MovieData(lesson: Lesson, settings: Memo<BoltzmannSettings>) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let edit_data =
        move |f: Box<dyn FnOnce(&mut Dataset)>| edit(lesson, settings, move |s| f(&mut s.data));
    let table = move || {
        let d = settings.with(|s| s.data.clone());
        view! {
            <table class="data" data-testid="data-table">
                <thead><tr>
                    <th>{tr(lang.get(), "rbm.data.user")}</th>
                    {d.movies.iter().map(|m| view! { <th>{m.clone()}</th> }).collect_view()}
                    <th></th>
                </tr></thead>
                <tbody>
                    {d.users.iter().enumerate().map(|(u, (name, ratings))| view! {
                        <tr>
                            <td>{name.clone()}</td>
                            {ratings.iter().enumerate().map(|(i, &r)| view! {
                                <td class="cell"><input type="checkbox" prop:checked=r == 1 data-testid=format!("cell-{u}-{i}")
                                    aria-label=format!("user {} movie {}", u + 1, i + 1)
                                    on:change=move |_| edit_data(Box::new(move |d: &mut Dataset| d.users[u].1[i] ^= 1)) /></td>
                            }).collect_view()}
                            <td><button class="small" data-testid=format!("remove-user-{u}") title="remove"
                                on:click=move |_| edit_data(Box::new(move |d: &mut Dataset| { d.users.remove(u); }))>"✕"</button></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <section class="data-editor">
            <h3>{t("boltzmann.data.title")}</h3>
            <p class="hint">{t("boltzmann.data.hint")}</p>
            {table}
            <div class="toolbar">
                <button data-testid="add-user" on:click=move |_| edit_data(Box::new(|d: &mut Dataset| {
                    let n = d.users.len() + 1;
                    let dd = d.d();
                    d.users.push((format!("User {n}"), vec![0; dd]));
                }))>{t("rbm.data.add")}</button>
                <button data-testid="reset-data" on:click=move |_| edit_data(Box::new(|d: &mut Dataset| *d = Dataset::default()))>
                    {t("rbm.data.reset")}</button>
            </div>
        </section>
    }
}

/// The clicked points as text ("x,y; x,y"), editable from the keyboard, and a button back to
/// the toy set.
#[component]
pub(super) fn Points(lesson: Lesson, settings: Memo<BoltzmannSettings>) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let text = move || {
        settings.with(|s| {
            s.points
                .iter()
                .map(|p| format!("{},{}", p.x, p.y))
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    let count = move || settings.with(|s| s.points.len());
    let on_change = move |e: leptos::ev::Event| {
        let raw = event_target_value(&e);
        // Sent as typed, for the worker's reader to take: what it cannot read is named in a
        // notice there. The points are the address's last key.
        let mut s = settings.get_untracked();
        s.points.clear();
        let query = to_query(&s);
        debug_assert!(query.ends_with("points="));
        lesson.update(format!("{query}{}", percent_encode(raw.trim())));
    };
    view! {
        <div class="toolbar">
            <label for="gb-points">{t("boltzmann.points.label")}" ("{count}" / "{MAX_CLICKED}")"</label>
            <input id="gb-points" type="text" data-testid="gb-points" prop:value=text
                placeholder="0.5,1; -1,0.2" on:change=on_change />
            <button data-testid="gb-clear" disabled=move || count() == 0
                on:click=move |_| edit(lesson, settings, |s| s.points.clear())>{t("boltzmann.points.clear")}</button>
        </div>
    }
}
