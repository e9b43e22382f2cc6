//! Lectures for the projector: a lecture is an ordered list of scenes, and a scene is a lesson in
//! a state — its settings (the address's query, seed included), the step to run to, the panel to
//! open, a title, the slide it belongs to and a speaker note. Built-in lectures follow the five
//! decks ([`builtin`]); lecturers author their own, and a lecture travels as a file or a link.
//!
//! A file says what it is (`"format": "genlab-lecture"`), its version and a checksum of its
//! content: a damaged, hand-edited or foreign file is refused with a message before anything
//! changes. A scene whose lesson or settings no longer exist still loads, and is reported as
//! broken ([`scene_health`]) — never silently skipped.

pub mod builtin;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::lesson::LessonId;
use crate::msg;
use crate::msg::Msg;
use crate::settings::{ChoiceEnum, Notice, NoticeKind};

/// What a file must say it is.
pub const FORMAT: &str = "genlab-lecture";
/// Files of a newer version are refused rather than misread.
pub const VERSION: u32 = 1;
/// A lecture of 200 scenes with long notes is well under this; anything beyond is not ours.
pub const MAX_BYTES: usize = 4 << 20;
pub const MAX_SCENES: usize = 200;
pub const MAX_TITLE: usize = 200;
pub const MAX_NOTE: usize = 4000;
/// A transport scene's query holds its points; 20,000 characters is several times the largest.
pub const MAX_SETTINGS: usize = 20_000;
/// A scene runs to its step when shown: a million steps is already minutes on the digits.
pub const MAX_STEP: u64 = 1_000_000;
/// The speeds the transport bar can set (0: the lesson's default).
pub const SPEED_RANGE: (f64, f64) = (1.0, 1e4);
/// Languages the page speaks; a lecture is given in one of them.
pub const LANGS: &[&str] = &["en", "pl", "ru"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lecture {
    pub title: String,
    /// The page's language while the lecture is given (`en`, `pl`, `ru`).
    pub lang: String,
    /// The deck it follows (`000`…`004`), if any.
    #[serde(default)]
    pub deck: Option<String>,
    pub scenes: Vec<Scene>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    pub title: String,
    /// The slide of the deck the scene belongs to (its heading).
    #[serde(default)]
    pub slide: String,
    #[serde(default)]
    pub note: String,
    /// The lesson's route key (`rbm`, `vae`…). Kept as text: a lesson that no longer exists
    /// makes a broken scene, not an unreadable file.
    pub lesson: String,
    /// The lesson's settings, as in the address (`seed=1&method=cd`).
    pub settings: String,
    /// Steps per second once the scene is prepared; 0 is the lesson's default.
    #[serde(default)]
    pub speed: f64,
    /// The step the scene is run to when shown.
    #[serde(default)]
    pub step: u64,
    /// The panel or demo shown (`data-testid` of the element: `theory`, `demo-clamp`…).
    #[serde(default)]
    pub focus: Option<String>,
}

/// The file: what it is, its version, a checksum of the lecture, the lecture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct LectureFile {
    format: String,
    version: u32,
    checksum: String,
    lecture: Lecture,
}

