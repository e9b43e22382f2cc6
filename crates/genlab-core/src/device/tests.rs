//! The session and the VAE lesson with a device that runs the CPU's own step: every number
//! must equal the CPU run's bit for bit, through deferred commands, a lost device and a
//! limited batch. (genlab-gpu's tests drive the same session with the real GPU twin.)

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::*;
use crate::autoencoder::model::AeNet;
use crate::autoencoder::penalty::Penalty;
use crate::lesson::LessonId;
use crate::protocol::{FromWorker, HistoryRow, LessonView, PauseReason, ToWorker};
use crate::session::Session;
use crate::vae::model::Workspace;

/// What a test does to the fake device.
#[derive(Default)]
struct Control {
    reads: Cell<u32>,
    /// This read (1-based) and every later one finds the device lost.
    lose_at: Cell<Option<u32>>,
    /// This read returns NaN parameters.
    poison_at: Cell<Option<u32>>,
    /// The largest batch the device holds.
    max_batch: Cell<Option<usize>>,
    /// Reads that scored the test split, and how many of them its loss terms.
    scored: Cell<(u32, u32)>,
    /// Added to the reconstruction sum of every scoring: rows that show it came from the
    /// device.
    score_shift: Cell<f64>,
    /// Offers no twin for a latent-shaping lane with a discriminator.
    no_adversary: Cell<bool>,
    /// Offers no twin for a DBN layer's autoencoder.
    no_stacked_ae: Cell<bool>,
    /// Offers no twin for a DBN layer.
    no_dbn_layer: Cell<bool>,
    /// Offers no twin for the DBN's fine-tuned classifiers.
    no_fine_tune: Cell<bool>,
    /// Offers no twin for the DBN's generator.
    no_generator: Cell<bool>,
    /// Reads that brought the weights alone, for a view.
    weight_reads: Cell<u32>,
    /// Reads that brought a VAE's test codes alone, for a view.
    code_reads: Cell<u32>,
    /// A VAE twin decodes the pictures (else the lesson decodes its CPU copy).
    decodes: Cell<bool>,
}

impl Control {
    /// A read of `copy`: counted, and `Lost` from the `lose_at`-th read on.
    fn read(&self, copy: DeviceCopy) -> DeviceRead {
        self.reads.set(self.reads.get() + 1);
        let lost = self.lose_at.get().is_some_and(|at| self.reads.get() >= at);
        Box::pin(async move {
            if lost {
                Err(DeviceFault::Lost)
            } else {
                Ok(copy)
            }
        })
    }
}

struct FakeAccelerator(Rc<Control>);

struct Twin {
    control: Rc<Control>,
    net: VaeNet<f32>,
    opt: Optimizer<f32>,
    batch: usize,
    beta: f64,
    ws: Workspace<f32>,
    d_params: Vec<f32>,
    sums: RefCell<(f64, f64)>,
    /// The test split it keeps: the encoder's input, the images, the noise.
    test: Option<(Vec<f32>, Vec<f32>, Vec<f32>)>,
}

impl Accelerator for FakeAccelerator {
    fn adapter(&self) -> String {
        "fake twin".into()
    }
    fn fit_batch(&self, requested: usize, _floats_per_image: usize) -> usize {
        requested.min(self.0.max_batch.get().unwrap_or(usize::MAX))
    }
    fn vae(
        &self,
        net: &VaeNet<f32>,
        opt: &Optimizer<f32>,
        batch: usize,
        beta: f64,
    ) -> Box<dyn VaeDevice> {
        Box::new(Twin {
            control: self.0.clone(),
            net: net.clone(),
            opt: opt.clone(),
            batch,
            beta,
            ws: Workspace::default(),
            d_params: vec![0.0; net.n_params()],
            sums: RefCell::new((0.0, 0.0)),
            test: None,
        })
    }
    fn rbm(
        &self,
        visible: usize,
        hidden: usize,
        params: &[f32],
        _batch: usize,
        k: u32,
        chains: Option<&[f32]>,
    ) -> Box<dyn RbmDevice> {
        Box::new(RbmTwin {
            control: self.0.clone(),
            group: 0,
            top_work: Default::default(),
            rbm: crate::rbm::batched::BatchRbm {
                d: visible,
                h: hidden,
                params: params.to_vec(),
            },
            k,
            chains: chains.map(|c| c.to_vec()),
            work: Default::default(),
            sets: vec![],
        })
    }
    fn dbn_layer(&self, spec: &DbnLayerSpec<'_>) -> Option<Box<dyn DbnLayerDevice>> {
        if self.0.no_dbn_layer.get() {
            return None;
        }
        let rbm = |(d, h, p): (usize, usize, &[f32])| crate::rbm::batched::BatchRbm {
            d,
            h,
            params: p.to_vec(),
        };
        let (d, h, group, params) = spec.layer;
        Some(Box::new(DbnLayerTwin {
            frozen: spec.frozen.iter().map(|&f| rbm(f)).collect(),
            samples: spec.samples,
            layer: RbmTwin {
                control: self.0.clone(),
                group,
                top_work: Default::default(),
                rbm: rbm((d, h, params)),
                k: spec.k,
                chains: spec.chains.map(|c| c.to_vec()),
                work: Default::default(),
                sets: vec![],
            },
        }))
    }
    fn generator(
        &self,
        (d, h, tail): (usize, usize, usize),
        top: &[f32],
        chains: &[f32],
    ) -> Option<Box<dyn GeneratorDevice>> {
        if self.0.no_generator.get() {
            return None;
        }
        let mut generator = crate::dbn::stack::Generator {
            chains: chains.to_vec(),
            probs: vec![],
        };
        generator.set_probs(chains, d, tail);
        Some(Box::new(GeneratorTwin {
            control: self.0.clone(),
            top: crate::rbm::batched::BatchRbm {
                d,
                h,
                params: top.to_vec(),
            },
            tail,
            generator,
            pv: chains.to_vec(),
        }))
    }
    fn fine_tune(
        &self,
        sizes: &[usize],
        nets: &[(&[f32], &Optimizer<f32>)],
        _batch: usize,
        test: &[f32],
        test_labels: &[u8],
    ) -> Option<Box<dyn FineTuneDevice>> {
        if self.0.no_fine_tune.get() {
            return None;
        }
        let nets = nets
            .iter()
            .map(|&(params, opt)| {
                let net = crate::dbn::classifier::SigmoidNet {
                    sizes: sizes.to_vec(),
                    params: params.to_vec(),
                };
                (net, opt.clone())
            })
            .collect();
        Some(Box::new(FineTuneTwin {
            control: self.0.clone(),
            nets,
            test: test.to_vec(),
            test_labels: test_labels.to_vec(),
            work: Default::default(),
        }))
    }
    fn stacked_autoencoder(
        &self,
        layers: &[(usize, usize, &[f32])],
        _batch: usize,
    ) -> Option<Box<dyn StackedAeDevice>> {
        if self.0.no_stacked_ae.get() {
            return None;
        }
        let layers = layers
            .iter()
            .map(|&(d, h, p)| crate::rbm::batched::BatchRbm {
                d,
                h,
                params: p.to_vec(),
            })
            .collect();
        Some(Box::new(StackedAeTwin {
            control: self.0.clone(),
            layers,
            loss: f64::NAN,
            work: Default::default(),
        }))
    }
    fn autoencoder(
        &self,
        net: &AeNet<f32>,
        penalty: Penalty,
        opt: &Optimizer<f32>,
        batch: usize,
    ) -> Box<dyn AutoencoderDevice> {
        Box::new(AeTwin {
            control: self.0.clone(),
            net: net.clone(),
            penalty,
            opt: opt.clone(),
            batch,
            ws: Default::default(),
            d_params: vec![0.0; net.n_params()],
            sets: vec![],
        })
    }
    fn shaping_lane(
        &self,
        lane: &crate::wae::lane::ShapingLane,
        knobs: &crate::wae::lane::Knobs,
        batch: usize,
    ) -> Option<Box<dyn ShapingDevice>> {
        assert!(batch <= self.0.max_batch.get().unwrap_or(usize::MAX));
        // A device without a discriminator's twin, when a test asks for one.
        if self.0.no_adversary.get() && lane.disc.is_some() {
            return None;
        }
        Some(Box::new(ShapingTwin {
            control: self.0.clone(),
            lane: lane.clone(),
            knobs: *knobs,
            loss: f64::NAN,
        }))
    }
}

