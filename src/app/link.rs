//! The page's end of the worker protocol: spawns the worker, queues commands until it is ready,
//! and turns its envelopes ({msgs, bulk}) back into [`FromWorker`] values, in order.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use genlab_core::protocol::{wire, FromWorker, ToWorker};
use js_sys::{Float32Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// Trunk's loader shim for the `worker` bin (un-hashed name; see index.html).
const WORKER_URL: &str = "./worker_loader.js";

pub struct WorkerLink {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    queue: Rc<RefCell<Vec<ToWorker>>>,
    /// The last envelope received, kept for [`WorkerLink::decode_last_again`].
    last: Rc<RefCell<JsValue>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

fn decode(data: &JsValue) -> Result<Vec<FromWorker>, String> {
    let msgs =
        Reflect::get(data, &"msgs".into()).map_err(|_| "message without a body".to_string())?;
    let bulk = Reflect::get(data, &"bulk".into())
        .ok()
        .and_then(|b| b.dyn_into::<Float32Array>().ok())
        .map(|a| a.to_vec())
        .unwrap_or_default();
    wire::decode(bulk, || {
        serde_wasm_bindgen::from_value::<Vec<FromWorker>>(msgs)
    })
    .map_err(|e| e.to_string())
}

impl WorkerLink {
    /// Starts a worker; every message it sends is passed to `on_message` (errors included, as
    /// `FromWorker::Failed`).
    pub fn spawn(on_message: impl Fn(FromWorker) + 'static) -> Result<WorkerLink, String> {
        let worker = Worker::new(WORKER_URL)
            .map_err(|e| format!("could not start the training worker: {e:?}"))?;
        let ready = Rc::new(Cell::new(false));
        let queue: Rc<RefCell<Vec<ToWorker>>> = Rc::new(RefCell::new(Vec::new()));
        let on_message = Rc::new(on_message);
        let last = Rc::new(RefCell::new(JsValue::UNDEFINED));
        let handler = {
            let (ready, queue, worker, on_message, last) = (
                ready.clone(),
                queue.clone(),
                worker.clone(),
                on_message.clone(),
                last.clone(),
            );
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let msgs = decode(&data).unwrap_or_else(|e| {
                    vec![FromWorker::Failed {
                        message: format!("unreadable message from the worker: {e}"),
                    }]
                });
                for msg in msgs {
                    if msg == FromWorker::Ready {
                        ready.set(true);
                        for cmd in queue.borrow_mut().drain(..) {
                            post(&worker, &cmd);
                        }
                    }
                    on_message(msg);
                }
                *last.borrow_mut() = data;
            })
        };
        let on_error = {
            let on_message = on_message.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                event.prevent_default();
                on_message(FromWorker::Failed {
                    message: format!("the training worker stopped: {}", event.message()),
                });
            })
        };
        worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerLink {
            worker,
            ready,
            queue,
            last,
            _on_message: handler,
            _on_error: on_error,
        })
    }

    /// Decodes the last envelope once more and drops the result: a rehearsal of the page's half of
    /// a round trip (see the transport lesson's warm-up).
    pub fn decode_last_again(&self) {
        let data = self.last.borrow().clone();
        if !data.is_undefined() {
            let _ = decode(&data);
        }
    }

    pub fn send(&self, cmd: ToWorker) {
        if self.ready.get() {
            post(&self.worker, &cmd);
        } else {
            self.queue.borrow_mut().push(cmd);
        }
    }
}

fn post(worker: &Worker, cmd: &ToWorker) {
    if let Ok(value) = serde_wasm_bindgen::to_value(cmd) {
        let _ = worker.post_message(&value);
    }
}

impl Drop for WorkerLink {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
