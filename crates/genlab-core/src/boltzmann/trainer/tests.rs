use super::*;
use crate::settings::parse_query;

fn trainer(query: &str) -> BoltzmannTrainer {
    BoltzmannTrainer::new(parse_query::<BoltzmannSettings>(query, &[]).0)
}

fn run(t: &mut BoltzmannTrainer, steps: u64) {
    for _ in 0..steps {
        t.step(StepPart::Full).unwrap();
    }
}

fn metric(t: &mut BoltzmannTrainer, name: &str) -> f64 {
    let i = METRICS.iter().position(|m| *m == name).unwrap();
    t.metrics()[i]
}

/// The default run (exact gradient, two hidden units, lr 0.1), 1,000 steps from seed 1: every
/// family climbs from about −4 to just under the data's own −1.330, never past it. Measured:
/// visible-only −1.385, RBM −1.440, semi-restricted −1.378, full −1.377, the deep machine
/// trained jointly −1.443.
#[test]
fn every_family_reaches_its_measured_log_likelihood() {
    let mut t = trainer("");
    let before: Vec<f64> = t.metrics();
    run(&mut t, 1000);
    let best = t.score().best_ll;
    for (name, measured) in [
        ("ll_visible", -1.385),
        ("ll_rbm", -1.440),
        ("ll_semi", -1.378),
        ("ll_full", -1.377),
        ("ll_joint", -1.443),
    ] {
        let i = METRICS.iter().position(|m| *m == name).unwrap();
        let ll = metric(&mut t, name);
        assert!(before[i] < -3.0, "{name} started at {}", before[i]);
        assert!(ll <= best + 1e-9, "{name}: {ll} above the best {best}");
        assert!(
            (ll - measured).abs() < 0.02,
            "{name}: {ll} vs measured {measured}"
        );
    }
    // The view's numbers are the history's.
    let v = t.score();
    let full = v
        .families
        .iter()
        .find(|f| f.couplings == Couplings::Full)
        .unwrap();
    assert_eq!(full.ll, metric(&mut t, "ll_full"));
    assert_eq!(full.units, 8);
    assert_eq!(full.params as usize, 28 + 8);
}

/// Lecture 001's "greedy layer-wise training does not always work", measured on the exact
/// log-likelihood (1,000 steps per layer): when the stack is built its second layer has added
/// nothing to the first RBM (−1.426 against −1.431) and the jointly trained machine is ahead
/// (−1.367); trained on jointly, the stack catches up (−1.3466 against −1.3457 at 4,000 steps).
#[test]
fn the_greedy_stack_starts_behind_and_catches_up() {
    let mut t = trainer("layer_steps=1000");
    run(&mut t, 2000);
    let v = t.score();
    let d = v.dbm.clone().unwrap();
    assert_eq!(d.phase, GreedyPhase::Stacked);
    assert!(d.joint_ll - d.greedy_ll > 0.03, "{d:?}");
    assert!((d.greedy_ll - d.first_ll).abs() < 0.02, "{d:?}");
    run(&mut t, 2000);
    let (j, g) = (metric(&mut t, "ll_joint"), metric(&mut t, "ll_greedy"));
    assert!((j - g).abs() < 0.005, "joint {j} greedy {g}");
}

/// Block Gibbs, checked exactly on the trained machines: valid for the RBM (it leaves p(x)
/// where it is and settles on it), not for the full machine (measured: one step moves p by
/// 0.05 in total variation, and it settles 0.16 away); a sequential sweep is valid for both.
#[test]
fn block_gibbs_fails_only_where_a_layer_is_coupled() {
    let mut t = trainer("");
    run(&mut t, 1000);
    let v = t.score();
    let check = |c| v.samplers.iter().find(|s| s.couplings == c).unwrap();
    let (rbm, full) = (check(Couplings::Rbm), check(Couplings::Full));
    for s in [rbm, full] {
        assert!(s.sequential_moves < 1e-12, "{:?}", s.couplings);
    }
    assert!(rbm.block_moves < 1e-12 && rbm.block_off < 1e-9, "{rbm:?}");
    assert!(full.block_moves > 0.02 && full.block_off > 0.08, "{full:?}");
    let sum: f32 = full.block_visible.0.iter().sum();
    assert!((sum - 1.0).abs() < 1e-4);
}

/// The RBM family's experts: their normalised product is the RBM family's own p(v) (its exact
/// log-likelihood from the shown probabilities of the users' vectors), listed most probable
/// first.
#[test]
fn the_experts_product_is_the_rbm_familys_distribution() {
    let mut t = trainer("");
    run(&mut t, 300);
    let v = t.score();
    let e = v.experts.clone().unwrap();
    assert_eq!(e.vectors.len(), 64);
    assert!(e.rest.abs() < 1e-9);
    assert!(e.product.0.windows(2).all(|w| w[0] >= w[1]));
    let data = t.binary.as_ref().unwrap().data.clone();
    let ll: f64 = data
        .iter()
        .map(|u| {
            let s = state_index(u) as u32;
            let r = e.vectors.iter().position(|&x| x == s).unwrap();
            (e.product.0[r] as f64).ln()
        })
        .sum::<f64>()
        / data.len() as f64;
    let family = v
        .families
        .iter()
        .find(|f| f.couplings == Couplings::Rbm)
        .unwrap();
    assert!((ll - family.ll).abs() < 1e-5, "{ll} vs {}", family.ll);
    let freq: f32 = e.data_freq.0.iter().sum();
    assert!((freq - 1.0).abs() < 1e-5);
}

