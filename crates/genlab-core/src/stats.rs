//! Descriptive statistics for the charts: histograms and kernel density estimates.

use crate::math::{exp, sqrt};

/// Density histogram of `xs` on [lo, hi) with `bins` bins (integrates to the fraction of samples
/// inside the range). Non-finite samples are skipped.
pub fn histogram_density(xs: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut h = vec![0.0; bins];
    let width = (hi - lo) / bins as f64;
    for &x in xs {
        if x.is_finite() && x >= lo && x < hi {
            let i = (((x - lo) / width) as usize).min(bins - 1);
            h[i] += 1.0;
        }
    }
    let scale = 1.0 / (xs.len().max(1) as f64 * width);
    h.iter_mut().for_each(|v| *v *= scale);
    h
}

pub fn mean_std(xs: &[f64]) -> (f64, f64) {
    let n = xs.len().max(1) as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
    (m, sqrt(v))
}

/// Gaussian KDE evaluated on `grid`, with Silverman's bandwidth (floored so a collapsed
/// generator still gives a finite, visible spike). Binned first: cost O(bins·grid), not O(n·grid).
pub fn kde(xs: &[f64], grid: &[f64]) -> Vec<f64> {
    let finite: Vec<f64> = xs.iter().cloned().filter(|x| x.is_finite()).collect();
    if finite.is_empty() || grid.is_empty() {
        return vec![0.0; grid.len()];
    }
    let (_, std) = mean_std(&finite);
    let bw = (1.06 * std * libm::pow(finite.len() as f64, -0.2)).max(0.02);
    let lo = finite.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let bins = 512;
    let width = ((hi - lo) / bins as f64).max(1e-12);
    let mut counts = vec![0.0; bins];
    for &x in &finite {
        counts[(((x - lo) / width) as usize).min(bins - 1)] += 1.0;
    }
    let norm = 1.0 / (finite.len() as f64 * bw * sqrt(2.0 * core::f64::consts::PI));
    grid.iter()
        .map(|&g| {
            counts
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0.0)
                .map(|(i, &c)| {
                    let z = (g - (lo + (i as f64 + 0.5) * width)) / bw;
                    if z.abs() > 8.0 {
                        0.0
                    } else {
                        c * exp(-0.5 * z * z)
                    }
                })
                .sum::<f64>()
                * norm
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::normal_pdf;
    use crate::rng::Rng;

    #[test]
    fn histogram_and_kde_approximate_a_normal_density() {
        let mut rng = Rng::new(4);
        let xs: Vec<f64> = (0..50_000).map(|_| rng.normal()).collect();
        let h = histogram_density(&xs, -4.0, 4.0, 40);
        let integral: f64 = h.iter().map(|v| v * 0.2).sum();
        assert!((integral - 1.0).abs() < 0.001, "{integral}");
        let grid: Vec<f64> = (-20..=20).map(|i| i as f64 * 0.1).collect();
        for (g, d) in grid.iter().zip(kde(&xs, &grid)) {
            assert!((d - normal_pdf(*g, 0.0, 1.0)).abs() < 0.02, "at {g}: {d}");
        }
        assert!(kde(&[f64::NAN], &grid).iter().all(|&v| v == 0.0));
    }
}
