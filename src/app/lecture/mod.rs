//! Lecture mode: the address names a lecture and a scene (`&lecture=000&scene=3`); the page then
//! shows the lesson in that scene's state — run to its step fast in the worker, its panel open —
//! in a charts-only projector view under a bar with the scene's title. A clicker's keys move
//! between scenes; a presenter window (same browser, kept in step over a `BroadcastChannel`)
//! drives the projector window.

mod add_scene;
pub(crate) mod channel;
mod library;
mod presenter;
mod store;

use std::rc::Rc;

use genlab_core::lecture::{builtin, scene_health, Lecture, Scene, SceneHealth};
use genlab_core::lesson::LessonId;
use genlab_core::msg;
use genlab_core::msg::Msg;
use genlab_core::protocol::ToWorker;
use genlab_core::settings::ChoiceEnum;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use add_scene::AddScene;
pub use library::LecturesPage;
pub use presenter::PresenterPage;

use super::lesson::Lesson;
use crate::app::controls::notice_text;
use crate::i18n::{message, tr, tr_with, Lang};
use crate::route::{format_hash, Route};
use channel::{Cast, Channel, ProjectorState};

/// A lecture by id: built in (`000`…`004`) or authored in this browser.
pub fn load(id: &str) -> Result<Lecture, Msg> {
    if let Some(l) = builtin::by_id(id) {
        return Ok(l);
    }
    store::find(id).ok_or_else(|| msg!("msg.lecture.not_found", id.to_string()))
}

/// The run-to in progress: the step it goes to, and the speed the scene plays at afterwards.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prep {
    pub target: u64,
    pub speed_after: f64,
}

/// Lecture mode, for the page (provided by the app when the address names a lecture).
#[derive(Clone, Copy)]
pub struct LectureMode {
    route: RwSignal<Route>,
    pub id: Memo<Option<String>>,
    pub lecture: Memo<Option<Result<Lecture, Msg>>>,
    pub scene: Memo<usize>,
    pub preparing: RwSignal<Option<Prep>>,
    pub blank: RwSignal<bool>,
    /// The lesson on screen (set while a lesson page is mounted).
    pub current: RwSignal<Option<Lesson>>,
    /// The last presenter command carried out.
    applied: StoredValue<u64>,
    /// The scene asked for whose address has not arrived yet: three quick PageDowns go three
    /// scenes on, not one.
    requested: StoredValue<Option<usize>>,
    /// The last scene prepared: its settings as the lecture writes them, and the lesson's
    /// settings once it was ready. A next scene with the same settings continues that run
    /// instead of training it again from step 0 — unless the lecturer changed something.
    prepared: StoredValue<Option<(String, String)>>,
}

impl LectureMode {
    pub fn new(route: RwSignal<Route>) -> LectureMode {
        let id = Memo::new(move |_| route.with(|r| r.lecture.clone()));
        let requested = StoredValue::new(None);
        // A request is spent once its scene (or another lecture) is shown.
        Effect::new(move |_| {
            let _ = id.get();
            let _ = route.with(|r| r.scene);
            requested.set_value(None);
        });
        LectureMode {
            route,
            id,
            lecture: Memo::new(move |_| id.get().map(|id| load(&id))),
            scene: Memo::new(move |_| route.with(|r| r.scene)),
            preparing: RwSignal::new(None),
            blank: RwSignal::new(false),
            current: RwSignal::new(None),
            applied: StoredValue::new(0),
            requested,
            prepared: StoredValue::new(None),
        }
    }

    pub fn active(self) -> bool {
        self.id.with(|i| i.is_some())
    }

    fn scene_now(self) -> Option<Scene> {
        let n = self.scene.get_untracked();
        self.lecture
            .with_untracked(|l| l.as_ref()?.as_ref().ok()?.scenes.get(n).cloned())
    }

    /// The scene the next "next" or "previous" counts from.
    fn heading_to(self) -> usize {
        let now = self.scene.get_untracked();
        match self.requested.get_value() {
            Some(r) if r != now => r,
            _ => now,
        }
    }

    fn count(self) -> usize {
        self.lecture.with(|l| {
            l.as_ref()
                .and_then(|l| l.as_ref().ok())
                .map_or(0, |l| l.scenes.len())
        })
    }
}

