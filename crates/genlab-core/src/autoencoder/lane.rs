//! One variant in training: a network, its optimiser, its regulariser and its corruption, fed the
//! digits a batch at a time — what the lesson runs once per lane when "every variant side by
//! side" trains from the same initial weights and batches. Also the lesson's measurements of a
//! trained network: reconstruction error on chosen digits (clean or corrupted), the code's
//! sensitivity ‖h(x + δ) − h(x)‖ / ‖δ‖, and the principal angles between a linear decoder's
//! subspace and PCA's.

use super::corrupt::Corrupt;
use super::model::{AeNet, AeShape, BatchLoss, Workspace};
use super::pca::Pca;
use super::penalty::Penalty;
use crate::digits::data::{Digits, PIXELS};
use crate::eigen::SymmetricEigen;
use crate::nn::{Optimizer, OptimizerKind};
use crate::rng::Rng;

pub struct Lane {
    pub net: AeNet<f32>,
    pub penalty: Penalty,
    pub corrupt: Corrupt,
    optimizer: Optimizer<f32>,
    /// Draws the corruption, apart from the batches' order (shared by every lane).
    noise: Rng,
    ws: Workspace<f32>,
    clean: Vec<f32>,
    input: Vec<f32>,
    grad: Vec<f32>,
}

impl Lane {
    /// A lane whose weights come from `init` (equal seeds give equal starting weights, so lanes
    /// that differ only in their regulariser start alike) and whose corruption from `noise`.
    pub fn new(
        shape: AeShape,
        penalty: Penalty,
        corrupt: Corrupt,
        init: &mut Rng,
        noise: Rng,
    ) -> Lane {
        Self::with_optimizer(shape, penalty, corrupt, OptimizerKind::Adam, init, noise)
    }

    /// As [`Lane::new`], trained by `kind` (Adam's β₁ and momentum's coefficient 0.9).
    pub fn with_optimizer(
        shape: AeShape,
        penalty: Penalty,
        corrupt: Corrupt,
        kind: OptimizerKind,
        init: &mut Rng,
        noise: Rng,
    ) -> Lane {
        let net = AeNet::new(shape, init);
        let n = net.n_params();
        Lane {
            optimizer: Optimizer::new(kind, n, 0.9),
            net,
            penalty,
            corrupt,
            noise,
            ws: Workspace::default(),
            clean: vec![],
            input: vec![],
            grad: vec![0.0; n],
        }
    }

    /// The digits at `batch` and what the network sees of them (corrupted by this lane's own
    /// noise stream): (input, clean). A step on a device takes these; [`Lane::step`] runs it here.
    pub fn prepare(&mut self, digits: &Digits, batch: &[usize]) -> (&[f32], &[f32]) {
        fill_batch(digits, batch, &mut self.clean);
        self.corrupt
            .apply(&self.clean, &mut self.input, &mut self.noise);
        (&self.input, &self.clean)
    }

    /// One optimiser step on the digits at `batch`; returns the batch's summed losses.
    pub fn step(&mut self, digits: &Digits, batch: &[usize], lr: f64) -> BatchLoss {
        self.prepare(digits, batch);
        let loss = self.net.forward_loss(
            &self.input,
            &self.clean,
            batch.len(),
            &self.penalty,
            &mut self.ws,
        );
        self.net
            .backward(&self.clean, &self.penalty, &mut self.ws, &mut self.grad);
        self.optimizer.step(&mut self.net.params, &self.grad, lr);
        loss
    }
}

impl Lane {
    pub fn optimizer(&self) -> &Optimizer<f32> {
        &self.optimizer
    }

    /// Takes a device's copy: its parameters and Adam's moments and step count.
    pub fn take_copy(&mut self, params: &[f32], m: &[f32], v: &[f32], t: u64) {
        self.net.params.copy_from_slice(params);
        self.optimizer.copy_moments(m, v, t);
    }

    /// The corruption's stream: what a lost device rewinds along with the batches.
    pub fn noise(&self) -> &Rng {
        &self.noise
    }

    pub fn set_noise(&mut self, noise: Rng) {
        self.noise = noise;
    }
}

/// What a step changes in a lane, for an exported run: the weights, the optimiser's moments and
/// the corruption's random stream (the shape, penalty and corruption follow from the settings).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct LaneState {
    #[serde(with = "crate::runfile::packed")]
    params: Vec<f32>,
    optimizer: Optimizer<f32>,
    noise: Rng,
}

impl Lane {
    pub fn save(&self) -> LaneState {
        LaneState {
            params: self.net.params.clone(),
            optimizer: self.optimizer.clone(),
            noise: self.noise.clone(),
        }
    }

    /// Takes a saved lane into this one, built from the same settings, checking every shape.
    pub fn load(&mut self, state: LaneState) -> Result<(), crate::msg::Msg> {
        use crate::runfile::{expect_finite, expect_len};
        expect_len(
            "autoencoder weights",
            state.params.len(),
            self.net.params.len(),
        )?;
        expect_finite("autoencoder weights", &state.params)?;
        self.optimizer
            .restore(state.optimizer, "autoencoder optimiser")?;
        self.net.params = state.params;
        self.noise = state.noise;
        Ok(())
    }
}

/// The digits at `indices`, pixels in [0, 1], one row each.
pub fn fill_batch(digits: &Digits, indices: &[usize], out: &mut Vec<f32>) {
    out.clear();
    for &i in indices {
        out.extend(digits.image(i).iter().map(|&p| p as f32 / 255.0));
    }
}

