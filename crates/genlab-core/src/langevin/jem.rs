//! JEM (lecture 001, "a discriminative model as an EBM"): a classifier's logits f(x) define
//! p(y | x) by softmax and, read as an energy model, p(x, y) = exp(f(x)[y]) / Z, so
//! p(x) ∝ Σ_y exp(f(x)[y]) and E(x) = −LogSumExp_y f(x)[y]. Trained by the cross-entropy
//! alone (a plain classifier) or with the generative term of the JEM algorithm —
//! mean E(x_data) − mean E(x_model), x_model from short-run SGLD off a replay buffer — whose
//! effect shows in the exact held-out NLL of p(x), normalised on the grid.

use super::ebm::{ReplayBuffer, TrainedState};
use super::grid::Grid;
use super::sampler::welling_teh_move;
use crate::math::log_sum_exp;
use crate::nn::mlp::{Activation, Mlp, Tape};
use crate::nn::optim::{Optimizer, OptimizerKind};
use crate::rng::Rng;

/// The classifier f: 2 → H → H → K (tanh).
#[derive(Clone, Debug)]
pub struct Classifier {
    pub net: Mlp,
    tape: Tape,
}

fn softmax(f: &[f64]) -> Vec<f64> {
    let lse = log_sum_exp(f);
    f.iter().map(|v| libm::exp(v - lse)).collect()
}

impl Classifier {
    pub fn new(hidden: usize, classes: usize, rng: &mut Rng) -> Classifier {
        Classifier {
            net: Mlp::new(&[2, hidden, hidden, classes], Activation::Tanh, rng),
            tape: Tape::default(),
        }
    }

    pub fn classes(&self) -> usize {
        *self.net.sizes.last().unwrap_or(&1)
    }

    /// The logits of each point (n × K).
    pub fn logits(&mut self, xs: &[[f64; 2]]) -> Vec<f64> {
        let flat: Vec<f64> = xs.iter().flat_map(|p| *p).collect();
        self.net.forward(&flat, xs.len(), &mut self.tape).to_vec()
    }

    /// E(x) = −LSE_y f(x)[y] (or, given a class, E(x | y) = −f(x)[y]) and its gradient in x.
    pub fn energy_and_gradient(&mut self, x: [f64; 2], class: Option<usize>) -> (f64, [f64; 2]) {
        let f = self.net.forward(&x, 1, &mut self.tape).to_vec();
        let (e, d_out) = match class {
            None => (
                -log_sum_exp(&f),
                softmax(&f).iter().map(|p| -p).collect::<Vec<_>>(),
            ),
            Some(y) => {
                let mut d = vec![0.0; f.len()];
                d[y] = -1.0;
                (-f[y], d)
            }
        };
        let mut scratch = vec![0.0; self.net.n_params()];
        let g = self.net.backward(&mut self.tape, &d_out, &mut scratch);
        (e, [g[0], g[1]])
    }

    /// E(x) = −LSE f(x) and ∇ₓE at many points in one pass.
    pub fn energies_and_gradients(&mut self, xs: &[[f64; 2]]) -> Vec<[f64; 2]> {
        let k = self.classes();
        let f = self.logits(xs);
        let d_out: Vec<f64> = f
            .chunks_exact(k)
            .flat_map(|row| softmax(row).into_iter().map(|p| -p).collect::<Vec<_>>())
            .collect();
        let mut scratch = vec![0.0; self.net.n_params()];
        let g = self.net.backward(&mut self.tape, &d_out, &mut scratch);
        g.chunks_exact(2).map(|c| [c[0], c[1]]).collect()
    }

    /// ∇ₓ of E(x | y) = −f(x)[y] at many points in one pass.
    pub fn class_gradients(&mut self, xs: &[[f64; 2]], y: usize) -> Vec<[f64; 2]> {
        let k = self.classes();
        self.logits(xs);
        let mut d_out = vec![0.0; xs.len() * k];
        for n in 0..xs.len() {
            d_out[n * k + y] = -1.0;
        }
        let mut scratch = vec![0.0; self.net.n_params()];
        let g = self.net.backward(&mut self.tape, &d_out, &mut scratch);
        g.chunks_exact(2).map(|c| [c[0], c[1]]).collect()
    }

    /// Adds ∂/∂θ of `weight` · Σ_n CE(f(x_n), y_n) into `d`; returns the summed cross-entropy.
    pub fn add_cross_entropy_gradient(
        &mut self,
        xs: &[[f64; 2]],
        ys: &[usize],
        weight: f64,
        d: &mut [f64],
    ) -> f64 {
        let k = self.classes();
        let f = self.logits(xs);
        let mut d_out = vec![0.0; f.len()];
        let mut loss = 0.0;
        for (n, &y) in ys.iter().enumerate() {
            let row = &f[n * k..(n + 1) * k];
            let p = softmax(row);
            loss += log_sum_exp(row) - row[y];
            for c in 0..k {
                d_out[n * k + c] = weight * (p[c] - f64::from(c == y));
            }
        }
        self.net.backward(&mut self.tape, &d_out, d);
        loss
    }

