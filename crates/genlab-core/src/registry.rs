//! The one list of lessons. Every lesson is one line of [`lessons!`] below; the lesson id, the
//! protocol's per-lesson payloads ([`LessonView`], [`LessonAction`], [`LessonAnswer`]), building a
//! trainer from a settings string, the assets a host must load first and the rehearsal all come
//! from that line and from the lesson's own [`LessonDef`] impl. A built lesson that lacks a piece
//! does not compile; the generic tests (`registry::tests`, the page's catalog tests and the e2e
//! suite, which reads the lessons from the landing page) check what a compiler cannot.
//!
//! Variant names are stored in exported run files (`"lesson":"RbmMnist"`): never rename one.

use crate::lesson::{Built, Trainer};
use crate::msg::Msg;
use crate::settings::{self, Kind, Notice, Settings};

/// What a host must have loaded before the lesson can start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asset {
    /// The 10,000 MNIST digits (`vae::data`), fetched by the worker or read by the CLI.
    Digits,
}

/// A lesson that has no lesson-specific requests: its action and answer payloads can never be
/// made.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum NoAction {}

/// What a built lesson declares about itself, beside the [`Trainer`] it is.
pub trait LessonDef: Trainer + Sized + 'static {
    /// The lesson's typed settings: one parameter table drives the URL, the CLI and the controls.
    type Settings: Settings;
    /// What the page draws (inside [`LessonView`]).
    type View;
    /// Lesson-specific requests and their answers ([`NoAction`] if none).
    type Action;
    type Answer;
    /// Names of the metrics in every history row (what [`Trainer::metric_names`] returns).
    const METRICS: &'static [&'static str];
    /// Steps per second the page plays at unless the address names a speed; 0 is as fast as
    /// possible.
    const DEFAULT_SPEED: f64 = 0.0;
    /// Loaded by the host before the first `Init`.
    const ASSETS: &'static [Asset] = &[];
    fn new(settings: Self::Settings) -> Self;
    /// Two settings strings a host runs through a throwaway session right after the lesson
    /// starts: browsers compile wasm lazily, and without a rehearsal the first interaction pays
    /// for it. Only lessons whose interactions must land within a frame have one.
    fn rehearsal() -> Option<[String; 2]> {
        None
    }
}

/// A parameter as generic code sees it (labels, the CLI's help, the tests): no settings type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamInfo {
    pub key: &'static str,
    pub kind: Kind,
}

fn params_of<S: Settings>() -> Vec<ParamInfo> {
    S::params()
        .iter()
        .map(|p| ParamInfo {
            key: p.key,
            kind: p.kind,
        })
        .collect()
}

fn build_from<L: LessonDef>(query: &str) -> Built {
    let (s, notices): (L::Settings, Vec<Notice>) =
        settings::parse_query(query, crate::lesson::APP_KEYS);
    Built {
        trainer: Box::new(L::new(s)),
        notices,
    }
}

fn check_from<L: LessonDef>(query: &str) -> Vec<Notice> {
    settings::parse_query::<L::Settings>(query, crate::lesson::APP_KEYS).1
}

/// Everything the registry knows of one built lesson, without its types.
#[derive(Clone, Copy)]
pub struct BuiltLesson {
    pub build: fn(&str) -> Built,
    /// The notices a settings string gets, without building the trainer (a lecture's scenes).
    pub check: fn(&str) -> Vec<Notice>,
    pub assets: &'static [Asset],
    pub default_speed: f64,
    pub rehearsal: fn() -> Option<[String; 2]>,
    /// The lesson's parameters (URL keys, kinds).
    pub params: fn() -> Vec<ParamInfo>,
    /// Keys holding data (lists of points, tables) rather than one value.
    pub extra_keys: fn() -> &'static [&'static str],
    pub metric_names: &'static [&'static str],
}