/// A step count as the reader writes it: 150,000 in English, 150 000 in Polish and Russian.
pub fn fmt_count(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = if lang.decimal_comma() { '\u{a0}' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// The address of scene `n` of a lecture: its lesson and settings, the lecture keys, and the
/// current page's language and palette (the lecture's language when `presenting` starts).
pub fn scene_hash(
    route: &Route,
    id: &str,
    lecture: &Lecture,
    n: usize,
    presenting: bool,
) -> String {
    let scene = &lecture.scenes[n.min(lecture.scenes.len() - 1)];
    let lesson = LessonId::from_key(&scene.lesson).filter(|l| l.is_built());
    let r = Route {
        lesson,
        page: None,
        lecture: Some(id.to_string()),
        scene: n,
        share: None,
        // A scene whose lesson is gone keeps no settings: the bar says why it is broken.
        query: if lesson.is_some() {
            scene.settings.clone()
        } else {
            String::new()
        },
        lang: if presenting {
            Lang::from_key(&lecture.lang)
        } else {
            route.lang
        },
        projector: presenting || route.projector,
        embed: None,
        speed: scene.speed,
        unknown: false,
        notices: vec![],
    };
    format_hash(&r)
}

/// Goes to scene `n` as a link would (the app takes the new address on `hashchange`).
fn goto(mode: LectureMode, n: usize) {
    let (Some(id), Some(Ok(lecture))) = (mode.id.get_untracked(), mode.lecture.get_untracked())
    else {
        return;
    };
    if n >= lecture.scenes.len() {
        return;
    }
    mode.requested.set_value(Some(n));
    let route = mode.route.get_untracked();
    let hash = scene_hash(&route, &id, &lecture, n, false);
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&hash);
    }
}

/// Leaves lecture mode: the lesson stays as it is, without the lecture's keys.
fn exit(mode: LectureMode) {
    mode.route.update(|r| {
        r.lecture = None;
        r.scene = 0;
    });
    mode.blank.set(false);
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        if d.fullscreen_element().is_some() {
            d.exit_fullscreen();
        }
    }
}

fn toggle_fullscreen() {
    let Some(d) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if d.fullscreen_element().is_some() {
        d.exit_fullscreen();
    } else if let Some(root) = d.document_element() {
        let _ = root.request_fullscreen();
    }
}

/// The address moved to another scene of the lesson on screen. The same run goes on when the
/// scene has the previous scene's settings, the lecturer changed none of them and the run is not
/// past the new step (a seeded run to step n is the same run however it got there); otherwise
/// the lesson restarts with the scene's settings. Then the scene is prepared.
pub fn arrive(lesson: Lesson, query: String, speed: f64) {
    let continues = use_context::<LectureMode>().is_some_and(|mode| {
        let Some(scene) = mode.scene_now() else {
            return false;
        };
        let same = mode
            .prepared
            .get_value()
            .is_some_and(|(settings, canonical)| {
                settings == scene.settings && canonical == lesson.query.get_untracked()
            });
        same && mode.preparing.get_untracked().is_none()
            && lesson.step.get_untracked() <= scene.step
            && lesson.diverged.get_untracked().is_none()
    });
    if continues {
        // The address keeps naming every setting, as the lesson has them.
        if let Some(mode) = use_context::<LectureMode>() {
            mode.route
                .update(|r| r.query = lesson.query.get_untracked());
        }
    } else {
        lesson.set_speed(speed);
        lesson.reset(Some(query));
    }
    prepare(lesson, continues);
}

