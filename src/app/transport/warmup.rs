//! The page's half of the first-edit rehearsal (the worker's half is `lesson::rehearsal`).

use super::*;

/// Warm-up. A browser runs freshly loaded wasm in a baseline tier and optimises what runs
/// often, so the first edit after loading would take two or three frames where later ones take
/// a third of one. Once the first view is in, the page's half of an edit is rehearsed a few
/// times in idle moments: decode the worker's last message again, print and parse the
/// settings, rebuild every chart from the view and draw it on a detached canvas. Nothing on
/// screen changes.
pub(super) fn rehearse_page(lesson: Lesson, lang: RwSignal<Lang>) {
    let rehearsed = StoredValue::new(false);
    Effect::new(move |_| {
        if rehearsed.get_value() || lesson.view.with(|v| v.is_none()) {
            return;
        }
        rehearsed.set_value(true);
        for round in 0..8u32 {
            set_timeout(
                move || {
                    let Some(l) = lang.try_get_untracked() else {
                        return;
                    };
                    lesson.decode_last_again();
                    let Some(q) = lesson.query.try_get_untracked() else {
                        return;
                    };
                    let again = to_query(&parse_query::<TransportSettings>(&q, &[]).0);
                    use wasm_bindgen::JsCast;
                    let canvas = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.create_element("canvas").ok())
                        .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
                    let specs = tv(lesson, |v| {
                        vec![
                            Some(bars_chart(v, l)),
                            Some(cloud_chart(v, Some((true, 0)), l)),
                            plan_chart(&v.exact_plan.0, v.xs.len(), v.ys.len(), l, "γ"),
                        ]
                    })
                    .unwrap_or_default();
                    if let Some(c) = canvas {
                        for spec in specs.iter().flatten() {
                            let _ = crate::charts::draw(&c, spec, 1.0, false, Default::default());
                        }
                    }
                    std::hint::black_box(again);
                },
                std::time::Duration::from_millis(150 + 60 * round as u64),
            );
        }
    });
}
