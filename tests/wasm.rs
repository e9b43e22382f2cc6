//! Tests that must run as wasm, in headless Chromium (wasm-bindgen-test): the worker protocol
//! through real JS values and a transferred Float32Array, and the determinism of a run on wasm —
//! bit for bit the same metrics as the native reference run.
#![cfg(target_arch = "wasm32")]

use genlab_core::golden::{reference_run, GAN, REFERENCES};
use genlab_core::lesson::{LessonId, StepPart};
use genlab_core::protocol::{wire, FromWorker, ToWorker};
use genlab_core::session::Session;
use js_sys::Float32Array;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn commands_round_trip_through_js_values() {
    let cmds = [
        ToWorker::Init {
            lesson: LessonId::Gan,
            query: "seed=3&lr_g=0.002".into(),
        },
        ToWorker::Play,
        ToWorker::Pause,
        ToWorker::Step {
            count: 3,
            part: StepPart::Generator,
        },
        ToWorker::RunTo { step: 1_000_000 },
        ToWorker::Reset { query: None },
        ToWorker::Update {
            query: "batch=64".into(),
        },
        ToWorker::SetSpeed {
            steps_per_sec: 30.0,
        },
    ];
    for cmd in cmds {
        let js = serde_wasm_bindgen::to_value(&cmd).unwrap();
        let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
        assert_eq!(back, cmd);
    }
}

/// The page's matrix products run the simd128 kernel, and it computes the portable kernel's
/// bits — so `genlab-cli --kernel portable` reproduces the page exactly on any machine (the
/// native tests pin the portable kernel's summation order).
#[wasm_bindgen_test]
fn the_simd128_kernel_gives_the_portable_kernels_bits() {
    use genlab_core::nn::gemm::{gemm, gemm_portable, kernel_name, Product};
    use genlab_core::rng::Rng;
    assert_eq!(kernel_name(), "wasm-simd128 4×8");
    let mut rng = Rng::new(21);
    for &(m, n, k) in &[(1, 1, 1), (7, 5, 13), (13, 37, 300), (100, 64, 784)] {
        let a: Vec<f32> = (0..m * k)
            .map(|_| {
                if rng.uniform() < 0.5 {
                    0.0
                } else {
                    rng.normal() as f32
                }
            })
            .collect();
        let b: Vec<f32> = (0..k * n).map(|_| rng.normal() as f32).collect();
        let c0: Vec<f32> = (0..m * n).map(|_| rng.normal() as f32).collect();
        let run = |portable: bool| {
            let mut c = c0.clone();
            // B read transposed: the input gradient's layout.
            let p = Product {
                m,
                n,
                k,
                a: &a,
                a_rs: k,
                a_cs: 1,
                b: &b,
                b_rs: 1,
                b_cs: k,
                c: &mut c,
                ldc: n,
            };
            if portable {
                gemm_portable(p)
            } else {
                gemm(p)
            }
            c.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        };
        assert_eq!(run(false), run(true), "{m}×{k}×{n}");
    }
}

/// The branch-free exp and log1p that the lessons' f32 loops vectorise give libm's bits in the
/// page too, in loops that vectorise as the lessons' do: wasm truncates expf's k with its own
/// saturating vector instruction where natively an unchecked conversion runs.
#[wasm_bindgen_test]
fn branch_free_exp_and_log1p_are_libms_in_the_page() {
    use genlab_core::nn::expf::{self, expf};
    use genlab_core::nn::log1pf::{self, log1pf, log1pf_unit};
    let same =
        |got: f32, want: f32| got.to_bits() == want.to_bits() || got.is_nan() && want.is_nan();
    // Every 4,099th f32, and every one within 256 ulps of expf's and log1pf's thresholds.
    let thresholds = expf::PATH_THRESHOLDS.iter().chain(&log1pf::PATH_THRESHOLDS);
    let xs: Vec<f32> = (0..=u32::MAX)
        .step_by(4099)
        .chain(thresholds.flat_map(|&t| {
            (0..=512u32).flat_map(move |d| {
                [
                    t.wrapping_add(d).wrapping_sub(256),
                    (t ^ 0x8000_0000).wrapping_add(d).wrapping_sub(256),
                ]
            })
        }))
        .map(f32::from_bits)
        .collect();
    let exps: Vec<f32> = xs.iter().map(|&x| expf(x)).collect();
    let logs: Vec<f32> = xs.iter().map(|&x| log1pf(x)).collect();
    for ((&x, &e), &l) in xs.iter().zip(&exps).zip(&logs) {
        assert!(same(e, libm::expf(x)), "expf({x:e})");
        assert!(same(l, libm::log1pf(x)), "log1pf({x:e})");
    }
    // log1pf_unit on [0, 1]: every 97th input, as a softplus's loop takes them.
    let unit: Vec<f32> = (0..=1f32.to_bits())
        .step_by(97)
        .map(f32::from_bits)
        .collect();
    let logs: Vec<f32> = unit.iter().map(|&x| log1pf_unit(x)).collect();
    for (&x, &l) in unit.iter().zip(&logs) {
        assert!(same(l, libm::log1pf(x)), "log1pf_unit({x:e})");
    }
    assert!(xs.len() > 1_000_000 && unit.len() > 10_000_000);
}

