//! Draw a digit and see the VAE encode it (issue #18's drawing pad, in the VAE lesson): the pad
//! (mouse, touch and pen, a brush size, clear) goes to the worker, which scales and centres the
//! drawing as MNIST digits are, encodes it — μ and σ of q(z|x), the reconstruction from μ, the
//! ELBO's terms — and computes its exact posterior.

use genlab_core::msg::Msg;
use genlab_core::protocol::{Bulk, LessonAction, LessonAnswer};
use genlab_core::vae::{DrawnView, VaeAction, VaeAnswer};
use leptos::prelude::*;

use super::super::controls::fmt_num;
use super::super::latent::pad::{DrawSurface, PAD};
use super::super::latent::posterior::{density_pair, PosteriorNumbers};
use super::super::lesson::Lesson;
use crate::charts::{ImageCanvas, ImageGrid};
use crate::i18n::{message, tr, Lang};

/// The pad and what the network makes of the drawing.
///
/// `encoded`: where the drawn digit's q(z|x) is (μ, σ), for the latent scatter's ellipse.
#[component]
pub fn DrawingPad(
    lesson: Lesson,
    encoded: RwSignal<Option<super::super::latent::QShown>>,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let waiting = RwSignal::new(false);
    // Cleared since the last drawing was sent: an answer still on its way (the GPU's grid
    // takes a moment) is for a drawing the user has wiped, and must not bring it back.
    let cleared = RwSignal::new(false);
    let shown = RwSignal::new(None::<DrawnView>);
    let refused = RwSignal::new(None::<Msg>);
    Effect::new(move |_| match lesson.answer.get() {
        Some(LessonAnswer::Vae(VaeAnswer::Drawn(d))) if !cleared.get_untracked() => {
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
    let encode = Callback::new(move |p: Vec<f32>| {
        waiting.set(true);
        cleared.set(false);
        lesson.act(LessonAction::Vae(VaeAction::Drawn {
            pad: Bulk(p),
            width: PAD as u32,
            height: PAD as u32,
        }));
    });
    let clear = Callback::new(move |_| {
        cleared.set(true);
        waiting.set(false);
        shown.set(None);
        refused.set(None);
        encoded.set(None);
    });
    let answered = Memo::new(move |_| shown.with(|d| d.is_some()));
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
            <div class="draw-row">
                <div>
                    <DrawSurface on_drawn=encode on_clear=clear waiting=waiting.into() />
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
                <PosteriorNumbers p=d.posterior.clone() testid="draw" texts="vae" />
            })}
            {move || answered.get().then(|| view! {
                <ImageCanvas grid=densities testid="draw-posterior" class="posterior-pair"
                    label=Signal::derive(move || tr(lang.get(), "vae.posterior.title").to_string()) />
            })}
        </section>
    }
}
