//! Draw a digit and see the CVAE reconstruct it under every label (issue #18): the drawing is
//! encoded with each label y, q(z|x, y), and decoded from its μ with the same label — ten
//! pictures of the same style; for the chosen label also μ, σ, the ELBO's terms and the exact
//! posterior p(z|x, y) (a 2-D latent).

use genlab_core::cvae::{CvaeAction, CvaeAnswer, CvaeDrawn};
use genlab_core::msg::Msg;
use genlab_core::protocol::{Bulk, LessonAction, LessonAnswer};
use leptos::prelude::*;

use super::super::controls::fmt_num;
use super::super::latent::pad::{DrawSurface, PAD};
use super::super::latent::posterior::{density_pair, PosteriorNumbers};
use super::super::lesson::Lesson;
use crate::charts::{ImageCanvas, ImageGrid};
use crate::i18n::{message, tr, Lang};

/// The pad and the drawing under every label.
///
/// `encoded`: where the drawn digit's q(z|x, y) is (μ, σ in the shown dimensions).
#[component]
pub fn CvaeDrawing(
    lesson: Lesson,
    encoded: RwSignal<Option<super::super::latent::QShown>>,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let waiting = RwSignal::new(false);
    // Cleared since the last drawing was sent: an answer still on its way (the GPU's grid
    // takes a moment) is for a drawing the user has wiped, and must not bring it back.
    let cleared = RwSignal::new(false);
    let shown = RwSignal::new(None::<CvaeDrawn>);
    let refused = RwSignal::new(None::<Msg>);
    Effect::new(move |_| match lesson.answer.get() {
        Some(LessonAnswer::ConditionalVae(CvaeAnswer::Drawn(d))) if !cleared.get_untracked() => {
            encoded.set(Some((d.mu, d.sigma)));
            shown.set(Some(*d));
            refused.set(None);
            waiting.set(false);
        }
        Some(LessonAnswer::ConditionalVae(CvaeAnswer::Refused { why }))
            if waiting.get_untracked() =>
        {
            refused.set(Some(why));
            waiting.set(false);
        }
        _ => {}
    });
    let encode = Callback::new(move |p: Vec<f32>| {
        waiting.set(true);
        cleared.set(false);
        lesson.act(LessonAction::ConditionalVae(CvaeAction::Drawn {
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
    let digit = Signal::derive(move || {
        shown.with(|d| d.as_ref().map(|d| ImageGrid::digits(&d.digit.0, 1)))
    });
    let by_label = Signal::derive(move || {
        shown.with(|d| d.as_ref().map(|d| ImageGrid::digits(&d.by_label.0, 5)))
    });
    let densities = Signal::derive(move || {
        shown.with(|d| {
            d.as_ref()
                .and_then(|d| d.posterior.as_ref().map(density_pair))
        })
    });
    let pair = |(a, b): (f64, f64)| format!("({}, {})", fmt_num(a), fmt_num(b));
    view! {
        <section class="drawing" data-testid="drawing">
            <h3>{t("cvae.draw.title")}</h3>
            <p class="hint">{t("cvae.draw.hint")}</p>
            <div class="draw-row">
                <div>
                    <DrawSurface on_drawn=encode on_clear=clear waiting=waiting.into() />
                </div>
                {move || answered.get().then(|| view! {
                    <ImageCanvas grid=digit testid="draw-digit" class="digit-medium"
                        label=Signal::derive(move || tr(lang.get(), "cvae.draw.digit").to_string()) />
                })}
            </div>
            {move || refused.get().map(|m| view! {
                <p class="error" role="alert" data-testid="draw-refused">{message(lang.get(), &m)}</p>
            })}
            {move || answered.get().then(|| view! {
                <p class="hint">{t("cvae.draw.by_label")}</p>
                <ImageCanvas grid=by_label testid="draw-by-label" class="digit-strip"
                    label=Signal::derive(move || tr(lang.get(), "cvae.draw.by_label").to_string()) />
            })}
            {move || shown.get().map(|d| view! {
                <p>{format!("{} y = {}", tr(lang.get(), "cvae.draw.under"), d.class)}</p>
                <table class="probs">
                    <tr><th>"μ"</th><td class="num" data-testid="draw-mu">{pair(d.mu)}</td></tr>
                    <tr><th>"σ"</th><td class="num">{pair(d.sigma)}</td></tr>
                    <tr><th>{t("cvae.draw.rec")}</th><td class="num">{fmt_num(d.rec)}</td></tr>
                    <tr><th>{t("cvae.draw.kl")}</th><td class="num">{fmt_num(d.kl)}</td></tr>
                </table>
                {d.posterior.clone().map(|p| view! { <PosteriorNumbers p=p testid="draw" texts="cvae" /> })}
            })}
            {move || densities.with(|d| d.is_some()).then(|| view! {
                <ImageCanvas grid=densities testid="draw-posterior" class="posterior-pair"
                    label=Signal::derive(move || tr(lang.get(), "cvae.posterior.title").to_string()) />
            })}
        </section>
    }
}
