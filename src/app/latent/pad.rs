//! The drawing pad both VAE lessons share (issue #18): mouse, touch and pen through pointer
//! events, a brush size, clear. At the end of each stroke (and on "Encode") the pad's values go
//! to the lesson, whose worker scales and centres the drawing as MNIST digits are.

use leptos::prelude::*;

use crate::charts::{event_to_fraction, ImageCanvas, ImageGrid};
use crate::i18n::{tr, Lang};

/// The pad's side in its own pixels (four per digit pixel).
pub const PAD: usize = 112;

fn pad_grid(pad: &[f32]) -> ImageGrid {
    ImageGrid {
        pixels: pad.to_vec(),
        count: 1,
        width: PAD,
        height: PAD,
        cols: 1,
        lo: 0.0,
        hi: 1.0,
        diverging: false,
    }
}

/// The pad, its brush and its buttons.
///
/// `on_drawn`: the pad (PAD × PAD values, 0 paper to 1 ink) after a stroke or on "Encode".
/// `on_clear`: the pad was wiped. `waiting`: an answer is on its way (shown beside the buttons).
#[component]
pub fn DrawSurface(
    on_drawn: Callback<Vec<f32>>,
    on_clear: Callback<()>,
    waiting: Signal<bool>,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let pad = RwSignal::new(vec![0.0f32; PAD * PAD]);
    let brush = RwSignal::new(3usize);
    let drawing = RwSignal::new(false);
    let last = RwSignal::new(None::<(f64, f64)>);
    let encode = move || {
        if let Some(p) = pad.try_get_untracked() {
            on_drawn.run(p);
        }
    };
    // A disc of ink at pad point (x, y), and the segment from the last point, so a fast stroke
    // has no gaps.
    let ink_at = move |x: f64, y: f64| {
        let r = brush.get_untracked() as f64;
        let from = last.get_untracked().unwrap_or((x, y));
        let steps = ((x - from.0).hypot(y - from.1) / (r / 2.0).max(0.5))
            .ceil()
            .max(1.0) as usize;
        pad.update(|p| {
            for s in 0..=steps {
                let f = s as f64 / steps as f64;
                let (cx, cy) = (from.0 + f * (x - from.0), from.1 + f * (y - from.1));
                let (x0, x1) = (
                    (cx - r).floor().max(0.0) as usize,
                    ((cx + r).ceil() as usize).min(PAD - 1),
                );
                let (y0, y1) = (
                    (cy - r).floor().max(0.0) as usize,
                    ((cy + r).ceil() as usize).min(PAD - 1),
                );
                for py in y0..=y1 {
                    for px in x0..=x1 {
                        if (px as f64 + 0.5 - cx).hypot(py as f64 + 0.5 - cy) <= r {
                            p[py * PAD + px] = 1.0;
                        }
                    }
                }
            }
        });
        last.set(Some((x, y)));
    };
    let paint = move |e: &leptos::ev::PointerEvent| {
        let Some((fx, fy)) = event_to_fraction(e) else {
            return;
        };
        let (x, y) = (fx * PAD as f64, fy * PAD as f64);
        if (0.0..PAD as f64).contains(&x) && (0.0..PAD as f64).contains(&y) {
            ink_at(x, y);
        }
    };
    let finish = move || {
        if drawing.get_untracked() {
            drawing.set(false);
            last.set(None);
            encode();
        }
    };
    let pad_picture = Signal::derive(move || Some(pad_grid(&pad.get())));
    view! {
        <div class="toolbar">
            <label>{t("vae.draw.brush")} " "
                <input type="range" min="1" max="6" step="1" data-testid="draw-brush"
                    prop:value=move || brush.get().to_string()
                    on:input=move |e| {
                        if let Ok(b) = event_target_value(&e).parse::<usize>() {
                            brush.set(b.clamp(1, 6));
                        }
                    } /></label>
            <button data-testid="draw-encode" on:click=move |_| encode()>{t("vae.draw.encode")}</button>
            <button data-testid="draw-clear" on:click=move |_| { pad.set(vec![0.0; PAD * PAD]); on_clear.run(()); }>{t("vae.draw.clear")}</button>
            {move || waiting.get().then(|| view! { <span class="hint" data-testid="draw-waiting">{t("vae.posterior.waiting")}</span> })}
        </div>
        <div class="draw-pad"
            on:pointerdown=move |e| { drawing.set(true); last.set(None); paint(&e); }
            on:pointermove=move |e| { if drawing.get_untracked() { paint(&e) } }
            on:pointerup=move |_| finish()
            on:pointerleave=move |_| finish()>
            <ImageCanvas grid=pad_picture testid="draw-pad" class="drawing-pad"
                label=Signal::derive(move || tr(lang.get(), "vae.draw.title").to_string()) />
        </div>
    }
}
