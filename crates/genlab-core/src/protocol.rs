//! The worker protocol: what the page sends ([`ToWorker`]) and what comes back ([`FromWorker`]).
//! Both are plain serde enums; errors travel back as data, never as exceptions.
//!
//! Bulk numbers (curves, images) are [`Bulk`] fields. Inside [`wire::encode`] they serialise as an
//! (offset, length) pair into one side buffer that the worker sends as a transferred
//! `Float32Array`; [`wire::decode`] reads them back. Outside those calls they serialise as plain
//! arrays (JSON on the command line).

use serde::{Deserialize, Serialize};

use crate::lesson::{LessonId, StepPart};
use crate::msg::Msg;
pub use crate::registry::{LessonAction, LessonAnswer, LessonView};
use crate::settings::Notice;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Start a lesson from its settings string. Must come first.
    Init {
        lesson: LessonId,
        query: String,
    },
    Play,
    Pause,
    /// Run `count` steps (or parts of steps) and pause.
    Step {
        count: u32,
        part: StepPart,
    },
    /// Play until the step counter reaches `step`, then pause.
    RunTo {
        step: u64,
    },
    /// Back to step 0 with these settings (or the current ones).
    Reset {
        query: Option<String>,
    },
    /// New settings: live ones apply at once; others restart the run.
    Update {
        query: String,
    },
    /// Steps per second to aim for; 0 means as fast as possible.
    SetSpeed {
        steps_per_sec: f64,
    },
    /// A lesson-specific request.
    Act(LessonAction),
    /// Asks for the run as a file ([`crate::runfile`]): settings, trained state, history.
    Export,
    /// Replaces the run with the one in a file, if the file is valid for this lesson.
    Import {
        text: String,
    },
    /// Panics the worker on purpose, so tests can check that a crash is reported and recovered.
    Crash,
    /// Destroys the worker's GPU device on purpose, so tests can check the CPU fallback. The
    /// host carries it out; the session has nothing to do.
    LoseDevice,
}

