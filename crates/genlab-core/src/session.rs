//! A training session: the state machine behind the worker and the command-line runner.
//!
//! The session never looks at a clock. Its host (the web worker, the CLI) decides how many steps
//! fit in a time slice and calls [`Session::run`]; so a run's numbers depend only on its settings,
//! never on timing — the same URL gives the same metrics at every step.

use std::rc::Rc;

use crate::device::{Accelerator, AnswerLater, DeviceCopy, DeviceFault, DeviceRead};
use crate::lesson::{self, LessonId, StepPart, Trainer};
use crate::msg;
use crate::msg::Msg;
use crate::protocol::{FromWorker, HistoryRow, PauseReason, Snapshot, ToWorker};
use crate::runfile::RunFile;
use crate::settings::ChoiceEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Paused,
    Playing,
    /// A non-finite value appeared: only `Reset` (or a new `Init`) gets out of here.
    Diverged,
}

pub struct Session {
    lesson: LessonId,
    trainer: Option<Box<dyn Trainer>>,
    mode: Mode,
    target: Option<u64>,
    /// Parts of steps still to run for a `Step` command.
    queued: u32,
    queued_part: StepPart,
    /// Steps per second the host should aim for (0 = as fast as possible).
    pub steps_per_sec: f64,
    pending: Vec<HistoryRow>,
    /// The rows since the start, for an exported run: all of them up to [`MAX_RECORDED`],
    /// then thinned (every other row, the newest kept) so a long full-speed run stays small.
    recorded: Vec<HistoryRow>,
    /// The host's device (see [`crate::device`]), or why it has none; `None` until asked.
    accelerator: Option<Result<Rc<dyn Accelerator>, Msg>>,
    /// A device run reached a history row: it is recorded once the read arrives.
    row_due: bool,
    /// The lesson's next step needs a read first ([`Trainer::read_before_next_step`]).
    step_read_due: bool,
    /// Messages (pauses) that go out after the read, behind a snapshot of what it brought.
    held: Vec<FromWorker>,
    /// Commands that arrived while the device held unread steps: they run after the read, in
    /// order, so every command sees the trainer as it is (an export, a new batch size...).
    deferred: Vec<ToWorker>,
    /// A read is on its way: no steps until it arrives.
    reading: bool,
    /// Answers a device computes (see [`Trainer::act_later`]), for the host to await and send.
    answers_due: Vec<AnswerLater>,
}

/// Rows an exported history holds at most (a Sinkhorn run at full speed records ≈145,000 a
/// second; unthinned, a minute of it would hold gigabytes).
pub const MAX_RECORDED: usize = 20_000;

/// Keeps every other row and the newest: the thinning both histories (worker, page) use.
pub fn thin<T>(rows: &mut Vec<T>) {
    let last = rows.len().saturating_sub(1);
    let mut i = 0;
    rows.retain(|_| {
        let keep = i % 2 == 0 || i == last;
        i += 1;
        keep
    });
}

impl Default for Session {
    fn default() -> Self {
        Session {
            lesson: LessonId::Gan,
            trainer: None,
            mode: Mode::Paused,
            target: None,
            queued: 0,
            queued_part: StepPart::Full,
            steps_per_sec: 0.0,
            pending: Vec::new(),
            recorded: Vec::new(),
            accelerator: None,
            row_due: false,
            step_read_due: false,
            held: Vec::new(),
            deferred: Vec::new(),
            reading: false,
            answers_due: Vec::new(),
        }
    }
}