/// FNV-1a, 64 bits: enough to tell an edit from a faithful copy (it is not a signature).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Lecture {
    /// The checksum a file of this lecture carries.
    pub fn checksum(&self) -> String {
        let body = serde_json::to_string(self).expect("a lecture always serialises");
        format!("{:016x}", fnv1a(body.as_bytes()))
    }

    pub fn to_json(&self) -> String {
        let file = LectureFile {
            format: FORMAT.into(),
            version: VERSION,
            checksum: self.checksum(),
            lecture: self.clone(),
        };
        serde_json::to_string_pretty(&file).expect("a lecture always serialises")
    }

    /// A name for the download: `genlab-lecture-<title>.json`, the title cut to letters.
    pub fn file_name(&self) -> String {
        let slug: String = self
            .title
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .take(6)
            .collect::<Vec<_>>()
            .join("-");
        let slug = if slug.is_empty() {
            "untitled".into()
        } else {
            slug.to_lowercase()
        };
        format!("genlab-lecture-{slug}.json")
    }

    /// Reads and checks a file: its kind, version, checksum and every field's bounds.
    pub fn parse(text: &str) -> Result<Lecture, Msg> {
        if text.len() > MAX_BYTES {
            return Err(msg!(
                "msg.lecture.too_big",
                (text.len() as f64 / 1e6).round(),
                (MAX_BYTES >> 20) as u64
            ));
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| msg!("msg.lecture.not_json", e.to_string()))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(other) => return Err(msg!("msg.lecture.foreign", other.to_string())),
            None => return Err(msg!("msg.lecture.not_ours")),
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if (1..=VERSION as u64).contains(&v) => {}
            Some(v) => return Err(msg!("msg.lecture.newer", v, VERSION as u64)),
            None => return Err(msg!("msg.lecture.no_version")),
        }
        let file: LectureFile = serde_json::from_value(value)
            .map_err(|e| msg!("msg.lecture.damaged", e.to_string()))?;
        if file.checksum != file.lecture.checksum() {
            return Err(msg!("msg.lecture.edited"));
        }
        file.lecture.validate()?;
        Ok(file.lecture)
    }

    /// Every bound a lecture must keep; the first one broken, named.
    pub fn validate(&self) -> Result<(), Msg> {
        let text = |what: &str, s: &str, max: usize| {
            if s.chars().count() > max {
                Err(msg!("msg.lecture.too_long", what.to_string(), max))
            } else {
                Ok(())
            }
        };
        if self.title.trim().is_empty() {
            return Err(msg!("msg.lecture.no_title"));
        }
        text("title", &self.title, MAX_TITLE)?;
        if !LANGS.contains(&self.lang.as_str()) {
            return Err(msg!("msg.lecture.lang", self.lang.clone()));
        }
        if self.scenes.is_empty() {
            return Err(msg!("msg.lecture.no_scenes"));
        }
        if self.scenes.len() > MAX_SCENES {
            return Err(msg!("msg.lecture.too_many", self.scenes.len(), MAX_SCENES));
        }
        for (i, s) in self.scenes.iter().enumerate() {
            let n = i + 1;
            let at = |m: Msg| msg!("msg.lecture.scene", n, m);
            text("title", &s.title, MAX_TITLE).map_err(at)?;
            text("slide", &s.slide, MAX_TITLE).map_err(at)?;
            text("note", &s.note, MAX_NOTE).map_err(at)?;
            text("settings", &s.settings, MAX_SETTINGS).map_err(at)?;
            text("lesson", &s.lesson, 64).map_err(at)?;
            if let Some(f) = &s.focus {
                let ok = !f.is_empty()
                    && f.len() <= 64
                    && f.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !ok {
                    return Err(at(msg!("msg.lecture.focus", f.clone())));
                }
            }
            if s.step > MAX_STEP {
                return Err(at(msg!("msg.lecture.step", s.step, MAX_STEP)));
            }
            let (lo, hi) = SPEED_RANGE;
            if !(s.speed == 0.0 || (s.speed.is_finite() && (lo..=hi).contains(&s.speed))) {
                return Err(at(msg!("msg.lecture.speed", s.speed)));
            }
        }
        Ok(())
    }

    /// The lecture as a link's payload: the file, base64 (URL-safe alphabet, no padding).
    pub fn to_link_data(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.to_json().as_bytes())
    }

    /// A lecture from a link's payload, checked like a file.
    pub fn from_link_data(data: &str) -> Result<Lecture, Msg> {
        let bytes = URL_SAFE_NO_PAD
            .decode(data.trim().trim_end_matches('='))
            .map_err(|e| msg!("msg.lecture.link_damaged", e.to_string()))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| msg!("msg.lecture.link_damaged", e.to_string()))?;
        Lecture::parse(&text)
    }
}

/// What stands between a scene and the lesson it names.
#[derive(Clone, Debug, PartialEq)]
pub enum SceneHealth {
    Ok,
    /// Some settings were clamped or adjusted by the lesson's rules; it runs, with these notices.
    Adjusted(Vec<Notice>),
    /// The lesson or one of the settings no longer exists (or cannot be read): shown as broken.
    Broken(Msg),
}

/// Whether a scene's lesson exists and its settings parse as written.
pub fn scene_health(scene: &Scene) -> SceneHealth {
    let Some(lesson) = LessonId::from_key(&scene.lesson) else {
        return SceneHealth::Broken(msg!("msg.lecture.no_lesson", scene.lesson.clone()));
    };
    let Some(built) = lesson.built() else {
        return SceneHealth::Broken(msg!("msg.lecture.no_lesson", scene.lesson.clone()));
    };
    let notices = (built.check)(&scene.settings);
    let gone: Vec<&str> = notices
        .iter()
        .filter(|n| matches!(n.kind, NoticeKind::Unknown | NoticeKind::Invalid { .. }))
        .map(|n| n.key.as_str())
        .collect();
    if !gone.is_empty() {
        SceneHealth::Broken(msg!("msg.lecture.bad_settings", gone.join(", ")))
    } else if notices.is_empty() {
        SceneHealth::Ok
    } else {
        SceneHealth::Adjusted(notices)
    }
}

#[cfg(test)]
mod tests;
