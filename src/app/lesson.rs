//! One running lesson as the page sees it: the signals the views read, and the commands the
//! controls send. The worker does the work; this only keeps what it reported.

use std::rc::Rc;

use genlab_core::lesson::{LessonId, StepPart};
use genlab_core::msg::Msg;
use genlab_core::protocol::{
    FromWorker, HistoryRow, LessonAction, LessonAnswer, LessonView, PauseReason, ToWorker,
};
use genlab_core::settings::Notice;
use leptos::prelude::*;

use super::link::WorkerLink;

/// Metric history kept in the page. Thinned (every other row) past `MAX_ROWS` so long runs
/// stay cheap to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub names: Vec<String>,
    pub steps: Vec<u64>,
    pub rows: Vec<Vec<f64>>,
}

const MAX_ROWS: usize = 4000;

impl History {
    fn push(&mut self, rows: Vec<HistoryRow>) {
        for r in rows {
            self.steps.push(r.step);
            self.rows.push(r.values);
        }
        if self.rows.len() > MAX_ROWS {
            genlab_core::session::thin(&mut self.steps);
            genlab_core::session::thin(&mut self.rows);
        }
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// (step, value) pairs of one metric.
    pub fn series(&self, name: &str) -> Vec<(f64, f64)> {
        let Some(c) = self.column(name) else {
            return vec![];
        };
        self.steps
            .iter()
            .zip(&self.rows)
            .map(|(&s, r)| (s as f64, r[c]))
            .collect()
    }

    /// The metric history as CSV: `step,<metric>,…`, one row per recorded step; values that were
    /// not defined (NaN) are left empty.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("step");
        for n in &self.names {
            out.push(',');
            out.push_str(n);
        }
        out.push('\n');
        for (step, row) in self.steps.iter().zip(&self.rows) {
            out.push_str(&step.to_string());
            for v in row {
                out.push(',');
                if v.is_finite() {
                    out.push_str(&v.to_string());
                }
            }
            out.push('\n');
        }
        out
    }

    pub fn last(&self, name: &str) -> Option<f64> {
        let c = self.column(name)?;
        self.rows.last().map(|r| r[c])
    }
}

#[derive(Clone, Copy)]
pub struct Lesson {
    pub id: LessonId,
    pub step: RwSignal<u64>,
    pub running: RwSignal<bool>,
    pub rate: RwSignal<f64>,
    pub history: RwSignal<History>,
    pub view: RwSignal<Option<LessonView>>,
    pub notices: RwSignal<Vec<Notice>>,
    pub diverged: RwSignal<Option<Msg>>,
    pub failed: RwSignal<Option<String>>,
    /// A refused command: its name and why.
    pub rejected: RwSignal<Option<(String, Msg)>>,
    /// The canonical settings of the running session.
    pub query: RwSignal<String>,
    pub started: RwSignal<bool>,
    pub speed: RwSignal<f64>,
    /// The latest answer to a lesson action (clamp, fill in...).
    pub answer: RwSignal<Option<LessonAnswer>>,
    /// A download the lesson waits for: (bytes so far, bytes in all or 0).
    /// What the worker is fetching or computing before the lesson can start, and how far:
    /// (what, done, total).
    pub loading: RwSignal<Option<(String, u64, u64)>>,
    /// Why the lesson's data could not be had (it then starts blocked).
    pub data_error: RwSignal<Option<Msg>>,
    /// The last import: the step of the run it brought in, or why it was refused.
    pub imported: RwSignal<Option<Result<u64, Msg>>>,
    /// The step at which the last run-to stopped, having reached its target (a lecture's scene
    /// waits for it).
    pub reached: RwSignal<Option<u64>>,
    link: StoredValue<Option<Link>, LocalStorage>,
    /// Settings the page sent (`Update`, `Reset` with settings) whose reply has not come back.
    /// The page owns what the user set: while newer edits are on their way, an older reply's
    /// settings must not replace them (dragging two sliders under a heavy run used to snap the
    /// first back).
    edits_in_flight: StoredValue<u32>,
}

/// Where a lesson's commands go: its own worker, or — in the presenter window — the projector
/// window that runs the lesson (see `super::lecture::channel`).
#[derive(Clone)]
enum Link {
    Worker(Rc<WorkerLink>),
    Remote(Rc<dyn Fn(ToWorker)>),
}

/// What a remote lesson mirrors of the one it drives.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mirror {
    pub query: String,
    pub step: u64,
    pub running: bool,
    pub started: bool,
    pub speed: f64,
    pub rate: f64,
    pub notices: Vec<Notice>,
    pub diverged: Option<Msg>,
}

