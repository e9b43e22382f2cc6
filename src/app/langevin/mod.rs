//! Energy models and Langevin sampling (lectures 001 and 002): particles moved by three
//! samplers on a landscape you shape, each beside the exact grid-normalised density (and the
//! slide's update beside the density it really samples); an energy network trained from a
//! replay buffer with its exact held-out likelihood; a classifier beside the same classifier
//! trained as JEM.

mod charts;

use genlab_core::langevin::energy::Well;
use genlab_core::langevin::sampler::Sampler;
use genlab_core::langevin::{LangevinSettings, LangevinView, Start, HALF};
use genlab_core::lesson::LessonId;
use genlab_core::protocol::LessonView;
use genlab_core::settings::{parse_query, percent_encode, to_query, ChoiceEnum};
use leptos::prelude::*;

use super::controls::{fmt_num, settings_panel};
use super::lesson::Lesson;
use super::plots::{live_history, live_history_with, points_by_class};
use crate::charts::{event_to_data, palette, ChartCanvas, Layer, LegendAt, Projector};
use crate::i18n::{tr, Lang};
use charts::{density_spec, points};

fn view_of<T>(lesson: Lesson, f: impl FnOnce(&LangevinView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::Langevin(v)) => Some(f(v)),
        _ => None,
    })
}

/// A part of the view with the picture's grid and half-width, as a memo: the particles change
/// every snapshot, the exact densities only with the landscape and the models' pictures every
/// few dozen steps — a chart built from an unchanged part is neither rebuilt nor redrawn.
fn part<T: Clone + PartialEq + Send + Sync + 'static>(
    lesson: Lesson,
    pick: fn(&LangevinView) -> T,
) -> Memo<Option<(T, usize, f64)>> {
    Memo::new(move |_| view_of(lesson, |v| (pick(v), v.density_grid as usize, v.half)))
}

fn lane_id(s: Sampler) -> &'static str {
    match s {
        Sampler::Slide => "lane-slide",
        Sampler::WellingTeh => "lane-welling_teh",
        Sampler::Mala => "lane-mala",
    }
}

fn wells_text(wells: &[Well]) -> String {
    wells
        .iter()
        .map(|w| format!("{},{},{},{}", w.x, w.y, w.sigma, w.weight))
        .collect::<Vec<_>>()
        .join("; ")
}

