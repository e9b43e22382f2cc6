//! Authored lectures, kept in the browser's local storage: one JSON list of `{id, file}`, where
//! `file` is the lecture's own file text (so what is read back is checked like an imported file).
//! Storage that cannot be read is moved aside untouched and reported, never overwritten.

use genlab_core::lecture::Lecture;
use genlab_core::msg;
use genlab_core::msg::Msg;
use serde::{Deserialize, Serialize};

const KEY: &str = "genlab.lectures";
const ASIDE: &str = "genlab.lectures.unreadable";

#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub id: String,
    pub lecture: Lecture,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    id: String,
    file: String,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Every authored lecture. `Err` says why some could not be read; those were moved aside (the
/// ones that could are still returned beside the message).
pub fn load() -> (Vec<Saved>, Option<Msg>) {
    let Some(s) = storage() else {
        return (vec![], None);
    };
    let Some(text) = s.get_item(KEY).ok().flatten() else {
        return (vec![], None);
    };
    let entries: Vec<Entry> = match serde_json::from_str(&text) {
        Ok(e) => e,
        Err(e) => {
            let _ = s.set_item(ASIDE, &text);
            let _ = s.remove_item(KEY);
            return (vec![], Some(msg!("msg.lecture.storage", e.to_string())));
        }
    };
    let mut saved = Vec::new();
    let mut bad = Vec::new();
    for e in entries {
        match Lecture::parse(&e.file) {
            Ok(lecture) => saved.push(Saved { id: e.id, lecture }),
            Err(m) => bad.push((e, m)),
        }
    }
    let problem = (!bad.is_empty()).then(|| {
        let aside: Vec<&Entry> = bad.iter().map(|(e, _)| e).collect();
        let _ = s.set_item(ASIDE, &serde_json::to_string(&aside).unwrap_or_default());
        let _ = save(&saved);
        msg!("msg.lecture.storage", bad[0].1.clone())
    });
    (saved, problem)
}

pub fn save(all: &[Saved]) -> Result<(), Msg> {
    let Some(s) = storage() else {
        return Err(msg!("msg.lecture.storage_full", "no local storage"));
    };
    let entries: Vec<Entry> = all
        .iter()
        .map(|x| Entry {
            id: x.id.clone(),
            file: x.lecture.to_json(),
        })
        .collect();
    let text = serde_json::to_string(&entries).expect("entries serialise");
    s.set_item(KEY, &text)
        .map_err(|e| msg!("msg.lecture.storage_full", format!("{e:?}")))
}

pub fn find(id: &str) -> Option<Lecture> {
    load().0.into_iter().find(|s| s.id == id).map(|s| s.lecture)
}

/// A fresh id for an authored lecture.
pub fn new_id() -> String {
    let t = js_sys::Date::now() as u64;
    let r = (js_sys::Math::random() * 65536.0) as u64;
    format!("my-{:x}{:04x}", t, r)
}

/// Adds `lecture` (imported or from a link) unless the same lecture is already kept; returns its
/// id. The id follows from the content, so opening one link twice keeps one copy.
pub fn add_once(lecture: Lecture) -> Result<(String, bool), Msg> {
    let (mut all, _) = load();
    if let Some(same) = all.iter().find(|s| s.lecture == lecture) {
        return Ok((same.id.clone(), false));
    }
    let base = format!("my-{}", &lecture.checksum()[..10]);
    let mut id = base.clone();
    let mut n = 2;
    while all.iter().any(|s| s.id == id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    all.push(Saved {
        id: id.clone(),
        lecture,
    });
    save(&all)?;
    Ok((id, true))
}
