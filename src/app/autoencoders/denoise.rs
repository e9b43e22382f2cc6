//! The denoising demo: a test digit, corrupted as chosen, with the student's scribble on top,
//! through the lesson's network — the digit, what the network sees, and what it makes of it.

use genlab_core::autoencoder::corrupt::Corruption;
use genlab_core::autoencoder::{AutoencoderAction, AutoencoderAnswer, AutoencoderSettings};
use genlab_core::protocol::{LessonAction, LessonAnswer};
use genlab_core::settings::{to_query, ChoiceEnum};
use leptos::prelude::*;

use super::super::controls::fmt_num;
use super::super::lesson::Lesson;
use crate::charts::{event_to_fraction, ImageCanvas, ImageGrid};
use crate::i18n::{message, tr, Lang};

const SIDE: u32 = 28;
/// The bundled test split holds 1,005 digits; the worker brings larger positions into range.
const LAST_TEST_DIGIT: u32 = 1004;

/// The demo's digit, corruption and level live in the lesson's settings (and so in the
/// address); the scribble is the student's drawing and stays on the page.
///
/// `settings`: the lesson's settings as the address holds them.
#[component]
pub fn DenoiseDemo(lesson: Lesson, settings: Memo<AutoencoderSettings>) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let scribble = RwSignal::new(Vec::<u32>::new());
    let drawing = RwSignal::new(false);
    // Also called from an effect that can still run while the page leaves the lesson: then the
    // demo's own signals are gone and there is nothing to ask. `s`: the settings to ask with
    // (an edit's own, before the address has caught up with it).
    let ask_with = move |s: &AutoencoderSettings| {
        let Some(scribble) = scribble.try_get_untracked() else {
            return;
        };
        lesson.act(LessonAction::Autoencoders(AutoencoderAction::Denoise {
            index: s.demo_digit,
            corruption: s.demo_corruption,
            level: s.demo_level,
            scribble,
        }))
    };
    let ask = move || {
        if let Some(s) = settings.try_get_untracked() {
            ask_with(&s);
        }
    };
    // A demo control changes the address (a live setting: training goes on) and asks at once.
    let edit = move |f: &dyn Fn(&mut AutoencoderSettings)| {
        let Some(mut s) = settings.try_get_untracked() else {
            return;
        };
        f(&mut s);
        lesson.update(to_query(&s));
        ask_with(&s);
    };
    let digit = Memo::new(move |_| settings.get().demo_digit);
    let corruption = Memo::new(move |_| settings.get().demo_corruption);
    let level = Memo::new(move |_| settings.get().demo_level);
    // The demo shows the network from the start, and again whenever training pauses: a blank
    // pad would read as broken.
    let has_view = Memo::new(move |_| lesson.view.with(|v| v.is_some()));
    Effect::new(move |_| {
        if has_view.try_get() == Some(true) && lesson.running.try_get() == Some(false) {
            ask();
        }
    });
    let answer = Memo::new(move |_| match lesson.answer.get() {
        Some(LessonAnswer::Autoencoders(a)) => Some(a),
        _ => None,
    });
    let grid = Signal::derive(move || {
        answer.get().and_then(|a| match a {
            AutoencoderAnswer::Denoised {
                clean,
                input,
                output,
                ..
            } => {
                let mut px = clean.0;
                px.extend_from_slice(&input.0);
                px.extend_from_slice(&output.0);
                Some(ImageGrid::digits(&px, 3))
            }
            AutoencoderAnswer::Refused { .. } => None,
        })
    });
    // Which test digit the shown answer is for (an answer for the previous digit can still
    // be on its way when the digit changes).
    let answered = move || {
        answer.get().and_then(|a| match a {
            AutoencoderAnswer::Denoised { index, .. } => Some(index.to_string()),
            AutoencoderAnswer::Refused { .. } => None,
        })
    };
    let errors = move || {
        answer.get().map(|a| match a {
            AutoencoderAnswer::Denoised {
                error_in,
                error_out,
                ..
            } => format!(
                "{} {} → {} {}",
                tr(lang.get(), "ae.denoise.error_in"),
                fmt_num(error_in),
                tr(lang.get(), "ae.denoise.error_out"),
                fmt_num(error_out)
            ),
            AutoencoderAnswer::Refused { why } => message(lang.get(), &why),
        })
    };
    // A pointer on the middle picture (the input) scribbles a 2 × 2 brush onto it.
    let paint = move |e: &leptos::ev::PointerEvent| {
        let Some((fx, fy)) = event_to_fraction(e) else {
            return;
        };
        // Three pictures side by side: the input is the middle third.
        let fx = fx * 3.0 - 1.0;
        if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
            return;
        }
        let (x, y) = ((fx * SIDE as f64) as u32, (fy * SIDE as f64) as u32);
        scribble.update(|s| {
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (px, py) = (x + dx, y + dy);
                if px < SIDE && py < SIDE && !s.contains(&(py * SIDE + px)) {
                    s.push(py * SIDE + px);
                }
            }
        });
        ask();
    };
    view! {
        <section class="denoise" data-testid="denoise-demo">
            <h3>{move || tr(lang.get(), "ae.denoise.title")}</h3>
            <p class="hint">{move || tr(lang.get(), "ae.denoise.hint")}</p>
            <div class="toolbar">
                <label>{move || tr(lang.get(), "ae.denoise.digit")} " "
                    <input type="number" min="0" max=LAST_TEST_DIGIT.to_string() step="1" data-testid="denoise-digit"
                        prop:value=move || digit.get().to_string()
                        on:change=move |e| {
                            if let Ok(i) = event_target_value(&e).trim().parse::<f64>() {
                                if i.is_finite() {
                                    scribble.set(vec![]);
                                    let i = i.clamp(0.0, LAST_TEST_DIGIT as f64) as u32;
                                    edit(&|s| s.demo_digit = i);
                                }
                            }
                        } /></label>
                <label>{move || tr(lang.get(), "param.corruption")} " "
                    <select data-testid="denoise-corruption" on:change=move |e| {
                        if let Some(c) = Corruption::from_key(&event_target_value(&e)) {
                            edit(&|s| s.demo_corruption = c);
                        }
                    }>
                        {Corruption::ALL.iter().map(|&c| view! {
                            <option value=c.key() selected=move || corruption.get() == c>{move || tr(lang.get(), &crate::choice_label_key("corruption", c.key()))}</option>
                        }).collect_view()}
                    </select></label>
                <label>{move || tr(lang.get(), "param.level")} " "
                    <input type="range" min="0" max="1" step="0.05" data-testid="denoise-level"
                        prop:value=move || level.get().to_string()
                        on:input=move |e| {
                            if let Ok(l) = event_target_value(&e).parse::<f64>() {
                                if l.is_finite() {
                                    edit(&|s| s.demo_level = l.clamp(0.0, 1.0));
                                }
                            }
                        } /></label>
                <button data-testid="denoise-run" on:click=move |_| ask()>{move || tr(lang.get(), "ae.denoise.run")}</button>
                <button data-testid="denoise-clear" on:click=move |_| { scribble.set(vec![]); ask(); }>{move || tr(lang.get(), "ae.denoise.clear")}</button>
            </div>
            <div class="denoise-pad"
                on:pointerdown=move |e| { drawing.set(true); paint(&e); }
                on:pointermove=move |e| if drawing.get_untracked() { paint(&e) }
                on:pointerup=move |_| drawing.set(false)
                on:pointerleave=move |_| drawing.set(false)>
                <ImageCanvas grid=grid testid="denoise-image" class="digit-grid"
                    label=Signal::derive(move || tr(lang.get(), "ae.denoise.title").to_string()) />
            </div>
            <p class="hint" data-testid="denoise-errors" data-index=answered>{errors}</p>
        </section>
    }
}