impl Lesson {
    /// Starts the lesson for the component being built: its worker stops when the component is
    /// dropped, and its children find the lesson as context.
    /// `speed` is the address's (0: none named), else the lesson's own default.
    pub fn mount(id: LessonId, query: String, speed: f64) -> Lesson {
        let speed = if speed > 0.0 {
            speed
        } else {
            id.default_speed()
        };
        let lesson = Lesson::start(id, query, speed);
        on_cleanup(move || lesson.stop());
        provide_context(lesson);
        lesson
    }

    /// Starts a worker running lesson `id` with `query`.
    fn start(id: LessonId, query: String, speed: f64) -> Lesson {
        let lesson = Lesson::idle(id, query.clone(), speed, None);
        lesson.spawn(query);
        lesson
    }

    /// A lesson with nothing reported yet, sending through `link` (`None`: no worker yet).
    fn idle(id: LessonId, query: String, speed: f64, link: Option<Link>) -> Lesson {
        Lesson {
            id,
            step: RwSignal::new(0),
            running: RwSignal::new(false),
            rate: RwSignal::new(0.0),
            history: RwSignal::new(History::default()),
            view: RwSignal::new(None),
            notices: RwSignal::new(vec![]),
            diverged: RwSignal::new(None),
            failed: RwSignal::new(None),
            rejected: RwSignal::new(None),
            query: RwSignal::new(query),
            started: RwSignal::new(false),
            speed: RwSignal::new(speed),
            answer: RwSignal::new(None),
            loading: RwSignal::new(None),
            data_error: RwSignal::new(None),
            imported: RwSignal::new(None),
            reached: RwSignal::new(None),
            link: StoredValue::new_local(link),
            edits_in_flight: StoredValue::new(0),
        }
    }

    fn spawn(self, query: String) {
        self.link.set_value(None);
        self.edits_in_flight.set_value(0);
        match WorkerLink::spawn(move |msg| self.receive(msg)) {
            Ok(link) => {
                link.send(ToWorker::SetSpeed {
                    steps_per_sec: self.speed.get_untracked(),
                });
                link.send(ToWorker::Init {
                    lesson: self.id,
                    query,
                });
                self.link.set_value(Some(Link::Worker(Rc::new(link))));
                self.failed.set(None);
            }
            Err(e) => self.failed.set(Some(e)),
        }
    }

    fn receive(self, msg: FromWorker) {
        // A message can still be in flight when the page has left this lesson.
        if self.step.is_disposed() {
            return;
        }
        match msg {
            FromWorker::Ready => {}
            FromWorker::Started {
                query,
                notices,
                metric_names,
                ..
            } => {
                self.history.set(History {
                    names: metric_names,
                    ..History::default()
                });
                if self.edit_answered() {
                    self.query.set(query);
                    self.notices.set(notices);
                }
                self.diverged.set(None);
                self.running.set(false);
                self.started.set(true);
            }
            FromWorker::Snapshot(s) => {
                self.step.set(s.step);
                self.running.set(s.running);
                if s.steps_per_sec > 0.0 || !s.running {
                    self.rate.set(if s.running { s.steps_per_sec } else { 0.0 });
                }
                if !s.history.is_empty() {
                    self.history.update(|h| h.push(s.history));
                }
                // A lesson re-sends its view unchanged while playing (the Boltzmann family's
                // is scored every 200 steps, sent with every snapshot): setting it again would
                // rebuild and redraw every chart of the page 30 times a second for nothing.
                if self.view.with_untracked(|v| v.as_ref() != Some(&s.view)) {
                    self.view.set(Some(s.view));
                }
            }
            FromWorker::Paused { step, reason } => {
                self.step.set(step);
                self.running.set(false);
                self.rate.set(0.0);
                match reason {
                    PauseReason::Diverged { message } => self.diverged.set(Some(message)),
                    PauseReason::ReachedTarget => self.reached.set(Some(step)),
                    PauseReason::User => {}
                }
            }
            FromWorker::Updated { query, notices } => {
                if self.edit_answered() {
                    self.query.set(query);
                    self.notices.set(notices);
                }
            }
            FromWorker::Rejected { command, why } => {
                // Play and run-to set `running` optimistically; a refusal undoes that.
                if matches!(command.as_str(), "play" | "run_to") {
                    self.running.set(false);
                }
                if matches!(command.as_str(), "update" | "reset") {
                    self.edit_answered();
                }
                self.rejected.set(Some((command, why)));
            }
            FromWorker::Failed { message } => {
                self.running.set(false);
                // A panic reports itself, then the worker's error event follows: keep the first.
                if self.failed.get_untracked().is_none() {
                    self.failed.set(Some(message));
                }
            }
            FromWorker::Answer(a) => self.answer.set(Some(a)),
            FromWorker::Exported { file_name, text } => {
                crate::charts::download_text(&file_name, "application/json", &text);
            }
            FromWorker::Imported { step } => self.imported.set(Some(Ok(step))),
            FromWorker::ImportFailed { message } => self.imported.set(Some(Err(message))),
            FromWorker::Loading {
                what,
                done,
                total,
                error,
            } => {
                let finished = error.is_some() || (total > 0 && done >= total);
                self.loading.set((!finished).then_some((what, done, total)));
                self.data_error.set(error);
            }
        }
    }

