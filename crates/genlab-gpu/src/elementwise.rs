//! Element-wise kernels (`elementwise.wgsl`): bias + activation forward and backward, column
//! sums (bias gradients, CD's bias statistics), axpy (parameter updates) and Bernoulli sampling
//! with the counter-based generator. CPU twins: `genlab_core::nn::Activation`, the sums and
//! updates in `genlab_core::rbm::batched`, and `genlab_core::rng::counter_uniform`.

use crate::{groups_1d, Dispatch, Gpu, Record, Tensor};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    Identity,
    Relu,
    Sigmoid,
    /// Slope 0.2 below 0 (`genlab_core::nn::mlp::Activation::LeakyRelu`, the discriminator's).
    LeakyRelu,
}

impl Act {
    fn mode(self) -> u32 {
        match self {
            Act::Identity => 0,
            Act::Relu => 1,
            Act::Sigmoid => 2,
            Act::LeakyRelu => 3,
        }
    }
}

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    n: u32,
    cols: u32,
    mode: u32,
    key: u32,
    alpha: f32,
    beta: f32,
    group: u32,
    pad: u32,
}

/// One element-wise kernel bound to its two tensors (`out` written, `inp` read).
pub struct Elementwise {
    dispatch: Dispatch,
    uniform: wgpu::Buffer,
    params: Params,
}

impl Elementwise {
    fn new(gpu: &Gpu, entry: &str, out: &Tensor, inp: &Tensor, params: Params) -> Elementwise {
        let uniform = gpu.uniform(&params);
        let dispatch = Dispatch::new(
            gpu,
            include_str!("elementwise.wgsl"),
            entry,
            &[&uniform, &out.buffer, &inp.buffer],
            groups_1d(params.n as usize),
        );
        Elementwise {
            dispatch,
            uniform,
            params,
        }
    }

    /// x (rows × cols) ← act(x + bias), bias of length cols.
    pub fn bias_act(gpu: &Gpu, x: &Tensor, bias: &Tensor, act: Act) -> Elementwise {
        assert!(
            bias.len > 0 && x.len.is_multiple_of(bias.len),
            "{} values, bias of {}",
            x.len,
            bias.len
        );
        Elementwise::new(
            gpu,
            "bias_act",
            x,
            bias,
            params(x.len, bias.len, act.mode(), 0, 1.0, 0.0),
        )
    }

    /// d ← d ⊙ act′, from the activation's output y: the backward of [`Elementwise::bias_act`].
    pub fn act_backward(gpu: &Gpu, d: &Tensor, y: &Tensor, act: Act) -> Elementwise {
        assert_eq!(d.len, y.len);
        Elementwise::new(
            gpu,
            "act_backward",
            d,
            y,
            params(d.len, 1, act.mode(), 0, 1.0, 0.0),
        )
    }

    /// sums (cols) ← beta · sums + alpha · Σ over the rows of x (rows × cols).
    pub fn col_sum(gpu: &Gpu, sums: &Tensor, x: &Tensor, alpha: f32, beta: f32) -> Elementwise {
        let cols = sums.len;
        assert!(
            cols > 0 && x.len.is_multiple_of(cols),
            "{} values in rows of {cols}",
            x.len
        );
        let rows = (x.len / cols) as u32;
        Elementwise::new(
            gpu,
            "col_sum",
            sums,
            x,
            params(cols, cols, 0, rows, alpha, beta),
        )
    }

    /// y ← y + alpha · x.
    pub fn axpy(gpu: &Gpu, y: &Tensor, x: &Tensor, alpha: f32) -> Elementwise {
        assert_eq!(y.len, x.len);
        Elementwise::new(gpu, "axpy", y, x, params(y.len, 1, 0, 0, alpha, 0.0))
    }

    /// samples ← 1 where the draw's uniform is below p, else 0. Set the draw's key with
    /// [`Elementwise::set_key`] before each use.
    pub fn bernoulli(gpu: &Gpu, samples: &Tensor, p: &Tensor) -> Elementwise {
        assert_eq!(samples.len, p.len);
        Elementwise::new(
            gpu,
            "bernoulli",
            samples,
            p,
            params(p.len, 1, 0, 0, 1.0, 0.0),
        )
    }

    /// probs (rows × cols) ← σ(pre) for each row's binary units, a softmax over its last
    /// `group` units (`genlab_core::rbm::batched::group_probs`). `pre` is only read.
    pub fn group_act(gpu: &Gpu, probs: &Tensor, pre: &Tensor, cols: usize, group: usize) -> Self {
        assert!(probs.len == pre.len && probs.len.is_multiple_of(cols) && group <= cols);
        let mut p = params(probs.len, cols, 0, 0, 1.0, 0.0);
        p.group = group as u32;
        Elementwise::new(gpu, "group_act", probs, pre, p)
    }

