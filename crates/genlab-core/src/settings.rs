//! One typed settings struct per lesson, and the one parser that reads it from a URL query or a
//! command line. Every control of a lesson is a [`Param`]: the page builds its sliders from the
//! same table the parser uses, so a control cannot exist without a place in the URL.
//!
//! Parsing never fails: a bad value is clamped or defaulted and reported as a [`Notice`].

use serde::{Deserialize, Serialize};

/// What kind of control a parameter is, with its legal range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A real number in [min, max]; `log` asks the page for a logarithmic slider.
    Float { min: f64, max: f64, log: bool },
    /// An integer in [min, max].
    Int { min: i64, max: i64 },
    /// One of a closed set of keys (an enum in the settings struct).
    Choice { options: &'static [&'static str] },
    /// On or off.
    Flag,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Num(f64),
    Choice(&'static str),
    Flag(bool),
}

impl Value {
    pub fn num(self) -> f64 {
        match self {
            Value::Num(x) => x,
            Value::Flag(b) => b as u8 as f64,
            Value::Choice(_) => f64::NAN,
        }
    }
    pub fn flag(self) -> bool {
        matches!(self, Value::Flag(true))
    }
    pub fn choice(self) -> &'static str {
        match self {
            Value::Choice(k) => k,
            _ => "",
        }
    }
}

/// How a change to this parameter reaches a running session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Apply {
    /// Takes effect at the next step (learning rates, loss choice...).
    Live,
    /// Changes the model or its data: the run restarts from step 0.
    Restart,
}

pub struct Param<S: 'static> {
    /// The key in the URL and on the command line; also the catalog key of its label.
    pub key: &'static str,
    pub kind: Kind,
    pub apply: Apply,
    pub get: fn(&S) -> Value,
    pub set: fn(&mut S, Value),
}

/// An enum usable as a [`Kind::Choice`] parameter.
pub trait ChoiceEnum: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    const KEYS: &'static [&'static str];
    fn key(self) -> &'static str {
        let i = Self::ALL
            .iter()
            .position(|&v| v == self)
            .expect("variant listed in ALL");
        Self::KEYS[i]
    }
    fn from_key(key: &str) -> Option<Self> {
        Self::KEYS
            .iter()
            .position(|&k| k == key)
            .map(|i| Self::ALL[i])
    }
}

/// Declares an enum whose variants have URL keys: `choice_enum!(Noise { Uniform = "uniform", ... })`.
#[macro_export]
macro_rules! choice_enum {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name { $($(#[$vm])* $variant),+ }
        impl $crate::settings::ChoiceEnum for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            const KEYS: &'static [&'static str] = &[$($key),+];
        }
    };
}