    /// One edit was answered. True when none is left on its way: the reply's settings (in
    /// canonical form, with their notices) are then the user's latest and may be shown.
    fn edit_answered(self) -> bool {
        let left = self.edits_in_flight.get_value().saturating_sub(1);
        self.edits_in_flight.set_value(left);
        left == 0
    }

    pub fn send(self, cmd: ToWorker) {
        self.rejected.set(None);
        match self.link.try_get_value().flatten() {
            Some(Link::Worker(link)) => link.send(cmd),
            Some(Link::Remote(send)) => send(cmd),
            None => {}
        }
    }

    /// Decodes the worker's last message again, discarding it (warm-up; no state changes).
    pub fn decode_last_again(self) {
        if let Some(Link::Worker(link)) = self.link.try_get_value().flatten() {
            link.decode_last_again();
        }
    }

    /// A lesson without a worker of its own: its commands go to `send` (the projector window,
    /// which runs the lesson) and its state follows [`Lesson::mirror`]. The controls built on it
    /// are the lesson's own controls.
    pub fn remote(id: LessonId, state: &Mirror, send: Rc<dyn Fn(ToWorker)>) -> Lesson {
        let lesson = Lesson::idle(
            id,
            state.query.clone(),
            state.speed,
            Some(Link::Remote(send)),
        );
        lesson.mirror(state, true);
        lesson
    }

    /// Takes the state of the lesson this one drives. `settled`: no edit of this window's is
    /// still on its way, so the settings shown may follow the projector's.
    pub fn mirror(self, m: &Mirror, settled: bool) {
        if settled {
            self.query.set(m.query.clone());
            self.notices.set(m.notices.clone());
            self.speed.set(m.speed);
        }
        self.step.set(m.step);
        self.running.set(m.running);
        self.started.set(m.started);
        self.rate.set(m.rate);
        self.diverged.set(m.diverged.clone());
    }

    /// The state a presenter window mirrors.
    pub fn snapshot_for_mirror(self) -> Mirror {
        Mirror {
            query: self.query.get(),
            step: self.step.get(),
            running: self.running.get(),
            started: self.started.get(),
            speed: self.speed.get(),
            rate: self.rate.get(),
            notices: self.notices.get(),
            diverged: self.diverged.get(),
        }
    }

    pub fn play(self) {
        self.running.set(true);
        self.send(ToWorker::Play);
    }

    pub fn pause(self) {
        self.send(ToWorker::Pause);
    }

    pub fn toggle(self) {
        if self.running.get_untracked() {
            self.pause()
        } else {
            self.play()
        }
    }

    pub fn step_once(self, part: StepPart) {
        self.send(ToWorker::Step { count: 1, part });
    }

    pub fn run_to(self, step: u64) {
        self.running.set(true);
        self.send(ToWorker::RunTo { step });
    }

    /// Back to step 0 with `query` (or the current settings). After a crash, a fresh worker.
    pub fn reset(self, query: Option<String>) {
        let query = query.unwrap_or_else(|| self.query.get_untracked());
        self.diverged.set(None);
        let remote = matches!(self.link.try_get_value().flatten(), Some(Link::Remote(_)));
        if !remote
            && (self.failed.get_untracked().is_some()
                || self.link.try_get_value().flatten().is_none())
        {
            self.started.set(false);
            self.spawn(query);
        } else {
            self.query.set(query.clone());
            self.edits_in_flight.update_value(|n| *n += 1);
            self.send(ToWorker::Reset { query: Some(query) });
        }
    }

    /// New settings: the worker applies live ones and restarts for the rest.
    pub fn update(self, query: String) {
        self.query.set(query.clone());
        self.edits_in_flight.update_value(|n| *n += 1);
        self.send(ToWorker::Update { query });
    }

    pub fn set_speed(self, steps_per_sec: f64) {
        self.speed.set(steps_per_sec);
        self.send(ToWorker::SetSpeed { steps_per_sec });
    }

    /// Asks the worker for the run as a file; it arrives as a download.
    pub fn export(self) {
        self.send(ToWorker::Export);
    }

    /// Hands a run file to the worker, which replaces the run only if the file checks out.
    pub fn import(self, text: String) {
        self.imported.set(None);
        self.send(ToWorker::Import { text });
    }

    pub fn act(self, action: LessonAction) {
        self.send(ToWorker::Act(action));
    }

    /// Terminates the worker. Safe to call while Leptos tears the lesson down: the handle may
    /// already be gone, and then the worker went with it.
    pub fn stop(self) {
        if let Some(mut link) = self.link.try_write_value() {
            *link = None;
        }
    }
}