    /// Adds ∂/∂θ of `weight` · Σ_n E(x_n) into `d`, E = −LSE f.
    pub fn add_energy_gradient(&mut self, xs: &[[f64; 2]], weight: f64, d: &mut [f64]) {
        let k = self.classes();
        let f = self.logits(xs);
        let d_out: Vec<f64> = f
            .chunks_exact(k)
            .flat_map(|row| {
                softmax(row)
                    .into_iter()
                    .map(|p| -weight * p)
                    .collect::<Vec<_>>()
            })
            .collect();
        self.net.backward(&mut self.tape, &d_out, d);
    }

    /// The share of points classified as their label.
    pub fn accuracy(&mut self, xs: &[[f64; 2]], ys: &[usize]) -> f64 {
        let k = self.classes();
        let f = self.logits(xs);
        let right = f
            .chunks_exact(k)
            .zip(ys)
            .filter(|(row, &y)| (0..k).max_by(|&a, &b| row[a].total_cmp(&row[b])) == Some(y))
            .count();
        right as f64 / ys.len().max(1) as f64
    }

    /// log Z of p(x) ∝ Σ_y exp f(x)[y] on `grid`, and the mean NLL of `points` under it.
    pub fn exact_nll(&mut self, grid: &Grid, points: &[[f64; 2]]) -> (f64, f64) {
        let k = self.classes();
        let cells: Vec<[f64; 2]> = (0..grid.n * grid.n).map(|c| grid.centre(c)).collect();
        let lse: Vec<f64> = self
            .logits(&cells)
            .chunks_exact(k)
            .map(log_sum_exp)
            .collect();
        let log_z = log_sum_exp(&lse) + 2.0 * libm::log(grid.cell());
        let mean: f64 = self
            .logits(points)
            .chunks_exact(k)
            .map(log_sum_exp)
            .sum::<f64>()
            / points.len().max(1) as f64;
        (log_z, log_z - mean)
    }
}

/// How JEM trains: the classifier's learning rate, whether the generative term is on, and its
/// sampler (as the energy model's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JemKnobs {
    pub lr: f64,
    pub generative: bool,
    pub lambda: f64,
    pub sgld_steps: u32,
    pub rho: f64,
    pub restart_scale: f64,
}

#[derive(Clone, Debug)]
pub struct Jem {
    pub classifier: Classifier,
    opt: Optimizer,
    pub buffer: ReplayBuffer,
    rng: Rng,
}

impl Jem {
    pub fn new(
        hidden: usize,
        classes: usize,
        buffer: usize,
        scale: f64,
        init: &mut Rng,
        rng: Rng,
    ) -> Jem {
        let classifier = Classifier::new(hidden, classes, init);
        let mut rng = rng;
        Jem {
            opt: Optimizer::new(OptimizerKind::Adam, classifier.net.n_params(), 0.9),
            classifier,
            buffer: ReplayBuffer::new(buffer, scale, &mut rng),
            rng,
        }
    }

    pub fn save(&self) -> TrainedState {
        TrainedState::capture(
            &self.classifier.net.params,
            &self.opt,
            &self.buffer,
            &self.rng,
        )
    }

    pub fn load(&mut self, st: TrainedState) -> Result<(), crate::msg::Msg> {
        st.restore(
            &mut self.classifier.net.params,
            &mut self.opt,
            &mut self.buffer,
            &mut self.rng,
            "classifier",
        )
    }