#[wasm_bindgen_test]
fn snapshot_crosses_as_header_plus_float32array() {
    let mut s = Session::new();
    s.handle(ToWorker::Init {
        lesson: LessonId::Gan,
        query: "seed=2".into(),
    });
    s.handle(ToWorker::Step {
        count: 20,
        part: StepPart::Full,
    });
    s.run(100);
    let mut snap = s.snapshot(12.5);
    // Rows as a run records them (the first has no loss yet: NaN must come back as NaN).
    let FromWorker::Snapshot(inner) = &mut snap else {
        panic!("a snapshot")
    };
    inner.history = (0..3)
        .map(|k| genlab_core::protocol::HistoryRow {
            step: 10 * k,
            values: vec![if k == 0 { f64::NAN } else { 0.5 / k as f64 }, -1e-300, 7.0],
        })
        .collect();
    let (header, bulk) = wire::encode(|| serde_wasm_bindgen::to_value(&snap).unwrap());
    assert!(
        bulk.len() > 500,
        "the view's curves travel in the bulk buffer"
    );
    // The history rows travel as one typed array, not one object per row.
    let fields = js_sys::Reflect::get(&header, &"Snapshot".into()).unwrap();
    let history = js_sys::Reflect::get(&fields, &"history".into()).unwrap();
    assert!(wasm_bindgen::JsCast::is_instance_of::<js_sys::Uint8Array>(
        &history
    ));
    // What the page does with the transferred buffer.
    let array = Float32Array::new_with_length(bulk.len() as u32);
    array.copy_from(&bulk);
    let back: FromWorker = wire::decode(array.to_vec(), || {
        serde_wasm_bindgen::from_value(header).unwrap()
    });
    // By their printed form: NaN ≠ NaN, but "NaN" == "NaN" (and −0 prints as "-0.0").
    assert_eq!(format!("{back:?}"), format!("{snap:?}"));
}

#[wasm_bindgen_test]
fn wasm_run_is_bit_identical_to_the_native_reference() {
    // Every reference run — the GAN's f32 products, and the lessons whose numbers go through
    // exp, log, sin, cos and pow: libm's, the same bits in the page as natively (a platform's
    // own libm differs in the last bit on ~10 % of exps).
    for r in REFERENCES {
        assert_eq!(reference_run(r), r.bits, "{}", r.file);
    }
    // And the GAN's twice in the same page.
    assert_eq!(reference_run(&GAN), GAN.bits);
}