fn reject(cmd: &ToWorker, why: Msg) -> Vec<FromWorker> {
    vec![FromWorker::Rejected {
        command: cmd.name().into(),
        why,
    }]
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn step(&self) -> u64 {
        self.trainer.as_ref().map_or(0, |t| t.steps())
    }

    /// Whether the host should keep calling [`Session::run`].
    pub fn has_work(&self) -> bool {
        self.trainer.is_some() && (self.mode == Mode::Playing || self.queued > 0) && !self.reading
    }

    /// Whether a person waits for the next read (a pause, a command): the host reads at once.
    pub fn read_urgent(&self) -> bool {
        !self.held.is_empty() || !self.deferred.is_empty()
    }

    /// Whether a read is on its way.
    pub fn reading(&self) -> bool {
        self.reading
    }

    /// Whether steps wait for a device read (due or on its way): the host stops its slice.
    pub fn waiting_for_device(&self) -> bool {
        self.reading
            || self.row_due
            || self.step_read_due
            || !self.held.is_empty()
            || !self.deferred.is_empty()
    }

    /// Whether the device has run far enough ahead of the CPU copy that the view waits for a
    /// read (the host stops queueing steps there).
    pub fn device_behind(&self) -> bool {
        self.trainer.as_ref().is_some_and(|t| t.view_behind())
    }

    /// Whether the running lesson wants a device the host has not offered yet: the host
    /// answers with [`Session::set_accelerator`] (steps run on the CPU meanwhile).
    pub fn wants_accelerator(&self) -> bool {
        self.accelerator.is_none() && self.trainer.as_ref().is_some_and(|t| t.wants_device())
    }

    /// The host's device, or why there is none; kept for every later lesson that asks.
    pub fn set_accelerator(&mut self, device: Result<Rc<dyn Accelerator>, Msg>) -> Vec<FromWorker> {
        self.accelerator = Some(device.clone());
        match self.trainer.as_mut() {
            Some(t) if t.wants_device() => {
                t.attach(device);
                // The page shows which path runs.
                vec![self.snapshot(0.0)]
            }
            _ => vec![],
        }
    }

    /// A read the host must await and pass to [`Session::take_read`] before the session can go
    /// on: a history row or a pause is waiting for it, a command was deferred, or (`for_view`)
    /// the view shown while playing has fallen behind. `None`: nothing is waiting.
    pub fn read_due(&mut self, for_view: bool) -> Option<DeviceRead> {
        let trainer = self.trainer.as_ref()?;
        if self.reading || trainer.unread_steps() == 0 {
            return None;
        }
        let waiting = self.row_due
            || self.step_read_due
            || !self.held.is_empty()
            || !self.deferred.is_empty();
        let read = if waiting {
            trainer.read_device()?
        } else if for_view && trainer.view_behind() {
            trainer.read_view()?
        } else {
            return None;
        };
        self.reading = true;
        Some(read)
    }

    /// Answers a device is computing: the host awaits each and sends it as
    /// [`FromWorker::Answer`]. Training goes on meanwhile — each answer holds its own copy of
    /// what it needs.
    pub fn take_answers_due(&mut self) -> Vec<AnswerLater> {
        std::mem::take(&mut self.answers_due)
    }

    /// Takes an awaited read: records the waiting row, sends the held messages behind a fresh
    /// snapshot, then runs the deferred commands. A lost device continues on the CPU (the lesson
    /// says so in its view); a non-finite read is a divergence.
    pub fn take_read(&mut self, read: Result<DeviceCopy, DeviceFault>) -> Vec<FromWorker> {
        self.reading = false;
        let Some(trainer) = self.trainer.as_mut() else {
            return vec![];
        };
        let mut out = Vec::new();
        let step_before = trainer.steps();
        match trainer.take_read(read) {
            Ok(()) if trainer.steps() == step_before => {
                if self.row_due {
                    self.record_row();
                }
            }
            Ok(()) => {
                // The device was lost and the lesson went back to its last read, on the CPU.
                // Later lessons of this session are told so rather than offered a dead device.
                self.accelerator = Some(Err(msg!("msg.gpu.lost_earlier")));
                // A pause that waited for the read happens here, at the earlier step.
                if !self.held.is_empty() {
                    self.held = vec![FromWorker::Paused {
                        step: trainer.steps(),
                        reason: PauseReason::User,
                    }];
                    self.mode = Mode::Paused;
                    self.queued = 0;
                    self.target = None;
                }
            }
            Err(message) => {
                self.mode = Mode::Diverged;
                self.queued = 0;
                self.target = None;
                self.held.clear();
                out.push(FromWorker::Paused {
                    step: trainer.steps(),
                    reason: PauseReason::Diverged { message },
                });
            }
        }
        self.row_due = false;
        self.step_read_due = false;
        let held = std::mem::take(&mut self.held);
        if out.is_empty() {
            out.push(self.snapshot(0.0));
            out.extend(held);
        }
        for cmd in std::mem::take(&mut self.deferred) {
            out.extend(self.handle(cmd));
        }
        out
    }

    /// Records a history row for the trainer's current step.
    fn record_row(&mut self) {
        let Some(trainer) = self.trainer.as_mut() else {
            return;
        };
        let step = trainer.steps();
        let values = trainer.metrics();
        self.pending.push(HistoryRow {
            step,
            values: values.clone(),
        });
        self.recorded.push(HistoryRow { step, values });
        if self.recorded.len() > MAX_RECORDED {
            thin(&mut self.recorded);
        }
    }

    pub fn trainer(&mut self) -> Option<&mut (dyn Trainer + 'static)> {
        self.trainer.as_deref_mut()
    }

    fn start(&mut self, lesson: LessonId, query: &str) -> Vec<FromWorker> {
        match lesson::build(lesson, query) {
            Ok(built) => {
                self.lesson = lesson;
                self.begin(built, None)
            }
            Err(message) => {
                self.mode = Mode::Paused;
                self.trainer = None;
                vec![FromWorker::Failed {
                    message: message.to_string(),
                }]
            }
        }
    }

    /// Makes `built` the running trainer, paused. `history`: an imported run's rows; without
    /// one, the history starts with a row for step 0, so every curve starts at the initial state.
    fn begin(
        &mut self,
        mut built: lesson::Built,
        history: Option<Vec<HistoryRow>>,
    ) -> Vec<FromWorker> {
        self.mode = Mode::Paused;
        self.target = None;
        self.queued = 0;
        self.row_due = false;
        self.step_read_due = false;
        self.held.clear();
        if let Some(device) = &self.accelerator {
            if built.trainer.wants_device() {
                built.trainer.attach(device.clone());
            }
        }
        let started = FromWorker::Started {
            lesson: self.lesson,
            query: built.trainer.query(),
            notices: built.notices,
            metric_names: built
                .trainer
                .metric_names()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        self.recorded = history.unwrap_or_else(|| {
            vec![HistoryRow {
                step: built.trainer.steps(),
                values: built.trainer.metrics(),
            }]
        });
        self.pending = self.recorded.clone();
        self.trainer = Some(built.trainer);
        vec![started, self.snapshot(0.0)]
    }

    fn export(&mut self) -> Vec<FromWorker> {
        let Some(trainer) = self.trainer.as_ref() else {
            return reject(&ToWorker::Export, msg!("msg.session.no_lesson"));
        };
        let file = RunFile::new(
            self.lesson,
            trainer.query(),
            trainer.steps(),
            trainer
                .metric_names()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            &self.recorded,
            trainer.save_state(),
        );
        vec![FromWorker::Exported {
            file_name: file.file_name(),
            text: file.to_json(),
        }]
    }

    /// Builds the file's run beside the current one and swaps only when all of it checks out.
    fn import(&mut self, text: &str) -> Vec<FromWorker> {
        match self.imported_trainer(text) {
            Ok((built, file)) => {
                let mut out = self.begin(built, Some(file.history_rows()));
                out.push(FromWorker::Imported { step: file.step });
                out
            }
            Err(message) => vec![FromWorker::ImportFailed { message }],
        }
    }

    fn imported_trainer(&self, text: &str) -> Result<(lesson::Built, RunFile), Msg> {
        let mut file = RunFile::parse(text)?;
        if self.trainer.is_none() {
            return Err(msg!("msg.session.no_lesson"));
        }
        if file.lesson != self.lesson {
            return Err(msg!("msg.run.other_lesson", file.lesson.key()));
        }
        let mut built = lesson::build(file.lesson, &file.query)?;
        let names = built.trainer.metric_names();
        if file.metric_names.len() != names.len()
            || file.metric_names.iter().zip(names).any(|(a, b)| a != b)
        {
            return Err(msg!("msg.run.other_metrics"));
        }
        let state = std::mem::take(&mut file.state);
        built.trainer.load_state(state)?;
        if built.trainer.steps() != file.step {
            return Err(msg!("msg.run.step", file.step, built.trainer.steps()));
        }
        Ok((built, file))
    }

    pub fn handle(&mut self, cmd: ToWorker) -> Vec<FromWorker> {
        if cmd == ToWorker::LoseDevice {
            return vec![];
        }
        let unread = self.trainer.as_ref().is_some_and(|t| t.unread_steps() > 0);
        let pace_only = matches!(cmd, ToWorker::SetSpeed { .. });
        if !pace_only && (unread || !self.deferred.is_empty()) {
            // Order is kept: a command never overtakes one deferred before it.
            self.deferred.push(cmd);
            return vec![];
        }
        if let ToWorker::Init { lesson, query } = &cmd {
            return self.start(*lesson, query);
        }
        // The pace is the host's business and may be set before a lesson starts.
        if let ToWorker::SetSpeed { steps_per_sec } = cmd {
            self.steps_per_sec = if steps_per_sec.is_finite() {
                steps_per_sec.max(0.0)
            } else {
                0.0
            };
            return vec![];
        }
        match &cmd {
            ToWorker::Export => return self.export(),
            ToWorker::Import { text } => return self.import(text),
            _ => {}
        }
        if cmd == ToWorker::Crash {
            panic!("crash requested by the page (ToWorker::Crash)");
        }
        let Some(trainer) = self.trainer.as_mut() else {
            return reject(&cmd, msg!("msg.session.no_lesson"));
        };
        match cmd {
            ToWorker::Init { .. }
            | ToWorker::Crash
            | ToWorker::LoseDevice
            | ToWorker::SetSpeed { .. }
            | ToWorker::Export
            | ToWorker::Import { .. } => {
                unreachable!("handled above")
            }
            ToWorker::Reset { query } => {
                let query = query.unwrap_or_else(|| trainer.query());
                self.start(self.lesson, &query)
            }
            ToWorker::Update { query } => {
                let (applied, notices) = trainer.update(&query);
                if applied {
                    // A live change can change the view (a bandwidth, a Gaussian's mean): show it
                    // now, also while paused.
                    let updated = FromWorker::Updated {
                        query: trainer.query(),
                        notices,
                    };
                    vec![updated, self.snapshot(0.0)]
                } else {
                    self.start(self.lesson, &query)
                }
            }
            cmd @ (ToWorker::Play | ToWorker::Step { .. } | ToWorker::RunTo { .. })
                if trainer.blocked().is_some() =>
            {
                let why = trainer.blocked().expect("checked by the guard");
                reject(&cmd, why)
            }
            cmd if self.mode == Mode::Diverged => reject(&cmd, msg!("msg.session.diverged")),
            ToWorker::Play => {
                self.mode = Mode::Playing;
                self.target = None;
                vec![]
            }
            ToWorker::Pause => {
                let was_busy = self.has_work();
                self.mode = Mode::Paused;
                self.queued = 0;
                self.target = None;
                if was_busy {
                    vec![
                        self.snapshot(0.0),
                        FromWorker::Paused {
                            step: self.step(),
                            reason: PauseReason::User,
                        },
                    ]
                } else {
                    vec![]
                }
            }
            ToWorker::Step { count, part } => {
                if self.mode == Mode::Playing {
                    return reject(
                        &ToWorker::Step { count, part },
                        msg!("msg.session.pause_first"),
                    );
                }
                self.queued = count.clamp(1, 1_000_000);
                self.queued_part = part;
                vec![]
            }
            ToWorker::RunTo { step } => {
                if step <= trainer.steps() {
                    return reject(&ToWorker::RunTo { step }, msg!("msg.session.step_behind"));
                }
                self.target = Some(step);
                self.mode = Mode::Playing;
                vec![]
            }
            ToWorker::Act(action) => {
                if let Some(later) = trainer.act_later(&action) {
                    self.answers_due.push(later);
                    return vec![];
                }
                match trainer.act(action) {
                    Some(answer) => vec![FromWorker::Answer(answer)],
                    None => vec![],
                }
            }
        }
    }

    /// Runs at most `max_steps` steps of pending work. Returns the messages that must go out now
    /// (pauses, divergence); snapshots are the host's to schedule.
    pub fn run(&mut self, max_steps: u64) -> Vec<FromWorker> {
        let mut out = Vec::new();
        if self.reading || self.row_due || self.step_read_due || !self.deferred.is_empty() {
            // Waiting for a device read (see `read_due`).
            return out;
        }
        for _ in 0..max_steps {
            let Some(trainer) = self.trainer.as_mut() else {
                return out;
            };
            let part = if self.queued > 0 {
                self.queued_part
            } else {
                StepPart::Full
            };
            if self.queued == 0 && self.mode != Mode::Playing {
                break;
            }
            if let Err(message) = trainer.step(part) {
                self.mode = Mode::Diverged;
                self.queued = 0;
                self.target = None;
                // No snapshot: the page keeps the last good one on screen.
                out.push(FromWorker::Paused {
                    step: trainer.steps(),
                    reason: PauseReason::Diverged { message },
                });
                return out;
            }
            let step = trainer.steps();
            if trainer.read_before_next_step() && trainer.unread_steps() > 0 {
                self.step_read_due = true;
            }
            if step % trainer.record_every() == 0 {
                if trainer.unread_steps() > 0 {
                    // The row needs the device's numbers: stop here until they are read.
                    self.row_due = true;
                } else {
                    self.record_row();
                }
            }
            if self.queued > 0 {
                self.queued -= 1;
                if self.queued == 0 {
                    out.push(FromWorker::Paused {
                        step,
                        reason: PauseReason::User,
                    });
                    break;
                }
            }
            if self.target.is_some_and(|t| step >= t) {
                self.mode = Mode::Paused;
                self.target = None;
                out.push(FromWorker::Paused {
                    step,
                    reason: PauseReason::ReachedTarget,
                });
                break;
            }
            if self.row_due || self.step_read_due {
                break;
            }
        }
        if !out.is_empty() {
            if self.trainer.as_ref().is_some_and(|t| t.unread_steps() > 0) {
                // The pause's picture must show the device's state: it goes out after the read.
                self.held.append(&mut out);
                return out;
            }
            // Every pause also shows its final state.
            out.insert(0, self.snapshot(0.0));
        }
        out
    }

    /// The current state for the page: new history rows plus the lesson's view.
    pub fn snapshot(&mut self, steps_per_sec: f64) -> FromWorker {
        let running = self.has_work();
        let trainer = self
            .trainer
            .as_mut()
            .expect("snapshot of a started session");
        let view = if running {
            trainer.view_while_playing()
        } else {
            trainer.view()
        };
        self.answers_due.extend(trainer.view_later());
        FromWorker::Snapshot(Snapshot {
            step: trainer.steps(),
            running,
            steps_per_sec,
            history: std::mem::take(&mut self.pending),
            view,
        })
    }

    /// Runs until there is no work left, blocking on device reads (native hosts: the CLI,
    /// tests). Returns every message that would have gone to the page.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn run_blocking(&mut self, chunk: u64) -> Vec<FromWorker> {
        let mut out = Vec::new();
        loop {
            for later in self.take_answers_due() {
                out.push(FromWorker::Answer(crate::device::block_on(later)));
            }
            if let Some(read) = self.read_due(false) {
                let read = crate::device::block_on(read);
                out.extend(self.take_read(read));
            } else if self.has_work() {
                out.extend(self.run(chunk));
            } else {
                return out;
            }
        }
    }

    /// Every row recorded since the start (thinned past [`MAX_RECORDED`]).
    pub fn recorded(&self) -> &[HistoryRow] {
        &self.recorded
    }

    /// History rows recorded since the last snapshot, without building a view (CLI use).
    pub fn take_history(&mut self) -> Vec<HistoryRow> {
        std::mem::take(&mut self.pending)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn init(s: &mut Session, q: &str) -> Vec<FromWorker> {
        s.handle(ToWorker::Init {
            lesson: LessonId::Gan,
            query: q.into(),
        })
    }

    #[test]
    fn rejects_commands_out_of_order() {
        let mut s = Session::new();
        for cmd in [
            ToWorker::Play,
            ToWorker::Step {
                count: 1,
                part: StepPart::Full,
            },
            ToWorker::Reset { query: None },
        ] {
            let out = s.handle(cmd);
            assert!(matches!(&out[..], [FromWorker::Rejected { .. }]), "{out:?}");
        }
        init(&mut s, "seed=1");
        s.handle(ToWorker::Play);
        let out = s.handle(ToWorker::Step {
            count: 1,
            part: StepPart::Full,
        });
        assert!(matches!(&out[..], [FromWorker::Rejected { .. }]));
    }

    #[test]
    fn a_live_update_sends_a_fresh_view_even_when_paused() {
        let mut s = Session::new();
        s.handle(ToWorker::Init {
            lesson: LessonId::Transport,
            query: "shift=1".into(),
        });
        let out = s.handle(ToWorker::Update {
            query: "shift=2.5".into(),
        });
        assert!(matches!(out[0], FromWorker::Updated { .. }));
        match &out[1] {
            FromWorker::Snapshot(snap) => match &snap.view {
                crate::protocol::LessonView::Transport(v) => assert_eq!(v.w1_shift, 2.5),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn speed_may_be_set_before_the_lesson_starts() {
        let mut s = Session::new();
        assert!(s
            .handle(ToWorker::SetSpeed {
                steps_per_sec: 25.0
            })
            .is_empty());
        init(&mut s, "seed=1");
        assert_eq!(s.steps_per_sec, 25.0);
        s.handle(ToWorker::SetSpeed {
            steps_per_sec: f64::NAN,
        });
        assert_eq!(s.steps_per_sec, 0.0);
    }

    #[test]
    fn step_run_to_and_pause() {
        let mut s = Session::new();
        let out = init(&mut s, "seed=2");
        assert!(matches!(out[0], FromWorker::Started { .. }));
        s.handle(ToWorker::Step {
            count: 3,
            part: StepPart::Full,
        });
        let out = s.run(100);
        assert_eq!(s.step(), 3);
        assert!(matches!(
            out.last(),
            Some(FromWorker::Paused {
                step: 3,
                reason: PauseReason::User
            })
        ));
        s.handle(ToWorker::RunTo { step: 25 });
        s.run(10);
        assert_eq!(s.step(), 13);
        let out = s.run(1000);
        assert_eq!(s.step(), 25);
        assert!(matches!(
            out.last(),
            Some(FromWorker::Paused {
                reason: PauseReason::ReachedTarget,
                ..
            })
        ));
        assert!(!s.has_work());
        s.handle(ToWorker::Play);
        s.run(5);
        s.handle(ToWorker::Pause);
        assert!(s.run(5).is_empty());
        assert_eq!(s.step(), 30);
        let out = s.handle(ToWorker::Reset { query: None });
        assert!(matches!(out[0], FromWorker::Started { .. }));
        assert_eq!(s.step(), 0);
    }

    #[test]
    fn divergence_pauses_and_needs_reset() {
        let mut s = Session::new();
        // Learning rates far beyond reason, plain SGD, huge batch: goes non-finite quickly.
        init(
            &mut s,
            "seed=1&optimizer=sgd&lr_d=1&lr_g=1&g_act=relu&d_act=relu",
        );
        s.handle(ToWorker::Play);
        let out = s.run(5000);
        assert!(
            matches!(
                out.last(),
                Some(FromWorker::Paused {
                    reason: PauseReason::Diverged { .. },
                    ..
                })
            ),
            "{:?}",
            out.last()
        );
        assert_eq!(s.mode(), Mode::Diverged);
        assert!(matches!(
            &s.handle(ToWorker::Play)[..],
            [FromWorker::Rejected { .. }]
        ));
        s.handle(ToWorker::Reset {
            query: Some("seed=1".into()),
        });
        assert_eq!(s.mode(), Mode::Paused);
    }

    /// The same settings string gives bit-identical metrics at every recorded step, whatever the
    /// slicing of the run into `run` calls (as the worker's time slices would cut it).
    #[test]
    fn same_query_same_run_regardless_of_slicing() {
        let record = |slices: &[u64]| {
            let mut s = Session::new();
            init(&mut s, "seed=77&batch=64");
            s.handle(ToWorker::Play);
            let mut rows = s.take_history();
            for &n in slices {
                s.run(n);
                rows.extend(s.take_history());
            }
            rows
        };
        let a = record(&[300]);
        let b = record(&[1, 7, 92, 200]);
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.step, y.step);
            let bits = |r: &HistoryRow| r.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(x), bits(y), "step {}", x.step);
        }
    }

    /// Runs `lesson` to `stop`, exports, imports into a fresh session and continues to `end`:
    /// every history row and the final view must equal those of a run that never stopped.
    pub(crate) fn export_import_continues_exactly(
        lesson: LessonId,
        query: &str,
        stop: u64,
        end: u64,
    ) {
        let begin = |s: &mut Session| {
            let out = s.handle(ToWorker::Init {
                lesson,
                query: query.into(),
            });
            assert!(matches!(out[0], FromWorker::Started { .. }), "{out:?}");
        };
        let mut whole = Session::new();
        begin(&mut whole);
        whole.handle(ToWorker::RunTo { step: end });
        while whole.has_work() {
            whole.run(1000);
        }
        let whole_rows = whole.recorded.clone();

        let mut first = Session::new();
        begin(&mut first);
        first.handle(ToWorker::RunTo { step: stop });
        while first.has_work() {
            first.run(7);
        }
        let [FromWorker::Exported { file_name, text }] = &first.handle(ToWorker::Export)[..] else {
            panic!("no export");
        };
        assert_eq!(
            file_name,
            &format!("genlab-{}-step{stop}.json", lesson.key())
        );

        // A fresh session at other settings takes the file and becomes the exported run.
        let mut second = Session::new();
        second.handle(ToWorker::Init {
            lesson,
            query: "seed=999".into(),
        });
        let out = second.handle(ToWorker::Import { text: text.clone() });
        assert!(
            matches!(out.last(), Some(FromWorker::Imported { step }) if *step == stop),
            "{:?}",
            out.last()
        );
        match &out[0] {
            FromWorker::Started { query: q, .. } => {
                assert_eq!(q, &first.trainer().unwrap().query())
            }
            other => panic!("{other:?}"),
        }
        let FromWorker::Snapshot(snap) = &out[1] else {
            panic!("{:?}", out[1]);
        };
        assert_eq!(snap.step, stop);
        // NaN marks a value not yet defined; it must come back as NaN.
        let bits = |rows: &[HistoryRow]| {
            rows.iter()
                .map(|r| {
                    (
                        r.step,
                        r.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            bits(&snap.history),
            bits(&first.recorded),
            "the file's history comes back"
        );
        second.take_history();
        second.handle(ToWorker::RunTo { step: end });
        while second.has_work() {
            second.run(13);
        }
        assert_eq!(bits(&second.recorded), bits(&whole_rows), "{lesson:?}");
        // Compared as text: a view may hold NaN (a value not measured yet), which is never
        // equal to itself; Rust's float printing is exact, so equal text means equal numbers.
        assert_eq!(
            format!("{:?}", second.trainer().unwrap().view()),
            format!("{:?}", whole.trainer().unwrap().view()),
            "{lesson:?}"
        );
    }

    #[test]
    fn an_exported_gan_run_continues_exactly_after_import() {
        export_import_continues_exactly(LessonId::Gan, "seed=5&d_steps=2", 123, 300);
    }

    #[test]
    fn an_exported_rbm_run_continues_exactly_after_import() {
        // Every lane trains (compare), so PCD chains, the PT ladder and its swap counts travel too.
        export_import_continues_exactly(LessonId::Rbm, "seed=3&compare=true&batch=2", 57, 200);
    }

    #[test]
    fn an_exported_transport_run_continues_exactly_after_import() {
        export_import_continues_exactly(LessonId::Transport, "eps=0.05", 9, 40);
    }

    #[test]
    fn an_exported_vae_run_continues_exactly_after_import() {
        use crate::vae::data;
        let digits = data::load_repo_asset().expect("the bundled digits");
        data::install(data::Source::Loaded(std::sync::Arc::new(digits)));
        export_import_continues_exactly(LessonId::Vae, "seed=2&hidden=64&batch=20", 35, 70);
    }

    fn gan_file(steps: u64) -> (Session, String) {
        let mut s = Session::new();
        init(&mut s, "seed=1");
        s.handle(ToWorker::Step {
            count: steps as u32,
            part: StepPart::Full,
        });
        s.run(1000);
        let [FromWorker::Exported { text, .. }] = &s.handle(ToWorker::Export)[..] else {
            panic!()
        };
        (s, text.clone())
    }

    /// A bad file leaves the running lesson exactly as it was, and says why.
    #[test]
    fn a_bad_file_changes_nothing_and_says_why() {
        let (_, good) = gan_file(20);
        let mut s = Session::new();
        init(&mut s, "seed=3&lr_g=0.002");
        s.handle(ToWorker::Step {
            count: 5,
            part: StepPart::Full,
        });
        s.run(100);
        let before = (
            s.trainer().unwrap().query(),
            s.trainer().unwrap().save_state(),
        );
        let v: serde_json::Value = serde_json::from_str(&good).unwrap();
        let edit = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v = v.clone();
            f(&mut v);
            v.to_string()
        };
        let (_, rbm_file) = {
            let mut r = Session::new();
            r.handle(ToWorker::Init {
                lesson: LessonId::Rbm,
                query: String::new(),
            });
            let [FromWorker::Exported { text, .. }] = &r.handle(ToWorker::Export)[..] else {
                panic!()
            };
            ((), text.clone())
        };
        let cases: Vec<(String, &str)> = vec![
            ("garbage".into(), "not a genlab run"),
            (rbm_file, "“rbm” lesson"),
            (
                edit(&|v| v["query"] = "seed=1&g_width=3".into()),
                "numbers where these settings need",
            ),
            (
                edit(&|v| v["state"]["steps"] = 7.into()),
                "state is at step 7",
            ),
            (
                edit(&|v| v["state"]["g"] = "f32:AAAA".into()),
                "expected f64",
            ),
            (edit(&|v| v["state"]["rng"] = "x".into()), "damaged"),
            (
                edit(&|v| {
                    let n = v["state"]["d"].as_str().unwrap().len();
                    // Eight bytes of all ones: a NaN in place of the last weight.
                    let mut d = v["state"]["d"].as_str().unwrap()[..n - 12].to_string();
                    d.push_str("//////////8=");
                    v["state"]["d"] = d.into();
                }),
                "NaN",
            ),
            (
                edit(&|v| v["metric_names"][0] = "other".into()),
                "metrics are not this lesson's",
            ),
        ];
        for (text, why) in cases {
            let out = s.handle(ToWorker::Import { text });
            match &out[..] {
                [FromWorker::ImportFailed { message }] => {
                    assert!(message.to_string().contains(why), "{why}: {message}")
                }
                other => panic!("{why}: {other:?}"),
            }
            assert_eq!(
                (
                    s.trainer().unwrap().query(),
                    s.trainer().unwrap().save_state()
                ),
                before,
                "{why}"
            );
        }
        assert_eq!(s.step(), 5);
    }

    #[test]
    fn thinning_keeps_every_other_row_and_the_newest() {
        let mut odd: Vec<u32> = (0..5).collect();
        thin(&mut odd);
        assert_eq!(odd, [0, 2, 4]);
        let mut even: Vec<u32> = (0..6).collect();
        thin(&mut even);
        assert_eq!(even, [0, 2, 4, 5]);
        let mut empty: Vec<u32> = vec![];
        thin(&mut empty);
        assert!(empty.is_empty());
    }

    /// A long full-speed run keeps a bounded history for export: first and newest rows kept,
    /// in order, never more than the cap.
    #[test]
    fn the_exported_history_stays_bounded() {
        let mut s = Session::new();
        s.handle(ToWorker::Init {
            lesson: LessonId::Transport,
            query: "eps=0.5".into(),
        });
        s.handle(ToWorker::RunTo { step: 50_000 });
        while s.has_work() {
            s.run(5_000);
            s.take_history();
        }
        let rows = &s.recorded;
        assert!(rows.len() <= MAX_RECORDED, "{}", rows.len());
        assert!(rows.len() > MAX_RECORDED / 2, "{}", rows.len());
        assert_eq!(rows.first().map(|r| r.step), Some(0));
        assert_eq!(rows.last().map(|r| r.step), Some(50_000));
        assert!(rows.windows(2).all(|w| w[0].step < w[1].step));
    }
}
