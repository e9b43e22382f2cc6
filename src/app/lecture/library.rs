//! `#/lecture`: the built-in lectures (one per deck) and the lecturer's own — present one, edit
//! its scenes (title, note, step, order), export it as a file, import one, share one as a link.
//! A file or link that does not check out is refused with its reason and changes nothing.

use genlab_core::lecture::{builtin, scene_health, Lecture, SceneHealth, MAX_NOTE, MAX_STEP};
use genlab_core::lesson::LessonId;
use genlab_core::msg::Msg;
use genlab_core::settings::ChoiceEnum;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::scene_hash;
use super::store::{self, Saved};
use crate::i18n::{message, tr, tr_with, Lang};
use crate::route::Route;

/// What the last import, link or save did.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Added { title: String, fresh: bool },
    Refused(Msg),
    NotSaved(Msg),
}

fn present(route: RwSignal<Route>, id: &str, lecture: &Lecture) {
    let hash = scene_hash(&route.get_untracked(), id, lecture, 0, true);
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&hash);
    }
}

fn lang_name(key: &str) -> &'static str {
    match key {
        "pl" => "Polski",
        "ru" => "Русский",
        _ => "English",
    }
}

#[component]
pub fn LecturesPage() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let route = expect_context::<RwSignal<Route>>();
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let (initial, problem) = store::load();
    let mine = RwSignal::new(initial);
    let storage_problem = RwSignal::new(problem);
    let outcome = RwSignal::new(None::<Outcome>);

    // Every edit goes through here: applied to a copy, checked, saved, then shown. A change the
    // file format would refuse (or the browser cannot store) is not taken.
    let commit = move |edit: Box<dyn FnOnce(&mut Vec<Saved>)>| {
        let mut all = mine.get_untracked();
        edit(&mut all);
        if let Some(m) = all.iter().find_map(|s| s.lecture.validate().err()) {
            outcome.set(Some(Outcome::NotSaved(m)));
            mine.set(mine.get_untracked());
            return;
        }
        match store::save(&all) {
            Ok(()) => {
                mine.set(all);
                // A refusal that this edit mended goes away.
                if matches!(outcome.get_untracked(), Some(Outcome::NotSaved(_))) {
                    outcome.set(None);
                }
            }
            Err(m) => outcome.set(Some(Outcome::NotSaved(m))),
        }
    };

    let take = move |result: Result<Lecture, Msg>| match result {
        Ok(lecture) => {
            let title = lecture.title.clone();
            match store::add_once(lecture) {
                Ok((_, fresh)) => {
                    mine.set(store::load().0);
                    outcome.set(Some(Outcome::Added { title, fresh }));
                }
                Err(m) => outcome.set(Some(Outcome::NotSaved(m))),
            }
        }
        Err(m) => outcome.set(Some(Outcome::Refused(m))),
    };

    // A shared link: taken once, then the address forgets it (a reload adds nothing).
    if let Some(data) = route.with_untracked(|r| r.share.clone()) {
        take(Lecture::from_link_data(&data));
        route.update(|r| r.share = None);
    }

    let import = move |e: leptos::ev::Event| {
        crate::app::controls::read_chosen_file(e, move |text| match text {
            Some(text) => take(Lecture::parse(&text)),
            None => outcome.set(Some(Outcome::Refused(genlab_core::msg!(
                "msg.lecture.damaged",
                "the browser could not read the file"
            )))),
        })
    };

    let builtins = builtin::all();
    let ids = move || mine.with(|m| m.iter().map(|s| s.id.clone()).collect::<Vec<_>>());
    view! {
        <section class="lectures" data-testid="lectures">
            <h1>{t("lecture.page_title")}</h1>
            <p class="explain">{t("lecture.page_explain")}</p>
            {move || storage_problem.get().map(|m| view! {
                <p class="banner error" role="alert" data-testid="storage-error">{message(lang.get(), &m)}</p>
            })}
            {move || outcome.get().map(|o| match o {
                Outcome::Added { title, fresh } => view! {
                    <p class="banner notice" role="status" data-testid="lecture-added">
                        {tr_with(lang.get(), if fresh { "lecture.imported" } else { "lecture.already_kept" }, &[("title", &title)])}
                    </p>
                }.into_any(),
                Outcome::Refused(m) => view! {
                    <p class="banner error" role="alert" data-testid="lecture-refused">
                        <strong>{tr(lang.get(), "lecture.refused")}</strong> ": " {message(lang.get(), &m)} ". " {tr(lang.get(), "lecture.unchanged")}
                    </p>
                }.into_any(),
                Outcome::NotSaved(m) => view! {
                    <p class="banner error" role="alert" data-testid="lecture-not-saved">
                        <strong>{tr(lang.get(), "lecture.not_saved")}</strong> ": " {message(lang.get(), &m)}
                    </p>
                }.into_any(),
            })}

            <h2>{t("lecture.builtin")}</h2>
            <ul class="lecture-list">
                {builtins.into_iter().map(|(id, lecture)| {
                    let l2 = lecture.clone();
                    let l3 = lecture.clone();
                    let count = lecture.scenes.len();
                    view! {
                        <li class="lecture-card" data-testid=format!("lecture-{id}")>
                            <h3>{lecture.title.clone()}</h3>
                            <p class="meta">{move || tr_with(lang.get(), "lecture.meta", &[
                                ("deck", id), ("lang", lang_name(&l3.lang)), ("n", &count.to_string()),
                            ])}</p>
                            <button class="primary" data-testid=format!("present-{id}")
                                on:click=move |_| present(route, id, &l2)>{t("lecture.present")}</button>
                            <button data-testid=format!("copy-{id}") on:click={
                                let l = lecture.clone();
                                move |_| {
                                    let mut copy = l.clone();
                                    copy.title = tr_with(lang.get_untracked(), "lecture.copy_of", &[("title", &l.title)]);
                                    let id = store::new_id();
                                    commit(Box::new(move |all| all.push(Saved { id, lecture: copy })));
                                }
                            }>{t("lecture.copy")}</button>
                            <details>
                                <summary>{t("lecture.scenes")}</summary>
                                <ol>{lecture.scenes.iter().map(|s| view! {
                                    <li><strong>{s.title.clone()}</strong> " — " <em>{s.slide.clone()}</em>
                                        " (" <a href=format!("#/{}?{}", s.lesson, s.settings)>{s.lesson.clone()}</a>
                                        {(s.step > 0).then(|| format!(", {} ", s.step))}
                                        {(s.step > 0).then(|| tr(lang.get_untracked(), "lecture.steps"))} ")"</li>
                                }).collect_view()}</ol>
                            </details>
                        </li>
                    }
                }).collect_view()}
            </ul>

            <h2>{t("lecture.mine")}</h2>
            <p class="hint">{t("lecture.mine_hint")}</p>
            <label class="button-like">
                {t("lecture.import")}
                <input type="file" accept=".json,application/json" data-testid="import-lecture" class="visually-hidden"
                    on:change=import />
            </label>
            {move || mine.with(|m| m.is_empty()).then(|| view! { <p class="hint" data-testid="no-lectures">{tr(lang.get(), "lecture.none")}</p> })}
            <ul class="lecture-list">
                <For each=ids key=|id: &String| id.clone() let(id)>
                    <MyLecture id=id mine=mine commit=commit />
                </For>
            </ul>
        </section>
    }
}

