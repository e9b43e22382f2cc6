//! Draw a digit and see the VAE encode it (issue #18's drawing pad, in the VAE lesson): the pad
//! (mouse, touch and pen, a brush size, clear) goes to the worker, which scales and centres the
//! drawing as MNIST digits are, encodes it — μ and σ of q(z|x), the reconstruction from μ, the
//! ELBO's terms — and computes its exact posterior.

use genlab_core::msg::Msg;
use genlab_core::protocol::{Bulk, LessonAction, LessonAnswer};
use genlab_core::vae::{DrawnView, VaeAction, VaeAnswer};
use leptos::prelude::*;

use super::super::controls::fmt_num;
use super::super::lesson::Lesson;
use super::posterior::{density_pair, PosteriorNumbers};
use crate::charts::{event_to_fraction, ImageCanvas, ImageGrid};
use crate::i18n::{message, tr, Lang};

/// The pad's side in its own pixels (four per digit pixel).
const PAD: usize = 112;

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

/// The pad and what the network makes of the drawing.
///
/// `encoded`: where the drawn digit's q(z|x) is (μ, σ), for the latent scatter's ellipse.
#[component]
pub fn DrawingPad(
    lesson: Lesson,
    encoded: RwSignal<Option<((f64, f64), (f64, f64))>>,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let pad = RwSignal::new(vec![0.0f32; PAD * PAD]);
    let brush = RwSignal::new(3usize);
    let drawing = RwSignal::new(false);
    let last = RwSignal::new(None::<(f64, f64)>);
    let waiting = RwSignal::new(false);
    let shown = RwSignal::new(None::<DrawnView>);
    let refused = RwSignal::new(None::<Msg>);
    Effect::new(move |_| match lesson.answer.get() {
        Some(LessonAnswer::Vae(VaeAnswer::Drawn(d))) => {
            encoded.set(Some((d.mu, d.sigma)));
            shown.set(Some(*d));
            refused.set(None);
            waiting.set(false);
        }
        Some(LessonAnswer::Vae(VaeAnswer::Refused { why })) if waiting.get_untracked() => {
            refused.set(Some(why));
            waiting.set(false);
        }
        _ => {}
    });
    let encode = move || {
        let Some(p) = pad.try_get_untracked() else {
            return;
        };
        waiting.set(true);
        lesson.act(LessonAction::Vae(VaeAction::Drawn {
            pad: Bulk(p),
            width: PAD as u32,
            height: PAD as u32,
        }));
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
    let answered = Memo::new(move |_| shown.with(|d| d.is_some()));
    let pad_picture = Signal::derive(move || Some(pad_grid(&pad.get())));
    let pictures = Signal::derive(move || {
        shown.with(|d| {
            d.as_ref().map(|d| {
                let mut px = d.digit.0.clone();
                px.extend_from_slice(&d.recon.0);
                ImageGrid::digits(&px, 2)
            })
        })
    });
    let densities =
        Signal::derive(move || shown.with(|d| d.as_ref().map(|d| density_pair(&d.posterior))));
    let pair = |(a, b): (f64, f64)| format!("({}, {})", fmt_num(a), fmt_num(b));
    view! {
        <section class="drawing" data-testid="drawing">
            <h3>{t("vae.draw.title")}</h3>
            <p class="hint">{t("vae.draw.hint")}</p>
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
                <button data-testid="draw-clear" on:click=move |_| { pad.set(vec![0.0; PAD * PAD]); shown.set(None); refused.set(None); encoded.set(None); }>{t("vae.draw.clear")}</button>
                {move || waiting.get().then(|| view! { <span class="hint" data-testid="draw-waiting">{t("vae.posterior.waiting")}</span> })}
            </div>
            <div class="draw-row">
                <div class="draw-pad"
                    on:pointerdown=move |e| { drawing.set(true); last.set(None); paint(&e); }
                    on:pointermove=move |e| { if drawing.get_untracked() { paint(&e) } }
                    on:pointerup=move |_| finish()
                    on:pointerleave=move |_| finish()>
                    <ImageCanvas grid=pad_picture testid="draw-pad" class="drawing-pad"
                        label=Signal::derive(move || tr(lang.get(), "vae.draw.title").to_string()) />
                </div>
                // Mounted once there is an answer: an empty picture would read as broken.
                {move || answered.get().then(|| view! {
                    <ImageCanvas grid=pictures testid="draw-images" class="digit-row"
                        label=Signal::derive(move || tr(lang.get(), "vae.draw.pictures").to_string()) />
                })}
            </div>
            {move || refused.get().map(|m| view! {
                <p class="error" role="alert" data-testid="draw-refused">{message(lang.get(), &m)}</p>
            })}
            {move || shown.get().map(|d| view! {
                <p class="hint">{t("vae.draw.pictures")}</p>
                <table class="probs">
                    <tr><th>"μ"</th><td class="num" data-testid="draw-mu">{pair(d.mu)}</td></tr>
                    <tr><th>"σ"</th><td class="num">{pair(d.sigma)}</td></tr>
                    <tr><th>{t("vae.reparam.rec")}</th><td class="num">{fmt_num(d.rec)}</td></tr>
                    <tr><th>{t("vae.reparam.kl")}</th><td class="num">{fmt_num(d.kl)}</td></tr>
                </table>
                <PosteriorNumbers p=d.posterior.clone() testid="draw" />
            })}
            {move || answered.get().then(|| view! {
                <ImageCanvas grid=densities testid="draw-posterior" class="posterior-pair"
                    label=Signal::derive(move || tr(lang.get(), "vae.posterior.title").to_string()) />
            })}
        </section>
    }
}