    /// samples ← one draw of rows (rows × cols) whose last `group` units are one softmax group
    /// (`genlab_core::rbm::batched::Sampler::grouped` for `CounterRng`). Set the key per draw.
    pub fn group_bernoulli(
        gpu: &Gpu,
        samples: &Tensor,
        p: &Tensor,
        cols: usize,
        group: usize,
    ) -> Self {
        assert!(samples.len == p.len && p.len.is_multiple_of(cols) && group <= cols);
        let mut params = params(p.len, cols, 0, 0, 1.0, 0.0);
        params.group = group as u32;
        Elementwise::new(gpu, "group_bernoulli", samples, p, params)
    }

    /// A new `alpha` (an axpy's learning rate) from the next dispatch on.
    pub fn set_alpha(&mut self, gpu: &Gpu, alpha: f32) {
        self.params.alpha = alpha;
        gpu.write_uniform(&self.uniform, &self.params);
    }

    /// The counter generator's key for the next draw (`genlab_core::rng::CounterRng::next_key`).
    pub fn set_key(&mut self, gpu: &Gpu, key: u32) {
        self.params.key = key;
        gpu.write_uniform(&self.uniform, &self.params);
    }
}

impl Record for Elementwise {
    fn record(&self, pass: &mut wgpu::ComputePass<'_>) {
        self.dispatch.record(pass)
    }
}

