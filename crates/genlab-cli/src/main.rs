//! genlab's headless runner. It reads the same settings string as the page's URL, drives the same
//! session as the web worker, and prints JSON lines — for benchmarks, slide figures and checks.
//!
//!   genlab-cli run 'gan?seed=3&lr_g=0.002' --steps 5000 [--every 100]
//!   genlab-cli view 'gan?seed=3' --steps 2000          (the charts' data as JSON)
//!   genlab-cli bench [--seconds 3] [gan ...]            (steps/s per lesson)

use std::time::Instant;

use genlab_core::lesson::{parse_route, LessonId};
use genlab_core::protocol::{FromWorker, HistoryRow, PauseReason, ToWorker};
use genlab_core::session::Session;
use genlab_core::settings::ChoiceEnum;
use serde_json::{json, Map, Value};

mod gpu_bench;

fn usage() -> ! {
    eprintln!(
        "usage:\n  genlab-cli run ROUTE [--steps N] [--every K]\n  genlab-cli view ROUTE [--steps N]\n  genlab-cli bench [--seconds S] [LESSON ...]\n  genlab-cli bench-gpu [--seconds S]\n  genlab-cli gpu-follow [--steps N] [--hidden H]\n\
         ROUTE is the page's URL hash without '#/', e.g. 'gan?seed=3&lr_g=0.002'"
    );
    std::process::exit(2)
}

fn flag(args: &[String], name: &str) -> Option<f64> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse().unwrap_or_else(|_| {
                eprintln!("{name} needs a number, got {v:?}");
                std::process::exit(2)
            })
        })
}

pub(crate) fn start(route: &str) -> (Session, Vec<String>) {
    let Some((lesson, query)) = parse_route(route) else {
        eprintln!(
            "unknown lesson in {route:?}; lessons: {}",
            LessonId::KEYS.join(", ")
        );
        std::process::exit(2)
    };
    if matches!(lesson, LessonId::Vae | LessonId::RbmMnist) {
        install_digits();
    }
    let mut session = Session::new();
    let mut names = Vec::new();
    for msg in session.handle(ToWorker::Init { lesson, query }) {
        match msg {
            FromWorker::Started {
                query,
                notices,
                metric_names,
                ..
            } => {
                for n in &notices {
                    eprintln!("notice: {n}");
                }
                println!("{}", json!({ "lesson": lesson.key(), "query": query }));
                names = metric_names;
            }
            FromWorker::Failed { message } => {
                eprintln!("{message}");
                std::process::exit(1)
            }
            _ => {}
        }
    }
    (session, names)
}

fn print_rows(rows: Vec<HistoryRow>, names: &[String], every: u64) {
    for row in rows {
        if row.step % every == 0 {
            let mut obj = Map::new();
            obj.insert("step".into(), json!(row.step));
            for (n, v) in names.iter().zip(&row.values) {
                obj.insert(
                    n.clone(),
                    if v.is_finite() { json!(v) } else { Value::Null },
                );
            }
            println!("{}", Value::Object(obj));
        }
    }
}

/// Runs to `steps`, handing every recorded history row to `on_rows` in order; returns false if
/// the run diverged.
fn run_to(session: &mut Session, steps: u64, mut on_rows: impl FnMut(Vec<HistoryRow>)) -> bool {
    if steps > 0 {
        session.handle(ToWorker::RunTo { step: steps });
    }
    let mut ok = true;
    while session.has_work() {
        for msg in session.run(1000) {
            match msg {
                // A pause carries a snapshot, which takes the rows recorded so far.
                FromWorker::Snapshot(snap) => on_rows(snap.history),
                FromWorker::Paused {
                    step,
                    reason: PauseReason::Diverged { message },
                } => {
                    eprintln!("diverged at step {step}: {message}");
                    ok = false;
                }
                _ => {}
            }
        }
        on_rows(session.take_history());
    }
    ok
}

