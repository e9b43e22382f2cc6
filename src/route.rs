//! The page's address: `#/LESSON?SETTINGS&speed=…&projector=1&lang=…`. The lesson settings part is
//! exactly what the CLI takes (`genlab-cli run 'LESSON?SETTINGS'`), parsed by the same code.
//! In lecture mode the lesson's address also names the lecture and the scene
//! (`&lecture=000&scene=3`); `#/lecture` is the lectures page (`?share=…`: a shared lecture) and
//! `#/presenter` the presenter window.

use genlab_core::lesson::{parse_route, LessonId};
use genlab_core::msg;
use genlab_core::settings::{percent_encode, query_pairs, shown, ChoiceEnum, Notice, NoticeKind};

use crate::i18n::Lang;

/// The app's own pages beside the lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppPage {
    /// `#/lecture`: built-in and authored lectures, import, export, links.
    Lectures,
    /// `#/presenter`: the presenter window that drives a projector window.
    Presenter,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// `None` is the landing page (or an app page).
    pub lesson: Option<LessonId>,
    pub page: Option<AppPage>,
    /// Lecture mode: the lecture's id (`000`…`004` built in, `my-…` authored).
    pub lecture: Option<String>,
    /// The scene shown, counted from 0.
    pub scene: usize,
    /// On the lectures page: a lecture shared as a link (its payload).
    pub share: Option<String>,
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
    /// App keys (`lang`, `projector`, `embed`, `speed`) that were not taken as written.
    pub notices: Vec<Notice>,
}

impl Default for Route {
    fn default() -> Self {
        Route {
            lesson: None,
            page: None,
            lecture: None,
            scene: 0,
            share: None,
            query: String::new(),
            lang: None,
            projector: false,
            embed: None,
            speed: 0.0,
            unknown: false,
            notices: Vec::new(),
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
            let name = name.trim_end_matches('/');
            route.page = match name {
                "lecture" => Some(AppPage::Lectures),
                "presenter" => Some(AppPage::Presenter),
                _ => None,
            };
            route.unknown = !name.is_empty() && route.page.is_none();
            trimmed
                .split_once('?')
                .map(|(_, q)| q.to_string())
                .unwrap_or_default()
        }
    };
    let mut lesson_pairs = Vec::new();
    let adjusted = |key: &str, why: genlab_core::msg::Msg| Notice {
        key: key.into(),
        kind: NoticeKind::Adjusted { why },
    };
    for (k, v) in query_pairs(&query) {
        match k.as_str() {
            "lang" => {
                route.lang = Lang::from_key(v.trim());
                if route.lang.is_none() {
                    let n = adjusted("lang", msg!("msg.app.lang_unknown", shown(&v)));
                    route.notices.push(n);
                }
            }
            "projector" => match v.trim() {
                "1" | "true" | "on" | "" => route.projector = true,
                "0" | "false" | "off" => route.projector = false,
                other => {
                    route.projector = false;
                    let n = adjusted("projector", msg!("msg.app.projector_invalid", shown(other)));
                    route.notices.push(n);
                }
            },
            "embed" => {
                let keys: Vec<String> = v
                    .split(',')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty() && !matches!(k.as_str(), "1" | "true" | "on"))
                    .collect();
                // Only settings the lesson has can be shown; with none of them, the lesson is
                // shown whole rather than as a bare frame.
                let known: Vec<String> = match route.lesson.and_then(|l| l.built()) {
                    Some(b) => {
                        let params = (b.params)();
                        keys.iter()
                            .filter(|k| params.iter().any(|p| p.key == k.as_str()))
                            .cloned()
                            .collect()
                    }
                    None => keys.clone(),
                };
                let unknown: Vec<&str> = keys
                    .iter()
                    .filter(|k| !known.contains(k))
                    .map(String::as_str)
                    .collect();
                if unknown.is_empty() {
                    route.embed = Some(keys);
                } else {
                    let list = shown(&unknown.join(","));
                    let why = if known.is_empty() {
                        route.embed = None;
                        msg!("msg.app.embed_unknown", list)
                    } else {
                        route.embed = Some(known);
                        msg!("msg.app.embed_some_unknown", list)
                    };
                    route.notices.push(adjusted("embed", why));
                }
            }
            "lecture" => {
                let id = v.trim();
                let ok = !id.is_empty()
                    && id.len() <= 40
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                if ok {
                    route.lecture = Some(id.to_string());
                } else {
                    let n = adjusted("lecture", msg!("msg.app.lecture_invalid", shown(&v)));
                    route.notices.push(n);
                }
            }
            "scene" => match v.trim().parse::<usize>() {
                Ok(n) if n <= genlab_core::lecture::MAX_SCENES => route.scene = n,
                _ => {
                    let n = adjusted("scene", msg!("msg.app.scene_invalid", shown(&v)));
                    route.notices.push(n);
                }
            },
            "share" if route.page == Some(AppPage::Lectures) => route.share = Some(v),
            "speed" => {
                let (speed, notice) = parse_speed(&v);
                route.speed = speed;
                route.notices.extend(notice);
            }
            _ => lesson_pairs.push(format!("{}={}", percent_encode(&k), percent_encode(&v))),
        }
    }
    route.query = lesson_pairs.join("&");
    route
}

