//! An exported run: one JSON file holding the settings (the address's query, seed included), the
//! trained state and the metric history. Importing it rebuilds the trainer from the settings and
//! then overwrites everything a step changes, so the run continues exactly as it would have —
//! the tests check continuing an imported run against never having stopped, bit for bit.
//!
//! Parameters travel as base64 of their exact bits (`"f32:…"`): a decimal round trip would be
//! larger and easy to get subtly wrong. Everything read from a file is checked before anything
//! changes: a corrupt or foreign file gets a message and the running lesson is left alone.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::lesson::LessonId;
use crate::msg;
use crate::msg::Msg;
use crate::nn::Real;
use crate::protocol::HistoryRow;
use crate::settings::ChoiceEnum;

/// What a file must say it is.
pub const FORMAT: &str = "genlab-run";
/// Files of a newer version are refused rather than misread.
pub const VERSION: u32 = 1;
/// A VAE at H = 512 with its Adam moments is ≈ 13 MB; anything far beyond is not ours.
pub const MAX_BYTES: usize = 64 << 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunFile {
    pub format: String,
    pub version: u32,
    pub lesson: LessonId,
    /// The lesson's full settings string, as in the address.
    pub query: String,
    /// The seed, repeated from the settings for whoever reads the file; checked on import.
    pub seed: Option<u64>,
    /// Steps taken when the run was exported.
    pub step: u64,
    pub metric_names: Vec<String>,
    pub history: Vec<FileRow>,
    /// The lesson's own state (see each trainer's `save_state`).
    pub state: serde_json::Value,
}

/// A history row; `null` stands for a value that was not defined (NaN), as JSON has no NaN.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileRow {
    pub step: u64,
    pub values: Vec<Option<f64>>,
}

impl FileRow {
    pub fn from_row(r: &HistoryRow) -> Self {
        FileRow {
            step: r.step,
            values: r
                .values
                .iter()
                .map(|&v| v.is_finite().then_some(v))
                .collect(),
        }
    }

    pub fn to_row(&self) -> HistoryRow {
        HistoryRow {
            step: self.step,
            values: self.values.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        }
    }
}

/// The value of `seed=` in a settings string, if it has one.
pub fn seed_of(query: &str) -> Option<u64> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "seed")
        .and_then(|(_, v)| v.parse().ok())
}

impl RunFile {
    pub fn new(
        lesson: LessonId,
        query: String,
        step: u64,
        metric_names: Vec<String>,
        history: &[HistoryRow],
        state: serde_json::Value,
    ) -> Self {
        RunFile {
            format: FORMAT.into(),
            version: VERSION,
            lesson,
            seed: seed_of(&query),
            query,
            step,
            metric_names,
            history: history.iter().map(FileRow::from_row).collect(),
            state,
        }
    }

    /// A name for the download: `genlab-gan-step1200.json`.
    pub fn file_name(&self) -> String {
        format!("genlab-{}-step{}.json", self.lesson.key(), self.step)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a run file always serialises")
    }

    /// Reads and checks a file: its kind and version, and that its history fits its own header.
    /// Whether the state fits the lesson is the trainer's to check.
    pub fn parse(text: &str) -> Result<RunFile, Msg> {
        if text.len() > MAX_BYTES {
            return Err(msg!(
                "msg.run.too_big",
                (text.len() as f64 / 1e6).round(),
                (MAX_BYTES >> 20) as u64
            ));
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| msg!("msg.run.not_json", e.to_string()))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            _ => return Err(msg!("msg.run.not_ours")),
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v <= VERSION as u64 => {}
            Some(v) => return Err(msg!("msg.run.newer", v, VERSION as u64)),
            None => return Err(msg!("msg.run.no_version")),
        }
        let file: RunFile =
            serde_json::from_value(value).map_err(|e| msg!("msg.run.damaged", e.to_string()))?;
        if file.seed != seed_of(&file.query) {
            return Err(msg!("msg.run.seed_edited"));
        }
        let mut last = None;
        for row in &file.history {
            if row.values.len() != file.metric_names.len() {
                return Err(msg!(
                    "msg.run.row_length",
                    row.step,
                    row.values.len(),
                    file.metric_names.len()
                ));
            }
            if last.is_some_and(|l| row.step <= l) || row.step > file.step {
                return Err(msg!("msg.run.order", row.step));
            }
            last = Some(row.step);
        }
        Ok(file)
    }

    pub fn history_rows(&self) -> Vec<HistoryRow> {
        self.history.iter().map(FileRow::to_row).collect()
    }
}

/// A trainer's state as JSON.
pub fn save<T: Serialize>(state: &T) -> serde_json::Value {
    serde_json::to_value(state).expect("trainer states always serialise")
}

/// A trainer's state back from JSON, with a readable complaint when it does not fit.
pub fn load<T: DeserializeOwned>(state: serde_json::Value) -> Result<T, Msg> {
    serde_json::from_value(state).map_err(|e| msg!("msg.run.state_damaged", e.to_string()))
}

/// Checks that a vector read from a file has the length this run's settings give it.
pub fn expect_len(what: &str, got: usize, want: usize) -> Result<(), Msg> {
    if got == want {
        Ok(())
    } else {
        Err(msg!("msg.run.length", what, got, want))
    }
}

