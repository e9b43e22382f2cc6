//! Tests every built lesson through the registry alone: a lesson added to the list is covered
//! here without a line of its own.

use super::*;
use crate::lesson::StepPart;
use crate::rng::Rng;
use crate::settings::{query_pairs, ChoiceEnum, NoticeKind};

/// The digits, for the lessons that need them (installed once per test process).
fn install_assets(lesson: LessonId) {
    if lesson.needs(Asset::Digits) && crate::vae::data::installed().is_none() {
        let digits = crate::vae::data::load_repo_asset().expect("the bundled digits");
        crate::vae::data::install(crate::vae::data::Source::Loaded(std::sync::Arc::new(
            digits,
        )));
    }
}

#[test]
fn the_registry_lists_every_lesson_once_with_its_facts() {
    assert_eq!(LessonId::ALL.len(), LessonId::KEYS.len());
    let mut keys = LessonId::KEYS.to_vec();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), LessonId::ALL.len(), "a route key twice");
    // Built lessons come first: the landing page lists what works before what is planned.
    let built: Vec<_> = LessonId::ALL.iter().map(|l| l.is_built()).collect();
    assert!(built.windows(2).all(|w| w[0] || !w[1]), "{built:?}");
    assert!(LessonId::Vae.needs(Asset::Digits) && LessonId::RbmMnist.needs(Asset::Digits));
    assert!(!LessonId::Gan.needs(Asset::Digits));
    assert_eq!(LessonId::Transport.default_speed(), 20.0);
    assert_eq!(LessonId::Gan.default_speed(), 0.0);
    assert!(LessonId::Dbn.is_built() && LessonId::Dbn.needs(Asset::Digits));
}

/// Every built lesson builds from its defaults with no notice, says the metric names the
/// registry lists, steps, and reports its settings as a string that parses back to itself.
#[test]
fn every_built_lesson_builds_from_defaults_and_steps() {
    for lesson in LessonId::all_built() {
        install_assets(lesson);
        let spec = lesson.built().unwrap();
        let mut built = build(lesson, "").expect("builds");
        assert!(built.notices.is_empty(), "{lesson:?}: {:?}", built.notices);
        let t = &mut built.trainer;
        assert_eq!(t.metric_names(), spec.metric_names, "{lesson:?}");
        assert_eq!(t.blocked(), None, "{lesson:?}");
        t.step(StepPart::Full)
            .unwrap_or_else(|e| panic!("{lesson:?}: {e}"));
        assert_eq!(t.steps(), 1, "{lesson:?}");
        assert_eq!(t.metrics().len(), spec.metric_names.len(), "{lesson:?}");
        let again = build(lesson, &t.query()).unwrap();
        assert!(again.notices.is_empty(), "{lesson:?}: {:?}", again.notices);
        assert_eq!(again.trainer.query(), t.query(), "{lesson:?}");
        // Every parameter appears in the canonical string, so a bookmark holds all of them.
        let written: Vec<String> = query_pairs(&t.query())
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        for p in (spec.params)() {
            assert!(
                written.iter().any(|k| k == p.key),
                "{lesson:?}: {} missing",
                p.key
            );
        }
    }
}

