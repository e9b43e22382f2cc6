use super::*;

fn random_rbm(d: usize, h: usize, scale: f64, seed: u64) -> BatchRbm<f32> {
    let mut rng = Rng::new(seed);
    let mut rbm = BatchRbm::<f32>::new(d, h, &mut rng);
    for p in &mut rbm.params {
        *p = (scale * rng.normal()) as f32;
    }
    rbm
}

/// Every visible state (binary units, then one unit of the softmax group on).
fn visible_states(d: usize, tail: usize) -> Vec<Vec<f32>> {
    let binary = d - tail;
    let mut out = vec![];
    for mask in 0u32..1 << binary {
        let bits: Vec<f32> = (0..binary).map(|i| ((mask >> i) & 1) as f32).collect();
        if tail == 0 {
            out.push(bits);
        } else {
            for k in 0..tail {
                let mut v = bits.clone();
                v.extend((0..tail).map(|t| (t == k) as u8 as f32));
                out.push(v);
            }
        }
    }
    out
}

/// log Σ over every (v, h) of e^{vᵀWh + bᵀv + cᵀh}: the definition, nothing shared with the
/// code under test.
fn brute_force(rbm: RbmRef) -> f64 {
    let mut terms = vec![];
    for v in visible_states(rbm.d, rbm.tail) {
        for mask in 0u32..1 << rbm.h {
            let hs: Vec<f64> = (0..rbm.h).map(|j| ((mask >> j) & 1) as f64).collect();
            let mut minus_e = 0.0;
            for i in 0..rbm.d {
                minus_e += v[i] as f64 * rbm.b(i);
                for j in 0..rbm.h {
                    minus_e += v[i] as f64 * rbm.w(i, j) * hs[j];
                }
            }
            for j in 0..rbm.h {
                minus_e += rbm.c(j) * hs[j];
            }
            terms.push(minus_e);
        }
    }
    log_sum_exp(&terms)
}

#[test]
fn exact_sums_over_either_layer_equal_the_brute_force_sum() {
    // (d, h, tail): enumerate hidden (h smaller), visible (binary part smaller), with and
    // without the label group.
    for &(d, h, tail) in &[(9, 4, 0), (4, 9, 0), (8, 3, 3), (6, 10, 3), (5, 5, 0)] {
        let rbm = random_rbm(d, h, 0.8, d as u64 * 31 + h as u64);
        let r = RbmRef::new(&rbm, tail);
        let exact = exact_log_z(r).unwrap();
        let truth = brute_force(r);
        assert!(
            (exact - truth).abs() < 1e-4,
            "{d}×{h} tail {tail}: {exact} vs {truth}"
        );
        // Both enumerations agree where both apply.
        let (a, b) = (sum_over_hidden(r), sum_over_visible(r));
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
}

#[test]
fn exact_refuses_two_wide_layers() {
    let rbm = random_rbm(EXACT_MAX_UNITS + 1, EXACT_MAX_UNITS + 1, 0.1, 1);
    assert!(!RbmRef::new(&rbm, 0).exact_possible());
    assert_eq!(exact_log_z(RbmRef::new(&rbm, 0)), None);
}

#[test]
fn free_energy_gives_normalised_probabilities() {
    let rbm = random_rbm(7, 5, 0.7, 9);
    for tail in [0, 3] {
        let r = RbmRef::new(&rbm, tail);
        let z = exact_log_z(r).unwrap();
        let states: Vec<f32> = visible_states(7, tail).concat();
        let total: f64 = free_energies(r, &states).iter().map(|f| exp(-f - z)).sum();
        assert!((total - 1.0).abs() < 1e-5, "tail {tail}: Σ p(v) = {total}");
    }
}

/// AIS lands within its reported spread (three standard deviations of the runs' mean) of the
/// exact value, and its error falls as the temperatures grow; at zero weights it is exact.
#[test]
fn ais_converges_to_the_exact_log_z() {
    for tail in [0, 4] {
        let rbm = random_rbm(24, 10, 0.5, 5 + tail as u64);
        let r = RbmRef::new(&rbm, tail);
        let exact = exact_log_z(r).unwrap();
        let mut data = vec![];
        let mut rng = Rng::new(2);
        for _ in 0..200 {
            data.extend((0..24).map(|_| rng.bernoulli(0.3) as u8 as f32));
        }
        let base = base_rate_biases(&data, 24, tail);
        let mut errors = vec![];
        for &k in &[10, 100, 2000] {
            let est = ais(r, &base, k, 32, 8, &mut Rng::new(k as u64));
            eprintln!(
                "tail {tail} K {k}: {} ± {} vs exact {exact}",
                est.log_z, est.spread
            );
            errors.push((est.log_z - exact).abs());
            if k == 2000 {
                let standard_error = est.spread / (est.runs.len() as f64).sqrt();
                assert!(
                    (est.log_z - exact).abs() < 3.0 * standard_error + 0.02,
                    "{} ± {} vs {exact}",
                    est.log_z,
                    est.spread
                );
            }
        }
        assert!(errors[2] < errors[0], "{errors:?}");
    }
    // At W = 0, c = 0 and b = b_A every importance weight is 1.
    let mut rbm = random_rbm(6, 3, 0.0, 1);
    let base = vec![0.3, -0.2, 1.0, 0.0, -1.0, 0.5];
    rbm.params[18..24]
        .iter_mut()
        .zip(&base)
        .for_each(|(p, &b)| *p = b as f32);
    let est = ais(RbmRef::new(&rbm, 0), &base, 5, 4, 2, &mut Rng::new(1));
    let exact = exact_log_z(RbmRef::new(&rbm, 0)).unwrap();
    assert!(
        (est.log_z - exact).abs() < 1e-6 && est.spread < 1e-6,
        "{est:?} vs {exact}"
    );
}
