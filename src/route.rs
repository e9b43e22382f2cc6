//! The page's address: `#/LESSON?SETTINGS&speed=…&projector=1&lang=…`. The lesson settings part is
//! exactly what the CLI takes (`genlab-cli run 'LESSON?SETTINGS'`), parsed by the same code.

use genlab_core::lesson::{parse_route, LessonId};
use genlab_core::settings::{percent_encode, query_pairs, ChoiceEnum};

use crate::i18n::Lang;

#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// `None` is the landing page.
    pub lesson: Option<LessonId>,
    /// The lesson's settings (app keys removed), as written in the address.
    pub query: String,
    /// The language named in the address; `None` follows the browser's.
    pub lang: Option<Lang>,
    pub projector: bool,
    /// Embed mode for slides: no header, footer or explanations, only the lesson's charts, the
    /// transport bar and the settings named here (`embed=lr,beta`; `embed=1` or empty: none).
    pub embed: Option<Vec<String>>,
    /// Steps per second; 0 = as fast as possible.
    pub speed: f64,
    /// The address named something that is not a lesson.
    pub unknown: bool,
}

impl Default for Route {
    fn default() -> Self {
        Route {
            lesson: None,
            query: String::new(),
            lang: None,
            projector: false,
            embed: None,
            speed: 0.0,
            unknown: false,
        }
    }
}

pub fn parse_hash(hash: &str) -> Route {
    let trimmed = hash.trim_start_matches('#').trim_start_matches('/');
    let (name, _) = trimmed.split_once('?').unwrap_or((trimmed, ""));
    let mut route = Route::default();
    let query = match parse_route(trimmed) {
        Some((lesson, query)) => {
            route.lesson = Some(lesson);
            query
        }
        None => {
            route.unknown = !name.trim_end_matches('/').is_empty();
            trimmed
                .split_once('?')
                .map(|(_, q)| q.to_string())
                .unwrap_or_default()
        }
    };
    let mut lesson_pairs = Vec::new();
    for (k, v) in query_pairs(&query) {
        match k.as_str() {
            "lang" => route.lang = Lang::from_key(&v),
            "projector" => route.projector = matches!(v.as_str(), "1" | "true" | "on" | ""),
            "embed" => {
                route.embed = Some(
                    v.split(',')
                        .map(|k| k.trim().to_string())
                        .filter(|k| !k.is_empty() && !matches!(k.as_str(), "1" | "true" | "on"))
                        .collect(),
                )
            }
            "speed" => {
                route.speed = v
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .unwrap_or(0.0)
                    .min(100_000.0)
            }
            _ => lesson_pairs.push(format!("{}={}", percent_encode(&k), percent_encode(&v))),
        }
    }
    route.query = lesson_pairs.join("&");
    route
}

pub fn format_hash(route: &Route) -> String {
    let mut parts = Vec::new();
    if !route.query.is_empty() {
        parts.push(route.query.clone());
    }
    if route.speed > 0.0 {
        parts.push(format!("speed={}", route.speed));
    }
    if route.projector {
        parts.push("projector=1".into());
    }
    if let Some(keys) = &route.embed {
        let list = keys.join(",");
        parts.push(format!(
            "embed={}",
            if list.is_empty() {
                "1".into()
            } else {
                percent_encode(&list)
            }
        ));
    }
    if let Some(lang) = route.lang {
        parts.push(format!("lang={}", lang.key()));
    }
    let name = route.lesson.map(|l| l.key()).unwrap_or("");
    if parts.is_empty() {
        format!("#/{name}")
    } else {
        format!("#/{name}?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trips() {
        let r = parse_hash("#/gan?seed=3&lr_g=0.002&speed=120&projector=1");
        assert_eq!(r.lesson, Some(LessonId::Gan));
        assert_eq!(r.query, "seed=3&lr_g=0.002");
        assert!(r.projector);
        assert_eq!(r.speed, 120.0);
        assert_eq!(parse_hash(&format_hash(&r)), r);
        assert_eq!(format_hash(&Route::default()), "#/");
        let pl = parse_hash("#/vae?beta=0&lang=pl");
        assert_eq!((pl.lang, pl.query.as_str()), (Some(Lang::Pl), "beta=0"));
        assert_eq!(format_hash(&pl), "#/vae?beta=0&lang=pl");
        assert_eq!(parse_hash("#/vae?lang=xx").lang, None);
        let e = parse_hash("#/gan?embed=lr_g,d_steps&seed=2");
        assert_eq!(
            e.embed,
            Some(vec!["lr_g".to_string(), "d_steps".to_string()])
        );
        assert_eq!(e.query, "seed=2");
        assert_eq!(parse_hash(&format_hash(&e)), e);
        assert_eq!(parse_hash("#/gan?embed=1").embed, Some(vec![]));
        assert_eq!(parse_hash("#/gan").embed, None);
    }

    #[test]
    fn garbage_addresses_fall_back_to_the_landing_page() {
        for h in [
            "",
            "#",
            "#/",
            "#/nope?x=1",
            "#/%%%",
            "#/gan?speed=-5&speed=NaN&projector=maybe",
        ] {
            let r = parse_hash(h);
            assert!(r.speed >= 0.0 && r.speed.is_finite(), "{h}");
        }
        assert!(parse_hash("#/nope").unknown);
        assert!(!parse_hash("#/").unknown);
    }
}
