//! The Boltzmann family, all exact (lectures 000–002): every family of couplings on the
//! movie-goers with its exact log-likelihood and weights, why block Gibbs stops being valid,
//! the deep machine trained jointly and greedily, the RBM as a product of experts, and the
//! Gaussian–Bernoulli RBM on 2-D points with its exact density.

mod charts;
mod editors;

use genlab_core::boltzmann::{BoltzmannSettings, BoltzmannView, Couplings, GbMethod};
use genlab_core::lesson::LessonId;
use genlab_core::protocol::LessonView;
use genlab_core::settings::{parse_query, to_query, ChoiceEnum};
use leptos::prelude::*;

use super::controls::{fmt_num, settings_panel};
use super::lesson::Lesson;
use super::plots::{live_history, live_history_with};
use crate::charts::{event_to_data, palette, ChartCanvas, LegendAt, Projector};
use crate::i18n::{message, tr, Lang};

fn view_of<T>(lesson: Lesson, f: impl FnOnce(&BoltzmannView) -> T) -> Option<T> {
    lesson.view.with(|v| match v {
        Some(LessonView::Boltzmann(v)) => Some(f(v)),
        _ => None,
    })
}

/// Test ids per family (chart ids are static strings).
fn family_id(c: Couplings) -> &'static str {
    match c {
        Couplings::VisibleOnly => "family-visible",
        Couplings::Rbm => "family-rbm",
        Couplings::SemiRestricted => "family-semi",
        Couplings::Full => "family-full",
        Couplings::Deep => "family-deep",
    }
}

fn gb_id(m: GbMethod) -> &'static str {
    match m {
        GbMethod::Exact => "gb-exact",
        GbMethod::Cd => "gb-cd",
        GbMethod::Pcd => "gb-pcd",
    }
}

