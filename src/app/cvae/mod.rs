//! The conditional VAE lesson (lecture 000): the latent scatter of the CVAE beside a plain VAE's
//! trained on the same batches (the label leaves z, the classes overlap), the grid for a chosen
//! label, the same style under every label, samples per label, interpolation with the label
//! held or moved, latent arithmetic, the exact posterior p(z|x, y) and the drawing pad.

mod charts;
mod drawing;
use charts::*;

use genlab_core::cvae::{
    ArithmeticView, CvaeAction, CvaeAnswer, CvaeImages, CvaeSettings, CvaeView, Interp,
    SAMPLES_PER_CLASS, SWAP_ROWS,
};
use genlab_core::lesson::LessonId;
use genlab_core::protocol::{LessonAction, LessonAnswer, LessonView};
use genlab_core::settings::{parse_query, to_query};
use genlab_core::vae::{Likelihood, GRID};
use leptos::prelude::*;

use super::controls::{fmt_fixed, fmt_num, settings_panel};
use super::latent::posterior::ExactPosterior;
use super::lesson::Lesson;
use super::plots::live_history;
use crate::charts::{
    event_to_data, palette, ChartCanvas, ChartSpec, ImageCanvas, ImageGrid, Layer, LegendAt,
    Projector,
};
use crate::i18n::{tr, Lang};

const PIXELS: usize = 28 * 28;

fn cvae_view<T>(lesson: Lesson, f: impl FnOnce(&CvaeView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::ConditionalVae(v)) => Some(f(v)),
        _ => None,
    })
}

