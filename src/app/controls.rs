//! Controls every lesson shares: the transport bar, the settings panel built from a lesson's
//! parameter table, and the status banners.

use genlab_core::lesson::StepPart;
use genlab_core::settings::{
    format_value, parse_query, parse_value, to_query, Apply, ChoiceEnum, Kind, Notice, Settings,
    Value,
};
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::lesson::Lesson;
use crate::i18n::{message, tr, tr_with, Lang};

/// A short human form of a number: 4 significant digits, exponent for tiny or huge values.
pub fn fmt_num(x: f64) -> String {
    // Reading the language here makes every readout that formats a number follow a switch.
    let s = fmt_num_plain(x);
    if lang().decimal_comma() {
        s.replace('.', ",")
    } else {
        s
    }
}

/// `x` with exactly `decimals` decimals, in the reader's decimal mark (epochs, percentages).
pub fn fmt_fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if lang().decimal_comma() {
        s.replace('.', ",")
    } else {
        s
    }
}

fn fmt_num_plain(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let a = x.abs();
    if a != 0.0 && !(1e-3..1e5).contains(&a) {
        format!("{x:.3e}")
    } else {
        let s = format!("{x:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".into()
        } else {
            s.to_string()
        }
    }
}

pub(crate) fn lang() -> Lang {
    use_context::<RwSignal<Lang>>()
        .map(|l| l.get())
        .unwrap_or(Lang::En)
}

/// Play/pause, step, reset, run-to, speed, and the step and speed readouts. Keyboard: space,
/// → and r, unless the focus is in a text field.
#[component]
pub fn TransportBar(lesson: Lesson) -> impl IntoView {
    let run_to = RwSignal::new(String::from("1000"));
    let key_handle = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
        let typing = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| {
                matches!(
                    el.tag_name().as_str(),
                    "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
                )
            })
            .unwrap_or(false);
        if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        // In a lecture (and in the presenter window) → goes to the next scene.
        let lecturing = use_context::<RwSignal<crate::route::Route>>().is_some_and(|r| {
            r.with_untracked(|r| {
                r.lecture.is_some() || r.page == Some(crate::route::AppPage::Presenter)
            })
        });
        match e.key().as_str() {
            " " => {
                e.prevent_default();
                lesson.toggle();
            }
            "ArrowRight" if !lecturing => {
                e.prevent_default();
                lesson.step_once(StepPart::Full);
            }
            "r" | "R" => lesson.reset(None),
            _ => {}
        }
    });
    on_cleanup(move || key_handle.remove());
    // Speed slider: 0..=40 on a log scale from 1 to 10⁴ steps/s; 41 = as fast as possible.
    let speed_pos = move || {
        let s = lesson.speed.get();
        if s <= 0.0 {
            41
        } else {
            ((s.log10() * 10.0).round() as i32).clamp(0, 40)
        }
    };
    let set_speed = move |pos: i32| {
        let s = if pos >= 41 {
            0.0
        } else {
            10f64.powf(pos as f64 / 10.0).round().max(1.0)
        };
        lesson.set_speed(s);
    };
    view! {
        <div class="transport" role="toolbar" aria-label="training controls">
            <button class="primary" data-testid="play-toggle" on:click=move |_| lesson.toggle()
                disabled=move || !lesson.started.get() || lesson.diverged.get().is_some()>
                {move || if lesson.running.get() { tr(lang(), "transport.pause") } else { tr(lang(), "transport.play") }}
            </button>
            <button data-testid="step" on:click=move |_| lesson.step_once(StepPart::Full)
                disabled=move || lesson.running.get() || !lesson.started.get()>{move || tr(lang(), "transport.step")}</button>
            <button data-testid="reset" on:click=move |_| lesson.reset(None)>{move || tr(lang(), "transport.reset")}</button>
            <span class="run-to">
                <label for="run-to-input">{move || tr(lang(), "transport.run_to")}</label>
                <input id="run-to-input" data-testid="run-to-input" type="number" min="1" step="100"
                    prop:value=move || run_to.get() on:input=move |e| run_to.set(event_target_value(&e)) />
                <button data-testid="run-to" on:click=move |_| {
                    if let Ok(n) = run_to.get_untracked().trim().parse::<u64>() { lesson.run_to(n) }
                }>{move || tr(lang(), "transport.go")}</button>
            </span>
            <span class="speed">
                <label for="speed-input">{move || tr(lang(), "transport.speed")}</label>
                <input id="speed-input" data-testid="speed" type="range" min="0" max="41" step="1"
                    prop:value=move || speed_pos().to_string()
                    on:input=move |e| set_speed(event_target_value(&e).parse().unwrap_or(41)) />
                <output>{move || { let s = lesson.speed.get(); if s <= 0.0 { tr(lang(), "transport.max").to_string() } else { fmt_num(s) } }}</output>
            </span>
            <span class="readout">
                {move || tr(lang(), "transport.step_counter")} " "
                <strong data-testid="step-counter">{move || lesson.step.get()}</strong>
            </span>
            <span class="readout">
                <strong data-testid="steps-per-sec">{move || format!("{:.0}", lesson.rate.get())}</strong>
                " " {move || tr(lang(), "transport.steps_per_sec")}
            </span>
            <button class="small" data-testid="csv" title=move || tr(lang(), "transport.csv_help")
                on:click=move |_| {
                    let csv = lesson.history.with(|h| h.to_csv());
                    crate::charts::download_text(&format!("genlab-{}-history.csv", lesson.id.key()), "text/csv", &csv);
                }>"CSV"</button>
            <button class="small" data-testid="export" title=move || tr(lang(), "transport.export_help")
                on:click=move |_| lesson.export() disabled=move || !lesson.started.get()>
                {move || tr(lang(), "transport.export")}</button>
            <label class="small button-like" title=move || tr(lang(), "transport.import_help")>
                {move || tr(lang(), "transport.import")}
                <input type="file" accept=".json,application/json" data-testid="import-file" class="visually-hidden"
                    on:change=move |e| read_run_file(e, lesson) />
            </label>
            <span class="keys">{move || tr(lang(), "transport.keys")}</span>
        </div>
    }
}

