//! Every string the page shows, in Project Fluent files: `ftl/<language>/<part>.ftl`, one part
//! per lesson (named by its route key), `common` for what lessons share and `messages` for the
//! model code's messages ([`genlab_core::msg`]); `ftl/notation.ftl` holds the symbols that read
//! the same in every language (m₁ x, Σ₂ yy, V(D, G)). Components ask [`tr`] by key (`"gan.explain"`,
//! whose Fluent id is `gan-explain`); they never hold prose of their own, so a language or a
//! lesson's texts are added as files, without touching a component. Fluent gives translators
//! plural rules (Polish and Russian have three forms) and named variables.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use genlab_core::choice_enum;
use genlab_core::msg::{Arg, Msg};
use genlab_core::settings::ChoiceEnum;

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

choice_enum! {
    /// The languages of the lecture decks.
    pub enum Lang { En = "en", Pl = "pl", Ru = "ru" }
}

impl Lang {
    /// The language the browser asks for (`navigator.language`, e.g. "pl-PL"), if genlab has it.
    pub fn from_browser(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        <Lang as genlab_core::settings::ChoiceEnum>::from_key(&primary)
    }

    /// Polish and Russian write 0,5 where English writes 0.5.
    pub fn decimal_comma(self) -> bool {
        matches!(self, Lang::Pl | Lang::Ru)
    }

    fn index(self) -> usize {
        self as usize
    }
}

type Bundle = FluentBundle<FluentResource>;

/// Numbers in messages as the reader writes them (Fluent's own formatter knows no locales).
fn number_with_comma(v: &FluentValue, _: &intl_memoizer::IntlLangMemoizer) -> Option<String> {
    match v {
        FluentValue::Number(n) => Some(format!("{}", n.value).replace('.', ",")),
        _ => None,
    }
}

fn number_with_point(v: &FluentValue, _: &intl_memoizer::IntlLangMemoizer) -> Option<String> {
    match v {
        FluentValue::Number(n) => Some(format!("{}", n.value)),
        _ => None,
    }
}

/// The files of `lang`, parsed; errors (a broken file) are the tests' to report.
fn build_bundle(lang: Lang) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.key().parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new(vec![id]);
    // The page lays out left-to-right text only: no bidi isolation marks around values.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(if lang.decimal_comma() {
        number_with_comma
    } else {
        number_with_point
    }));
    // The language's own files, and the notation every language shares.
    for (_, _, source) in FILES
        .iter()
        .filter(|(l, _, _)| *l == lang.key() || *l == "*")
    {
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
        let _ = bundle.add_resource(resource);
    }
    bundle
}

thread_local! {
    /// One bundle per language, parsed on first use (a page in Polish never parses Russian) and
    /// kept for the page's life.
    static BUNDLES: [OnceCell<&'static Bundle>; 3] =
        const { [OnceCell::new(), OnceCell::new(), OnceCell::new()] };
    /// Texts that Fluent had to assemble (a message referring to another), kept once.
    static ASSEMBLED: RefCell<HashMap<(Lang, String), &'static str>> = RefCell::new(HashMap::new());
}

fn bundle(lang: Lang) -> &'static Bundle {
    BUNDLES.with(|b| *b[lang.index()].get_or_init(|| Box::leak(Box::new(build_bundle(lang)))))
}

/// The Fluent id of a catalog key: `lesson.rbm-mnist.title` → `lesson-rbm-mnist-title`.
pub fn fluent_id(key: &str) -> String {
    key.replace('.', "-")
}

/// The text of `key` in `lang` with `args`, if the language has it.
fn format(
    lang: Lang,
    key: &str,
    args: Option<&FluentArgs>,
) -> Option<std::borrow::Cow<'static, str>> {
    let b = bundle(lang);
    let pattern = b.get_message(&fluent_id(key))?.value()?;
    let mut errors = vec![];
    Some(b.format_pattern(pattern, args, &mut errors))
}

/// The text for `key`, falling back to English, then to the key itself (which the catalog tests
/// forbid: every key exists in every language).
pub fn tr(lang: Lang, key: &str) -> &'static str {
    let text = format(lang, key, None).or_else(|| format(Lang::En, key, None));
    match text {
        Some(std::borrow::Cow::Borrowed(t)) => t,
        other => {
            let owned = other.map_or_else(|| key.to_string(), |t| t.into_owned());
            ASSEMBLED.with(|a| {
                *a.borrow_mut()
                    .entry((lang, key.to_string()))
                    .or_insert_with(|| Box::leak(owned.into_boxed_str()))
            })
        }
    }
}

/// The text for `key` with named values (`{ $key }` in the file).
pub fn tr_with(lang: Lang, key: &str, values: &[(&str, &str)]) -> String {
    let mut args = FluentArgs::new();
    for (name, value) in values {
        args.set(*name, value.to_string());
    }
    format(lang, key, Some(&args))
        .or_else(|| format(Lang::En, key, Some(&args)))
        .map_or_else(|| key.to_string(), |t| t.into_owned())
}

/// A message from the model code in `lang`: its pattern from this language's `messages` file,
/// its arguments as `$a0`, `$a1`, … — numbers as numbers, so plural forms follow them and the
/// decimal mark is the language's. Falls back to English, then to the model code's own text.
pub fn message(lang: Lang, m: &Msg) -> String {
    let mut args = FluentArgs::new();
    for (i, a) in m.args.iter().enumerate() {
        let name = format!("a{i}");
        match a {
            // Counts travel as text (shown as they are); as numbers they also pick the plural.
            Arg::Text(t) => match t.parse::<i64>() {
                Ok(n) => args.set(name, FluentValue::from(n)),
                Err(_) => args.set(name, t.clone()),
            },
            Arg::Num(x) => args.set(name, FluentValue::from(*x)),
            Arg::Msg(inner) => args.set(name, message(lang, inner)),
        }
    }
    format(lang, &m.key, Some(&args))
        .or_else(|| format(Lang::En, &m.key, Some(&args)))
        .map(|t| t.into_owned())
        .unwrap_or_else(|| m.to_string())
}

pub fn has(lang: Lang, key: &str) -> bool {
    bundle(lang).has_message(&fluent_id(key))
}

#[cfg(test)]
mod tests;
