//! The presenter window and the projector window talk over a `BroadcastChannel` (same browser,
//! same origin, no server — it works offline like the rest of the app). Messages are JSON of
//! [`Cast`]. The projector runs the lesson; the presenter only sends commands and mirrors state.

use std::rc::Rc;

use genlab_core::lecture::Lecture;
use genlab_core::lesson::LessonId;
use genlab_core::protocol::ToWorker;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::lesson::Mirror;

const NAME: &str = "genlab-lecture";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cast {
    // Presenter → projector.
    /// A presenter opened: the projector answers with `Showing` and `State`.
    Join,
    Goto {
        scene: usize,
    },
    Blank {
        on: bool,
    },
    /// A control moved in the presenter: the projector's lesson carries it out. `seq` counts the
    /// presenter's commands, so it knows when the projector's state includes its latest edit.
    Command {
        seq: u64,
        cmd: ToWorker,
    },
    // Projector → presenter.
    Showing {
        id: String,
        lecture: Lecture,
        scene: usize,
    },
    State(Box<ProjectorState>),
    /// The projector left lecture mode (or closed).
    Left,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectorState {
    /// The lesson on screen (`None`: a broken scene).
    pub lesson: Option<LessonId>,
    pub scene: usize,
    pub mirror: Mirror,
    /// While the scene runs to its step: the step it runs to.
    pub preparing: Option<u64>,
    pub blank: bool,
    /// The last presenter command carried out.
    pub applied: u64,
}

/// One end of the channel; messages that do not parse (another version's) are ignored.
pub struct Channel {
    inner: web_sys::BroadcastChannel,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Channel {
    pub fn open(mut receive: impl FnMut(Cast) + 'static) -> Option<Rc<Channel>> {
        let inner = web_sys::BroadcastChannel::new(NAME).ok()?;
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(text) = e.data().as_string() {
                    if let Ok(cast) = serde_json::from_str::<Cast>(&text) {
                        receive(cast);
                    }
                }
            });
        inner.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Rc::new(Channel {
            inner,
            _on_message: on_message,
        }))
    }

    pub fn post(&self, cast: &Cast) {
        if let Ok(text) = serde_json::to_string(cast) {
            let _ = self.inner.post_message(&JsValue::from_str(&text));
        }
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.inner.set_onmessage(None);
        self.inner.close();
    }
}
