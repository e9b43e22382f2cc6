//! The training worker. It owns the [`Session`], runs it in time slices of a few milliseconds and
//! yields between slices, so a pause or a new learning rate takes effect within one frame. It
//! sends a snapshot at most every 33 ms, its bulk numbers in one transferred `Float32Array`.
//!
//! A lesson that needs data (the VAE's digits) gets it here, fetched from the page's own origin
//! the first time that lesson starts; commands that arrive meanwhile wait, in order.

use std::cell::RefCell;
use std::rc::Rc;

use genlab_core::device::{Accelerator, DeviceCopy, DeviceFault};
use genlab_core::lesson::{Asset, LessonId};
use genlab_core::msg;
use genlab_core::msg::Msg;
use genlab_core::protocol::{wire, FromWorker, ToWorker};
use genlab_core::session::Session;
use genlab_core::vae::data as digits;
use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Work per slice before yielding to the message queue.
const SLICE_MS: f64 = 10.0;
/// At most ~30 snapshots a second reach the page.
const SNAPSHOT_MS: f64 = 33.0;

struct Worker {
    session: Session,
    scope: DedicatedWorkerGlobalScope,
    tick_scheduled: bool,
    last_snapshot_ms: f64,
    /// Steps per slice, adapted so one chunk takes about 2 ms.
    chunk: u64,
    /// For the steps/s readout: (time, step) a second or so ago.
    rate_mark: (f64, u64),
    rate: f64,
    /// For a speed limit: when the current pace started and the step then.
    pace_mark: (f64, u64),
    /// Commands held while the digits download (None: not downloading).
    waiting: Option<Vec<ToWorker>>,
    /// Posting to this port runs the next slice: a message task yields to the page's commands
    /// like a timer does, without the timers' 4 ms clamp after five nested calls (which cost
    /// ≈ a third of the training time at 10 ms slices).
    next_slice: Option<web_sys::MessagePort>,
    /// The GPU, once asked for and granted (kept to destroy it on a test's request).
    gpu: Option<Rc<genlab_gpu::Gpu>>,
    asking_for_gpu: bool,
    /// When the last device read started.
    last_read_ms: f64,
}

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Posts a message; its bulk arrays travel as one transferred buffer (zero copy).
pub fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    post_all(scope, std::slice::from_ref(msg));
}

/// Posts several messages as one envelope, so the page handles them in one task: a restart's
/// `Started` and its first `Snapshot` reach the screen together, with no frame of chart
/// drawing in between.
pub fn post_all(scope: &DedicatedWorkerGlobalScope, msgs: &[FromWorker]) {
    if msgs.is_empty() {
        return;
    }
    let (header, bulk) = wire::encode(|| serde_wasm_bindgen::to_value(msgs));
    let header = match header {
        Ok(h) => h,
        Err(e) => {
            let fallback = [FromWorker::Failed {
                message: format!("could not encode a message: {e}"),
            }];
            serde_wasm_bindgen::to_value(&fallback).unwrap_or(JsValue::NULL)
        }
    };
    let envelope = Object::new();
    let array = Float32Array::new_with_length(bulk.len() as u32);
    array.copy_from(&bulk);
    let _ = Reflect::set(&envelope, &"msgs".into(), &header);
    let _ = Reflect::set(&envelope, &"bulk".into(), &array);
    let transfer = Array::of1(&array.buffer());
    let _ = scope.post_message_with_transfer(&envelope, &transfer);
}

pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A panic becomes a message: the page shows it and restarts the worker on reset.
    let panic_scope = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
        post(
            &panic_scope,
            &FromWorker::Failed {
                message: format!("the training worker crashed: {info}"),
            },
        );
    }));
    // A long computation before a lesson can start (the autoencoders' PCA) shows as a progress
    // bar in the page, about ten reports a second and its end.
    let progress_scope = scope.clone();
    let last_report = std::cell::Cell::new(f64::NEG_INFINITY);
    genlab_core::progress::set_reporter(move |what, done, total| {
        let t = now(&progress_scope);
        if done < total && t - last_report.get() < 100.0 {
            return;
        }
        last_report.set(t);
        post(
            &progress_scope,
            &FromWorker::Loading {
                what: what.to_string(),
                done,
                total,
                error: None,
            },
        );
    });
    WORKER.with(|w| {
        *w.borrow_mut() = Some(Worker {
            session: Session::new(),
            scope: scope.clone(),
            tick_scheduled: false,
            last_snapshot_ms: 0.0,
            chunk: 1,
            rate_mark: (0.0, 0),
            rate: 0.0,
            pace_mark: (0.0, 0),
            waiting: None,
            next_slice: slice_channel(),
            gpu: None,
            asking_for_gpu: false,
            last_read_ms: f64::NEG_INFINITY,
        })
    });
    let onmessage =
        Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| on_message(event.data()));
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    // For scripts/soak.mjs: the worker's wasm memory, to watch for growth over a long run.
    let _ = js_sys::Reflect::set(&scope, &"genlabWasmMemory".into(), &wasm_bindgen::memory());
    post(&scope, &FromWorker::Ready);
}

