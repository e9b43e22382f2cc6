//! Charts on plotters-canvas. A chart is a [`ChartSpec`] — plain data, no state — drawn by
//! [`ChartCanvas`] on the next animation frame after its data changed, never inside a training
//! step. Canvases are sized to their container in device pixels, so lines stay sharp on HiDPI.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::chart_backend::Canvas2d;
use crate::chart_legend::{self, Entry, Mark};
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::raster::DotLayer;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Okabe–Ito: distinguishable with every common colour-vision deficiency.
pub mod palette {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILION: RGBColor = RGBColor(213, 94, 0);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    pub const GREY: RGBColor = RGBColor(140, 140, 140);

    /// One colour per digit class: Paul Tol's colour-blind-safe "muted" scheme, with black.
    pub const DIGITS: [RGBColor; 10] = [
        RGBColor(51, 34, 136),
        RGBColor(136, 204, 238),
        RGBColor(68, 170, 153),
        RGBColor(17, 119, 51),
        RGBColor(153, 153, 51),
        RGBColor(221, 204, 119),
        RGBColor(204, 102, 119),
        RGBColor(136, 34, 85),
        RGBColor(170, 68, 153),
        RGBColor(0, 0, 0),
    ];
}

#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    Line {
        name: String,
        color: RGBColor,
        points: Vec<(f64, f64)>,
        dashed: bool,
    },
    /// Bars of equal width covering [lo, hi).
    Bars {
        name: String,
        color: RGBColor,
        lo: f64,
        hi: f64,
        heights: Vec<f64>,
    },
    /// Arrows from `from[i]` to `to[i]`, in data coordinates.
    Arrows {
        name: String,
        color: RGBColor,
        from: Vec<(f64, f64)>,
        to: Vec<(f64, f64)>,
    },
    HLine {
        name: String,
        color: RGBColor,
        y: f64,
    },
    /// A scatter: one dot per point, `radius` in CSS pixels.
    Points {
        name: String,
        color: RGBColor,
        points: Vec<(f64, f64)>,
        radius: f64,
    },
    /// Values on an nx × ny grid over the chart's ranges (row 0 at the bottom), coloured by
    /// [`viridis`] between `lo` and `hi`.
    Heatmap {
        nx: usize,
        ny: usize,
        values: Vec<f64>,
        lo: f64,
        hi: f64,
    },
}

/// The viridis colour map (perceptually uniform, readable in grey and by colour-blind viewers),
/// by linear interpolation between nine of its anchors. t is clamped to [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    const A: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (A.len() - 1) as f64;
    let i = (x.floor() as usize).min(A.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + f * (b as f64 - a as f64)).round() as u8;
    RGBColor(
        mix(A[i].0, A[i + 1].0),
        mix(A[i].1, A[i + 1].1),
        mix(A[i].2, A[i + 1].2),
    )
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LegendAt {
    UpperLeft,
    UpperRight,
    LowerRight,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub log_y: bool,
    pub x_label: String,
    /// Label the x axis with whole numbers (step counts).
    pub x_integer: bool,
    pub y_label: String,
    pub legend: LegendAt,
    pub layers: Vec<Layer>,
}

impl ChartSpec {
    pub fn empty() -> Self {
        ChartSpec {
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            log_y: false,
            x_label: String::new(),
            x_integer: false,
            y_label: String::new(),
            legend: LegendAt::UpperRight,
            layers: vec![],
        }
    }

