//! Which path a lesson's training runs on — the CPU worker, the GPU and its adapter, or the CPU
//! as a fallback and why — shown above the charts of every lesson that can use the GPU.

use genlab_core::device::ComputePath;
use genlab_core::msg;
use leptos::prelude::*;

use crate::i18n::{message, tr, Lang};

/// One line of status; a fallback or a smaller batch is a notice (it changes what runs).
#[component]
pub fn ComputePathLine(
    /// The lesson's path, from its latest view (`None` before the first view); a memo, so the
    /// line is rebuilt only when the path changes, not at every snapshot.
    path: Signal<Option<ComputePath>>,
) -> impl IntoView {
    let lang = use_context::<RwSignal<Lang>>().unwrap_or(RwSignal::new(Lang::En));
    move || {
        let l = lang.get();
        path.get().map(|p| {
            let (class, kind, text) = match p {
                ComputePath::Cpu => ("path", "cpu", tr(l, "path.cpu").to_string()),
                ComputePath::Requesting => {
                    ("path", "requesting", tr(l, "path.requesting").to_string())
                }
                ComputePath::Gpu {
                    adapter,
                    batch_limited,
                } => {
                    let mut text = format!("{} {adapter}", tr(l, "path.gpu"));
                    if let Some((used, asked)) = batch_limited {
                        let why = msg!("msg.gpu.batch_limited", used as u64, asked as u64);
                        text = format!("{text}. {}", message(l, &why));
                    }
                    let class = if batch_limited.is_some() {
                        "path banner notice"
                    } else {
                        "path"
                    };
                    (class, "gpu", text)
                }
                ComputePath::Fallback { adapter, why } => {
                    let mut text = format!("{} {}", tr(l, "path.fallback"), message(l, &why));
                    if let Some(a) = adapter {
                        text = format!("{text} ({} {a})", tr(l, "path.fallback_from"));
                    }
                    ("path banner notice", "fallback", text)
                }
            };
            view! { <p class=class role="status" data-testid="compute-path" data-path=kind>{text}</p> }
        })
    }
}