/// Reads the chosen file and hands its text to the lesson; the input is cleared so choosing the
/// same file again imports it again.
fn read_run_file(e: leptos::ev::Event, lesson: Lesson) {
    read_chosen_file(e, move |text| match text {
        Some(text) => lesson.import(text),
        None => lesson.imported.set(Some(Err(genlab_core::msg!(
            "msg.run.damaged",
            "the browser could not read the file"
        )))),
    });
}

/// The text of the file chosen in the `<input type="file">` that fired `e` (`None`: the browser
/// could not read it), handed to `take`. The input is cleared, so choosing the same file again
/// reads it again.
pub(crate) fn read_chosen_file(e: leptos::ev::Event, take: impl FnOnce(Option<String>) + 'static) {
    let Some(input) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    input.set_value("");
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string());
        take(text);
    });
}

/// A settings notice in the reader's language; the key and values stay as the address has them.
pub(crate) fn notice_text(n: &Notice, l: Lang) -> String {
    use genlab_core::settings::NoticeKind;
    let key = n.key.as_str();
    match &n.kind {
        NoticeKind::Clamped { given, used } => tr_with(
            l,
            "notice.clamped",
            &[("key", key), ("given", given), ("used", used)],
        ),
        NoticeKind::Invalid { given, used } => tr_with(
            l,
            "notice.invalid",
            &[("key", key), ("given", given), ("used", used)],
        ),
        NoticeKind::Unknown => tr_with(l, "notice.unknown", &[("key", key)]),
        NoticeKind::Adjusted { why } => tr_with(
            l,
            "notice.adjusted",
            &[("key", key), ("why", &message(l, why))],
        ),
    }
}

