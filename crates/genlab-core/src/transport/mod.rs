//! Optimal transport (lecture 000, "Odległość Wassersteina"): the exact earth mover's distance,
//! entropic Sinkhorn, MMD, and the closed-form W2 between Gaussians.

pub mod assignment;
pub mod emd;
pub mod gaussian;
pub mod mmd;
pub mod settings;
pub mod sinkhorn;
mod trainer;

pub use settings::{Point, TransportSettings};
pub use trainer::{warm_up_query, Move, TransportTrainer, TransportView, METRICS};

/// |x − y|^p between points of any dimension (Euclidean norm).
pub fn cost(x: &[f64], y: &[f64], p: f64) -> f64 {
    let d2: f64 = x.iter().zip(y).map(|(a, b)| (a - b) * (a - b)).sum();
    if p == 2.0 {
        d2
    } else {
        libm::pow(d2.sqrt(), p)
    }
}

/// The cost matrix of W_p between two point sets, after refusing what has no W_p: p < 1 or not
/// finite, a coordinate not finite.
pub fn checked_cost_matrix(
    xs: &[Vec<f64>],
    ys: &[Vec<f64>],
    p: f64,
) -> Result<Vec<f64>, crate::msg::Msg> {
    if !(p >= 1.0 && p.is_finite()) {
        return Err(crate::msg!("msg.ot.bad_p"));
    }
    if xs
        .iter()
        .chain(ys)
        .any(|x| x.iter().any(|c| !c.is_finite()))
    {
        return Err(crate::msg!("msg.ot.bad_point"));
    }
    Ok(cost_matrix(xs, ys, p))
}

/// The cost matrix C_ij = |x_i − y_j|^p (row-major, n × m).
pub fn cost_matrix(xs: &[Vec<f64>], ys: &[Vec<f64>], p: f64) -> Vec<f64> {
    xs.iter()
        .flat_map(|x| ys.iter().map(move |y| cost(x, y, p)))
        .collect()
}