/// The page fetches the digits; the command line reads the repository's asset (or the file
/// named by GENLAB_DIGITS).
fn install_digits() {
    use genlab_core::vae::data;
    let loaded = match std::env::var_os("GENLAB_DIGITS") {
        Some(path) => std::fs::read(&path)
            .map_err(|e| {
                genlab_core::msg!(
                    "msg.digits.fetch",
                    format!("cannot read {}: {e}", path.to_string_lossy())
                )
            })
            .and_then(|b| data::Digits::decode(&b)),
        None => data::load_repo_asset(),
    };
    match loaded {
        Ok(d) => data::install(data::Source::Loaded(std::sync::Arc::new(d))),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1)
        }
    }
}

/// VAE training speed per hidden width (batch 100), as the page's worker runs it: test scoring
/// every 30 steps and a snapshot (the view: codes and pictures) every 33 ms.
fn bench_vae_widths(seconds: f64) {
    for hidden in ["64", "128", "256", "512"] {
        let (mut session, _) = start(&format!("vae?hidden={hidden}"));
        session.handle(ToWorker::Play);
        let t0 = Instant::now();
        let mut last_snapshot = 0.0;
        while t0.elapsed().as_secs_f64() < seconds && session.has_work() {
            session.run(1);
            let t = t0.elapsed().as_secs_f64();
            if t - last_snapshot >= 0.033 {
                let _ = session.snapshot(0.0);
                last_snapshot = t;
            }
        }
        let images = session.step() as f64 * 100.0 / t0.elapsed().as_secs_f64();
        println!(
            "{}",
            json!({ "bench": "native", "lesson": "vae", "hidden": hidden, "images_per_sec": images.round(), "steps": session.step() })
        );
    }
}

/// A CD-1 update at MNIST size (784 visible, 256 hidden, batch 100, random binary images) with
/// the RBM lesson's model code — the update the speed comparison writes in TensorFlow.js ops.
/// The lesson's code is written for six movies (f64, one vector per image); the MNIST-sized RBM
/// of the GPU issue will have its own batched kernels.
fn bench_rbm_mnist(seconds: f64) {
    use genlab_core::rbm::model::Rbm;
    let (d, h, batch) = (784, 256, 100);
    let mut rng = genlab_core::rng::Rng::new(1);
    let mut model = Rbm::new(d, h, &mut rng);
    let data: Vec<Vec<f64>> = (0..1000)
        .map(|_| (0..d).map(|_| rng.bernoulli(0.2) as u8 as f64).collect())
        .collect();
    let weights = vec![1.0 / batch as f64; batch];
    let t0 = Instant::now();
    let mut steps = 0usize;
    while t0.elapsed().as_secs_f64() < seconds {
        let start = (steps * batch) % (data.len() - batch);
        let v0 = &data[start..start + batch];
        let pos = model.stats(v0, &weights);
        let v1: Vec<Vec<f64>> = v0
            .iter()
            .map(|v| {
                let (mut v, mut hs) = (v.clone(), vec![0.0; h]);
                model.gibbs(&mut v, &mut hs, 1, 1.0, &mut rng);
                v
            })
            .collect();
        let neg = model.stats(&v1, &weights);
        for ((p, a), b) in model.params.iter_mut().zip(&pos).zip(&neg) {
            *p += 0.05 * (a - b);
        }
        steps += 1;
    }
    let images = (steps * batch) as f64 / t0.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({ "bench": "native", "lesson": "rbm-mnist-lesson-code", "hidden": h, "images_per_sec": images.round(), "steps": steps })
    );
    // The same update, batched in f32 through the blocked products (rbm::batched).
    use genlab_core::rbm::batched::{BatchRbm, CdWork};
    let mut batched = BatchRbm::<f32>::new(d, h, &mut rng);
    let flat: Vec<f32> = data.iter().flatten().map(|&x| x as f32).collect();
    let mut work = CdWork::default();
    let t0 = Instant::now();
    let mut steps = 0usize;
    while t0.elapsed().as_secs_f64() < seconds {
        let start = (steps * batch) % (data.len() - batch);
        let v0 = &flat[start * d..(start + batch) * d];
        batched.cd_step(v0, 1, 0.05, None, &mut rng, &mut work);
        steps += 1;
    }
    let images = (steps * batch) as f64 / t0.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({ "bench": "native", "lesson": "rbm-mnist", "hidden": h, "images_per_sec": images.round(), "steps": steps })
    );
}

