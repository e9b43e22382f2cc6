//! The VAE lesson: loss curves, the latent scatter of the test digits (drag through it to decode
//! any point, hover a digit to see it encoded), the decoded 15×15 grid, interpolation, samples,
//! reconstructions and the reparameterisation step of one digit.

mod charts;
mod drawing;
mod explorer;
use charts::*;
use explorer::*;

use genlab_core::lesson::LessonId;
use genlab_core::protocol::{LessonAction, LessonAnswer, LessonView};
use genlab_core::settings::{parse_query, to_query};
use genlab_core::vae::{
    Ends, Inspection, Likelihood, VaeAction, VaeAnswer, VaeImages, VaeSettings, VaeView, GRID,
};
use leptos::prelude::*;

use super::controls::{fmt_fixed, fmt_num, settings_panel};
use super::latent::posterior::ExactPosterior;
use super::lesson::Lesson;
use super::plots::live_history;
use crate::charts::{
    arrow_nudge, event_to_data, palette, ChartCanvas, ChartSpec, ImageCanvas, ImageGrid, Layer,
    LegendAt, Projector,
};
use crate::i18n::{tr, Lang};

const SIDE: usize = 28;

fn vae_view<T>(lesson: Lesson, f: impl FnOnce(&VaeView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::Vae(v)) => Some(f(v)),
        _ => None,
    })
}

