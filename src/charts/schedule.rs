//! When charts draw: once per animation frame, right after it, within a per-frame budget, never
//! inside a training step.

#[allow(unused_imports)]
use super::prelude::*;

pub(super) type DrawJob = Box<dyn FnOnce()>;

thread_local! {
    /// Charts waiting to be drawn, oldest first, at most one entry per canvas.
    static QUEUE: RefCell<Vec<(&'static str, DrawJob)>> = const { RefCell::new(Vec::new()) };
    static FRAME_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

/// Drawing budget per animation frame. Charts beyond it wait for the next frame, so redraws never
/// add up to a long task on the main thread: the browser's commit of the changed canvases comes
/// on top (about as long again in headless Chromium), and a machine half as fast must still fit.
const FRAME_BUDGET_MS: f64 = 8.0;

pub(super) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Queues a redraw of canvas `id`, replacing any redraw of it still waiting.
pub(super) fn enqueue(id: &'static str, job: DrawJob) {
    QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        q.retain(|(other, _)| *other != id);
        q.push((id, job));
    });
    request_frame();
}

fn request_frame() {
    if FRAME_REQUESTED.with(|f| f.replace(true)) {
        return;
    }
    // Drawn in a task of its own just after the frame, not inside the frame's callbacks: a chart
    // reads its box's size, and inside an animation-frame callback that read would pull the
    // browser's whole style and layout pass (after a page first renders, 40–100 ms on this
    // machine) into the same task as the drawing.
    if let Some(w) = web_sys::window() {
        let cb = Closure::once_into_js(move || {
            let draw = Closure::once_into_js(run_frame);
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback(draw.unchecked_ref());
            }
        });
        let _ = w.request_animation_frame(cb.unchecked_ref());
    }
}

fn run_frame() {
    FRAME_REQUESTED.with(|f| f.set(false));
    let start = now_ms();
    let mut last_job_ms = 0.0;
    loop {
        // Another chart only if one more like the last still fits: the budget is what a frame
        // takes, not where it stops taking more (one picture of the VAE grid alone is ~5 ms).
        let elapsed = now_ms() - start;
        if elapsed > 0.0 && elapsed + last_job_ms > FRAME_BUDGET_MS {
            break;
        }
        let job = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            (!q.is_empty()).then(|| q.remove(0))
        });
        let Some((_, job)) = job else { return };
        let job_start = now_ms();
        job();
        last_job_ms = now_ms() - job_start;
    }
    if QUEUE.with(|q| !q.borrow().is_empty()) {
        request_frame();
    }
}
