//! Contour lines of a density on a grid: marching squares, and the level that encloses a given
//! share of the mass. Plain Rust, so it is tested natively; the charts draw its segments.

/// The contour lines at `level` of values on an nx × ny grid of cell centres over
/// [x0, x1] × [y0, y1] (row 0 at the bottom), by marching squares with linear interpolation
/// along each edge (a saddle takes one of its two readings).
pub fn contour_segments(
    values: &[f64],
    nx: usize,
    ny: usize,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    level: f64,
) -> Vec<((f64, f64), (f64, f64))> {
    let (dx, dy) = ((x1 - x0) / nx as f64, (y1 - y0) / ny as f64);
    let at = |i: usize, j: usize| values[j * nx + i];
    let pos = |i: f64, j: f64| (x0 + (i + 0.5) * dx, y0 + (j + 0.5) * dy);
    let mut out = vec![];
    for j in 0..ny.saturating_sub(1) {
        for i in 0..nx.saturating_sub(1) {
            // Corners counter-clockwise from the bottom left, and where the level crosses
            // each edge (bottom, right, top, left) as a fraction along it.
            let c = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
            if c.iter().any(|v| !v.is_finite()) {
                continue;
            }
            let above: Vec<bool> = c.iter().map(|&v| v >= level).collect();
            let cross = |a: usize, b: usize| (level - c[a]) / (c[b] - c[a]);
            let edge = |e: usize| -> (f64, f64) {
                let (fi, fj) = (i as f64, j as f64);
                match e {
                    0 => pos(fi + cross(0, 1), fj),
                    1 => pos(fi + 1.0, fj + cross(1, 2)),
                    2 => pos(fi + 1.0 - cross(2, 3), fj + 1.0),
                    _ => pos(fi, fj + 1.0 - cross(3, 0)),
                }
            };
            let crossed: Vec<usize> = (0..4).filter(|&e| above[e] != above[(e + 1) % 4]).collect();
            match crossed.as_slice() {
                [a, b] => out.push((edge(*a), edge(*b))),
                [a, b, c2, d] => {
                    out.push((edge(*a), edge(*b)));
                    out.push((edge(*c2), edge(*d)));
                }
                _ => {}
            }
        }
    }
    out
}

/// The density level whose superlevel set holds `mass` of the total (cells of equal area):
/// the contour that encloses that share of the probability.
pub fn mass_level(values: &[f64], mass: f64) -> Option<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x > 0.0)
        .collect();
    v.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = v.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut acc = 0.0;
    for x in &v {
        acc += x;
        if acc >= mass * total {
            return Some(*x);
        }
    }
    v.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cone's contours lie on its circles: every segment end within a cell of the radius.
    #[test]
    fn contours_of_a_cone_are_circles() {
        let n = 40;
        let cell = 4.0 / n as f64;
        let values: Vec<f64> = (0..n * n)
            .map(|k| {
                let (x, y) = (
                    -2.0 + (k % n) as f64 * cell + cell / 2.0,
                    -2.0 + (k / n) as f64 * cell + cell / 2.0,
                );
                2.0 - x.hypot(y)
            })
            .collect();
        let segs = contour_segments(&values, n, n, (-2.0, 2.0), (-2.0, 2.0), 1.0);
        assert!(segs.len() > 20);
        for (a, b) in segs {
            for p in [a, b] {
                assert!((p.0.hypot(p.1) - 1.0).abs() < 0.02, "{p:?}");
            }
        }
        let level = mass_level(&[4.0, 3.0, 2.0, 1.0], 0.7).unwrap();
        assert_eq!(level, 3.0);
    }
}
