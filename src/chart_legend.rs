//! A chart's legend, drawn straight on the canvas.
//!
//! plotters lays out its series labels by measuring each one in a `<span>` appended to the page
//! (`offsetHeight`): a forced layout of the whole page per legend, inside the animation frame,
//! while training keeps the page's readouts changing. Here the canvas measures the text.

use plotters::style::RGBColor;
use web_sys::CanvasRenderingContext2d;

use crate::charts::LegendAt;
use crate::legend_corner::{corner, Area, Placement};

/// How a series is marked in the legend.
#[derive(Clone, Copy)]
pub enum Mark {
    Line { color: RGBColor, dashed: bool },
    Bar { color: RGBColor },
    Dot { color: RGBColor, radius: f64 },
}

pub struct Entry {
    pub name: String,
    pub mark: Mark,
}

fn css(color: RGBColor, alpha: f64) -> String {
    format!("rgba({},{},{},{alpha})", color.0, color.1, color.2)
}

/// Draws `entries` in a framed box in a corner of `area` — the chart's preferred one, or where
/// [`corner`] moves it off `ink` (the data's canvas pixels) from the last draw's placement
/// `was` — and returns the placement; `px` canvas pixels per CSS pixel.
pub fn draw(
    ctx: &CanvasRenderingContext2d,
    entries: &[Entry],
    (prefer, was): (LegendAt, Placement),
    area: Area,
    px: f64,
    ink: &[(f64, f64)],
) -> Placement {
    if entries.is_empty() {
        return was;
    }
    let font_px = 12.0 * px;
    ctx.set_font(&format!("{font_px}px sans-serif"));
    let text_w = entries
        .iter()
        .map(|e| ctx.measure_text(&e.name).map(|m| m.width()).unwrap_or(0.0))
        .fold(0.0, f64::max);
    let (pad, mark_w, gap, row) = (6.0 * px, 18.0 * px, 6.0 * px, 1.4 * font_px);
    let (w, h) = (
        pad + mark_w + gap + text_w + pad,
        pad + row * entries.len() as f64 + pad,
    );
    let now = js_sys::Date::now();
    let (placement, (x, y)) = corner(prefer, was, now, area, (w, h), 8.0 * px, ink);
    ctx.set_fill_style_str("rgba(255,255,255,0.85)");
    ctx.fill_rect(x, y, w, h);
    ctx.set_stroke_style_str("rgb(200,200,200)");
    ctx.set_line_width(1.0);
    ctx.stroke_rect(x + 0.5, y + 0.5, w - 1.0, h - 1.0);
    ctx.set_text_align("start");
    ctx.set_text_baseline("middle");
    for (i, entry) in entries.iter().enumerate() {
        let mid = y + pad + row * (i as f64 + 0.5);
        let mark_x = x + pad;
        match entry.mark {
            Mark::Line { color, dashed } => {
                ctx.set_stroke_style_str(&css(color, 1.0));
                ctx.set_line_width((2.0 * px).round().max(1.0));
                if dashed {
                    let dash = js_sys::Array::of2(&(5.0 * px).into(), &(3.0 * px).into());
                    let _ = ctx.set_line_dash(&dash);
                }
                ctx.begin_path();
                ctx.move_to(mark_x, mid);
                ctx.line_to(mark_x + mark_w, mid);
                ctx.stroke();
                let _ = ctx.set_line_dash(&js_sys::Array::new());
            }
            Mark::Bar { color } => {
                ctx.set_fill_style_str(&css(color, 0.35));
                ctx.fill_rect(mark_x, mid - 5.0 * px, mark_w, 10.0 * px);
            }
            Mark::Dot { color, radius } => {
                ctx.set_fill_style_str(&css(color, 1.0));
                ctx.begin_path();
                let _ = ctx.arc(
                    mark_x + mark_w / 2.0,
                    mid,
                    radius.min(row / 2.0),
                    0.0,
                    std::f64::consts::TAU,
                );
                ctx.fill();
            }
        }
        ctx.set_fill_style_str("rgb(0,0,0)");
        let _ = ctx.fill_text(&entry.name, mark_x + mark_w + gap, mid);
    }
    placement
}
