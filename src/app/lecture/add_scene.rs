//! "Add this state as a scene": from any lesson, the settings, speed and step now on screen go
//! to the end of one of the lecturer's lectures (or a new one).

use genlab_core::lecture::{Lecture, Scene, MAX_SCENES};
use genlab_core::settings::ChoiceEnum;
use leptos::prelude::*;

use super::store::{self, Saved};
use crate::app::lesson::Lesson;
use crate::i18n::{message, tr, tr_with, Lang};
use crate::route::Route;

const NEW: &str = "new";

/// Whether the lesson's theory panel is open: the scene then opens it too.
fn theory_open() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("details[data-testid=\"theory\"]")
                .ok()
                .flatten()
        })
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlDetailsElement>(el).ok())
        .is_some_and(|d| d.open())
}

#[component]
pub fn AddScene(
    /// The lesson whose state becomes the scene.
    lesson: Lesson,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let route = expect_context::<RwSignal<Route>>();
    let open = RwSignal::new(false);
    // Read when the panel opens, so lectures authored in another tab are listed.
    let lectures = RwSignal::new(Vec::<Saved>::new());
    let target = RwSignal::new(NEW.to_string());
    let title = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<String, String>>);
    let key = lesson.id.key();
    let add = move |_| {
        let l = lang.get_untracked();
        let scene = Scene {
            title: match title.get_untracked().trim() {
                "" => tr(l, &format!("lesson.{key}.title")).to_string(),
                t => t.to_string(),
            },
            slide: String::new(),
            note: String::new(),
            lesson: key.to_string(),
            settings: lesson.query.get_untracked(),
            speed: route.with_untracked(|r| r.speed),
            step: lesson.step.get_untracked(),
            focus: theory_open().then(|| "theory".to_string()),
        };
        let (mut all, _) = store::load();
        let chosen = target.get_untracked();
        let at = all.iter().position(|s| s.id == chosen);
        let (id, n, name) = match at {
            Some(i) if all[i].lecture.scenes.len() >= MAX_SCENES => {
                result.set(Some(Err(tr_with(
                    l,
                    "lecture.full",
                    &[("max", &MAX_SCENES.to_string())],
                ))));
                return;
            }
            Some(i) => {
                all[i].lecture.scenes.push(scene);
                (
                    all[i].id.clone(),
                    all[i].lecture.scenes.len(),
                    all[i].lecture.title.clone(),
                )
            }
            None => {
                let lecture = Lecture {
                    title: tr(l, "lecture.untitled").to_string(),
                    lang: l.key().to_string(),
                    deck: None,
                    scenes: vec![scene],
                };
                let id = store::new_id();
                let name = lecture.title.clone();
                all.push(Saved {
                    id: id.clone(),
                    lecture,
                });
                (id, 1, name)
            }
        };
        match store::save(&all) {
            Ok(()) => {
                target.set(id);
                lectures.set(all);
                result.set(Some(Ok(tr_with(
                    l,
                    "lecture.added",
                    &[("n", &n.to_string()), ("title", &name)],
                ))));
            }
            Err(m) => result.set(Some(Err(message(l, &m)))),
        }
    };
    view! {
        // `open` drives the element too: a page built where another lesson's stood must not
        // inherit its open panel.
        <details class="add-scene" data-testid="add-scene" prop:open=move || open.get()
            on:toggle=move |e| {
                let now = crate::charts::details_open(&e);
                open.set(now);
                if now {
                    let all = store::load().0;
                    if !all.iter().any(|s| s.id == target.get_untracked()) {
                        target.set(all.last().map(|s| s.id.clone()).unwrap_or_else(|| NEW.into()));
                    }
                    lectures.set(all);
                    result.set(None);
                }
            }>
            <summary>{move || tr(lang.get(), "lecture.add_scene")}</summary>
            {move || open.get().then(|| view! {
                <div class="add-scene-form">
                    <label>{move || tr(lang.get(), "lecture.to_lecture")} " "
                        <select data-testid="add-scene-lecture" on:change=move |e| target.set(event_target_value(&e))>
                            {move || lectures.get().into_iter().map(|s| {
                                let id = s.id.clone();
                                let selected = target.get() == id;
                                view! { <option value=id selected=selected>{s.lecture.title.clone()}</option> }
                            }).collect_view()}
                            <option value=NEW selected=move || target.get() == NEW>{move || tr(lang.get(), "lecture.new_lecture")}</option>
                        </select>
                    </label>
                    <label>{move || tr(lang.get(), "lecture.scene_title")} " "
                        <input type="text" data-testid="add-scene-title" maxlength="200"
                            placeholder=move || tr(lang.get(), &format!("lesson.{key}.title"))
                            prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e)) />
                    </label>
                    <button data-testid="add-scene-go" on:click=add>{move || tr(lang.get(), "lecture.add")}</button>
                    <span class="hint">{move || tr_with(lang.get(), "lecture.add_what", &[("step", &lesson.step.get().to_string())])}</span>
                    {move || result.get().map(|r| match r {
                        Ok(text) => view! { <p class="banner notice" role="status" data-testid="add-scene-done">{text} " " <a href="#/lecture">{tr(lang.get(), "lecture.open_lectures")}</a></p> }.into_any(),
                        Err(text) => view! { <p class="banner error" role="alert" data-testid="add-scene-error">{text}</p> }.into_any(),
                    })}
                </div>
            })}
        </details>
    }
}
