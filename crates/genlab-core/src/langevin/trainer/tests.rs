use super::*;
use crate::langevin::sampler::Sampler;
use crate::settings::parse_query;

fn trainer(query: &str) -> LangevinTrainer {
    LangevinTrainer::new(parse_query::<LangevinSettings>(query, &[]).0)
}

fn run(t: &mut LangevinTrainer, steps: u64) {
    for _ in 0..steps {
        t.step(StepPart::Full).unwrap();
    }
}

fn metric(t: &mut LangevinTrainer, name: &str) -> f64 {
    let i = METRICS.iter().position(|m| *m == name).unwrap();
    t.metrics()[i]
}

/// The default run, 400 steps from seed 1 (λ = 0.02, 500 particles from uniform starts, three
/// wells). Measured: KL to p 0.106 (Welling–Teh), 0.107 (MALA, acceptance 0.997), 0.430 for the
/// slide's update — whose histogram is nearer e^(−4E)/Z (0.208); the correct samplers' shares of
/// the wells within 0.03 of the wells' exact masses; the energy model's held-out NLL 1.76; the
/// plain classifier and JEM both at accuracy 1.000 with NLL 4.49 against 2.12.
#[test]
fn every_part_reaches_its_measured_numbers() {
    let mut t = trainer("");
    run(&mut t, 400);
    let m = |t: &mut LangevinTrainer, k| metric(t, k);
    assert!(m(&mut t, "kl_welling_teh") < 0.15);
    assert!(m(&mut t, "kl_mala") < 0.15);
    let (slide, cold) = (m(&mut t, "kl_slide"), m(&mut t, "kl_slide_cold"));
    assert!(slide > 0.3 && cold < slide - 0.1, "{slide} {cold}");
    assert!(m(&mut t, "accept_mala") > 0.95);
    let v = t.build_view(true);
    for lane in v.lanes.iter().filter(|l| l.sampler != Sampler::Slide) {
        for (share, mass) in lane.well_share.iter().zip(&v.well_mass) {
            assert!(
                (share - mass).abs() < 0.05,
                "{:?}: {share} vs {mass}",
                lane.sampler
            );
        }
    }
    let masses: f64 = v.well_mass.iter().sum();
    assert!((masses - 1.0).abs() < 1e-9);
    assert!(m(&mut t, "ebm_nll") < 2.0);
    let (clf, jem) = (m(&mut t, "clf_nll"), m(&mut t, "jem_nll"));
    assert!(jem < clf - 1.0, "{clf} vs {jem}");
    assert!(m(&mut t, "clf_acc") > 0.97 && m(&mut t, "jem_acc") > 0.97);
    // The view's JEM numbers are the history's.
    assert_eq!(v.jem.lanes[1].nll, jem);
}

/// A step too large for the landscape stops the run with a message naming it; the particles
/// stay where they were, finite.
#[test]
fn a_step_that_blows_up_pauses_and_keeps_the_particles() {
    let mut t = trainer("step_lambda=2");
    let mut err = None;
    for _ in 0..50 {
        if let Err(e) = t.step(StepPart::Full) {
            err = Some(e);
            break;
        }
    }
    let err = err.expect("λ = 2 on wells of σ 0.4 blows up");
    assert_eq!(err.key, "msg.langevin.diverged");
    assert!(t.lanes.iter().all(|l| l
        .particles
        .iter()
        .all(|p| p[0].abs() < ESCAPED && p[1].abs() < ESCAPED)));
}

/// On the schedule the step follows a(b + τ)^(−γ); the view says whether γ meets the slide's
/// conditions; a click's start puts every particle at one point.
#[test]
fn schedule_and_start() {
    let mut t =
        trainer("schedule=1&sched_a=0.1&sched_b=10&gamma=0.55&start=point&start_x=1&start_y=-1");
    assert!(t
        .lanes
        .iter()
        .all(|l| l.particles.iter().all(|p| *p == [1.0, -1.0])));
    run(&mut t, 30);
    let want = 0.1 * 40f64.powf(-0.55);
    assert!((metric(&mut t, "lambda") - want).abs() < 1e-15);
    assert!(t.build_view(true).schedule_converges);
    let mut t = trainer("schedule=1&gamma=0.4");
    assert!(!t.build_view(true).schedule_converges);
}

/// Clicked points replace the energy model's toy set, every fifth held out; they round-trip
/// the address.
#[test]
fn clicked_points_replace_the_toy_set() {
    let q = "ebm_points=0,0;1,1;-1,1;1,-1;0.5,0.5;2,2";
    let (s, notices) = parse_query::<LangevinSettings>(q, &[]);
    assert!(notices.is_empty(), "{notices:?}");
    let (back, _) = parse_query::<LangevinSettings>(&crate::settings::to_query(&s), &[]);
    assert_eq!(back, s);
    let mut t = LangevinTrainer::new(s);
    assert_eq!((t.ebm_train.len(), t.ebm_test.len()), (5, 1));
    run(&mut t, 20);
    assert!(metric(&mut t, "ebm_nll").is_finite());
}
