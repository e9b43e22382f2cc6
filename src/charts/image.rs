//! Grids of grey or diverging pictures (decoded digits, RBM filters), blitted sharp onto a canvas.

#[allow(unused_imports)]
use super::prelude::*;

/// Grey images laid out in a grid (decoded digits, RBM filters): `count` images of
/// `width` × `height` values, row-major, mapped from [lo, hi] to black..white (or, with
/// `diverging`, negative → vermilion, positive → blue, as weight filters are shown).
#[derive(Clone, Debug, PartialEq)]
pub struct ImageGrid {
    pub pixels: Vec<f32>,
    pub count: usize,
    pub width: usize,
    pub height: usize,
    pub cols: usize,
    pub lo: f32,
    pub hi: f32,
    pub diverging: bool,
}

/// The digits' side: every lesson on them shows 28 × 28 pictures.
const DIGIT_SIDE: usize = 28;

impl ImageGrid {
    /// Digits (pixels in [0, 1], 784 per picture, as many as `pixels` holds) in `cols` columns.
    pub fn digits(pixels: &[f32], cols: usize) -> Self {
        ImageGrid {
            pixels: pixels.to_vec(),
            count: pixels.len() / (DIGIT_SIDE * DIGIT_SIDE),
            width: DIGIT_SIDE,
            height: DIGIT_SIDE,
            cols,
            lo: 0.0,
            hi: 1.0,
            diverging: false,
        }
    }

    /// Weight filters over the pixels (784 per picture) in a diverging scale of ±`range`.
    pub fn filters(pixels: &[f32], cols: usize, range: f64) -> Self {
        let r = range.max(1e-6) as f32;
        ImageGrid {
            lo: -r,
            hi: r,
            diverging: true,
            ..Self::digits(pixels, cols)
        }
    }

    /// The RGBA bytes of the whole grid (1 pixel gap between images, white), and its size.
    pub fn rgba(&self) -> (Vec<u8>, usize, usize) {
        let cols = self.cols.max(1);
        let rows = self.count.div_ceil(cols).max(1);
        let (gw, gh) = (cols * (self.width + 1) + 1, rows * (self.height + 1) + 1);
        let mut out = vec![255u8; gw * gh * 4];
        let span = if self.hi > self.lo {
            self.hi - self.lo
        } else {
            1.0
        };
        for k in 0..self.count {
            let (ox, oy) = (
                1 + (k % cols) * (self.width + 1),
                1 + (k / cols) * (self.height + 1),
            );
            for y in 0..self.height {
                for x in 0..self.width {
                    let v = self
                        .pixels
                        .get(k * self.width * self.height + y * self.width + x)
                        .copied()
                        .unwrap_or(f32::NAN);
                    let rgb = if !v.is_finite() {
                        [200, 200, 200]
                    } else if self.diverging {
                        let m = self.lo.abs().max(self.hi.abs()).max(1e-12);
                        let a = (v.abs() / m).min(1.0);
                        let (r, g, b) = if v >= 0.0 {
                            (0.0, 114.0, 178.0)
                        } else {
                            (213.0, 94.0, 0.0)
                        };
                        let blend = |c: f32| (255.0 + a * (c - 255.0)).round() as u8;
                        [blend(r), blend(g), blend(b)]
                    } else {
                        let g = (((v - self.lo) / span).clamp(0.0, 1.0) * 255.0).round() as u8;
                        [255 - g, 255 - g, 255 - g]
                    };
                    let i = ((oy + y) * gw + ox + x) * 4;
                    out[i..i + 3].copy_from_slice(&rgb);
                }
            }
        }
        (out, gw, gh)
    }
}

thread_local! {
    /// The 1:1 canvas every image grid is blitted through before scaling.
    static SCRATCH: RefCell<Option<web_sys::HtmlCanvasElement>> = const { RefCell::new(None) };
}

/// Resizes a canvas only when its size changes: every assignment, even of the same value,
/// throws the backing store away, and the whole canvas is painted over anyway.
pub(super) fn set_size(canvas: &web_sys::HtmlCanvasElement, width: u32, height: u32) {
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
}