/// Steps per second the speed slider can set.
pub const SPEED_RANGE: (f64, f64) = (1.0, 1e4);

/// `speed=` from an address: 0 is as fast as possible; a positive speed is clamped to the slider's
/// range; anything else falls back to the lesson's default. Whatever was not taken as written
/// gets a notice.
pub fn parse_speed(raw: &str) -> (f64, Option<Notice>) {
    let (lo, hi) = SPEED_RANGE;
    match raw.trim().parse::<f64>() {
        Ok(s) if s == 0.0 => (0.0, None),
        Ok(s) if s.is_finite() && s > 0.0 => {
            let used = s.clamp(lo, hi);
            let notice = (used != s).then(|| Notice {
                key: "speed".into(),
                kind: NoticeKind::Clamped {
                    given: shown(raw),
                    used: format!("{used}"),
                },
            });
            (used, notice)
        }
        _ => (
            0.0,
            Some(Notice {
                key: "speed".into(),
                kind: NoticeKind::Adjusted {
                    why: msg!("msg.app.speed_invalid", shown(raw)),
                },
            }),
        ),
    }
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
    if let Some(id) = &route.lecture {
        parts.push(format!("lecture={id}&scene={}", route.scene));
    }
    if let Some(data) = &route.share {
        parts.push(format!("share={}", percent_encode(data)));
    }
    let name = match (route.lesson, route.page) {
        (Some(l), _) => l.key(),
        (None, Some(AppPage::Lectures)) => "lecture",
        (None, Some(AppPage::Presenter)) => "presenter",
        (None, None) => "",
    };
    if parts.is_empty() {
        format!("#/{name}")
    } else {
        format!("#/{name}?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every app key that is not taken as written is named (issue: lang=xx, projector=junk,
    /// embed=nonsense and odd speeds passed in silence).
    #[test]
    fn bad_app_keys_get_notices() {
        let keys = |hash: &str| -> Vec<String> {
            parse_hash(hash)
                .notices
                .into_iter()
                .map(|n| n.key)
                .collect()
        };
        assert_eq!(keys("#/gan?lang=xx"), ["lang"]);
        assert_eq!(keys("#/gan?projector=junk"), ["projector"]);
        assert!(!parse_hash("#/gan?projector=junk").projector);
        let r = parse_hash("#/gan?embed=nonsense");
        assert_eq!(
            (r.embed.clone(), keys("#/gan?embed=nonsense")),
            (None, vec!["embed".to_string()])
        );
        let r = parse_hash("#/gan?embed=lr_g,nonsense");
        assert_eq!(r.embed, Some(vec!["lr_g".to_string()]));
        assert_eq!(r.notices.len(), 1);
        assert!(parse_hash("#/gan?embed=1").notices.is_empty());
        assert!(
            parse_hash("#/gan?embed=lr_g,d_steps&lang=pl&projector=0&speed=120")
                .notices
                .is_empty()
        );
        for (raw, speed, noticed) in [
            ("1e-9", 1.0, true),
            ("0.001", 1.0, true),
            ("1e-300", 1.0, true),
            ("1e9", 1e4, true),
            ("-5", 0.0, true),
            ("abc", 0.0, true),
            ("NaN", 0.0, true),
            ("inf", 0.0, true),
            ("0", 0.0, false),
            ("120", 120.0, false),
        ] {
            let r = parse_hash(&format!("#/gan?speed={raw}"));
            assert_eq!(r.speed, speed, "{raw}");
            assert_eq!(!r.notices.is_empty(), noticed, "{raw}");
            // What is written back is short: never a 300-digit decimal.
            assert!(format_hash(&r).len() < 30, "{}", format_hash(&r));
        }
    }

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
    fn lecture_keys_round_trip_and_stay_out_of_the_lessons_settings() {
        let r = parse_hash("#/rbm?seed=1&hidden=2&projector=1&lang=pl&lecture=000&scene=3");
        assert_eq!(r.query, "seed=1&hidden=2");
        assert_eq!((r.lecture.as_deref(), r.scene), (Some("000"), 3));
        assert!(r.notices.is_empty());
        assert_eq!(parse_hash(&format_hash(&r)), r);
        let l = parse_hash("#/lecture?share=abc-_09");
        assert_eq!(
            (l.page, l.share.as_deref(), l.unknown),
            (Some(AppPage::Lectures), Some("abc-_09"), false)
        );
        assert_eq!(parse_hash(&format_hash(&l)), l);
        let p = parse_hash("#/presenter");
        assert_eq!(
            (p.page, p.lesson, p.unknown),
            (Some(AppPage::Presenter), None, false)
        );
        assert_eq!(format_hash(&p), "#/presenter");
        // A bad lecture id or scene number is named, not taken.
        let bad = parse_hash("#/rbm?lecture=%3Cx%3E&scene=-1");
        assert_eq!(bad.lecture, None);
        assert_eq!(bad.scene, 0);
        let keys: Vec<_> = bad.notices.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["lecture", "scene"]);
        // `share` belongs to the lectures page only; elsewhere it is a lesson key like any other.
        assert_eq!(parse_hash("#/rbm?share=x").share, None);
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