#[component]
pub fn VaeLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Vae, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let projector = use_context::<Projector>().map(|p| p.0);
    let settings = Memo::new(move |_| parse_query::<VaeSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);

    // The pictures arrive only when they changed: keep the latest.
    let images = RwSignal::new(None::<VaeImages>);
    Effect::new(move |_| {
        lesson.view.with(|v| {
            if let Some(LessonView::Vae(VaeView {
                images: Some(im), ..
            })) = v
            {
                images.set(Some(im.clone()));
            }
        })
    });
    // The explorer's point, the digit under inspection, and what the worker answered.
    let explore = RwSignal::new(Some((0.0f64, 0.0f64)));
    let explored = RwSignal::new(None::<((f64, f64), Vec<f32>)>);
    let inspected = RwSignal::new(None::<Inspection>);
    let inspect_at = RwSignal::new(None::<(u32, u32)>);
    Effect::new(move |_| {
        if let Some(LessonAnswer::Vae(a)) = lesson.answer.get() {
            match a {
                VaeAnswer::Decoded { z, image } => explored.set(Some((z, image.0))),
                VaeAnswer::Inspected(i) => inspected.set(Some(*i)),
                VaeAnswer::Samples { images: s } => images.update(|im| {
                    if let Some(im) = im {
                        im.samples = s;
                    }
                }),
                // Decoded on the GPU after the snapshot they belong to (in the order asked).
                VaeAnswer::Pictures(Some(im)) => images.set(Some(*im)),
                VaeAnswer::Pictures(None) => {}
                // The exact-posterior panel and the drawing pad take their own answers (and the
                // refusals they wait for).
                VaeAnswer::Posterior(_) | VaeAnswer::Drawn(_) | VaeAnswer::Refused { .. } => {}
            }
        }
    });
    // New parameters: ask again for what the explorer and the inspector show.
    Effect::new(move |_| {
        images.track();
        if let Some(z) = explore.get_untracked() {
            lesson.act(LessonAction::Vae(VaeAction::Decode { z }));
        }
        if let Some((index, draw)) = inspect_at.get_untracked() {
            lesson.act(LessonAction::Vae(VaeAction::Inspect { index, draw }));
        }
    });

    let LatentInput {
        on_down,
        on_move,
        on_up,
        on_key,
    } = latent_input(lesson, explore, inspect_at, projector);

    let edit = move |f: Box<dyn FnOnce(&mut VaeSettings)>| {
        let mut s = settings.get_untracked();
        f(&mut s);
        lesson.update(to_query(&s));
    };

    // A memo: snapshots arrive at 30 Hz but the codes change only when the test split is
    // re-scored, and an unchanged spec must not redraw 1,000 dots.
    // The drawn digit's q(z|x) (μ, σ), from the drawing pad.
    let drawn_q = RwSignal::new(None::<super::latent::QShown>);
    let scatter = Memo::new(move |_| {
        let e = explore.get();
        let l = lang.get();
        let mut ellipses: Vec<QEllipse> = vec![];
        if let Some((mu, sigma)) = inspected.with(|i| i.as_ref().map(|i| (i.mu, i.sigma))) {
            ellipses.push((
                tr(l, "vae.series.q_inspected").into(),
                palette::BLACK,
                mu,
                sigma,
            ));
        }
        if let Some((mu, sigma)) = drawn_q.get() {
            ellipses.push((
                tr(l, "vae.series.q_drawn").into(),
                palette::PURPLE,
                mu,
                sigma,
            ));
        }
        vae_view(lesson, |v| scatter_spec(v, e, &ellipses, l))
    });
    let history = move |series| live_history(lesson, lang, series, "vae.axis.step");
    let rec_chart = history(&[
        ("train_rec", "vae.series.train", palette::BLUE),
        ("test_rec", "vae.series.test", palette::VERMILION),
    ]);
    let kl_chart = history(&[
        ("train_kl", "vae.series.train_kl", palette::BLUE),
        ("test_kl", "vae.series.test_kl", palette::VERMILION),
    ]);
    let knn_chart = history(&[("knn5", "vae.series.knn", palette::GREEN)]);

    let grid = Signal::derive(move || {
        images.with(|im| im.as_ref().map(|im| ImageGrid::digits(&im.grid.0, GRID)))
    });
    let strip = Signal::derive(move || {
        images.with(|im| im.as_ref().map(|im| ImageGrid::digits(&im.strip.0, 11)))
    });
    let at_alpha = Signal::derive(move || {
        images.with(|im| im.as_ref().map(|im| ImageGrid::digits(&im.at_alpha.0, 1)))
    });
    let samples = Signal::derive(move || {
        images.with(|im| im.as_ref().map(|im| ImageGrid::digits(&im.samples.0, 8)))
    });
    let recon = Signal::derive(move || {
        images.with(|im| {
            im.as_ref().map(|im| {
                let mut px = im.recon_in.0.clone();
                px.extend_from_slice(&im.recon_out.0);
                ImageGrid::digits(&px, im.recon_in.0.len() / (SIDE * SIDE))
            })
        })
    });
    let explored_image = Signal::derive(move || {
        explored.with(|e| e.as_ref().map(|(_, px)| ImageGrid::digits(px, 1)))
    });
    let inspect_images = Signal::derive(move || {
        inspected.with(|i| {
            i.as_ref().map(|i| {
                let mut px = i.image.0.clone();
                px.extend_from_slice(&i.recon.0);
                px.extend_from_slice(&i.sampled.0);
                ImageGrid::digits(&px, 3)
            })
        })
    });
    let grid_caption = move || {
        images.with(|im| {
            im.as_ref().map(|im| {
                let lo = im.grid_z1.0.first().copied().unwrap_or(0.0);
                let hi = im.grid_z1.0.last().copied().unwrap_or(0.0);
                let key = if im.grid_from_prior {
                    "vae.grid.prior"
                } else {
                    "vae.grid.codes"
                };
                format!(
                    "{} (z₁, z₂ ∈ [{}, {}])",
                    tr(lang.get(), key),
                    fmt_num(lo as f64),
                    fmt_num(hi as f64)
                )
            })
        })
    };

    let last = move |name: &'static str| super::plots::last_readout(lesson, name);
    let knn = move || {
        lesson
            .history
            .with(|h| h.last("knn5"))
            .filter(|v| v.is_finite())
            .map(|v| format!("{} %", fmt_fixed(100.0 * v, 1)))
            .unwrap_or_else(|| "—".into())
    };
    let spread = move || {
        vae_view(lesson, |v| {
            format!("{} / {}", fmt_num(v.latent_std.0), fmt_num(v.latent_std.1))
        })
        .unwrap_or_default()
    };
    let epoch = move || vae_view(lesson, |v| fmt_fixed(v.epoch, 2)).unwrap_or_default();
    let images_per_sec = move || {
        let r = lesson.rate.get();
        if r > 0.0 {
            format!("{:.0}", r * settings.get().batch as f64)
        } else {
            "—".into()
        }
    };
    let explored_z = move || {
        explored
            .with(|e| {
                e.as_ref()
                    .map(|(z, _)| format!("z = ({}, {})", fmt_num(z.0), fmt_num(z.1)))
            })
            .unwrap_or_default()
    };
    let pair = |p: (f64, f64)| format!("({}, {})", fmt_num(p.0), fmt_num(p.1));
    let endpoints = move || {
        let s = settings.get();
        vae_view(lesson, |v| match s.ends {
            Ends::Digits => format!(
                "{} #{} ({}) → #{} ({}), α = {}",
                tr(lang.get(), "vae.interp.between"),
                s.from,
                v.from_label,
                s.to,
                v.to_label,
                fmt_num(s.alpha)
            ),
            Ends::Points => format!(
                "{} {} → {}, α = {}",
                tr(lang.get(), "vae.interp.between_points"),
                pair(v.from_z),
                pair(v.to_z),
                fmt_num(s.alpha)
            ),
        })
        .unwrap_or_default()
    };
    // The explored point as an interpolation end (rounded: it goes into the address).
    let use_point = move |first: bool| {
        if let Some((x, y)) = explore.get_untracked() {
            let (x, y) = ((x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0);
            edit(Box::new(move |s| {
                s.ends = Ends::Points;
                if first {
                    (s.ax, s.ay) = (x, y);
                } else {
                    (s.bx, s.by) = (x, y);
                }
            }));
        }
    };

    view! {
        <super::frame::LessonFrame lesson=lesson explain="vae.explain"
                settings={|l: Lesson| settings_panel::<VaeSettings>(l).into_any()}
                theory=Signal::derive(move || super::theory::vae_rows(
                    inspected.with(|i| i.as_ref().map(|i| (i.rec, i.kl, i.mu, i.sigma))),
                    settings.with(|s| (s.likelihood == Likelihood::Gaussian).then_some(s.sigma))))
                path=Signal::from(Memo::new(move |_| vae_view(lesson, |v| v.path.clone())))>
            {move || vae_view(lesson, |v| v.on_prior).unwrap_or(false).then(|| view! {
                <div class="banner notice" role="status" data-testid="on-prior">{t("vae.on_prior")}</div>
            })}
            {move || vae_view(lesson, |v| v.collapsed).unwrap_or(false).then(|| view! {
                <div class="banner notice" role="status" data-testid="collapsed">{t("vae.collapsed")}</div>
            })}
            <div class="lesson-grid">
                <div class="charts">
                    <h3>{t("vae.chart.latent")}</h3>
                    <p class="hint">{t("vae.latent.hint")} " " {t("vae.latent.keys")}</p>
                    <div class="latent-row">
                        <div class="latent-canvas" tabindex="0" data-testid="latent-keys" aria-label=t("vae.latent.keys") on:keydown=on_key
                            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointerleave=on_up>
                            <ChartCanvas spec=Signal::from(scatter) testid="chart-latent" label=Signal::derive(move || tr(lang.get(), "vae.chart.latent").to_string()) size="chart-square" />
                        </div>
                        <div class="explorer">
                            <h4>{t("vae.explore.title")}</h4>
                            <ImageCanvas grid=explored_image testid="explore-image" label=Signal::derive(move || tr(lang.get(), "vae.explore.title").to_string()) class="digit-large" />
                            <p class="mono" data-testid="explore-z">{explored_z}</p>
                            <button class="small" data-testid="point-from" on:click=move |_| use_point(true)>{t("vae.interp.point_from")}</button>
                            <button class="small" data-testid="point-to" on:click=move |_| use_point(false)>{t("vae.interp.point_to")}</button>
                        </div>
                    </div>
                    <ul class="digit-legend" aria-label=t("vae.legend")>
                        {(0..10).map(|c| {
                            let rgb = palette::DIGITS[c];
                            view! { <li><span class="swatch" style=format!("background: rgb({}, {}, {})", rgb.0, rgb.1, rgb.2)></span>{c}</li> }
                        }).collect_view()}
                    </ul>
                    <h3>{t("vae.chart.grid")}</h3>
                    <p class="hint">{grid_caption}</p>
                    <ImageCanvas grid=grid testid="grid-image" label=Signal::derive(move || tr(lang.get(), "vae.chart.grid").to_string()) class="digit-grid" />
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("vae.readout.epoch")}</dt><dd data-testid="epoch">{epoch}</dd>
                        <dt>{t("vae.readout.test_loss")}</dt><dd data-testid="neg-elbo">{last("test_loss")}</dd>
                        <dt>{t("vae.readout.test_rec")}</dt><dd data-testid="test-rec">{last("test_rec")}</dd>
                        <dt>{t("vae.readout.test_kl")}</dt><dd data-testid="test-kl">{last("test_kl")}</dd>
                        <dt>{t("vae.readout.knn")}</dt><dd data-testid="knn">{knn}</dd>
                        <dt>{t("vae.readout.spread")}</dt><dd data-testid="spread">{spread}</dd>
                        <dt>{t("vae.readout.images_per_sec")}</dt><dd data-testid="images-per-sec">{images_per_sec}</dd>
                    </dl>
                    {move || (settings.with(|s| s.likelihood) == Likelihood::Gaussian).then(|| view! {
                        <p class="hint" data-testid="likelihood-note">{t("vae.likelihood_note")}</p>
                    })}
                    <section class="reparam" data-testid="reparam">
                        <h3>{t("vae.reparam.title")}</h3>
                        {move || match inspected.get() {
                            None => view! { <p class="hint">{t("vae.reparam.hint")}</p> }.into_any(),
                            Some(i) => view! {
                                <p>{format!("{} #{} ({} {})", tr(lang.get(), "vae.reparam.digit"), i.index, tr(lang.get(), "vae.reparam.label"), i.label)}</p>
                                <table class="probs">
                                    <tr><th>"μ"</th><td class="num" data-testid="reparam-mu">{pair(i.mu)}</td></tr>
                                    <tr><th>"σ = exp(½ log σ²)"</th><td class="num">{pair(i.sigma)}</td></tr>
                                    <tr><th>"ε ~ N(0, I)"</th><td class="num">{pair(i.eps)}</td></tr>
                                    <tr><th>"z = μ + σ ⊙ ε"</th><td class="num" data-testid="reparam-z">{pair(i.z)}</td></tr>
                                    <tr><th>{t("vae.reparam.rec")}</th><td class="num">{fmt_num(i.rec)}</td></tr>
                                    <tr><th>{t("vae.reparam.kl")}</th><td class="num">{fmt_num(i.kl)}</td></tr>
                                </table>
                                <p class="hint">{t("vae.reparam.images")}</p>
                            }.into_any(),
                        }}
                        <ImageCanvas grid=inspect_images testid="inspect-images" label=Signal::derive(move || tr(lang.get(), "vae.reparam.images").to_string()) class="digit-row" />
                        <div class="toolbar">
                            <button data-testid="new-eps" disabled=move || inspected.with(|i| i.is_none()) on:click=move |_| {
                                if let Some((index, draw)) = inspect_at.get_untracked() {
                                    inspect_at.set(Some((index, draw + 1)));
                                    lesson.act(LessonAction::Vae(VaeAction::Inspect { index, draw: draw + 1 }));
                                }
                            }>{t("vae.reparam.new_eps")}</button>
                            <button data-testid="set-from" disabled=move || inspected.with(|i| i.is_none()) on:click=move |_| {
                                if let Some(i) = inspected.get_untracked() { edit(Box::new(move |s| { s.ends = Ends::Digits; s.from = i.index })); }
                            }>{t("vae.interp.set_from")}</button>
                            <button data-testid="set-to" disabled=move || inspected.with(|i| i.is_none()) on:click=move |_| {
                                if let Some(i) = inspected.get_untracked() { edit(Box::new(move |s| { s.ends = Ends::Digits; s.to = i.index })); }
                            }>{t("vae.interp.set_to")}</button>
                        </div>
                    </section>
                    <ExactPosterior lesson=lesson
                        index=Signal::derive(move || inspected.with(|i| i.as_ref().map(|i| i.index)))
                        request=|index| LessonAction::Vae(VaeAction::Posterior { index })
                        reply=|a| match a {
                            LessonAnswer::Vae(VaeAnswer::Posterior(p)) => Some(Ok((**p).clone())),
                            LessonAnswer::Vae(VaeAnswer::Refused { why }) => Some(Err(why.clone())),
                            _ => None,
                        }
                        texts="vae" />
                    <drawing::DrawingPad lesson=lesson encoded=drawn_q />
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
            <section class="interp">
                <h3>{t("vae.chart.interp")}</h3>
                <p class="hint" data-testid="interp-endpoints">{endpoints}</p>
                <div class="interp-row">
                    <ImageCanvas grid=strip testid="strip-image" label=Signal::derive(move || tr(lang.get(), "vae.chart.interp").to_string()) class="digit-strip" />
                    <ImageCanvas grid=at_alpha testid="alpha-image" label=Signal::derive(move || tr(lang.get(), "vae.interp.at_alpha").to_string()) class="digit-medium" />
                </div>
                <label class="alpha">"α " <input type="range" min="0" max="1" step="0.01" data-testid="alpha"
                    prop:value=move || settings.get().alpha.to_string()
                    on:input=move |e| {
                        if let Ok(a) = event_target_value(&e).parse::<f64>() {
                            edit(Box::new(move |s| s.alpha = a));
                        }
                    } /></label>
            </section>
            <div class="metric-grid">
                <div>
                    <h3>{t("vae.chart.samples")}
                        <button class="small" data-testid="resample" on:click=move |_| lesson.act(LessonAction::Vae(VaeAction::Resample))>{t("vae.samples.new")}</button>
                    </h3>
                    <ImageCanvas grid=samples testid="samples-image" label=Signal::derive(move || tr(lang.get(), "vae.chart.samples").to_string()) />
                </div>
                <div>
                    <h3>{t("vae.chart.recon")}</h3>
                    <ImageCanvas grid=recon testid="recon-image" label=Signal::derive(move || tr(lang.get(), "vae.chart.recon").to_string()) />
                </div>
            </div>
            </super::staged::Staged>
            <super::staged::Staged>
            <div class="metric-grid">
                <div>
                    <h3>{t("vae.chart.rec")}</h3>
                    <ChartCanvas spec=rec_chart testid="chart-rec" min_interval_ms=250.0 label=Signal::derive(move || tr(lang.get(), "vae.chart.rec").to_string()) size="chart-short" />
                </div>
                <div>
                    <h3>{t("vae.chart.kl")}</h3>
                    <ChartCanvas spec=kl_chart testid="chart-kl" min_interval_ms=250.0 label=Signal::derive(move || tr(lang.get(), "vae.chart.kl").to_string()) size="chart-short" />
                </div>
                <div>
                    <h3>{t("vae.chart.knn")}</h3>
                    <ChartCanvas spec=knn_chart testid="chart-knn" min_interval_ms=250.0 label=Signal::derive(move || tr(lang.get(), "vae.chart.knn").to_string()) size="chart-short" />
                </div>
            </div>
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}