fn params(n: usize, cols: usize, mode: u32, key: u32, alpha: f32, beta: f32) -> Params {
    Params {
        n: n as u32,
        cols: cols as u32,
        mode,
        key,
        alpha,
        beta,
        group: 0,
        pad: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_rel_diff, random};
    use genlab_core::nn::Dense;
    use genlab_core::rng::{counter_uniform, CounterRng};
    use genlab_core::vae::model::sigmoid;

    fn run(gpu: &Gpu, op: &Elementwise) {
        gpu.run(|pass| op.record(pass));
    }

    /// Sigmoid against the VAE's; ReLU against the dense layer's (forward, and its backward
    /// mask), identity as the plain bias add.
    #[test]
    fn bias_and_activation_forward_and_backward_match_the_cpu() {
        let gpu = gpu();
        for (rows, cols) in [(1, 1), (7, 13), (100, 784), (300, 1)] {
            let x = random(rows * cols, 1);
            let bias = random(cols, 2);
            let d_y = random(rows * cols, 3);
            for act in [Act::Identity, Act::Relu, Act::Sigmoid] {
                // CPU: the lesson code's own layer (identity matrix as W, so y = act(x + b)).
                let mut eye = vec![0.0f32; cols * cols];
                (0..cols).for_each(|i| eye[i * cols + i] = 1.0);
                eye.extend_from_slice(&bias);
                let layer = Dense {
                    n_in: cols,
                    n_out: cols,
                    relu: act == Act::Relu,
                    offset: 0,
                };
                let mut y_cpu = vec![0.0f32; rows * cols];
                layer.forward(&eye, &x, rows, &mut y_cpu);
                let mut d_cpu = d_y.clone();
                if act == Act::Sigmoid {
                    y_cpu.iter_mut().for_each(|v| *v = sigmoid(*v));
                    // σ′ = y (1 − y), the chain rule the sigmoid's callers apply.
                    d_cpu
                        .iter_mut()
                        .zip(&y_cpu)
                        .for_each(|(d, &y)| *d *= y * (1.0 - y));
                } else {
                    let mut d_params = vec![0.0f32; eye.len()];
                    layer.backward(&eye, &x, &y_cpu, rows, &mut d_cpu, &mut d_params, None);
                }
                let (tx, tb, td) = (
                    Tensor::from_slice(gpu, &x),
                    Tensor::from_slice(gpu, &bias),
                    Tensor::from_slice(gpu, &d_y),
                );
                run(gpu, &Elementwise::bias_act(gpu, &tx, &tb, act));
                run(gpu, &Elementwise::act_backward(gpu, &td, &tx, act));
                let (y, d) = (tx.read_blocking(gpu), td.read_blocking(gpu));
                assert!(
                    max_rel_diff(&y, &y_cpu) < 1e-6,
                    "{act:?} forward {rows}×{cols}"
                );
                assert!(
                    max_rel_diff(&d, &d_cpu) < 1e-6,
                    "{act:?} backward {rows}×{cols}"
                );
            }
        }
    }

    #[test]
    fn column_sums_and_axpy_match_the_cpu() {
        let gpu = gpu();
        for (rows, cols) in [(1, 1), (7, 13), (1000, 784), (3, 70_000)] {
            let x = random(rows * cols, 4);
            let start = random(cols, 5);
            let expected: Vec<f32> = (0..cols)
                .map(|c| 0.5 * start[c] - 0.25 * (0..rows).map(|r| x[r * cols + c]).sum::<f32>())
                .collect();
            let sums = Tensor::from_slice(gpu, &start);
            run(
                gpu,
                &Elementwise::col_sum(gpu, &sums, &Tensor::from_slice(gpu, &x), -0.25, 0.5),
            );
            let diff = max_rel_diff(&sums.read_blocking(gpu), &expected);
            assert!(diff < 1e-5 * (rows as f32).sqrt(), "{rows}×{cols}: {diff}");
        }
        let (y, x) = (random(70_001, 6), random(70_001, 7));
        let expected: Vec<f32> = y.iter().zip(&x).map(|(&a, &b)| a + 0.1 * b).collect();
        let ty = Tensor::from_slice(gpu, &y);
        run(
            gpu,
            &Elementwise::axpy(gpu, &ty, &Tensor::from_slice(gpu, &x), 0.1),
        );
        // A GPU may fuse the multiply-add (one rounding where the CPU rounds twice): the H100's
        // Vulkan driver does, lavapipe does not. Either way within an ulp or two of 1.
        let diff = max_rel_diff(&ty.read_blocking(gpu), &expected);
        assert!(diff <= 2.0 * f32::EPSILON, "axpy: {diff}");
    }

    /// The WGSL generator is the CPU's bit for bit, and the samples follow p.
    #[test]
    fn bernoulli_samples_are_the_counter_generators() {
        let gpu = gpu();
        let n = 100_003; // not a multiple of the group size
        let p: Vec<f32> = random(n, 8).iter().map(|&u| 0.5 * (u + 1.0)).collect();
        let (tp, ts) = (Tensor::from_slice(gpu, &p), Tensor::zeros(gpu, n));
        let mut op = Elementwise::bernoulli(gpu, &ts, &tp);
        let mut rng = CounterRng::new(42);
        for _ in 0..3 {
            let key = rng.next_key();
            op.set_key(gpu, key);
            run(gpu, &op);
            let samples = ts.read_blocking(gpu);
            let expected: Vec<f32> = (0..n)
                .map(|i| (counter_uniform(key, i as u32) < p[i]) as u8 as f32)
                .collect();
            assert_eq!(samples, expected, "key {key:#x}");
            // Σ s has mean Σ p and standard deviation ≤ √n / 2 ≈ 158.
            let (ones, mean) = (samples.iter().sum::<f32>(), p.iter().sum::<f32>());
            assert!((ones - mean).abs() < 800.0, "{ones} ones, expected {mean}");
        }
    }

    /// A labelled top RBM's visible layer: probabilities within float tolerance of
    /// `group_probs` (σ and the softmax), and the draw from the CPU's probabilities the CPU's
    /// draw bit for bit — one group unit on per row — at widths 1, 11 and 110 with groups of
    /// 1, 3 and 10, inputs large enough that a softmax without its maximum would overflow.
    #[test]
    fn grouped_probabilities_and_draws_match_the_cpu_twin() {
        use genlab_core::rbm::batched::{group_probs, Sampler};
        let gpu = gpu();
        for (rows, cols, group) in [(5, 1, 1), (7, 11, 3), (100, 110, 10)] {
            let pre: Vec<f32> = random(rows * cols, 9).iter().map(|&x| 60.0 * x).collect();
            let mut expected = vec![];
            group_probs(&pre, cols, group, &mut expected);
            let (tpre, tp) = (Tensor::from_slice(gpu, &pre), Tensor::zeros(gpu, pre.len()));
            run(gpu, &Elementwise::group_act(gpu, &tp, &tpre, cols, group));
            let probs = tp.read_blocking(gpu);
            assert!(probs.iter().all(|p| p.is_finite()));
            assert!(max_rel_diff(&probs, &expected) < 1e-5, "{rows}×{cols}");
            // Draws from the same probabilities: the CPU's, bit for bit.
            let tp = Tensor::from_slice(gpu, &expected);
            let ts = Tensor::zeros(gpu, expected.len());
            let mut op = Elementwise::group_bernoulli(gpu, &ts, &tp, cols, group);
            let mut rng = CounterRng::new(5);
            for _ in 0..3 {
                let mut cpu_rng = rng.clone();
                let mut cpu = vec![0.0f32; expected.len()];
                cpu_rng.grouped(&expected, cols, group, &mut cpu);
                op.set_key(gpu, rng.next_key());
                run(gpu, &op);
                let samples = ts.read_blocking(gpu);
                assert_eq!(samples, cpu, "{rows}×{cols}, group {group}");
                let first = cols - group;
                assert!(samples
                    .chunks_exact(cols)
                    .all(|r| r[first..].iter().sum::<f32>() == 1.0));
            }
        }
    }

    /// Beyond 65,535 groups of 256 the dispatch spreads over y; every element is still visited once.
    #[test]
    fn large_arrays_are_covered_exactly_once() {
        let gpu = gpu();
        let n = 65_535 * 256 + 1000;
        let y = Tensor::zeros(gpu, n);
        let ones = Tensor::from_slice(gpu, &vec![1.0; n]);
        run(gpu, &Elementwise::axpy(gpu, &y, &ones, 1.0));
        let got = y.read_blocking(gpu);
        assert!(
            got.iter().all(|&v| v == 1.0),
            "some element missed or visited twice"
        );
    }
}