/// One authored lecture with its editor.
#[component]
fn MyLecture(
    id: String,
    mine: RwSignal<Vec<Saved>>,
    commit: impl Fn(Box<dyn FnOnce(&mut Vec<Saved>)>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let route = expect_context::<RwSignal<Route>>();
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let id = StoredValue::new(id);
    let lecture = Memo::new(move |_| {
        mine.with(|m| {
            m.iter()
                .find(|s| s.id == id.get_value())
                .map(|s| s.lecture.clone())
        })
    });
    let edit = move |f: Box<dyn FnOnce(&mut Lecture)>| {
        let me = id.get_value();
        commit(Box::new(move |all| {
            if let Some(s) = all.iter_mut().find(|s| s.id == me) {
                f(&mut s.lecture);
            }
        }));
    };
    let link = RwSignal::new(None::<String>);
    let confirm_delete = RwSignal::new(false);
    let step_note = RwSignal::new(None::<String>);
    let count = move || lecture.with(|l| l.as_ref().map_or(0, |l| l.scenes.len()));
    let scene_field = move |j: usize, f: fn(&genlab_core::lecture::Scene) -> String| {
        move || {
            lecture.with(|l| {
                l.as_ref()
                    .and_then(|l| l.scenes.get(j))
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    view! {
        <li class="lecture-card mine" data-testid=format!("my-{}", id.get_value())>
            <label class="lecture-title">{t("lecture.title")} " "
                <input type="text" maxlength="200" data-testid="my-title"
                    prop:value=move || lecture.with(|l| l.as_ref().map(|l| l.title.clone()).unwrap_or_default())
                    on:change=move |e| {
                        let v = event_target_value(&e);
                        edit(Box::new(move |l| l.title = v));
                    } />
            </label>
            <label>{t("lecture.language")} " "
                <select data-testid="my-lang" on:change=move |e| {
                    let v = event_target_value(&e);
                    edit(Box::new(move |l| l.lang = v));
                }>
                    {genlab_core::lecture::LANGS.iter().map(|&k| view! {
                        <option value=k selected=move || lecture.with(|l| l.as_ref().is_some_and(|l| l.lang == k))>{lang_name(k)}</option>
                    }).collect_view()}
                </select>
            </label>
            <div class="lecture-buttons">
                <button class="primary" data-testid="my-present" disabled=move || count() == 0
                    on:click=move |_| if let Some(l) = lecture.get_untracked() { present(route, &id.get_value(), &l) }>
                    {t("lecture.present")}</button>
                <button data-testid="my-export" on:click=move |_| {
                    if let Some(l) = lecture.get_untracked() {
                        crate::charts::download_text(&l.file_name(), "application/json", &l.to_json());
                    }
                }>{t("lecture.export")}</button>
                <button data-testid="my-share" on:click=move |_| {
                    if let (Some(l), Some(w)) = (lecture.get_untracked(), web_sys::window()) {
                        let loc = w.location();
                        let base = format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default());
                        link.set(Some(format!("{base}#/lecture?share={}", l.to_link_data())));
                    }
                }>{t("lecture.share")}</button>
                <button class="danger" data-testid="my-delete" on:click=move |_| {
                    if confirm_delete.get_untracked() {
                        let me = id.get_value();
                        commit(Box::new(move |all| all.retain(|s| s.id != me)));
                    } else {
                        confirm_delete.set(true);
                    }
                }>{move || tr(lang.get(), if confirm_delete.get() { "lecture.delete_confirm" } else { "lecture.delete" })}</button>
            </div>
            {move || link.get().map(|url| view! {
                <p class="share-link">
                    <label>{tr(lang.get(), "lecture.link")} " "
                        <input type="text" readonly data-testid="my-link" prop:value=url.clone()
                            on:focus=move |e| {
                                if let Some(i) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { i.select() }
                            } />
                    </label>
                    " " {tr_with(lang.get(), "lecture.link_length", &[("n", &url.len().to_string())])}
                </p>
            })}
            {move || step_note.get().map(|n| view! { <p class="banner notice" role="status" data-testid="my-step-clamped">{n}</p> })}
            <table class="scenes">
                <thead><tr>
                    <th>"#"</th><th>{t("lecture.scene_title")}</th><th>{t("lecture.lesson")}</th>
                    <th>{t("lecture.step")}</th><th>{t("lecture.note")}</th><th></th>
                </tr></thead>
                <tbody>
                    <For each=move || 0..count() key=|j: &usize| *j children=move |j: usize| {
                        let health = move || lecture.with(|l| l.as_ref().and_then(|l| l.scenes.get(j)).map(scene_health));
                        let lesson_key = scene_field(j, |s| s.lesson.clone());
                        view! {
                            <tr data-testid="my-scene">
                                <td>{j + 1}</td>
                                <td><input type="text" maxlength="200" data-testid="my-scene-title"
                                    prop:value=scene_field(j, |s| s.title.clone())
                                    on:change=move |e| {
                                        let v = event_target_value(&e);
                                        edit(Box::new(move |l| if let Some(s) = l.scenes.get_mut(j) { s.title = v }));
                                    } />
                                    <input type="text" maxlength="200" data-testid="my-scene-slide" class="slide-input"
                                        aria-label=t("lecture.slide") placeholder=t("lecture.slide")
                                        prop:value=scene_field(j, |s| s.slide.clone())
                                        on:change=move |e| {
                                            let v = event_target_value(&e);
                                            edit(Box::new(move |l| if let Some(s) = l.scenes.get_mut(j) { s.slide = v }));
                                        } /></td>
                                <td>
                                    {move || {
                                        let key = lesson_key();
                                        let name = LessonId::from_key(&key).map(|_| tr(lang.get(), &format!("lesson.{key}.title")).to_string()).unwrap_or(key);
                                        name
                                    }}
                                    {move || match health() {
                                        Some(SceneHealth::Broken(m)) => Some(view! {
                                            <span class="badge broken" data-testid="scene-broken" title=message(lang.get(), &m)>
                                                {tr(lang.get(), "lecture.broken")} ": " {message(lang.get(), &m)}
                                            </span>
                                        }.into_any()),
                                        Some(SceneHealth::Adjusted(_)) => Some(view! {
                                            <span class="badge" data-testid="scene-adjusted-badge">{tr(lang.get(), "lecture.adjusted_short")}</span>
                                        }.into_any()),
                                        _ => None,
                                    }}
                                    <input type="text" maxlength="64" data-testid="my-scene-panel" class="panel-input"
                                        aria-label=t("lecture.panel") placeholder=t("lecture.panel_hint")
                                        prop:value=scene_field(j, |s| s.focus.clone().unwrap_or_default())
                                        on:change=move |e| {
                                            let v = event_target_value(&e).trim().to_string();
                                            edit(Box::new(move |l| if let Some(s) = l.scenes.get_mut(j) {
                                                s.focus = (!v.is_empty()).then_some(v);
                                            }));
                                        } />
                                </td>
                                <td><input type="number" min="0" max=MAX_STEP.to_string() step="100" data-testid="my-scene-step"
                                    prop:value=scene_field(j, |s| s.step.to_string())
                                    on:change=move |e| {
                                        let raw = event_target_value(&e);
                                        let given = raw.trim().parse::<f64>().unwrap_or(0.0);
                                        let used = if given.is_finite() { given.round().clamp(0.0, MAX_STEP as f64) as u64 } else { 0 };
                                        step_note.set((used as f64 != given).then(|| tr_with(lang.get_untracked(), "lecture.step_clamped", &[
                                            ("given", raw.trim()), ("used", &used.to_string()),
                                        ])));
                                        edit(Box::new(move |l| if let Some(s) = l.scenes.get_mut(j) { s.step = used }));
                                    } /></td>
                                <td><textarea maxlength=MAX_NOTE.to_string() rows="2" data-testid="my-scene-note"
                                    prop:value=scene_field(j, |s| s.note.clone())
                                    on:change=move |e| {
                                        let v = event_target_value(&e);
                                        edit(Box::new(move |l| if let Some(s) = l.scenes.get_mut(j) { s.note = v }));
                                    }></textarea></td>
                                <td class="row-buttons">
                                    <button data-testid="my-scene-up" disabled=move || j == 0 title=t("lecture.up")
                                        on:click=move |_| edit(Box::new(move |l| if j > 0 && j < l.scenes.len() { l.scenes.swap(j - 1, j) }))>"↑"</button>
                                    <button data-testid="my-scene-down" disabled={move || j + 1 >= count()} title=t("lecture.down")
                                        on:click=move |_| edit(Box::new(move |l| if j + 1 < l.scenes.len() { l.scenes.swap(j, j + 1) }))>"↓"</button>
                                    <button data-testid="my-scene-delete" title=t("lecture.remove") disabled={move || count() <= 1}
                                        on:click=move |_| edit(Box::new(move |l| if l.scenes.len() > 1 && j < l.scenes.len() { l.scenes.remove(j); }))>"✕"</button>
                                </td>
                            </tr>
                        }
                    } />
                </tbody>
            </table>
        </li>
    }
}