/// A latent-shaping lane's twin that runs the CPU lane's own step — discriminator included —
/// and reads back as a device does: the adversarial lane's state in f32.
struct ShapingTwin {
    control: Rc<Control>,
    lane: crate::wae::lane::ShapingLane,
    knobs: crate::wae::lane::Knobs,
    loss: f64,
}

impl ShapingDevice for ShapingTwin {
    fn step(&mut self, b: ShapingBatch<'_>, lr: f64) {
        let prior: Vec<[f64; 2]> = b
            .prior
            .chunks_exact(2)
            .map(|p| [p[0] as f64, p[1] as f64])
            .collect();
        let loss = self
            .lane
            .step(b.x, b.labels, &prior, b.labels, b.eps, &self.knobs, lr)
            .expect("finite");
        self.loss = loss.reg;
    }
    fn set_knobs(&mut self, knobs: &crate::wae::lane::Knobs) {
        self.knobs = *knobs;
    }
}

impl ReadDevice for ShapingTwin {
    /// Its parameters poisoned at the read `poison_at` names.
    fn read(&self) -> DeviceRead {
        let (m, v, t) = self.lane.optimizer().moments();
        let mut params = self.lane.net.params.clone();
        if self.control.poison_at.get() == Some(self.control.reads.get() + 1) {
            params[0] = f32::NAN;
        }
        let (extra, sums) = match self.lane.adversary_copy() {
            Some(a) => crate::wae::lane::AdversaryCopy {
                loss: self.loss,
                ..a
            }
            .into_parts(),
            None => (vec![], vec![]),
        };
        self.control.read(DeviceCopy {
            params,
            m: m.to_vec(),
            v: v.to_vec(),
            t,
            extra,
            sums,
            ..Default::default()
        })
    }
}

/// An autoencoder twin that runs the CPU lane's own step.
struct AeTwin {
    control: Rc<Control>,
    net: AeNet<f32>,
    penalty: Penalty,
    opt: Optimizer<f32>,
    batch: usize,
    ws: crate::autoencoder::model::Workspace<f32>,
    d_params: Vec<f32>,
    /// The sets it keeps to score.
    sets: Vec<Vec<f32>>,
}

impl AutoencoderDevice for AeTwin {
    fn step(&mut self, input: &[f32], clean: &[f32], lr: f64) {
        assert_eq!(clean.len(), self.batch * self.net.shape.input);
        self.net
            .forward_loss(input, clean, self.batch, &self.penalty, &mut self.ws);
        self.net
            .backward(clean, &self.penalty, &mut self.ws, &mut self.d_params);
        self.opt.step(&mut self.net.params, &self.d_params, lr);
    }
    fn set_penalty(&mut self, penalty: Penalty) {
        self.penalty = penalty;
    }
    fn keep_scored_sets(&mut self, sets: &[&[f32]]) -> bool {
        self.sets = sets.iter().map(|s| s.to_vec()).collect();
        true
    }
    fn read_weights(&self) -> DeviceRead {
        let c = &self.control;
        c.weight_reads.set(c.weight_reads.get() + 1);
        c.read(DeviceCopy {
            params: self.net.params.clone(),
            view_only: true,
            ..Default::default()
        })
    }
    /// The lesson's own scoring of each kept set at the twin's parameters (its reconstruction
    /// sum shifted by the control's shift).
    fn read_scored(&self) -> DeviceRead {
        let c = &self.control;
        c.scored.set((c.scored.get().0 + 1, c.scored.get().1 + 1));
        let (mut codes, mut losses) = (vec![], vec![]);
        for set in &self.sets {
            let (rec, sq, set_codes) = self.net.score_set(set, &mut Default::default());
            codes.extend(set_codes);
            losses.extend([rec + c.score_shift.get(), sq]);
        }
        let mut copy = self.read_copy();
        copy.scores = Some(DeviceScores { codes, losses });
        c.read(copy)
    }
}

impl AeTwin {
    fn read_copy(&self) -> DeviceCopy {
        let (m, v, t) = self.opt.moments();
        DeviceCopy {
            params: self.net.params.clone(),
            m: m.to_vec(),
            v: v.to_vec(),
            t,
            ..Default::default()
        }
    }
}

impl ReadDevice for AeTwin {
    fn read(&self) -> DeviceRead {
        self.control.read(self.read_copy())
    }
}

/// A DBN layer's RBM fed the digits: the CPU's own pass up, labels and step.
struct DbnLayerTwin {
    frozen: Vec<crate::rbm::batched::BatchRbm<f32>>,
    samples: bool,
    layer: RbmTwin,
}

impl DbnLayerDevice for DbnLayerTwin {
    fn step(&mut self, x: &[f32], labels: &[f32], lr: f64, rng: &mut CounterRng) {
        let pass = match self.samples {
            true => crate::dbn::PassUp::Samples,
            false => crate::dbn::PassUp::Probabilities,
        };
        let up = crate::dbn::stack::pass_up(&self.frozen, x, pass, rng);
        let group = self.layer.group;
        let width = self.layer.rbm.d - group;
        let v0: Vec<f32> = match group {
            0 => up,
            _ => up
                .chunks_exact(width)
                .zip(labels.chunks_exact(group))
                .flat_map(|(row, label)| row.iter().chain(label).copied())
                .collect(),
        };
        self.layer.step(&v0, lr, rng);
    }
}

impl ReadDevice for DbnLayerTwin {
    fn read(&self) -> DeviceRead {
        self.layer.read()
    }
}

/// The DBN's generator: the CPU's own Gibbs step.
struct GeneratorTwin {
    control: Rc<Control>,
    top: crate::rbm::batched::BatchRbm<f32>,
    tail: usize,
    generator: crate::dbn::stack::Generator,
    /// The last step's p(v | h) with the labels' units held, as the device keeps it.
    pv: Vec<f32>,
}

impl GeneratorDevice for GeneratorTwin {
    fn set_top(&mut self, top: &[f32]) {
        self.top.params = top.to_vec();
    }
    fn step(&mut self, rng: &mut CounterRng) {
        self.generator.step(&self.top, self.tail, rng);
        // p(v | h) as the device holds it: the pictures' part is what the host reads.
        let d = self.top.d;
        let binary = d - self.tail;
        self.pv = self
            .generator
            .probs
            .chunks_exact(binary)
            .zip(self.generator.chains.chunks_exact(d))
            .flat_map(|(p, chain)| p.iter().chain(&chain[binary..]).copied())
            .collect();
    }
}

impl ReadDevice for GeneratorTwin {
    /// Its pictures' probabilities poisoned at the read `poison_at` names.
    fn read(&self) -> DeviceRead {
        let mut pv = self.pv.clone();
        if self.control.poison_at.get() == Some(self.control.reads.get() + 1) {
            pv[0] = f32::NAN;
        }
        self.control.read(DeviceCopy {
            params: pv,
            extra: self.generator.chains.clone(),
            ..Default::default()
        })
    }
}