    /// A y-range covering every finite value of the line layers (and hlines), with a margin;
    /// `floor` keeps log charts positive.
    pub fn fit_y(&mut self, floor: Option<f64>) {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for l in &self.layers {
            let ys: Vec<f64> = match l {
                Layer::Line { points, .. } => points.iter().map(|p| p.1).collect(),
                Layer::HLine { y, .. } => vec![*y],
                Layer::Bars { heights, .. } => heights.clone(),
                Layer::Arrows { .. } | Layer::Heatmap { .. } => vec![],
                Layer::Points { points, .. } => points.iter().map(|p| p.1).collect(),
            };
            for y in ys.into_iter().filter(|y| y.is_finite()) {
                if floor.is_none_or(|f| y >= f) {
                    lo = lo.min(y);
                    hi = hi.max(y);
                }
            }
        }
        if !lo.is_finite() {
            (lo, hi) = (floor.unwrap_or(0.0).max(1e-3), 1.0);
        }
        if self.log_y {
            let lo = lo.max(floor.unwrap_or(1e-6)).max(1e-300);
            self.y_range = (lo / 1.5, (hi * 1.5).max(lo * 10.0));
        } else {
            let pad = ((hi - lo) * 0.08).max(1e-6);
            self.y_range = (lo - pad, hi + pad);
        }
    }
}

fn clamp_point(p: (f64, f64), spec: &ChartSpec) -> Option<(f64, f64)> {
    if !p.0.is_finite() || !p.1.is_finite() {
        return None;
    }
    let (y0, y1) = spec.y_range;
    Some((p.0.clamp(spec.x_range.0, spec.x_range.1), p.1.clamp(y0, y1)))
}

/// Draws `spec` onto `canvas`, sized to its CSS box × devicePixelRatio. `scale` enlarges type
/// and lines (projector mode); `comma` writes tick labels with a decimal comma (Polish, Russian).
pub fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    spec: &ChartSpec,
    scale: f64,
    comma: bool,
) -> Result<(), String> {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let (w, h) = (
        canvas.client_width().max(50) as f64,
        canvas.client_height().max(50) as f64,
    );
    set_size(canvas, (w * dpr).round() as u32, (h * dpr).round() as u32);
    let ctx = context_2d(canvas)?;
    let backend = Canvas2d::new(canvas, ctx.clone()).ok_or("this browser gave no 2-D canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let px = dpr * scale;
    let mut spec = spec.clone();
    if spec.x_range.0 >= spec.x_range.1
        || !spec.x_range.0.is_finite()
        || !spec.x_range.1.is_finite()
    {
        spec.x_range = (0.0, 1.0);
    }
    if !(spec.y_range.0 < spec.y_range.1)
        || !spec.y_range.0.is_finite()
        || !spec.y_range.1.is_finite()
    {
        spec.y_range = (0.0, 1.0);
    }
    if spec.log_y && spec.y_range.0 <= 0.0 {
        spec.y_range.0 = spec.y_range.1.min(1.0) * 1e-4;
    }
    let mut builder = ChartBuilder::on(&root);
    builder
        .margin((10.0 * px) as u32)
        .x_label_area_size((34.0 * px) as u32)
        .y_label_area_size((56.0 * px) as u32);
    let (x0, x1) = spec.x_range;
    let (y0, y1) = spec.y_range;
    if spec.log_y {
        let chart = builder
            .build_cartesian_2d(x0..x1, (y0..y1).log_scale())
            .map_err(|e| e.to_string())?;
        draw_into(chart, &root, &ctx, &spec, px, comma)
    } else {
        let chart = builder
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| e.to_string())?;
        draw_into(chart, &root, &ctx, &spec, px, comma)
    }
}

/// A number as text with a decimal comma where the language writes one.
fn decimal(text: String, comma: bool) -> String {
    if comma {
        text.replace('.', ",")
    } else {
        text
    }
}

/// Scatters from this many points up are rasterised in Rust and blitted in one call (the VAE's
/// test digits: thousands); smaller ones (transport clouds, markers) are drawn dot by dot, which
/// costs less than a picture the size of the plot area.
const RASTER_DOTS: usize = 256;