impl BuiltLesson {
    fn of<L: LessonDef>() -> Self {
        BuiltLesson {
            build: build_from::<L>,
            check: check_from::<L>,
            assets: L::ASSETS,
            default_speed: L::DEFAULT_SPEED,
            rehearsal: L::rehearsal,
            params: params_of::<L::Settings>,
            extra_keys: <L::Settings as Settings>::extra_keys,
            metric_names: L::METRICS,
        }
    }
}

macro_rules! lessons {
    (
        built { $($b:ident = $bkey:literal => $T:ty;)+ }
        planned { $($p:ident = $pkey:literal;)* }
    ) => {
        $crate::choice_enum! {
            /// Every lesson route. Order is the order on the landing page.
            pub enum LessonId { $($b = $bkey,)+ $($p = $pkey,)* }
        }

        impl LessonId {
            /// The built lesson, or `None` for a planned one (its route says so plainly).
            pub fn built(self) -> Option<BuiltLesson> {
                match self {
                    $(LessonId::$b => Some(BuiltLesson::of::<$T>()),)+
                    $(LessonId::$p => None,)*
                }
            }
        }

        /// What the charts show: one payload per built lesson.
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum LessonView { $($b(<$T as LessonDef>::View),)+ }

        /// A lesson-specific request (clamp a unit, decode a point...).
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum LessonAction { $($b(<$T as LessonDef>::Action),)+ }

        /// The answer to a [`LessonAction`].
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum LessonAnswer { $($b(<$T as LessonDef>::Answer),)+ }
    };
}

// The registry: one line per lesson. A built lesson names its trainer (which implements
// `LessonDef`); a planned one only its route.
lessons! {
    built {
        Rbm = "rbm" => crate::rbm::RbmTrainer;
        Vae = "vae" => crate::vae::VaeTrainer;
        Gan = "gan" => crate::gan::GanTrainer;
        Transport = "transport" => crate::transport::TransportTrainer;
        RbmMnist = "rbm-mnist" => crate::rbm_mnist::RbmMnistTrainer;
        Autoencoders = "autoencoders" => crate::autoencoder::AutoencoderTrainer;
        ConditionalVae = "cvae" => crate::cvae::CvaeTrainer;
        Wae = "wae" => crate::wae::WaeTrainer;
        Boltzmann = "boltzmann" => crate::boltzmann::BoltzmannTrainer;
        Langevin = "langevin" => crate::langevin::LangevinTrainer;
        Dbn = "dbn" => crate::dbn::DbnTrainer;
    }
    planned {}
}

impl LessonId {
    /// Whether the lesson is built. Routes of unbuilt lessons say so plainly in the page.
    pub fn is_built(self) -> bool {
        self.built().is_some()
    }

    /// The assets the lesson needs (none for a planned lesson).
    pub fn assets(self) -> &'static [Asset] {
        self.built().map_or(&[], |b| b.assets)
    }

    /// Steps per second the page plays the lesson at when the address names no speed.
    pub fn default_speed(self) -> f64 {
        self.built().map_or(0.0, |b| b.default_speed)
    }

    pub fn needs(self, asset: Asset) -> bool {
        self.assets().contains(&asset)
    }

    /// The built lessons, in landing-page order.
    pub fn all_built() -> impl Iterator<Item = LessonId> {
        use crate::settings::ChoiceEnum;
        Self::ALL.iter().copied().filter(|l| l.is_built())
    }
}

/// Builds the trainer of `lesson` from a settings string.
pub fn build(lesson: LessonId, query: &str) -> Result<Built, Msg> {
    use crate::settings::ChoiceEnum;
    match lesson.built() {
        Some(b) => Ok((b.build)(query)),
        None => Err(crate::msg!(
            "msg.lesson.not_built",
            lesson.key().to_string()
        )),
    }
}

/// The rehearsal of `lesson` (see [`LessonDef::rehearsal`]).
pub fn rehearsal(lesson: LessonId) -> Option<[String; 2]> {
    lesson.built().and_then(|b| (b.rehearsal)())
}

#[cfg(test)]
mod tests;
