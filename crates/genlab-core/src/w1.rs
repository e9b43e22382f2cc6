//! The 1-D Wasserstein-1 distance, W1(P, Q) = ∫ |F_P(x) − F_Q(x)| dx = ∫₀¹ |F_P⁻¹(u) − F_Q⁻¹(u)| du.
//! Exact for empirical distributions against each other and against a normal distribution.

use crate::math::{normal_cdf, normal_pdf, normal_quantile};

/// ∫_{−∞}^{u} Φ(t) dt = uΦ(u) + φ(u).
fn int_cdf(u: f64) -> f64 {
    if u == f64::NEG_INFINITY {
        0.0
    } else {
        u * normal_cdf(u) + normal_pdf(u, 0.0, 1.0)
    }
}

/// ∫_a^b |c − Φ(t)| dt for a ≤ b, split where Φ crosses the level c.
fn abs_gap(a: f64, b: f64, c: f64) -> f64 {
    if c <= 0.0 {
        // Only happens on (−∞, first sample]: ∫ Φ.
        return int_cdf(b) - int_cdf(a);
    }
    if c >= 1.0 {
        // Only on [last sample, ∞): ∫ (1 − Φ) = φ(a) − a(1 − Φ(a)).
        return normal_pdf(a, 0.0, 1.0) - a * normal_cdf(-a);
    }
    let k = normal_quantile(c).clamp(a, b);
    let below = c * (k - a) - (int_cdf(k) - int_cdf(a));
    let above = (int_cdf(b) - int_cdf(k)) - c * (b - k);
    below + above
}

/// Exact W1 between the empirical distribution of `samples` (equal weights) and N(mean, std²).
/// Non-finite samples make the distance infinite.
pub fn w1_to_normal(samples: &[f64], mean: f64, std: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    if samples.iter().any(|x| !x.is_finite()) {
        return f64::INFINITY;
    }
    let mut u: Vec<f64> = samples.iter().map(|&x| (x - mean) / std).collect();
    u.sort_by(|a, b| a.total_cmp(b));
    let n = u.len() as f64;
    let mut total = abs_gap(f64::NEG_INFINITY, u[0], 0.0);
    for i in 1..u.len() {
        total += abs_gap(u[i - 1], u[i], i as f64 / n);
    }
    total += abs_gap(u[u.len() - 1], f64::INFINITY, 1.0);
    std * total
}

/// Exact W1 between two weighted 1-D distributions (atoms `xs` with weights `ws`, and `ys`, `vs`),
/// as the area between their CDFs. Weights need not be normalised (each side is scaled to 1).
pub fn w1_weighted(xs: &[f64], ws: &[f64], ys: &[f64], vs: &[f64]) -> f64 {
    let wx: f64 = ws.iter().sum();
    let wy: f64 = vs.iter().sum();
    let mut events: Vec<(f64, f64)> = xs.iter().zip(ws).map(|(&x, &w)| (x, w / wx)).collect();
    events.extend(ys.iter().zip(vs).map(|(&y, &v)| (y, -v / wy)));
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    let mut gap = 0.0; // F_P − F_Q just right of the current point
    for w in events.windows(2) {
        gap += w[0].1;
        total += gap.abs() * (w[1].0 - w[0].0);
    }
    total
}

/// Exact W_p between two weighted 1-D distributions by their quantile functions:
/// W_p^p = ∫₀¹ |F⁻¹(u) − G⁻¹(u)|^p du, both quantile functions being steps.
pub fn wp_quantiles(xs: &[f64], ws: &[f64], ys: &[f64], vs: &[f64], p: f64) -> f64 {
    let sorted = |pts: &[f64], w: &[f64]| {
        let total: f64 = w.iter().sum();
        let mut v: Vec<(f64, f64)> = pts
            .iter()
            .zip(w)
            .filter(|(_, &m)| m > 0.0)
            .map(|(&x, &m)| (x, m / total))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    };
    let (a, b) = (sorted(xs, ws), sorted(ys, vs));
    let (mut i, mut j) = (0, 0);
    let (mut left_a, mut left_b) = (
        a.first().map_or(0.0, |x| x.1),
        b.first().map_or(0.0, |x| x.1),
    );
    let mut total = 0.0;
    while i < a.len() && j < b.len() {
        let step = left_a.min(left_b);
        total += step * libm::pow((a[i].0 - b[j].0).abs(), p);
        left_a -= step;
        left_b -= step;
        if left_a <= 1e-15 {
            i += 1;
            left_a = a.get(i).map_or(0.0, |x| x.1);
        }
        if left_b <= 1e-15 {
            j += 1;
            left_b = b.get(j).map_or(0.0, |x| x.1);
        }
    }
    libm::pow(total, 1.0 / p)
}

