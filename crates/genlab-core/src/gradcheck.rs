//! The shared gradient checker: every hand-derived backward pass in genlab is compared with
//! central finite differences of its forward pass, in f64.

/// Largest relative error between `analytic` and the central difference of `loss` around
/// `params`, over every coordinate (or `max_coords` of them, evenly spaced, for big models).
/// The relative error is |a − n| / max(|a| + |n|, floor), so tiny gradients are judged absolutely.
pub fn max_relative_error(
    params: &[f64],
    analytic: &[f64],
    loss: impl FnMut(&[f64]) -> f64,
    h: f64,
    max_coords: usize,
) -> (f64, usize) {
    max_error_with_floor(params, analytic, loss, h, max_coords, 1e-6)
}

/// As [`max_relative_error`], with the magnitude below which errors count absolutely. A loss
/// of hundreds of nats (the VAE's) leaves central differences a rounding noise of about
/// |loss|·1e-16/h, so its tiny gradients need a larger floor.
pub fn max_error_with_floor(
    params: &[f64],
    analytic: &[f64],
    mut loss: impl FnMut(&[f64]) -> f64,
    h: f64,
    max_coords: usize,
    floor: f64,
) -> (f64, usize) {
    assert_eq!(params.len(), analytic.len());
    let n = params.len();
    let stride = (n / max_coords.max(1)).max(1);
    let mut p = params.to_vec();
    let mut worst = (0.0, 0);
    for i in (0..n).step_by(stride) {
        let orig = p[i];
        p[i] = orig + h;
        let up = loss(&p);
        p[i] = orig - h;
        let down = loss(&p);
        p[i] = orig;
        let numeric = (up - down) / (2.0 * h);
        let err = (analytic[i] - numeric).abs() / (analytic[i].abs() + numeric.abs()).max(floor);
        if err > worst.0 {
            worst = (err, i);
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_a_wrong_gradient() {
        let f = |p: &[f64]| p[0] * p[0] * p[1] + p[1].sin();
        let x = [0.7f64, -1.3];
        let right = [2.0 * x[0] * x[1], x[0] * x[0] + x[1].cos()];
        let wrong = [right[0], right[1] * 1.01];
        assert!(max_relative_error(&x, &right, f, 1e-5, 10).0 < 1e-8);
        assert!(max_relative_error(&x, &wrong, f, 1e-5, 10).0 > 1e-3);
    }
}
