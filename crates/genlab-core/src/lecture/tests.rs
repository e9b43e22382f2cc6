use super::builtin;
use super::*;

fn small() -> Lecture {
    Lecture {
        title: "Test lecture".into(),
        lang: "en".into(),
        deck: None,
        scenes: vec![
            Scene {
                title: "Movie-goers".into(),
                slide: "Example".into(),
                note: "ratings — ąę, русский".into(),
                lesson: "rbm".into(),
                settings: "seed=3&hidden=2".into(),
                speed: 20.0,
                step: 500,
                focus: Some("weight-table".into()),
            },
            Scene {
                title: "W1".into(),
                slide: String::new(),
                note: String::new(),
                lesson: "transport".into(),
                settings: "seed=1&p=1".into(),
                speed: 0.0,
                step: 0,
                focus: None,
            },
        ],
    }
}

#[test]
fn a_file_round_trips() {
    let l = small();
    let text = l.to_json();
    assert_eq!(Lecture::parse(&text).unwrap(), l);
    assert_eq!(l.file_name(), "genlab-lecture-test-lecture.json");
}

#[test]
fn a_link_round_trips_and_is_url_safe() {
    let l = small();
    let data = l.to_link_data();
    assert!(data
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(Lecture::from_link_data(&data).unwrap(), l);
    let err = Lecture::from_link_data("%%%not base64").unwrap_err();
    assert_eq!(err.key, "msg.lecture.link_damaged");
    // A link cut short (a chat client truncating it) is refused, not half-read.
    let err = Lecture::from_link_data(&data[..data.len() / 2]).unwrap_err();
    assert!(
        ["msg.lecture.not_json", "msg.lecture.link_damaged"].contains(&err.key.as_str()),
        "{err:?}"
    );
}

#[test]
fn damaged_edited_and_foreign_files_are_refused() {
    let text = small().to_json();
    let key = |t: &str| Lecture::parse(t).unwrap_err().key;
    assert_eq!(key(&text[..text.len() - 10]), "msg.lecture.not_json");
    assert_eq!(key("{\"title\": \"x\"}"), "msg.lecture.not_ours");
    // A run file is someone else's format.
    assert_eq!(
        key("{\"format\": \"genlab-run\", \"version\": 1}"),
        "msg.lecture.foreign"
    );
    assert_eq!(
        key(&text.replace("\"version\": 1", "\"version\": 9")),
        "msg.lecture.newer"
    );
    assert_eq!(
        key(&text.replace("\"version\": 1,", "")),
        "msg.lecture.no_version"
    );
    // Edited by hand: the checksum no longer fits.
    assert_eq!(
        key(&text.replace("\"step\": 500", "\"step\": 501")),
        "msg.lecture.edited"
    );
    assert_eq!(
        key(&text.replace("Movie-goers", "Movie goers")),
        "msg.lecture.edited"
    );
    // A field of the wrong type.
    assert_eq!(
        key(&text.replace("\"step\": 500", "\"step\": \"lots\"")),
        "msg.lecture.damaged"
    );
    let huge = " ".repeat(MAX_BYTES + 1);
    assert_eq!(key(&huge), "msg.lecture.too_big");
}

/// A file whose checksum was recomputed after an edit still has to keep every bound.
fn refused_even_with_a_fresh_checksum(edit: impl Fn(&mut Lecture)) -> String {
    let mut l = small();
    edit(&mut l);
    Lecture::parse(&l.to_json()).unwrap_err().key
}

#[test]
fn every_bound_is_checked() {
    assert_eq!(
        refused_even_with_a_fresh_checksum(|l| l.scenes.clear()),
        "msg.lecture.no_scenes"
    );
    assert_eq!(
        refused_even_with_a_fresh_checksum(|l| {
            let s = l.scenes[0].clone();
            l.scenes = vec![s; MAX_SCENES + 1];
        }),
        "msg.lecture.too_many"
    );
    assert_eq!(
        refused_even_with_a_fresh_checksum(|l| l.title = "  ".into()),
        "msg.lecture.no_title"
    );
    assert_eq!(
        refused_even_with_a_fresh_checksum(|l| l.lang = "de".into()),
        "msg.lecture.lang"
    );
    for (edit, inner) in [
        (
            Box::new(|l: &mut Lecture| l.scenes[1].note = "x".repeat(MAX_NOTE + 1))
                as Box<dyn Fn(&mut Lecture)>,
            "msg.lecture.too_long",
        ),
        (
            Box::new(|l: &mut Lecture| l.scenes[1].step = MAX_STEP + 1),
            "msg.lecture.step",
        ),
        (
            Box::new(|l: &mut Lecture| l.scenes[1].speed = 1e9),
            "msg.lecture.speed",
        ),
        (
            Box::new(|l: &mut Lecture| l.scenes[1].speed = 0.5),
            "msg.lecture.speed",
        ),
        (
            Box::new(|l: &mut Lecture| l.scenes[1].focus = Some("\"><script>".into())),
            "msg.lecture.focus",
        ),
    ] {
        let mut l = small();
        edit(&mut l);
        let err = Lecture::parse(&l.to_json()).unwrap_err();
        assert_eq!(err.key, "msg.lecture.scene");
        assert_eq!(err.args[0], crate::msg::Arg::Text("2".into()));
        match &err.args[1] {
            crate::msg::Arg::Msg(m) => assert_eq!(m.key, inner),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_scene_whose_lesson_or_settings_are_gone_is_broken_not_dropped() {
    let mut l = small();
    l.scenes[0].lesson = "quantum".into();
    l.scenes[1].settings = "seed=1&warp=9".into();
    // The file still loads: both scenes are there, each reported broken.
    let back = Lecture::parse(&l.to_json()).unwrap();
    assert_eq!(back.scenes.len(), 2);
    match scene_health(&back.scenes[0]) {
        SceneHealth::Broken(m) => assert_eq!(m.key, "msg.lecture.no_lesson"),
        other => panic!("{other:?}"),
    }
    match scene_health(&back.scenes[1]) {
        SceneHealth::Broken(m) => {
            assert_eq!(m.key, "msg.lecture.bad_settings");
            assert_eq!(m.args[0], crate::msg::Arg::Text("warp".into()));
        }
        other => panic!("{other:?}"),
    }
    let mut s = small().scenes[0].clone();
    s.settings = "seed=1&hidden=99".into();
    assert!(matches!(scene_health(&s), SceneHealth::Adjusted(n) if n[0].key == "hidden"));
    assert_eq!(scene_health(&small().scenes[0]), SceneHealth::Ok);
}

#[test]
fn every_built_in_scene_parses_without_a_notice() {
    let all = builtin::all();
    assert_eq!(all.len(), 5, "one lecture per deck");
    for (id, lecture) in &all {
        lecture.validate().unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(lecture.deck.as_deref(), Some(*id));
        assert!(lecture.scenes.len() >= 6, "{id}: a whole lecture");
        for (i, s) in lecture.scenes.iter().enumerate() {
            assert_eq!(scene_health(s), SceneHealth::Ok, "{id} scene {}", i + 1);
            assert!(
                !s.slide.is_empty() && !s.note.is_empty(),
                "{id} scene {}",
                i + 1
            );
            assert!(
                crate::runfile::seed_of(&s.settings).is_some(),
                "{id} scene {}: the seed is named, so the scene is the same run every time",
                i + 1
            );
        }
        // A built-in lecture round-trips through a file like any other.
        assert_eq!(&Lecture::parse(&lecture.to_json()).unwrap(), lecture);
    }
}

#[test]
fn built_in_lectures_speak_their_decks_language_and_name_its_slides() {
    let decks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/lectures");
    let langs = [
        ("000", "pl"),
        ("001", "ru"),
        ("002", "en"),
        ("003", "ru"),
        ("004", "pl"),
    ];
    for (id, lecture) in builtin::all() {
        let want = langs.iter().find(|(d, _)| *d == id).unwrap().1;
        assert_eq!(lecture.lang, want, "{id}");
        // Each slide named is a heading of the deck (when the decks are beside the checkout).
        let Some(deck) = std::fs::read_dir(&decks).ok().and_then(|entries| {
            entries.flatten().find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{id}_"))
            })
        }) else {
            continue;
        };
        let text = std::fs::read_to_string(deck.path()).unwrap();
        for s in &lecture.scenes {
            assert!(
                text.contains(&s.slide),
                "{id}: slide {:?} is not in the deck",
                s.slide
            );
        }
    }
}

#[test]
fn the_checksum_follows_every_field() {
    let base = small().checksum();
    let mut l = small();
    l.scenes.swap(0, 1);
    assert_ne!(l.checksum(), base);
    let mut l = small();
    l.scenes[0].focus = None;
    assert_ne!(l.checksum(), base);
    assert_eq!(small().checksum(), base);
}
