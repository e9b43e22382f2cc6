//! Drawing a [`ChartSpec`] onto a canvas with plotters (large scatters through the Rust raster).

#[allow(unused_imports)]
use super::prelude::*;
use crate::legend_corner::Placement;

fn clamp_point(p: (f64, f64), spec: &ChartSpec) -> Option<(f64, f64)> {
    if !p.0.is_finite() || !p.1.is_finite() {
        return None;
    }
    let (y0, y1) = spec.y_range;
    Some((p.0.clamp(spec.x_range.0, spec.x_range.1), p.1.clamp(y0, y1)))
}

/// Where the data was drawn, as canvas pixels at most `step` apart along lines: the legend
/// keeps off it. Gathered only in a chart whose legend may move (`on`): a scatter of a
/// thousand codes redrawn at 30 Hz would map every dot again for nothing.
struct Ink {
    points: Vec<(f64, f64)>,
    step: f64,
    on: bool,
}

impl Ink {
    /// One dot.
    fn point(&mut self, (x, y): (i32, i32)) {
        if self.on {
            self.points.push((x as f64, y as f64));
        }
    }

    /// A polyline through `path`, filled in between its vertices.
    fn path(&mut self, path: impl IntoIterator<Item = (i32, i32)>) {
        if !self.on {
            return;
        }
        let mut last: Option<(f64, f64)> = None;
        for (x, y) in path {
            let p = (x as f64, y as f64);
            if let Some(a) = last {
                let n = ((p.0 - a.0).hypot(p.1 - a.1) / self.step)
                    .ceil()
                    .min(4096.0) as usize;
                for i in 1..n {
                    let t = i as f64 / n as f64;
                    self.points
                        .push((a.0 + t * (p.0 - a.0), a.1 + t * (p.1 - a.1)));
                }
            }
            self.points.push(p);
            last = Some(p);
        }
    }

    /// A filled rectangle between two corners, as a grid of points.
    fn rect(&mut self, a: (i32, i32), b: (i32, i32)) {
        if !self.on {
            return;
        }
        let (x0, x1) = (a.0.min(b.0) as f64, a.0.max(b.0) as f64);
        let (y0, y1) = (a.1.min(b.1) as f64, a.1.max(b.1) as f64);
        let (nx, ny) = (
            ((x1 - x0) / self.step).ceil().min(512.0) as usize,
            ((y1 - y0) / self.step).ceil().min(512.0) as usize,
        );
        for i in 0..=nx {
            for j in 0..=ny {
                self.points.push((
                    x0 + (x1 - x0) * i as f64 / nx.max(1) as f64,
                    y0 + (y1 - y0) * j as f64 / ny.max(1) as f64,
                ));
            }
        }
    }
}

/// Draws `spec` onto `canvas`, sized to its CSS box × devicePixelRatio. `scale` enlarges type
/// and lines (projector mode); `comma` writes tick labels with a decimal comma (Polish, Russian).
/// `legend_was` is where the legend went in this canvas's last draw (it moves off the data only
/// to an empty corner, and only after wanting it a while); returns where it went now.
pub fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    spec: &ChartSpec,
    scale: f64,
    comma: bool,
    legend_was: Placement,
) -> Result<Placement, String> {
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
        draw_into(chart, &root, &ctx, &spec, (px, comma), legend_was)
    } else {
        let chart = builder
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| e.to_string())?;
        draw_into(chart, &root, &ctx, &spec, (px, comma), legend_was)
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
    (px, comma): (f64, bool),
    legend_was: Placement,
) -> Result<Placement, String>
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
    // Only a chart over a count (steps, iterations, states) moves its legend off the data: its
    // curves grow slowly. Over a continuous axis (densities, scatters, planes) the data sweeps
    // about, the legend would follow it, and two runs of one address would draw it apart.
    let mut ink = Ink {
        points: vec![],
        step: 3.0 * px,
        on: spec.x_integer,
    };
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
                let bars: Vec<[(f64, f64); 2]> = heights
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| h.is_finite() && **h > 0.0)
                    .map(|(i, &h)| {
                        let a = lo + i as f64 * width;
                        [(a, base), (a + width, h.min(spec.y_range.1))]
                    })
                    .collect();
                for [a, b] in &bars {
                    ink.rect(chart.backend_coord(a), chart.backend_coord(b));
                }
                chart
                    .draw_series(bars.into_iter().map(|c| Rectangle::new(c, style)))
                    .map_err(|e| e.to_string())?;
                // A lone unnamed histogram (the autoencoder's code values) needs no legend:
                // its axis says what it counts.
                if !name.is_empty() {
                    legend.push(Entry {
                        name: name.clone(),
                        mark: Mark::Bar { color: *color },
                    });
                }
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
                ink.path(pts.iter().map(|p| chart.backend_coord(p)));
                let style = color.stroke_width(line_w);
                if let [lone] = pts[..] {
                    // A curve's first row (a phase that just began) has no segment to draw:
                    // a dot shows where it starts.
                    let r = (2.0 * line_w as f64).round().max(2.0) as i32;
                    chart
                        .draw_series(std::iter::once(Circle::new(lone, r, color.filled())))
                        .map_err(|e| e.to_string())?;
                }
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
                    ink.path([
                        chart.backend_coord(&(spec.x_range.0, *y)),
                        chart.backend_coord(&(spec.x_range.1, *y)),
                    ]);
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
                for p in visible.clone() {
                    ink.point(chart.backend_coord(&p));
                }
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
                if *nx == 0 || *ny == 0 {
                    continue;
                }
                // The cells span the plot area: one picture, scaled up sharp.
                ctx.set_image_smoothing_enabled(false);
                blit(
                    ctx,
                    &crate::raster::heatmap(*nx, *ny, values, (*lo, *hi), |t| {
                        let c = viridis(t);
                        [c.0, c.1, c.2]
                    }),
                    (*nx, *ny),
                    (
                        area.0.start as f64,
                        area.1.start as f64,
                        area_w as f64,
                        area_h as f64,
                    ),
                )?;
            }
            Layer::Segments {
                name,
                color,
                segments,
            } => {
                let style = color.stroke_width(line_w);
                for (a, b) in segments {
                    let (Some(a), Some(b)) = (clamp_point(*a, spec), clamp_point(*b, spec)) else {
                        continue;
                    };
                    let ends = [chart.backend_coord(&a), chart.backend_coord(&b)];
                    ink.path(ends);
                    root.draw(&PathElement::new(ends.to_vec(), style))
                        .map_err(|e| e.to_string())?;
                }
                if !name.is_empty() {
                    legend.push(Entry {
                        name: name.clone(),
                        mark: Mark::Line {
                            color: *color,
                            dashed: false,
                        },
                    });
                }
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
                    ink.path([pa, pb]);
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
    let legend_at = chart_legend::draw(
        ctx,
        &legend,
        (spec.legend, legend_was),
        (
            area.0.start as f64,
            area.1.start as f64,
            area.0.end as f64,
            area.1.end as f64,
        ),
        px,
        &ink.points,
    );
    root.present().map_err(|e| e.to_string())?;
    Ok(legend_at)
}
