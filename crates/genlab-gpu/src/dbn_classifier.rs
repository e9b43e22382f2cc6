//! The DBN lesson's three fine-tuned classifiers on the GPU ("does pre-training help?"):
//! sigmoid hidden layers, a softmax over the ten digits, the batch's mean cross-entropy, Adam —
//! every net on the same batch, each step; and the whole test split kept on the device, so a
//! row's accuracies are a forward pass there (`dbn_classifier.wgsl`: the loss's gradient at the
//! logits, and each test digit right or wrong). CPU twins: `genlab_core::dbn::classifier::
//! SigmoidNet::{gradient, predict}` and `genlab_core::nn::Optimizer` (Adam).

use genlab_core::device::{DeviceCopy, DeviceScores};
use genlab_core::nn::Optimizer;

use crate::adam::Adam;
use crate::elementwise::{Act, Elementwise};
use crate::matmul::{Layout, Matmul};
use crate::{groups_1d, Dispatch, Gpu, GpuError, Record, Tensor};

const CLASSES: usize = 10;

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    rows: u32,
    pad: [u32; 3],
}

/// One classifier: its layers' W and b (the CPU net's blocks, in order), their gradients and
/// Adam, the training step's ops and the test split's scoring ops.
struct Net {
    params: Vec<Tensor>,
    /// Read by the tests (Adam hides a gradient's scale); kept alive for the bind groups.
    #[cfg_attr(not(test), allow(dead_code))]
    grads: Vec<Tensor>,
    adam: Vec<Adam>,
    train: Vec<Box<dyn Record>>,
    score: Vec<Box<dyn Record>>,
    /// Per test digit: 1 when classified right, at the last scoring.
    correct: Tensor,
    _kept: Vec<Tensor>,
}

pub struct GpuFineTune {
    /// Images per step.
    pub n: usize,
    x: Tensor,
    /// The batch's labels, one-hot (n × 10).
    labels: Tensor,
    nets: Vec<Net>,
    _test: [Tensor; 2],
    _uniforms: [wgpu::Buffer; 2],
}

/// `rows` of `input` through the layers `sizes` with weights `params` (W, b per layer):
/// products, biases, sigmoids below the logits. Returns the ops and each layer's output.
fn forward(
    gpu: &Gpu,
    sizes: &[usize],
    params: &[Tensor],
    input: &Tensor,
    rows: usize,
) -> (Vec<Box<dyn Record>>, Vec<Tensor>) {
    let layers = sizes.len() - 1;
    let outputs: Vec<Tensor> = sizes[1..]
        .iter()
        .map(|&w| Tensor::zeros(gpu, rows * w))
        .collect();
    let mut ops: Vec<Box<dyn Record>> = vec![];
    for l in 0..layers {
        let (n_in, n_out) = (sizes[l], sizes[l + 1]);
        let below = if l == 0 { input } else { &outputs[l - 1] };
        let (w, b) = (&params[2 * l], &params[2 * l + 1]);
        ops.push(Box::new(Matmul::new(
            gpu,
            below,
            w,
            &outputs[l],
            (rows, n_in, n_out),
            Layout::Plain,
            1.0,
            0.0,
        )));
        let act = if l + 1 < layers {
            Act::Sigmoid
        } else {
            Act::Identity
        };
        ops.push(Box::new(Elementwise::bias_act(gpu, &outputs[l], b, act)));
    }
    (ops, outputs)
}

