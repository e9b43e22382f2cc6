//! Closed-form facts of the GAN game (Goodfellow et al. 2014, as in lectures 003/004), computed
//! on densities tabulated on a grid.
//!
//! For a fixed generator the best discriminator is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and
//! the value of the game there is V(D*, G) = −log 4 + 2·JSD(p_data ‖ p_g): its minimum −log 4 is
//! reached exactly when p_g = p_data.

use crate::math::log;

const LOG_TINY: f64 = -745.0;

/// D*(x) pointwise; ½ where both densities vanish (no data either way).
pub fn optimal_discriminator(p_data: f64, p_g: f64) -> f64 {
    let total = p_data + p_g;
    if total > 0.0 {
        p_data / total
    } else {
        0.5
    }
}

/// −log 4, the value of the game at equilibrium.
pub fn equilibrium_value() -> f64 {
    -log(4.0)
}

/// V(D, G) = E_data[log D(x)] + E_g[log(1 − D(x))], by the midpoint rule on a uniform grid
/// of spacing `dx` (densities and D tabulated at the same points).
pub fn game_value(p_data: &[f64], p_g: &[f64], d: &[f64], dx: f64) -> f64 {
    p_data
        .iter()
        .zip(p_g)
        .zip(d)
        .map(|((&pd, &pg), &dv)| {
            // Logs are floored at ln(smallest double) so a density that underflowed to a
            // denormal beside a D that rounded to 0 or 1 contributes ~0, as it should, not −∞.
            let real = if pd > 0.0 {
                pd * log(dv).max(LOG_TINY)
            } else {
                0.0
            };
            let fake = if pg > 0.0 {
                pg * log(1.0 - dv).max(LOG_TINY)
            } else {
                0.0
            };
            (real + fake) * dx
        })
        .sum()
}

/// Jensen–Shannon divergence (natural log) of two tabulated densities.
pub fn jsd(p: &[f64], q: &[f64], dx: f64) -> f64 {
    let kl_to_mix = |a: &[f64], b: &[f64]| -> f64 {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| {
                let m = 0.5 * (x + y);
                if x > 0.0 {
                    x * log(x / m) * dx
                } else {
                    0.0
                }
            })
            .sum()
    };
    0.5 * kl_to_mix(p, q) + 0.5 * kl_to_mix(q, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::normal_pdf;

    fn grid() -> (Vec<f64>, f64) {
        let dx = 0.002;
        (
            (0..25_000).map(|i| -25.0 + (i as f64 + 0.5) * dx).collect(),
            dx,
        )
    }

    #[test]
    fn value_at_optimal_d_is_minus_log4_plus_2_jsd() {
        let (xs, dx) = grid();
        for (mg, sg) in [(-1.0, 1.0), (0.0, 1.0), (0.5, 0.3), (-3.0, 2.0)] {
            let pd: Vec<f64> = xs.iter().map(|&x| normal_pdf(x, -1.0, 1.0)).collect();
            let pg: Vec<f64> = xs.iter().map(|&x| normal_pdf(x, mg, sg)).collect();
            let d_star: Vec<f64> = pd
                .iter()
                .zip(&pg)
                .map(|(&a, &b)| optimal_discriminator(a, b))
                .collect();
            let v = game_value(&pd, &pg, &d_star, dx);
            let j = jsd(&pd, &pg, dx);
            assert!(
                (v - (equilibrium_value() + 2.0 * j)).abs() < 1e-6,
                "N({mg},{sg}²): {v} vs {j}"
            );
            // D* is the best response: any other D does worse for the discriminator.
            for eps in [-0.05, 0.05] {
                let other: Vec<f64> = d_star
                    .iter()
                    .map(|&d| (d + eps).clamp(1e-9, 1.0 - 1e-9))
                    .collect();
                let worse = game_value(&pd, &pg, &other, dx);
                assert!(worse < v, "N({mg},{sg}²) eps {eps}: {worse} vs {v}");
            }
        }
        // Same distributions: JSD = 0 and the value is exactly −log 4.
        let pd: Vec<f64> = xs.iter().map(|&x| normal_pdf(x, -1.0, 1.0)).collect();
        assert!(jsd(&pd, &pd, dx).abs() < 1e-12);
    }

    #[test]
    fn jsd_of_disjoint_supports_is_log2() {
        let p = [1.0, 1.0, 0.0, 0.0];
        let q = [0.0, 0.0, 1.0, 1.0];
        assert!((jsd(&p, &q, 0.5) - crate::math::LN_2).abs() < 1e-12);
    }
}
