//! A digit RBM's log-likelihood, shared by the RBM-on-MNIST and DBN lessons: log Z exact (the
//! sum over every hidden state) or estimated by AIS, saying which and why, the mean log p(v) of
//! the scored train and test digits, and — beside an exact log Z — AIS at 10, 100 and 1,000
//! temperatures, so a student sees the estimator the wide RBMs rely on converge (slowly).

use genlab_core::rbm::log_z::{LikelihoodReport, LogZ, EXACT_MAX_UNITS};
use leptos::prelude::*;

use super::controls::fmt_fixed;
use crate::i18n::{tr, tr_with, Lang};

/// ± to two decimals, in the page's number format.
fn nats(x: f64) -> String {
    fmt_fixed(x, 2)
}

/// The report's block: `report` is the lesson's last one (`None` before the first).
#[component]
pub fn LikelihoodPanel(
    /// The last report, if one was made yet.
    #[prop(into)]
    report: Signal<Option<LikelihoodReport>>,
    /// The text shown before the first report (its `$every`: `every`).
    pending: &'static str,
    /// Steps between reports (or before the first).
    every: u64,
    /// The page language.
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let body = move || {
        let lang = lang.get();
        let Some(r) = report.get() else {
            return view! {
                <p class="hint" data-testid="ll-pending">
                    {tr_with(lang, pending, &[("every", &every.to_string())])}
                </p>
            }
            .into_any();
        };
        let how = match &r.log_z {
            LogZ::Exact(_) => tr_with(lang, "ll.exact", &[("hidden", &r.hidden.to_string())]),
            LogZ::Ais(a) => tr_with(
                lang,
                "ll.ais",
                &[
                    ("runs", &a.runs.len().to_string()),
                    ("chains", &a.chains.to_string()),
                    ("temperatures", &a.temperatures.to_string()),
                    ("spread", &nats(a.spread)),
                    ("limit", &EXACT_MAX_UNITS.to_string()),
                ],
            ),
        };
        let exact = matches!(r.log_z, LogZ::Exact(_));
        let ladder = r
            .ladder
            .iter()
            .map(|a| {
                view! {
                    <tr>
                        <td>{a.temperatures}</td>
                        <td>{nats(a.log_z)}</td>
                        <td>{format!("± {}", nats(a.spread))}</td>
                        <td>{nats(a.log_z - r.log_z.value())}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <dl class="readouts">
                <dt>{tr(lang, "ll.test")}</dt>
                <dd data-testid="ll-test">{nats(r.test_ll)}</dd>
                <dt>{tr(lang, "ll.train")}</dt>
                <dd data-testid="ll-train">{nats(r.train_ll)}</dd>
                <dt>{"log Z"}</dt>
                <dd data-testid="ll-log-z" data-exact=exact.to_string()>{nats(r.log_z.value())}</dd>
            </dl>
            <p class="hint" data-testid="ll-how">
                {tr_with(lang, "ll.at_step", &[("step", &r.step.to_string())])} " " {how}
            </p>
            <Show when=move || exact>
                <table class="probs compact" data-testid="ll-ladder">
                    <thead><tr>
                        <th>{tr(lang, "ll.ladder.temperatures")}</th>
                        <th>{"AIS log Ẑ"}</th>
                        <th>{tr(lang, "ll.ladder.spread")}</th>
                        <th>{tr(lang, "ll.ladder.error")}</th>
                    </tr></thead>
                    <tbody>{ladder.clone()}</tbody>
                </table>
                <p class="hint">{tr(lang, "ll.ladder.hint")}</p>
            </Show>
        }
        .into_any()
    };
    view! {
        <div class="likelihood" data-testid="likelihood">
            <h3>{move || tr(lang.get(), "ll.title")}</h3>
            {body}
        </div>
    }
}
