use super::*;
use crate::rbm::log_z::exact_log_z;

fn random_rbm(d: usize, h: usize, scale: f64, rng: &mut Rng) -> BatchRbm<f32> {
    let mut rbm = BatchRbm::<f32>::new(d, h, rng);
    rbm.params
        .iter_mut()
        .for_each(|p| *p = (scale * rng.normal()) as f32);
    rbm
}

fn bits(mask: usize, n: usize) -> Vec<f32> {
    (0..n).map(|i| ((mask >> i) & 1) as f32).collect()
}

/// log p(x | h) of a directed layer, written out from its definition.
fn log_p_down(layer: &BatchRbm<f32>, x: &[f32], h: &[f32]) -> f64 {
    (0..layer.d)
        .map(|i| {
            let a = layer.params[layer.d * layer.h + i] as f64
                + (0..layer.h)
                    .map(|j| layer.params[i * layer.h + j] as f64 * h[j] as f64)
                    .sum::<f64>();
            let p = sigmoid64(a);
            if x[i] > 0.5 {
                p.ln()
            } else {
                (1.0 - p).ln()
            }
        })
        .sum()
}

/// A two-layer DBN small enough to enumerate: the sampled bound converges to the bound summed
/// over every h₁, which lies below the exact log p(v) = log Σ_{h₁} p_top(h₁) p(v | h₁).
#[test]
fn lower_bound_matches_enumeration_and_stays_below_log_p() {
    for tail in [0, LABELS] {
        let mut rng = Rng::new(3 + tail as u64);
        let (d, h1, h2) = (5, 3, 4);
        let bottom = random_rbm(d, h1, 0.9, &mut rng);
        let top = random_rbm(h1 + tail, h2, 0.9, &mut rng);
        let top_ref = RbmRef::new(&top, tail);
        let log_z = exact_log_z(top_ref).unwrap();
        for mask in [0b10110, 0b00001] {
            let v = bits(mask, d);
            let mut q_pre = vec![];
            bottom.hidden_input(&v, 1, &mut q_pre);
            let q: Vec<f64> = q_pre.iter().map(|&a| sigmoid64(a as f64)).collect();
            let (mut bound, mut log_terms) = (0.0, vec![]);
            for hm in 0..1 << h1 {
                let h = bits(hm, h1);
                let log_q: f64 = (0..h1)
                    .map(|j| {
                        if h[j] > 0.5 {
                            q[j].ln()
                        } else {
                            (1.0 - q[j]).ln()
                        }
                    })
                    .sum();
                let log_top = top_log_marginal(top_ref, &h)[0] - log_z;
                let joint = log_top + log_p_down(&bottom, &v, &h);
                bound += log_q.exp() * (joint - log_q);
                log_terms.push(joint);
            }
            let log_p = log_sum_exp(&log_terms);
            let layers = [bottom.clone(), top.clone()];
            let sampled = lower_bound(&layers, tail, log_z, &v, 40_000, &mut Rng::new(9));
            assert!(
                (sampled - bound).abs() < 0.02,
                "tail {tail}: {sampled} vs {bound}"
            );
            assert!(
                bound <= log_p + 1e-9,
                "tail {tail}: bound {bound} above log p {log_p}"
            );
        }
    }
}

#[test]
fn higher_filters_are_the_layer_one_filters_weighted() {
    let mut rng = Rng::new(1);
    let l1 = random_rbm(6, 4, 1.0, &mut rng);
    let l2 = random_rbm(4 + LABELS, 3, 1.0, &mut rng);
    let shown = filters(&[l1.clone(), l2.clone()], 1, 2);
    for j in 0..2 {
        for i in 0..6 {
            let want: f32 = (0..4)
                .map(|k| l1.params[i * 4 + k] * l2.params[k * 3 + j])
                .sum();
            assert!((shown[j * 6 + i] - want).abs() < 1e-5);
        }
    }
    let first = filters(&[l1.clone()], 0, 4);
    assert_eq!(first[6 + 2], l1.params[2 * 4 + 1]);
}

/// The generator keeps each row's label and its pictures are pixel probabilities.
#[test]
fn generation_holds_the_clamped_labels() {
    let mut rng = Rng::new(2);
    let l1 = random_rbm(12, 5, 0.5, &mut rng);
    let top = random_rbm(5 + LABELS, 6, 0.5, &mut rng);
    let mut draws = crate::rng::CounterRng::new(2);
    let mut g = Generator::new(top.d, LABELS, 3, &mut draws);
    for _ in 0..5 {
        g.step(&top, LABELS, &mut draws);
    }
    for (r, row) in g.chains.chunks_exact(top.d).enumerate() {
        let label: Vec<f32> = (0..LABELS).map(|k| (k == r / 3) as u8 as f32).collect();
        assert_eq!(&row[5..], &label[..]);
    }
    let px = g.pictures(&[l1]);
    assert_eq!(px.len(), 30 * 12);
    assert!(px.iter().all(|&p| (0.0..=1.0).contains(&p)));
}
