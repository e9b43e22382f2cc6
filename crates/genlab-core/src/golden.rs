//! A reference run whose every metric bit is checked in (`tests/golden/`). The native tests and
//! the wasm tests in Chromium both compare against the same file: the page and the CLI compute
//! the same numbers from the same settings string.

use crate::lesson::LessonId;
use crate::protocol::{FromWorker, ToWorker};
use crate::session::Session;

pub const GAN_ROUTE_QUERY: &str = "seed=5&batch=64";
pub const GAN_STEPS: u64 = 200;

/// Runs the reference GAN session and renders its history as text: one line per recorded row,
/// `step` then each metric's bits in hex.
pub fn gan_reference_run() -> String {
    let mut s = Session::new();
    let mut out = String::new();
    let mut push = |rows: Vec<crate::protocol::HistoryRow>| {
        for r in rows {
            out.push_str(&r.step.to_string());
            for v in r.values {
                out.push_str(&format!(" {:016x}", v.to_bits()));
            }
            out.push('\n');
        }
    };
    for m in s.handle(ToWorker::Init {
        lesson: LessonId::Gan,
        query: GAN_ROUTE_QUERY.into(),
    }) {
        if let FromWorker::Snapshot(snap) = m {
            push(snap.history);
        }
    }
    s.handle(ToWorker::RunTo { step: GAN_STEPS });
    while s.has_work() {
        for m in s.run(37) {
            if let FromWorker::Snapshot(snap) = m {
                push(snap.history);
            }
        }
        push(s.take_history());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set GENLAB_BLESS=1 to rewrite the file after an intended change to the GAN's numbers.
    #[test]
    fn gan_reference_run_matches_the_checked_in_bits() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/gan_seed5.txt");
        let got = gan_reference_run();
        assert_eq!(got.lines().count() as u64, GAN_STEPS / 10 + 1);
        if std::env::var("GENLAB_BLESS").is_ok() {
            std::fs::write(path, &got).unwrap();
        }
        let want = std::fs::read_to_string(path).expect("golden file (GENLAB_BLESS=1 writes it)");
        assert_eq!(
            got, want,
            "the reference run changed; if intended, rerun with GENLAB_BLESS=1"
        );
    }
}