/// Draws an [`ImageGrid`] scaled up to fill `canvas` with sharp (unsmoothed) pixels.
pub fn draw_image_grid(
    canvas: &web_sys::HtmlCanvasElement,
    grid: &ImageGrid,
) -> Result<(), String> {
    let (rgba, gw, gh) = grid.rgba();
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let css_w = canvas.client_width().max(gw as i32) as f64;
    let scale = ((css_w * dpr) / gw as f64).floor().max(1.0);
    set_size(
        canvas,
        (gw as f64 * scale) as u32,
        (gh as f64 * scale) as u32,
    );
    let ctx = context_2d(canvas)?;
    ctx.set_image_smoothing_enabled(false);
    blit(
        &ctx,
        &rgba,
        (gw, gh),
        (0.0, 0.0, canvas.width() as f64, canvas.height() as f64),
    )
}

pub(super) fn context_2d(
    canvas: &web_sys::HtmlCanvasElement,
) -> Result<web_sys::CanvasRenderingContext2d, String> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| "this browser gave no 2-D canvas".to_string())
}

/// Draws an RGBA picture of `size` into the rectangle `to` (x, y, width, height) of `ctx`,
/// composited over what is there: `putImageData` alone would replace the pixels below, so the
/// picture goes 1:1 through the shared scratch canvas and then `drawImage` (which also scales).
pub(super) fn blit(
    ctx: &web_sys::CanvasRenderingContext2d,
    rgba: &[u8],
    size: (usize, usize),
    to: (f64, f64, f64, f64),
) -> Result<(), String> {
    let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(rgba),
        size.0 as u32,
        size.1 as u32,
    )
    .map_err(|e| format!("{e:?}"))?;
    let scratch = SCRATCH
        .with(|c| c.borrow().clone())
        .or_else(|| {
            let c: web_sys::HtmlCanvasElement = web_sys::window()?
                .document()?
                .create_element("canvas")
                .ok()?
                .dyn_into()
                .ok()?;
            SCRATCH.with(|s| *s.borrow_mut() = Some(c.clone()));
            Some(c)
        })
        .ok_or("could not create a canvas")?;
    set_size(&scratch, size.0 as u32, size.1 as u32);
    context_2d(&scratch)?
        .put_image_data(&image, 0.0, 0.0)
        .map_err(|e| format!("{e:?}"))?;
    ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        &scratch,
        0.0,
        0.0,
        size.0 as f64,
        size.1 as f64,
        to.0,
        to.1,
        to.2,
        to.3,
    )
    .map_err(|e| format!("{e:?}"))
}

/// A canvas showing an [`ImageGrid`] (decoded digits...), redrawn on the shared frame queue.
#[component]
pub fn ImageCanvas(
    /// The images; `None` leaves the canvas blank.
    grid: Signal<Option<ImageGrid>>,
    /// `data-testid` for tests, also the canvas's id.
    testid: &'static str,
    /// Accessible description.
    label: Signal<String>,
    /// CSS class setting the canvas's size.
    #[prop(default = "images")]
    class: &'static str,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let resize = use_context::<ResizeTick>().map(|r| r.0);
    let latest: Rc<RefCell<Option<ImageGrid>>> = Rc::new(RefCell::new(None));
    Effect::new(move |_| {
        *latest.borrow_mut() = grid.get();
        if let Some(r) = resize {
            r.track();
        }
        let latest = latest.clone();
        enqueue(
            testid,
            Box::new(move || {
                let Some(el) = canvas.try_get_untracked().flatten() else {
                    return;
                };
                if let Some(g) = latest.borrow().as_ref() {
                    let _ = draw_image_grid(&el, g);
                }
            }),
        );
    });
    view! {
        <div class="image-box">
            <canvas node_ref=canvas class=class id=testid data-testid=testid role="img" aria-label=move || label.get()></canvas>
            <SavePng testid=testid canvas=canvas />
        </div>
    }
}
