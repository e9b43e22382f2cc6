//! The lessons genlab offers, and what a trainable lesson must provide to the session.

use std::rc::Rc;

use crate::device::{Accelerator, AnswerLater, DeviceCopy, DeviceFault, DeviceRead};
use crate::msg::Msg;
use crate::protocol::{LessonAction, LessonAnswer, LessonView};
use crate::settings::{self, Notice, Settings};

pub use crate::registry::{build, rehearsal, Asset, LessonDef, LessonId, NoAction};

/// Which part of a training step to run: GAN students step the discriminator and the generator
/// one move at a time; lessons without parts run a whole step for any of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StepPart {
    Full,
    Discriminator,
    Generator,
}

/// A lesson being trained. Implementations keep their own settings and random streams; a
/// trainer built from the same settings string must produce the same metrics at every step.
pub trait Trainer {
    /// Names of the metrics, in the order of every history row.
    fn metric_names(&self) -> &'static [&'static str];
    /// Steps (calls of `step`) taken since the start.
    fn steps(&self) -> u64;
    /// One step, or one part of a step. `Err` carries what went non-finite: the session pauses.
    fn step(&mut self, part: StepPart) -> Result<(), Msg>;
    /// A history row is recorded after every step whose number is a multiple of this.
    fn record_every(&self) -> u64;
    /// The metric row for the current state.
    fn metrics(&mut self) -> Vec<f64>;
    /// What the charts show now.
    fn view(&mut self) -> LessonView;
    /// The view while the run plays: a lesson may reuse parts that are expensive to recompute
    /// and were made a few steps ago (the VAE's decoded pictures).
    fn view_while_playing(&mut self) -> LessonView {
        self.view()
    }
    /// The canonical settings string (every parameter).
    fn query(&self) -> String;
    /// Takes new settings that need no restart. Returns false if a restart is required.
    fn update(&mut self, query: &str) -> (bool, Vec<Notice>);
    /// Why the lesson cannot train now (e.g. its data is empty); play and step are refused.
    fn blocked(&self) -> Option<Msg> {
        None
    }
    /// Everything a step changes — parameters, optimiser moments, random streams, counters — for
    /// an exported run ([`crate::runfile`]). What follows from the settings is not saved.
    fn save_state(&self) -> serde_json::Value;
    /// Takes a saved state into a trainer freshly built from the same settings, checking every
    /// shape. After `Err` the trainer is half-written and must be dropped.
    fn load_state(&mut self, state: serde_json::Value) -> Result<(), Msg>;
    /// A lesson-specific request (clamp a unit, fill in a rating...).
    fn act(&mut self, _action: LessonAction) -> Option<LessonAnswer> {
        None
    }
    /// An action this lesson answers on its device (the exact posterior's grid on the GPU):
    /// the answer as a future the host awaits, instead of [`Trainer::act`]'s. `None`: `act`
    /// answers it now.
    fn act_later(&mut self, _action: &LessonAction) -> Option<AnswerLater> {
        None
    }

    /// Parts of the last view a device is computing (a GPU lesson's pictures): futures the
    /// host awaits and sends as answers, after the snapshot they belong to.
    fn view_later(&mut self) -> Vec<AnswerLater> {
        Vec::new()
    }

    // A lesson that can train on a device (see `crate::device`) overrides the rest.

    /// Whether the settings ask for a device (the GPU): the host then answers with `attach`.
    fn wants_device(&self) -> bool {
        false
    }
    /// The host's device, or why it has none (the lesson then says so and trains on the CPU).
    fn attach(&mut self, _device: Result<Rc<dyn Accelerator>, Msg>) {}
    /// Steps run on the device whose results the CPU copy does not hold yet: history rows and
    /// paused views need a read first.
    fn unread_steps(&self) -> u64 {
        0
    }
    /// Whether the view shown while playing has fallen far enough behind to wait for a read.
    fn view_behind(&self) -> bool {
        false
    }
    /// Whether the next step needs the device's results first (a DBN layer that just finished
    /// freezes from its read parameters): the session stops after this step until a read is
    /// taken, as it does for a history row.
    fn read_before_next_step(&self) -> bool {
        false
    }
    /// A read of the device's state, for the host to await outside the session.
    fn read_device(&self) -> Option<DeviceRead> {
        None
    }
    /// A read for the view shown while playing, when nothing else waits for one: a lesson may
    /// bring less than [`Trainer::read_device`] does (the weights, not the optimiser's state).
    fn read_view(&self) -> Option<DeviceRead> {
        self.read_device()
    }
    /// Takes an awaited read into the CPU copy. A lost device makes the lesson continue on the
    /// CPU from its last read (the steps since are run again, the same ones). `Err`: the read
    /// holds a non-finite value — the run diverged.
    fn take_read(&mut self, _read: Result<DeviceCopy, DeviceFault>) -> Result<(), Msg> {
        Ok(())
    }
}

/// Keys that belong to the app, not to a lesson: allowed in every lesson's URL.
pub const APP_KEYS: &[&str] = &["lang", "projector", "speed", "embed", "lecture", "scene"];

pub struct Built {
    pub trainer: Box<dyn Trainer>,
    pub notices: Vec<Notice>,
}

/// Splits a route such as `gan?seed=3&lr_g=0.001` (the URL hash without `#/`, or the CLI's
/// argument) into its lesson and settings string. `None` for an unknown lesson.
pub fn parse_route(route: &str) -> Option<(LessonId, String)> {
    let route = route.trim_start_matches('#').trim_start_matches('/');
    let (name, query) = route.split_once('?').unwrap_or((route, ""));
    <LessonId as crate::settings::ChoiceEnum>::from_key(name.trim_end_matches('/'))
        .map(|id| (id, query.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rehearsal's settings are legal at full size: they build with no adjusted value.
    #[test]
    fn rehearsals_build_cleanly() {
        use crate::settings::ChoiceEnum;
        for &lesson in LessonId::ALL {
            for q in rehearsal(lesson).into_iter().flatten() {
                let built = build(lesson, &q).expect("builds");
                assert!(built.notices.is_empty(), "{lesson:?}: {:?}", built.notices);
            }
        }
        assert!(rehearsal(LessonId::Transport).is_some());
    }

    #[test]
    fn routes_parse_from_hash_and_cli_forms() {
        assert_eq!(
            parse_route("#/gan?seed=3"),
            Some((LessonId::Gan, "seed=3".into()))
        );
        assert_eq!(parse_route("gan"), Some((LessonId::Gan, String::new())));
        assert_eq!(
            parse_route("/rbm/?x=1"),
            Some((LessonId::Rbm, "x=1".into()))
        );
        assert_eq!(parse_route("#/nonsense?seed=1"), None);
        assert_eq!(parse_route(""), None);
    }
}

/// Shared `update` logic: parse, diff, and either take the live changes or ask for a restart.
pub fn update_settings<S: Settings>(current: &mut S, query: &str) -> (bool, Vec<Notice>) {
    let (new, notices) = settings::parse_query::<S>(query, APP_KEYS);
    let (_, restart) = settings::diff(current, &new);
    if !restart {
        *current = new;
    }
    (!restart, notices)
}
