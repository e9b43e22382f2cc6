//! The catalog is complete and consistent: every language has the same files and ids, every key
//! the page builds for a registered lesson exists, every model-code message reads in every
//! language with the same arguments, and the plural forms and decimal marks are the language's.

use std::collections::BTreeSet;

use fluent_bundle::FluentResource;
use fluent_syntax::ast;
use genlab_core::gan::Preset;
use genlab_core::lesson::LessonId;
use genlab_core::msg::Msg;
use genlab_core::settings::{ChoiceEnum, Kind};

use super::*;

/// The message ids of one file, and the variables each one uses.
fn entries(source: &str) -> Vec<(String, BTreeSet<String>)> {
    let resource = FluentResource::try_new(source.to_string())
        .unwrap_or_else(|(_, errors)| panic!("does not parse: {errors:?}"));
    resource
        .entries()
        .filter_map(|e| match e {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                Some((m.id.name.to_string(), vars))
            }
            _ => None,
        })
        .collect()
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, vars),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

fn files_of(lang: Lang) -> Vec<(&'static str, &'static str)> {
    FILES
        .iter()
        .filter(|(l, _, _)| *l == lang.key())
        .map(|(_, part, src)| (*part, *src))
        .collect()
}

/// Every language has the same files with the same ids, each id once, none empty: a missing
/// translation fails here, not in front of a class.
#[test]
fn every_language_has_every_key() {
    let ids = |lang: Lang| -> Vec<(String, String, BTreeSet<String>)> {
        files_of(lang)
            .into_iter()
            .flat_map(|(part, src)| {
                entries(src)
                    .into_iter()
                    .map(move |(id, vars)| (part.to_string(), id, vars))
            })
            .collect()
    };
    let english = ids(Lang::En);
    assert!(english.len() > 400, "{} ids", english.len());
    let mut unique: Vec<&String> = english.iter().map(|(_, id, _)| id).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), english.len(), "an id twice in English");
    for &lang in Lang::ALL {
        let parts: Vec<&str> = files_of(lang).iter().map(|(p, _)| *p).collect();
        let en_parts: Vec<&str> = files_of(Lang::En).iter().map(|(p, _)| *p).collect();
        assert_eq!(parts, en_parts, "{lang:?} has other files than English");
        let mine = ids(lang);
        assert_eq!(mine.len(), english.len(), "{lang:?}");
        for (part, id, vars) in &english {
            let found = mine.iter().find(|(p, i, _)| p == part && i == id);
            let (_, _, their_vars) = found.unwrap_or_else(|| panic!("{lang:?} lacks {part}/{id}"));
            assert_eq!(
                their_vars, vars,
                "{lang:?} {id}: other variables than English"
            );
            let text = super::format(lang, id, None);
            assert!(text.is_some(), "{lang:?}: {id} has no value");
        }
    }
    // The decks' own terms.
    assert_eq!(
        tr(Lang::Pl, "lesson.rbm.title"),
        "Ograniczona Maszyna Boltzmanna"
    );
    assert_eq!(
        tr(Lang::Ru, "lesson.rbm.title"),
        "Ограниченная машина Больцмана"
    );
    assert!(tr(Lang::Ru, "lesson.vae.title").contains("Вариационный автокодировщик"));
    assert!(tr(Lang::Pl, "choice.method.cd").contains("kontrastywna dywergencja"));
}

/// The notation file parses, and none of its ids is also a language's: a symbol is written once.
#[test]
fn notation_is_shared_and_written_once() {
    let notation: Vec<String> = FILES
        .iter()
        .filter(|(l, _, _)| *l == "*")
        .flat_map(|(_, _, src)| entries(src).into_iter().map(|(id, _)| id))
        .collect();
    assert!(notation.len() >= 20, "{notation:?}");
    for &lang in Lang::ALL {
        for (part, src) in files_of(lang) {
            for (id, _) in entries(src) {
                assert!(!notation.contains(&id), "{lang:?} {part}: {id} is notation");
            }
        }
    }
    assert_eq!(tr(Lang::Ru, "param.s2xy"), "Σ₂ xy");
    assert_eq!(tr(Lang::Pl, "gan.series.game_value"), "V(D, G)");
}