#[component]
pub fn LangevinLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Langevin, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let projector = use_context::<Projector>().map(|p| p.0);
    let settings = Memo::new(move |_| parse_query::<LangevinSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let label = move |k: &'static str| Signal::derive(move || tr(lang.get(), k).to_string());
    let edit = move |f: Box<dyn FnOnce(&mut LangevinSettings)>| {
        let mut s = settings.get_untracked();
        f(&mut s);
        lesson.update(to_query(&s));
    };
    let wells_layer = move |s: &LangevinSettings| Layer::Points {
        name: String::new(),
        color: palette::VERMILION,
        points: if s.landscape == genlab_core::langevin::Landscape::Wells {
            s.wells.iter().map(|w| (w.x, w.y)).collect()
        } else {
            vec![]
        },
        radius: 6.0,
    };
    let density = part(lesson, |v| v.density.clone());
    let cold_density = part(lesson, |v| v.cold.clone());
    let exact = Signal::derive(move || {
        let l = lang.get();
        let s = settings.get();
        density.with(|d| {
            d.as_ref().map(|(d, n, half)| {
                let contours = tr(l, "langevin.series.contours");
                density_spec(&d.0, *n, *half, contours, vec![wells_layer(&s)])
            })
        })
    });
    let cold = Signal::derive(move || {
        let l = lang.get();
        cold_density.with(|d| {
            d.as_ref().map(|(d, n, half)| {
                density_spec(&d.0, *n, *half, tr(l, "langevin.series.contours"), vec![])
            })
        })
    });
    // On a log scale: from uniform starts KL begins near 10 and settles two orders lower.
    let kl_chart = live_history_with(
        lesson,
        lang,
        &[
            ("kl_slide", "langevin.kl.slide", palette::VERMILION),
            ("kl_welling_teh", "langevin.kl.welling_teh", palette::BLUE),
            ("kl_mala", "langevin.kl.mala", palette::GREEN),
            ("kl_slide_cold", "langevin.kl.slide_cold", palette::ORANGE),
        ],
        "vae.axis.step",
        true,
        || None,
        LegendAt::UpperRight,
    );
    let ebm_chart = live_history(
        lesson,
        lang,
        &[("ebm_nll", "langevin.ebm.nll", palette::BLUE)],
        "vae.axis.step",
    );
    let jem_chart = live_history(
        lesson,
        lang,
        &[
            ("clf_nll", "langevin.jem.clf_nll", palette::GREY),
            ("jem_nll", "langevin.jem.jem_nll", palette::VERMILION),
            ("clf_acc", "langevin.jem.clf_acc", palette::BLUE),
            ("jem_acc", "langevin.jem.jem_acc", palette::GREEN),
        ],
        "vae.axis.step",
    );
    // Dragging a well: pointer down near its centre, up where it goes (the run restarts on the
    // new landscape); a click away from every well starts the particles there.
    // (well, resizing): a Shift-drag sets the well's σ to the distance dragged.
    let dragging = StoredValue::new(None::<(usize, bool)>);
    let scale = move || {
        if projector.map(|p| p.get_untracked()).unwrap_or(false) {
            1.6
        } else {
            1.0
        }
    };
    let on_down = move |e: leptos::ev::PointerEvent| {
        let Some((x, y, sx, sy)) = event_to_data(&e, scale(), (-HALF, HALF), (-HALF, HALF)) else {
            return;
        };
        if x.abs() > HALF || y.abs() > HALF {
            return;
        }
        let s = settings.get_untracked();
        let near = (s.landscape == genlab_core::langevin::Landscape::Wells)
            .then(|| {
                s.wells
                    .iter()
                    .position(|w| ((w.x - x) * sx).hypot((w.y - y) * sy) < 14.0)
            })
            .flatten();
        match near {
            Some(i) => dragging.set_value(Some((i, e.shift_key()))),
            None => {
                let (x, y) = ((x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0);
                edit(Box::new(move |s| {
                    s.start = Start::Point;
                    s.start_x = x;
                    s.start_y = y;
                }));
            }
        }
    };
    let on_up = move |e: leptos::ev::PointerEvent| {
        let Some((i, resizing)) = dragging.get_value() else {
            return;
        };
        dragging.set_value(None);
        let Some((x, y, _, _)) = event_to_data(&e, scale(), (-HALF, HALF), (-HALF, HALF)) else {
            return;
        };
        let (x, y) = (
            ((x.clamp(-HALF, HALF)) * 100.0).round() / 100.0,
            ((y.clamp(-HALF, HALF)) * 100.0).round() / 100.0,
        );
        edit(Box::new(move |s| {
            if let Some(w) = s.wells.get_mut(i) {
                if resizing {
                    // The same range the address allows.
                    w.sigma = ((w.x - x).hypot(w.y - y).clamp(0.1, 2.0) * 100.0).round() / 100.0;
                } else {
                    w.x = x;
                    w.y = y;
                }
            }
        }));
    };
    let on_wells = move |e: leptos::ev::Event| {
        // Sent as typed: the worker's reader names what it cannot read. The wells are the
        // address's last key.
        let raw = event_target_value(&e);
        let s = settings.get_untracked();
        let query = to_query(&s);
        let cut = query
            .rfind("wells=")
            .map_or(query.len(), |i| i + "wells=".len());
        lesson.update(format!("{}{}", &query[..cut], percent_encode(raw.trim())));
    };
    let lambda = move || {
        view_of(lesson, |v| {
            let note = if v.schedule_converges { "" } else { " ⚠" };
            format!("{}{note}", fmt_num(v.lambda))
        })
        .unwrap_or_default()
    };
    let masses = move || {
        view_of(lesson, |v| {
            v.well_mass
                .iter()
                .zip(&v.well_mass_cold)
                .map(|(p, c)| format!("{} ({})", fmt_num(*p), fmt_num(*c)))
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
    };

    view! {
        <super::frame::LessonFrame lesson=lesson explain="langevin.explain"
                settings={|l: Lesson| settings_panel::<LangevinSettings>(l).into_any()}
                theory=Signal::derive(move || {
                    let s = settings.get();
                    super::theory::langevin_rows(s.step_size(0), s.gamma)
                })>
            <div class="lesson-grid">
                <div class="charts">
                    <h3>{t("langevin.chart.landscape")}</h3>
                    <p class="hint">{t("langevin.landscape.hint")}</p>
                    <div class="metric-grid">
                        <div>
                            <h4>{t("langevin.exact")}</h4>
                            <div class="clickable" on:pointerdown=on_down on:pointerup=on_up>
                                <ChartCanvas spec=exact testid="chart-exact" label=label("langevin.exact") size="chart-tall" />
                            </div>
                        </div>
                        <div>
                            <h4>{t("langevin.cold")}</h4>
                            <ChartCanvas spec=cold testid="chart-cold" label=label("langevin.cold") size="chart-tall" />
                        </div>
                    </div>
                    <div class="toolbar">
                        <label for="wells-input">{t("langevin.wells.label")}</label>
                        <input id="wells-input" type="text" data-testid="wells-input"
                            prop:value=move || settings.with(|s| wells_text(&s.wells)) on:change=on_wells />
                    </div>
                    <div class="lane-grid">
                        {Sampler::ALL.iter().map(|&s| view! { <SamplerPanel lesson=lesson sampler=s /> }).collect_view()}
                    </div>
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("langevin.readout.lambda")}</dt><dd data-testid="lambda">{lambda}</dd>
                        <dt>{t("langevin.readout.masses")}</dt><dd data-testid="well-masses">{masses}</dd>
                    </dl>
                    <p class="hint">{t("langevin.gamma.hint")}</p>
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
            <h3>{t("langevin.chart.kl")}</h3>
            <ChartCanvas spec=kl_chart testid="chart-kl" min_interval_ms=250.0 label=label("langevin.chart.kl") size="chart-short" />
            <Ebm lesson=lesson settings=settings />
            <h4>{t("langevin.chart.ebm_nll")}</h4>
            <ChartCanvas spec=ebm_chart testid="chart-ebm-nll" min_interval_ms=250.0 label=label("langevin.chart.ebm_nll") size="chart-short" />
            <Jem lesson=lesson />
            <h4>{t("langevin.chart.jem")}</h4>
            <ChartCanvas spec=jem_chart testid="chart-jem" min_interval_ms=250.0 label=label("langevin.chart.jem") size="chart-short" />
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}

/// One sampler: its particles' histogram with the particles on it, and its exact numbers.
///
/// `sampler`: which lane of the view it shows.
#[component]
fn SamplerPanel(lesson: Lesson, sampler: Sampler) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let id = lane_id(sampler);
    let name = format!("langevin.sampler.{}", sampler.key());
    let spec = Signal::derive(move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.lanes.iter().find(|x| x.sampler == sampler).map(|lane| {
                density_spec(
                    &lane.hist.0,
                    v.hist_grid as usize,
                    v.half,
                    "",
                    vec![points(
                        tr(l, "langevin.series.particles"),
                        palette::ORANGE,
                        &lane.particles.0,
                        1.4,
                    )],
                )
            })
        })
        .flatten()
    });
    let numbers = move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.lanes.iter().find(|x| x.sampler == sampler).map(|lane| {
                let mut out = format!("KL(h ‖ p) {}", fmt_num(lane.kl));
                if sampler == Sampler::Slide {
                    out += &format!(" · KL(h ‖ e^(−4E)/Z) {}", fmt_num(lane.kl_cold));
                }
                if lane.accept.is_finite() {
                    out += &format!(" · {} {}", tr(l, "langevin.accept"), fmt_num(lane.accept));
                }
                if !lane.well_share.is_empty() {
                    let shares: Vec<String> = lane.well_share.iter().map(|s| fmt_num(*s)).collect();
                    out += &format!(
                        " · {} {} · {} {}",
                        tr(l, "langevin.shares"),
                        shares.join(" / "),
                        tr(l, "langevin.hops"),
                        lane.hops
                    );
                }
                out
            })
        })
        .flatten()
        .unwrap_or_default()
    };
    let kl = move || {
        view_of(lesson, |v| {
            v.lanes
                .iter()
                .find(|x| x.sampler == sampler)
                .map(|l| l.kl.to_string())
        })
        .flatten()
        .unwrap_or_default()
    };
    let title = {
        let name = name.clone();
        move || tr(lang.get(), &name).to_string()
    };
    let label = Signal::derive(move || tr(lang.get(), &name).to_string());
    view! {
        <div class="lane" data-testid=format!("{id}-panel")>
            <h4>{title}</h4>
            <ChartCanvas spec=spec testid=id label=label size="chart-short" />
            <p class="hint num" data-testid=format!("{id}-numbers") data-kl=kl>{numbers}</p>
        </div>
    }
}

