//! A page's first render, in stages. Building a lesson page is tens of milliseconds of the
//! browser compiling each wasm function on its first call, on top of building the page; done in
//! one go it is one long task (150–300 ms on this machine) during which the page cannot answer.
//! [`Staged`] parts render one per task, in the order they were met, after the part before.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use leptos::prelude::*;

thread_local! {
    static WAITING: RefCell<VecDeque<Box<dyn FnOnce()>>> = const { RefCell::new(VecDeque::new()) };
    static TASK_POSTED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` in a task of its own, after every function staged before it has run.
pub fn stage(f: impl FnOnce() + 'static) {
    WAITING.with(|w| w.borrow_mut().push_back(Box::new(f)));
    post_next();
}

fn post_next() {
    if TASK_POSTED.with(|p| p.replace(true)) {
        return;
    }
    set_timeout(
        || {
            TASK_POSTED.with(|p| p.set(false));
            let next = WAITING.with(|w| w.borrow_mut().pop_front());
            if let Some(f) = next {
                f();
            }
            if WAITING.with(|w| !w.borrow().is_empty()) {
                post_next();
            }
        },
        std::time::Duration::ZERO,
    );
}

/// Renders its children in a later task (see the module's note). Parts a reader sees first go
/// first; a part staged inside another renders after everything staged before it.
#[component]
pub fn Staged(children: Children) -> impl IntoView {
    let ready = RwSignal::new(false);
    let waiting = StoredValue::new_local(Some(children));
    stage(move || {
        // The page may have moved on before this part's turn.
        let _ = ready.try_set(true);
    });
    move || {
        ready
            .get()
            .then(|| waiting.try_update_value(|c| c.take()).flatten())
            .flatten()
            .map(|children| children())
    }
}