/// Builds a [`Param`] table entry for one field.
#[macro_export]
macro_rules! param {
    (float $S:ty, $key:literal, $field:ident, $min:expr, $max:expr, $apply:ident) => {
        $crate::settings::Param::<$S> {
            key: $key,
            kind: $crate::settings::Kind::Float {
                min: $min,
                max: $max,
                log: false,
            },
            apply: $crate::settings::Apply::$apply,
            get: |s| $crate::settings::Value::Num(s.$field as f64),
            set: |s, v| s.$field = v.num() as _,
        }
    };
    (logfloat $S:ty, $key:literal, $field:ident, $min:expr, $max:expr, $apply:ident) => {
        $crate::settings::Param::<$S> {
            key: $key,
            kind: $crate::settings::Kind::Float {
                min: $min,
                max: $max,
                log: true,
            },
            apply: $crate::settings::Apply::$apply,
            get: |s| $crate::settings::Value::Num(s.$field as f64),
            set: |s, v| s.$field = v.num() as _,
        }
    };
    (int $S:ty, $key:literal, $field:ident, $min:expr, $max:expr, $apply:ident) => {
        $crate::settings::Param::<$S> {
            key: $key,
            kind: $crate::settings::Kind::Int {
                min: $min,
                max: $max,
            },
            apply: $crate::settings::Apply::$apply,
            get: |s| $crate::settings::Value::Num(s.$field as f64),
            set: |s, v| s.$field = v.num() as _,
        }
    };
    (choice $S:ty, $key:literal, $field:ident, $E:ty, $apply:ident) => {
        $crate::settings::Param::<$S> {
            key: $key,
            kind: $crate::settings::Kind::Choice {
                options: <$E as $crate::settings::ChoiceEnum>::KEYS,
            },
            apply: $crate::settings::Apply::$apply,
            get: |s| $crate::settings::Value::Choice($crate::settings::ChoiceEnum::key(s.$field)),
            set: |s, v| {
                if let Some(e) = <$E as $crate::settings::ChoiceEnum>::from_key(v.choice()) {
                    s.$field = e;
                }
            },
        }
    };
    (flag $S:ty, $key:literal, $field:ident, $apply:ident) => {
        $crate::settings::Param::<$S> {
            key: $key,
            kind: $crate::settings::Kind::Flag,
            apply: $crate::settings::Apply::$apply,
            get: |s| $crate::settings::Value::Flag(s.$field),
            set: |s, v| s.$field = v.flag(),
        }
    };
}

/// A lesson's settings: a plain struct with defaults and a parameter table.
pub trait Settings: Default + Clone + PartialEq + 'static {
    fn params() -> &'static [Param<Self>];
    /// Cross-field rules the per-field ranges cannot express; report what was changed.
    fn reconcile(&mut self, _notices: &mut Vec<Notice>) {}
    /// Keys whose value is more than one number or option (an editable dataset). They are read
    /// by [`Settings::parse_extra`], written by [`Settings::format_extra`], and always restart.
    fn extra_keys() -> &'static [&'static str] {
        &[]
    }
    fn parse_extra(&mut self, _key: &str, _raw: &str, _notices: &mut Vec<Notice>) {}
    fn format_extra(&self) -> Vec<(&'static str, String)> {
        vec![]
    }
}

/// Why a value from the URL or the command line was not taken as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NoticeKind {
    /// A number outside the legal range; `used` is the nearest legal value.
    Clamped { given: String, used: String },
    /// Not a number, not a known option, or empty; the default was used.
    Invalid { given: String, used: String },
    /// A key this lesson does not know; ignored.
    Unknown,
    /// A rule between settings changed this one; the message says to what and why.
    Adjusted { why: crate::msg::Msg },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub key: String,
    pub kind: NoticeKind,
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            NoticeKind::Clamped { given, used } => {
                write!(f, "{}: {given} is out of range, using {used}", self.key)
            }
            NoticeKind::Invalid { given, used } => {
                write!(f, "{}: \"{given}\" is not valid, using {used}", self.key)
            }
            NoticeKind::Unknown => write!(f, "{}: unknown setting, ignored", self.key),
            NoticeKind::Adjusted { why } => write!(f, "{}: {why}", self.key),
        }
    }
}

/// Formats a value the way the URL carries it. Floats use Rust's shortest round-trip form, so
/// parse(format(x)) == x bit for bit.
pub fn format_value(v: Value) -> String {
    match v {
        Value::Num(x) => format!("{x}"),
        Value::Choice(k) => k.to_string(),
        Value::Flag(b) => (if b { "1" } else { "0" }).to_string(),
    }
}

