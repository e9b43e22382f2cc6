//! genlab's headless runner. It reads the same settings string as the page's URL, drives the same
//! session as the web worker, and prints JSON lines — for benchmarks, slide figures and checks.
//!
//!   genlab-cli lessons                                  (every lesson, built or planned)
//!   genlab-cli run 'gan?seed=3&lr_g=0.002' --steps 5000 [--every 100]
//!   genlab-cli view 'gan?seed=3' --steps 2000          (the charts' data as JSON)
//!   genlab-cli bench [--seconds 3] [gan ...]            (steps/s per lesson)

use std::time::Instant;

use clap::{Parser, Subcommand};
use genlab_core::lesson::{parse_route, Asset, LessonId};
use genlab_core::nn::gemm::{set_kernel, Kernel};
use genlab_core::protocol::{FromWorker, HistoryRow, PauseReason, ToWorker};
use genlab_core::session::Session;
use genlab_core::settings::ChoiceEnum;
use serde_json::{json, Map, Value};

/// Prints a line on stdout; a reader that has gone (`| head`) ends the program quietly.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0)
        }
    }};
}

mod dense_bench;
mod gpu_bench;
mod host_bench;

/// Runs any lesson from the settings string its page's address holds.
#[derive(Parser)]
#[command(
    name = "genlab-cli",
    about = "genlab's headless runner: the page's lessons, from the same settings string as the URL",
    after_help = "ROUTE is the page's URL hash without '#/', e.g. 'gan?seed=3&lr_g=0.002'. \
                  `genlab-cli lessons` lists the lessons."
)]
struct Cli {
    /// The f32 matrix products' kernel: `auto` (the fastest this CPU has: AVX-512 or AVX2, with
    /// FMA, where present — the same bits either way), `portable` (the page's bits: the same sums as the worker's simd128 kernel) or
    /// `rows` (the row loops the packed kernels replaced, for benches).
    #[arg(long, global = true, default_value = "auto", value_parser = kernel)]
    kernel: Kernel,
    #[command(subcommand)]
    command: Command,
}

fn kernel(s: &str) -> Result<Kernel, String> {
    match s {
        "auto" => Ok(Kernel::Auto),
        "portable" => Ok(Kernel::Portable),
        "rows" => Ok(Kernel::RowLoops),
        _ => Err(format!("'{s}': one of auto, portable, rows")),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Trains a lesson and prints its metric history as JSON lines.
    Run {
        /// The lesson and its settings, e.g. 'gan?seed=3'.
        route: String,
        /// Steps to run.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(..=MAX_STEPS))]
        steps: u64,
        /// Print every K-th recorded row (K ≥ 1).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
        every: u64,
    },
    /// Trains a lesson and prints what its charts show, as JSON.
    View {
        route: String,
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(..=MAX_STEPS))]
        steps: u64,
    },
    /// Steps per second of each lesson (all built lessons if none is named).
    Bench {
        #[arg(long, default_value_t = 3.0, value_parser = seconds)]
        seconds: f64,
        /// Lesson keys, e.g. gan vae.
        #[arg(value_parser = lesson_key)]
        lessons: Vec<LessonId>,
    },
    /// The GPU kernels and the digit lessons on this machine's GPU against its CPU.
    BenchGpu {
        #[arg(long, default_value_t = 3.0, value_parser = seconds)]
        seconds: f64,
    },
    /// The host's share of a GPU lesson's step: the digit lessons on a device that does no work,
    /// with the scoring and the pictures on the host and on the device (needs no GPU).
    BenchHost {
        #[arg(long, default_value_t = 3.0, value_parser = seconds)]
        seconds: f64,
        /// Only this lesson's rows, e.g. to profile one.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(host_bench::LESSONS))]
        lesson: Option<String>,
    },
    /// The CPU's dense products against one core's measured f32 peak and a reference sgemm, at
    /// the lessons' shapes (JSON lines).
    BenchDense {
        #[arg(long, default_value_t = 0.5, value_parser = seconds)]
        seconds: f64,
    },
    /// How long a GPU VAE run follows the CPU run of the same seed.
    GpuFollow {
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        steps: u64,
        #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=4096))]
        hidden: u64,
    },
    /// Lists every lesson: its key, whether it is built, and what it needs.
    Lessons,
    /// Lecture files: a built-in lecture as a file, or a hand-written lecture sealed into one.
    #[command(subcommand)]
    Lecture(LectureCommand),
}

