//! A reference run whose every metric bit is checked in (`tests/golden/`). The native tests and
//! the wasm tests in Chromium both compare against the same file: the page and the CLI compute
//! the same numbers from the same settings string.

use crate::lesson::LessonId;
use crate::protocol::{FromWorker, ToWorker};
use crate::session::Session;

/// A reference run: a lesson, its settings string, the steps, and the file its bits are kept in
/// (`bits`: that file as built in, for the page's test, which cannot read files).
pub struct Reference {
    pub file: &'static str,
    pub bits: &'static str,
    pub lesson: LessonId,
    pub query: &'static str,
    pub steps: u64,
}

/// The GAN: f32 products and the MLP's tanh.
pub const GAN: Reference = Reference {
    file: "gan_seed5.txt",
    bits: include_str!("../tests/golden/gan_seed5.txt"),
    lesson: LessonId::Gan,
    query: "seed=5&batch=64",
    steps: 200,
};

/// The Boltzmann family: exact enumerations (exp, log) and the Gaussian–Bernoulli lanes on a
/// toy set drawn with sines and cosines, their σ through exp and their densities through log.
pub const BOLTZMANN: Reference = Reference {
    file: "boltzmann_seed3.txt",
    bits: include_str!("../tests/golden/boltzmann_seed3.txt"),
    lesson: LessonId::Boltzmann,
    query: "seed=3&toy=rings",
    steps: 120,
};

/// Langevin sampling: the energy landscapes (exp, log, sin, cos), the samplers' step sizes
/// (powf) and the energy model's and JEM's exact normalisers.
pub const LANGEVIN: Reference = Reference {
    file: "langevin_seed2.txt",
    bits: include_str!("../tests/golden/langevin_seed2.txt"),
    lesson: LessonId::Langevin,
    query: "seed=2",
    steps: 100,
};

/// Transport at p = 1.5: costs |x − y|^p through pow, Sinkhorn's exps and logs.
pub const TRANSPORT: Reference = Reference {
    file: "transport_seed4.txt",
    bits: include_str!("../tests/golden/transport_seed4.txt"),
    lesson: LessonId::Transport,
    query: "seed=4&p=1.5",
    steps: 60,
};

/// Every reference run, each checked natively and in the page's wasm against its file.
pub const REFERENCES: [&Reference; 4] = [&GAN, &BOLTZMANN, &LANGEVIN, &TRANSPORT];

/// Runs a reference session and renders its history as text: one line per recorded row,
/// `step` then each metric's bits in hex.
pub fn reference_run(r: &Reference) -> String {
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
        lesson: r.lesson,
        query: r.query.into(),
    }) {
        if let FromWorker::Snapshot(snap) = m {
            push(snap.history);
        }
    }
    s.handle(ToWorker::RunTo { step: r.steps });
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

    /// Set GENLAB_BLESS=1 to rewrite the files after an intended change to a run's numbers.
    #[test]
    fn reference_runs_match_the_checked_in_bits() {
        for r in REFERENCES {
            let path = format!("{}/tests/golden/{}", env!("CARGO_MANIFEST_DIR"), r.file);
            let got = reference_run(r);
            assert!(
                got.lines().count() > 3,
                "{}: too few rows to compare",
                r.file
            );
            if std::env::var("GENLAB_BLESS").is_ok() {
                std::fs::write(&path, &got).unwrap();
            }
            let want =
                std::fs::read_to_string(&path).expect("golden file (GENLAB_BLESS=1 writes it)");
            assert_eq!(
                got, want,
                "{}: the reference run changed; if intended, rerun with GENLAB_BLESS=1",
                r.file
            );
        }
    }
}