/// The energy model: its normalised density over the data, the buffer and the last chains; a
/// click adds a point it learns instead of the toy set.
#[component]
fn Ebm(lesson: Lesson, settings: Memo<LangevinSettings>) -> impl IntoView {
    let projector = use_context::<Projector>().map(|p| p.0);
    let scale = move || {
        if projector.map(|p| p.get_untracked()).unwrap_or(false) {
            1.6
        } else {
            1.0
        }
    };
    let on_down = move |e: leptos::ev::PointerEvent| {
        let Some((x, y, _, _)) = event_to_data(&e, scale(), (-HALF, HALF), (-HALF, HALF)) else {
            return;
        };
        if x.abs() > HALF || y.abs() > HALF {
            return;
        }
        let mut s = settings.get_untracked();
        if s.ebm_points.len() < genlab_core::langevin::MAX_CLICKED {
            s.ebm_points.push(genlab_core::transport::settings::Point {
                x: (x * 100.0).round() / 100.0,
                y: (y * 100.0).round() / 100.0,
                w: 1.0,
            });
            lesson.update(to_query(&s));
        }
    };
    let count = move || settings.with(|s| s.ebm_points.len());
    let clear = move |_| {
        let mut s = settings.get_untracked();
        s.ebm_points.clear();
        lesson.update(to_query(&s));
    };
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let ebm = part(lesson, |v| v.ebm.clone());
    let spec = Signal::derive(move || {
        let l = lang.get();
        ebm.with(|e| {
            e.as_ref().map(|(e, n, half)| {
                let mut top = vec![
                    points(
                        tr(l, "langevin.series.data"),
                        palette::BLACK,
                        &e.data.0,
                        1.6,
                    ),
                    points(
                        tr(l, "langevin.series.buffer"),
                        palette::ORANGE,
                        &e.buffer.0,
                        1.4,
                    ),
                ];
                for p in &e.paths {
                    top.push(Layer::Line {
                        name: String::new(),
                        color: palette::VERMILION,
                        points: charts::pairs(&p.0),
                        dashed: false,
                    });
                }
                density_spec(
                    &e.density.0,
                    *n,
                    *half,
                    tr(l, "langevin.series.contours"),
                    top,
                )
            })
        })
    });
    let numbers = move || {
        view_of(lesson, |v| {
            format!(
                "{} {} · ρ̂ = {}",
                tr(lang.get(), "langevin.ebm.nll"),
                fmt_num(v.ebm.nll),
                fmt_num(v.ebm.restart_rate)
            )
        })
        .unwrap_or_default()
    };
    let nll = move || view_of(lesson, |v| v.ebm.nll.to_string()).unwrap_or_default();
    let label = Signal::derive(move || tr(lang.get(), "langevin.chart.ebm").to_string());
    view! {
        <section data-testid="ebm">
            <h3>{t("langevin.chart.ebm")}</h3>
            <p class="hint">{t("langevin.ebm.hint")}</p>
            <div class="toolbar">
                <span data-testid="ebm-points-count">{t("langevin.ebm.points")}" ("{count}" / "{genlab_core::langevin::MAX_CLICKED}")"</span>
                <button data-testid="ebm-clear" disabled=move || count() == 0 on:click=clear>{t("langevin.ebm.clear")}</button>
            </div>
            <div class="clickable" on:pointerdown=on_down>
                <ChartCanvas spec=spec testid="chart-ebm" label=label size="chart-tall" />
            </div>
            <p class="num" data-testid="ebm-numbers" data-nll=nll>{numbers}</p>
        </section>
    }
}

