//! Tests that must run as wasm, in headless Chromium (wasm-bindgen-test): the worker protocol
//! through real JS values and a transferred Float32Array, and the determinism of a run on wasm —
//! bit for bit the same metrics as the native reference run.
#![cfg(target_arch = "wasm32")]

use genlab_core::golden::gan_reference_run;
use genlab_core::lesson::{LessonId, StepPart};
use genlab_core::protocol::{wire, FromWorker, ToWorker};
use genlab_core::session::Session;
use js_sys::Float32Array;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn commands_round_trip_through_js_values() {
    let cmds = [
        ToWorker::Init { lesson: LessonId::Gan, query: "seed=3&lr_g=0.002".into() },
        ToWorker::Play,
        ToWorker::Pause,
        ToWorker::Step { count: 3, part: StepPart::Generator },
        ToWorker::RunTo { step: 1_000_000 },
        ToWorker::Reset { query: None },
        ToWorker::Update { query: "batch=64".into() },
        ToWorker::SetSpeed { steps_per_sec: 30.0 },
    ];
    for cmd in cmds {
        let js = serde_wasm_bindgen::to_value(&cmd).unwrap();
        let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
        assert_eq!(back, cmd);
    }
}

#[wasm_bindgen_test]
fn snapshot_crosses_as_header_plus_float32array() {
    let mut s = Session::new();
    s.handle(ToWorker::Init { lesson: LessonId::Gan, query: "seed=2".into() });
    s.handle(ToWorker::Step { count: 20, part: StepPart::Full });
    s.run(100);
    let snap = s.snapshot(12.5);
    let (header, bulk) = wire::encode(|| serde_wasm_bindgen::to_value(&snap).unwrap());
    assert!(bulk.len() > 500, "the view's curves travel in the bulk buffer");
    // What the page does with the transferred buffer.
    let array = Float32Array::new_with_length(bulk.len() as u32);
    array.copy_from(&bulk);
    let back: FromWorker = wire::decode(array.to_vec(), || serde_wasm_bindgen::from_value(header).unwrap());
    assert_eq!(back, snap);
}

#[wasm_bindgen_test]
fn wasm_run_is_bit_identical_to_the_native_reference() {
    let want = include_str!("../crates/genlab-core/tests/golden/gan_seed5.txt");
    assert_eq!(gan_reference_run(), want);
    // And twice in the same page.
    assert_eq!(gan_reference_run(), want);
}