/// The DBN's classifiers: the CPU's own gradient, Adam and predictions.
struct FineTuneTwin {
    control: Rc<Control>,
    nets: Vec<(crate::dbn::classifier::SigmoidNet<f32>, Optimizer<f32>)>,
    test: Vec<f32>,
    test_labels: Vec<u8>,
    work: crate::dbn::classifier::NetWork<f32>,
}

impl FineTuneTwin {
    fn copy(&self) -> DeviceCopy {
        let mut copy = DeviceCopy {
            ..Default::default()
        };
        for (net, opt) in &self.nets {
            let (m, v, t) = opt.moments();
            copy.lanes.push(DeviceCopy {
                params: net.params.clone(),
                m: m.to_vec(),
                v: v.to_vec(),
                t,
                ..Default::default()
            });
            copy.t = t;
        }
        // Poisoned at the read `poison_at` names.
        if self.control.poison_at.get() == Some(self.control.reads.get() + 1) {
            copy.lanes[0].params[0] = f32::NAN;
        }
        copy
    }
}

impl FineTuneDevice for FineTuneTwin {
    fn step(&mut self, x: &[f32], labels: &[f32], lr: f64) {
        let classes: Vec<u8> = labels
            .chunks_exact(crate::dbn::classifier::CLASSES)
            .map(|row| row.iter().position(|&p| p == 1.0).unwrap() as u8)
            .collect();
        for (net, opt) in &mut self.nets {
            net.gradient(x, &classes, &mut self.work);
            opt.step(&mut net.params, &self.work.d_params, lr);
        }
    }
    fn read_scored(&self) -> DeviceRead {
        let mut copy = self.copy();
        let mut work = Default::default();
        let losses = self
            .nets
            .iter()
            .map(|(net, _)| {
                let said = net.predict(&self.test, &mut work);
                said.iter()
                    .zip(&self.test_labels)
                    .filter(|(a, b)| a == b)
                    .count() as f64
            })
            .collect();
        copy.scores = Some(DeviceScores {
            codes: vec![],
            losses,
        });
        self.control.read(copy)
    }
}

impl ReadDevice for FineTuneTwin {
    fn read(&self) -> DeviceRead {
        self.control.read(self.copy())
    }
}

/// A DBN layer's autoencoder: the CPU's own pass up and step.
struct StackedAeTwin {
    control: Rc<Control>,
    layers: Vec<crate::rbm::batched::BatchRbm<f32>>,
    loss: f64,
    work: crate::dbn::autoencoder::AeWork<f32>,
}

impl StackedAeDevice for StackedAeTwin {
    fn step(&mut self, x: &[f32], lr: f64) {
        let (top, frozen) = self.layers.split_last_mut().unwrap();
        let pass = crate::dbn::PassUp::Probabilities;
        let codes = crate::dbn::stack::pass_up(frozen, x, pass, &mut crate::rng::Rng::new(0));
        self.loss = crate::dbn::autoencoder::sgd_step(top, &codes, lr, &mut self.work);
    }
}

impl ReadDevice for StackedAeTwin {
    /// Its parameters poisoned at the read `poison_at` names.
    fn read(&self) -> DeviceRead {
        let mut params = self.layers.last().unwrap().params.clone();
        if self.control.poison_at.get() == Some(self.control.reads.get() + 1) {
            params[0] = f32::NAN;
        }
        self.control.read(DeviceCopy {
            params,
            sums: vec![self.loss],
            ..Default::default()
        })
    }
}

struct RbmTwin {
    control: Rc<Control>,
    /// A softmax group's width (a DBN's labelled top): its steps are `labelled_cd_step`'s.
    group: usize,
    top_work: crate::dbn::stack::TopWork,
    rbm: crate::rbm::batched::BatchRbm<f32>,
    k: u32,
    chains: Option<Vec<f32>>,
    work: crate::rbm::batched::CdWork<f32>,
    /// The image sets it keeps to score.
    sets: Vec<Vec<f32>>,
}

impl RbmDevice for RbmTwin {
    fn step(&mut self, batch: &[f32], lr: f64, rng: &mut CounterRng) {
        let chains = self.chains.as_mut();
        if self.group == 0 {
            self.rbm
                .cd_step(batch, self.k, lr, chains, rng, &mut self.work);
        } else {
            crate::dbn::stack::labelled_cd_step(
                &mut self.rbm,
                self.group,
                batch,
                self.k,
                lr,
                chains,
                rng,
                &mut self.top_work,
            );
        }
    }
    fn keep_scored_sets(&mut self, sets: &[&[f32]]) -> bool {
        self.sets = sets.iter().map(|s| s.to_vec()).collect();
        self.group == 0
    }
    /// The lesson's own scoring, each set's squared error shifted by the control's shift.
    fn read_scored(&self) -> DeviceRead {
        let c = &self.control;
        c.scored.set((c.scored.get().0 + 1, c.scored.get().1 + 1));
        let losses = self
            .sets
            .iter()
            .flat_map(|v| {
                let (recon, free) = self.rbm.score_sums(v, v.len() / self.rbm.d);
                [recon + c.score_shift.get(), free]
            })
            .collect();
        let mut copy = self.copy();
        copy.scores = Some(DeviceScores {
            codes: vec![],
            losses,
        });
        c.read(copy)
    }
}

impl ReadDevice for RbmTwin {
    fn read(&self) -> DeviceRead {
        self.control.read(self.copy())
    }
}

impl RbmTwin {
    /// The copy a read takes (its parameters poisoned at the read `poison_at` names).
    fn copy(&self) -> DeviceCopy {
        let mut params = self.rbm.params.clone();
        if self.control.poison_at.get() == Some(self.control.reads.get() + 1) {
            params[0] = f32::NAN;
        }
        DeviceCopy {
            params,
            extra: match self.group {
                0 => self.work.chain().to_vec(),
                _ => self.top_work.chain().to_vec(),
            },
            ..Default::default()
        }
    }
}

