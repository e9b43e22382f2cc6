//! The command line as a person types it: bad input is refused or reported, never passed over in
//! silence.

use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genlab-cli"))
        .args(args)
        .output()
        .expect("genlab-cli runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_lesson_that_cannot_run_says_why_and_fails() {
    for route in ["rbm?users=", "transport?ys=", "transport?xs=&ys="] {
        let out = cli(&["run", route, "--steps", "20"]);
        assert_eq!(out.status.code(), Some(1), "{route}");
        let err = text(&out.stderr);
        assert!(err.contains("cannot run: "), "{route}: {err}");
    }
    let err = text(&cli(&["run", "rbm?users=", "--steps", "3"]).stderr);
    assert!(err.contains("no users"), "{err}");
}

#[test]
fn bad_flags_are_refused_with_a_message() {
    for args in [
        &["run", "gan", "--steps", "-5"][..],
        &["run", "gan", "--steps", "NaN"],
        &["run", "gan", "--steps", "1e30"],
        &["run", "gan", "--steps"],
        &["run", "gan", "--every", "0"],
        &["view", "gan", "--steps", "2.5"],
        &["bench", "--seconds", "inf"],
        &["bench", "nolesson"],
        &["--kernel", "fast", "run", "gan"],
        &["bench-host", "--lesson", "gan"],
        &["run"],
    ] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            text(&out.stderr).contains("error"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn unknown_lessons_are_named() {
    let out = cli(&["run", "nonsense?seed=1", "--steps", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("gan"), "lists the lessons");
}

#[test]
fn values_changed_on_the_way_in_get_a_notice() {
    let bins = (1..=20)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let out = cli(&["run", &format!("transport?mu={bins}"), "--steps", "1"]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("mu: only the first 12 bins are used: 8 more left out"),
        "{err}"
    );

    let movies = (1..=18)
        .map(|i| format!("m{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let out = cli(&[
        "run",
        &format!("rbm?movies={movies}&method=exact"),
        "--steps",
        "1",
    ]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("method:") && err.contains("CD-k"), "{err}");
    assert!(text(&out.stdout).contains("method=cd"));
}

#[test]
fn thousands_of_notices_are_counted_not_listed() {
    let keys = (0..12_000)
        .map(|i| format!("k{i}=1"))
        .collect::<Vec<_>>()
        .join("&");
    let out = cli(&["run", &format!("gan?{keys}"), "--steps", "1"]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    let lines = err.lines().filter(|l| l.starts_with("notice: ")).count();
    assert!(lines <= 21, "{lines} notice lines");
    assert!(err.contains("… and 11980 more"), "{err}");
}

#[test]
fn a_short_run_still_prints_its_last_row() {
    let out = cli(&["run", "gan?seed=2", "--steps", "20"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains("\"step\":20"), "{stdout}");
}

#[test]
fn the_lesson_list_comes_from_the_registry() {
    let out = cli(&["lessons"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains(r#""lesson":"vae""#) && stdout.contains(r#""needs":["Digits"]"#));
    assert!(
        stdout.contains(r#""built":true,"data":[],"lesson":"dbn""#),
        "{stdout}"
    );
    // Each lesson's settings and data keys, from its parameter table.
    assert!(
        stdout.contains(r#""data":["mu","nu","xs","ys"]"#),
        "{stdout}"
    );
    assert!(stdout.contains(r#""settings":["seed","hidden","method","k","lr","batch","device"]"#));
}

/// A lecture written by hand is sealed into a file the page imports; its broken scenes are
/// named on the way, and a lecture that breaks a bound is refused.
#[test]
fn lectures_are_shown_and_sealed() {
    let out = cli(&["lecture", "show", "002"]);
    assert!(out.status.success());
    let file = text(&out.stdout);
    let lecture = genlab_core::lecture::Lecture::parse(&file).expect("a valid file");
    assert_eq!(
        (lecture.lang.as_str(), lecture.deck.as_deref()),
        ("en", Some("002"))
    );
    assert_eq!(cli(&["lecture", "show", "999"]).status.code(), Some(2));

    let dir = std::env::temp_dir().join(format!("genlab-seal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("body.json");
    std::fs::write(
        &body,
        r#"{"title":"By hand","lang":"pl","scenes":[
            {"title":"ok","lesson":"rbm","settings":"seed=1","step":100},
            {"title":"gone","lesson":"quantum","settings":"seed=1"},
            {"title":"old key","lesson":"gan","settings":"seed=1&warp=2"}]}"#,
    )
    .unwrap();
    let out = cli(&["lecture", "seal", body.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sealed = genlab_core::lecture::Lecture::parse(&text(&out.stdout)).expect("sealed");
    assert_eq!(sealed.scenes.len(), 3);
    let err = text(&out.stderr);
    assert!(
        err.contains("scene 2: broken") && err.contains("quantum"),
        "{err}"
    );
    assert!(
        err.contains("scene 3: broken") && err.contains("warp"),
        "{err}"
    );
    assert!(!err.contains("scene 1"), "{err}");

    std::fs::write(&body, r#"{"title":"x","lang":"de","scenes":[]}"#).unwrap();
    let out = cli(&["lecture", "seal", body.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("language"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The dense-product bench prints the peak (and, on x86-64, the page's 128-bit one), every
/// product at every shape (on random inputs, and on the digits where a product reads them), and
/// the reference sgemm beside it — and the products agree with the reference (the figures are
/// the bench's to report, not a test's to judge).
#[test]
fn the_dense_bench_compares_with_a_reference_sgemm() {
    let out = cli(&["bench-dense", "--seconds", "0.1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    assert_eq!(lines[0]["bench"], "peak");
    let peak = lines[0]["gflops"].as_f64().unwrap();
    assert!(peak > 0.0);
    // The page's width beside it, where the bench can run 128-bit vectors natively.
    if cfg!(target_arch = "x86_64") {
        let narrow = &lines[1];
        assert_eq!(narrow["bench"], "peak-128");
        let unfused = narrow["mul_then_add_gflops"].as_f64().unwrap();
        assert!(unfused > 0.0, "{narrow}");
        let ratio = narrow["peak_over_mul_then_add"].as_f64().unwrap();
        assert!((ratio - peak / unfused).abs() < 0.01 * ratio, "{narrow}");
    }
    let dense: Vec<_> = lines.iter().filter(|l| l["bench"] == "dense").collect();
    let on = |inputs: &str| dense.iter().filter(|l| l["inputs"] == inputs).count();
    assert_eq!(on("random"), 12, "three products at four shapes");
    // The three shapes whose inputs are 784 pixels; the input gradient reads no input.
    assert_eq!(
        on("digits"),
        6,
        "the forward pass and weight gradient at three shapes"
    );
    assert_eq!(dense.len(), 18);
    for l in dense {
        assert!(l["max_rel_diff"].as_f64().unwrap() < 1e-4, "{l}");
        for figure in [
            "gflops",
            "reference_sgemm_gflops",
            "reference_sgemm_writing_c_gflops",
        ] {
            assert!(l[figure].as_f64().unwrap() > 0.0, "{figure}: {l}");
        }
    }
}

/// The host bench runs the VAE, the autoencoder lanes, the conditional VAE pair and the RBM on
/// MNIST both ways on its do-nothing device: with the host scoring (and decoding the VAEs'
/// pictures), the device served none of it; with the device doing it, it scored (and decoded)
/// — so the two figures differ by that work alone.
#[test]
fn the_host_bench_times_the_lesson_with_and_without_the_device_scoring() {
    let out = cli(&["bench-host", "--seconds", "0.3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"bench\""))
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    let lessons: Vec<String> = lines.iter().map(|l| format!("{}", l["route"])).collect();
    assert_eq!(
        lessons.len(),
        6,
        "the VAE at H = 256 and 512, the autoencoder lanes, the CVAE, the RBM at H = 100 and 500: {lessons:?}"
    );
    for l in &lines {
        let decodes = l["lesson"] == "vae" || l["lesson"] == "cvae";
        let f = &l["figures"];
        let (host, device) = (&f["host_scores"], &f["device_scores"]);
        for way in [host, device] {
            assert!(way["images_per_sec"].as_f64().unwrap() > 0.0, "{l}");
            assert!(way["steps"].as_f64().unwrap() >= 1.0, "{l}");
        }
        assert_eq!(host["device_scorings"], 0, "{l}");
        assert_eq!(host["device_decodings"], 0, "{l}");
        assert!(device["device_scorings"].as_u64().unwrap() >= 1, "{l}");
        assert_eq!(
            device["device_decodings"].as_u64().unwrap() >= 1,
            decodes,
            "{l}"
        );
    }
}

/// `--kernel` switches the f32 products: the packed kernels (native, or the page's portable
/// order) and the row loops they replaced train the same VAE to float rounding — and the switch
/// takes effect (the portable kernel and the row loops sum in different orders, so their bits
/// differ).
#[test]
fn the_kernel_flag_changes_the_sums_not_the_run() {
    let last = |kernel: &str| -> serde_json::Value {
        let out = cli(&[
            "--kernel",
            kernel,
            "run",
            "vae?hidden=64",
            "--steps",
            "30",
            "--every",
            "1",
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        serde_json::from_str(stdout.lines().last().expect("a row")).expect("JSON")
    };
    let (auto, portable, rows) = (last("auto"), last("portable"), last("rows"));
    assert_eq!(auto["step"], 30);
    for key in ["train_loss", "test_loss", "test_kl", "latent_std_1"] {
        let want = rows[key].as_f64().unwrap();
        for (name, run) in [("auto", &auto), ("portable", &portable)] {
            let got = run[key].as_f64().unwrap();
            // Measured: 3e-8 relative after 30 steps; the bound leaves room for other CPUs.
            assert!(
                (got - want).abs() <= 1e-4 * want.abs(),
                "{name} {key}: {got} vs {want}"
            );
        }
    }
    assert_ne!(
        portable["train_loss"], rows["train_loss"],
        "the flag must switch the kernel"
    );
}