impl ToWorker {
    pub fn name(&self) -> &'static str {
        match self {
            ToWorker::Init { .. } => "init",
            ToWorker::Play => "play",
            ToWorker::Pause => "pause",
            ToWorker::Step { .. } => "step",
            ToWorker::RunTo { .. } => "run_to",
            ToWorker::Reset { .. } => "reset",
            ToWorker::Update { .. } => "update",
            ToWorker::SetSpeed { .. } => "set_speed",
            ToWorker::Act(_) => "act",
            ToWorker::Export => "export",
            ToWorker::Import { .. } => "import",
            ToWorker::Crash => "crash",
            ToWorker::LoseDevice => "lose_device",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PauseReason {
    User,
    ReachedTarget,
    /// A loss or parameter went NaN/∞; the last good snapshot stays on screen.
    Diverged {
        message: Msg,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's code is loaded and listening.
    Ready,
    /// A (re)started run: the page clears its history and shows the notices.
    Started {
        lesson: LessonId,
        query: String,
        notices: Vec<Notice>,
        metric_names: Vec<String>,
    },
    Snapshot(Snapshot),
    Paused {
        step: u64,
        reason: PauseReason,
    },
    /// Settings were taken without a restart.
    Updated {
        query: String,
        notices: Vec<Notice>,
    },
    /// A command that does not fit the session's state (e.g. before `Init`).
    Rejected {
        command: String,
        why: Msg,
    },
    /// Something broke (a panic, an unbuilt lesson); the page offers a reset.
    Failed {
        message: String,
    },
    Answer(LessonAnswer),
    /// The run as a file, for the page to offer as a download.
    Exported {
        file_name: String,
        text: String,
    },
    /// An imported run replaced the current one (its `Started` and `Snapshot` came before).
    Imported {
        step: u64,
    },
    /// The file could not be imported; the running lesson is unchanged.
    ImportFailed {
        message: Msg,
    },
    /// Progress of a download the lesson needs before it starts (the VAE's digits): bytes so
    /// far and in all (0 if unknown). `error` says why it failed; the lesson then starts
    /// blocked, with the same reason.
    Loading {
        what: String,
        done: u64,
        total: u64,
        error: Option<Msg>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub step: u64,
    pub values: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub step: u64,
    pub running: bool,
    /// Measured by the worker over the last second of play.
    pub steps_per_sec: f64,
    /// Rows recorded since the previous snapshot; on the wire one block of bytes (see
    /// [`packed_rows`]).
    #[serde(with = "packed_rows")]
    pub history: Vec<HistoryRow>,
    pub view: LessonView,
}

/// History rows as one block of bytes: per row its step, its number of values and the values,
/// each a little-endian f64 (exact: steps stay far below 2⁵³, values keep every bit, NaN
/// included). In the page the block is one `Uint8Array`: Sinkhorn at full speed records ≈2,700
/// rows per snapshot, which as JavaScript objects made the worker's messages cost more than its
/// iterations.
pub mod packed_rows {
    use super::HistoryRow;
    use serde::de::{Error as _, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(rows: &[HistoryRow], s: S) -> Result<S::Ok, S::Error> {
        let words: usize = rows.iter().map(|r| 2 + r.values.len()).sum();
        let mut bytes = Vec::with_capacity(words * 8);
        for r in rows {
            bytes.extend_from_slice(&(r.step as f64).to_le_bytes());
            bytes.extend_from_slice(&(r.values.len() as f64).to_le_bytes());
            for v in &r.values {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<HistoryRow>, D::Error> {
        let bytes = d.deserialize_byte_buf(BytesVisitor)?;
        unpack(&bytes).map_err(D::Error::custom)
    }

    /// The rows back from their bytes; a block that does not end where its last row does is
    /// refused, not cut.
    pub fn unpack(bytes: &[u8]) -> Result<Vec<HistoryRow>, &'static str> {
        if bytes.len() % 8 != 0 {
            return Err("history block is not a whole number of f64s");
        }
        let words: Vec<f64> = bytes
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        let mut rows = Vec::new();
        let mut at = 0;
        while at < words.len() {
            let (step, n) = match words.get(at..at + 2) {
                Some(&[step, n]) => (step, n),
                _ => return Err("history row cut short"),
            };
            let whole = |x: f64| x >= 0.0 && x.fract() == 0.0 && x < 9.0e15;
            if !whole(step) || !whole(n) {
                return Err("history row with a bad step or length");
            }
            let values = words
                .get(at + 2..at + 2 + n as usize)
                .ok_or("history row cut short")?;
            rows.push(HistoryRow {
                step: step as u64,
                values: values.to_vec(),
            });
            at += 2 + n as usize;
        }
        Ok(rows)
    }

    struct BytesVisitor;

    impl<'de> Visitor<'de> for BytesVisitor {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a block of bytes")
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
        /// Formats without bytes (JSON) write them as a list of numbers.
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }
}

/// A block of f32 numbers that travels outside the serialised message (see the module docs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bulk(pub Vec<f32>);

impl Bulk {
    pub fn from_f64(xs: &[f64]) -> Self {
        Bulk(xs.iter().map(|&x| x as f32).collect())
    }
}

pub mod wire {
    use super::Bulk;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::cell::RefCell;

    thread_local! {
        static OUT: RefCell<Option<Vec<f32>>> = const { RefCell::new(None) };
        static IN: RefCell<Option<Vec<f32>>> = const { RefCell::new(None) };
    }

    /// Runs `serialize` with bulk arrays diverted into one buffer, returned beside its result.
    pub fn encode<T>(serialize: impl FnOnce() -> T) -> (T, Vec<f32>) {
        OUT.with(|o| *o.borrow_mut() = Some(Vec::new()));
        let value = serialize();
        let bulk = OUT.with(|o| o.borrow_mut().take()).unwrap_or_default();
        (value, bulk)
    }

    /// Runs `deserialize` with bulk arrays read from `bulk`.
    pub fn decode<T>(bulk: Vec<f32>, deserialize: impl FnOnce() -> T) -> T {
        IN.with(|i| *i.borrow_mut() = Some(bulk));
        let value = deserialize();
        IN.with(|i| *i.borrow_mut() = None);
        value
    }

    impl Serialize for Bulk {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let placed = OUT.with(|o| {
                o.borrow_mut().as_mut().map(|buf| {
                    let offset = buf.len();
                    buf.extend_from_slice(&self.0);
                    (offset as u32, self.0.len() as u32)
                })
            });
            match placed {
                Some(range) => range.serialize(s),
                None => self.0.serialize(s),
            }
        }
    }

    impl<'de> Deserialize<'de> for Bulk {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let diverted = IN.with(|i| i.borrow().is_some());
            if !diverted {
                return Vec::<f32>::deserialize(d).map(Bulk);
            }
            let (offset, len) = <(u32, u32)>::deserialize(d)?;
            IN.with(|i| {
                let buf = i.borrow();
                let buf = buf.as_ref().expect("checked above");
                buf.get(offset as usize..offset as usize + len as usize)
                    .map(|s| Bulk(s.to_vec()))
                    .ok_or_else(|| D::Error::custom("bulk range outside the transferred buffer"))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_travels_beside_the_message() {
        let view = Bulk(vec![1.0, 2.5, -3.0]);
        let (json, bulk) =
            wire::encode(|| serde_json::to_string(&(Bulk(vec![9.0]), &view)).unwrap());
        assert_eq!(json, "[[0,1],[1,3]]");
        assert_eq!(bulk, vec![9.0, 1.0, 2.5, -3.0]);
        let back: (Bulk, Bulk) = wire::decode(bulk, || serde_json::from_str(&json).unwrap());
        assert_eq!(back.1, view);
        // Without the side channel, plain arrays.
        assert_eq!(serde_json::to_string(&view).unwrap(), "[1.0,2.5,-3.0]");
        let bad: Result<Bulk, _> = wire::decode(vec![1.0], || serde_json::from_str("[0,5]"));
        assert!(bad.is_err());
    }

    /// History rows as one block: every bit back (NaN, −0, a huge step, an empty row), and a
    /// block that is cut, ragged or names a bad length refused.
    #[test]
    fn history_rows_travel_as_one_block_of_bytes() {
        let rows = vec![
            HistoryRow {
                step: 0,
                values: vec![f64::NAN, -0.0, 1.0 / 3.0],
            },
            HistoryRow {
                step: 10,
                values: vec![],
            },
            HistoryRow {
                step: 1_000_000_000,
                values: vec![f64::INFINITY, -1e-300],
            },
        ];
        /// As in [`Snapshot`].
        #[derive(Serialize, Deserialize)]
        struct Rows {
            #[serde(with = "packed_rows")]
            history: Vec<HistoryRow>,
        }
        let json = serde_json::to_string(&Rows {
            history: rows.clone(),
        })
        .unwrap();
        let back: Rows = serde_json::from_str(&json).unwrap();
        let bits = |rows: &[HistoryRow]| -> Vec<(u64, Vec<u64>)> {
            rows.iter()
                .map(|r| (r.step, r.values.iter().map(|v| v.to_bits()).collect()))
                .collect()
        };
        assert_eq!(bits(&back.history), bits(&rows));
        let mut bytes = Vec::new();
        for w in [5.0f64, 2.0, 1.0, 2.0] {
            bytes.extend_from_slice(&w.to_le_bytes());
        }
        assert_eq!(
            packed_rows::unpack(&bytes).unwrap(),
            vec![HistoryRow {
                step: 5,
                values: vec![1.0, 2.0]
            }]
        );
        assert!(
            packed_rows::unpack(&bytes[..24]).is_err(),
            "a row cut short"
        );
        assert!(packed_rows::unpack(&bytes[..13]).is_err(), "not whole f64s");
        let mut bad = bytes.clone();
        bad[8..16].copy_from_slice(&2.5f64.to_le_bytes());
        assert!(packed_rows::unpack(&bad).is_err(), "a fractional length");
        bad[8..16].copy_from_slice(&(-1.0f64).to_le_bytes());
        assert!(packed_rows::unpack(&bad).is_err(), "a negative length");
    }

    #[test]
    fn commands_round_trip_through_json() {
        let cmds = vec![
            ToWorker::Init {
                lesson: LessonId::Gan,
                query: "seed=3".into(),
            },
            ToWorker::Step {
                count: 2,
                part: StepPart::Discriminator,
            },
            ToWorker::Reset { query: None },
            ToWorker::SetSpeed { steps_per_sec: 0.0 },
        ];
        for c in cmds {
            let back: ToWorker = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
            assert_eq!(back, c);
        }
    }
}