impl VaeDevice for Twin {
    fn step(&mut self, input: &[f32], x: &[f32], eps: &[f32], lr: f64) {
        assert_eq!(x.len(), self.batch * crate::vae::data::PIXELS);
        let loss = self
            .net
            .forward_loss_given(input, x, eps, self.batch, &mut self.ws);
        self.net
            .backward(x, self.beta, &mut self.ws, &mut self.d_params);
        self.opt.step(&mut self.net.params, &self.d_params, lr);
        let mut sums = self.sums.borrow_mut();
        sums.0 += loss.rec;
        sums.1 += loss.kl;
    }
    fn set_loss(&mut self, beta: f64, output: crate::autoencoder::model::Output) {
        self.beta = beta;
        self.net.net.shape.output = output;
    }
    fn keep_test_split(&mut self, input: &[f32], x: &[f32], eps: &[f32]) -> bool {
        self.test = Some((input.to_vec(), x.to_vec(), eps.to_vec()));
        true
    }
    /// The lesson's own scoring pass (batches of 100, z = μ while β = 0), at the twin's
    /// parameters.
    fn read_scored(&self, losses: bool) -> DeviceRead {
        use crate::vae::data::PIXELS;
        let Some((input, x, eps)) = &self.test else {
            return self.read();
        };
        let (l, n) = (self.net.latent(), x.len() / PIXELS);
        let width = input.len() / n;
        let (mut codes, mut rec, mut kl) = (vec![], 0.0, 0.0);
        let mut ws = Workspace::default();
        for start in (0..n).step_by(100) {
            let b = 100.min(n - start);
            let noise: Vec<f32> = eps[start * l..(start + b) * l]
                .iter()
                .map(|&e| if self.beta == 0.0 { 0.0 } else { e })
                .collect();
            let loss = self.net.forward_loss_given(
                &input[start * width..(start + b) * width],
                &x[start * PIXELS..(start + b) * PIXELS],
                &noise,
                b,
                &mut ws,
            );
            rec += loss.rec;
            kl += loss.kl;
            codes.extend((0..b).flat_map(|i| ws.encoding(i).0.to_vec()));
        }
        let (reads, with_losses) = self.control.scored.get();
        self.control
            .scored
            .set((reads + 1, with_losses + u32::from(losses)));
        let losses = if losses {
            vec![rec + self.control.score_shift.get(), kl]
        } else {
            vec![]
        };
        let mut copy = self.copy();
        copy.scores = Some(DeviceScores { codes, losses });
        self.control.read(copy)
    }
    /// The encoder alone over the kept split, at the twin's parameters; the sums stay. Only
    /// a twin that decodes offers it, as genlab-gpu's does: the pictures must not come from a
    /// CPU copy the view's reads no longer refresh.
    fn read_codes(&self) -> Option<DeviceRead> {
        if !self.control.decodes.get() {
            return None;
        }
        let (input, _, _) = self.test.as_ref()?;
        let n = self.test.as_ref()?.1.len() / crate::vae::data::PIXELS;
        let width = input.len() / n;
        let (mut codes, mut ws) = (vec![], Workspace::default());
        for start in (0..n).step_by(100) {
            let b = 100.min(n - start);
            self.net
                .encode(&input[start * width..(start + b) * width], b, &mut ws);
            codes.extend((0..b).flat_map(|i| ws.encoding(i).0.to_vec()));
        }
        let c = &self.control;
        c.code_reads.set(c.code_reads.get() + 1);
        Some(c.read(DeviceCopy {
            view_only: true,
            scores: Some(DeviceScores {
                codes,
                losses: vec![],
            }),
            ..Default::default()
        }))
    }
    /// The pictures at the twin's parameters, as the lesson decodes its CPU copy.
    fn decode(&mut self, z: &[f32], labels: &[f32]) -> Option<DevicePictures> {
        if !self.control.decodes.get() {
            return None;
        }
        let (l, n) = (self.net.latent(), z.len() / self.net.latent());
        let c = labels.len() / n.max(1);
        let rows: Vec<f32> = z
            .chunks_exact(l)
            .enumerate()
            .flat_map(|(i, zi)| [zi, &labels[i * c..(i + 1) * c]].concat())
            .collect();
        let mut logits = vec![];
        self.net
            .decode_logits(&rows, n, &mut Workspace::default(), &mut logits);
        let images: Vec<f32> = logits
            .iter()
            .map(|&a| crate::vae::model::sigmoid(a))
            .collect();
        Some(Box::pin(async move { Ok(images) }))
    }
}

impl ReadDevice for Twin {
    fn read(&self) -> DeviceRead {
        self.control.read(self.copy())
    }
}

impl Twin {
    /// The copy a read takes (its parameters poisoned at the read `poison_at` names).
    fn copy(&self) -> DeviceCopy {
        let c = &self.control;
        // The read about to be counted.
        let n = c.reads.get() + 1;
        let (m, v, t) = self.opt.moments();
        let mut params = self.net.params.clone();
        if c.poison_at.get() == Some(n) {
            params[0] = f32::NAN;
        }
        let (rec, kl) = std::mem::take(&mut *self.sums.borrow_mut());
        DeviceCopy {
            params,
            m: m.to_vec(),
            v: v.to_vec(),
            t,
            sums: vec![rec, kl],
            ..Default::default()
        }
    }
}

const QUERY: &str = "seed=2&hidden=64&batch=20";

fn install_digits() {
    use crate::vae::data;
    if data::installed().is_none() {
        let digits = data::load_repo_asset().expect("the bundled digits");
        data::install(data::Source::Loaded(std::sync::Arc::new(digits)));
    }
}

/// A VAE session at `query`, with the fake device offered when `control` is given.
fn session(query: &str, device: Option<Result<Rc<Control>, Msg>>) -> Session {
    install_digits();
    let mut s = Session::new();
    s.handle(ToWorker::Init {
        lesson: LessonId::Vae,
        query: query.into(),
    });
    if let Some(device) = device {
        assert!(s.wants_accelerator());
        let offered = device.map(|c| Rc::new(FakeAccelerator(c)) as Rc<dyn Accelerator>);
        let out = s.set_accelerator(offered);
        assert!(matches!(&out[..], [FromWorker::Snapshot(_)]), "{out:?}");
        assert!(!s.wants_accelerator(), "asked once");
    }
    s
}

fn run_to(s: &mut Session, step: u64) -> Vec<FromWorker> {
    let mut out = s.handle(ToWorker::RunTo { step });
    out.extend(s.run_blocking(7));
    out
}

