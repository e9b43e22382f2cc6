//! The exact posterior of the digit under inspection (lecture 003; issue #18): with a 2-D
//! latent, p(z|x) ∝ p(x|z) p(z) is normalised on a grid in the worker, so log p(x) is a
//! quadrature, not a bound. Shown beside the encoder's q(z|x) on the same grid, with the ELBO,
//! the gap KL(q(z|x) ‖ p(z|x)) between them and the importance-weighted estimate. Used by both
//! VAE lessons: each says how to ask and how to read its answer.

use genlab_core::msg::Msg;
use genlab_core::protocol::{LessonAction, LessonAnswer};
use genlab_core::vae::PosteriorView;
use leptos::prelude::*;

use super::super::controls::fmt_num;
use super::super::lesson::Lesson;
use crate::charts::{ImageCanvas, ImageGrid};
use crate::i18n::{message, tr, tr_with, Lang};

/// Two pictures on the answer's grid, z₂ upwards: p(z|x), then q(z|x), each scaled to its
/// own peak (dark = likely).
pub fn density_pair(p: &PosteriorView) -> ImageGrid {
    let n = p.n as usize;
    let mut pixels = Vec::with_capacity(2 * n * n);
    for density in [&p.exact.0, &p.q.0] {
        let peak = density
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0f32, f32::max)
            .max(f32::MIN_POSITIVE);
        for row in (0..n).rev() {
            pixels.extend(density[row * n..(row + 1) * n].iter().map(|v| v / peak));
        }
    }
    ImageGrid {
        pixels,
        count: 2,
        width: n,
        height: n,
        cols: 2,
        lo: 0.0,
        hi: 1.0,
        diverging: false,
    }
}

/// How a lesson reads an answer: a posterior, a refusal (`Err`), or not for this panel (`None`).
pub type PosteriorReply = fn(&LessonAnswer) -> Option<Result<PosteriorView, Msg>>;

/// The exact-posterior panel.
///
/// `index`: the test digit under inspection (none: the button waits for one). `request`: the
/// lesson's action asking for test digit `index`'s posterior; `reply`: how its answer reads.
/// `texts`: the lesson whose words it uses ("vae": p(z|x); "cvae": p(z|x, y)).
#[component]
pub fn ExactPosterior(
    lesson: Lesson,
    index: Signal<Option<u32>>,
    request: fn(u32) -> LessonAction,
    reply: PosteriorReply,
    texts: &'static str,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), &format!("{texts}.posterior.{k}"));
    let shown = RwSignal::new(None::<(PosteriorView, u64)>);
    // The step the network was at when asked: the answer is for that network.
    let asked_at = RwSignal::new(None::<u64>);
    let refused = RwSignal::new(None::<Msg>);
    Effect::new(move |_| {
        let answer = lesson.answer.with(|a| a.as_ref().and_then(reply));
        match answer {
            Some(Ok(p)) => {
                let step = asked_at.get_untracked().unwrap_or_default();
                shown.set(Some((p, step)));
                asked_at.set(None);
                refused.set(None);
            }
            // Refusals are shared by every request of the lesson: only one this panel waits
            // for is its own.
            Some(Err(why)) if asked_at.get_untracked().is_some() => {
                refused.set(Some(why));
                asked_at.set(None);
            }
            _ => {}
        }
    });
    let ask = move |_| {
        if let Some(i) = index.get_untracked() {
            asked_at.set(Some(lesson.step.get_untracked()));
            lesson.act(request(i));
        }
    };
    let answered = Memo::new(move |_| shown.with(|p| p.is_some()));
    let grid = Signal::derive(move || shown.with(|p| p.as_ref().map(|(p, _)| density_pair(p))));
    view! {
        <section class="posterior" data-testid="posterior">
            <h3>{t("title")}</h3>
            <p class="hint">{t("hint")}</p>
            <div class="toolbar">
                <button data-testid="posterior-run" disabled=move || index.get().is_none() on:click=ask>
                    {t("run")}
                </button>
                {move || asked_at.get().is_some().then(|| view! {
                    <span class="hint" data-testid="posterior-waiting">{t("waiting")}</span>
                })}
            </div>
            {move || refused.get().map(|m| view! {
                <p class="error" role="alert" data-testid="posterior-refused">{message(lang.get(), &m)}</p>
            })}
            {move || shown.get().map(|(p, step)| view! {
                <p data-testid="posterior-digit">{format!("{} #{} · {} {}", tr(lang.get(), "vae.reparam.digit"), p.index.unwrap_or_default(), tr(lang.get(), &format!("{texts}.posterior.at_step")), step)}</p>
                <PosteriorNumbers p=p testid="posterior" texts=texts />
            })}
            // Mounted once there is an answer: an empty picture would read as broken.
            {move || answered.get().then(|| view! {
                <ImageCanvas grid=grid testid="posterior-image" class="posterior-pair"
                    label=Signal::derive(move || tr(lang.get(), &format!("{texts}.posterior.title")).to_string()) />
            })}
        </section>
    }
}

/// log p(x), the ELBO, the gap and the importance-weighted estimate of one posterior answer,
/// and the pictures' ranges. `testid`: the prefix of the cells' test ids; `texts`: the
/// lesson whose words it uses (see [`ExactPosterior`]).
#[component]
pub fn PosteriorNumbers(
    p: PosteriorView,
    testid: &'static str,
    texts: &'static str,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), &format!("{texts}.posterior.{k}"));
    view! {
        <table class="probs">
            <tr><th>{t("log_px")}</th><td class="num" data-testid=format!("{testid}-log-px")>{fmt_num(p.log_px)}</td></tr>
            <tr><th>{t("elbo")}</th><td class="num" data-testid=format!("{testid}-elbo")>{fmt_num(p.elbo)}</td></tr>
            <tr><th>{t("gap")}</th><td class="num" data-testid=format!("{testid}-gap")>{fmt_num(p.gap)}</td></tr>
            <tr><th>{move || format!("{} (K = {})", tr(lang.get(), &format!("{texts}.posterior.iwae")), p.k)}</th><td class="num" data-testid=format!("{testid}-iwae")>{fmt_num(p.iwae)}</td></tr>
        </table>
        <p class="hint">{move || format!("{} z₁ ∈ [{}, {}], z₂ ∈ [{}, {}]", tr(lang.get(), &format!("{texts}.posterior.pictures")),
            fmt_num(p.lo.0), fmt_num(p.hi.0), fmt_num(p.lo.1), fmt_num(p.hi.1))}</p>
        <p class="hint" data-testid=format!("{testid}-where")>{move || {
            let key = if p.on_gpu { "vae.posterior.on_gpu" } else { "vae.posterior.on_cpu" };
            tr_with(lang.get(), key, &[("n", &p.decodes.to_string())])
        }}</p>
    }
}