/// Reads one raw string as a value of `kind`. `Err` carries the fallback used and whether the
/// input was a number out of range (clamped) or plain invalid.
pub fn parse_value(kind: Kind, raw: &str, default: Value) -> Result<Value, (Value, bool)> {
    let raw = raw.trim();
    match kind {
        Kind::Float { min, max, .. } => match raw.parse::<f64>() {
            Ok(x) if x.is_nan() => Err((default, false)),
            Ok(x) if x < min => Err((Value::Num(min), true)),
            Ok(x) if x > max => Err((Value::Num(max), true)),
            Ok(x) => Ok(Value::Num(x)),
            Err(_) => Err((default, false)),
        },
        Kind::Int { min, max } => {
            // Accept "12" and "12.0", but not "12.5".
            let parsed = raw.parse::<i128>().ok().map(|i| i as f64).or_else(|| {
                raw.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && x.fract() == 0.0)
            });
            match parsed {
                Some(x) if x < min as f64 => Err((Value::Num(min as f64), true)),
                Some(x) if x > max as f64 => Err((Value::Num(max as f64), true)),
                Some(x) => Ok(Value::Num(x)),
                None => Err((default, false)),
            }
        }
        Kind::Choice { options } => match options.iter().find(|&&o| o == raw) {
            Some(&o) => Ok(Value::Choice(o)),
            None => Err((default, false)),
        },
        Kind::Flag => match raw {
            "1" | "true" | "on" | "yes" | "" => Ok(Value::Flag(true)),
            "0" | "false" | "off" | "no" => Ok(Value::Flag(false)),
            _ => Err((default, false)),
        },
    }
}

/// Percent-decoding for query values (`+` is a space). Invalid escapes are kept literally.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding for query values: keeps unreserved characters and a few readable ones.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~,:;".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Splits `a=1&b=x` into decoded pairs; a bare `a` gives an empty value.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

/// Parses a lesson's settings from query pairs. Keys in `foreign` belong to someone else (the
/// app's language, projector mode...) and are skipped silently.
/// Characters of a key or value a notice repeats: a 95 KB key makes a one-line notice, not a
/// 95 KB one.
pub const SHOWN_CHARS: usize = 40;

/// `text` cut to [`SHOWN_CHARS`] characters, with "…" where it was cut.
pub fn shown(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(SHOWN_CHARS).collect();
    if chars.next().is_some() {
        head + "…"
    } else {
        head
    }
}

/// `x` rounded to `digits` significant decimal digits, as the nearest double to that decimal:
/// a slider's 4.56 is 456 / 100, never 456 · 0.01 = 4.5600000000000005, so the address and the
/// text box show "4.56".
pub fn round_significant(x: f64, digits: i32) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let exponent = libm::log10(x.abs()).floor() as i32 - (digits - 1);
    if exponent >= 0 {
        let unit = 10f64.powi(exponent);
        (x / unit).round() * unit
    } else {
        // 10^-exponent is an exact power of ten up to 10^22: dividing by it rounds once.
        let per_unit = 10f64.powi(-exponent);
        (x * per_unit).round() / per_unit
    }
}

pub fn parse_pairs<S: Settings>(pairs: &[(String, String)], foreign: &[&str]) -> (S, Vec<Notice>) {
    let mut s = S::default();
    let mut notices = Vec::new();
    for (key, raw) in pairs {
        if foreign.contains(&key.as_str()) {
            continue;
        }
        if S::extra_keys().contains(&key.as_str()) {
            continue; // read below, in the order the lesson lists them
        }
        let Some(p) = S::params().iter().find(|p| p.key == key) else {
            notices.push(Notice {
                key: shown(key),
                kind: NoticeKind::Unknown,
            });
            continue;
        };
        let default = (p.get)(&S::default());
        match parse_value(p.kind, raw, default) {
            Ok(v) => (p.set)(&mut s, v),
            Err((v, clamped)) => {
                (p.set)(&mut s, v);
                let given = shown(raw);
                let used = format_value(v);
                let kind = if clamped {
                    NoticeKind::Clamped { given, used }
                } else {
                    NoticeKind::Invalid { given, used }
                };
                notices.push(Notice {
                    key: key.clone(),
                    kind,
                });
            }
        }
    }
    for extra in S::extra_keys() {
        for (key, raw) in pairs.iter().filter(|(k, _)| k == extra) {
            s.parse_extra(key, raw, &mut notices);
        }
    }
    s.reconcile(&mut notices);
    (s, notices)
}