/// The plain classifier beside JEM: decision regions and p(x) with class-conditional samples.
#[component]
fn Jem(lesson: Lesson) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let jem = part(lesson, |v| v.jem.clone());
    let panel = move |i: usize| {
        let regions = Signal::derive(move || {
            jem.with(|j| {
                let (jem, n, half) = j.as_ref()?;
                jem.lanes.get(i).map(|lane| {
                    let mut spec = density_spec(
                        &lane.decision.0,
                        *n,
                        *half,
                        "",
                        points_by_class(&jem.data.0, jem.labels.0.iter().map(|&c| c as usize)),
                    );
                    if let Some(Layer::Heatmap { hi, .. }) = spec.layers.first_mut() {
                        *hi = (jem.classes.max(2) - 1) as f64;
                    }
                    spec
                })
            })
        });
        let density = Signal::derive(move || {
            let l = lang.get();
            jem.with(|j| {
                let (jem, n, half) = j.as_ref()?;
                jem.lanes.get(i).map(|lane| {
                    density_spec(
                        &lane.density.0,
                        *n,
                        *half,
                        tr(l, "langevin.series.contours"),
                        points_by_class(
                            &lane.samples.0,
                            lane.sample_labels.0.iter().map(|&c| c as usize),
                        ),
                    )
                })
            })
        });
        let numbers = move || {
            view_of(lesson, |v| {
                v.jem.lanes.get(i).map(|lane| {
                    format!(
                        "{} {} · {} {}",
                        tr(lang.get(), "langevin.jem.accuracy"),
                        fmt_num(lane.accuracy),
                        tr(lang.get(), "langevin.jem.nll"),
                        fmt_num(lane.nll)
                    )
                })
            })
            .flatten()
            .unwrap_or_default()
        };
        let nll = move || {
            view_of(lesson, |v| v.jem.lanes.get(i).map(|l| l.nll.to_string()))
                .flatten()
                .unwrap_or_default()
        };
        let (name, rid, did, nid) = if i == 0 {
            (
                "langevin.jem.clf",
                "jem-clf-regions",
                "jem-clf-density",
                "jem-clf-numbers",
            )
        } else {
            (
                "langevin.jem.jem",
                "jem-jem-regions",
                "jem-jem-density",
                "jem-jem-numbers",
            )
        };
        let label = Signal::derive(move || tr(lang.get(), name).to_string());
        view! {
            <div class="lane">
                <h4>{move || tr(lang.get(), name)}</h4>
                <ChartCanvas spec=regions testid=rid label=label size="chart-short" />
                <ChartCanvas spec=density testid=did label=label size="chart-short" />
                <p class="hint num" data-testid=nid data-nll=nll>{numbers}</p>
            </div>
        }
    };
    view! {
        <section data-testid="jem">
            <h3>{t("langevin.chart.jem_models")}</h3>
            <p class="hint">{t("langevin.jem.hint")}</p>
            <div class="metric-grid">{panel(0)}{panel(1)}</div>
        </section>
    }
}