/// Each built lesson has its own file in every language (the recipe in docs/adding-a-lesson.md),
/// holding at least its title.
#[test]
fn every_built_lesson_has_its_own_translation_file() {
    for lesson in LessonId::all_built() {
        for &lang in Lang::ALL {
            let file = files_of(lang).into_iter().find(|(p, _)| *p == lesson.key());
            let (_, src) = file
                .unwrap_or_else(|| panic!("no src/i18n/ftl/{}/{}.ftl", lang.key(), lesson.key()));
            let ids: Vec<String> = entries(src).into_iter().map(|(id, _)| id).collect();
            let title = fluent_id(&format!("lesson.{}.title", lesson.key()));
            assert!(
                ids.contains(&title),
                "{lang:?}: {title} belongs in its lesson's file"
            );
        }
    }
}

/// Every message the model code can send reads in every language, with the same arguments
/// ($a0, $a1, … for its {0}, {1}, …).
#[test]
fn every_message_in_every_language() {
    for (key, en) in genlab_core::msg::EN {
        let want: BTreeSet<String> = (0..10)
            .filter(|i| en.contains(&format!("{{{i}}}")))
            .map(|i| format!("a{i}"))
            .collect();
        for &lang in Lang::ALL {
            let src = files_of(lang)
                .into_iter()
                .find(|(p, _)| *p == "messages")
                .expect("a messages file")
                .1;
            let vars = entries(src)
                .into_iter()
                .find(|(id, _)| *id == fluent_id(key))
                .unwrap_or_else(|| panic!("{lang:?} lacks {key}"))
                .1;
            assert_eq!(vars, want, "{lang:?} {key}");
        }
    }
    let m = genlab_core::msg!(
        "msg.ot.sinkhorn_blocked",
        genlab_core::msg!("msg.ot.zero_mass")
    );
    assert_eq!(
        message(Lang::Pl, &m),
        "algorytm Sinkhorna nie może działać na tych chmurach: całkowita masa wynosi zero"
    );
    let m = genlab_core::msg!("msg.vae.nan", 12u64, 0.5);
    assert!(
        message(Lang::Ru, &m).contains("0,5"),
        "{}",
        message(Lang::Ru, &m)
    );
    assert_eq!(message(Lang::En, &m), m.to_string());
    // A key nobody translated falls back to the model code's English.
    let unknown = Msg {
        key: "msg.no.such".into(),
        args: vec![],
    };
    assert_eq!(message(Lang::Pl, &unknown), unknown.to_string());
}

/// Counts take the language's plural form: Polish and Russian have three (1 punkt, 2 punkty,
/// 5 punktów), English two.
#[test]
fn counts_take_the_languages_plural_forms() {
    let points = |lang, n: u64| message(lang, &genlab_core::msg!("msg.ot.bad_points", n));
    assert_eq!(points(Lang::En, 1), "1 unreadable point left out");
    assert_eq!(points(Lang::En, 3), "3 unreadable points left out");
    assert_eq!(points(Lang::Pl, 1), "pominięto 1 nieczytelny punkt");
    assert_eq!(points(Lang::Pl, 2), "pominięto 2 nieczytelne punkty");
    assert_eq!(points(Lang::Pl, 5), "pominięto 5 nieczytelnych punktów");
    assert_eq!(points(Lang::Pl, 22), "pominięto 22 nieczytelne punkty");
    assert_eq!(points(Lang::Ru, 1), "пропущена 1 нечитаемая точка");
    assert_eq!(points(Lang::Ru, 3), "пропущены 3 нечитаемые точки");
    assert_eq!(points(Lang::Ru, 5), "пропущено 5 нечитаемых точек");
    assert_eq!(points(Lang::Ru, 21), "пропущена 21 нечитаемая точка");
    let bins = |lang, n: u64| message(lang, &genlab_core::msg!("msg.ot.bins_cut", 12u64, n));
    assert!(
        bins(Lang::Pl, 1).ends_with("pominięto 1 przedział"),
        "{}",
        bins(Lang::Pl, 1)
    );
    assert!(
        bins(Lang::Pl, 8).ends_with("pominięto 8 przedziałów"),
        "{}",
        bins(Lang::Pl, 8)
    );
    assert!(
        bins(Lang::Ru, 2).ends_with("ещё 2 отброшены"),
        "{}",
        bins(Lang::Ru, 2)
    );
}