/// A canvas in the test page, laid out at a real CSS size.
fn test_canvas(w: u32, h: u32) -> web_sys::HtmlCanvasElement {
    use wasm_bindgen::JsCast;
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: web_sys::HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.style().set_property("width", &format!("{w}px")).unwrap();
    c.style().set_property("height", &format!("{h}px")).unwrap();
    c.style().set_property("display", "block").unwrap();
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

fn pixels(c: &web_sys::HtmlCanvasElement) -> Vec<u8> {
    use wasm_bindgen::JsCast;
    let ctx: web_sys::CanvasRenderingContext2d =
        c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    ctx.get_image_data(0.0, 0.0, c.width() as f64, c.height() as f64)
        .unwrap()
        .data()
        .0
}

fn count_color(px: &[u8], rgb: (u8, u8, u8), tol: i32) -> usize {
    px.chunks(4)
        .filter(|p| {
            (p[0] as i32 - rgb.0 as i32).abs() <= tol
                && (p[1] as i32 - rgb.1 as i32).abs() <= tol
                && (p[2] as i32 - rgb.2 as i32).abs() <= tol
        })
        .count()
}

#[wasm_bindgen_test]
fn scatter_and_heatmap_draw_their_colours() {
    use genlab::charts::{draw, palette, viridis, ChartSpec, Layer};
    let c = test_canvas(300, 200);
    let mut spec = ChartSpec::empty();
    spec.x_range = (0.0, 2.0);
    spec.y_range = (0.0, 2.0);
    // Left half: a 2 × 1 heatmap from lo to hi; right: nothing but a scatter of vermilion dots.
    spec.layers = vec![
        Layer::Heatmap {
            nx: 2,
            ny: 1,
            values: vec![0.0, 1.0],
            lo: 0.0,
            hi: 1.0,
        },
        Layer::Points {
            name: "dots".into(),
            color: palette::VERMILION,
            points: vec![(0.5, 1.5), (1.5, 1.5)],
            radius: 5.0,
        },
    ];
    spec.y_range = (0.0, 1.0);
    draw(&c, &spec, 1.0, false, Default::default()).unwrap();
    let px = pixels(&c);
    let lo = viridis(0.0);
    let hi = viridis(1.0);
    assert!(
        count_color(&px, (lo.0, lo.1, lo.2), 2) > 1000,
        "the low cell is drawn in viridis(0)"
    );
    assert!(
        count_color(&px, (hi.0, hi.1, hi.2), 2) > 1000,
        "the high cell is drawn in viridis(1)"
    );
    assert!(
        count_color(&px, (213, 94, 0), 2) > 20,
        "the scatter dots are drawn"
    );
}

/// A scatter large enough to be rasterised in Rust (the VAE's test digits) lands over the
/// layers before it — the picture is composited, not pasted over the heatmap — and under the
/// line after it.
#[wasm_bindgen_test]
fn a_large_scatter_is_composited_in_layer_order() {
    use genlab::charts::{draw, palette, viridis, ChartSpec, Layer};
    let c = test_canvas(300, 200);
    let mut spec = ChartSpec::empty();
    spec.x_range = (0.0, 2.0);
    spec.y_range = (0.0, 1.0);
    // 300 dots on a horizontal band through the right (high) heatmap cell.
    let band: Vec<(f64, f64)> = (0..300)
        .map(|i| (1.1 + 0.8 * i as f64 / 300.0, 0.5))
        .collect();
    spec.layers = vec![
        Layer::Heatmap {
            nx: 2,
            ny: 1,
            values: vec![0.0, 1.0],
            lo: 0.0,
            hi: 1.0,
        },
        Layer::Points {
            name: String::new(),
            color: palette::VERMILION,
            points: band,
            radius: 3.0,
        },
        Layer::Line {
            name: String::new(),
            color: palette::BLUE,
            points: vec![(1.0, 0.5), (2.0, 0.5)],
            dashed: false,
        },
    ];
    draw(&c, &spec, 1.0, false, Default::default()).unwrap();
    let px = pixels(&c);
    let (lo, hi) = (viridis(0.0), viridis(1.0));
    assert!(
        count_color(&px, (lo.0, lo.1, lo.2), 2) > 1000,
        "the left cell is still there"
    );
    assert!(
        count_color(&px, (hi.0, hi.1, hi.2), 2) > 1000,
        "the right cell shows around the dots"
    );
    assert!(
        count_color(&px, (213, 94, 0), 2) > 100,
        "the dots are drawn"
    );
    assert!(
        count_color(&px, (0, 114, 178), 2) > 50,
        "the line after them is on top"
    );
}

#[wasm_bindgen_test]
fn image_grid_puts_each_pixel_in_its_place() {
    use genlab::charts::{draw_image_grid, ImageGrid};
    let c = test_canvas(120, 60);
    // Two 2×2 images: the first all black (1.0), the second white except one black pixel.
    let grid = ImageGrid {
        pixels: vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0],
        count: 2,
        width: 2,
        height: 2,
        cols: 2,
        lo: 0.0,
        hi: 1.0,
        diverging: false,
    };
    let (rgba, gw, gh) = grid.rgba();
    assert_eq!((gw, gh), (7, 4));
    let at = |x: usize, y: usize| rgba[(y * gw + x) * 4];
    assert_eq!(at(1, 1), 0); // first image, black
    assert_eq!(at(4, 1), 255); // second image, white
    assert_eq!(at(5, 2), 0); // second image's last pixel, black
    assert_eq!(at(3, 1), 255); // the gap
    draw_image_grid(&c, &grid).unwrap();
    let px = pixels(&c);
    assert!(
        c.width() >= 7 && c.width() % 7 == 0,
        "scaled by a whole factor: {}",
        c.width()
    );
    let black = count_color(&px, (0, 0, 0), 0);
    let scale = (c.width() / 7) as usize;
    assert_eq!(
        black,
        5 * scale * scale,
        "five black source pixels, each scale² on screen"
    );
}