/// Called when a lesson page mounts in lecture mode, and again when the address moves to another
/// scene of the same lesson ([`arrive`]): runs the scene to its step at full speed in the worker,
/// then plays at the scene's speed; opens its panel.
fn prepare(lesson: Lesson, continues: bool) {
    let Some(mode) = use_context::<LectureMode>() else {
        return;
    };
    let Some(scene) = mode.scene_now() else {
        return;
    };
    if scene.lesson != lesson.id.key() {
        return;
    }
    let speed_after = if scene.speed > 0.0 {
        scene.speed
    } else {
        lesson.id.default_speed()
    };
    lesson.reached.set(None);
    mode.prepared.set_value(None);
    let now = lesson.step.get_untracked();
    if scene.step == 0 || (continues && now == scene.step) {
        // Nothing to run (a fresh run at step 0, or a continued run already at its step).
        mode.preparing.set(None);
        lesson.set_speed(speed_after);
        mode.prepared
            .set_value(Some((scene.settings.clone(), lesson.query.get_untracked())));
    } else {
        mode.preparing.set(Some(Prep {
            target: scene.step,
            speed_after,
        }));
        lesson.set_speed(0.0);
        lesson.run_to(scene.step);
    }
    show_focus(scene.focus.clone(), 0);
}

/// Connects a mounted lesson page to lecture mode: prepares the scene once the worker has
/// started, and ends the preparation when the run-to arrives (or cannot).
pub fn attach(lesson: Lesson) {
    let Some(mode) = use_context::<LectureMode>() else {
        return;
    };
    mode.current.set(Some(lesson));
    on_cleanup(move || {
        if mode
            .current
            .try_get_untracked()
            .flatten()
            .is_some_and(|l| l.id == lesson.id)
        {
            mode.current.try_set(None);
        }
    });
    let prepared = StoredValue::new(false);
    Effect::new(move |_| {
        if lesson.started.get() && !prepared.get_value() && mode.active() {
            prepared.set_value(true);
            prepare(lesson, false);
        }
    });
    Effect::new(move |_| {
        let Some(p) = mode.preparing.get() else {
            return;
        };
        let reached = lesson.reached.get().is_some_and(|s| s >= p.target);
        let stopped = lesson.diverged.get().is_some()
            || lesson.failed.get().is_some()
            || lesson
                .rejected
                .get()
                .is_some_and(|(c, _)| c == "run_to" || c == "play");
        if reached || stopped {
            mode.preparing.set(None);
            if reached {
                lesson.set_speed(p.speed_after);
                if let Some(scene) = mode.scene_now() {
                    mode.prepared
                        .set_value(Some((scene.settings, lesson.query.get_untracked())));
                }
            }
        }
    });
}

/// Marks the element a scene shows (`data-testid`), opens it if it folds, and scrolls it into
/// view. Parts of a page are built a few frames after it mounts: look again for a while.
fn show_focus(testid: Option<String>, tries: u32) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if tries == 0 {
        while let Ok(Some(old)) = doc.query_selector(".scene-focus") {
            let _ = old.class_list().remove_1("scene-focus");
        }
    }
    let Some(id) = testid else {
        return;
    };
    match doc.query_selector(&format!("[data-testid=\"{id}\"]")) {
        Ok(Some(el)) => {
            let _ = el.class_list().add_1("scene-focus");
            if let Some(d) = el.dyn_ref::<web_sys::HtmlDetailsElement>() {
                d.set_open(true);
            }
            el.scroll_into_view_with_bool(false);
        }
        _ if tries < 60 => {
            set_timeout(
                move || show_focus(Some(id), tries + 1),
                std::time::Duration::from_millis(150),
            );
        }
        _ => {}
    }
}

/// Whether a key event comes from a place where → and ← move a caret or a slider.
fn typing(e: &ev::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
        .unwrap_or(false)
}

/// The lesson commands a presenter sends, carried out on this window's lesson.
fn carry_out(lesson: Lesson, cmd: ToWorker) {
    match cmd {
        ToWorker::Play => lesson.play(),
        ToWorker::Pause => lesson.pause(),
        ToWorker::Update { query } => lesson.update(query),
        ToWorker::Reset { query } => lesson.reset(query),
        ToWorker::SetSpeed { steps_per_sec } => lesson.set_speed(steps_per_sec),
        ToWorker::RunTo { step } => lesson.run_to(step),
        ToWorker::Step { count, part } => {
            for _ in 0..count.min(1000) {
                lesson.step_once(part);
            }
        }
        // Files, crashes and lost devices stay with the window that has them.
        _ => {}
    }
}