#[component]
pub fn BoltzmannLesson(
    /// Settings from the address.
    query: String,
    /// Steps per second from the address (0 = max).
    speed: f64,
) -> impl IntoView {
    let lesson = Lesson::mount(LessonId::Boltzmann, query, speed);
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let settings = Memo::new(move |_| parse_query::<BoltzmannSettings>(&lesson.query.get(), &[]).0);
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let label = move |k: &'static str| Signal::derive(move || tr(lang.get(), k).to_string());
    // The families' curves with the ceiling every model stays under: the data's own
    // distribution. The curves end at the top right, under the ceiling: the legend goes below.
    let families_chart = live_history_with(
        lesson,
        lang,
        &[
            ("ll_visible", "boltzmann.family.visible", palette::GREY),
            ("ll_rbm", "boltzmann.family.rbm", palette::BLUE),
            ("ll_semi", "boltzmann.family.semi", palette::GREEN),
            ("ll_full", "boltzmann.family.full", palette::VERMILION),
        ],
        "vae.axis.step",
        false,
        move || {
            view_of(lesson, |v| v.best_ll)
                .filter(|b| b.is_finite())
                .map(|b| ("boltzmann.series.best", b))
        },
        LegendAt::LowerRight,
    );
    let dbm_chart = live_history(
        lesson,
        lang,
        &[
            ("ll_joint", "boltzmann.dbm.joint", palette::BLUE),
            ("ll_greedy", "boltzmann.dbm.greedy", palette::VERMILION),
        ],
        "vae.axis.step",
    );
    let gb_chart = live_history(
        lesson,
        lang,
        &[
            ("gb_train_exact", "boltzmann.gb.train_exact", palette::BLUE),
            ("gb_train_cd", "boltzmann.gb.train_cd", palette::ORANGE),
            ("gb_train_pcd", "boltzmann.gb.train_pcd", palette::GREEN),
            ("gb_test_exact", "boltzmann.gb.test_exact", palette::SKY),
            ("gb_test_cd", "boltzmann.gb.test_cd", palette::YELLOW),
            ("gb_test_pcd", "boltzmann.gb.test_pcd", palette::PURPLE),
        ],
        "vae.axis.step",
    );
    let best = move || view_of(lesson, |v| fmt_num(v.best_ll)).unwrap_or_default();
    let full_ll = move || {
        view_of(lesson, |v| {
            v.families
                .iter()
                .find(|f| f.couplings == Couplings::Full)
                .map(|f| f.ll)
        })
        .flatten()
    };
    view! {
        <super::frame::LessonFrame lesson=lesson explain="boltzmann.explain"
                settings={|l: Lesson| settings_panel::<BoltzmannSettings>(l).into_any()}
                theory=Signal::derive(move || {
                    let s = settings.get();
                    let units = s.data.d() as u32 + s.hidden;
                    super::theory::boltzmann_rows(units, full_ll(), s.gb_hidden)
                })>
            <div class="lesson-grid">
                <div class="charts">
                    {move || view_of(lesson, |v| v.problem.clone()).flatten().map(|p| view! {
                        <div class="banner error" role="alert" data-testid="data-problem">{message(lang.get(), &p)}</div>
                    })}
                    <h3>{t("boltzmann.chart.families")}</h3>
                    <p class="hint">{t("boltzmann.families.hint")}</p>
                    <ChartCanvas spec=families_chart testid="chart-families" min_interval_ms=250.0 label=label("boltzmann.chart.families") size="chart-short" />
                    <div class="lane-grid" data-testid="families">
                        {genlab_core::boltzmann::FAMILIES.iter().map(|&c| view! { <FamilyPanel lesson=lesson couplings=c /> }).collect_view()}
                    </div>
                </div>
                <aside class="side">
                    <dl class="readouts">
                        <dt>{t("boltzmann.readout.best")}</dt><dd data-testid="best-ll">{best}</dd>
                    </dl>
                    <p class="hint">{t("boltzmann.gradient.hint")}</p>
                    <super::frame::SettingsSlot />
                </aside>
            </div>
            <super::staged::Staged>
            <editors::MovieData lesson=lesson settings=settings />
            <Samplers lesson=lesson />
            <section data-testid="dbm">
                <h3>{t("boltzmann.chart.dbm")}</h3>
                <p class="hint">{t("boltzmann.dbm.hint")}</p>
                <p class="num" data-testid="dbm-numbers">{move || dbm_numbers(lesson, lang.get())}</p>
                <ChartCanvas spec=dbm_chart testid="chart-dbm" min_interval_ms=250.0 label=label("boltzmann.chart.dbm") size="chart-short" />
            </section>
            <Experts lesson=lesson />
            <section data-testid="gb">
                <h3>{t("boltzmann.chart.gb")}</h3>
                <p class="hint">{t("boltzmann.gb.hint")}</p>
                <p class="hint">{t("boltzmann.gb.remedies")}</p>
                <editors::Points lesson=lesson settings=settings />
                <div class="lane-grid">
                    {GbMethod::ALL.iter().map(|&m| view! { <GbPanel lesson=lesson method=m settings=settings /> }).collect_view()}
                </div>
                <h4>{t("boltzmann.chart.gb_ll")}</h4>
                <ChartCanvas spec=gb_chart testid="chart-gb" min_interval_ms=250.0 label=label("boltzmann.chart.gb_ll") size="chart-short" />
            </section>
            </super::staged::Staged>
        </super::frame::LessonFrame>
    }
}

fn dbm_numbers(lesson: Lesson, lang: Lang) -> String {
    view_of(lesson, |v| {
        v.dbm.as_ref().map(|d| {
            format!(
                "{} {}-{}-{} · {} {} · {} {} · {} {} · {}",
                tr(lang, "boltzmann.dbm.machine"),
                v.families.first().map_or(0, |f| f.units),
                d.h1,
                d.h2,
                tr(lang, "boltzmann.dbm.joint"),
                fmt_num(d.joint_ll),
                tr(lang, "boltzmann.dbm.greedy"),
                fmt_num(d.greedy_ll),
                tr(lang, "boltzmann.dbm.first"),
                fmt_num(d.first_ll),
                tr(lang, &format!("boltzmann.phase.{}", d.phase.key())),
            )
        })
    })
    .flatten()
    .unwrap_or_default()
}