impl GpuFineTune {
    /// The nets (`sizes`, 784 … 10, and each one's parameters with its Adam state), for
    /// batches of `n`; `test` (m × 784) and its labels kept for the accuracies.
    pub fn new(
        gpu: &Gpu,
        sizes: &[usize],
        nets: &[(&[f32], &Optimizer<f32>)],
        n: usize,
        test: &[f32],
        test_labels: &[u8],
    ) -> Self {
        assert_eq!(sizes[0], 784);
        assert_eq!(*sizes.last().unwrap(), CLASSES);
        let m = test_labels.len();
        assert_eq!(test.len(), m * sizes[0]);
        let x = Tensor::zeros(gpu, n * sizes[0]);
        let labels = Tensor::zeros(gpu, n * CLASSES);
        let test_x = Tensor::from_slice(gpu, test);
        let classes: Vec<f32> = test_labels.iter().map(|&y| y as f32).collect();
        let test_y = Tensor::from_slice(gpu, &classes);
        let uniform = |rows: usize| {
            gpu.uniform(&Params {
                rows: rows as u32,
                pad: [0; 3],
            })
        };
        let (batch_uniform, test_uniform) = (uniform(n), uniform(m));
        let kernel = |entry, uniform: &wgpu::Buffer, out: &Tensor, logits: &Tensor, y: &Tensor| {
            let buffers = [uniform, &out.buffer, &logits.buffer, &y.buffer];
            let source = include_str!("dbn_classifier.wgsl");
            let rows = if entry == "correct" { m } else { n };
            Box::new(Dispatch::new(gpu, source, entry, &buffers, groups_1d(rows)))
                as Box<dyn Record>
        };
        let layers = sizes.len() - 1;
        let nets = nets
            .iter()
            .map(|&(flat, opt)| {
                let mut params = vec![];
                let mut at = 0;
                for w in sizes.windows(2) {
                    for len in [w[0] * w[1], w[1]] {
                        params.push(Tensor::from_slice(gpu, &flat[at..at + len]));
                        at += len;
                    }
                }
                assert_eq!(at, flat.len(), "the net's parameters fit its sizes");
                let grads: Vec<Tensor> = params.iter().map(|p| Tensor::zeros(gpu, p.len)).collect();
                let adam = crate::adam::continue_run(gpu, &params, &grads, opt);
                let (mut train, acts) = forward(gpu, sizes, &params, &x, n);
                // deltas[l]: ∂L/∂(layer l's pre-activation), n × sizes[l + 1].
                let deltas: Vec<Tensor> = sizes[1..]
                    .iter()
                    .map(|&w| Tensor::zeros(gpu, n * w))
                    .collect();
                train.push(kernel(
                    "softmax_xent",
                    &batch_uniform,
                    &deltas[layers - 1],
                    &acts[layers - 1],
                    &labels,
                ));
                for l in (0..layers).rev() {
                    let (n_in, n_out) = (sizes[l], sizes[l + 1]);
                    let input = if l == 0 { &x } else { &acts[l - 1] };
                    train.push(Box::new(Matmul::new(
                        gpu,
                        input,
                        &deltas[l],
                        &grads[2 * l],
                        (n_in, n, n_out),
                        Layout::TransA,
                        1.0,
                        0.0,
                    ))); // n_in × n_out
                    train.push(Box::new(Elementwise::col_sum(
                        gpu,
                        &grads[2 * l + 1],
                        &deltas[l],
                        1.0,
                        0.0,
                    )));
                    if l > 0 {
                        // Back through W, then through the sigmoid of layer l's input.
                        train.push(Box::new(Matmul::new(
                            gpu,
                            &deltas[l],
                            &params[2 * l],
                            &deltas[l - 1],
                            (n, n_out, n_in),
                            Layout::TransB,
                            1.0,
                            0.0,
                        ))); // n × n_in
                        train.push(Box::new(Elementwise::act_backward(
                            gpu,
                            &deltas[l - 1],
                            &acts[l - 1],
                            Act::Sigmoid,
                        )));
                    }
                }
                let (mut score, test_acts) = forward(gpu, sizes, &params, &test_x, m);
                let correct = Tensor::zeros(gpu, m);
                score.push(kernel(
                    "correct",
                    &test_uniform,
                    &correct,
                    &test_acts[layers - 1],
                    &test_y,
                ));
                let mut kept = acts;
                kept.extend(deltas);
                kept.extend(test_acts);
                Net {
                    params,
                    grads,
                    adam,
                    train,
                    score,
                    correct,
                    _kept: kept,
                }
            })
            .collect();
        GpuFineTune {
            n,
            x,
            labels,
            nets,
            _test: [test_x, test_y],
            _uniforms: [batch_uniform, test_uniform],
        }
    }

    /// One Adam step of every net on the digits `x` (n × 784) and their one-hot `labels`
    /// (n × 10) at rate `lr`: submitted, not awaited.
    pub fn step(&mut self, gpu: &Gpu, x: &[f32], labels: &[f32], lr: f64) {
        self.x.write(gpu, x);
        self.labels.write(gpu, labels);
        for adam in self.nets.iter_mut().flat_map(|net| &mut net.adam) {
            adam.prepare(gpu, lr);
        }
        gpu.run(|pass| {
            for net in &self.nets {
                net.train.iter().for_each(|op| op.record(pass));
                net.adam.iter().for_each(|op| op.record(pass));
            }
        });
    }

