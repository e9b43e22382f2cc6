use super::*;
use crate::settings::parse_query;

use crate::autoencoder::fixtures::digits_arc as digits;

fn trainer(q: &str) -> AutoencoderTrainer {
    AutoencoderTrainer::with_digits(parse_query::<AutoencoderSettings>(q, &[]).0, Ok(digits()))
}

fn view(t: &mut AutoencoderTrainer) -> AutoencoderView {
    match t.view() {
        LessonView::Autoencoders(v) => v,
        _ => panic!("not the autoencoder's view"),
    }
}

#[test]
fn training_lowers_the_test_loss_and_the_view_is_whole() {
    let mut t = trainer("");
    let start = t.metrics();
    for _ in 0..200 {
        t.step(StepPart::Full).unwrap();
    }
    let end = t.metrics();
    let at = |name: &str| METRICS.iter().position(|m| *m == name).unwrap();
    println!("start {start:?}\nend {end:?}");
    // The output starts at the mean image (205 nats, squared error 52.4); measured after 200
    // steps: 153 nats, squared error 34.0.
    assert!(
        end[at("test_loss")] < 0.85 * start[at("test_loss")],
        "{start:?} → {end:?}"
    );
    assert!(
        end[at("test_sq_error")] < 0.8 * start[at("test_sq_error")],
        "{start:?} → {end:?}"
    );
    // PCA at the code size (32) on the scored test digits: a fixed number, below the sigmoid
    // network's squared error this early.
    assert!(end[at("pca_sq_error")] > 5.0 && end[at("pca_sq_error")] < end[at("test_sq_error")]);
    assert!(end[at("angle")].is_nan(), "no linear lane");
    assert!(end[at("lane_plain")].is_nan(), "one lane");
    let v = view(&mut t);
    assert_eq!(v.recon_clean.0.len(), 10 * PIXELS);
    assert_eq!(v.recon_out.0.len(), 10 * PIXELS);
    assert_eq!(v.filter_count, 32);
    assert_eq!(v.filters.0.len(), 32 * PIXELS);
    assert_eq!(v.histogram.iter().sum::<u32>() as usize, SCORED * 32);
    assert_eq!(v.code_plane.0.len(), 2 * SCORED);
    assert_eq!(v.pca_plane.0.len(), 2 * SCORED);
    assert!(
        v.pca_knn > 0.4 && v.pca_knn < 1.0,
        "PCA's plane sorts the digits: {}",
        v.pca_knn
    );
    assert!((v.pca30_train - 13.878).abs() < 0.01, "{}", v.pca30_train);
    assert!((v.pca30_test - 14.613).abs() < 0.01, "{}", v.pca30_test);
    assert!(v.lanes.is_empty());
}

#[test]
fn side_by_side_lanes_start_alike_and_report_each() {
    let mut t = trainer("compare=1&code=16");
    assert_eq!(t.runs.len(), 5);
    // Same stream, same shape: the plain, sparse, denoising and contractive lanes start equal.
    let first = t.runs[0].lane.net.params.clone();
    for r in &t.runs[1..4] {
        assert_eq!(r.lane.net.params, first, "{:?}", r.variant);
    }
    for _ in 0..50 {
        t.step(StepPart::Full).unwrap();
    }
    let row = t.metrics();
    for name in [
        "lane_plain",
        "lane_sparse",
        "lane_denoising",
        "lane_contractive",
        "lane_linear",
        "angle",
    ] {
        let at = METRICS.iter().position(|m| *m == name).unwrap();
        assert!(row[at].is_finite(), "{name}: {row:?}");
    }
    // Different regularisers, different weights after the same batches.
    assert_ne!(t.runs[0].lane.net.params, t.runs[1].lane.net.params);
    let v = view(&mut t);
    assert_eq!(v.lanes.len(), 5);
    assert!(v
        .lanes
        .iter()
        .all(|l| l.count == 16 && l.filters.0.len() == 16 * PIXELS));
}

#[test]
fn live_settings_reach_the_lanes() {
    let mut t = trainer("compare=1");
    let (live, _) = t.update("compare=1&lambda=0.5&corruption=gaussian&level=0.2");
    assert!(live);
    let sparse = t
        .runs
        .iter()
        .find(|r| r.variant == Variant::Sparse)
        .unwrap();
    assert_eq!(
        sparse.lane.penalty,
        Penalty {
            kind: PenaltyKind::Sparse,
            lambda: 0.5
        }
    );
    let denoising = t
        .runs
        .iter()
        .find(|r| r.variant == Variant::Denoising)
        .unwrap();
    assert_eq!(
        denoising.lane.corrupt,
        Corrupt {
            kind: Corruption::Gaussian,
            level: 0.2
        }
    );
    let (live, _) = t.update("compare=1&code=8");
    assert!(!live, "a new code size is a new run");
}

#[test]
fn the_denoising_demo_answers_and_brings_bad_requests_into_range() {
    let mut t = trainer("");
    let ask = |t: &mut AutoencoderTrainer, index, level: f64, scribble: Vec<u32>| match t.act(
        crate::protocol::LessonAction::Autoencoders(AutoencoderAction::Denoise {
            index,
            corruption: Corruption::Masking,
            level,
            scribble,
        }),
    ) {
        Some(crate::protocol::LessonAnswer::Autoencoders(a)) => a,
        other => panic!("{other:?}"),
    };
    let AutoencoderAnswer::Denoised {
        index,
        input,
        clean,
        output,
        error_in,
        ..
    } = ask(&mut t, 999_999, f64::NAN, vec![0, 5000])
    else {
        panic!("refused")
    };
    assert_eq!(index as usize, digits().test.len() - 1);
    assert_eq!(output.0.len(), PIXELS);
    assert_eq!(input.0[0], 1.0, "the scribbled pixel");
    assert_eq!(input.0[1..], clean.0[1..], "NaN level: no masking");
    assert!(error_in > 0.0);
}

#[test]
fn a_diverging_run_is_caught() {
    let mut t = trainer("optimizer=sgd&act=linear&code_act=linear&output=squared&lr=0.1");
    let result = (0..300).try_for_each(|_| t.step(StepPart::Full));
    let err = result.expect_err("plain SGD at 0.1 with squared error and linear layers diverges");
    assert_eq!(err.key, "msg.rbm_mnist.nan");
}