/// A chart's text alternative: the key numbers of each series, undefined values skipped.
#[wasm_bindgen_test]
fn chart_table_summarises_every_layer() {
    use genlab::chart_table::summarize;
    use genlab::charts::{palette, ChartSpec, Layer};
    let mut spec = ChartSpec::empty();
    spec.layers = vec![
        Layer::Line {
            name: "loss".into(),
            color: palette::BLUE,
            points: vec![(0.0, 1.0), (1.0, f64::NAN), (2.0, 3.0), (3.0, -2.0)],
            dashed: false,
        },
        Layer::HLine {
            name: "−log 4".into(),
            color: palette::BLACK,
            y: -1.386,
        },
        Layer::Heatmap {
            nx: 2,
            ny: 2,
            values: vec![0.5, 0.1, f64::NAN, 0.9],
            lo: 0.0,
            hi: 1.0,
        },
    ];
    let rows = summarize(&spec);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].count, 4);
    assert_eq!(rows[0].x_range, Some((0.0, 3.0)));
    assert_eq!(rows[0].last, Some(-2.0));
    assert_eq!((rows[0].min, rows[0].max), (Some(-2.0), Some(3.0)));
    assert_eq!(rows[1].last, Some(-1.386));
    assert_eq!(rows[2].count, 4);
    assert_eq!((rows[2].min, rows[2].max), (Some(0.1), Some(0.9)));
}

/// A chart of metrics that start late (a DBN's classifiers) starts its steps at their first
/// value; a chart with nothing finite keeps its range.
#[wasm_bindgen_test]
fn a_chart_starts_where_its_lines_do() {
    use genlab::charts::{palette, ChartSpec, Layer};
    let line = |points: Vec<(f64, f64)>| Layer::Line {
        name: String::new(),
        color: palette::BLUE,
        points,
        dashed: false,
    };
    let mut spec = ChartSpec::empty();
    spec.x_range = (0.0, 260.0);
    spec.layers = vec![
        line(vec![
            (0.0, f64::NAN),
            (100.0, f64::NAN),
            (200.0, 0.5),
            (260.0, 0.7),
        ]),
        line(vec![(0.0, f64::NAN), (220.0, 0.4)]),
    ];
    assert_eq!(spec.clone().start_at_first_value().x_range, (200.0, 260.0));
    spec.layers = vec![line(vec![(0.0, f64::NAN)])];
    assert_eq!(spec.start_at_first_value().x_range, (0.0, 260.0));
}

/// A curve with a single finite value (fine-tuning's first row) is drawn as a dot, not left
/// blank; a curve of two values draws no dot where it begins.
#[wasm_bindgen_test]
fn a_lone_value_on_a_curve_is_drawn_as_a_dot() {
    use genlab::charts::{draw, palette, ChartSpec, Layer};
    let line = |points: Vec<(f64, f64)>| Layer::Line {
        name: String::new(),
        color: palette::VERMILION,
        points,
        dashed: false,
    };
    let c = test_canvas(300, 200);
    let mut spec = ChartSpec::empty();
    spec.x_range = (0.0, 260.0);
    spec.y_range = (0.0, 1.0);
    spec.layers = vec![line(vec![(0.0, f64::NAN), (100.0, f64::NAN), (250.0, 0.5)])];
    draw(&c, &spec, 1.0, false, Default::default()).unwrap();
    let lone = count_color(&pixels(&c), (213, 94, 0), 2);
    assert!(lone >= 9, "the lone value is drawn: {lone} pixels");
    let c = test_canvas(300, 200);
    spec.layers = vec![line(vec![(100.0, 0.5), (250.0, 0.5)])];
    draw(&c, &spec, 1.0, false, Default::default()).unwrap();
    let segment = count_color(&pixels(&c), (213, 94, 0), 2);
    assert!(segment > 50, "the segment is drawn: {segment} pixels");
}