/// What one drag in the transport lesson costs: rebuilding the session from the new settings
/// (exact plans, MMD, Gaussian sample estimate) and producing its view, with 50 points a side.
fn bench_transport_interaction() {
    use genlab_core::lesson::{build, StepPart};
    let mut rng = genlab_core::rng::Rng::new(3);
    let mut cloud = |dx: f64| {
        (0..50)
            .map(|_| format!("{},{},1", dx + rng.normal(), rng.normal()))
            .collect::<Vec<_>>()
            .join(";")
    };
    let query = format!("xs={}&ys={}", cloud(-1.0), cloud(1.0));
    let reps = 20;
    let t0 = Instant::now();
    for _ in 0..reps {
        let mut built = build(LessonId::Transport, &query).expect("transport builds");
        built
            .trainer
            .step(StepPart::Full)
            .expect("one Sinkhorn iteration");
        let _ = built.trainer.view();
    }
    let ms = t0.elapsed().as_secs_f64() * 1000.0 / reps as f64;
    println!(
        "{}",
        json!({ "bench": "native", "lesson": "transport", "interaction_ms_50_points": (ms * 100.0).round() / 100.0 })
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => {
            let route = args.get(1).unwrap_or_else(|| usage());
            let steps = flag(&args, "--steps").unwrap_or(1000.0) as u64;
            let every = (flag(&args, "--every").unwrap_or(100.0) as u64).max(1);
            let (mut session, names) = start(route);
            let ok = run_to(&mut session, steps, |rows| print_rows(rows, &names, every));
            std::process::exit(if ok { 0 } else { 3 });
        }
        Some("view") => {
            let route = args.get(1).unwrap_or_else(|| usage());
            let steps = flag(&args, "--steps").unwrap_or(1000.0) as u64;
            let (mut session, _) = start(route);
            run_to(&mut session, steps, drop);
            if let FromWorker::Snapshot(snap) = session.snapshot(0.0) {
                println!(
                    "{}",
                    serde_json::to_string(&snap.view).expect("views serialise")
                );
            }
        }
        Some("bench") => {
            let seconds = flag(&args, "--seconds").unwrap_or(3.0);
            let named: Vec<LessonId> = args[1..]
                .iter()
                .filter_map(|a| LessonId::from_key(a))
                .collect();
            let lessons: Vec<LessonId> = if named.is_empty() {
                LessonId::ALL
                    .iter()
                    .copied()
                    .filter(|l| l.is_built())
                    .collect()
            } else {
                named
            };
            for lesson in lessons.iter().copied() {
                let (mut session, _) = start(lesson.key());
                session.handle(ToWorker::Play);
                let t0 = Instant::now();
                // As the worker runs it: a snapshot (history and view) every 33 ms.
                let mut last_snapshot = 0.0;
                while t0.elapsed().as_secs_f64() < seconds && session.has_work() {
                    session.run(1);
                    let t = t0.elapsed().as_secs_f64();
                    if t - last_snapshot >= 0.033 {
                        let _ = session.snapshot(0.0);
                        last_snapshot = t;
                    }
                }
                let rate = session.step() as f64 / t0.elapsed().as_secs_f64();
                println!(
                    "{}",
                    json!({ "bench": "native", "lesson": lesson.key(), "steps_per_sec": (rate * 10.0).round() / 10.0, "steps": session.step() })
                );
            }
            if lessons.contains(&LessonId::Vae) {
                bench_vae_widths(seconds);
            }
            if lessons.contains(&LessonId::Transport) {
                bench_transport_interaction();
            }
            if lessons.contains(&LessonId::Rbm) {
                bench_rbm_mnist(seconds);
            }
        }
        Some("bench-gpu") => gpu_bench::bench(flag(&args, "--seconds").unwrap_or(3.0)),
        Some("gpu-follow") => {
            let digits = genlab_core::vae::data::load_repo_asset().unwrap_or_else(|e| {
                eprintln!("{e}");
                std::process::exit(1)
            });
            let hidden = flag(&args, "--hidden").unwrap_or(256.0) as usize;
            gpu_bench::follow(
                &digits,
                hidden,
                flag(&args, "--steps").unwrap_or(300.0) as usize,
            );
        }
        _ => usage(),
    }
}
