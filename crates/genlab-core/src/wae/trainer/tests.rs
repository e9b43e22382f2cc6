use super::*;
use crate::settings::parse_query;

fn digits() -> Arc<Digits> {
    use std::sync::OnceLock;
    static D: OnceLock<Arc<Digits>> = OnceLock::new();
    D.get_or_init(|| Arc::new(data::load_repo_asset().expect("the bundled digits")))
        .clone()
}

fn trainer(q: &str) -> WaeTrainer {
    WaeTrainer::with_digits(parse_query::<WaeSettings>(q, &[]).0, Ok(digits()))
}

fn run(t: &mut WaeTrainer, steps: u64) -> Vec<Vec<f64>> {
    let mut rows = vec![];
    for _ in 0..steps {
        t.step(StepPart::Full).expect("finite");
        if t.steps().is_multiple_of(t.record_every()) {
            rows.push(t.metrics());
        }
    }
    rows
}

fn same(a: &[Vec<f64>], b: &[Vec<f64>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.iter()
                .zip(y)
                .all(|(p, q)| p == q || (p.is_nan() && q.is_nan()))
        })
}

/// The same address gives the same run, every lane, every row.
#[test]
fn the_same_url_replays_the_same_run() {
    let q = "seed=3&hidden=32&batch=32";
    let (a, b) = (run(&mut trainer(q), 100), run(&mut trainer(q), 100));
    assert_eq!(a.len(), 2);
    assert!(same(&a, &b));
    assert!(a[1].iter().take(12).all(|v| v.is_finite()), "{:?}", a[1]);
}

/// An exported run continues exactly where it stopped: lanes, optimisers, the discriminator,
/// the batches' order and both random streams travel.
#[test]
fn a_saved_run_continues_exactly() {
    let q = "seed=4&hidden=32&batch=32";
    let mut first = trainer(q);
    run(&mut first, 50);
    let state = first.save_state();
    let mut second = trainer(q);
    second.load_state(state).expect("loads");
    second.progress.steps = first.steps();
    assert!(same(&run(&mut first, 50), &run(&mut second, 50)));
    // Damaged: a lane too few.
    let mut one = trainer(&format!("{q}&compare=0"));
    assert!(one.load_state(first.save_state()).is_err());
}

/// One lane alone reports only its own columns; the others are NaN. The view holds that lane
/// and no discriminator unless it is the adversarial one.
#[test]
fn one_lane_reports_its_own_columns() {
    let mut t = trainer("seed=2&hidden=32&batch=32&compare=0&shaping=adversarial");
    let rows = run(&mut t, 50);
    let row = &rows[0];
    let col = |name: &str| row[METRICS.iter().position(|m| *m == name).unwrap()];
    assert!(col("emd_adversarial").is_finite() && col("disc_loss").is_finite());
    assert!(col("emd_mmd").is_nan() && col("rec_none").is_nan());
    let LessonView::Wae(v) = t.view() else {
        panic!()
    };
    assert_eq!(v.lanes.len(), 1);
    let d = v.disc.expect("the adversarial lane's discriminator");
    let cells = (d.n * d.n) as usize;
    assert_eq!(d.learned.0.len(), cells);
    assert_eq!(d.optimal.expect("unsupervised: D* shown").0.len(), cells);
    assert!(d.learned.0.iter().all(|p| (0.0..=1.0).contains(p)));
}

/// The prior changes live: the next view measures against the new prior's sample, and the
/// floor — two prior samples apart — stays far below the plain autoencoder's distance.
#[test]
fn switching_the_prior_measures_against_the_new_one() {
    let mut t = trainer("seed=5&hidden=32&batch=32");
    run(&mut t, 50);
    let LessonView::Wae(before) = t.view() else {
        panic!()
    };
    let ring = t.query().replace("prior=normal", "prior=ring");
    let (changed, notices) = t.update(&ring);
    assert!(changed && notices.is_empty(), "{notices:?}");
    let LessonView::Wae(after) = t.view() else {
        panic!()
    };
    assert_eq!(after.prior, Prior::Ring);
    assert_ne!(after.prior_sample, before.prior_sample);
    let plain = after
        .lanes
        .iter()
        .find(|l| l.shaping == Shaping::None)
        .unwrap();
    assert!(
        after.floor_emd < 0.5 && plain.emd > 2.0 * after.floor_emd,
        "{} vs {}",
        after.floor_emd,
        plain.emd
    );
}

/// The supervised prior needs the ring's components: with another prior it is switched off and
/// named.
#[test]
fn the_supervised_prior_needs_the_ring() {
    let (s, notices) = parse_query::<WaeSettings>("supervised=1&prior=square", &[]);
    assert!(!s.supervised);
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].key, "supervised");
    let (s, notices) = parse_query::<WaeSettings>("supervised=1&prior=ring", &[]);
    assert!(s.supervised && notices.is_empty());
}

/// A lane that goes non-finite stops the run with the lesson's message instead of showing
/// NaN (Adam bounds every step by the learning rate, so a real run rarely gets there; a
/// non-finite value in the batch stands in for one that did).
#[test]
fn a_non_finite_lane_stops_the_run_with_a_message() {
    let mut t = trainer("seed=1&hidden=16&batch=8");
    run(&mut t, 3);
    let mut x = vec![0.5f32; 8 * crate::digits::data::PIXELS];
    x[17] = f32::NAN;
    let z = Prior::Normal.sample(&mut Rng::new(1), 8);
    let knobs = t.knobs();
    for lane in &mut t.lanes {
        let got = lane.step(&x, &[0; 8], &z, &[0; 8], &[0.0; 16], &knobs, 1e-3);
        assert_eq!(got, Err(msg!("msg.wae.diverged")), "{:?}", lane.shaping);
    }
}