#[test]
fn named_values_fill_the_notices() {
    let text = tr_with(
        Lang::Pl,
        "notice.clamped",
        &[("key", "lr"), ("given", "9"), ("used", "1")],
    );
    assert_eq!(text, "lr: 9 jest poza zakresem, użyto 1");
}

#[test]
fn browser_languages_map_to_ours() {
    assert_eq!(Lang::from_browser("pl-PL"), Some(Lang::Pl));
    assert_eq!(Lang::from_browser("ru"), Some(Lang::Ru));
    assert_eq!(Lang::from_browser("en-US"), Some(Lang::En));
    assert_eq!(Lang::from_browser("de-DE"), None);
    assert_eq!(Lang::from_browser(""), None);
}

/// Every parameter of `lesson` has a label, and every option of its choices too.
fn assert_labels(lesson: LessonId) {
    let spec = lesson.built().expect("built");
    for p in (spec.params)() {
        let key = format!("param.{}", p.key);
        assert!(has(Lang::En, &key), "{lesson:?}: missing {key}");
        if let Kind::Choice { options } = p.kind {
            for o in options {
                let label = crate::choice_label_key(p.key, o);
                assert!(has(Lang::En, &label), "{lesson:?}: missing {label}");
            }
        }
    }
}

/// For every lesson in the registry: its title and blurb; for every built one, the label of each
/// parameter, choice and metric, and its theory panel's source.
#[test]
fn every_key_the_page_builds_exists() {
    for &lesson in LessonId::ALL {
        for part in ["title", "blurb"] {
            let key = format!("lesson.{}.{part}", lesson.key());
            assert!(has(Lang::En, &key), "missing {key}");
        }
    }
    for lesson in LessonId::all_built() {
        assert_labels(lesson);
        let source = format!("theory.{}.source", lesson.key());
        assert!(
            has(Lang::En, &source),
            "{lesson:?} has no theory panel source: {source}"
        );
        // The "All metrics" panel names each column of the history.
        for name in lesson.built().expect("built").metric_names {
            let key = format!("metric.{}.{name}", lesson.key());
            assert!(
                has(Lang::En, &key),
                "{lesson:?}: metric {name} has no label {key}"
            );
        }
    }
    // The shared exact-posterior panel builds its keys from the lesson's name.
    for lesson in ["vae", "cvae"] {
        for k in [
            "title", "hint", "run", "waiting", "at_step", "log_px", "elbo", "gap", "iwae",
            "pictures",
        ] {
            let key = format!("{lesson}.posterior.{k}");
            assert!(has(Lang::En, &key), "missing {key}");
        }
    }
    for preset in Preset::ALL {
        assert!(has(Lang::En, &format!("gan.preset.{}", preset.key())));
        assert!(has(Lang::En, &format!("gan.preset_help.{}", preset.key())));
    }
    for name in genlab_core::gan::METRICS {
        assert!(
            has(Lang::En, &format!("gan.series.{name}")) || matches!(*name, "g_mean" | "g_std"),
            "{name}"
        );
    }
}

/// Every key the page's code names as a literal — `t("…")`, `tr(lang, "…")`, `explain="…"` —
/// exists in English: a renamed or misspelt key would otherwise show as its raw id.
#[test]
fn every_literal_key_in_the_page_exists() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let looks_like_key = |s: &str| {
        s.contains('.')
            && s.split('.').all(|part| {
                !part.is_empty()
                    && part.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                    })
            })
    };
    let mut files = vec![];
    rust_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let (mut checked, mut missing) = (0, vec![]);
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable");
        for line in source.lines() {
            let mut rest = line;
            while let Some(open) = rest.find('"') {
                let before = &rest[..open];
                let Some(len) = rest[open + 1..].find('"') else {
                    break;
                };
                let literal = &rest[open + 1..open + 1 + len];
                let call = before.trim_end();
                let translated = call.ends_with("t(")
                    || call.ends_with("explain=")
                    || (call.ends_with(',') && before.rfind("tr(").is_some());
                if translated && looks_like_key(literal) {
                    checked += 1;
                    if !has(Lang::En, literal) {
                        missing.push(format!("{}: {literal}", file.display()));
                    }
                }
                rest = &rest[open + len + 2..];
            }
        }
    }
    assert!(checked > 300, "the scan found only {checked} keys");
    assert!(
        missing.is_empty(),
        "keys with no English text:\n{}",
        missing.join("\n")
    );
}