fn path(s: &mut Session) -> ComputePath {
    match s.snapshot(0.0) {
        FromWorker::Snapshot(snap) => match snap.view {
            LessonView::Vae(v) => v.path,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

fn cpu_rows(step: u64) -> Vec<HistoryRow> {
    let mut cpu = session(QUERY, None);
    run_to(&mut cpu, step);
    assert_eq!(path(&mut cpu), ComputePath::Cpu);
    cpu.recorded().to_vec()
}

/// Bit for bit, NaN included (the first row has no training loss yet).
fn assert_same(a: &[HistoryRow], b: &[HistoryRow]) {
    let bits = |rows: &[HistoryRow]| -> Vec<(u64, Vec<u64>)> {
        rows.iter()
            .map(|r| (r.step, r.values.iter().map(|v| v.to_bits()).collect()))
            .collect()
    };
    assert_eq!(bits(a), bits(b), "\n{a:?}\n{b:?}");
    assert!(a.len() > 2);
}

fn gpu_query() -> String {
    format!("{QUERY}&device=gpu")
}

#[test]
fn a_device_run_is_the_cpu_run() {
    let control = Rc::new(Control::default());
    let mut dev = session(&gpu_query(), Some(Ok(control.clone())));
    let out = run_to(&mut dev, 95);
    assert_same(dev.recorded(), &cpu_rows(95));
    assert_eq!(dev.step(), 95);
    assert!(matches!(
        path(&mut dev),
        ComputePath::Gpu { adapter, batch_limited: None } if adapter == "fake twin"
    ));
    // Read at each row (30, 60, 90) and for the pause at 95, never per step.
    assert_eq!(control.reads.get(), 4);
    // The pause waited for the read: its snapshot shows step 95, then the pause.
    let n = out.len();
    assert!(
        matches!(&out[n - 2..], [FromWorker::Snapshot(s), FromWorker::Paused { step: 95, reason: PauseReason::ReachedTarget }] if s.step == 95),
        "{:?}",
        &out[n - 2..]
    );
}

/// The test split is scored on the device at every read (the codes), with its loss terms at
/// the rows' reads, and the rows take those: a shift the device adds to its reconstruction sum
/// shows in the rows' test reconstruction, by that shift over the split's size, and nowhere else.
#[test]
fn the_device_scores_the_test_split_for_the_rows() {
    let control = Rc::new(Control::default());
    control.score_shift.set(1000.0);
    let mut dev = session(&gpu_query(), Some(Ok(control.clone())));
    run_to(&mut dev, 95);
    // Reads at 30, 60, 90 (rows: losses too) and 95 (the pause: codes alone).
    assert_eq!(control.scored.get(), (4, 3));
    let shifted = (&["test_rec", "test_loss"][..], test_split_shift());
    assert_shifted(dev.recorded(), &cpu_rows(95), crate::vae::METRICS, shifted);
}

/// The shift a fake device's score shift of 1,000 makes in a mean over the test split.
fn test_split_shift() -> f64 {
    1000.0 / crate::vae::data::installed_digits().unwrap().test.len() as f64
}

/// `rows` are `cpu`'s with the columns named in `shifted` raised `by` from the first device
/// read on (step 0 is scored before any device step, on the CPU).
fn assert_shifted(
    rows: &[HistoryRow],
    cpu: &[HistoryRow],
    names: &[&str],
    (shifted, by): (&[&str], f64),
) {
    assert_eq!(rows.len(), cpu.len());
    assert!(rows.len() > 2);
    for (d, c) in rows.iter().zip(cpu) {
        for (j, (a, b)) in d.values.iter().zip(&c.values).enumerate() {
            let moved = d.step > 0 && shifted.contains(&names[j]);
            let want = if moved { b + by } else { *b };
            assert!(
                a.to_bits() == want.to_bits() || (a - want).abs() < 1e-9 * want.abs(),
                "step {}, {}: {a} vs {want}",
                d.step,
                names[j]
            );
        }
    }
}

#[test]
fn commands_wait_for_the_read_and_keep_their_order() {
    let control = Rc::new(Control::default());
    let mut dev = session(&gpu_query(), Some(Ok(control.clone())));
    dev.handle(ToWorker::Play);
    dev.run(12);
    assert_eq!(dev.step(), 12);
    // Unread steps: an export would save the CPU copy of step 0 — it waits.
    assert!(dev.handle(ToWorker::Export).is_empty());
    assert!(dev.handle(ToWorker::Pause).is_empty());
    assert!(dev.run(5).is_empty(), "no steps while commands wait");
    let read = dev.read_due(false).expect("a read is due");
    assert!(dev.read_due(false).is_none(), "one read at a time");
    let out = dev.take_read(block_on(read));
    let names: Vec<&str> = out
        .iter()
        .map(|m| match m {
            FromWorker::Snapshot(_) => "snapshot",
            FromWorker::Exported { .. } => "exported",
            FromWorker::Paused { .. } => "paused",
            _ => "other",
        })
        .collect();
    assert_eq!(names, ["snapshot", "exported", "snapshot", "paused"]);
    let FromWorker::Exported { text, .. } = &out[1] else {
        unreachable!()
    };
    // The exported state is the CPU run's at step 12.
    let mut cpu = session(QUERY, None);
    run_to(&mut cpu, 12);
    let [FromWorker::Exported { text: cpu_text, .. }] = &cpu.handle(ToWorker::Export)[..] else {
        panic!()
    };
    let state = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap()["state"].clone();
    assert_eq!(state(text), state(cpu_text));
}

#[test]
fn a_lost_device_continues_on_the_cpu_with_nothing_lost() {
    let control = Rc::new(Control::default());
    control.lose_at.set(Some(2));
    let mut dev = session(&gpu_query(), Some(Ok(control.clone())));
    run_to(&mut dev, 95);
    // Read 1 at step 30 took; read 2 at 60 found the device gone: steps 31..60 ran again on
    // the CPU, the same ones.
    assert_same(dev.recorded(), &cpu_rows(95));
    match path(&mut dev) {
        ComputePath::Fallback { adapter, why } => {
            assert_eq!(adapter.as_deref(), Some("fake twin"));
            assert_eq!(why, crate::msg!("msg.gpu.lost", 30u64));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(control.reads.get(), 2, "no more reads once lost");
}

#[test]
fn without_a_device_the_cpu_runs_and_says_why() {
    let why = crate::msg!("msg.gpu.no_webgpu");
    let mut dev = session(&gpu_query(), Some(Err(why.clone())));
    run_to(&mut dev, 65);
    assert_same(dev.recorded(), &cpu_rows(65));
    assert_eq!(path(&mut dev), ComputePath::Fallback { adapter: None, why });
}

#[test]
fn a_batch_too_large_for_the_device_is_made_smaller_and_said() {
    let control = Rc::new(Control::default());
    control.max_batch.set(Some(8));
    let mut dev = session(&gpu_query(), Some(Ok(control)));
    assert!(matches!(
        path(&mut dev),
        ComputePath::Gpu {
            batch_limited: Some((8, 20)),
            ..
        }
    ));
    run_to(&mut dev, 30);
    let epoch = *dev.recorded()[1].values.last().unwrap();
    let train_size = match crate::vae::data::installed() {
        Some(crate::vae::data::Source::Loaded(d)) => d.train.len(),
        _ => unreachable!(),
    };
    assert!(
        (epoch - 30.0 * 8.0 / train_size as f64).abs() < 1e-12,
        "{epoch}"
    );
}

#[test]
fn a_non_finite_read_is_a_divergence() {
    let control = Rc::new(Control::default());
    control.poison_at.set(Some(2));
    let mut dev = session(&gpu_query(), Some(Ok(control)));
    let out = run_to(&mut dev, 95);
    assert!(
        out.iter().any(|m| matches!(
            m,
            FromWorker::Paused {
                step: 60,
                reason: PauseReason::Diverged { .. }
            }
        )),
        "{out:?}"
    );
    assert_eq!(dev.mode(), crate::session::Mode::Diverged);
    // Only the row of the good read was recorded.
    let steps: Vec<u64> = dev.recorded().iter().map(|r| r.step).collect();
    assert_eq!(steps, [0, 30]);
}

#[test]
fn live_settings_reach_the_device() {
    // β and the batch size change mid-run on both paths, at the same step; later the
    // likelihood (a new twin is not needed: the loss changes on the running one).
    let control = Rc::new(Control::default());
    let mut dev = session(&gpu_query(), Some(Ok(control)));
    let mut cpu = session(QUERY, None);
    for s in [&mut dev, &mut cpu] {
        run_to(s, 40);
        let query = format!("{}&beta=0.5&batch=12", s.trainer().unwrap().query());
        s.handle(ToWorker::Update { query });
        s.run_blocking(7);
        run_to(s, 70);
        let query = format!(
            "{}&likelihood=gaussian&sigma_x=0.3",
            s.trainer().unwrap().query()
        );
        s.handle(ToWorker::Update { query });
        s.run_blocking(7);
        run_to(s, 125);
    }
    assert_same(dev.recorded(), cpu.recorded());
    assert!(dev.trainer().unwrap().query().contains("batch=12"));
}

/// A session of `lesson` at `query`; with `device`, the same URL asking for the GPU and the
/// fake twin offered.
fn lesson_session(lesson: LessonId, query: &str, device: Option<&Rc<Control>>) -> Session {
    install_digits();
    let mut s = Session::new();
    let query = match device {
        Some(_) => format!("{query}&device=gpu"),
        None => query.to_string(),
    };
    s.handle(ToWorker::Init { lesson, query });
    if let Some(c) = device {
        s.set_accelerator(Ok(Rc::new(FakeAccelerator(c.clone()))));
    }
    s
}

/// The MNIST RBM on the fake device: the CPU run's rows bit for bit, CD and PCD, through a
/// lost device.
#[test]
fn the_mnist_rbm_on_a_device_is_the_cpu_run() {
    for chains in ["cd", "pcd"] {
        let query = format!("seed=5&hidden=20&batch=30&k=2&method={chains}");
        let rows = |device: Option<Rc<Control>>| {
            let mut s = lesson_session(LessonId::RbmMnist, &query, device.as_ref());
            run_to(&mut s, 160);
            s.recorded().to_vec()
        };
        let cpu = rows(None);
        let steady = Rc::new(Control::default());
        assert_same(&rows(Some(steady.clone())), &cpu);
        // The rows at 50, 100 and 150 were scored on the device, and show it: a shift of the
        // device's summed squared error moves the reconstruction columns by shift / 500
        // (the scored sets' size).
        assert_eq!(steady.scored.get().0, 3, "{chains}");
        let shifted = Rc::new(Control::default());
        shifted.score_shift.set(1000.0);
        let names = crate::rbm_mnist::METRICS;
        let columns = (&["train_recon", "test_recon"][..], 1000.0 / 500.0);
        assert_shifted(&rows(Some(shifted)), &cpu, names, columns);
        let lossy = Rc::new(Control::default());
        lossy.lose_at.set(Some(3));
        assert_same(&rows(Some(lossy.clone())), &cpu);
        assert_eq!(lossy.reads.get(), 3);
    }
}

fn dbn_view(s: &mut Session) -> crate::dbn::DbnView {
    match s.snapshot(0.0) {
        FromWorker::Snapshot(snap) => match snap.view {
            LessonView::Dbn(v) => v,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// The DBN on the fake device, each layer's RBM on its twin (the labelled top's softmax group
/// included) and its autoencoder on its own (or on the CPU, for a device without that twin):
/// the CPU run's rows, bounds and generated pictures bit for bit — layers of 70 steps, so
/// freezes fall between rows and wait for a read of their own — CD with labels, and PCD with
/// passed-up samples over three layers, through a device lost in layer 2. Fine-tuning runs on
/// the CPU while the page still names the adapter.
#[test]
fn the_dbn_on_a_device_is_the_cpu_run() {
    // (query, steps, the reads with every twin and with the RBMs' alone — a read at each row
    // and each freeze, of each twin —, the first read of the top layer and of fine-tuning)
    for (query, steps, reads, first_reads) in [
        ("seed=2&h1=16&h2=20&batch=20&layer_steps=70", 200, [14, 4], [5, 11]),
        (
            "seed=3&h1=16&h2=16&h3=16&batch=12&layer_steps=70&method=pcd&pass_up=samples&labels=false",
            260,
            [21, 7],
            [9, 18],
        ),
    ] {
        let run = |device: Option<Rc<Control>>| {
            let mut s = lesson_session(LessonId::Dbn, query, device.as_ref());
            run_to(&mut s, steps);
            let view = dbn_view(&mut s);
            (s.recorded().to_vec(), view)
        };
        let (cpu, cpu_view) = run(None);
        // Every twin; then the RBMs alone (the autoencoders and the classifiers on the CPU).
        for all_twins in [true, false] {
            let control = || {
                let c = Rc::new(Control::default());
                c.no_stacked_ae.set(!all_twins);
                c.no_fine_tune.set(!all_twins);
                c.no_generator.set(!all_twins);
                c
            };
            let steady = control();
            let (rows, view) = run(Some(steady.clone()));
            assert_same(&rows, &cpu);
            assert_eq!(view.generated, cpu_view.generated, "{query}");
            assert_eq!(view.bounds, cpu_view.bounds, "{query}");
            assert!(matches!(view.path, ComputePath::Gpu { .. }), "{:?}", view.path);
            assert_eq!(steady.reads.get(), reads[!all_twins as usize], "{query}");
            // Lost while layer 1 pre-trains, and (with every twin) while the top does, and
            // while fine-tuning.
            let lost_at = match all_twins {
                true => vec![3, first_reads[0], first_reads[1]],
                false => vec![2],
            };
            for at in lost_at {
                let lossy = control();
                lossy.lose_at.set(Some(at));
                let (rows, view) = run(Some(lossy));
                assert_same(&rows, &cpu);
                assert_eq!(view.generated, cpu_view.generated);
                assert!(matches!(view.path, ComputePath::Fallback { .. }));
            }
        }
    }
    // A device without a DBN layer's twin: the CPU trains the stack, and the page says why.
    let without = Rc::new(Control::default());
    without.no_dbn_layer.set(true);
    let mut s = lesson_session(
        LessonId::Dbn,
        "seed=2&h1=16&h2=16&layer_steps=70",
        Some(&without),
    );
    match dbn_view(&mut s).path {
        ComputePath::Fallback { why, .. } => assert_eq!(why.key, "msg.dbn.no_twin"),
        other => panic!("{other:?}"),
    }
    run_to(&mut s, 60);
    assert_eq!(without.reads.get(), 0);
    // A device that refuses the next layer's twin when layer 1 freezes: the CPU takes over
    // from the freeze's read (nothing steps on layer 1's stale twin) and the page says why.
    let query = "seed=2&h1=16&h2=16&layer_steps=70";
    let refusing = Rc::new(Control::default());
    let mut s = lesson_session(LessonId::Dbn, query, Some(&refusing));
    run_to(&mut s, 60);
    refusing.no_dbn_layer.set(true);
    run_to(&mut s, 150);
    match dbn_view(&mut s).path {
        ComputePath::Fallback { why, .. } => assert_eq!(why.key, "msg.dbn.no_twin"),
        other => panic!("{other:?}"),
    }
    let mut cpu = lesson_session(LessonId::Dbn, query, None);
    run_to(&mut cpu, 150);
    assert_same(s.recorded(), cpu.recorded());
    // A poisoned read — the one layer 1 freezes at, of the RBM's twin or the autoencoder's —
    // pauses the run as a divergence; so does a non-finite classifier.
    // (the autoencoder's twin, the poisoned read, the step the run stops at, its message):
    // the RBM's or the autoencoder's read at layer 1's freeze, the generator's at the top's
    // first row, the classifiers' at fine-tuning's first row.
    for (ae_twin, poison_at, stop, key) in [
        (false, 2, 70, "msg.dbn.nan"),
        (true, 3, 70, "msg.dbn.nan"),
        (true, 4, 70, "msg.dbn.nan"),
        (true, 7, 100, "msg.dbn.nan"),
        (true, 11, 150, "msg.dbn.finetune_nan"),
    ] {
        let poisoned = Rc::new(Control::default());
        poisoned.no_stacked_ae.set(!ae_twin);
        poisoned.poison_at.set(Some(poison_at));
        let query = "seed=2&h1=16&h2=16&layer_steps=70";
        let mut s = lesson_session(LessonId::Dbn, query, Some(&poisoned));
        let out = run_to(&mut s, 200);
        let diverged = |m: &FromWorker| {
            matches!(m, FromWorker::Paused { reason: PauseReason::Diverged { message }, .. }
                if message.key == key)
        };
        assert!(out.iter().any(diverged), "{poison_at}: {out:?}");
        assert_eq!(s.trainer().unwrap().steps(), stop, "{poison_at}");
    }
}

/// The autoencoder lesson on the fake device — one lane, and five side by side — with λ and
/// the corruption changed mid-run: the CPU run's rows bit for bit, through a lost device (its
/// lanes' noise streams rewind with the batches).
#[test]
fn the_autoencoder_lanes_on_a_device_are_the_cpu_run() {
    for query in [
        "seed=3&code=16&batch=20&penalty=contractive&lambda=0.3",
        "seed=3&code=8&depth=1&width=64&batch=16&compare=1&corruption=gaussian",
    ] {
        let rows = |device: Option<Rc<Control>>| {
            let mut s = lesson_session(LessonId::Autoencoders, query, device.as_ref());
            if device.is_some() {
                assert!(matches!(ae_path(&mut s), ComputePath::Gpu { .. }));
            }
            run_to(&mut s, 60);
            let q = format!(
                "{}&lambda=0.05&level=0.5&penalty=sparse",
                s.trainer().unwrap().query()
            );
            s.handle(ToWorker::Update { query: q });
            s.run_blocking(7);
            run_to(&mut s, 110);
            if device.is_some_and(|c| c.lose_at.get().is_some()) {
                assert!(matches!(ae_path(&mut s), ComputePath::Fallback { .. }));
            }
            s.recorded().to_vec()
        };
        let cpu = rows(None);
        let steady = Rc::new(Control::default());
        assert_same(&rows(Some(steady.clone())), &cpu);
        assert!(
            steady.scored.get().0 >= 4,
            "every twin scored its sets: {:?}",
            steady.scored.get()
        );
        // The rows took the device's scores: a shift of its reconstruction sums moves the
        // training and test loss by shift / 300 (the scored sets' size), and nothing else.
        let shifted = Rc::new(Control::default());
        shifted.score_shift.set(600.0);
        let names = crate::autoencoder::METRICS;
        assert_shifted(
            &rows(Some(shifted)),
            &cpu,
            names,
            (&["train_loss", "test_loss"], 600.0 / 300.0),
        );
        // Lost at a row's read (step 50 with one lane; step 25 with five, whose twins count a
        // read each), not at the pause's: a pause waiting on a lost read happens at the
        // earlier step, by design, and the update would then land earlier than on the CPU.
        let lossy = Rc::new(Control::default());
        lossy.lose_at.set(Some(2));
        assert_same(&rows(Some(lossy.clone())), &cpu);
    }
}

/// Runs `s` to `steps` as the page's worker drives it — a read whenever one is due, the view's
/// included — and returns its rows and the view of each snapshot a read brought, by step.
fn play_as_the_worker(mut s: Session, steps: u64) -> (Vec<HistoryRow>, Vec<(u64, LessonView)>) {
    s.handle(ToWorker::RunTo { step: steps });
    let mut after_reads = vec![];
    loop {
        if let Some(read) = s.read_due(true) {
            for out in s.take_read(block_on(read)) {
                if let FromWorker::Snapshot(snap) = out {
                    after_reads.push((snap.step, snap.view));
                }
            }
        } else if s.has_work() {
            s.run(1);
        } else {
            break;
        }
    }
    assert_eq!(s.step(), steps);
    (s.recorded().to_vec(), after_reads)
}

/// While playing, a view that has fallen behind reads every lane's weights alone. The pictures
/// after each read are the CPU run's at that step; the rows (full reads) stay the CPU run's bit
/// for bit; and a device lost after such reads rewinds to the last full read — the weights read
/// for views never reach the copies the run carries on from.
#[test]
fn a_playing_view_reads_the_weights_alone() {
    use crate::autoencoder::AutoencoderView;
    let query = "seed=3&code=8&depth=1&width=64&batch=16&compare=1&corruption=gaussian";
    const STEPS: u64 = 60;
    let play = |device: &Rc<Control>| {
        let s = lesson_session(LessonId::Autoencoders, query, Some(device));
        let (rows, after_reads) = play_as_the_worker(s, STEPS);
        let views = after_reads.into_iter().map(|(step, view)| match view {
            LessonView::Autoencoders(v) => (step, v),
            other => panic!("{other:?}"),
        });
        (rows, views.collect::<Vec<(u64, AutoencoderView)>>())
    };
    let cpu_view = |step: u64| {
        let mut cpu = lesson_session(LessonId::Autoencoders, query, None);
        run_to(&mut cpu, step);
        match cpu.snapshot(0.0) {
            FromWorker::Snapshot(snap) => match snap.view {
                LessonView::Autoencoders(v) => v,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    let mut cpu = lesson_session(LessonId::Autoencoders, query, None);
    run_to(&mut cpu, STEPS);
    let cpu_rows = cpu.recorded().to_vec();

    let steady = Rc::new(Control::default());
    let (rows, after_reads) = play(&steady);
    assert_same(&rows, &cpu_rows);
    // A view's read at 10, 20, 35 and 45, five lanes each; the rows (every 25) and the pause
    // at 60 read in full.
    let steps: Vec<u64> = after_reads.iter().map(|(s, _)| *s).collect();
    assert_eq!(steps, [10, 20, 25, 35, 45, 50, 60]);
    assert_eq!(steady.weight_reads.get(), 4 * 5);
    for (step, view) in &after_reads {
        let cpu = cpu_view(*step);
        assert_eq!(view.filters, cpu.filters, "step {step}");
        assert_eq!(view.recon_out, cpu.recon_out, "step {step}");
        assert_eq!(view.lanes, cpu.lanes, "step {step}");
    }

    // Lost at the first row's read (the 11th lane read: after two views' reads of five lanes):
    // back to step 0, where the last full read left the copies, and on with the CPU.
    let lossy = Rc::new(Control::default());
    lossy.lose_at.set(Some(11));
    let (rows, _) = play(&lossy);
    assert_eq!(lossy.weight_reads.get(), 2 * 5);
    assert_same(&rows, &cpu_rows);
}

/// The VAE and the conditional VAE pair as the page's worker plays them (a read whenever one
/// is due, the view's included): between rows the view reads the test codes alone — no
/// parameters, no moments — and shows the CPU run's codes at that step; the rows stay the CPU
/// run's, bit for bit; a device lost after views' reads goes back to the last full read.
#[test]
fn a_playing_vae_view_reads_the_codes_alone() {
    const STEPS: u64 = 75;
    let codes_of = |view: &LessonView| match view {
        LessonView::Vae(v) => v.test_mu.0.clone(),
        LessonView::ConditionalVae(v) => [&v.test_mu.0[..], &v.vae_mu.0].concat(),
        other => panic!("{other:?}"),
    };
    for (lesson, query) in [
        (LessonId::Vae, QUERY),
        (
            LessonId::ConditionalVae,
            "seed=3&hidden=64&batch=20&latent=2",
        ),
    ] {
        let play = |device: &Rc<Control>| {
            let s = lesson_session(lesson, query, Some(device));
            let (rows, after_reads) = play_as_the_worker(s, STEPS);
            let codes = after_reads.iter().map(|(step, v)| (*step, codes_of(v)));
            (rows, codes.collect::<Vec<_>>())
        };
        let cpu_codes = |step: u64| {
            let mut cpu = lesson_session(lesson, query, None);
            run_to(&mut cpu, step);
            match cpu.snapshot(0.0) {
                FromWorker::Snapshot(snap) => codes_of(&snap.view),
                other => panic!("{other:?}"),
            }
        };
        let mut cpu = lesson_session(lesson, query, None);
        run_to(&mut cpu, STEPS);
        let cpu_rows = cpu.recorded().to_vec();

        let device = || {
            let c = Rc::new(Control::default());
            c.decodes.set(true);
            c
        };
        let steady = device();
        let (rows, after_reads) = play(&steady);
        assert_same(&rows, &cpu_rows);
        // A view's read every 10 steps between the rows (every 30), which read in full, as
        // does the pause at 75.
        let steps: Vec<u64> = after_reads.iter().map(|(s, _)| *s).collect();
        assert_eq!(steps, [10, 20, 30, 40, 50, 60, 70, 75], "{lesson:?}");
        let twins = if lesson == LessonId::Vae { 1 } else { 2 };
        assert_eq!(steady.code_reads.get(), 5 * twins, "{lesson:?}");
        for (step, codes) in &after_reads {
            let cpu = cpu_codes(*step);
            assert!(!cpu.is_empty());
            let bits = |v: &[f32]| v.iter().map(|c| c.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(codes), bits(&cpu), "{lesson:?} at step {step}");
        }

        // Lost at the second row's read (step 60), after the views' reads at 40 and 50: back
        // to step 30, where the last full read left the CPU copy, and on with the CPU.
        let lossy = device();
        // Each twin reads at 10, 20 (codes), 30 (in full), 40 and 50 (codes).
        let reads_before_60 = 5 * twins;
        lossy.lose_at.set(Some(reads_before_60 + 1));
        let (rows, _) = play(&lossy);
        assert_eq!(lossy.code_reads.get(), 4 * twins, "{lesson:?}");
        assert_same(&rows, &cpu_rows);
    }
}

/// The conditional VAE and the VAE beside it on the fake device (two twins read as one): the
/// CPU run's rows bit for bit, through a change of likelihood and β mid-run and a lost device.
#[test]
fn the_cvae_pair_on_a_device_is_the_cpu_run() {
    let query = "seed=3&hidden=64&batch=20&latent=3";
    let rows = |device: Option<Rc<Control>>| {
        let mut s = lesson_session(LessonId::ConditionalVae, query, device.as_ref());
        run_to(&mut s, 60);
        let q = format!(
            "{}&likelihood=gaussian&sigma_x=0.5&beta=2",
            s.trainer().unwrap().query()
        );
        s.handle(ToWorker::Update { query: q });
        s.run_blocking(7);
        run_to(&mut s, 125);
        s.recorded().to_vec()
    };
    let cpu = rows(None);
    let steady = Rc::new(Control::default());
    assert_same(&rows(Some(steady.clone())), &cpu);
    assert!(steady.reads.get() >= 8, "both twins read at every row");
    // Both twins scored the test split at the rows 30 … 120, and the rows show their scores.
    assert!(steady.scored.get().1 >= 8, "{:?}", steady.scored.get());
    let shifted = Rc::new(Control::default());
    shifted.score_shift.set(1000.0);
    let names = crate::cvae::METRICS;
    let columns = ["test_rec", "test_loss", "vae_test_loss"];
    assert_shifted(
        &rows(Some(shifted)),
        &cpu,
        names,
        (&columns, test_split_shift()),
    );
    // The pair's first read finds the second twin lost: back to step 0, on with the CPU.
    let lossy = Rc::new(Control::default());
    lossy.lose_at.set(Some(2));
    assert_same(&rows(Some(lossy)), &cpu);
}

fn ae_path(s: &mut Session) -> ComputePath {
    match s.snapshot(0.0) {
        FromWorker::Snapshot(snap) => match snap.view {
            LessonView::Autoencoders(v) => v.path,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_autoencoder_on_the_gpu_needs_adam_and_says_so() {
    let control = Rc::new(Control::default());
    let mut s = lesson_session(
        LessonId::Autoencoders,
        "code=8&optimizer=momentum",
        Some(&control),
    );
    match ae_path(&mut s) {
        ComputePath::Fallback { adapter, why } => {
            assert_eq!(adapter.as_deref(), Some("fake twin"));
            assert_eq!(why, crate::msg!("msg.gpu.adam_only", "momentum"));
        }
        other => panic!("{other:?}"),
    }
    run_to(&mut s, 30);
    assert_eq!(s.step(), 30);
}

fn wae_view(s: &mut Session) -> crate::wae::WaeView {
    match s.snapshot(0.0) {
        FromWorker::Snapshot(snap) => match snap.view {
            LessonView::Wae(v) => v,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// The latent-shaping lanes on the fake device, with β, λ, the kernel and the prior changed
/// mid-run and through a lost device: every lane there (the adversarial lane's discriminator
/// and optimisers travel in f32, as a device holds them), a device without a discriminator's
/// twin (that lane steps on the CPU beside the others and rewinds with the batches), and one
/// MMD lane alone. The CPU run's rows bit for bit — but for the adversarial lane's columns when
/// its state travelled in f32, which follow to f32 rounding.
#[test]
fn the_shaping_lanes_on_a_device_are_the_cpu_run() {
    use crate::wae::Shaping;
    // Lost at a row's read, not at a pause's (see the autoencoder's test): with three or four
    // twins the second read is the row's at 50; with one twin the reads are the rows' at 50
    // and 100 and the pause's at 60 between them, so the third.
    let compare = "seed=3&hidden=32&batch=16";
    for (query, no_adversary, on_cpu, lost_at) in [
        (compare, true, vec![Shaping::Adversarial], 2),
        (compare, false, vec![], 2),
        (
            "seed=4&hidden=24&batch=12&compare=0&shaping=mmd",
            false,
            vec![],
            3,
        ),
    ] {
        let rows = |device: Option<Rc<Control>>| {
            let mut s = lesson_session(LessonId::Wae, query, device.as_ref());
            if device.is_some() {
                let view = wae_view(&mut s);
                assert!(matches!(view.path, ComputePath::Gpu { .. }), "{query}");
                assert_eq!(view.cpu_lanes, on_cpu, "{query}");
            }
            run_to(&mut s, 60);
            let q = format!(
                "{}&beta=0.5&mmd_lambda=300&kernel=rbf&scale=0.8&prior=ring",
                s.trainer().unwrap().query()
            );
            s.handle(ToWorker::Update { query: q });
            s.run_blocking(7);
            run_to(&mut s, 110);
            if device.is_some_and(|c| c.lose_at.get().is_some()) {
                let view = wae_view(&mut s);
                assert!(matches!(view.path, ComputePath::Fallback { .. }));
                assert!(view.cpu_lanes.is_empty());
            }
            s.recorded().to_vec()
        };
        let control = |lost: Option<u32>| {
            let c = Rc::new(Control::default());
            c.no_adversary.set(no_adversary);
            c.lose_at.set(lost);
            Some(c)
        };
        let cpu = rows(None);
        // With the adversarial lane on the device, its columns (and the discriminator's loss)
        // are compared apart.
        let adversarial_in_f32 = !no_adversary && query == compare;
        for run in [rows(control(None)), rows(control(Some(lost_at)))] {
            if !adversarial_in_f32 {
                assert_same(&run, &cpu);
                continue;
            }
            let names = crate::wae::METRICS;
            let apart = |name: &str| name.ends_with("adversarial") || name == "disc_loss";
            let keep = |rows: &[HistoryRow], own: bool| -> Vec<HistoryRow> {
                rows.iter()
                    .map(|r| HistoryRow {
                        step: r.step,
                        values: r
                            .values
                            .iter()
                            .zip(names)
                            .map(|(&v, n)| if apart(n) == own { v } else { 0.0 })
                            .collect(),
                    })
                    .collect()
            };
            assert_same(&keep(&run, false), &keep(&cpu, false));
            let mut worst = 0.0f64;
            for (a, b) in keep(&run, true).iter().zip(keep(&cpu, true)) {
                for (x, y) in a.values.iter().zip(&b.values) {
                    if !(x.is_nan() && y.is_nan()) {
                        worst = worst.max((x - y).abs() / y.abs().max(1e-3));
                    }
                }
            }
            // Measured: 4.0e-8 over 110 steps.
            eprintln!("adversarial columns within {worst:e}");
            assert!(worst < 1e-4, "adversarial columns differ by {worst}");
        }
    }
}

/// A poisoned read (NaN weights from a lane on the device) pauses the run as a divergence.
#[test]
fn a_diverging_shaping_lane_on_the_device_pauses_the_run() {
    let control = Rc::new(Control::default());
    control.poison_at.set(Some(1));
    let mut s = lesson_session(LessonId::Wae, "seed=3&hidden=24&batch=12", Some(&control));
    let out = run_to(&mut s, 60);
    assert!(
        out.iter().any(|m| matches!(
            m,
            FromWorker::Paused {
                reason: PauseReason::Diverged { .. },
                ..
            }
        )),
        "{out:?}"
    );
}

/// A device with no twin for the only lane the settings ask for: the CPU trains it and the
/// page says why.
#[test]
fn a_device_without_the_lanes_twin_leaves_them_on_the_cpu_and_says_so() {
    let control = Rc::new(Control::default());
    control.no_adversary.set(true);
    let query = "seed=3&hidden=24&batch=12&compare=0&shaping=adversarial";
    let mut s = lesson_session(LessonId::Wae, query, Some(&control));
    match wae_view(&mut s).path {
        ComputePath::Fallback { adapter, why } => {
            assert_eq!(adapter.as_deref(), Some("fake twin"));
            assert_eq!(why, crate::msg!("msg.wae.no_twin"));
        }
        other => panic!("{other:?}"),
    }
    run_to(&mut s, 110);
    let mut cpu = lesson_session(LessonId::Wae, query, None);
    run_to(&mut cpu, 110);
    assert_same(s.recorded(), cpu.recorded());
    assert_eq!(control.reads.get(), 0);
}
