//! Small page helpers the charts and lessons share: pointer → data coordinates, downloads, arrow
//! keys, a folded panel's state, the PNG button.

#[allow(unused_imports)]
use super::prelude::*;

/// Where a pointer event falls on its target (a picture), as fractions of its width and height
/// from the top left; `None` for a target with no size.
pub fn event_to_fraction(e: &leptos::ev::PointerEvent) -> Option<(f64, f64)> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let rect = target.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    Some((
        (e.client_x() as f64 - rect.left()) / rect.width(),
        (e.client_y() as f64 - rect.top()) / rect.height(),
    ))
}

/// Where a pointer event on a chart canvas falls in data coordinates, and the pixels per data
/// unit on each axis (to find the point under the pointer). The chart lays out its plot area
/// with fixed margins (see `charts::draw`): 10 px around, 56 px for y labels, 34 px for x labels,
/// all times the projector scale.
pub fn event_to_data(
    e: &leptos::ev::PointerEvent,
    scale: f64,
    xr: (f64, f64),
    yr: (f64, f64),
) -> Option<(f64, f64, f64, f64)> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let rect = target.get_bounding_client_rect();
    let (px, py) = (
        e.client_x() as f64 - rect.left(),
        e.client_y() as f64 - rect.top(),
    );
    let (left, right) = ((10.0 + 56.0) * scale, rect.width() - 10.0 * scale);
    let (top, bottom) = (10.0 * scale, rect.height() - (10.0 + 34.0) * scale);
    if right <= left || bottom <= top {
        return None;
    }
    let x = xr.0 + (px - left) / (right - left) * (xr.1 - xr.0);
    let y = yr.1 - (py - top) / (bottom - top) * (yr.1 - yr.0);
    // Pixels per data unit, to find the point under the pointer.
    Some((
        x,
        y,
        (right - left) / (xr.1 - xr.0),
        (bottom - top) / (yr.1 - yr.0),
    ))
}

/// Offers `href` (a data: or blob: URL) as a download named `filename`.
pub fn download(filename: &str, href: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(href);
        a.set_download(filename);
        a.click();
    }
}

/// Offers `text` as a file download (CSV histories).
pub fn download_text(filename: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
            download(filename, &url);
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    }
}

/// Whether the `<details>` that fired a `toggle` event is now open: folded panels (a chart's
/// table, the theory) build their contents only while open.
pub fn details_open(e: &leptos::ev::Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        .is_some_and(|d| d.open())
}

/// Arrow keys as a nudge in data units (`step`; five times that with Shift), for the keyboard
/// path through a chart that is otherwise dragged. `None` for any other key.
pub fn arrow_nudge(e: &web_sys::KeyboardEvent, step: f64) -> Option<(f64, f64)> {
    let step = if e.shift_key() { 5.0 * step } else { step };
    match e.key().as_str() {
        "ArrowLeft" => Some((-step, 0.0)),
        "ArrowRight" => Some((step, 0.0)),
        "ArrowUp" => Some((0.0, step)),
        "ArrowDown" => Some((0.0, -step)),
        _ => None,
    }
}

/// A small "PNG" button saving canvas `testid` as `genlab-<testid>.png`.
#[component]
pub(super) fn SavePng(testid: &'static str, canvas: NodeRef<Canvas>) -> impl IntoView {
    view! {
        <button class="small save-png" data-testid=format!("png-{testid}") title="PNG"
            on:click=move |_| {
                if let Some(url) = canvas.get_untracked().and_then(|c| c.to_data_url().ok()) {
                    download(&format!("genlab-{testid}.png"), &url);
                }
            }>"PNG"</button>
    }
}
