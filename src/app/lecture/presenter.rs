//! `#/presenter`: the lecturer's window. It finds the projector window over the channel and shows
//! the scene list, the note, the next scene, a clock, and the lesson's own controls (transport
//! and settings), built on a remote lesson: what the lecturer does here happens on the projector.

use std::rc::Rc;

use genlab_core::lecture::Lecture;
use genlab_core::lesson::LessonId;
use genlab_core::protocol::ToWorker;
use genlab_core::settings::ChoiceEnum;
use leptos::ev;
use leptos::prelude::*;

use super::channel::{Cast, Channel, ProjectorState};
use crate::app::controls::TransportBar;
use crate::app::lesson::Lesson;
use crate::i18n::{tr, tr_with, Lang};

#[derive(Clone, Debug, PartialEq)]
struct Showing {
    id: String,
    lecture: Lecture,
    scene: usize,
}

fn clock_text(ms: f64) -> String {
    let s = (ms / 1000.0).max(0.0) as u64;
    format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

#[component]
pub fn PresenterPage() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let showing = RwSignal::new(None::<Showing>);
    let state = RwSignal::new(None::<ProjectorState>);
    let left = RwSignal::new(false);
    let seq = StoredValue::new(0u64);
    let channel = StoredValue::new_local(None::<Rc<Channel>>);
    channel.set_value(Channel::open(move |cast| match cast {
        Cast::Showing { id, lecture, scene } => {
            left.set(false);
            if let Some(l) = Lang::from_key(&lecture.lang) {
                lang.set(l);
            }
            showing.set(Some(Showing { id, lecture, scene }));
        }
        Cast::State(s) => {
            left.set(false);
            state.set(Some(*s));
        }
        Cast::Left => {
            left.set(true);
            showing.set(None);
            state.set(None);
        }
        _ => {}
    }));
    let post = move |c: Cast| {
        channel.with_value(|ch| {
            if let Some(ch) = ch {
                ch.post(&c);
            }
        })
    };
    post(Cast::Join);
    // A projector opened after this window (or reloaded) is found by asking again.
    let ask = {
        set_interval_with_handle(
            move || {
                if showing.get_untracked().is_none() {
                    post(Cast::Join)
                }
            },
            std::time::Duration::from_millis(1000),
        )
        .ok()
    };
    let started_at = js_sys::Date::now();
    let now = RwSignal::new(started_at);
    let clock = set_interval_with_handle(
        move || now.set(js_sys::Date::now()),
        std::time::Duration::from_millis(500),
    )
    .ok();
    let timer_from = RwSignal::new(started_at);
    on_cleanup(move || {
        if let Some(h) = ask {
            h.clear();
        }
        if let Some(h) = clock {
            h.clear();
        }
    });
    let send = post;
    // The scene last asked for: quick presses count from it, not from the scene shown.
    let requested = StoredValue::new(None::<usize>);
    let goto = move |n: usize| {
        let count = showing.with_untracked(|s| s.as_ref().map_or(0, |s| s.lecture.scenes.len()));
        if n < count {
            requested.set_value(Some(n));
            send(Cast::Goto { scene: n });
        }
    };
    let key_goto = goto;
    let key_send = send;
    let keys = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
        let typing = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        let Some(s) = showing.get_untracked() else {
            return;
        };
        let n = match requested.get_value() {
            Some(r) if r != s.scene => r,
            _ => s.scene,
        };
        match e.key().as_str() {
            "PageDown" => key_goto(n + 1),
            "PageUp" => key_goto(n.saturating_sub(1)),
            "ArrowRight" if !typing => key_goto(n + 1),
            "ArrowLeft" if !typing => key_goto(n.saturating_sub(1)),
            "b" | "B" | "." if !typing => key_send(Cast::Blank {
                on: !state.get_untracked().is_some_and(|s| s.blank),
            }),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || keys.remove());

    // The lesson's controls, on a lesson that lives in the projector window. Rebuilt when the
    // projector shows another lesson.
    let lesson_id = Memo::new(move |_| state.with(|s| s.as_ref().and_then(|s| s.lesson)));
    let remote = StoredValue::new_local(None::<Lesson>);
    let controls = {
        move || {
            let id: LessonId = lesson_id.get()?;
            let first = state.get_untracked()?.mirror;
            let lesson = Lesson::remote(
                id,
                &first,
                Rc::new(move |cmd: ToWorker| {
                    let n = seq.get_value() + 1;
                    seq.set_value(n);
                    post(Cast::Command { seq: n, cmd });
                }),
            );
            remote.set_value(Some(lesson));
            Some(view! {
                <div class="presenter-controls" data-testid="presenter-controls" data-lesson=id.key()>
                    <TransportBar lesson=lesson />
                    {crate::app::settings_panel_of(id)(lesson)}
                </div>
            })
        }
    };
    // The projector's state into the remote lesson; its settings only once this window's own
    // edits have been carried out (a late state must not put back what the lecturer moved).
    Effect::new(move |_| {
        let Some(s) = state.get() else { return };
        if let Some(lesson) = remote.get_value() {
            if Some(lesson.id) == s.lesson {
                lesson.mirror(&s.mirror, s.applied >= seq.get_value());
            }
        }
    });

    let scene_at =
        move |k: usize| showing.with(|s| s.as_ref().and_then(|s| s.lecture.scenes.get(k).cloned()));
    let current = move || showing.with(|s| s.as_ref().map(|s| s.scene));
    let goto_list = goto;
    let goto_prev = goto;
    let goto_next = goto;
    let send_blank = send;
    view! {
        <section class="presenter" data-testid="presenter">
            <header class="presenter-head">
                <strong data-testid="presenter-lecture">{move || showing.with(|s| s.as_ref().map(|s| s.lecture.title.clone()))
                    .unwrap_or_else(|| tr(lang.get(), "lecture.presenter").to_string())}</strong>
                <span class="clock" data-testid="presenter-clock">
                    {move || {
                        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(now.get()));
                        format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
                    }}
                </span>
                <span class="timer" data-testid="presenter-timer">
                    {t("lecture.elapsed")} " " {move || clock_text(now.get() - timer_from.get())}
                    " " <button class="small" on:click=move |_| timer_from.set(js_sys::Date::now())>{t("lecture.restart_timer")}</button>
                </span>
            </header>
            {move || (showing.get().is_none()).then(|| view! {
                <p class="banner notice" role="status" data-testid="presenter-waiting">
                    {tr(lang.get(), if left.get() { "lecture.projector_left" } else { "lecture.waiting" })}
                </p>
            })}
            {move || showing.get().map(|s| {
                let n = s.scene;
                let count = s.lecture.scenes.len();
                let scene = s.lecture.scenes.get(n).cloned();
                let next = s.lecture.scenes.get(n + 1).cloned();
                view! {
                    <div class="presenter-now">
                        <div class="presenter-nav">
                            <button data-testid="presenter-prev" disabled={n == 0} on:click=move |_| goto_prev(n.saturating_sub(1))>"◀"</button>
                            <span data-testid="presenter-number">{format!("{} / {}", n + 1, count)}</span>
                            <button data-testid="presenter-next" disabled={n + 1 >= count} on:click=move |_| goto_next(n + 1)>"▶"</button>
                            <button data-testid="presenter-blank" on:click=move |_| send_blank(Cast::Blank {
                                on: !state.get_untracked().is_some_and(|s| s.blank),
                            })>{move || tr(lang.get(), if state.with(|s| s.as_ref().is_some_and(|s| s.blank)) { "lecture.unblank" } else { "lecture.blank" })}</button>
                        </div>
                        <h2 data-testid="presenter-title">{scene.as_ref().map(|s| s.title.clone())}</h2>
                        <p class="slide">{scene.as_ref().map(|s| s.slide.clone())}</p>
                        <p class="presenter-note" data-testid="presenter-note">{scene.as_ref().map(|s| s.note.clone())}</p>
                        <p data-testid="presenter-status">{move || state.with(|st| match st.as_ref().and_then(|st| st.preparing.map(|p| (p, st.mirror.step))) {
                            Some((target, done)) => tr_with(lang.get(), "lecture.preparing", &[
                                ("done", &super::fmt_count(done, lang.get())), ("total", &super::fmt_count(target, lang.get())),
                            ]),
                            None => tr(lang.get(), "lecture.ready").to_string(),
                        })}</p>
                        <p class="presenter-next-scene" data-testid="presenter-next-scene">
                            <strong>{tr(lang.get(), "lecture.next_scene")} ": "</strong>
                            {next.map(|x| format!("{} — {}", x.title, x.slide)).unwrap_or_else(|| tr(lang.get(), "lecture.last_scene").to_string())}
                        </p>
                    </div>
                }
            })}
            {controls}
            <ol class="presenter-scenes" data-testid="presenter-scenes">
                {move || {
                    let count = showing.with(|s| s.as_ref().map_or(0, |s| s.lecture.scenes.len()));
                    (0..count).map(|k| {
                        let s = scene_at(k);
                        view! {
                            <li class:current=move || current() == Some(k)>
                                <button class="link" on:click=move |_| goto_list(k)>
                                    {s.as_ref().map(|s| s.title.clone())}
                                </button>
                                " " <span class="slide">{s.map(|s| s.slide)}</span>
                            </li>
                        }
                    }).collect_view()
                }}
            </ol>
        </section>
    }
}