/// Banners: divergence, worker failure, adjusted URL values, rejected commands.
#[component]
pub fn StatusBanners(lesson: Lesson) -> impl IntoView {
    view! {
        {move || lesson.diverged.get().map(|m| view! {
            <div class="banner error" role="alert" data-testid="diverged">
                <strong>{tr(lang(), "status.diverged")}</strong> ": " {message(lang(), &m)} " " {tr(lang(), "status.diverged_hint")}
            </div>
        })}
        {move || lesson.failed.get().map(|m| view! {
            <div class="banner error" role="alert" data-testid="failed">
                <strong>{tr(lang(), "app.worker_failed")}</strong> ": " {m} " " {tr(lang(), "app.reset_to_recover")}
            </div>
        })}
        {move || {
            let n = lesson.notices.get();
            (!n.is_empty()).then(|| view! {
                <div class="banner notice" role="status" data-testid="notices">
                    <strong>{tr(lang(), "status.notices")}</strong>
                    <ul>{n.iter().map(|n: &Notice| view! { <li>{notice_text(n, lang())}</li> }).collect_view()}</ul>
                </div>
            })
        }}
        {move || lesson.loading.get().map(|(what, done, total)| {
            let mb = |b: u64| fmt_fixed(b as f64 / 1e6, 1);
            // A computation (what = "pca") counts its own units: show a share; a download, MB.
            let (label, amount) = if what == "pca" {
                ("status.computing_pca", format!("{} %", fmt_fixed(100.0 * done as f64 / total.max(1) as f64, 0)))
            } else {
                ("status.loading", format!("{}{}", mb(done), if total > 0 { format!(" / {} MB", mb(total)) } else { " MB".into() }))
            };
            view! {
                <div class="banner notice" role="status" data-testid="loading" data-what=what>
                    {tr(lang(), label)} " "
                    <progress max=move || total.max(1) as f64 value=done as f64></progress>
                    " " {amount}
                </div>
            }
        })}
        {move || lesson.data_error.get().map(|m| view! {
            <div class="banner error" role="alert" data-testid="data-error">
                <strong>{tr(lang(), "status.data_error")}</strong> ": " {message(lang(), &m)} " " {tr(lang(), "status.data_error_hint")}
            </div>
        })}
        {move || lesson.imported.get().map(|r| match r {
            Ok(step) => view! {
                <div class="banner notice" role="status" data-testid="imported">
                    {tr(lang(), "status.imported")} " " {step} "."
                </div>
            }.into_any(),
            Err(m) => view! {
                <div class="banner error" role="alert" data-testid="import-error">
                    <strong>{tr(lang(), "status.import_failed")}</strong> ": " {message(lang(), &m)} ". " {tr(lang(), "status.import_unchanged")}
                </div>
            }.into_any(),
        })}
        {move || lesson.rejected.get().map(|m| view! {
            <div class="banner notice" role="status" data-testid="rejected">{tr(lang(), "status.rejected")} ": " {m.0} ": " {message(lang(), &m.1)}</div>
        })}
    }
}