pub fn parse_query<S: Settings>(query: &str, foreign: &[&str]) -> (S, Vec<Notice>) {
    parse_pairs(&query_pairs(query), foreign)
}

/// Every parameter, in table order: the URL names the whole state, defaults included, so a
/// bookmark means the same run even if a later version changes a default.
pub fn to_query<S: Settings>(s: &S) -> String {
    S::params()
        .iter()
        .map(|p| format!("{}={}", p.key, percent_encode(&format_value((p.get)(s)))))
        .chain(
            s.format_extra()
                .into_iter()
                .map(|(k, v)| format!("{k}={}", percent_encode(&v))),
        )
        .collect::<Vec<_>>()
        .join("&")
}

/// Which parameters differ between two settings, and whether any of them needs a restart.
pub fn diff<S: Settings>(old: &S, new: &S) -> (Vec<&'static str>, bool) {
    let mut changed = Vec::new();
    let mut restart = false;
    for p in S::params() {
        if (p.get)(old) != (p.get)(new) {
            changed.push(p.key);
            restart |= p.apply == Apply::Restart;
        }
    }
    if old.format_extra() != new.format_extra() {
        changed.extend(S::extra_keys());
        restart = true;
    }
    (changed, restart)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rng::Rng;

    choice_enum! { pub enum Shape { Round = "round", Square = "square" } }

    #[derive(Clone, Debug, PartialEq)]
    pub struct Demo {
        seed: u32,
        rate: f64,
        width: u32,
        shape: Shape,
        on: bool,
    }
    impl Default for Demo {
        fn default() -> Self {
            Demo {
                seed: 1,
                rate: 0.01,
                width: 8,
                shape: Shape::Round,
                on: true,
            }
        }
    }
    const DEMO_PARAMS: &[Param<Demo>] = &[
        param!(int Demo, "seed", seed, 0, 4_294_967_295, Restart),
        param!(logfloat Demo, "rate", rate, 1e-5, 1.0, Live),
        param!(int Demo, "width", width, 1, 64, Restart),
        param!(choice Demo, "shape", shape, Shape, Live),
        param!(flag Demo, "on", on, Live),
    ];
    impl Settings for Demo {
        fn params() -> &'static [Param<Self>] {
            DEMO_PARAMS
        }
    }

    #[test]
    fn round_trip_is_exact() {
        let s = Demo {
            seed: 4_000_000_000,
            rate: 0.1 + 0.2,
            width: 3,
            shape: Shape::Square,
            on: false,
        };
        let q = to_query(&s);
        let (back, notices) = parse_query::<Demo>(&q, &[]);
        assert_eq!(back, s, "{q}");
        assert!(notices.is_empty());
    }

    #[test]
    fn bad_values_are_clamped_or_defaulted_and_named() {
        let (s, n) = parse_query::<Demo>(
            "rate=5&width=-3&shape=hexagon&on=maybe&seed=1.5&zzz=1&lang=pl",
            &["lang"],
        );
        assert_eq!(s.rate, 1.0);
        assert_eq!(s.width, 1);
        assert_eq!(s.shape, Shape::Round);
        assert!(s.on);
        assert_eq!(s.seed, 1);
        let keys: Vec<&str> = n.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["rate", "width", "shape", "on", "seed", "zzz"]);
        assert!(matches!(n[0].kind, NoticeKind::Clamped { .. }));
        assert!(matches!(n[2].kind, NoticeKind::Invalid { .. }));
        assert_eq!(n[5].kind, NoticeKind::Unknown);
        assert_eq!(n[0].to_string(), "rate: 5 is out of range, using 1");
    }

    #[test]
    fn nan_and_infinity_never_get_through() {
        let (s, n) = parse_query::<Demo>("rate=NaN&width=inf", &[]);
        assert_eq!(s.rate, 0.01);
        assert_eq!(s.width, 8); // "inf" is no integer: the default, not a clamp
        assert_eq!(n.len(), 2);
        let (s, _) = parse_query::<Demo>("rate=-inf", &[]);
        assert_eq!(s.rate, 1e-5);
    }

    #[test]
    fn percent_coding_round_trips() {
        for s in ["a b", "100%", "ż&=?#", "%zz", "%", "%4"] {
            assert_eq!(percent_decode(&percent_encode(s)), s);
        }
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    /// Fuzz-style: a thousand random settings strings — random keys, values, separators, escapes,
    /// unicode — never panic and always produce settings inside every range.
    /// Slider values print as short decimals: every position of a few slider shapes (3
    /// significant digits) prints in at most 3 significant digits and reads back to itself.
    #[test]
    fn rounded_slider_values_have_no_float_noise() {
        let digits_of = |text: &str| {
            text.trim_start_matches('-')
                .replace('.', "")
                .trim_start_matches('0')
                .trim_end_matches('0')
                .len()
        };
        for (min, max, log) in [
            (-6.0, 6.0, false),
            (0.0, 1.0, false),
            (1e-4, 0.1, true),
            (1e-3, 10.0, true),
            (0.05, 5.0, false),
        ] {
            for pos in 0..=200 {
                let t = pos as f64 / 200.0;
                let x: f64 = if log {
                    (f64::ln(min) + t * (f64::ln(max) - f64::ln(min))).exp()
                } else {
                    min + t * (max - min)
                };
                let r = round_significant(x, 3);
                let text = format!("{r}");
                assert!(digits_of(&text) <= 3, "{x} → {text}");
                assert_eq!(text.parse::<f64>().unwrap(), r);
                assert!((r - x).abs() <= x.abs() * 5e-3 + 1e-12, "{x} → {r}");
            }
        }
        assert_eq!(
            format!("{}", round_significant(4.5600000000000005, 3)),
            "4.56"
        );
        assert_eq!(
            format!("{}", round_significant(0.014100000000000001, 3)),
            "0.0141"
        );
        assert_eq!(round_significant(1234.5, 3), 1230.0);
        assert_eq!(round_significant(0.0, 3), 0.0);
    }

    #[test]
    fn long_keys_and_values_are_cut_in_notices() {
        let key = "k".repeat(95_000);
        let (_, n) = parse_query::<Demo>(&format!("{key}=1&rate={}", "9".repeat(500)), &[]);
        assert_eq!(n.len(), 2);
        assert_eq!(
            n[0].key.chars().count(),
            SHOWN_CHARS + 1,
            "cut, with an ellipsis"
        );
        assert!(n[0].key.ends_with('…'));
        assert!(n[1].to_string().len() < 120, "{}", n[1]);
        assert_eq!(shown("short"), "short");
    }

    #[test]
    fn fuzz_parser_never_panics_and_stays_in_range() {
        let alphabet: Vec<char> = "=&%+ .-eE0123456789abcdefghrateswidthonround∞żё\u{0}NaNinf"
            .chars()
            .collect();
        let mut rng = Rng::new(2024);
        for case in 0..2000 {
            let len = rng.below(60);
            let mut q: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            if case % 3 == 0 {
                // Half-plausible strings exercise the value parsers, not just the splitter.
                let key = ["seed", "rate", "width", "shape", "on"][rng.below(5)];
                q = format!("{key}={q}");
            }
            let (s, _) = parse_query::<Demo>(&q, &[]);
            assert!((1e-5..=1.0).contains(&s.rate), "{q:?} → {s:?}");
            assert!((1..=64).contains(&s.width), "{q:?} → {s:?}");
            let again = to_query(&s);
            assert_eq!(parse_query::<Demo>(&again, &[]).0, s);
        }
    }
}
