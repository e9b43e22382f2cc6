//! The page: header, landing page and one route per lesson. The address holds the whole state
//! (see [`crate::route`]); the page rewrites it as controls change, without reloading.

mod autoencoders;
mod boltzmann;
pub(crate) mod controls;
mod cvae;
mod dbn;
mod device;
mod frame;
mod gan;
mod langevin;
mod latent;
mod lecture;
mod lesson;
mod likelihood;
mod link;
mod plots;
mod rbm;
mod rbm_mnist;
mod staged;
mod theory;
mod transport;
mod vae;
mod wae;

use genlab_core::lesson::LessonId;
use genlab_core::settings::ChoiceEnum;
use leptos::ev;
use leptos::prelude::*;

use crate::charts::{Projector, ResizeTick};
use crate::i18n::{tr, Lang};
use crate::route::{format_hash, parse_hash, AppPage, Route};
use lesson::Lesson;

pub fn start() {
    console_error_panic_hook::set_once();
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
    register_service_worker();
    // For scripts/soak.mjs: the page's wasm memory, to watch for growth over a long run.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"genlabWasmMemory".into(), &wasm_bindgen::memory());
    }
}

/// After the first visit the app works offline (see assets/sw.js). Browsers without service
/// workers, or a page not served over http(s), simply go without.
fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        let navigator = window.navigator();
        let supported = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
        if supported {
            let _ = navigator.service_worker().register("./sw.js");
        }
    }
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

thread_local! {
    /// The address as the page last wrote or took it. Anything else in the location bar came
    /// from outside (a link, a pasted bookmark, the back button) and its `hashchange` is on its
    /// way: until that arrives the page must not write, or a late worker reply would put the old
    /// lesson back over the one the user asked for.
    static LAST_SEEN_HASH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Takes the current address as the page's own (at start and on every `hashchange`).
fn take_current_hash() -> String {
    let hash = current_hash();
    LAST_SEEN_HASH.with(|h| h.replace(hash.clone()));
    hash
}

fn write_hash(hash: &str) {
    let Some(w) = web_sys::window() else { return };
    let current = w.location().hash().unwrap_or_default();
    if LAST_SEEN_HASH.with(|h| *h.borrow() != current) {
        return;
    }
    if current != hash {
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
        }
        // Read back: the browser may escape what was written.
        take_current_hash();
    }
}

/// Embed mode (`embed=` in the address): the settings a slide shows, `None` outside embed mode.
/// Fixed for the page's life: an embedded frame is not navigated.
#[derive(Clone, Debug, PartialEq)]
pub struct Embed(pub Option<Vec<String>>);

/// Bumped when the user navigates to a different state of the same lesson (a pasted bookmark,
/// the back button): the lesson restarts from the address.
#[derive(Clone, Copy)]
struct ExternalNav(RwSignal<u32>);