/// Whether a batch order read from a file is a reordering of this run's (the same indices,
/// each once): the order is a shuffle of the training data, so it cannot hold anything else.
pub fn is_reordering(saved: &[usize], mine: &[usize]) -> bool {
    let (mut saved, mut mine) = (saved.to_vec(), mine.to_vec());
    saved.sort_unstable();
    mine.sort_unstable();
    saved == mine
}

/// Checks the numbers read from a file are all finite (a diverged run cannot be continued).
pub fn expect_finite<T: Real>(what: &str, xs: &[T]) -> Result<(), Msg> {
    match xs.iter().position(|x| !x.is_finite()) {
        None => Ok(()),
        Some(i) => Err(msg!("msg.run.not_finite", what, i)),
    }
}

/// `#[serde(with = "packed")]` for `Vec<f32>` / `Vec<f64>`: `"f32:<base64 of the LE bytes>"`.
pub mod packed {
    use super::Real;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ptr_arg)] // serde hands `with` functions the field as it is declared
    pub fn serialize<T: Real, S: Serializer>(xs: &Vec<T>, s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(xs.len() * T::BYTES);
        for &x in xs {
            x.write_le(&mut bytes);
        }
        s.serialize_str(&format!("{}:{}", T::NAME, STANDARD.encode(bytes)))
    }

    pub fn deserialize<'de, T: Real, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        let text = String::deserialize(d)?;
        let (name, b64) = text
            .split_once(':')
            .ok_or_else(|| D::Error::custom("packed numbers must read \"f32:…\" or \"f64:…\""))?;
        if name != T::NAME {
            return Err(D::Error::custom(format!(
                "expected {} numbers, found {name}",
                T::NAME
            )));
        }
        let bytes = STANDARD
            .decode(b64)
            .map_err(|e| D::Error::custom(format!("packed numbers are not base64: {e}")))?;
        if bytes.len() % T::BYTES != 0 {
            return Err(D::Error::custom("packed numbers end mid-number"));
        }
        Ok(bytes.chunks_exact(T::BYTES).map(T::read_le).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Both {
        #[serde(with = "packed")]
        a: Vec<f32>,
        #[serde(with = "packed")]
        b: Vec<f64>,
    }

    #[test]
    fn packed_numbers_keep_every_bit_and_their_type() {
        let x = Both {
            a: vec![0.1, -0.0, f32::MIN_POSITIVE, 1e-45, f32::MAX],
            b: vec![std::f64::consts::PI, -1e-310, 1.0 / 3.0],
        };
        let back: Both = load(save(&x)).unwrap();
        let bits32 = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let bits64 = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits32(&back.a), bits32(&x.a));
        assert_eq!(bits64(&back.b), bits64(&x.b));
        // An f32 vector is not read as f64, nor a truncated one at all.
        let mut v = save(&x);
        v["b"] = v["a"].clone();
        assert!(load::<Both>(v)
            .unwrap_err()
            .to_string()
            .contains("expected f64"));
        let mut v = save(&x);
        let cut = v["a"].as_str().unwrap()[..10].to_string();
        v["a"] = cut.into();
        assert!(load::<Both>(v).is_err());
    }

    fn sample() -> RunFile {
        RunFile::new(
            LessonId::Gan,
            "seed=7&lr_g=0.001".into(),
            20,
            vec!["a".into(), "b".into()],
            &[
                HistoryRow {
                    step: 0,
                    values: vec![1.0, f64::NAN],
                },
                HistoryRow {
                    step: 10,
                    values: vec![0.5, 2.0],
                },
            ],
            serde_json::json!({"x": 1}),
        )
    }

    #[test]
    fn a_file_round_trips_and_keeps_undefined_values() {
        let f = sample();
        assert_eq!(f.seed, Some(7));
        assert_eq!(f.file_name(), "genlab-gan-step20.json");
        let back = RunFile::parse(&f.to_json()).unwrap();
        assert_eq!(back, f);
        let rows = back.history_rows();
        assert!(rows[0].values[1].is_nan());
        assert_eq!(rows[1].values, vec![0.5, 2.0]);
    }

    #[test]
    fn foreign_damaged_and_edited_files_are_refused_with_a_reason() {
        let good = sample().to_json();
        let cases: Vec<(String, &str)> = vec![
            ("not json at all".into(), "not JSON"),
            ("{\"a\": 1}".into(), "genlab-run"),
            (
                good.replace("\"version\":1", "\"version\":9"),
                "newer genlab",
            ),
            (good.replace("\"step\":20", "\"step\":5"), "out of order"),
            (good.replace("seed=7", "seed=8"), "seed does not match"),
            (good.replace("[0.5,2.0]", "[0.5]"), "1 values for 2 metrics"),
            (
                good.replace("\"lesson\":\"Gan\"", "\"lesson\":\"Nope\""),
                "damaged",
            ),
            (good[..good.len() - 5].to_string(), "not JSON"),
        ];
        for (text, why) in cases {
            let err = RunFile::parse(&text).unwrap_err().to_string();
            assert!(err.contains(why), "{why}: {err}");
        }
    }
}
