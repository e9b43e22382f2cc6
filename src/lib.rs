//! genlab's web app: the page (bin `genlab`) and the training worker (bin `worker`) share this
//! library. The model math is in `genlab-core`; this crate only renders and relays.
//!
//! The string catalog and the URL routing are plain Rust and tested natively; everything that
//! touches the browser compiles for wasm32 only.

pub mod contour;
pub mod i18n;
mod lecture_scenes;
pub mod legend_corner;
pub mod raster;
pub mod route;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod chart_backend;
#[cfg(target_arch = "wasm32")]
pub mod chart_legend;
#[cfg(target_arch = "wasm32")]
pub mod chart_table;
#[cfg(target_arch = "wasm32")]
pub mod charts;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// The catalog key for an option of a choice parameter: `choice.<param>.<option>`, except that
/// options of the same enum share labels (both activations use `choice.activation.*`). The
/// catalog tests require the key for every option of every built lesson.
pub fn choice_label_key(param: &str, option: &str) -> String {
    let family = match param {
        "g_act" | "d_act" | "act" | "code_act" => "activation",
        "demo_noise" => "corruption",
        "ebm_data" | "jem_data" => "toy",
        _ => param,
    };
    format!("choice.{family}.{option}")
}