fn on_message(data: JsValue) {
    WORKER.with(|cell| {
        let mut guard = cell.borrow_mut();
        let Some(w) = guard.as_mut() else { return };
        let cmd = match serde_wasm_bindgen::from_value::<ToWorker>(data) {
            Ok(cmd) => cmd,
            Err(e) => {
                let reply = FromWorker::Rejected {
                    command: "unknown".into(),
                    why: msg!("msg.session.malformed", e.to_string()),
                };
                post(&w.scope, &reply);
                return;
            }
        };
        if let Some(waiting) = w.waiting.as_mut() {
            waiting.push(cmd);
            return;
        }
        let needs_digits = matches!(
            &cmd,
            ToWorker::Init { lesson, .. } if lesson.needs(Asset::Digits)
        );
        if needs_digits && digits::installed().is_none() {
            w.waiting = Some(vec![cmd]);
            wasm_bindgen_futures::spawn_local(load_digits(w.scope.clone()));
            return;
        }
        let rehearsal = match &cmd {
            ToWorker::Init { lesson, .. } => {
                genlab_core::lesson::rehearsal(*lesson).map(|q| (*lesson, q))
            }
            _ => None,
        };
        handle(w, cmd);
        if let Some((lesson, queries)) = rehearsal {
            // After the first snapshot went out: the page shows the lesson meanwhile.
            rehearse(lesson, queries);
        }
    });
}

fn handle(w: &mut Worker, cmd: ToWorker) {
    if cmd == ToWorker::LoseDevice {
        if let Some(gpu) = &w.gpu {
            gpu.device.destroy();
        }
        return;
    }
    let restarts_pace = matches!(
        cmd,
        ToWorker::Play | ToWorker::RunTo { .. } | ToWorker::SetSpeed { .. }
    );
    let replies = w.session.handle(cmd);
    if restarts_pace {
        let t = now(&w.scope);
        w.pace_mark = (t, w.session.step());
        w.rate_mark = (t, w.session.step());
    }
    post_all(&w.scope, &replies);
    serve_device(w);
    schedule(w, 0);
}

/// What the session needs from the GPU: a device the first time a lesson asks for one, a read
/// whenever a history row, a pause or a command waits for the device's numbers, and the answers
/// it computes.
fn serve_device(w: &mut Worker) {
    if w.session.wants_accelerator() && !w.asking_for_gpu {
        w.asking_for_gpu = true;
        wasm_bindgen_futures::spawn_local(offer_gpu(w.scope.clone()));
    }
    for later in w.session.take_answers_due() {
        wasm_bindgen_futures::spawn_local(send_answer(w.scope.clone(), later));
    }
    read_if_due(w, false);
}

/// Awaits an answer the device computes (the exact posterior's grid) while training goes on,
/// and sends it: answers come back in the order they were asked for, since each waits on reads
/// queued behind the earlier ones.
async fn send_answer(scope: DedicatedWorkerGlobalScope, later: genlab_core::device::AnswerLater) {
    let answer = later.await;
    post_all(&scope, &[FromWorker::Answer(answer)]);
}

/// Starts the read the session waits for — at once when a command or a pause waits, otherwise
/// (a history row, a view fallen behind) no sooner than a snapshot interval after the previous
/// read: a fast GPU is read back at most ~30 times a second, as the page is drawn.
fn read_if_due(w: &mut Worker, for_view: bool) {
    let t = now(&w.scope);
    if w.session.read_urgent() || t - w.last_read_ms >= SNAPSHOT_MS {
        if let Some(read) = w.session.read_due(for_view) {
            w.last_read_ms = t;
            w.last_snapshot_ms = t;
            wasm_bindgen_futures::spawn_local(take_read(read));
        }
    }
}