/// Mean reconstruction loss per image over `indices` (in the net's own measure), the inputs
/// corrupted by `corrupt` drawn from `rng` — `Corrupt::NONE` for the clean error.
pub fn mean_loss(
    net: &AeNet<f32>,
    digits: &Digits,
    indices: &[usize],
    corrupt: Corrupt,
    rng: &mut Rng,
) -> f64 {
    let (mut clean, mut input, mut ws) = (vec![], vec![], Workspace::default());
    let mut total = 0.0;
    for chunk in indices.chunks(256) {
        fill_batch(digits, chunk, &mut clean);
        corrupt.apply(&clean, &mut input, rng);
        total += net
            .forward_loss(&input, &clean, chunk.len(), &Penalty::NONE, &mut ws)
            .rec;
    }
    total / indices.len().max(1) as f64
}

/// The mean of ‖h(x + δ) − h(x)‖ / ‖δ‖ over `indices`, δ ~ N(0, scale² I): how much the code
/// moves per unit of input change — what the contractive penalty is meant to shrink. The clean
/// and the moved digits each go through the encoder as one batch (a row's code does not depend
/// on the rows beside it, so this is the one-digit-at-a-time definition, bit for bit).
pub fn sensitivity(
    net: &AeNet<f32>,
    digits: &Digits,
    indices: &[usize],
    scale: f64,
    rng: &mut Rng,
) -> f64 {
    SensitivityProbe::new(digits, indices, scale, rng).of_net(net)
}

/// The digits a sensitivity is measured on: `clean` and `moved` (n × 784, each clean digit plus
/// its δ) and each ‖δ‖². Fixed for a run, so a device can keep both sets and hand back their
/// codes.
#[derive(Clone, Debug, Default)]
pub struct SensitivityProbe {
    pub clean: Vec<f32>,
    pub moved: Vec<f32>,
    delta_sq: Vec<f64>,
}

impl SensitivityProbe {
    /// δ ~ N(0, scale² I) for each digit of `indices`, drawn from `rng` pixel by pixel.
    pub fn new(digits: &Digits, indices: &[usize], scale: f64, rng: &mut Rng) -> Self {
        let mut clean = vec![];
        fill_batch(digits, indices, &mut clean);
        let mut moved = Vec::with_capacity(clean.len());
        let mut delta_sq = vec![0.0; indices.len()];
        for (row, d_sq) in clean.chunks_exact(PIXELS).zip(&mut delta_sq) {
            for &x in row {
                let d = scale * rng.normal();
                *d_sq += d * d;
                moved.push(x + d as f32);
            }
        }
        SensitivityProbe {
            clean,
            moved,
            delta_sq,
        }
    }

    pub fn n(&self) -> usize {
        self.delta_sq.len()
    }

    /// The sensitivity of `net`'s encoder: the clean and the moved digits each through it as
    /// one batch.
    pub fn of_net(&self, net: &AeNet<f32>) -> f64 {
        let mut ws = Workspace::default();
        net.encode(&self.clean, self.n(), &mut ws);
        let h0 = ws.code(net).to_vec();
        net.encode(&self.moved, self.n(), &mut ws);
        self.of_codes(&h0, ws.code(net), net.shape.code)
    }

    /// The mean of ‖h₁ − h₀‖ / ‖δ‖ from the clean digits' codes `h0` and the moved ones' `h1`
    /// (n × `code` each).
    pub fn of_codes(&self, h0: &[f32], h1: &[f32], code: usize) -> f64 {
        let total: f64 = h1
            .chunks_exact(code)
            .zip(h0.chunks_exact(code))
            .zip(&self.delta_sq)
            .map(|((h1, h0), d_sq)| {
                let dh: f64 = h1
                    .iter()
                    .zip(h0)
                    .map(|(a, b)| ((a - b) as f64).powi(2))
                    .sum();
                (dh / d_sq).sqrt()
            })
            .sum();
        total / self.n().max(1) as f64
    }
}

/// The principal angles (radians, ascending) between the span of `basis` (rows of 784 values,
/// e.g. a linear decoder's rows) and PCA's first `basis.len() / 784` directions: all 0 when a
/// linear autoencoder has found PCA's subspace.
pub fn principal_angles(basis: &[f64], pca: &Pca) -> Vec<f64> {
    let k = basis.len() / PIXELS;
    // An orthonormal basis of the rows (Gram–Schmidt, twice for stability).
    let mut q: Vec<Vec<f64>> = Vec::with_capacity(k);
    for r in 0..k {
        let mut v = basis[r * PIXELS..(r + 1) * PIXELS].to_vec();
        for _ in 0..2 {
            for u in &q {
                let dot: f64 = v.iter().zip(u).map(|(a, b)| a * b).sum();
                for (x, y) in v.iter_mut().zip(u) {
                    *x -= dot * y;
                }
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 1e-12 {
            q.push(v.iter().map(|x| x / norm).collect());
        }
    }
    let k = q.len();
    // M = Q · Pᵀ (k × k); the singular values of M are the angles' cosines: eigenvalues of MᵀM.
    let m: Vec<f64> = q
        .iter()
        .flat_map(|u| {
            (0..k).map(move |j| {
                u.iter()
                    .zip(pca.eigen.vector(j))
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
            })
        })
        .collect();
    let mut mtm = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..k {
            mtm[a * k + b] = (0..k).map(|r| m[r * k + a] * m[r * k + b]).sum();
        }
    }
    let eig = SymmetricEigen::new(&mtm, k, |_, _| {});
    eig.values
        .iter()
        .map(|&c2| libm::acos(c2.clamp(0.0, 1.0).sqrt()))
        .collect()
}

#[cfg(test)]
mod tests;