#[component]
pub fn CvaeLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::ConditionalVae, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let projector = use_context::<Projector>().map(|p| p.0);
    let settings = Memo::new(move |_| parse_query::<CvaeSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let edit = move |f: Box<dyn FnOnce(&mut CvaeSettings)>| {
        let mut s = settings.get_untracked();
        f(&mut s);
        lesson.update(to_query(&s));
    };

    // The pictures arrive only when they changed: keep the latest.
    let images = RwSignal::new(None::<CvaeImages>);
    Effect::new(move |_| {
        lesson.view.with(|v| {
            if let Some(LessonView::ConditionalVae(CvaeView {
                images: Some(im), ..
            })) = v
            {
                images.set(Some(im.clone()));
            }
        })
    });
    // On the GPU the pictures are decoded there and follow the snapshot (in the order asked).
    Effect::new(move |_| {
        if let Some(LessonAnswer::ConditionalVae(CvaeAnswer::Pictures(Some(im)))) =
            lesson.answer.get()
        {
            images.set(Some(*im));
        }
    });
    // The test digit chosen on the scatter (or typed), and the drawn digit's q(z|x, y).
    let chosen = RwSignal::new(None::<u32>);
    let drawn_q = RwSignal::new(None::<super::latent::QShown>);
    let arithmetic =
        Memo::new(move |_| images.with(|im| im.as_ref().and_then(|im| im.arithmetic.clone())));
    let scatter = Memo::new(move |_| {
        let l = lang.get();
        let c = chosen.get();
        let drawn = drawn_q.get();
        let arith = arithmetic.with(|a| a.as_ref().map(|a| [a.za, a.zb, a.zc, a.z]));
        cvae_view(lesson, |v| {
            let chosen = c.and_then(|i| {
                let p = v.test_mu.0.get(2 * i as usize..2 * i as usize + 2)?;
                Some((p[0] as f64, p[1] as f64))
            });
            let marks = Marks {
                chosen,
                drawn,
                arithmetic: arith,
            };
            cvae_scatter(v, &marks, l)
        })
    });
    let vae_scatter = Memo::new(move |_| cvae_view(lesson, vae_scatter));

    let scale = move || {
        if projector.map(|p| p.get_untracked()).unwrap_or(false) {
            1.6
        } else {
            1.0
        }
    };
    // A click picks the nearest test digit within 10 px.
    let pick = move |e: leptos::ev::PointerEvent| {
        let r = cvae_view(lesson, |v| v.half_width).unwrap_or(3.0);
        let Some((x, y, sx, sy)) = event_to_data(&e, scale(), (-r, r), (-r, r)) else {
            return;
        };
        let nearest = cvae_view(lesson, |v| {
            super::plots::nearest_within(&v.test_mu.0, (x, y), (sx, sy), 10.0)
        })
        .flatten();
        if let Some(i) = nearest {
            chosen.set(Some(i as u32));
        }
    };
    let n_test = move || cvae_view(lesson, |v| v.test_labels.0.len()).unwrap_or(0);
    let label_of = move |i: u32| {
        cvae_view(lesson, |v| {
            v.test_labels.0.get(i as usize).map(|&l| l as u8)
        })
        .flatten()
    };

    let history = move |series| live_history(lesson, lang, series, "vae.axis.step");
    let loss_chart = history(&[
        ("test_loss", "cvae.series.cvae_loss", palette::VERMILION),
        ("vae_test_loss", "cvae.series.vae_loss", palette::BLUE),
    ]);
    let knn_chart = history(&[
        ("knn5", "cvae.series.cvae_knn", palette::VERMILION),
        ("vae_knn5", "cvae.series.vae_knn", palette::BLUE),
    ]);

    let grid = Signal::derive(move || {
        images.with(|im| im.as_ref().map(|im| ImageGrid::digits(&im.grid.0, GRID)))
    });
    let swap = Signal::derive(move || {
        images.with(|im| {
            im.as_ref().map(|im| {
                let mut px = Vec::with_capacity(SWAP_ROWS * 11 * PIXELS);
                for r in 0..SWAP_ROWS {
                    px.extend_from_slice(&im.swap_in.0[r * PIXELS..(r + 1) * PIXELS]);
                    px.extend_from_slice(&im.swap.0[r * 10 * PIXELS..(r + 1) * 10 * PIXELS]);
                }
                ImageGrid::digits(&px, 11)
            })
        })
    });
    let per_class = Signal::derive(move || {
        images.with(|im| {
            im.as_ref()
                .map(|im| ImageGrid::digits(&im.per_class.0, SAMPLES_PER_CLASS))
        })
    });
    let strip = Signal::derive(move || {
        images.with(|im| im.as_ref().map(|im| ImageGrid::digits(&im.strip.0, 11)))
    });
    let at_alpha = Signal::derive(move || {
        images.with(|im| im.as_ref().map(|im| ImageGrid::digits(&im.at_alpha.0, 1)))
    });
    // a, b, c as decoded, then the result.
    let arith_image = Signal::derive(move || {
        arithmetic.with(|a| {
            a.as_ref().map(|a| {
                let mut px = a.operands.0.clone();
                px.extend_from_slice(&a.image.0);
                ImageGrid::digits(&px, 4)
            })
        })
    });

    let last = move |name: &'static str| super::plots::last_readout(lesson, name);
    let percent = move |name: &'static str| {
        move || {
            lesson
                .history
                .with(|h| h.last(name))
                .filter(|v| v.is_finite())
                .map(|v| format!("{} %", fmt_fixed(100.0 * v, 1)))
                .unwrap_or_else(|| "—".into())
        }
    };
    let epoch = move || cvae_view(lesson, |v| fmt_fixed(v.epoch, 2)).unwrap_or_default();
    let images_per_sec = move || {
        let r = lesson.rate.get();
        if r > 0.0 {
            format!("{:.0}", r * settings.get().batch as f64)
        } else {
            "—".into()
        }
    };
    let interp_caption = move || {
        let s = settings.get();
        cvae_view(lesson, |v| match s.interp {
            Interp::Style => format!(
                "{} #{} → #{}, y = {}, α = {}",
                tr(lang.get(), "cvae.interp.style"),
                s.from,
                s.to,
                s.class,
                fmt_num(s.alpha)
            ),
            Interp::Label => format!(
                "{} y = {} → {}, z = μ(#{}), α = {}",
                tr(lang.get(), "cvae.interp.label"),
                v.from_label,
                v.to_label,
                s.from,
                fmt_num(s.alpha)
            ),
        })
        .unwrap_or_default()
    };
    let grid_caption = move || {
        let s = settings.get();
        let others = if s.latent > 2 && s.hold_mu {
            format!(
                "; {} #{}",
                tr(lang.get(), "cvae.grid.others_digit"),
                s.hold_digit
            )
        } else if s.latent > 2 {
            format!(
                "; {} {}",
                tr(lang.get(), "cvae.grid.others"),
                fmt_num(s.hold)
            )
        } else {
            String::new()
        };
        format!(
            "{} y = {} (z{}, z{}){}",
            tr(lang.get(), "cvae.grid.caption"),
            s.class,
            s.dim_x + 1,
            s.dim_y + 1,
            others
        )
    };
    let operand = move |name: &'static str, index: u32, mean: bool| {
        let label = label_of(index).map(|l| l.to_string()).unwrap_or_default();
        if mean {
            format!("{name} = {} {label}", tr(lang.get(), "cvae.arith.mean_of"))
        } else {
            format!("{name} = #{index} ({label})")
        }
    };
    let arith_caption = move || {
        let s = settings.get();
        let a: Option<ArithmeticView> = arithmetic.get();
        format!(
            "{}, {}, {} → z_c + (z_a − z_b), y = {}",
            operand("a", s.a, s.a_mean),
            operand("b", s.b, s.b_mean),
            operand("c", s.c, s.c_mean),
            a.map(|a| a.label.to_string()).unwrap_or_default()
        )
    };

    view! {
        <super::frame::LessonFrame lesson=lesson explain="cvae.explain"
                settings={|l: Lesson| settings_panel::<CvaeSettings>(l).into_any()}
                theory=Signal::derive(move || super::theory::cvae_rows(
                    settings.with(|s| (s.likelihood == Likelihood::Gaussian).then_some(s.sigma))))
                path=Signal::from(Memo::new(move |_| cvae_view(lesson, |v| v.path.clone())))>
            <div class="lesson-grid">
                <div class="charts">
                    <div class="latent-pair">
                        <div>
                            <h3>{t("cvae.chart.latent")}</h3>
                            <div class="latent-canvas" on:pointerdown=pick>
                                <ChartCanvas spec=Signal::from(scatter) testid="chart-latent" label=Signal::derive(move || tr(lang.get(), "cvae.chart.latent").to_string()) size="chart-square" />
                            </div>
                            <p class="hint">{t("cvae.latent.hint")}</p>
                        </div>
                        <div>
                            <h3>{t("cvae.chart.vae_latent")}</h3>
                            <ChartCanvas spec=Signal::from(vae_scatter) testid="chart-vae-latent" label=Signal::derive(move || tr(lang.get(), "cvae.chart.vae_latent").to_string()) size="chart-square" />
                        </div>
                    </div>
                    <ul class="digit-legend" aria-label=t("vae.legend")>
                        {(0..10).map(|c| {
                            let rgb = palette::DIGITS[c];
                            view! { <li><span class="swatch" style=format!("background: rgb({}, {}, {})", rgb.0, rgb.1, rgb.2)></span>{c}</li> }
                        }).collect_view()}
                    </ul>
                    <p class="explain" data-testid="knn-why">{t("cvae.knn.why")}</p>
                    <h3>{t("cvae.chart.grid")}</h3>
                    <div class="toolbar" role="group" aria-label=t("cvae.class.pick")>
                        {(0..10u32).map(|c| view! {
                            <button class="small" data-testid=format!("class-{c}")
                                aria-pressed=move || (settings.get().class == c).to_string()
                                on:click=move |_| edit(Box::new(move |s| s.class = c))>{c}</button>
                        }).collect_view()}
                    </div>
                    <p class="hint" data-testid="grid-caption">{grid_caption}</p>
                    <ImageCanvas grid=grid testid="grid-image" label=Signal::derive(move || tr(lang.get(), "cvae.chart.grid").to_string()) class="digit-grid" />
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("vae.readout.epoch")}</dt><dd data-testid="epoch">{epoch}</dd>
                        <dt>{t("cvae.readout.loss")}</dt><dd data-testid="neg-elbo">{last("test_loss")}</dd>
                        <dt>{t("cvae.readout.vae_loss")}</dt><dd data-testid="vae-neg-elbo">{last("vae_test_loss")}</dd>
                        <dt>{t("cvae.readout.knn")}</dt><dd data-testid="knn">{percent("knn5")}</dd>
                        <dt>{t("cvae.readout.vae_knn")}</dt><dd data-testid="vae-knn">{percent("vae_knn5")}</dd>
                        <dt>{t("vae.readout.images_per_sec")}</dt><dd data-testid="images-per-sec">{images_per_sec}</dd>
                    </dl>
                    {move || (settings.with(|s| s.likelihood) == Likelihood::Gaussian).then(|| view! {
                        <p class="hint" data-testid="likelihood-note">{t("vae.likelihood_note")}</p>
                    })}
                    <section class="chosen" data-testid="chosen">
                        <h3>{t("cvae.chosen.title")}</h3>
                        <label>{t("cvae.chosen.digit")} " "
                            <input type="number" min="0" max=move || n_test().saturating_sub(1).to_string() data-testid="chosen-index"
                                prop:value=move || chosen.get().map(|i| i.to_string()).unwrap_or_default()
                                on:change=move |e| {
                                    if let Ok(i) = event_target_value(&e).parse::<u32>() {
                                        let n = n_test() as u32;
                                        chosen.set((n > 0).then(|| i.min(n - 1)));
                                    }
                                } /></label>
                        <p data-testid="chosen-label">{move || chosen.get().and_then(label_of).map(|l| format!("{} {l}", tr(lang.get(), "vae.reparam.label"))).unwrap_or_default()}</p>
                        <div class="toolbar">
                            {[("a", "cvae.chosen.as_a"), ("b", "cvae.chosen.as_b"), ("c", "cvae.chosen.as_c"),
                              ("from", "cvae.chosen.from"), ("to", "cvae.chosen.to"), ("hold", "cvae.chosen.hold")].into_iter().map(|(role, key)| view! {
                                <button class="small" data-testid=format!("use-{role}")
                                    disabled=move || chosen.get().is_none() || (role == "hold" && settings.with(|s| s.latent) <= 2)
                                    on:click=move |_| if let Some(i) = chosen.get_untracked() {
                                        edit(Box::new(move |s| match role {
                                            "a" => { s.a = i; s.a_mean = false }
                                            "b" => { s.b = i; s.b_mean = false }
                                            "c" => { s.c = i; s.c_mean = false }
                                            "from" => s.from = i,
                                            "hold" => { s.hold_mu = true; s.hold_digit = i }
                                            _ => s.to = i,
                                        }))
                                    }>{t(key)}</button>
                            }).collect_view()}
                        </div>
                    </section>
                    <ExactPosterior lesson=lesson index=Signal::from(chosen)
                        request=|index| LessonAction::ConditionalVae(CvaeAction::Posterior { index })
                        reply=|a| match a {
                            LessonAnswer::ConditionalVae(CvaeAnswer::Posterior(p)) => Some(Ok((**p).clone())),
                            LessonAnswer::ConditionalVae(CvaeAnswer::Refused { why }) => Some(Err(why.clone())),
                            _ => None,
                        }
                        texts="cvae" />
                    <drawing::CvaeDrawing lesson=lesson encoded=drawn_q />
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
            <section class="swap">
                <h3>{t("cvae.chart.swap")}</h3>
                <p class="hint">{t("cvae.swap.hint")}</p>
                <ImageCanvas grid=swap testid="swap-image" label=Signal::derive(move || tr(lang.get(), "cvae.chart.swap").to_string()) class="digit-grid" />
            </section>
            <div class="metric-grid">
                <div>
                    <h3>{t("cvae.chart.per_class")}</h3>
                    <p class="hint">{t("cvae.per_class.hint")}</p>
                    <ImageCanvas grid=per_class testid="per-class-image" label=Signal::derive(move || tr(lang.get(), "cvae.chart.per_class").to_string()) class="digit-grid" />
                </div>
                <div>
                    <h3>{t("cvae.chart.arith")}</h3>
                    <p class="hint" data-testid="arith-caption">{arith_caption}</p>
                    <div class="toolbar">
                        {[("a", 0usize), ("b", 1), ("c", 2)].into_iter().map(|(name, k)| view! {
                            <label><input type="checkbox" data-testid=format!("mean-{name}")
                                prop:checked=move || { let s = settings.get(); [s.a_mean, s.b_mean, s.c_mean][k] }
                                on:change=move |e| {
                                    let on = event_target_checked(&e);
                                    edit(Box::new(move |s| match k { 0 => s.a_mean = on, 1 => s.b_mean = on, _ => s.c_mean = on }));
                                } />{move || format!(" {} {name}", tr(lang.get(), "cvae.arith.use_mean"))}</label>
                        }).collect_view()}
                    </div>
                    <ImageCanvas grid=arith_image testid="arith-image" label=Signal::derive(move || tr(lang.get(), "cvae.chart.arith").to_string()) class="digit-strip" />
                    <p class="hint">{t("cvae.arith.pictures")}</p>
                </div>
            </div>
            <section class="interp">
                <h3>{t("cvae.chart.interp")}</h3>
                <div class="toolbar" role="group">
                    <button class="small" data-testid="interp-style" aria-pressed=move || (settings.get().interp == Interp::Style).to_string()
                        on:click=move |_| edit(Box::new(|s| s.interp = Interp::Style))>{t("cvae.interp.move_z")}</button>
                    <button class="small" data-testid="interp-label" aria-pressed=move || (settings.get().interp == Interp::Label).to_string()
                        on:click=move |_| edit(Box::new(|s| s.interp = Interp::Label))>{t("cvae.interp.move_label")}</button>
                </div>
                <p class="hint" data-testid="interp-caption">{interp_caption}</p>
                <div class="interp-row">
                    <ImageCanvas grid=strip testid="strip-image" label=Signal::derive(move || tr(lang.get(), "cvae.chart.interp").to_string()) class="digit-strip" />
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
            </super::staged::Staged>
            <super::staged::Staged>
            <div class="metric-grid">
                <div>
                    <h3>{t("cvae.chart.loss")}</h3>
                    <ChartCanvas spec=loss_chart testid="chart-loss" min_interval_ms=250.0 label=Signal::derive(move || tr(lang.get(), "cvae.chart.loss").to_string()) size="chart-short" />
                </div>
                <div>
                    <h3>{t("cvae.chart.knn")}</h3>
                    <ChartCanvas spec=knn_chart testid="chart-knn" min_interval_ms=250.0 label=Signal::derive(move || tr(lang.get(), "cvae.chart.knn").to_string()) size="chart-short" />
                </div>
            </div>
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}
