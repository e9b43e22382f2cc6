//! The lecture's data (000, "Przykład"): six movie-goers rating six movies, and the editable
//! dataset the lesson trains on.

use crate::settings::{percent_decode, Notice, NoticeKind};

pub const LECTURE_MOVIES: [&str; 6] = [
    "Harry Potter",
    "Avatar",
    "LOTR 3",
    "Gladiator",
    "Titanic",
    "Glitter",
];

/// (name, ratings, the lecture's one-line description)
pub const LECTURE_USERS: [(&str, [u8; 6], &str); 6] = [
    ("Alice", [1, 1, 1, 0, 0, 0], "Big SF/fantasy fan."),
    (
        "Bob",
        [1, 0, 1, 0, 0, 0],
        "SF/fantasy fan, but doesn't like Avatar.",
    ),
    ("Carol", [1, 1, 1, 0, 0, 0], "Big SF/fantasy fan."),
    ("David", [0, 0, 1, 1, 1, 0], "Big Oscar winners fan."),
    (
        "Eric",
        [0, 0, 1, 1, 0, 0],
        "Oscar winners fan, except for Titanic.",
    ),
    ("Fred", [0, 0, 1, 1, 1, 0], "Big Oscar winners fan."),
];

/// Most movies the table takes; exact likelihoods (2^d states) are computed up to `EXACT_MAX_D`.
pub const MAX_MOVIES: usize = 20;
pub const EXACT_MAX_D: usize = 16;
pub const MAX_USERS: usize = 64;
const MAX_NAME: usize = 40;

#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub movies: Vec<String>,
    pub users: Vec<(String, Vec<u8>)>,
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset {
            movies: LECTURE_MOVIES.iter().map(|m| m.to_string()).collect(),
            users: LECTURE_USERS
                .iter()
                .map(|(n, r, _)| (n.to_string(), r.to_vec()))
                .collect(),
        }
    }
}

/// Escapes only what separates names in the URL (',' and ':') and the escape character itself;
/// the URL layer percent-encodes the rest once.
fn escape_name(name: &str) -> String {
    name.replace('%', "%25")
        .replace(',', "%2C")
        .replace(':', "%3A")
}

/// A name longer than [`MAX_NAME`] (after control characters are dropped), shown in a notice.
fn cut_name(raw: &str) -> Option<String> {
    let kept = raw.chars().filter(|c| !c.is_control()).count();
    (kept > MAX_NAME).then(|| crate::settings::shown(raw.trim()))
}

/// Names the table cuts, in one notice on `key`.
fn notice_cut(key: &str, cut: Vec<String>, notices: &mut Vec<Notice>) {
    if !cut.is_empty() {
        notices.push(Notice {
            key: key.into(),
            kind: NoticeKind::Adjusted {
                why: crate::msg!("msg.rbm.names_cut", MAX_NAME as u64, cut.join("; ")),
            },
        });
    }
}

fn clean_name(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect::<String>()
        .trim()
        .to_string()
}

impl Dataset {
    pub fn d(&self) -> usize {
        self.movies.len()
    }