/// Asks the browser for a GPU once and gives the session the answer: a device, or why the
/// lesson trains on the CPU.
async fn offer_gpu(scope: DedicatedWorkerGlobalScope) {
    let navigator_gpu =
        Reflect::get(&scope.navigator(), &"gpu".into()).unwrap_or(JsValue::UNDEFINED);
    let answer = if navigator_gpu.is_undefined() || navigator_gpu.is_null() {
        Err(msg!("msg.gpu.no_webgpu"))
    } else {
        genlab_gpu::Gpu::request().await.map_err(|e| e.msg())
    };
    WORKER.with(|cell| {
        let mut guard = cell.borrow_mut();
        let Some(w) = guard.as_mut() else { return };
        w.asking_for_gpu = false;
        let offered = answer.map(|gpu| {
            let gpu = Rc::new(gpu);
            w.gpu = Some(gpu.clone());
            Rc::new(genlab_gpu::accel::GpuAccelerator::new(gpu)) as Rc<dyn Accelerator>
        });
        let out = w.session.set_accelerator(offered);
        post_all(&w.scope, &out);
        serve_device(w);
        schedule(w, 0);
    });
}

/// Awaits a device read off the session's borrow, then hands it over; the training slices
/// resume after it.
async fn take_read(
    read: std::pin::Pin<Box<dyn std::future::Future<Output = Result<DeviceCopy, DeviceFault>>>>,
) {
    let result = read.await;
    WORKER.with(|cell| {
        let mut guard = cell.borrow_mut();
        let Some(w) = guard.as_mut() else { return };
        let mut out = w.session.take_read(result);
        for m in &mut out {
            if let FromWorker::Snapshot(snap) = m {
                if snap.running {
                    snap.steps_per_sec = w.rate;
                }
                w.last_snapshot_ms = now(&w.scope);
            }
        }
        post_all(&w.scope, &out);
        serve_device(w);
        schedule(w, 0);
    });
}

/// A throwaway session started and then edited back and forth a few times, its replies encoded
/// as if sent (see `genlab_core::lesson::rehearsal`). Several rounds, because a browser first
/// runs new wasm in a baseline tier and optimises only what has run often; one round per task,
/// so a real command is never kept waiting behind more than one.
fn rehearse(lesson: LessonId, [start, edit]: [String; 2]) {
    const ROUNDS: u32 = 6;
    let mut session = Session::new();
    session.handle(ToWorker::Init {
        lesson,
        query: start.clone(),
    });
    rehearse_round(session, [start, edit], ROUNDS);
}

fn rehearse_round(mut session: Session, queries: [String; 2], left: u32) {
    if left == 0 {
        return;
    }
    let query = queries[(left % 2) as usize].clone();
    let replies = session.handle(ToWorker::Update { query });
    let _ = wire::encode(|| serde_wasm_bindgen::to_value(&replies));
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let next = Closure::once_into_js(move || rehearse_round(session, queries, left - 1));
    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(next.unchecked_ref(), 30);
}

/// Fetches and decodes the digits, installs them (or why they failed) for the session, then
/// runs the commands that waited.
async fn load_digits(scope: DedicatedWorkerGlobalScope) {
    let what = digits::ASSET_NAME.to_string();
    let result = match fetch_bytes(&scope, &what).await {
        Ok(bytes) => digits::Digits::decode(&bytes),
        Err(e) => Err(e),
    };
    let (source, error) = match result {
        Ok(d) => (digits::Source::Loaded(std::sync::Arc::new(d)), None),
        Err(e) => (digits::Source::Failed(e.clone()), Some(e)),
    };
    digits::install(source);
    post(
        &scope,
        &FromWorker::Loading {
            what,
            done: 1,
            total: 1,
            error,
        },
    );
    WORKER.with(|cell| {
        let mut guard = cell.borrow_mut();
        let Some(w) = guard.as_mut() else { return };
        for cmd in w.waiting.take().unwrap_or_default() {
            handle(w, cmd);
        }
    });
}