    /// One update on a labelled batch: L_clf, plus L_gen when the knobs say so (lecture 001's
    /// algorithm 1). Returns the batch's mean cross-entropy.
    pub fn step(&mut self, xs: &[[f64; 2]], ys: &[usize], k: &JemKnobs) -> f64 {
        let n = xs.len().max(1) as f64;
        let mut grad = vec![0.0; self.classifier.net.n_params()];
        let ce = self
            .classifier
            .add_cross_entropy_gradient(xs, ys, 1.0 / n, &mut grad)
            / n;
        if k.generative {
            let (slots, mut samples) =
                self.buffer
                    .draw(xs.len(), k.rho, k.restart_scale, &mut self.rng);
            for _ in 0..k.sgld_steps {
                let g = self.classifier.energies_and_gradients(&samples);
                welling_teh_move(&mut samples, &g, k.lambda, &mut self.rng);
            }
            self.classifier.add_energy_gradient(xs, 1.0 / n, &mut grad);
            self.classifier
                .add_energy_gradient(&samples, -1.0 / n, &mut grad);
            self.buffer.put_back(&slots, &samples);
        }
        self.opt.step(&mut self.classifier.net.params, &grad, k.lr);
        ce
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::max_relative_error;
    use crate::toy2d::Toy;

    fn random() -> Classifier {
        let mut c = Classifier::new(6, 3, &mut Rng::new(4));
        for p in c.net.params.iter_mut() {
            *p *= 2.0;
        }
        c
    }

    /// ∂E/∂x of −LSE f (and of −f[y]), and ∂/∂θ of the cross-entropy and of the energy,
    /// against central differences in f64.
    #[test]
    fn jem_gradients_match_finite_differences() {
        let mut c = random();
        let x = [0.4, -0.3];
        for class in [None, Some(1)] {
            let (_, g) = c.energy_and_gradient(x, class);
            let mut probe = c.clone();
            let (err, _) = max_relative_error(
                &x,
                &g,
                |q| probe.energy_and_gradient([q[0], q[1]], class).0,
                1e-6,
                2,
            );
            assert!(err < 1e-7, "{class:?}: {err}");
        }
        let xs = [[0.4, -0.3], [1.0, 0.8], [-1.2, 0.1]];
        let ys = [0, 2, 1];
        let params = c.net.params.clone();
        let mut d = vec![0.0; params.len()];
        c.add_cross_entropy_gradient(&xs, &ys, 1.0, &mut d);
        let mut probe = c.clone();
        let (err, _) = max_relative_error(
            &params,
            &d,
            |p| {
                probe.net.params.copy_from_slice(p);
                let mut scratch = vec![0.0; p.len()];
                probe.add_cross_entropy_gradient(&xs, &ys, 1.0, &mut scratch)
            },
            1e-6,
            300,
        );
        assert!(err < 1e-6, "cross-entropy: {err}");
        let mut d = vec![0.0; params.len()];
        c.add_energy_gradient(&xs, 1.0, &mut d);
        let (err, _) = max_relative_error(
            &params,
            &d,
            |p| {
                probe.net.params.copy_from_slice(p);
                xs.iter()
                    .map(|&x| probe.energy_and_gradient(x, None).0)
                    .sum()
            },
            1e-6,
            300,
        );
        assert!(err < 1e-6, "energy: {err}");
    }

    /// The three blobs, labelled by blob: the plain classifier and JEM from one seed on the
    /// same batches (600 updates of 64). JEM classifies as well (within 3 points) while its
    /// held-out NLL of p(x) is far lower — the classifier alone leaves p(x) ∝ Σ_y exp f(x)[y]
    /// nearly flat. Measured: accuracy 1.000 and 1.000, NLL 4.24 and 1.56.
    #[test]
    fn jem_keeps_the_accuracy_and_learns_p_of_x() {
        let train = Toy::Blobs.sample_labelled(&mut Rng::new(5), 400);
        let test = Toy::Blobs.sample_labelled(&mut Rng::new(6), 400);
        let (tx, ty): (Vec<[f64; 2]>, Vec<usize>) = test.iter().copied().unzip();
        let grid = Grid { half: 4.0, n: 60 };
        let mut result = vec![];
        for generative in [false, true] {
            let knobs = JemKnobs {
                lr: 3e-3,
                generative,
                lambda: 0.02,
                sgld_steps: 20,
                rho: 0.05,
                restart_scale: 3.0,
            };
            let mut jem = Jem::new(32, 3, 1000, 3.0, &mut Rng::new(1), Rng::new(2));
            let mut rng = Rng::new(9);
            for _ in 0..600 {
                let batch: Vec<([f64; 2], usize)> =
                    (0..64).map(|_| train[rng.below(train.len())]).collect();
                let (xs, ys): (Vec<[f64; 2]>, Vec<usize>) = batch.into_iter().unzip();
                jem.step(&xs, &ys, &knobs);
            }
            let acc = jem.classifier.accuracy(&tx, &ty);
            let (_, nll) = jem.classifier.exact_nll(&grid, &tx);
            eprintln!("generative {generative}: accuracy {acc:.3}, held-out NLL {nll:.3}");
            result.push((acc, nll));
        }
        let ((acc_c, nll_c), (acc_j, nll_j)) = (result[0], result[1]);
        assert!(acc_c > 0.95 && acc_j > acc_c - 0.03, "{acc_c} vs {acc_j}");
        assert!(nll_j < nll_c - 1.0, "{nll_c} vs {nll_j}");
    }
}
