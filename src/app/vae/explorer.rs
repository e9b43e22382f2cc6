//! The latent explorer's input: drag to decode any point, hover to inspect the nearest test digit,
//! and the keyboard path — arrows move the decoded point, [ and ] step through the test digits,
//! Home goes back to the origin.

use super::*;

/// The explorer's event handlers, for the latent canvas.
pub(super) struct LatentInput<D, M, U, K> {
    pub on_down: D,
    pub on_move: M,
    pub on_up: U,
    pub on_key: K,
}

/// Handlers that move `explore` (the decoded point) and `inspect_at` (the inspected test digit,
/// and which ε draw), and ask the worker for what they show.
pub(super) fn latent_input(
    lesson: Lesson,
    explore: RwSignal<Option<(f64, f64)>>,
    inspect_at: RwSignal<Option<(u32, u32)>>,
    projector: Option<RwSignal<bool>>,
) -> LatentInput<
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::KeyboardEvent) + Copy,
> {
    let scale = move || {
        if projector.map(|p| p.get_untracked()).unwrap_or(false) {
            1.6
        } else {
            1.0
        }
    };
    let dragging = StoredValue::new(false);
    let range = move || vae_view(lesson, |v| v.half_width).unwrap_or(3.0);
    let decode_at = move |e: &leptos::ev::PointerEvent| {
        let r = range();
        if let Some((x, y, _, _)) = event_to_data(e, scale(), (-r, r), (-r, r)) {
            explore.set(Some((x, y)));
            lesson.act(LessonAction::Vae(VaeAction::Decode { z: (x, y) }));
        }
    };
    let on_down = move |e: leptos::ev::PointerEvent| {
        dragging.set_value(true);
        decode_at(&e);
    };
    let on_move = move |e: leptos::ev::PointerEvent| {
        if dragging.get_value() {
            decode_at(&e);
            return;
        }
        // Hover: the nearest test digit within 10 px is inspected.
        let r = range();
        let Some((x, y, sx, sy)) = event_to_data(&e, scale(), (-r, r), (-r, r)) else {
            return;
        };
        let nearest = vae_view(lesson, |v| {
            crate::app::plots::nearest_within(&v.test_mu.0, (x, y), (sx, sy), 10.0)
        })
        .flatten();
        if let Some(i) = nearest {
            if inspect_at.get_untracked().map(|p| p.0) != Some(i as u32) {
                inspect_at.set(Some((i as u32, 0)));
                lesson.act(LessonAction::Vae(VaeAction::Inspect {
                    index: i as u32,
                    draw: 0,
                }));
            }
        }
    };
    let on_up = move |_| dragging.set_value(false);
    // The keyboard path through the latent space: arrows move the decoded point, [ and ] inspect
    // the previous / next test digit, Home goes back to the origin.
    let inspect = move |index: u32| {
        inspect_at.set(Some((index, 0)));
        lesson.act(LessonAction::Vae(VaeAction::Inspect { index, draw: 0 }));
    };
    let on_key = move |e: leptos::ev::KeyboardEvent| {
        let r = range();
        let (x, y) = explore.get_untracked().unwrap_or((0.0, 0.0));
        let n_test = vae_view(lesson, |v| v.test_labels.0.len()).unwrap_or(0) as u32;
        let current = inspect_at.get_untracked().map(|p| p.0);
        let moved = if let Some((dx, dy)) = arrow_nudge(&e, 0.1) {
            let round = |v: f64| (v.clamp(-r, r) * 100.0).round() / 100.0;
            Some((round(x + dx), round(y + dy)))
        } else {
            match e.key().as_str() {
                "Home" => Some((0.0, 0.0)),
                "]" if n_test > 0 => {
                    inspect(current.map_or(0, |i| (i + 1) % n_test));
                    None
                }
                "[" if n_test > 0 => {
                    inspect(current.map_or(n_test - 1, |i| (i + n_test - 1) % n_test));
                    None
                }
                _ => return,
            }
        };
        // Handled here: the play bar's window-wide keys must not also see it.
        e.prevent_default();
        e.stop_propagation();
        if let Some(z) = moved {
            explore.set(Some(z));
            lesson.act(LessonAction::Vae(VaeAction::Decode { z }));
        }
    };
    LatentInput {
        on_down,
        on_move,
        on_up,
        on_key,
    }
}
