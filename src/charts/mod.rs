//! Charts on plotters-canvas. A chart is a [`ChartSpec`] — plain data, no state — drawn by
//! [`ChartCanvas`] on the next animation frame after its data changed, never inside a training
//! step. Canvases are sized to their container in device pixels, so lines stay sharp on HiDPI.

mod dom;
mod draw;
mod image;
pub mod palette;
mod schedule;
mod spec;

/// What every part of the charts module imports.
mod prelude {
    pub(crate) use std::cell::{Cell, RefCell};
    pub(crate) use std::rc::Rc;

    pub(crate) use crate::chart_backend::Canvas2d;
    pub(crate) use crate::chart_legend::{self, Entry, Mark};
    pub(crate) use leptos::html::Canvas;
    pub(crate) use leptos::prelude::*;
    pub(crate) use plotters::coord::ranged1d::ValueFormatter;
    pub(crate) use plotters::coord::types::RangedCoordf64;
    pub(crate) use plotters::coord::Shift;
    pub(crate) use plotters::prelude::*;

    pub(super) use super::*;
    pub(crate) use crate::raster::DotLayer;
    pub(crate) use wasm_bindgen::prelude::*;
    pub(crate) use wasm_bindgen::JsCast;
}

pub use dom::*;
pub use draw::*;
pub use image::*;
pub use palette::viridis;
use schedule::{enqueue, now_ms, DrawJob};
pub use spec::*;

use prelude::*;

/// Bumped on window resize so every chart redraws at its new size.
#[derive(Clone, Copy)]
pub struct ResizeTick(pub RwSignal<u32>);

/// Projector mode: larger type, thicker lines.
#[derive(Clone, Copy)]
pub struct Projector(pub RwSignal<bool>);

/// A canvas that draws `spec` whenever it changes, at most once per animation frame.
#[component]
pub fn ChartCanvas(
    /// What to draw; `None` draws an empty frame.
    spec: Signal<Option<ChartSpec>>,
    /// `data-testid` for tests, also the canvas's id.
    testid: &'static str,
    /// Accessible description of the chart.
    label: Signal<String>,
    /// CSS height class: "chart-tall" or "chart-short".
    #[prop(default = "chart-tall")]
    size: &'static str,
    /// Minimum time between two redraws; slow-moving history charts need no 30 Hz.
    #[prop(default = 0.0)]
    min_interval_ms: f64,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let last_draw = Rc::new(Cell::new(f64::NEG_INFINITY));
    let resize = use_context::<ResizeTick>().map(|r| r.0);
    let projector = use_context::<Projector>().map(|p| p.0);
    let error = RwSignal::new(None::<String>);
    let latest: Rc<RefCell<ChartSpec>> = Rc::new(RefCell::new(ChartSpec::empty()));
    let timer_pending = Rc::new(Cell::new(false));
    // Where the legend went in the last draw, and where it has been wanting to go.
    let legend_at = Rc::new(Cell::new(crate::legend_corner::Placement::default()));
    let lang = use_context::<RwSignal<crate::i18n::Lang>>();
    Effect::new(move |_| {
        let s = spec.get();
        let comma = lang.is_some_and(|l| l.get().decimal_comma());
        let scale = if projector.map(|p| p.get()).unwrap_or(false) {
            1.6
        } else {
            1.0
        };
        if let Some(r) = resize {
            r.track();
        }
        // No data (yet, or any more — a restart, an empty dataset): an empty frame, never a
        // stale picture from before.
        *latest.borrow_mut() = s.unwrap_or_else(ChartSpec::empty);
        let job: DrawJob = {
            let (latest, last_draw, legend_at) =
                (latest.clone(), last_draw.clone(), legend_at.clone());
            Box::new(move || {
                // A queued redraw can outlive its chart (the page moved on): then skip it.
                let Some(el) = canvas.try_get_untracked().flatten() else {
                    return;
                };
                last_draw.set(now_ms());
                // The newest data at drawing time, not at queueing time.
                let result = draw(&el, &latest.borrow(), scale, comma, legend_at.get());
                if let Ok(placed) = result {
                    legend_at.set(placed);
                }
                error.try_set(result.err());
            })
        };
        // A throttled chart redraws at most every `min_interval_ms`: data arriving sooner is
        // drawn when the interval is over (so the last snapshot before a pause is never lost).
        let wait = min_interval_ms - (now_ms() - last_draw.get());
        if wait <= 0.0 {
            enqueue(testid, job);
        } else if !timer_pending.replace(true) {
            let timer_pending = timer_pending.clone();
            let cb = Closure::once_into_js(move || {
                timer_pending.set(false);
                enqueue(testid, job);
            });
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    cb.unchecked_ref(),
                    wait.ceil() as i32,
                );
            }
        }
    });
    view! {
        <div class="chart-wrap">
            <div class="chart-box">
                <canvas node_ref=canvas class=size id=testid data-testid=testid role="img" aria-label=move || label.get()></canvas>
                <SavePng testid=testid canvas=canvas />
                {move || error.get().map(|e| view! { <p class="chart-error">{e}</p> })}
            </div>
            <crate::chart_table::ChartTable spec=spec testid=testid />
        </div>
    }
}
