//! A digit drawn on a page's pad, made to look like an MNIST digit before a network sees it (the
//! preprocessing of LeCun et al.'s MNIST): the ink's bounding box is scaled, keeping its aspect,
//! to fit a 20 × 20 box, anti-aliased by area averaging, and placed in the 28 × 28 frame so that
//! its centre of mass sits at the frame's centre. Groundwork for the drawing pads of issue #18.

use crate::msg;
use crate::msg::Msg;

/// The digits' side.
pub const SIDE: usize = 28;
/// The box the ink is scaled into (MNIST's 20 × 20).
const BOX: f64 = 20.0;
/// Pad values at or below this are paper, not ink.
const INK: f32 = 0.05;
/// A pad inked over more than this share is refused: there is no shape left to see.
const FULL: f64 = 0.9;

/// The pad (`width` × `height` values, row-major, 0 paper to 1 ink) as a 28 × 28 digit.
pub fn normalise(pad: &[f32], width: usize, height: usize) -> Result<Vec<f32>, Msg> {
    if width == 0 || height == 0 || pad.len() != width * height {
        return Err(msg!(
            "msg.drawing.size",
            pad.len() as u64,
            width as u64,
            height as u64
        ));
    }
    // Anything not a number in [0, 1] is brought to the nearest (NaN is paper).
    let value = |x: usize, y: usize| {
        let v = pad[y * width + x];
        if v.is_nan() {
            0.0
        } else {
            v.clamp(0.0, 1.0)
        }
    };
    let (mut x0, mut x1, mut y0, mut y1) = (usize::MAX, 0, usize::MAX, 0);
    let mut inked = 0usize;
    for y in 0..height {
        for x in 0..width {
            if value(x, y) > INK {
                inked += 1;
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
            }
        }
    }
    if inked == 0 {
        return Err(msg!("msg.drawing.empty"));
    }
    if inked as f64 > FULL * (width * height) as f64 {
        return Err(msg!("msg.drawing.full"));
    }
    let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
    let scale = BOX / bw.max(bh) as f64;
    let (tw, th) = (
        ((bw as f64 * scale).round() as usize).clamp(1, BOX as usize),
        ((bh as f64 * scale).round() as usize).clamp(1, BOX as usize),
    );
    // Each pad pixel covers scale × scale of the small picture: it adds its value times the
    // area it shares with each cell (a cell's value is the mean ink over it).
    let mut small = vec![0.0f64; tw * th];
    let overlaps = |start: f64, cells: usize| {
        let end = start + scale;
        let first = start.floor().max(0.0) as usize;
        let last = (end.ceil() as usize).min(cells);
        (first..last)
            .map(move |c| (c, (end.min(c as f64 + 1.0) - start.max(c as f64)).max(0.0)))
            .filter(|&(_, o)| o > 0.0)
    };
    for y in y0..=y1 {
        for x in x0..=x1 {
            let v = value(x, y) as f64;
            if v == 0.0 {
                continue;
            }
            let sy = (y - y0) as f64 * scale;
            let sx = (x - x0) as f64 * scale;
            for (cy, oy) in overlaps(sy, th) {
                for (cx, ox) in overlaps(sx, tw) {
                    small[cy * tw + cx] += v * ox * oy;
                }
            }
        }
    }
    // The centre of mass goes to the frame's centre (pixel centres at i + ½).
    let (mut mass, mut mx, mut my) = (0.0, 0.0, 0.0);
    for cy in 0..th {
        for cx in 0..tw {
            let v = small[cy * tw + cx];
            mass += v;
            mx += v * (cx as f64 + 0.5);
            my += v * (cy as f64 + 0.5);
        }
    }
    let centre = SIDE as f64 / 2.0;
    let (ox, oy) = (
        (centre - mx / mass).round() as i64,
        (centre - my / mass).round() as i64,
    );
    let mut digit = vec![0.0f32; SIDE * SIDE];
    for cy in 0..th {
        for cx in 0..tw {
            let (x, y) = (cx as i64 + ox, cy as i64 + oy);
            if (0..SIDE as i64).contains(&x) && (0..SIDE as i64).contains(&y) {
                digit[y as usize * SIDE + x as usize] = small[cy * tw + cx].min(1.0) as f32;
            }
        }
    }
    Ok(digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pad of `w` × `h` with the rectangle [x, x + rw) × [y, y + rh) inked.
    fn pad(w: usize, h: usize, rects: &[(usize, usize, usize, usize)]) -> Vec<f32> {
        let mut p = vec![0.0f32; w * h];
        for &(x, y, rw, rh) in rects {
            for yy in y..y + rh {
                for xx in x..x + rw {
                    p[yy * w + xx] = 1.0;
                }
            }
        }
        p
    }

    fn ink_box(d: &[f32]) -> (usize, usize, usize, usize) {
        let (mut x0, mut x1, mut y0, mut y1) = (SIDE, 0, SIDE, 0);
        for y in 0..SIDE {
            for x in 0..SIDE {
                if d[y * SIDE + x] > 0.0 {
                    (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
                }
            }
        }
        (x0, x1, y0, y1)
    }

    fn centre_of_mass(d: &[f32]) -> (f64, f64) {
        let (mut m, mut mx, mut my) = (0.0, 0.0, 0.0);
        for y in 0..SIDE {
            for x in 0..SIDE {
                let v = d[y * SIDE + x] as f64;
                m += v;
                mx += v * (x as f64 + 0.5);
                my += v * (y as f64 + 0.5);
            }
        }
        (mx / m, my / m)
    }

    /// A "1" drawn small in a corner of a 280 × 280 pad (a 20 × 150 bar): scaled to 20 rows,
    /// its aspect kept, centred, its ink in proportion.
    #[test]
    fn a_stroke_in_a_corner_is_scaled_and_centred_as_mnist_digits_are() {
        let d = normalise(&pad(280, 280, &[(10, 5, 20, 150)]), 280, 280).unwrap();
        let (x0, x1, y0, y1) = ink_box(&d);
        assert_eq!(y1 - y0 + 1, 20, "20 rows tall");
        assert!(x1 - x0 < 4, "a thin bar stays thin: {x0}..{x1}");
        let (cx, cy) = centre_of_mass(&d);
        assert!(
            (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
            "{cx}, {cy}"
        );
        // 20 × 150 pad pixels, each (20/150)² of a cell: 53.3 cells of ink.
        let ink: f64 = d.iter().map(|&v| v as f64).sum();
        assert!(
            (ink - 3000.0 * (20.0f64 / 150.0).powi(2)).abs() < 1e-3,
            "{ink}"
        );
    }

    #[test]
    fn where_and_how_large_it_is_drawn_does_not_matter() {
        let shape = [(0, 0, 6, 2), (4, 2, 2, 8), (0, 10, 6, 2)]; // a "3"-ish, 6 × 12
        let at = |dx: usize, dy: usize| {
            let rects: Vec<_> = shape
                .iter()
                .map(|&(x, y, w, h)| (x + dx, y + dy, w, h))
                .collect();
            normalise(&pad(60, 60, &rects), 60, 60).unwrap()
        };
        assert_eq!(at(3, 4), at(40, 30), "moved on the pad: the same digit");
        let twice: Vec<_> = shape
            .iter()
            .map(|&(x, y, w, h)| (2 * x + 5, 2 * y + 5, 2 * w, 2 * h))
            .collect();
        let big = normalise(&pad(60, 60, &twice), 60, 60).unwrap();
        let diff = big
            .iter()
            .zip(at(3, 4))
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(diff < 1e-5, "drawn twice as large: {diff}");
    }

    #[test]
    fn a_wide_bar_keeps_its_aspect() {
        let d = normalise(&pad(200, 100, &[(20, 40, 160, 16)]), 200, 100).unwrap();
        let (x0, x1, y0, y1) = ink_box(&d);
        assert_eq!(x1 - x0 + 1, 20);
        assert_eq!(y1 - y0 + 1, 2, "16/160 of 20 rows");
    }

    #[test]
    fn empty_full_and_misshapen_pads_are_refused_with_a_reason() {
        assert_eq!(
            normalise(&vec![0.0; 100], 10, 10),
            Err(msg!("msg.drawing.empty"))
        );
        assert_eq!(
            normalise(&vec![1.0; 100], 10, 10),
            Err(msg!("msg.drawing.full"))
        );
        assert_eq!(
            normalise(&[0.5; 7], 3, 3),
            Err(msg!("msg.drawing.size", 7u64, 3u64, 3u64))
        );
        // Values outside [0, 1] and NaN are brought into range, not passed on.
        let mut odd = pad(30, 30, &[(10, 5, 4, 20)]);
        odd[0] = f32::NAN;
        odd[1] = -3.0;
        odd[12 * 30 + 11] = 7.0;
        let d = normalise(&odd, 30, 30).unwrap();
        assert!(d.iter().all(|v| (0.0..=1.0).contains(v)));
    }
}