/// Exact W1 between two equal-weight samples.
pub fn w1_samples(a: &[f64], b: &[f64]) -> f64 {
    w1_weighted(a, &vec![1.0; a.len()], b, &vec![1.0; b.len()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Brute force: trapezoid integration of |F_n − Φ| on a fine grid.
    fn w1_numeric(samples: &[f64]) -> f64 {
        let mut s = samples.to_vec();
        s.sort_by(|a, b| a.total_cmp(b));
        let (lo, hi, steps) = (-12.0, 12.0, 400_000);
        let h = (hi - lo) / steps as f64;
        let mut total = 0.0;
        for i in 0..steps {
            let x = lo + (i as f64 + 0.5) * h;
            let f_n = s.partition_point(|&v| v <= x) as f64 / s.len() as f64;
            total += (f_n - normal_cdf(x)).abs() * h;
        }
        total
    }

    #[test]
    fn exact_formula_matches_brute_force() {
        let mut rng = Rng::new(1);
        for n in [1, 2, 7, 30] {
            let xs: Vec<f64> = (0..n).map(|_| 2.0 * rng.normal() + 0.5).collect();
            let exact = w1_to_normal(&xs, 0.0, 1.0);
            let brute = w1_numeric(&xs);
            assert!((exact - brute).abs() < 1e-4, "n={n}: {exact} vs {brute}");
        }
        // A single atom at the mean: E|Z| = √(2/π).
        assert!(
            (w1_to_normal(&[0.0], 0.0, 1.0) - (2.0 / core::f64::consts::PI).sqrt()).abs() < 1e-12
        );
    }

    #[test]
    fn samples_from_the_target_score_near_zero() {
        let mut rng = Rng::new(11);
        for _ in 0..2 {
            let xs: Vec<f64> = (0..10_000).map(|_| -1.0 + rng.normal()).collect();
            let d = w1_to_normal(&xs, -1.0, 1.0);
            assert!(d < 0.04, "{d}");
        }
    }

    #[test]
    fn uniform_noise_against_the_target_is_1_5175() {
        let mut rng = Rng::new(12);
        let xs: Vec<f64> = (0..100_000).map(|_| rng.uniform()).collect();
        let d = w1_to_normal(&xs, -1.0, 1.0);
        assert!((d - 1.5175).abs() < 0.01, "{d}");
    }

    #[test]
    fn quantile_form_agrees_with_the_cdf_form_for_p_1() {
        let mut rng = Rng::new(21);
        for _ in 0..100 {
            let xs: Vec<f64> = (0..5).map(|_| rng.normal()).collect();
            let ys: Vec<f64> = (0..3).map(|_| rng.normal() + 1.0).collect();
            let ws: Vec<f64> = (0..5).map(|_| rng.uniform() + 0.1).collect();
            let vs: Vec<f64> = (0..3).map(|_| rng.uniform() + 0.1).collect();
            assert!(
                (wp_quantiles(&xs, &ws, &ys, &vs, 1.0) - w1_weighted(&xs, &ws, &ys, &vs)).abs()
                    < 1e-12
            );
        }
    }

    #[test]
    fn weighted_w1_matches_the_lecture_example_and_sample_form() {
        // Lecture 000: X = {1,2,3,4}, μ = (½, 0, ½, 0), ν = (0, ½, 0, ½) → W1 = 1.
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!(
            (w1_weighted(&x, &[0.5, 0.0, 0.5, 0.0], &x, &[0.0, 0.5, 0.0, 0.5]) - 1.0).abs() < 1e-12
        );
        // Equal-size samples: mean |sorted difference|.
        let a = [3.0, -1.0, 2.0];
        let b = [0.0, 5.0, 1.0];
        let want = ((-1.0f64 - 0.0).abs() + (2.0f64 - 1.0).abs() + (3.0f64 - 5.0).abs()) / 3.0;
        assert!((w1_samples(&a, &b) - want).abs() < 1e-12);
        assert!(w1_to_normal(&[f64::NAN], 0.0, 1.0).is_infinite());
    }
}