fn draw_into<Y>(
    mut chart: ChartContext<'_, Canvas2d, Cartesian2d<RangedCoordf64, Y>>,
    root: &DrawingArea<Canvas2d, Shift>,
    ctx: &web_sys::CanvasRenderingContext2d,
    spec: &ChartSpec,
    px: f64,
    comma: bool,
) -> Result<(), String>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let font = ("sans-serif", 12.0 * px).into_font();
    let line_w = (2.0 * px).round().max(1.0) as u32;
    chart
        .configure_mesh()
        .x_desc(spec.x_label.as_str())
        .y_desc(spec.y_label.as_str())
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(220, 220, 220))
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|x: &f64| {
            decimal(
                if spec.x_integer {
                    format!("{x:.0}")
                } else {
                    format!("{x:.1}")
                },
                comma,
            )
        })
        .y_label_formatter(&|y: &f64| decimal(Y::format(y), comma))
        .draw()
        .map_err(|e| e.to_string())?;
    let mut legend: Vec<Entry> = Vec::new();
    // Dots of consecutive large scatter layers gather in one picture, drawn over the plot area
    // before the next layer of another kind (so the layers keep their order) or the legend.
    let area = chart.plotting_area().get_pixel_range();
    let (area_w, area_h) = (
        (area.0.end - area.0.start).max(1) as usize,
        (area.1.end - area.1.start).max(1) as usize,
    );
    let mut dots: Option<DotLayer> = None;
    let flush = |dots: &mut Option<DotLayer>| -> Result<(), String> {
        match dots.take() {
            Some(d) if !d.is_empty() => blit(
                ctx,
                &d.rgba,
                (d.width, d.height),
                (
                    area.0.start as f64,
                    area.1.start as f64,
                    d.width as f64,
                    d.height as f64,
                ),
            ),
            _ => Ok(()),
        }
    };
    for layer in &spec.layers {
        if !matches!(layer, Layer::Points { points, .. } if points.len() >= RASTER_DOTS) {
            flush(&mut dots)?;
        }
        match layer {
            Layer::Bars {
                name,
                color,
                lo,
                hi,
                heights,
            } => {
                let width = (hi - lo) / heights.len().max(1) as f64;
                let base = if spec.log_y {
                    spec.y_range.0
                } else {
                    0.0f64.max(spec.y_range.0)
                };
                let style = color.mix(0.35).filled();
                chart
                    .draw_series(
                        heights
                            .iter()
                            .enumerate()
                            .filter(|(_, h)| h.is_finite() && **h > 0.0)
                            .map(|(i, &h)| {
                                let a = lo + i as f64 * width;
                                Rectangle::new(
                                    [(a, base), (a + width, h.min(spec.y_range.1))],
                                    style,
                                )
                            }),
                    )
                    .map_err(|e| e.to_string())?;
                legend.push(Entry {
                    name: name.clone(),
                    mark: Mark::Bar { color: *color },
                });
            }
            Layer::Line {
                name,
                color,
                points,
                dashed,
            } => {
                let pts: Vec<(f64, f64)> = points
                    .iter()
                    .filter_map(|&p| clamp_point(p, spec))
                    .collect();
                let style = color.stroke_width(line_w);
                if *dashed {
                    chart
                        .draw_series(DashedLineSeries::new(
                            pts,
                            (6.0 * px) as u32,
                            (4.0 * px) as u32,
                            style,
                        ))
                        .map_err(|e| e.to_string())?;
                } else {
                    chart
                        .draw_series(LineSeries::new(pts, style))
                        .map_err(|e| e.to_string())?;
                }
                if !name.is_empty() {
                    legend.push(Entry {
                        name: name.clone(),
                        mark: Mark::Line {
                            color: *color,
                            dashed: *dashed,
                        },
                    });
                }
            }
            Layer::HLine { name, color, y } => {
                if y.is_finite() && *y >= spec.y_range.0 && *y <= spec.y_range.1 {
                    let style = color.stroke_width(line_w);
                    chart
                        .draw_series(DashedLineSeries::new(
                            vec![(spec.x_range.0, *y), (spec.x_range.1, *y)],
                            (8.0 * px) as u32,
                            (5.0 * px) as u32,
                            style,
                        ))
                        .map_err(|e| e.to_string())?;
                    legend.push(Entry {
                        name: name.clone(),
                        mark: Mark::Line {
                            color: *color,
                            dashed: true,
                        },
                    });
                }
            }
            Layer::Points {
                name,
                color,
                points,
                radius,
            } => {
                let r = (radius * px).round().max(1.0) as i32;
                let visible = points.iter().filter_map(|&p| clamp_point(p, spec));
                if points.len() >= RASTER_DOTS {
                    let dots = dots.get_or_insert_with(|| DotLayer::new(area_w, area_h));
                    for p in visible {
                        let (x, y) = chart.backend_coord(&p);
                        dots.dot(
                            x - area.0.start,
                            y - area.1.start,
                            r as f64,
                            [color.0, color.1, color.2],
                        );
                    }
                } else {
                    chart
                        .draw_series(visible.map(|p| Circle::new(p, r, color.filled())))
                        .map_err(|e| e.to_string())?;
                }
                // Unnamed scatters (the VAE's ten digit classes) carry their legend in the page.
                if !name.is_empty() {
                    legend.push(Entry {
                        name: name.clone(),
                        mark: Mark::Dot {
                            color: *color,
                            radius: r as f64,
                        },
                    });
                }
            }
            Layer::Heatmap {
                nx,
                ny,
                values,
                lo,
                hi,
            } => {
                let (x0, x1) = spec.x_range;
                let (y0, y1) = spec.y_range;
                let (dx, dy) = ((x1 - x0) / *nx as f64, (y1 - y0) / *ny as f64);
                let span = if hi > lo { hi - lo } else { 1.0 };
                chart
                    .draw_series(
                        (0..*ny)
                            .flat_map(|r| (0..*nx).map(move |c| (r, c)))
                            .filter_map(|(r, c)| {
                                let v = *values.get(r * nx + c)?;
                                let color = if v.is_finite() {
                                    viridis((v - lo) / span)
                                } else {
                                    RGBColor(200, 200, 200)
                                };
                                let (a, b) = (x0 + c as f64 * dx, y0 + r as f64 * dy);
                                Some(Rectangle::new([(a, b), (a + dx, b + dy)], color.filled()))
                            }),
                    )
                    .map_err(|e| e.to_string())?;
            }
            Layer::Arrows {
                name,
                color,
                from,
                to,
            } => {
                let style = color.stroke_width(line_w);
                for (a, b) in from.iter().zip(to) {
                    let (Some(a), Some(b)) = (clamp_point(*a, spec), clamp_point(*b, spec)) else {
                        continue;
                    };
                    let (pa, pb) = (chart.backend_coord(&a), chart.backend_coord(&b));
                    let (dx, dy) = ((pb.0 - pa.0) as f64, (pb.1 - pa.1) as f64);
                    let len = (dx * dx + dy * dy).sqrt();
                    root.draw(&PathElement::new(vec![pa, pb], style))
                        .map_err(|e| e.to_string())?;
                    if len > 3.0 {
                        let head = (6.0 * px).min(len * 0.6);
                        let (ux, uy) = (dx / len, dy / len);
                        for side in [-1.0, 1.0] {
                            let hx = pb.0 as f64 - head * (ux - side * 0.5 * uy);
                            let hy = pb.1 as f64 - head * (uy + side * 0.5 * ux);
                            root.draw(&PathElement::new(vec![pb, (hx as i32, hy as i32)], style))
                                .map_err(|e| e.to_string())?;
                        }
                    }
                }
                legend.push(Entry {
                    name: name.clone(),
                    mark: Mark::Line {
                        color: *color,
                        dashed: false,
                    },
                });
            }
        }
    }
    flush(&mut dots)?;
    chart_legend::draw(
        ctx,
        &legend,
        spec.legend,
        (
            area.0.start as f64,
            area.1.start as f64,
            area.0.end as f64,
            area.1.end as f64,
        ),
        px,
    );
    root.present().map_err(|e| e.to_string())
}

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