/// One labelled control per parameter of `S`, built from its table. A change sends the new
/// settings to the worker (live ones apply at once; ↻ ones restart the run).
pub fn settings_panel<S: Settings + Send + Sync>(lesson: Lesson) -> impl IntoView {
    // Parsed once per change of the address (a transport query holds 100 points), and each
    // control follows only its own value: a change elsewhere re-renders nothing here.
    let current = Memo::new(move |_| parse_query::<S>(&lesson.query.get(), &[]).0);
    let change = move |key: &'static str, v: Value| {
        let mut s = parse_query::<S>(&lesson.query.get_untracked(), &[]).0;
        if let Some(p) = S::params().iter().find(|p| p.key == key) {
            (p.set)(&mut s, v);
            lesson.update(to_query(&s));
        }
    };
    // Embed mode shows only the settings the address names.
    let shown = use_context::<super::Embed>().and_then(|e| e.0);
    let rows = S::params()
        .iter()
        .filter(|p| shown.as_ref().is_none_or(|keys| keys.iter().any(|k| k == p.key)))
        .map(|p| {
            let key = p.key;
            let kind = p.kind;
            let get = p.get;
            let own = Memo::new(move |_| current.with(|s| get(s)));
            let value = move || own.get();
            let label = move || tr(lang(), &format!("param.{key}"));
            let restart = (p.apply == Apply::Restart).then_some(" ↻");
            let control = match kind {
                Kind::Flag => view! {
                    <input type="checkbox" id=format!("param-{key}") data-testid=format!("param-{key}")
                        prop:checked=move || value().flag()
                        on:change=move |e| change(key, Value::Flag(event_target_checked(&e))) />
                }
                .into_any(),
                Kind::Choice { options } => view! {
                    <select id=format!("param-{key}") data-testid=format!("param-{key}")
                        on:change=move |e| {
                            if let Ok(v) = parse_value(kind, &event_target_value(&e), value()) { change(key, v) }
                        }>
                        {options.iter().map(|&o| {
                            let text = move || tr(lang(), &crate::choice_label_key(key, o));
                            view! { <option value=o selected=move || value().choice() == o>{text}</option> }
                        }).collect_view()}
                    </select>
                }
                .into_any(),
                Kind::Float { min, max, log } => {
                    number_control(key, kind, min, max, log, value, change)
                }
                Kind::Int { min, max } => number_control(key, kind, min as f64, max as f64, false, value, change),
            };
            view! {
                <div class="param">
                    <label for=format!("param-{key}")>{label}{restart}</label>
                    {control}
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="settings" aria-label="settings">
            <h3>{move || tr(lang(), "settings.title")}</h3>
            {rows}
            <p class="hint">{move || tr(lang(), "settings.restart_note")}</p>
        </section>
    }
}

/// A slider with an editable number beside it. Huge integer ranges (the seed) get the number box
/// only. A value typed out of range is clamped (and the clamp is visible in the box).
fn number_control(
    key: &'static str,
    kind: Kind,
    min: f64,
    max: f64,
    log: bool,
    value: impl Fn() -> Value + Copy + Send + Sync + 'static,
    change: impl Fn(&'static str, Value) + Copy + Send + Sync + 'static,
) -> AnyView {
    const TICKS: f64 = 200.0;
    let to_pos = move |x: f64| {
        if log {
            (x.ln() - min.ln()) / (max.ln() - min.ln()) * TICKS
        } else {
            (x - min) / (max - min) * TICKS
        }
    };
    let from_pos = move |p: f64| {
        let t = p / TICKS;
        let x = if log {
            (min.ln() + t * (max.ln() - min.ln())).exp()
        } else {
            min + t * (max - min)
        };
        match kind {
            Kind::Int { .. } => x.round(),
            // Keep slider values readable in the URL: 3 significant digits, no float noise.
            _ => genlab_core::settings::round_significant(x, 3),
        }
    };
    let typed = move |raw: String| {
        // Polish and Russian students type 0,5.
        let raw = raw.trim().replace(',', ".");
        let v = match parse_value(kind, &raw, value()) {
            Ok(v) => v,
            Err((v, _)) => v,
        };
        change(key, v);
    };
    let wide = max - min > 100_000.0 && matches!(kind, Kind::Int { .. });
    let slider = (!wide).then(|| {
        view! {
            <input type="range" min="0" max=TICKS.to_string() step="1" data-testid=format!("slider-{key}")
                aria-label=key
                prop:value=move || to_pos(value().num()).round().to_string()
                on:input=move |e| {
                    if let Ok(p) = event_target_value(&e).parse::<f64>() { change(key, Value::Num(from_pos(p))) }
                } />
        }
    });
    view! {
        <span class="number-control">
            {slider}
            <input type="text" inputmode="decimal" id=format!("param-{key}") data-testid=format!("param-{key}")
                prop:value=move || format_value(value())
                on:change=move |e| typed(event_target_value(&e)) />
        </span>
    }
    .into_any()
}
