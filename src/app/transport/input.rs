//! The transport page's direct manipulation: click to add a point to the chosen cloud, drag a
//! point, the keyboard path through the clouds (Enter adds, [ and ] select, arrows move, Delete
//! removes), and dragging the Gaussians' centres.

use super::*;

/// The clouds' event handlers.
pub(super) struct CloudInput<D, M, U, K> {
    pub on_down: D,
    pub on_move: M,
    pub on_up: U,
    pub on_key: K,
}

fn scale_of(projector: Option<RwSignal<bool>>) -> f64 {
    if projector.map(|p| p.get_untracked()).unwrap_or(false) {
        1.6
    } else {
        1.0
    }
}

/// Handlers for the 2-D clouds: every change goes through `edit` (the settings, hence the
/// address); `selected` is the point the keyboard acts on, `side_is_mu` the side a click adds to.
pub(super) fn cloud_input(
    settings: Memo<TransportSettings>,
    edit: impl Fn(Box<dyn FnOnce(&mut TransportSettings)>) + Copy + 'static,
    selected: RwSignal<Option<(bool, usize)>>,
    side_is_mu: RwSignal<bool>,
    projector: Option<RwSignal<bool>>,
) -> CloudInput<
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::KeyboardEvent) + Copy,
> {
    let dragging = StoredValue::new(None::<(bool, usize)>);
    let scale = move || scale_of(projector);
    let on_down = move |e: leptos::ev::PointerEvent| {
        let Some((x, y, sx, sy)) = event_to_data(&e, scale(), CLOUD_X, CLOUD_Y) else {
            return;
        };
        let s = settings.get_untracked();
        let near = |ps: &[Point]| {
            ps.iter()
                .position(|p| ((p.x - x) * sx).hypot((p.y - y) * sy) < 12.0)
        };
        let hit = near(&s.xs)
            .map(|i| (true, i))
            .or_else(|| near(&s.ys).map(|i| (false, i)));
        match hit {
            Some(h) => {
                dragging.set_value(Some(h));
                selected.set(Some(h));
            }
            None => {
                let mu = side_is_mu.get_untracked();
                let (x, y) = ((x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0);
                edit(Box::new(move |s: &mut TransportSettings| {
                    let side = if mu { &mut s.xs } else { &mut s.ys };
                    if side.len() < genlab_core::transport::settings::MAX_POINTS {
                        side.push(Point { x, y, w: 1.0 });
                    }
                }));
            }
        }
    };
    let on_move = move |e: leptos::ev::PointerEvent| {
        let Some((mu, i)) = dragging.get_value() else {
            return;
        };
        let Some((x, y, _, _)) = event_to_data(&e, scale(), CLOUD_X, CLOUD_Y) else {
            return;
        };
        let (x, y) = (
            (x.clamp(CLOUD_X.0, CLOUD_X.1) * 100.0).round() / 100.0,
            (y.clamp(CLOUD_Y.0, CLOUD_Y.1) * 100.0).round() / 100.0,
        );
        edit(Box::new(move |s: &mut TransportSettings| {
            let side = if mu { &mut s.xs } else { &mut s.ys };
            if let Some(p) = side.get_mut(i) {
                p.x = x;
                p.y = y;
            }
        }));
    };
    let on_up = move |_| dragging.set_value(None);
    // The keyboard path through the clouds: Enter adds a point of the chosen side at the centre,
    // [ and ] select the previous / next point, arrows move the selected one, Delete removes it.
    let on_cloud_key = move |e: leptos::ev::KeyboardEvent| {
        let s = settings.get_untracked();
        // Both clouds in one cycle: μ's points, then ν's.
        let all: Vec<(bool, usize)> = (0..s.xs.len())
            .map(|i| (true, i))
            .chain((0..s.ys.len()).map(|i| (false, i)))
            .collect();
        let at = selected
            .get_untracked()
            .and_then(|sel| all.iter().position(|&p| p == sel));
        if let Some((dx, dy)) = arrow_nudge(&e, 0.1) {
            if let Some((mu, i)) = selected.get_untracked() {
                edit(Box::new(move |s: &mut TransportSettings| {
                    let side = if mu { &mut s.xs } else { &mut s.ys };
                    if let Some(p) = side.get_mut(i) {
                        p.x = ((p.x + dx).clamp(CLOUD_X.0, CLOUD_X.1) * 100.0).round() / 100.0;
                        p.y = ((p.y + dy).clamp(CLOUD_Y.0, CLOUD_Y.1) * 100.0).round() / 100.0;
                    }
                }));
            } else if let Some(&first) = all.first() {
                selected.set(Some(first));
            }
        } else {
            match e.key().as_str() {
                "Enter" | "+" => {
                    let mu = side_is_mu.get_untracked();
                    let side_len = if mu { s.xs.len() } else { s.ys.len() };
                    if side_len < genlab_core::transport::settings::MAX_POINTS {
                        selected.set(Some((mu, side_len)));
                        edit(Box::new(move |s: &mut TransportSettings| {
                            let side = if mu { &mut s.xs } else { &mut s.ys };
                            side.push(Point {
                                x: 0.0,
                                y: 0.0,
                                w: 1.0,
                            });
                        }));
                    }
                }
                "]" if !all.is_empty() => {
                    selected.set(Some(all[at.map_or(0, |k| (k + 1) % all.len())]))
                }
                "[" if !all.is_empty() => selected.set(Some(
                    all[at.map_or(all.len() - 1, |k| (k + all.len() - 1) % all.len())],
                )),
                "Delete" | "Backspace" => {
                    if let Some((mu, i)) = selected.get_untracked() {
                        selected.set(None);
                        edit(Box::new(move |s: &mut TransportSettings| {
                            let side = if mu { &mut s.xs } else { &mut s.ys };
                            if i < side.len() {
                                side.remove(i);
                            }
                        }));
                    }
                }
                _ => return,
            }
        }
        e.prevent_default();
        e.stop_propagation();
    };
    CloudInput {
        on_down,
        on_move,
        on_up,
        on_key: on_cloud_key,
    }
}

/// Handlers for dragging the Gaussians' centres: (down, move, up).
pub(super) fn gauss_input(
    settings: Memo<TransportSettings>,
    edit: impl Fn(Box<dyn FnOnce(&mut TransportSettings)>) + Copy + 'static,
    projector: Option<RwSignal<bool>>,
) -> (
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::PointerEvent) + Copy,
    impl Fn(leptos::ev::PointerEvent) + Copy,
) {
    let scale = move || scale_of(projector);
    let g_drag = StoredValue::new(None::<bool>);
    let g_down = move |e: leptos::ev::PointerEvent| {
        let Some((x, y, sx, sy)) = event_to_data(&e, scale(), GAUSS_X, GAUSS_Y) else {
            return;
        };
        let s = settings.get_untracked();
        let d1 = ((s.m1x - x) * sx).hypot((s.m1y - y) * sy);
        let d2 = ((s.m2x - x) * sx).hypot((s.m2y - y) * sy);
        if d1.min(d2) < 30.0 {
            g_drag.set_value(Some(d1 <= d2));
        }
    };
    let g_move = move |e: leptos::ev::PointerEvent| {
        let Some(first) = g_drag.get_value() else {
            return;
        };
        let Some((x, y, _, _)) = event_to_data(&e, scale(), GAUSS_X, GAUSS_Y) else {
            return;
        };
        let (x, y) = (
            (x.clamp(-6.0, 6.0) * 10.0).round() / 10.0,
            (y.clamp(-6.0, 6.0) * 10.0).round() / 10.0,
        );
        edit(Box::new(move |s: &mut TransportSettings| {
            if first {
                (s.m1x, s.m1y) = (x, y);
            } else {
                (s.m2x, s.m2y) = (x, y);
            }
        }));
    };
    let g_up = move |_| g_drag.set_value(None);
    (g_down, g_move, g_up)
}