/// A value for `kind` that a person, an old bookmark or a fuzzer might write.
fn wild_value(kind: Option<Kind>, rng: &mut Rng) -> String {
    const NOISE: &[&str] = &[
        "",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "1e308",
        "-1e308",
        "1e-300",
        "-5",
        "0",
        "0.5",
        "abc",
        "%zz",
        "∞",
        "1,5",
        "  3 ",
        "+7",
        "0x10",
        "18446744073709551616",
        "true",
        "ż",
    ];
    let pick = |rng: &mut Rng, xs: &[&str]| xs[rng.below(xs.len())].to_string();
    match kind {
        _ if rng.below(3) == 0 => pick(rng, NOISE),
        Some(Kind::Float { min, max, .. }) => {
            let t = rng.uniform() * 1.4 - 0.2;
            format!("{}", min + t * (max - min))
        }
        Some(Kind::Int { min, max }) => {
            let span = (max - min).max(1) as f64;
            format!(
                "{}",
                (min as f64 + (rng.uniform() * 1.4 - 0.2) * span).round()
            )
        }
        Some(Kind::Choice { options }) => {
            if rng.below(4) == 0 {
                "no-such-option".into()
            } else {
                pick(rng, options)
            }
        }
        Some(Kind::Flag) => pick(rng, &["1", "0", "true", "false", "on", "yes", "2"]),
        // A data key: a short list of numbers, some broken.
        None => (0..rng.below(6))
            .map(|_| {
                let n = 1 + rng.below(3);
                (0..n)
                    .map(|_| pick(rng, &["1", "-2.5", "0", "x", "1e9", "NaN", "3"]))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect::<Vec<_>>()
            .join(";"),
    }
}

/// 250 fuzzed settings strings per lesson — every key with wild values, unknown keys, app keys,
/// broken escapes — build without panic; whatever was not taken as written gets a notice; and
/// the canonical settings that result parse back to themselves with no notice.
#[test]
fn every_built_lesson_survives_fuzzed_settings() {
    let mut rng = Rng::new(16);
    for lesson in LessonId::all_built() {
        install_assets(lesson);
        let spec = lesson.built().unwrap();
        let params = (spec.params)();
        let extra = (spec.extra_keys)();
        for case in 0..250 {
            let mut pairs = Vec::new();
            for _ in 0..1 + rng.below(6) {
                let r = rng.below(params.len() + extra.len() + 3);
                let pair = if r < params.len() {
                    let p = params[r];
                    format!("{}={}", p.key, wild_value(Some(p.kind), &mut rng))
                } else if r < params.len() + extra.len() {
                    format!("{}={}", extra[r - params.len()], wild_value(None, &mut rng))
                } else if r == params.len() + extra.len() {
                    "nonsense=1".to_string()
                } else if r == params.len() + extra.len() + 1 {
                    format!("speed={}", wild_value(None, &mut rng))
                } else {
                    ["%", "=", "&&", "seed", "=3", "%E2%88%9E=1"][rng.below(6)].to_string()
                };
                pairs.push(pair);
            }
            let query = pairs.join("&");
            let built = build(lesson, &query).expect("a built lesson always builds");
            let canonical = built.trainer.query();
            let mut again = build(lesson, &canonical).unwrap();
            // The one notice that describes rather than adjusts: an empty user table stays empty.
            again.notices.retain(|n| {
                !matches!(&n.kind, NoticeKind::Adjusted { why } if why.key == "msg.rbm.users_empty")
            });
            assert!(
                again.notices.is_empty(),
                "{lesson:?} case {case}: {query:?} → {canonical:?} → {:?}",
                again.notices
            );
            assert_eq!(
                again.trainer.query(),
                canonical,
                "{lesson:?} case {case}: {query:?}"
            );
            // A key this lesson does not know is named, never dropped in silence.
            if query.contains("nonsense=1") {
                assert!(
                    built
                        .notices
                        .iter()
                        .any(|n| n.key == "nonsense" && n.kind == NoticeKind::Unknown),
                    "{lesson:?}: {query:?} {:?}",
                    built.notices
                );
            }
        }
    }
}

/// A run exported mid-way and imported into a fresh session continues bit for bit as one that
/// never stopped — for every built lesson at its defaults (the session tests add richer cases).
#[test]
fn every_built_lesson_exports_and_continues_exactly() {
    for lesson in LessonId::all_built() {
        install_assets(lesson);
        crate::session::tests::export_import_continues_exactly(lesson, "seed=7", 11, 23);
    }
}

/// Files exported before the digit lessons shared their skeleton still load: the saved states
/// keep their field names (the batcher and the progress are flattened into them).
#[test]
fn digit_lessons_save_the_fields_earlier_files_have() {
    let expect = [
        (
            LessonId::Vae,
            &[
                "params",
                "opt",
                "order",
                "cursor",
                "batch_rng",
                "eps_rng",
                "steps",
                "images_seen",
                "since_record",
                "since_record_images",
                "sample_draw",
            ][..],
        ),
        (
            LessonId::RbmMnist,
            &[
                "params",
                "chains",
                "order",
                "cursor",
                "batch_rng",
                "sampler",
                "steps",
                "images_seen",
            ][..],
        ),
    ];
    for (lesson, keys) in expect {
        install_assets(lesson);
        let mut built = build(lesson, "hidden=64&batch=10").unwrap();
        built.trainer.step(StepPart::Full).unwrap();
        let state = built.trainer.save_state();
        let object = state.as_object().expect("an object");
        for k in keys {
            assert!(
                object.contains_key(*k),
                "{lesson:?}: {k} missing from {:?}",
                object.keys()
            );
        }
        // And a state without the newer fields (the VAE's last scoring) loads.
        let mut old = state.clone();
        old.as_object_mut().unwrap().remove("scored");
        let mut fresh = build(lesson, "hidden=64&batch=10").unwrap();
        fresh
            .trainer
            .load_state(old)
            .unwrap_or_else(|e| panic!("{lesson:?}: {e}"));
        assert_eq!(fresh.trainer.steps(), 1);
    }
}