#[component]
fn App() -> impl IntoView {
    let route = RwSignal::new(parse_hash(&take_current_hash()));
    // The address's language if it names one, else the browser's, else English.
    let browser_lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .and_then(|tag| Lang::from_browser(&tag))
        .unwrap_or(Lang::En);
    let chosen_lang = RwSignal::new(route.get_untracked().lang);
    let lang = RwSignal::new(route.get_untracked().lang.unwrap_or(browser_lang));
    let projector = RwSignal::new(route.get_untracked().projector);
    let embed = Embed(route.get_untracked().embed);
    let embedded = embed.0.is_some();
    provide_context(embed);
    let resize = RwSignal::new(0u32);
    let external = RwSignal::new(0u32);
    provide_context(lang);
    provide_context(Projector(projector));
    provide_context(ResizeTick(resize));
    provide_context(ExternalNav(external));
    provide_context(route);
    let lecture_mode = lecture::LectureMode::new(route);
    provide_context(lecture_mode);
    let page = Memo::new(move |_| route.with(|r| r.page));
    let in_lecture = Memo::new(move |_| lecture_mode.active() && page.get().is_none());

    let hash_handle = window_event_listener(ev::hashchange, move |_| {
        let new = parse_hash(&take_current_hash());
        let old = route.get_untracked();
        projector.set(new.projector);
        chosen_lang.set(new.lang);
        lang.set(new.lang.unwrap_or(browser_lang));
        // Another scene of a lecture on the same lesson is a new state too, even with the same
        // settings (it runs to another step).
        let other_scene =
            new.lecture.is_some() && (new.scene, &new.lecture) != (old.scene, &old.lecture);
        if new.lesson == old.lesson
            && new.lesson.is_some()
            && (new.query != old.query || other_scene)
        {
            route.set(new);
            external.update(|n| *n += 1);
        } else if new != old {
            route.set(new);
        }
    });
    let resize_handle = window_event_listener(ev::resize, move |_| resize.update(|n| *n += 1));
    on_cleanup(move || {
        hash_handle.remove();
        resize_handle.remove();
    });
    // The address follows the state.
    Effect::new(move |_| {
        let mut r = route.get();
        r.projector = projector.get();
        r.lang = chosen_lang.get();
        write_hash(&format_hash(&r));
    });
    Effect::new(move |_| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.get().key());
        }
    });
    Effect::new(move |_| {
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body
                .class_list()
                .toggle_with_force("projector", projector.get());
            let _ = body.class_list().toggle_with_force("embed", embedded);
            let _ = body
                .class_list()
                .toggle_with_force("lecture", in_lecture.get());
            let _ = body
                .class_list()
                .toggle_with_force("presenter-window", page.get() == Some(AppPage::Presenter));
        }
    });
    let lesson_id = Memo::new(move |_| route.with(|r| r.lesson));
    let shell_painted = RwSignal::new(false);
    staged::stage(move || shell_painted.set(true));
    let t = move |k: &'static str| move || tr(lang.get(), k);

    view! {
        <header class="top" hidden=embedded>
            <a class="brand" href="#/">{t("app.title")}</a>
            <nav aria-label="lessons">
                {LessonId::all_built().map(|l| view! {
                    <a href=format!("#/{}", l.key()) class:active=move || lesson_id.get() == Some(l)>{move || tr(lang.get(), &format!("lesson.{}.title", l.key()))}</a>
                }).collect_view()}
                <a href="#/lecture" data-testid="nav-lectures" class:active=move || page.get() == Some(AppPage::Lectures)>{t("app.lectures")}</a>
                <a href="#/">{t("app.home")}</a>
            </nav>
            <label class="lang-select">
                <span class="visually-hidden">{t("app.language")}</span>
                <select data-testid="lang" aria-label=t("app.language")
                    on:change=move |e| {
                        if let Some(l) = Lang::from_key(&event_target_value(&e)) {
                            chosen_lang.set(Some(l));
                            lang.set(l);
                        }
                    }>
                    {Lang::ALL.iter().map(|&l| view! {
                        <option value=l.key() selected=move || lang.get() == l>{match l {
                            Lang::En => "English",
                            Lang::Pl => "Polski",
                            Lang::Ru => "Русский",
                        }}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="projector-toggle">
                <input type="checkbox" data-testid="projector" prop:checked=move || projector.get()
                    on:change=move |e| projector.set(event_target_checked(&e)) />
                {t("app.projector")}
            </label>
        </header>
        <main>
            // App keys the address got wrong (lang, projector, embed, speed), named once.
            {move || {
                let notices = route.with(|r| r.notices.clone());
                (!notices.is_empty()).then(|| view! {
                    <div class="banner notice" role="status" data-testid="address-notices">
                        <ul>{notices.iter().map(|n| view! { <li>{controls::notice_text(n, lang.get())}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            {move || in_lecture.get().then(|| view! { <lecture::LectureBar /> })}
            {move || match (lesson_id.get(), page.get()) {
                // The first render is the header alone: the lesson's page follows in a task of
                // its own, so the module's instantiation and the lesson's first render (each
                // tens of milliseconds of first-call compilation) are not one long task.
                _ if !shell_painted.get() => ().into_any(),
                (None, Some(AppPage::Lectures)) => view! { <lecture::LecturesPage /> }.into_any(),
                (None, Some(AppPage::Presenter)) => view! { <lecture::PresenterPage /> }.into_any(),
                // A lecture's scene whose lesson is gone: the bar above says so.
                (None, None) if in_lecture.get_untracked() => ().into_any(),
                (None, _) => view! { <Landing /> }.into_any(),
                (Some(id), _) => {
                    let r = route.get_untracked();
                    lesson_page(id, r.query, r.speed)
                }
            }}
        </main>
        <footer hidden=embedded>{t("app.footer")}</footer>
    }
}

/// The page of each lesson. No wildcard arm: a lesson added to the registry without a page does
/// not compile; a planned lesson (none today) needs an arm that says so plainly.
fn lesson_page(id: LessonId, query: String, speed: f64) -> AnyView {
    let page = match id {
        LessonId::Gan => view! { <gan::GanLesson query speed /> }.into_any(),
        LessonId::Transport => view! { <transport::TransportLesson query speed /> }.into_any(),
        LessonId::Rbm => view! { <rbm::RbmLesson query speed /> }.into_any(),
        LessonId::Vae => view! { <vae::VaeLesson query speed /> }.into_any(),
        LessonId::RbmMnist => view! { <rbm_mnist::RbmMnistLesson query speed /> }.into_any(),
        LessonId::Autoencoders => {
            view! { <autoencoders::AutoencodersLesson query speed /> }.into_any()
        }
        LessonId::ConditionalVae => view! { <cvae::CvaeLesson query speed /> }.into_any(),
        LessonId::Wae => view! { <wae::WaeLesson query speed /> }.into_any(),
        LessonId::Boltzmann => view! { <boltzmann::BoltzmannLesson query speed /> }.into_any(),
        LessonId::Langevin => view! { <langevin::LangevinLesson query speed /> }.into_any(),
        LessonId::Dbn => view! { <dbn::DbnLesson query speed /> }.into_any(),
    };
    debug_assert!(
        id.is_built(),
        "{id:?} has a page but the registry says planned"
    );
    view! { {page} <RouteSync /> }.into_any()
}

/// Each lesson's settings panel, for a page that shows a lesson's controls without its page (the
/// presenter window). No wildcard arm, like [`lesson_page`].
pub(crate) fn settings_panel_of(id: LessonId) -> fn(Lesson) -> AnyView {
    use controls::settings_panel as panel;
    use genlab_core as c;
    match id {
        LessonId::Gan => |l| panel::<c::gan::GanSettings>(l).into_any(),
        LessonId::Transport => |l| panel::<c::transport::TransportSettings>(l).into_any(),
        LessonId::Rbm => |l| panel::<c::rbm::RbmSettings>(l).into_any(),
        LessonId::Vae => |l| panel::<c::vae::VaeSettings>(l).into_any(),
        LessonId::RbmMnist => |l| panel::<c::rbm_mnist::RbmMnistSettings>(l).into_any(),
        LessonId::Autoencoders => |l| panel::<c::autoencoder::AutoencoderSettings>(l).into_any(),
        LessonId::ConditionalVae => |l| panel::<c::cvae::CvaeSettings>(l).into_any(),
        LessonId::Wae => |l| panel::<c::wae::WaeSettings>(l).into_any(),
        LessonId::Boltzmann => |l| panel::<c::boltzmann::BoltzmannSettings>(l).into_any(),
        LessonId::Langevin => |l| panel::<c::langevin::LangevinSettings>(l).into_any(),
        LessonId::Dbn => |l| panel::<c::dbn::DbnSettings>(l).into_any(),
    }
}

/// Keeps the address in step with a running lesson, and restarts it when the address changes
/// from outside.
fn sync_route(lesson: Lesson) {
    let route = expect_context::<RwSignal<Route>>();
    let external = expect_context::<ExternalNav>().0;
    Effect::new(move |_| {
        let q = lesson.query.get();
        let speed = lesson.speed.get();
        route.update(|r| {
            r.query = q;
            r.speed = speed;
        });
    });
    Effect::new(move |prev: Option<u32>| {
        let n = external.get();
        if prev.is_some_and(|p| p != n) {
            let r = route.get_untracked();
            if r.lecture.is_some() {
                // Another scene of a lecture: the same run goes on, or restarts, and runs to
                // the scene's step.
                lecture::arrive(lesson, r.query, r.speed);
            } else {
                lesson.set_speed(r.speed);
                lesson.reset(Some(r.query));
            }
        }
        n
    });
}

#[component]
fn RouteSync() -> impl IntoView {
    if let Some(lesson) = use_context::<Lesson>() {
        sync_route(lesson);
        lecture::attach(lesson);
        expose_test_hooks(lesson);
    }
}

/// Hooks for the end-to-end tests: `window.genlabCrashWorker()` makes the worker panic (the
/// crash is reported and Reset brings up a fresh worker); `window.genlabLoseDevice()` destroys
/// the worker's GPU device (the lesson carries on on the CPU).
fn expose_test_hooks(lesson: Lesson) {
    use genlab_core::protocol::ToWorker;
    use wasm_bindgen::prelude::*;
    let Some(window) = web_sys::window() else {
        return;
    };
    for (name, cmd) in [
        ("genlabCrashWorker", ToWorker::Crash),
        ("genlabLoseDevice", ToWorker::LoseDevice),
    ] {
        let hook = Closure::<dyn Fn()>::new(move || lesson.send(cmd.clone()));
        let _ = js_sys::Reflect::set(&window, &name.into(), hook.as_ref());
        // The page lives as long as the tab; the hooks may too.
        hook.forget();
    }
}

#[component]
fn Landing() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let unknown = expect_context::<RwSignal<Route>>().with_untracked(|r| r.unknown);
    view! {
        <section class="landing" data-testid="landing">
            <h1>{move || tr(lang.get(), "app.title")}</h1>
            <p class="tagline">{move || tr(lang.get(), "app.tagline")}</p>
            <p class="landing-lectures"><a href="#/lecture" data-testid="landing-lectures">{move || tr(lang.get(), "app.lectures_cta")}</a></p>
            {unknown.then(|| view! { <p class="banner notice" role="status">{move || tr(lang.get(), "app.unknown_route")}</p> })}
            <ul class="cards">
                {LessonId::ALL.iter().map(|&l| {
                    let key = l.key();
                    view! {
                        <li class="card" class:planned=!l.is_built()>
                            <a href=format!("#/{key}") data-testid=format!("card-{key}")
                                data-status=if l.is_built() { "ready" } else { "planned" }>
                                <h2>{move || tr(lang.get(), &format!("lesson.{key}.title"))}</h2>
                                <p>{move || tr(lang.get(), &format!("lesson.{key}.blurb"))}</p>
                                <span class="badge">{move || tr(lang.get(), if l.is_built() { "lesson.ready" } else { "lesson.planned" })}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