/// GET `name` from the page's origin, reporting progress about ten times a second.
async fn fetch_bytes(scope: &DedicatedWorkerGlobalScope, name: &str) -> Result<Vec<u8>, Msg> {
    use wasm_bindgen_futures::JsFuture;
    let js = |e: JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let response: web_sys::Response = JsFuture::from(scope.fetch_with_str(name))
        .await
        .map_err(|e| msg!("msg.fetch.failed", js(e)))?
        .dyn_into()
        .map_err(|_| msg!("msg.fetch.no_response"))?;
    if !response.ok() {
        return Err(msg!(
            "msg.fetch.status",
            response.status().to_string(),
            name
        ));
    }
    let total: u64 = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let body = response.body().ok_or_else(|| msg!("msg.fetch.empty"))?;
    let reader: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|_| msg!("msg.fetch.unreadable"))?;
    let mut bytes = Vec::with_capacity(total as usize);
    let mut last_report = f64::NEG_INFINITY;
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| msg!("msg.fetch.broken", js(e)))?;
        if Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| msg!("msg.fetch.unreadable"))?;
        let start = bytes.len();
        bytes.resize(start + value.length() as usize, 0);
        value.copy_to(&mut bytes[start..]);
        let t = now(scope);
        if t - last_report > 100.0 {
            last_report = t;
            post(
                scope,
                &FromWorker::Loading {
                    what: name.to_string(),
                    done: bytes.len() as u64,
                    total,
                    error: None,
                },
            );
        }
    }
    Ok(bytes)
}

/// A channel whose far end runs [`tick`]; `None` if the browser offers none (timers then).
fn slice_channel() -> Option<web_sys::MessagePort> {
    let channel = web_sys::MessageChannel::new().ok()?;
    let on_slice = Closure::<dyn FnMut(MessageEvent)>::new(|_: MessageEvent| tick());
    channel
        .port1()
        .set_onmessage(Some(on_slice.as_ref().unchecked_ref()));
    on_slice.forget();
    Some(channel.port2())
}

fn schedule(w: &mut Worker, delay_ms: i32) {
    if w.tick_scheduled || !w.session.has_work() {
        return;
    }
    w.tick_scheduled = true;
    if delay_ms <= 0 {
        if let Some(port) = &w.next_slice {
            if port.post_message(&JsValue::NULL).is_ok() {
                return;
            }
        }
    }
    let cb = Closure::once_into_js(tick);
    let _ = w
        .scope
        .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), delay_ms);
}

fn tick() {
    WORKER.with(|cell| {
        let mut guard = cell.borrow_mut();
        let Some(w) = guard.as_mut() else { return };
        w.tick_scheduled = false;
        let start = now(&w.scope);
        let mut wait_ms = 0;
        let device_waits = |w: &Worker| w.session.waiting_for_device() || w.session.device_behind();
        while w.session.has_work() && !device_waits(w) && now(&w.scope) - start < SLICE_MS {
            let mut budget = w.chunk;
            if w.session.steps_per_sec > 0.0 {
                // Pace: the steps due since the pace mark, minus those done.
                let due =
                    ((now(&w.scope) - w.pace_mark.0) / 1000.0 * w.session.steps_per_sec) as u64;
                let done = w.session.step().saturating_sub(w.pace_mark.1);
                budget = budget.min(due.saturating_sub(done));
                if budget == 0 {
                    wait_ms = (1000.0 / w.session.steps_per_sec).clamp(1.0, 250.0) as i32;
                    break;
                }
            }
            let t0 = now(&w.scope);
            let out = w.session.run(budget);
            let took = now(&w.scope) - t0;
            // Aim for chunks of ~2 ms so the slice deadline is kept.
            if took < 1.0 {
                w.chunk = (w.chunk * 2).min(10_000);
            } else if took > 3.0 {
                w.chunk = (w.chunk / 2).max(1);
            }
            let stopped = !out.is_empty();
            post_all(&w.scope, &out);
            if stopped {
                w.last_snapshot_ms = now(&w.scope);
                break;
            }
            // Steps on a device are only queued: the loop stops queueing once the view (or a
            // row, a pause, a command) needs the device's numbers, so at most a few steps are
            // ever in flight and a pause lands within them.
        }
        let t = now(&w.scope);
        if t - w.rate_mark.0 >= 1000.0 {
            w.rate = (w.session.step().saturating_sub(w.rate_mark.1)) as f64
                / ((t - w.rate_mark.0) / 1000.0);
            w.rate_mark = (t, w.session.step());
        }
        if device_waits(w) {
            // The snapshot comes with the read, and the next slice after it (`take_read`).
            read_if_due(w, true);
            if w.session.reading() {
                return;
            }
            // Too soon after the previous read: come back when it is allowed.
            wait_ms = (SNAPSHOT_MS - (t - w.last_read_ms)).clamp(1.0, SNAPSHOT_MS) as i32;
        } else if w.session.has_work() && t - w.last_snapshot_ms >= SNAPSHOT_MS {
            let snap = w.session.snapshot(w.rate);
            post(&w.scope, &snap);
            w.last_snapshot_ms = t;
        }
        serve_device(w);
        schedule(w, wait_ms);
    });
}