/// The bar above a lesson in lecture mode: scene n of N, its title and slide, the preparation's
/// progress, the way to the neighbours, the presenter window, and the keys: PageDown/PageUp (and
/// →/← outside inputs) next/previous, B blank, F full screen, Esc leave.
#[component]
pub fn LectureBar() -> impl IntoView {
    let mode = expect_context::<LectureMode>();
    let lang = expect_context::<RwSignal<Lang>>();
    let t = move |k: &'static str| move || tr(lang.get(), k);

    // The projector end of the presenter channel.
    let channel = StoredValue::new_local(None::<Rc<Channel>>);
    let showing = move || -> Option<Cast> {
        let id = mode.id.get()?;
        let lecture = mode.lecture.get()?.ok()?;
        Some(Cast::Showing {
            id,
            lecture,
            scene: mode.scene.get(),
        })
    };
    let state = move || -> Cast {
        let lesson = mode.current.get();
        Cast::State(Box::new(ProjectorState {
            lesson: lesson.map(|l| l.id),
            scene: mode.scene.get(),
            mirror: lesson
                .map(|l| l.snapshot_for_mirror())
                .unwrap_or_else(empty_mirror),
            preparing: mode.preparing.get().map(|p| p.target),
            blank: mode.blank.get(),
            applied: mode.applied.get_value(),
        }))
    };
    // Bumped to post the whole state again (a presenter joined, or its command was carried out
    // and it waits to see that in the state).
    let tick = RwSignal::new(0u32);
    channel.set_value(Channel::open(move |cast| match cast {
        Cast::Join => tick.update(|x| *x += 1),
        Cast::Goto { scene } => goto(mode, scene),
        Cast::Blank { on } => mode.blank.set(on),
        Cast::Command { seq, cmd } => {
            mode.applied.set_value(seq.max(mode.applied.get_value()));
            if let Some(lesson) = mode.current.get_untracked() {
                carry_out(lesson, cmd);
            }
            tick.update(|x| *x += 1);
        }
        _ => {}
    }));
    let post = move |c: &Cast| {
        channel.with_value(|ch| {
            if let Some(ch) = ch {
                ch.post(c);
            }
        })
    };
    Effect::new(move |_| {
        tick.track();
        if let Some(s) = showing() {
            post(&s);
        }
    });
    Effect::new(move |_| {
        tick.track();
        post(&state());
    });
    on_cleanup(move || {
        if let Some(Some(ch)) = channel.try_update_value(|c| c.take()) {
            ch.post(&Cast::Left);
        }
    });

    let keys = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let n = mode.heading_to();
        match e.key().as_str() {
            "PageDown" => {
                e.prevent_default();
                goto(mode, n + 1);
            }
            "PageUp" => {
                e.prevent_default();
                goto(mode, n.saturating_sub(1));
            }
            "ArrowRight" if !typing(&e) => {
                e.prevent_default();
                goto(mode, n + 1);
            }
            "ArrowLeft" if !typing(&e) => {
                e.prevent_default();
                goto(mode, n.saturating_sub(1));
            }
            // Clickers send B or "." for a black screen (the presentation programs' keys).
            "b" | "B" | "." if !typing(&e) => mode.blank.update(|b| *b = !*b),
            "f" | "F" if !typing(&e) => toggle_fullscreen(),
            "Escape" => {
                if mode.blank.get_untracked() {
                    mode.blank.set(false);
                } else {
                    exit(mode);
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let scene = move || {
        let n = mode.scene.get();
        mode.lecture
            .with(|l| l.as_ref()?.as_ref().ok()?.scenes.get(n).cloned())
    };
    let status = move || {
        let l = lang.get();
        if let Some(Err(m)) = mode.lecture.get() {
            return view! { <span class="error" data-testid="scene-status" data-state="error">{message(l, &m)}</span> }.into_any();
        }
        let Some(s) = scene() else {
            let text = tr_with(
                l,
                "lecture.no_scene",
                &[
                    ("n", &(mode.scene.get() + 1).to_string()),
                    ("count", &mode.count().to_string()),
                ],
            );
            return view! { <span class="error" data-testid="scene-status" data-state="none">{text}</span> }.into_any();
        };
        match scene_health(&s) {
            SceneHealth::Broken(m) => {
                return view! {
                    <span class="error" data-testid="scene-status" data-state="broken">
                        {tr(l, "lecture.broken")} ": " {message(l, &m)}
                    </span>
                }
                .into_any()
            }
            SceneHealth::Adjusted(_) | SceneHealth::Ok => {}
        }
        match mode.preparing.get() {
            Some(p) => {
                let done = mode.current.get().map_or(0, |l| l.step.get());
                let text = tr_with(l, "lecture.preparing", &[
                    ("done", &fmt_count(done, l)),
                    ("total", &fmt_count(p.target, l)),
                ]);
                view! {
                    <span data-testid="scene-status" data-state="preparing">
                        {text} " " <progress max=p.target as f64 value=done as f64></progress>
                    </span>
                }
                .into_any()
            }
            None => view! { <span data-testid="scene-status" data-state="ready">{tr(l, "lecture.ready")}</span> }.into_any(),
        }
    };
    let open_presenter = move |_| {
        if let Some(w) = web_sys::window() {
            let path = w.location().pathname().unwrap_or_default();
            let _ = w.open_with_url_and_target_and_features(
                &format!("{path}#/presenter"),
                "genlab-presenter",
                "popup,width=1200,height=850",
            );
        }
    };
    let playing = move || mode.current.get().is_some_and(|l| l.running.get());
    let n = move || mode.scene.get();
    let count = move || mode.count();
    view! {
        <div class="lecture-bar" role="navigation" aria-label=t("lecture.bar") data-testid="lecture-bar"
            data-scene=move || n().to_string() data-count=move || count().to_string()
            data-preparing=move || mode.preparing.get().is_some().to_string()>
            <button data-testid="scene-prev" on:click=move |_| goto(mode, n().saturating_sub(1))
                disabled=move || n() == 0 title=t("lecture.prev")>"◀"</button>
            <span class="scene-number" data-testid="scene-number">{move || format!("{} / {}", n() + 1, count())}</span>
            <span class="scene-title">
                <strong data-testid="scene-title">{move || scene().map(|s| s.title).unwrap_or_default()}</strong>
                <span class="slide" data-testid="scene-slide">{move || scene().map(|s| s.slide).unwrap_or_default()}</span>
            </span>
            <button data-testid="scene-next" on:click=move |_| goto(mode, n() + 1)
                disabled={move || n() + 1 >= count()} title=t("lecture.next")>"▶"</button>
            {status}
            <span class="lecture-actions">
                <button data-testid="lecture-play" disabled=move || mode.current.get().is_none() || mode.preparing.get().is_some()
                    on:click=move |_| if let Some(l) = mode.current.get_untracked() { l.toggle() }>
                    {move || tr(lang.get(), if playing() { "transport.pause" } else { "transport.play" })}
                </button>
                <button data-testid="open-presenter" on:click=open_presenter>{t("lecture.presenter")}</button>
                <button data-testid="lecture-fullscreen" on:click=move |_| toggle_fullscreen() title="F">{t("lecture.fullscreen")}</button>
                <button data-testid="lecture-blank" on:click=move |_| mode.blank.set(true) title="B">{t("lecture.blank")}</button>
                <button data-testid="lecture-exit" on:click=move |_| exit(mode) title="Esc">{t("lecture.exit")}</button>
            </span>
            <span class="keys">{t("lecture.keys")}</span>
        </div>
        {move || scene().and_then(|s| match scene_health(&s) {
            SceneHealth::Adjusted(notices) => Some(view! {
                <div class="banner notice" role="status" data-testid="scene-adjusted">
                    {tr(lang.get(), "lecture.adjusted")}
                    <ul>{notices.iter().map(|x| view! { <li>{notice_text(x, lang.get())}</li> }).collect_view()}</ul>
                </div>
            }),
            _ => None,
        })}
        <div class="blank-screen" data-testid="blank" hidden=move || !mode.blank.get()
            on:click=move |_| mode.blank.set(false)></div>
    }
}

fn empty_mirror() -> super::lesson::Mirror {
    super::lesson::Mirror {
        query: String::new(),
        step: 0,
        running: false,
        started: false,
        speed: 0.0,
        rate: 0.0,
        notices: vec![],
        diverged: None,
    }
}