/// One family: its weights and exact numbers.
///
/// `couplings`: which family of the view it shows.
#[component]
fn FamilyPanel(lesson: Lesson, couplings: Couplings) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let id = family_id(couplings);
    let name = format!("boltzmann.family.{}", couplings.key());
    let spec = Signal::derive(move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.families
                .iter()
                .find(|f| f.couplings == couplings)
                .map(|f| charts::weights_spec(&f.weights.0, f.units as usize, l))
        })
        .flatten()
    });
    let numbers = move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.families
                .iter()
                .find(|f| f.couplings == couplings)
                .map(|f| {
                    format!(
                        "{} {} · log Z {} · {} {}",
                        tr(l, "boltzmann.family.ll"),
                        fmt_num(f.ll),
                        fmt_num(f.log_z),
                        f.params,
                        tr(l, "boltzmann.family.params"),
                    )
                })
        })
        .flatten()
        .unwrap_or_default()
    };
    let ll = move || {
        view_of(lesson, |v| {
            v.families
                .iter()
                .find(|f| f.couplings == couplings)
                .map(|f| f.ll.to_string())
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
            <p class="hint num" data-testid=format!("{id}-numbers") data-ll=ll>{numbers}</p>
        </div>
    }
}

/// Sequential against block Gibbs on the RBM and the full machine, exactly.
#[component]
fn Samplers(lesson: Lesson) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let rows = move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.samplers
                .iter()
                .map(|c| {
                    let id = family_id(c.couplings);
                    view! {
                        <tr data-testid=format!("sampler-{id}")>
                            <td>{tr(l, &format!("boltzmann.family.{}", c.couplings.key())).to_string()}</td>
                            <td class="num">{fmt_num(c.sequential_moves)}</td>
                            <td class="num">{fmt_num(c.block_moves)}</td>
                            <td class="num" data-testid=format!("sampler-{id}-off") data-off=c.block_off.to_string()>{fmt_num(c.block_off)}</td>
                            <td class="num">{c.block_steps}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let spec = Signal::derive(move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.samplers
                .iter()
                .find(|c| c.couplings == Couplings::Full)
                .map(|c| charts::sampler_spec(c, l))
        })
        .flatten()
    });
    let label = Signal::derive(move || tr(lang.get(), "boltzmann.chart.samplers").to_string());
    view! {
        <section data-testid="samplers">
            <h3>{t("boltzmann.chart.samplers")}</h3>
            <p class="hint">{t("boltzmann.samplers.hint")}</p>
            <table class="data">
                <thead><tr>
                    <th></th>
                    <th>{t("boltzmann.samplers.sequential")}</th>
                    <th>{t("boltzmann.samplers.block")}</th>
                    <th>{t("boltzmann.samplers.settles")}</th>
                    <th>{t("boltzmann.samplers.steps")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <h4>{t("boltzmann.samplers.chart")}</h4>
            <ChartCanvas spec=spec testid="chart-samplers" label=label size="chart-short" />
        </section>
    }
}

/// The RBM lane as a product of experts: each hidden unit's vote per visible vector, and
/// their normalised product.
#[component]
fn Experts(lesson: Lesson) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let t = move |k: &'static str| move || tr(lang.get(), k);
    let label = move |k: &'static str| Signal::derive(move || tr(lang.get(), k).to_string());
    let votes = Signal::derive(move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.experts.as_ref().map(|e| charts::experts_spec(e, l))
        })
        .flatten()
    });
    let product = Signal::derive(move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.experts.as_ref().map(|e| charts::product_spec(e, l))
        })
        .flatten()
    });
    // The most probable vectors as movie sets, for the hint under the charts.
    let top = move || {
        view_of(lesson, |v| {
            v.experts.as_ref().map(|e| {
                e.vectors
                    .iter()
                    .zip(&e.product.0)
                    .take(4)
                    .map(|(&s, &p)| {
                        let bits: String = (0..e.d)
                            .map(|i| if s >> i & 1 == 1 { '1' } else { '0' })
                            .collect();
                        format!("{bits}: {}", fmt_num(p as f64))
                    })
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
        })
        .flatten()
        .unwrap_or_default()
    };
    let rest = move || {
        view_of(lesson, |v| v.experts.as_ref().map(|e| fmt_num(e.rest)))
            .flatten()
            .unwrap_or_default()
    };
    view! {
        <section data-testid="experts">
            <h3>{t("boltzmann.chart.experts")}</h3>
            <p class="hint">{t("boltzmann.experts.hint")}</p>
            <div class="metric-grid">
                <div>
                    <h4>{t("boltzmann.experts.votes")}</h4>
                    <ChartCanvas spec=votes testid="chart-experts" label=label("boltzmann.experts.votes") size="chart-short" />
                </div>
                <div>
                    <h4>{t("boltzmann.experts.product")}</h4>
                    <ChartCanvas spec=product testid="chart-product" label=label("boltzmann.experts.product") size="chart-short" />
                </div>
            </div>
            <p class="hint num" data-testid="experts-top">{top}" · "{t("boltzmann.experts.rest")}" "{rest}</p>
        </section>
    }
}

/// One Gaussian–Bernoulli lane: the exact density, the points, the components and the
/// chains; a click adds a point (the run restarts on the clicked points).
///
/// `method`: which lane of the view it shows.
#[component]
fn GbPanel(lesson: Lesson, method: GbMethod, settings: Memo<BoltzmannSettings>) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    let projector = use_context::<Projector>().map(|p| p.0);
    let id = gb_id(method);
    let name = format!("boltzmann.gb.lane.{}", method.key());
    let spec = Signal::derive(move || {
        let l = lang.get();
        view_of(lesson, |v| {
            v.gb.lanes
                .iter()
                .find(|x| x.method == method)
                .map(|lane| charts::gb_spec(&v.gb, lane, l))
        })
        .flatten()
    });
    let lane = move |f: &dyn Fn(&genlab_core::boltzmann::GbLaneView, f64) -> String| {
        view_of(lesson, |v| {
            v.gb.lanes
                .iter()
                .find(|x| x.method == method)
                .map(|l| f(l, v.gb.sigma_min))
        })
        .flatten()
        .unwrap_or_default()
    };
    let numbers = move || {
        let l = lang.get();
        lane(&|x, _| {
            format!(
                "{} {} · {} {} · σ = ({}, {})",
                tr(l, "boltzmann.gb.train"),
                fmt_num(x.ll_train),
                tr(l, "boltzmann.gb.test"),
                fmt_num(x.ll_test),
                fmt_num(x.sigma[0]),
                fmt_num(x.sigma[1]),
            )
        })
    };
    let ll = move || lane(&|x, _| x.ll_train.to_string());
    let held = move || {
        let l = lang.get();
        lane(&|x, floor| {
            if x.sigma_held > 0 {
                message(
                    l,
                    &genlab_core::msg!("msg.boltzmann.sigma_held", floor, x.sigma_held),
                )
            } else {
                String::new()
            }
        })
    };
    let on_down = move |e: leptos::ev::PointerEvent| {
        let Some(ext) = view_of(lesson, |v| v.gb.extent) else {
            return;
        };
        let scale = if projector.map(|p| p.get_untracked()).unwrap_or(false) {
            1.6
        } else {
            1.0
        };
        let Some((x, y, _, _)) = event_to_data(&e, scale, (ext[0], ext[1]), (ext[2], ext[3]))
        else {
            return;
        };
        if x < ext[0] || x > ext[1] || y < ext[2] || y > ext[3] {
            return;
        }
        editors::add_point(lesson, settings, x, y);
    };
    let title = {
        let name = name.clone();
        move || tr(lang.get(), &name).to_string()
    };
    let label = Signal::derive(move || tr(lang.get(), &name).to_string());
    view! {
        <div class="lane" data-testid=format!("{id}-panel")>
            <h4>{title}</h4>
            <div class="clickable" on:pointerdown=on_down>
                // Tall: the picture is nearly square, and the legend covers less of it.
                <ChartCanvas spec=spec testid=id label=label size="chart-tall" />
            </div>
            <p class="hint num" data-testid=format!("{id}-numbers") data-ll=ll>{numbers}</p>
            <p class="notice" data-testid=format!("{id}-held")>{held}</p>
        </div>
    }
}

/// Settings as they stand, changed by `f`, sent as an update (the address follows).
fn edit(lesson: Lesson, settings: Memo<BoltzmannSettings>, f: impl FnOnce(&mut BoltzmannSettings)) {
    let mut s = settings.get_untracked();
    f(&mut s);
    lesson.update(to_query(&s));
}
