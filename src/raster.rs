//! Scatter dots rasterised in Rust into one RGBA buffer, which the chart then blits in a single
//! call. The canvas path API costs a few microseconds per dot (the VAE's latent space has
//! thousands, redrawn several times a second); writing the pixels here costs a fraction of that.
//! Heatmaps likewise: one pixel per cell, blitted once, not a rectangle per cell.
//! Plain Rust, so it is tested natively.

/// A transparent RGBA picture (not premultiplied, as `ImageData` wants it) that dots are
/// painted onto with anti-aliased edges, each new dot over the ones before.
pub struct DotLayer {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
    painted: bool,
    /// The last radius's footprint: offsets from the centre pixel and their coverage (0–255).
    stamp: (f64, Vec<(i32, i32, u8)>),
}

impl DotLayer {
    pub fn new(width: usize, height: usize) -> Self {
        DotLayer {
            width,
            height,
            rgba: vec![0; width * height * 4],
            painted: false,
            stamp: (f64::NAN, Vec::new()),
        }
    }

    /// Whether nothing has been painted.
    pub fn is_empty(&self) -> bool {
        !self.painted
    }

    /// A filled disc of radius `r` pixels centred on pixel (`x`, `y`) — chart coordinates land
    /// on whole pixels — its rim pixels covered in proportion to how far inside the circle they
    /// lie. Parts outside the picture are cut off.
    pub fn dot(&mut self, x: i32, y: i32, r: f64, rgb: [u8; 3]) {
        if !(r > 0.0) {
            return;
        }
        if self.stamp.0 != r {
            self.stamp = (r, footprint(r));
        }
        let (w, h) = (self.width as i32, self.height as i32);
        for &(dx, dy, coverage) in &self.stamp.1 {
            let (px, py) = (x + dx, y + dy);
            if px < 0 || py < 0 || px >= w || py >= h {
                continue;
            }
            let at = (py as usize * self.width + px as usize) * 4;
            let pixel = &mut self.rgba[at..at + 4];
            // The two common cases in integers: a covered pixel, a rim over nothing.
            if coverage == 255 || pixel[3] == 0 {
                pixel.copy_from_slice(&[rgb[0], rgb[1], rgb[2], coverage]);
            } else {
                blend_over(pixel, rgb, coverage as f64 / 255.0);
            }
            self.painted = true;
        }
    }
}

/// The pixels a disc of radius `r` touches, relative to its centre pixel, with their coverage.
fn footprint(r: f64) -> Vec<(i32, i32, u8)> {
    let reach = (r + 1.0).ceil() as i32;
    let mut cells = Vec::new();
    for dy in -reach..=reach {
        for dx in -reach..=reach {
            let distance = ((dx * dx + dy * dy) as f64).sqrt();
            let coverage = (r + 0.5 - distance).clamp(0.0, 1.0);
            if coverage > 0.0 {
                cells.push((dx, dy, (coverage * 255.0).round() as u8));
            }
        }
    }
    cells
}

/// Source-over compositing of colour `rgb` at opacity `alpha` onto one straight-alpha pixel.
fn blend_over(pixel: &mut [u8], rgb: [u8; 3], alpha: f64) {
    let below = pixel[3] as f64 / 255.0;
    let out = alpha + below * (1.0 - alpha);
    if out <= 0.0 {
        return;
    }
    for (channel, &source) in pixel[..3].iter_mut().zip(&rgb) {
        let mixed = (source as f64 * alpha + *channel as f64 * below * (1.0 - alpha)) / out;
        *channel = mixed.round() as u8;
    }
    pixel[3] = (out * 255.0).round() as u8;
}