    /// Every net's parameters and Adam moments (each net's blocks in order, net after net) and
    /// the step count; with `scoring`, each net's count of test digits classified right
    /// ([`DeviceScores::losses`]), scored at the copied parameters.
    pub fn read(
        &self,
        gpu: &Gpu,
        scoring: bool,
    ) -> impl std::future::Future<Output = Result<DeviceCopy, GpuError>> + 'static {
        if scoring {
            gpu.run(|pass| {
                for net in &self.nets {
                    net.score.iter().for_each(|op| op.record(pass));
                }
            });
        }
        let reads: Vec<_> = self
            .nets
            .iter()
            .map(|net| {
                let extra: Vec<&Tensor> = if scoring { vec![&net.correct] } else { vec![] };
                crate::adam::read_run(gpu, &net.params, &net.adam, &extra)
            })
            .collect();
        async move {
            let mut all = DeviceCopy {
                scores: scoring.then(DeviceScores::default),
                ..Default::default()
            };
            for read in reads {
                let (copy, extra) = read.await?;
                all.t = copy.t;
                all.lanes.push(copy);
                if let (Some(scores), Some(correct)) = (all.scores.as_mut(), extra.first()) {
                    scores.losses.push(correct.iter().map(|&c| c as f64).sum());
                }
            }
            Ok(all)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{gpu, max_abs_diff, max_rel_diff};
    use genlab_core::dbn::classifier::{NetWork, SigmoidNet};
    use genlab_core::nn::OptimizerKind;
    use genlab_core::rng::Rng;

    /// Three nets of one shape — 784, two hidden layers of odd widths, 10 — stepped on the GPU
    /// and the CPU on the same batches for 6 steps: every net's gradients follow the CPU's to
    /// f32 rounding (measured on lavapipe: 5.7e-7 of the largest), its parameters and moments
    /// too (2.6e-5: Adam's step where a gradient is tiny beside its terms), and a scored read
    /// counts each net's right test digits as `predict` does.
    #[test]
    fn fine_tuning_follows_the_cpu_nets() {
        let gpu = gpu();
        let mut rng = Rng::new(3);
        let sizes = [784, 21, 13, CLASSES];
        let mut nets: Vec<(SigmoidNet<f32>, Optimizer<f32>)> = (0..3)
            .map(|_| {
                let net = SigmoidNet::<f32>::random(&sizes, &mut rng);
                let opt = Optimizer::<f32>::new(OptimizerKind::Adam, net.params.len(), 0.9);
                (net, opt)
            })
            .collect();
        let digits = |rows: usize, rng: &mut Rng| -> (Vec<f32>, Vec<u8>) {
            let x = (0..rows * 784)
                .map(|_| rng.bernoulli(0.2) as u8 as f32)
                .collect();
            let y = (0..rows).map(|_| rng.below(CLASSES) as u8).collect();
            (x, y)
        };
        let (test, test_labels) = digits(301, &mut rng);
        let n = 17;
        let shared: Vec<(&[f32], &Optimizer<f32>)> = nets
            .iter()
            .map(|(net, opt)| (&net.params[..], opt))
            .collect();
        let mut g = GpuFineTune::new(gpu, &sizes, &shared, n, &test, &test_labels);
        let mut work = NetWork::default();
        let mut worst_grad = 0.0f32;
        for step in 0..6 {
            let (x, y) = digits(n, &mut rng);
            let one_hot: Vec<f32> = y
                .iter()
                .flat_map(|&c| genlab_core::digits::data::one_hot(c))
                .collect();
            g.step(gpu, &x, &one_hot, 0.01);
            for (i, (net, opt)) in nets.iter_mut().enumerate() {
                net.gradient(&x, &y, &mut work);
                // The gradients themselves: Adam's step hides their scale.
                let got: Vec<f32> = g.nets[i]
                    .grads
                    .iter()
                    .flat_map(|t| t.read_blocking(gpu))
                    .collect();
                let scale = work.d_params.iter().fold(0.0f32, |m, g| m.max(g.abs()));
                let diff = max_abs_diff(&got, &work.d_params) / scale;
                worst_grad = worst_grad.max(diff);
                assert!(
                    diff < 1e-5,
                    "step {step}, net {i}: gradients differ by {diff} of {scale}"
                );
                opt.step(&mut net.params, &work.d_params, 0.01);
            }
            let copy = pollster::block_on(g.read(gpu, step == 5)).unwrap();
            let cpu_params: Vec<f32> = nets.iter().flat_map(|(n, _)| n.params.clone()).collect();
            // Adam moves a weight by about the rate (10⁻²) a step, and where a gradient is tiny
            // beside its terms, their rounding moves the step (measured 2.6e-5).
            // Each net's copy apart, in the nets' order.
            assert_eq!(copy.lanes.len(), nets.len());
            let joined = |part: fn(&DeviceCopy) -> &Vec<f32>| -> Vec<f32> {
                copy.lanes.iter().flat_map(|c| part(c).clone()).collect()
            };
            let diff = max_abs_diff(&joined(|c| &c.params), &cpu_params);
            assert!(diff < 1e-3, "step {step}: parameters differ by {diff}");
            let cpu_m: Vec<f32> = nets
                .iter()
                .flat_map(|(_, o)| o.moments().0.to_vec())
                .collect();
            assert!(
                max_rel_diff(&joined(|c| &c.m), &cpu_m) < 1e-3,
                "step {step}: moments"
            );
            assert_eq!(copy.t, step as u64 + 1);
            if step == 5 {
                let counts = copy.scores.expect("a scored read").losses;
                let want: Vec<f64> = nets
                    .iter()
                    .map(|(net, _)| {
                        let said = net.predict(&test, &mut work);
                        said.iter()
                            .zip(&test_labels)
                            .filter(|(a, b)| a == b)
                            .count() as f64
                    })
                    .collect();
                eprintln!("right: GPU {counts:?}, CPU {want:?}; parameters {diff:e}, gradients {worst_grad:e}");
                assert_eq!(counts, want);
            }
        }
    }
}