impl ImageGrid {
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
fn set_size(canvas: &web_sys::HtmlCanvasElement, width: u32, height: u32) {
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

fn context_2d(
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
fn blit(
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

/// Where a pointer event on a chart canvas falls in data coordinates, and the pixels per data
/// unit on each axis (to find the point under the pointer). The chart lays out its plot area
/// with fixed margins (see `charts::draw`): 10 px around, 56 px for y labels, 34 px for x labels,
/// all times the projector scale.
pub fn event_to_data(
    e: &leptos::ev::PointerEvent,
    scale: f64,
    xr: (f64, f64),
    yr: (f64, f64),
) -> Option<(f64, f64, f64, f64)> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let rect = target.get_bounding_client_rect();
    let (px, py) = (
        e.client_x() as f64 - rect.left(),
        e.client_y() as f64 - rect.top(),
    );
    let (left, right) = ((10.0 + 56.0) * scale, rect.width() - 10.0 * scale);
    let (top, bottom) = (10.0 * scale, rect.height() - (10.0 + 34.0) * scale);
    if right <= left || bottom <= top {
        return None;
    }
    let x = xr.0 + (px - left) / (right - left) * (xr.1 - xr.0);
    let y = yr.1 - (py - top) / (bottom - top) * (yr.1 - yr.0);
    // Pixels per data unit, to find the point under the pointer.
    Some((
        x,
        y,
        (right - left) / (xr.1 - xr.0),
        (bottom - top) / (yr.1 - yr.0),
    ))
}

/// Offers `href` (a data: or blob: URL) as a download named `filename`.
pub fn download(filename: &str, href: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(href);
        a.set_download(filename);
        a.click();
    }
}

/// Offers `text` as a file download (CSV histories).
pub fn download_text(filename: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
            download(filename, &url);
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    }
}

/// Whether the `<details>` that fired a `toggle` event is now open: folded panels (a chart's
/// table, the theory) build their contents only while open.
pub fn details_open(e: &leptos::ev::Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        .is_some_and(|d| d.open())
}

/// Arrow keys as a nudge in data units (`step`; five times that with Shift), for the keyboard
/// path through a chart that is otherwise dragged. `None` for any other key.
pub fn arrow_nudge(e: &web_sys::KeyboardEvent, step: f64) -> Option<(f64, f64)> {
    let step = if e.shift_key() { 5.0 * step } else { step };
    match e.key().as_str() {
        "ArrowLeft" => Some((-step, 0.0)),
        "ArrowRight" => Some((step, 0.0)),
        "ArrowUp" => Some((0.0, step)),
        "ArrowDown" => Some((0.0, -step)),
        _ => None,
    }
}

/// A small "PNG" button saving canvas `testid` as `genlab-<testid>.png`.
#[component]
fn SavePng(testid: &'static str, canvas: NodeRef<Canvas>) -> impl IntoView {
    view! {
        <button class="small save-png" data-testid=format!("png-{testid}") title="PNG"
            on:click=move |_| {
                if let Some(url) = canvas.get_untracked().and_then(|c| c.to_data_url().ok()) {
                    download(&format!("genlab-{testid}.png"), &url);
                }
            }>"PNG"</button>
    }
}

/// Bumped on window resize so every chart redraws at its new size.
#[derive(Clone, Copy)]
pub struct ResizeTick(pub RwSignal<u32>);

/// Projector mode: larger type, thicker lines.
#[derive(Clone, Copy)]
pub struct Projector(pub RwSignal<bool>);

type DrawJob = Box<dyn FnOnce()>;

thread_local! {
    /// Charts waiting to be drawn, oldest first, at most one entry per canvas.
    static QUEUE: RefCell<Vec<(&'static str, DrawJob)>> = const { RefCell::new(Vec::new()) };
    static FRAME_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

/// Drawing budget per animation frame. Charts beyond it wait for the next frame, so redraws never
/// add up to a long task on the main thread: the browser's commit of the changed canvases comes
/// on top (about as long again in headless Chromium), and a machine half as fast must still fit.
const FRAME_BUDGET_MS: f64 = 8.0;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Queues a redraw of canvas `id`, replacing any redraw of it still waiting.
fn enqueue(id: &'static str, job: DrawJob) {
    QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        q.retain(|(other, _)| *other != id);
        q.push((id, job));
    });
    request_frame();
}

fn request_frame() {
    if FRAME_REQUESTED.with(|f| f.replace(true)) {
        return;
    }
    if let Some(w) = web_sys::window() {
        let cb = Closure::once_into_js(run_frame);
        let _ = w.request_animation_frame(cb.unchecked_ref());
    }
}

fn run_frame() {
    FRAME_REQUESTED.with(|f| f.set(false));
    let start = now_ms();
    let mut last_job_ms = 0.0;
    loop {
        // Another chart only if one more like the last still fits: the budget is what a frame
        // takes, not where it stops taking more (one picture of the VAE grid alone is ~5 ms).
        let elapsed = now_ms() - start;
        if elapsed > 0.0 && elapsed + last_job_ms > FRAME_BUDGET_MS {
            break;
        }
        let job = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            (!q.is_empty()).then(|| q.remove(0))
        });
        let Some((_, job)) = job else { return };
        let job_start = now_ms();
        job();
        last_job_ms = now_ms() - job_start;
    }
    if QUEUE.with(|q| !q.borrow().is_empty()) {
        request_frame();
    }
}