    /// The lecture's description of a user, if this row is still the lecture's.
    pub fn description(&self, i: usize) -> Option<&'static str> {
        let (name, ratings) = self.users.get(i)?;
        if self.movies.iter().map(String::as_str).ne(LECTURE_MOVIES) {
            return None;
        }
        LECTURE_USERS
            .iter()
            .find(|(n, r, _)| n == name && r[..] == ratings[..])
            .map(|(_, _, d)| *d)
    }

    /// `Alice:111000,Bob:101000,…` — names percent-encoded so they may hold ',' and ':'.
    pub fn format_users(&self) -> String {
        self.users
            .iter()
            .map(|(n, r)| {
                format!(
                    "{}:{}",
                    escape_name(n),
                    r.iter()
                        .map(|&b| if b == 1 { '1' } else { '0' })
                        .collect::<String>()
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn format_movies(&self) -> String {
        self.movies
            .iter()
            .map(|m| escape_name(m))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn parse_movies(&mut self, raw: &str, notices: &mut Vec<Notice>) {
        let decoded: Vec<String> = raw.split(',').map(percent_decode).collect();
        notice_cut(
            "movies",
            decoded.iter().filter_map(|m| cut_name(m)).collect(),
            notices,
        );
        let mut movies: Vec<String> = decoded.iter().map(|m| clean_name(m)).collect();
        if raw.trim().is_empty() || movies.is_empty() {
            notices.push(Notice {
                key: "movies".into(),
                kind: NoticeKind::Invalid {
                    given: raw.into(),
                    used: "the lecture's movies".into(),
                },
            });
            return;
        }
        if movies.len() > MAX_MOVIES {
            notices.push(Notice {
                key: "movies".into(),
                kind: NoticeKind::Clamped {
                    given: movies.len().to_string(),
                    used: MAX_MOVIES.to_string(),
                },
            });
            movies.truncate(MAX_MOVIES);
        }
        for (i, m) in movies.iter_mut().enumerate() {
            if m.is_empty() {
                *m = format!("Movie {}", i + 1);
            }
        }
        self.movies = movies;
        let d = self.d();
        for (_, r) in &mut self.users {
            r.resize(d, 0);
        }
    }

    /// Reads users; a row of the wrong length is padded or cut to the movies, with a notice.
    pub fn parse_users(&mut self, raw: &str, notices: &mut Vec<Notice>) {
        let mut users = Vec::new();
        let mut bad = Vec::new();
        let mut cut = Vec::new();
        if raw.trim().is_empty() {
            notices.push(Notice {
                key: "users".into(),
                kind: NoticeKind::Adjusted {
                    why: crate::msg!("msg.rbm.users_empty"),
                },
            });
        }
        for item in raw.split(',').filter(|s| !s.trim().is_empty()) {
            let (name, bits) = item.rsplit_once(':').unwrap_or(("", item));
            let mut ratings: Vec<u8> = Vec::new();
            let mut ok = true;
            for c in bits.trim().chars() {
                // An unreadable character keeps its place as a 0, so later movies stay aligned.
                ratings.push((c == '1') as u8);
                ok &= c == '0' || c == '1';
            }
            if !ok || ratings.len() != self.d() {
                bad.push(item.chars().take(30).collect::<String>());
            }
            ratings.resize(self.d(), 0);
            let name = percent_decode(name);
            cut.extend(cut_name(&name));
            let name = clean_name(&name);
            let name = if name.is_empty() {
                format!("User {}", users.len() + 1)
            } else {
                name
            };
            users.push((name, ratings));
        }
        notice_cut("users", cut, notices);
        if !bad.is_empty() {
            notices.push(Notice {
                key: "users".into(),
                kind: NoticeKind::Adjusted {
                    why: crate::msg!("msg.rbm.bad_rows", bad.join("; ")),
                },
            });
        }
        if users.len() > MAX_USERS {
            notices.push(Notice {
                key: "users".into(),
                kind: NoticeKind::Clamped {
                    given: users.len().to_string(),
                    used: MAX_USERS.to_string(),
                },
            });
            users.truncate(MAX_USERS);
        }
        self.users = users;
    }

    /// Data as f64 rows (N × d).
    pub fn rows(&self) -> Vec<Vec<f64>> {
        self.users
            .iter()
            .map(|(_, r)| r.iter().map(|&b| b as f64).collect())
            .collect()
    }

    /// Why this dataset cannot be trained on, if it cannot.
    pub fn problem(&self) -> Option<crate::msg::Msg> {
        if self.users.is_empty() {
            Some(crate::msg!("msg.rbm.no_users"))
        } else if self.movies.is_empty() {
            Some(crate::msg!("msg.rbm.no_movies"))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_repairs() {
        let data = Dataset::default();
        let mut back = Dataset::default();
        let mut n = vec![];
        back.parse_users(&data.format_users(), &mut n);
        back.parse_movies(&data.format_movies(), &mut n);
        assert_eq!(back, data);
        assert!(n.is_empty());
        assert_eq!(
            data.description(4),
            Some("Oscar winners fan, except for Titanic.")
        );

        let mut odd = Dataset::default();
        odd.parse_users("Zo%3Ae%2C:1x1,:1111111111,Ann:000000", &mut n);
        assert_eq!(odd.users.len(), 3);
        assert_eq!(odd.users[0].0, "Zo:e,");
        assert_eq!(odd.users[0].1, vec![1, 0, 1, 0, 0, 0]);
        assert_eq!(odd.users[1].0, "User 2");
        assert_eq!(odd.users[1].1.len(), 6);
        assert_eq!(n.len(), 1);
        let mut empty = Dataset::default();
        empty.parse_users("", &mut n);
        assert!(empty.problem().is_some());
    }
}