/// The Gaussian–Bernoulli lanes on the three blobs (3 hidden units, lr 0.01, 3,000 steps):
/// the exact gradient reaches a measured −2.28 per point on the training points and about the
/// same on held-out ones (from −3.27, one Gaussian); CD-1's chains, started at the data,
/// leave it far behind (measured −9.8) — Liao et al.'s point. Its density integrates to one
/// over the plane: the picture holds nearly all of it.
#[test]
fn the_gaussian_bernoulli_lanes_learn_the_blobs() {
    let mut t = trainer("");
    run(&mut t, 3000);
    let (train, test) = (
        metric(&mut t, "gb_train_exact"),
        metric(&mut t, "gb_test_exact"),
    );
    eprintln!("exact {train} {test} cd {}", metric(&mut t, "gb_train_cd"));
    assert!(
        train > -2.4 && (train - test).abs() < 0.15,
        "{train} {test}"
    );
    assert!(metric(&mut t, "gb_train_cd") < train - 1.0);
    let v = t.score();
    let lane = &v.gb.lanes[0];
    let [x0, x1, y0, y1] = v.gb.extent;
    let n = v.gb.grid as f64;
    let cell = (x1 - x0) * (y1 - y0) / (n * n);
    let mass: f64 = lane.density.0.iter().map(|&d| d as f64 * cell).sum();
    // Measured 0.970: the rest lies in the tails outside the picture.
    assert!(mass > 0.95 && mass < 1.0 + 1e-3, "mass {mass}");
    assert_eq!(lane.weights.0.len(), 8);
}

/// An exported run continues exactly as the run would have (past the greedy stack, with
/// persistent chains on both halves); a file of another shape is refused and changes nothing.
#[test]
fn an_exported_run_continues_exactly() {
    let q = "gradient=sampled&layer_steps=30&lr=0.02";
    let mut a = trainer(q);
    run(&mut a, 80);
    let saved = a.save_state();
    let mut b = trainer(q);
    b.load_state(saved.clone()).unwrap();
    run(&mut a, 40);
    run(&mut b, 40);
    assert_eq!(a.metrics(), b.metrics());
    let mut other = trainer("gradient=sampled&layer_steps=30&hidden=3");
    let before = other.metrics();
    assert!(other.load_state(saved).is_err());
    assert_eq!(other.metrics(), before);
}

/// Sizes past the enumeration are cut with the limit named; a dataset no hidden unit fits is
/// refused with the same message; clicked points replace the toy set, every fifth held out,
/// and unreadable ones are named.
#[test]
fn bad_input_gets_messages() {
    let (s, notices) = parse_query::<BoltzmannSettings>("dbm_h1=6&dbm_h2=4&hidden=6", &[]);
    assert_eq!((s.hidden, s.dbm_h1, s.dbm_h2), (6, 5, 1));
    assert!(notices.iter().any(|n| n.key == "dbm_h2"), "{notices:?}");
    assert!(notices.iter().any(|n| n.key == "dbm_h1"), "{notices:?}");

    let movies = (1..=12)
        .map(|i| format!("M{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let t = trainer(&format!("movies={movies}"));
    let why = t.blocked().unwrap();
    assert_eq!(why.key, "msg.boltzmann.too_many_units");

    let (s, notices) = parse_query::<BoltzmannSettings>("points=0,0;1,1;x,2;2,2;3,3;4,4;5,5", &[]);
    assert_eq!(s.points.len(), 6);
    assert!(notices.iter().any(|n| n.key == "points"));
    let mut t = BoltzmannTrainer::new(s);
    let v = t.score();
    assert!(v.gb.clicked);
    assert_eq!((v.gb.train.0.len() / 2, v.gb.test.0.len() / 2), (5, 1));
    run(&mut t, 50);
}

/// A machine whose weights run away pauses the run with a message instead of overflowing
/// the enumeration.
#[test]
fn a_runaway_machine_stops_the_run() {
    let mut t = trainer("");
    t.binary.as_mut().unwrap().families[3].machine.params[0] = 1e3;
    let err = t.step(StepPart::Full).unwrap_err();
    assert_eq!(err.key, "msg.boltzmann.diverged");
}

/// While playing, the view between two scorings is the last one re-sent; it must compare
/// equal to itself (no NaN anywhere in it), or the page, which skips a view equal to the one
/// it shows, would redraw every chart with each snapshot. The default run, a toy set with
/// more hidden units, and clicked points.
#[test]
fn a_view_re_sent_while_playing_equals_the_one_shown() {
    for query in [
        "",
        "toy=rings&hidden=6",
        "points=0.5,0.5;-1,1;2,-0.5;0,0;1,1;-1,-1",
    ] {
        let mut t = trainer(query);
        run(&mut t, 3);
        let first = t.view_while_playing();
        run(&mut t, 5);
        let again = t.view_while_playing();
        assert!(
            first == again,
            "{query}: the re-sent view differs from the one shown"
        );
        run(&mut t, VIEW_EVERY);
        assert!(
            t.view_while_playing() != first,
            "{query}: a new scoring is a new view"
        );
    }
}