/// A heatmap's cells as one RGBA picture, nx × ny pixels, one per cell, for the chart to scale
/// onto its plot area in one call: a rectangle per cell cost thousands of canvas calls a frame
/// (the Gaussian–Bernoulli lanes' three 48 × 48 densities, 30 times a second). `values` is
/// row-major with row 0 at the bottom, as the chart's y axis runs; a value maps from [lo, hi]
/// onto [0, 1] and through `scale` (the chart's viridis), one that is not finite is grey, a
/// missing one leaves its cell clear.
pub fn heatmap(
    nx: usize,
    ny: usize,
    values: &[f64],
    (lo, hi): (f64, f64),
    scale: impl Fn(f64) -> [u8; 3],
) -> Vec<u8> {
    let span = if hi > lo { hi - lo } else { 1.0 };
    let mut rgba = vec![0; nx * ny * 4];
    for (row, line) in rgba.chunks_exact_mut(nx * 4).enumerate() {
        let r = ny - 1 - row;
        for (c, px) in line.chunks_exact_mut(4).enumerate() {
            let Some(&v) = values.get(r * nx + c) else {
                continue;
            };
            let [red, green, blue] = if v.is_finite() {
                scale((v - lo) / span)
            } else {
                [200, 200, 200]
            };
            px.copy_from_slice(&[red, green, blue, 255]);
        }
    }
    rgba
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Row 0 of the values is the picture's bottom row; lo and hi map to the scale's ends; a
    /// value that is not finite is grey and a missing one is clear.
    #[test]
    fn a_heatmaps_rows_run_up_and_its_colours_follow_the_scale() {
        let values = [0.0, 1.0, 2.0, f64::NAN, 4.0];
        let scale = |t: f64| [(t * 100.0) as u8, 7, 9];
        let rgba = heatmap(2, 3, &values, (0.0, 4.0), scale);
        let px =
            |x: usize, y: usize| -> [u8; 4] { rgba[(y * 2 + x) * 4..][..4].try_into().unwrap() };
        assert_eq!(px(0, 2), [0, 7, 9, 255]);
        assert_eq!(px(1, 2), [25, 7, 9, 255]);
        assert_eq!(px(0, 1), [50, 7, 9, 255]);
        assert_eq!(px(1, 1), [200, 200, 200, 255]);
        assert_eq!(px(0, 0), [100, 7, 9, 255]);
        assert_eq!(px(1, 0), [0, 0, 0, 0]);
    }

    fn pixel(layer: &DotLayer, x: usize, y: usize) -> [u8; 4] {
        let at = (y * layer.width + x) * 4;
        layer.rgba[at..at + 4].try_into().unwrap()
    }

    #[test]
    fn a_dot_is_opaque_inside_clear_outside_and_soft_at_its_rim() {
        let mut layer = DotLayer::new(20, 20);
        assert!(layer.is_empty());
        layer.dot(10, 10, 3.0, [200, 10, 20]);
        assert!(!layer.is_empty());
        assert_eq!(pixel(&layer, 10, 10), [200, 10, 20, 255]);
        assert_eq!(pixel(&layer, 10, 12), [200, 10, 20, 255]);
        // 5 pixels from the centre: outside a radius of 3 plus the half-pixel rim.
        assert_eq!(pixel(&layer, 15, 10)[3], 0);
        assert_eq!(pixel(&layer, 0, 0)[3], 0);
        // (12, 12) lies 2.83 from the centre: on the rim, partly covered.
        let rim = pixel(&layer, 12, 12)[3];
        assert!(rim > 0 && rim < 255, "rim alpha {rim}");
        // The painted area is close to π r² (anti-aliasing spreads, not adds, coverage).
        let area: f64 = layer
            .rgba
            .chunks_exact(4)
            .map(|p| p[3] as f64 / 255.0)
            .sum();
        let exact = std::f64::consts::PI * 9.0;
        assert!(
            (area - exact).abs() < 0.05 * exact,
            "area {area} vs {exact}"
        );
    }

    #[test]
    fn a_later_dot_covers_an_earlier_one_and_edges_are_cut_off() {
        let mut layer = DotLayer::new(8, 8);
        layer.dot(4, 4, 2.0, [255, 0, 0]);
        layer.dot(4, 4, 2.0, [0, 0, 255]);
        assert_eq!(pixel(&layer, 4, 4), [0, 0, 255, 255]);
        // Centred on the corner and far outside: no panic, only the inside painted.
        layer.dot(0, 0, 3.0, [0, 255, 0]);
        layer.dot(-50, 100, 3.0, [0, 255, 0]);
        layer.dot(1, 1, f64::NAN, [0, 255, 0]);
        assert_eq!(pixel(&layer, 0, 0), [0, 255, 0, 255]);
        assert_eq!(pixel(&layer, 7, 7)[3], 0);
        let mut untouched = DotLayer::new(4, 4);
        untouched.dot(-50, 100, 3.0, [0, 255, 0]);
        assert!(untouched.is_empty());
    }

    #[test]
    fn half_transparent_over_opaque_stays_opaque_and_mixes() {
        let mut pixel = [0, 0, 200, 255];
        blend_over(&mut pixel, [200, 0, 0], 0.5);
        assert_eq!(pixel, [100, 0, 100, 255]);
        let mut clear = [0, 0, 0, 0];
        blend_over(&mut clear, [10, 20, 30], 0.25);
        assert_eq!(clear, [10, 20, 30, 64]);
    }
}
