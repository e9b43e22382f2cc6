//! The exact earth mover's distance between two discrete measures: a min-cost flow from the
//! source masses to the target masses over the complete bipartite graph, by successive shortest
//! paths with Dijkstra on reduced costs. Every augmentation empties a supply, fills a demand or
//! cancels a reverse flow, so for the sizes the lesson uses (≤ 50 points a side) it is exact and
//! fast. Masses need not be equal in total: each side is normalised to 1.

use crate::msg;
use crate::msg::Msg;

/// An optimal plan and its cost Σ γ_ij C_ij.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub n: usize,
    pub m: usize,
    /// γ_ij, row-major n × m.
    pub flow: Vec<f64>,
    pub cost: f64,
}

impl Plan {
    pub fn at(&self, i: usize, j: usize) -> f64 {
        self.flow[i * self.m + j]
    }
}

/// Why masses cannot be transported.
pub fn check_masses(a: &[f64]) -> Result<f64, Msg> {
    if a.is_empty() {
        return Err(msg!("msg.ot.no_points"));
    }
    if a.iter().any(|w| !w.is_finite() || *w < 0.0) {
        return Err(msg!("msg.ot.bad_mass"));
    }
    let total: f64 = a.iter().sum();
    if total <= 0.0 {
        return Err(msg!("msg.ot.zero_mass"));
    }
    Ok(total)
}