/// A canvas that draws `spec` whenever it changes, at most once per animation frame.
#[component]
pub fn ChartCanvas(
    /// What to draw; `None` draws an empty frame.
    spec: Signal<Option<ChartSpec>>,
    /// `data-testid` for tests, also the canvas's id.
    testid: &'static str,
    /// Accessible description of the chart.
    label: Signal<String>,
    /// CSS height class: "chart-tall" or "chart-short".
    #[prop(default = "chart-tall")]
    size: &'static str,
    /// Minimum time between two redraws; slow-moving history charts need no 30 Hz.
    #[prop(default = 0.0)]
    min_interval_ms: f64,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let last_draw = Rc::new(Cell::new(f64::NEG_INFINITY));
    let resize = use_context::<ResizeTick>().map(|r| r.0);
    let projector = use_context::<Projector>().map(|p| p.0);
    let error = RwSignal::new(None::<String>);
    let latest: Rc<RefCell<ChartSpec>> = Rc::new(RefCell::new(ChartSpec::empty()));
    let timer_pending = Rc::new(Cell::new(false));
    let lang = use_context::<RwSignal<crate::i18n::Lang>>();
    Effect::new(move |_| {
        let s = spec.get();
        let comma = lang.is_some_and(|l| l.get().decimal_comma());
        let scale = if projector.map(|p| p.get()).unwrap_or(false) {
            1.6
        } else {
            1.0
        };
        if let Some(r) = resize {
            r.track();
        }
        // No data (yet, or any more — a restart, an empty dataset): an empty frame, never a
        // stale picture from before.
        *latest.borrow_mut() = s.unwrap_or_else(ChartSpec::empty);
        let job: DrawJob = {
            let (latest, last_draw) = (latest.clone(), last_draw.clone());
            Box::new(move || {
                // A queued redraw can outlive its chart (the page moved on): then skip it.
                let Some(el) = canvas.try_get_untracked().flatten() else {
                    return;
                };
                last_draw.set(now_ms());
                // The newest data at drawing time, not at queueing time.
                let result = draw(&el, &latest.borrow(), scale, comma);
                error.try_set(result.err());
            })
        };
        // A throttled chart redraws at most every `min_interval_ms`: data arriving sooner is
        // drawn when the interval is over (so the last snapshot before a pause is never lost).
        let wait = min_interval_ms - (now_ms() - last_draw.get());
        if wait <= 0.0 {
            enqueue(testid, job);
        } else if !timer_pending.replace(true) {
            let timer_pending = timer_pending.clone();
            let cb = Closure::once_into_js(move || {
                timer_pending.set(false);
                enqueue(testid, job);
            });
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    cb.unchecked_ref(),
                    wait.ceil() as i32,
                );
            }
        }
    });
    view! {
        <div class="chart-wrap">
            <div class="chart-box">
                <canvas node_ref=canvas class=size id=testid data-testid=testid role="img" aria-label=move || label.get()></canvas>
                <SavePng testid=testid canvas=canvas />
                {move || error.get().map(|e| view! { <p class="chart-error">{e}</p> })}
            </div>
            <crate::chart_table::ChartTable spec=spec testid=testid />
        </div>
    }
}