#[derive(Subcommand)]
enum LectureCommand {
    /// Prints a built-in lecture (000…004) as a lecture file.
    Show { id: String },
    /// Reads a lecture written by hand (JSON: title, lang, deck, scenes) from a file or `-`
    /// (standard input) and prints it as a lecture file with its checksum, after checking every
    /// bound; each scene's health (broken, adjusted) goes to standard error.
    Seal { path: String },
}

/// More steps than any lesson needs (a billion GAN steps is a month on one core).
const MAX_STEPS: u64 = 1_000_000_000;

fn seconds(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.1..=3600.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "{raw:?} is not a number of seconds from 0.1 to 3600"
        )),
    }
}

fn lesson_key(raw: &str) -> Result<LessonId, String> {
    LessonId::from_key(raw)
        .filter(|l| l.is_built())
        .ok_or_else(|| format!("no built lesson {raw:?}; lessons: {}", built_keys()))
}

fn built_keys() -> String {
    LessonId::all_built()
        .map(|l| l.key())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Notices printed one by one before the rest are counted: 30,000 unknown keys are one line.
const NOTICES_SHOWN: usize = 20;

fn print_notices(notices: &[genlab_core::settings::Notice]) {
    for n in notices.iter().take(NOTICES_SHOWN) {
        let text = n.to_string();
        let cut: String = text.chars().take(200).collect();
        let more = if cut.len() < text.len() { "…" } else { "" };
        eprintln!("notice: {cut}{more}");
    }
    if notices.len() > NOTICES_SHOWN {
        eprintln!("notice: … and {} more", notices.len() - NOTICES_SHOWN);
    }
}

pub(crate) fn start(route: &str) -> (Session, Vec<String>) {
    let Some((lesson, query)) = parse_route(route) else {
        eprintln!("unknown lesson in {route:?}; lessons: {}", built_keys());
        std::process::exit(2)
    };
    if !lesson.is_built() {
        eprintln!(
            "the {} lesson is not built yet; built lessons: {}",
            lesson.key(),
            built_keys()
        );
        std::process::exit(2)
    }
    if lesson.needs(Asset::Digits) {
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
                print_notices(&notices);
                out!("{}", json!({ "lesson": lesson.key(), "query": query }));
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

/// Prints every `every`-th row, and the row at `last` (the run's end) whatever its number.
fn print_rows(rows: Vec<HistoryRow>, names: &[String], every: u64, last: u64) {
    for row in rows {
        if row.step % every == 0 || row.step == last {
            let mut obj = Map::new();
            obj.insert("step".into(), json!(row.step));
            for (n, v) in names.iter().zip(&row.values) {
                obj.insert(
                    n.clone(),
                    if v.is_finite() { json!(v) } else { Value::Null },
                );
            }
            out!("{}", Value::Object(obj));
        }
    }
}

/// Runs to `steps`, handing every recorded history row to `on_rows` in order; returns false if
/// the run diverged.
fn run_to(session: &mut Session, steps: u64, mut on_rows: impl FnMut(Vec<HistoryRow>)) -> bool {
    if steps > 0 {
        for reply in session.handle(ToWorker::RunTo { step: steps }) {
            if let FromWorker::Rejected { why, .. } = reply {
                eprintln!("cannot run: {why}");
                std::process::exit(1)
            }
        }
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

/// Plays `session` for `seconds` as the page's worker does — a snapshot (history and view) every
/// 33 ms — and returns the seconds it took.
fn play_like_the_worker(session: &mut Session, seconds: f64) -> f64 {
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
    t0.elapsed().as_secs_f64()
}

/// VAE training speed per hidden width (batch 100), as the page's worker runs it: test scoring
/// every 30 steps and a snapshot (the view: codes and pictures) every 33 ms.
fn bench_vae_widths(seconds: f64) {
    for hidden in ["64", "128", "256", "512"] {
        let (mut session, _) = start(&format!("vae?hidden={hidden}"));
        let elapsed = play_like_the_worker(&mut session, seconds);
        let images = session.step() as f64 * 100.0 / elapsed;
        out!(
            "{}",
            json!({ "bench": "native", "lesson": "vae", "hidden": hidden, "images_per_sec": images.round(), "steps": session.step() })
        );
    }
}

/// Training speed of each autoencoder variant (#17) at code 32 with two hidden layers of each
/// of the VAE's widths, batch 100 on the digits, on the CPU: the bare lane steps (the lesson's
/// page, views and scoring come with its trainer), beside the VAE's figures above.
fn bench_autoencoder_variants(seconds: f64) {
    use genlab_core::autoencoder::corrupt::{Corrupt, Corruption};
    use genlab_core::autoencoder::lane::Lane;
    use genlab_core::autoencoder::penalty::{Penalty, PenaltyKind};
    use genlab_core::autoencoder::settings::AutoencoderSettings;
    use genlab_core::rng::Rng;
    let digits = match genlab_core::digits::data::load_repo_asset() {
        Ok(d) => d,
        Err(e) => return eprintln!("autoencoder bench skipped: {e:?}"),
    };
    let batch: Vec<usize> = digits.train[..100].to_vec();
    for width in ["64", "128", "256", "512"] {
        let (s, _) = genlab_core::settings::parse_query::<AutoencoderSettings>(
            &format!("depth=2&width={width}&code=32&act=relu"),
            &[],
        );
        let variants = [
            ("plain", s.shape(), Penalty::NONE, Corrupt::NONE),
            (
                "sparse",
                s.shape(),
                Penalty {
                    kind: PenaltyKind::Sparse,
                    lambda: 0.05,
                },
                Corrupt::NONE,
            ),
            (
                "denoising",
                s.shape(),
                Penalty::NONE,
                Corrupt {
                    kind: Corruption::Masking,
                    level: 0.3,
                },
            ),
            (
                "contractive",
                s.shape(),
                Penalty {
                    kind: PenaltyKind::Contractive,
                    lambda: 0.1,
                },
                Corrupt::NONE,
            ),
            (
                "tied",
                genlab_core::autoencoder::model::AeShape {
                    tied: true,
                    ..s.shape()
                },
                Penalty::NONE,
                Corrupt::NONE,
            ),
        ];
        for (name, shape, penalty, corrupt) in variants {
            let mut lane = Lane::new(shape, penalty, corrupt, &mut Rng::new(1), Rng::new(2));
            let t0 = Instant::now();
            let mut steps = 0u64;
            while t0.elapsed().as_secs_f64() < seconds {
                lane.step(&digits, &batch, 1e-3);
                steps += 1;
            }
            let images = steps as f64 * 100.0 / t0.elapsed().as_secs_f64();
            out!(
                "{}",
                json!({ "bench": "native", "lesson": "autoencoders", "variant": name, "hidden": width, "code": 32, "images_per_sec": images.round(), "steps": steps })
            );
        }
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
    out!(
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
    out!(
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
    out!(
        "{}",
        json!({ "bench": "native", "lesson": "transport", "interaction_ms_50_points": (ms * 100.0).round() / 100.0 })
    );
}

fn main() {
    let cli = Cli::parse();
    set_kernel(cli.kernel);
    match cli.command {
        Command::Run {
            route,
            steps,
            every,
        } => {
            let (mut session, names) = start(&route);
            let ok = run_to(&mut session, steps, |rows| {
                print_rows(rows, &names, every, steps)
            });
            std::process::exit(if ok { 0 } else { 3 });
        }
        Command::View { route, steps } => {
            let (mut session, _) = start(&route);
            run_to(&mut session, steps, drop);
            if let FromWorker::Snapshot(snap) = session.snapshot(0.0) {
                out!(
                    "{}",
                    serde_json::to_string(&snap.view).expect("views serialise")
                );
            }
        }
        Command::Bench { seconds, lessons } => {
            out!(
                "{}",
                json!({ "bench": "kernel", "kernel": genlab_core::nn::gemm::kernel_name() })
            );
            let lessons: Vec<LessonId> = if lessons.is_empty() {
                LessonId::all_built().collect()
            } else {
                lessons
            };
            bench(&lessons, seconds);
        }
        Command::BenchGpu { seconds } => gpu_bench::bench(seconds),
        Command::BenchHost { seconds, lesson } => host_bench::bench(seconds, lesson.as_deref()),
        Command::BenchDense { seconds } => {
            for line in dense_bench::bench(seconds) {
                out!("{line}");
            }
        }
        Command::GpuFollow { steps, hidden } => {
            let digits = genlab_core::vae::data::load_repo_asset().unwrap_or_else(|e| {
                eprintln!("{e}");
                std::process::exit(1)
            });
            gpu_bench::follow(&digits, hidden as usize, steps as usize);
        }
        Command::Lecture(cmd) => lecture(cmd),
        Command::Lessons => {
            for &l in LessonId::ALL {
                let needs: Vec<String> = l.assets().iter().map(|a| format!("{a:?}")).collect();
                let built = l.built();
                let params: Vec<&str> = built
                    .map(|b| (b.params)().iter().map(|p| p.key).collect())
                    .unwrap_or_default();
                let data: &[&str] = built.map_or(&[], |b| (b.extra_keys)());
                out!(
                    "{}",
                    json!({ "lesson": l.key(), "built": l.is_built(), "needs": needs, "settings": params, "data": data })
                );
            }
        }
    }
}

fn lecture(cmd: LectureCommand) {
    use genlab_core::lecture::{builtin, scene_health, Lecture, SceneHealth};
    let fail = |m: String| -> ! {
        eprintln!("{m}");
        std::process::exit(2)
    };
    match cmd {
        LectureCommand::Show { id } => match builtin::by_id(&id) {
            Some(l) => out!("{}", l.to_json()),
            None => fail(format!(
                "no built-in lecture {id:?}; lectures: 000 001 002 003 004"
            )),
        },
        LectureCommand::Seal { path } => {
            let text = if path == "-" {
                let mut t = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
                    .unwrap_or_else(|e| fail(e.to_string()));
                t
            } else {
                std::fs::read_to_string(&path).unwrap_or_else(|e| fail(format!("{path}: {e}")))
            };
            let lecture: Lecture =
                serde_json::from_str(&text).unwrap_or_else(|e| fail(format!("not a lecture: {e}")));
            if let Err(m) = lecture.validate() {
                fail(m.to_string());
            }
            for (i, s) in lecture.scenes.iter().enumerate() {
                match scene_health(s) {
                    SceneHealth::Ok => {}
                    SceneHealth::Adjusted(n) => eprintln!("scene {}: adjusted: {n:?}", i + 1),
                    SceneHealth::Broken(m) => eprintln!("scene {}: broken: {m}", i + 1),
                }
            }
            out!("{}", lecture.to_json());
        }
    }
}

/// Steps per second of each lesson as the worker runs it: a snapshot (history and view) every
/// 33 ms.
fn bench(lessons: &[LessonId], seconds: f64) {
    for &lesson in lessons {
        let (mut session, _) = start(lesson.key());
        let elapsed = play_like_the_worker(&mut session, seconds);
        let rate = session.step() as f64 / elapsed;
        out!(
            "{}",
            json!({ "bench": "native", "lesson": lesson.key(), "steps_per_sec": (rate * 10.0).round() / 10.0, "steps": session.step() })
        );
    }
    if lessons.contains(&LessonId::Vae) {
        bench_vae_widths(seconds);
        bench_autoencoder_variants(seconds);
    }
    if lessons.contains(&LessonId::Transport) {
        bench_transport_interaction();
    }
    if lessons.contains(&LessonId::Rbm) {
        bench_rbm_mnist(seconds);
    }
    if lessons.contains(&LessonId::Dbn) {
        bench_dbn();
        bench_log_z();
    }
}

/// The DBN at its defaults phase by phase (#21): images/s while each layer pre-trains (its CD
/// step, the pass up through the frozen layers, the autoencoder beside it) and while the three
/// classifiers fine-tune, on the CPU; and the seconds a freeze takes (log Z, exact or AIS, and
/// the bound).
fn bench_dbn() {
    use genlab_core::dbn::{DbnSettings, DbnTrainer, Phase};
    use genlab_core::lesson::{StepPart, Trainer};
    let layer_steps = 100u64;
    let (s, _) = genlab_core::settings::parse_query::<DbnSettings>(
        &format!("layer_steps={layer_steps}"),
        &[],
    );
    let batch = s.batch as f64;
    let mut t = DbnTrainer::new(s);
    let mut spent: Vec<(String, f64, u64)> = vec![];
    let mut freezes = vec![];
    while t.steps() < 2 * layer_steps + 100 {
        let name = match t.phase() {
            Phase::Pretraining { layer, .. } => format!("layer {}", layer + 1),
            Phase::FineTuning { .. } => "fine-tuning".into(),
        };
        let t0 = Instant::now();
        if t.step(StepPart::Full).is_err() {
            return eprintln!("DBN bench: the run stopped");
        }
        let dt = t0.elapsed().as_secs_f64();
        if t.steps() % layer_steps == 0 && t.steps() <= 2 * layer_steps {
            freezes.push((name, dt));
            continue;
        }
        match spent.iter_mut().find(|(n, _, _)| *n == name) {
            Some(e) => {
                e.1 += dt;
                e.2 += 1;
            }
            None => spent.push((name, dt, 1)),
        }
    }
    for (phase, secs, steps) in spent {
        out!(
            "{}",
            json!({ "bench": "native", "lesson": "dbn", "phase": phase, "images_per_sec": (steps as f64 * batch / secs).round(), "steps": steps })
        );
    }
    for (phase, secs) in freezes {
        out!(
            "{}",
            json!({ "bench": "native", "lesson": "dbn", "freeze": phase, "seconds": (secs * 1000.0).round() / 1000.0 })
        );
    }
}

/// log Z of a digit RBM (784 visible units, random weights at the scale training reaches):
/// the exact sum's time by hidden width, and AIS at the lessons' size.
fn bench_log_z() {
    use genlab_core::rbm::batched::BatchRbm;
    use genlab_core::rbm::log_z::{
        ais, exact_log_z, RbmRef, AIS_CHAINS, AIS_RUNS, AIS_TEMPERATURES,
    };
    use genlab_core::rng::Rng;
    let mut rng = Rng::new(1);
    for hidden in [8usize, 10, 12, 14, 16, 100, 500] {
        let mut rbm = BatchRbm::<f32>::new(784, hidden, &mut rng);
        rbm.params
            .iter_mut()
            .for_each(|p| *p = (0.05 * rng.normal()) as f32);
        let r = RbmRef::new(&rbm, 0);
        let t0 = Instant::now();
        let how = if r.exact_possible() {
            exact_log_z(r);
            "exact"
        } else {
            ais(
                r,
                &vec![-2.0; 784],
                AIS_TEMPERATURES,
                AIS_CHAINS,
                AIS_RUNS,
                &mut Rng::new(2),
            );
            "ais"
        };
        out!(
            "{}",
            json!({ "bench": "native", "log_z": how, "hidden": hidden, "seconds": (t0.elapsed().as_secs_f64() * 1000.0).round() / 1000.0 })
        );
    }
}