/// Solves min Σ γ_ij C_ij subject to Σ_j γ_ij = a_i, Σ_i γ_ij = b_j (after normalising a, b).
pub fn solve(a: &[f64], b: &[f64], cost: &[f64]) -> Result<Plan, Msg> {
    let (n, m) = (a.len(), b.len());
    let ta = check_masses(a)?;
    let tb = check_masses(b)?;
    if cost.len() != n * m || cost.iter().any(|c| !c.is_finite()) {
        return Err(msg!("msg.ot.bad_cost"));
    }
    let eps = 1e-13;
    let mut supply: Vec<f64> = a.iter().map(|x| x / ta).collect();
    let mut demand: Vec<f64> = b.iter().map(|x| x / tb).collect();
    let mut flow = vec![0.0; n * m];
    // Potentials for reduced costs: u on sources, v on targets; the reduced cost of i → j is
    // C_ij + u_i − v_j ≥ 0. Start with u = 0 and v_j = min_i C_ij.
    let mut u = vec![0.0; n];
    let mut v: Vec<f64> = (0..m)
        .map(|j| {
            (0..n)
                .map(|i| cost[i * m + j])
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    // The sink's potential: at most every target's, so each j → T starts with reduced cost ≥ 0.
    // Updates shift only settled nodes (by d − D ≤ 0), which keeps that true.
    let h_t = v.iter().cloned().fold(f64::INFINITY, f64::min);
    let mut remaining = 1.0;
    let mut guard = 0;
    while remaining > 1e-12 && guard < 10 * (n + m) * (n + m) + 100 {
        guard += 1;
        // Dijkstra from every source with supply left (they share one potential, so all start at
        // 0) over the residual graph: forward edges i → j with reduced cost C_ij + u_i − v_j,
        // backward edges j → i where flow > 0 with reduced cost v_j − u_i − C_ij (0 on edges
        // carrying flow).
        let mut dist_s = vec![f64::INFINITY; n];
        let mut dist_t = vec![f64::INFINITY; m];
        let mut prev_t = vec![usize::MAX; m]; // source node before target j
        let mut prev_s = vec![usize::MAX; n]; // target node before source i (via a backward edge)
        let mut done_s = vec![false; n];
        let mut done_t = vec![false; m];
        for i in 0..n {
            if supply[i] > eps {
                dist_s[i] = 0.0;
            }
        }
        // The sink T is a node too: edges j → T from targets with demand left, reduced cost
        // v_j − h_t ≥ 0. Targets' potentials differ, so the cheapest augmenting path is found
        // only by settling T itself, not by stopping at the first target with demand.
        let mut dist_sink = f64::INFINITY;
        let mut sink_target = usize::MAX;
        loop {
            // Pick the closest unsettled node (dense: O(n + m)); sources win ties.
            let mut best = (f64::INFINITY, 0usize, false);
            for i in 0..n {
                if !done_s[i] && dist_s[i] < best.0 {
                    best = (dist_s[i], i, true);
                }
            }
            for j in 0..m {
                if !done_t[j] && dist_t[j] < best.0 {
                    best = (dist_t[j], j, false);
                }
            }
            if dist_sink <= best.0 {
                break;
            }
            let (d, k, is_source) = best;
            if is_source {
                done_s[k] = true;
                for j in 0..m {
                    if !done_t[j] {
                        let rc = (cost[k * m + j] + u[k] - v[j]).max(0.0);
                        if d + rc < dist_t[j] {
                            dist_t[j] = d + rc;
                            prev_t[j] = k;
                        }
                    }
                }
            } else {
                done_t[k] = true;
                if demand[k] > eps {
                    let rc = (v[k] - h_t).max(0.0);
                    if d + rc < dist_sink {
                        dist_sink = d + rc;
                        sink_target = k;
                    }
                }
                for i in 0..n {
                    if !done_s[i] && flow[i * m + k] > eps {
                        let rc = (v[k] - u[i] - cost[i * m + k]).max(0.0);
                        if d + rc < dist_s[i] {
                            dist_s[i] = d + rc;
                            prev_s[i] = k;
                        }
                    }
                }
            }
        }
        if sink_target == usize::MAX {
            return Err(msg!("msg.ot.unmatched"));
        }
        let d_sink = dist_sink;
        // Update potentials on settled nodes so reduced costs stay ≥ 0.
        for i in 0..n {
            if done_s[i] {
                u[i] -= d_sink - dist_s[i];
            }
        }
        for j in 0..m {
            if done_t[j] {
                v[j] -= d_sink - dist_t[j];
            }
        }
        // Walk back the path: target ← source (forward) ← target (backward) ← … ← source.
        let mut bottleneck = demand[sink_target];
        let mut j = sink_target;
        loop {
            let i = prev_t[j];
            let back = prev_s[i];
            if back == usize::MAX {
                bottleneck = bottleneck.min(supply[i]);
                break;
            }
            bottleneck = bottleneck.min(flow[i * m + back]);
            j = back;
        }
        let mut j = sink_target;
        loop {
            let i = prev_t[j];
            flow[i * m + j] += bottleneck;
            let back = prev_s[i];
            if back == usize::MAX {
                supply[i] -= bottleneck;
                break;
            }
            flow[i * m + back] -= bottleneck;
            j = back;
        }
        demand[sink_target] -= bottleneck;
        remaining -= bottleneck;
    }
    flow.iter_mut().for_each(|f| {
        if *f < 1e-15 {
            *f = 0.0
        }
    });
    let total: f64 = flow.iter().zip(cost).map(|(f, c)| f * c).sum();
    Ok(Plan {
        n,
        m,
        flow,
        cost: total,
    })
}

/// W_p between two weighted point sets: (min Σ γ_ij |x_i − y_j|^p)^(1/p), with its plan.
pub fn wasserstein(
    xs: &[Vec<f64>],
    a: &[f64],
    ys: &[Vec<f64>],
    b: &[f64],
    p: f64,
) -> Result<(f64, Plan), Msg> {
    let plan = solve(a, b, &super::checked_cost_matrix(xs, ys, p)?)?;
    Ok((libm::pow(plan.cost.max(0.0), 1.0 / p), plan))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::w1::w1_weighted;

    fn pts(xs: &[f64]) -> Vec<Vec<f64>> {
        xs.iter().map(|&x| vec![x]).collect()
    }

    #[test]
    fn the_lecture_example_is_exactly_one() {
        let x = pts(&[1.0, 2.0, 3.0, 4.0]);
        let (w, plan) =
            wasserstein(&x, &[0.5, 0.0, 0.5, 0.0], &x, &[0.0, 0.5, 0.0, 0.5], 1.0).unwrap();
        assert!((w - 1.0).abs() < 1e-12, "{w}");
        // The lecture's plan: 1 → 2 and 3 → 4, half each.
        assert!((plan.at(0, 1) - 0.5).abs() < 1e-12 && (plan.at(2, 3) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn equals_the_cdf_formula_in_one_dimension() {
        let mut rng = Rng::new(5);
        for _ in 0..200 {
            let (n, m) = (1 + rng.below(8), 1 + rng.below(8));
            let xs: Vec<f64> = (0..n).map(|_| rng.normal() * 3.0).collect();
            let ys: Vec<f64> = (0..m).map(|_| rng.normal() * 3.0 + 1.0).collect();
            let a: Vec<f64> = (0..n).map(|_| rng.uniform() + 0.01).collect();
            let b: Vec<f64> = (0..m).map(|_| rng.uniform() + 0.01).collect();
            let (w, plan) = wasserstein(&pts(&xs), &a, &pts(&ys), &b, 1.0).unwrap();
            let want = w1_weighted(&xs, &a, &ys, &b);
            assert!((w - want).abs() < 1e-9, "{w} vs {want}");
            // The plan's marginals are the (normalised) masses.
            let ta: f64 = a.iter().sum();
            for i in 0..n {
                let row: f64 = (0..m).map(|j| plan.at(i, j)).sum();
                assert!((row - a[i] / ta).abs() < 1e-9);
            }
        }
    }

    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![vec![]];
        }
        let mut out = vec![];
        for p in permutations(n - 1) {
            for k in 0..=p.len() {
                let mut q = p.clone();
                q.insert(k, n - 1);
                out.push(q);
            }
        }
        out
    }

    #[test]
    fn equals_brute_force_over_permutations_for_equal_clouds() {
        let mut rng = Rng::new(8);
        for n in 1..=6 {
            for p in [1.0, 2.0] {
                let xs: Vec<Vec<f64>> = (0..n).map(|_| vec![rng.normal(), rng.normal()]).collect();
                let ys: Vec<Vec<f64>> = (0..n)
                    .map(|_| vec![rng.normal() + 1.0, rng.normal()])
                    .collect();
                let brute = permutations(n)
                    .iter()
                    .map(|perm| {
                        perm.iter()
                            .enumerate()
                            .map(|(i, &j)| super::super::cost(&xs[i], &ys[j], p))
                            .sum::<f64>()
                            / n as f64
                    })
                    .fold(f64::INFINITY, f64::min);
                let (w, _) = wasserstein(&xs, &vec![1.0; n], &ys, &vec![1.0; n], p).unwrap();
                assert!(
                    (w.powf(p) - brute).abs() < 1e-9,
                    "n={n} p={p}: {} vs {brute}",
                    w.powf(p)
                );
            }
        }
    }

    #[test]
    fn is_a_metric_on_random_measures() {
        let mut rng = Rng::new(13);
        let measure = |rng: &mut Rng| {
            let n = 1 + rng.below(6);
            let xs: Vec<Vec<f64>> = (0..n).map(|_| vec![rng.normal(), rng.normal()]).collect();
            let w: Vec<f64> = (0..n).map(|_| rng.uniform() + 0.05).collect();
            (xs, w)
        };
        for _ in 0..100 {
            let (x, a) = measure(&mut rng);
            let (y, b) = measure(&mut rng);
            let (z, c) = measure(&mut rng);
            let d = |p: &[Vec<f64>], pa: &[f64], q: &[Vec<f64>], qa: &[f64]| {
                wasserstein(p, pa, q, qa, 1.0).unwrap().0
            };
            let (xy, yx) = (d(&x, &a, &y, &b), d(&y, &b, &x, &a));
            assert!((xy - yx).abs() < 1e-9, "symmetric");
            assert!(
                d(&x, &a, &z, &c) <= xy + d(&y, &b, &z, &c) + 1e-9,
                "triangle inequality"
            );
            assert!(d(&x, &a, &x, &a).abs() < 1e-12, "zero on equal measures");
            // Zero only if equal: a moved point makes it positive.
            let mut x2 = x.clone();
            x2[0][0] += 0.1;
            assert!(d(&x, &a, &x2, &a) > 1e-6);
        }
    }

    #[test]
    fn bad_masses_are_refused_with_a_reason() {
        let x = pts(&[0.0, 1.0]);
        assert!(wasserstein(&x, &[0.0, 0.0], &x, &[1.0, 1.0], 1.0)
            .unwrap_err()
            .to_string()
            .contains("zero"));
        assert!(wasserstein(&x, &[-1.0, 2.0], &x, &[1.0, 1.0], 1.0)
            .unwrap_err()
            .to_string()
            .contains("negative"));
        assert!(wasserstein(&x, &[f64::NAN, 2.0], &x, &[1.0, 1.0], 1.0).is_err());
        assert!(wasserstein(&x, &[1.0, 1.0], &x, &[1.0, 1.0], 0.5).is_err());
        // Coincident points are fine.
        let (w, _) = wasserstein(
            &pts(&[1.0, 1.0]),
            &[1.0, 1.0],
            &pts(&[1.0, 1.0]),
            &[2.0, 0.0],
            1.0,
        )
        .unwrap();
        assert_eq!(w, 0.0);
    }
}
