//! The DBN on a device: what each phase runs there, how it starts from the CPU copy, and how a
//! read comes back into it. Pre-training: the layer's RBM fed the digits (the pass up through
//! the frozen layers included) and, when the device has that twin, the same layer's
//! autoencoder; fine-tuning: the three classifiers, the test split kept there for the rows'
//! accuracies; from the top's first step on, the generator's chains beside them. The host
//! draws the batches and passes the generator's pictures down at views.

use super::{DbnTrainer, PassUp, Phase, RECORD_EVERY};
use crate::autoencoder::on_device::split;
use crate::device::{
    Accelerator, ComputePath, DbnLayerDevice, DbnLayerSpec, DeviceCopy, DeviceFault, DeviceRead,
    FineTuneDevice, GeneratorDevice, ReadDevice, StackedAeDevice,
};
use crate::msg;
use crate::msg::Msg;
use crate::vae::data::PIXELS;

/// The twins of the phase running on the device.
pub(in crate::dbn) struct DbnTwins {
    pub layer: Option<Box<dyn DbnLayerDevice>>,
    pub ae: Option<Box<dyn StackedAeDevice>>,
    pub tune: Option<Box<dyn FineTuneDevice>>,
    pub generator: Option<Box<dyn GeneratorDevice>>,
}

impl DbnTwins {
    /// The classifiers (with their test accuracies when `scored`); or the layer's RBM and its
    /// autoencoder: the autoencoder's parameters after the RBM's, its last loss in `sums`.
    /// The generator's chains, then its p(v | h), come last in `extra`.
    pub fn read_scored(&self, scored: bool) -> DeviceRead {
        let main = match &self.tune {
            Some(tune) if scored => tune.read_scored(),
            Some(tune) => tune.read(),
            None => self.read_layer(),
        };
        let Some(generator) = self.generator.as_ref().map(|g| g.read()) else {
            return main;
        };
        Box::pin(async move {
            let mut copy = main.await?;
            let generator = generator.await?;
            copy.extra.extend(generator.extra);
            copy.extra.extend(generator.params);
            Ok(copy)
        })
    }

    fn read_layer(&self) -> DeviceRead {
        let rbm = self.layer.as_ref().expect("a layer's twin").read();
        let Some(ae) = self.ae.as_ref().map(|d| d.read()) else {
            return rbm;
        };
        Box::pin(async move {
            let mut copy = rbm.await?;
            let ae = ae.await?;
            copy.params.extend(ae.params);
            copy.sums = ae.sums;
            Ok(copy)
        })
    }
}

impl ReadDevice for DbnTwins {
    fn read(&self) -> DeviceRead {
        self.read_scored(false)
    }
}

impl DbnTrainer {
    /// The twins of the current phase, from the CPU copy (at a phase's start, or where the CPU
    /// got to before the host answered).
    pub(super) fn start_device(&mut self) {
        let Some(accelerator) = self.device.accelerator.clone() else {
            return;
        };
        let wanted = self.s.batch as usize;
        let pretraining = matches!(self.phase(), Phase::Pretraining { .. });
        let started = match self.phase() {
            Phase::Pretraining { layer, .. } => {
                self.layer_twins(&*accelerator, layer as usize, wanted)
            }
            Phase::FineTuning { .. } => self.tune_twins(&*accelerator, wanted),
        };
        // The generator's chains go on where they are (the read before this one took them).
        let generator = self.device.device().and_then(|t| t.generator.take());
        match started {
            Some((mut twins, batch)) => {
                twins.generator = generator.or_else(|| self.generator_twin(&*accelerator));
                let mark = self.state();
                self.device.start(Box::new(twins), batch, wanted, mark);
            }
            // Nothing of this phase runs there: the earlier twins stop (the read that ended
            // their phase is in the CPU copy) and the CPU goes on. Without the classifiers'
            // twin the page still names the adapter pre-training ran on; without a layer's, it
            // says why the CPU trains.
            None => {
                self.device.finish();
                if pretraining {
                    self.device.path = ComputePath::Fallback {
                        adapter: Some(accelerator.adapter()),
                        why: msg!("msg.dbn.no_twin"),
                    };
                }
            }
        }
    }

    /// Layer `l`'s RBM fed the digits, and its autoencoder, for the largest batch up to
    /// `wanted` the device holds.
    fn layer_twins(
        &mut self,
        accelerator: &dyn Accelerator,
        l: usize,
        wanted: usize,
    ) -> Option<(DbnTwins, usize)> {
        let rbm = &self.rbms[l];
        let batch = accelerator.fit_batch(wanted, rbm.d.max(rbm.h).max(PIXELS));
        let chains = match &self.chains {
            None => None,
            // PCD continues the CPU's chains when they fit the device's batch.
            Some(c) if c.len() == batch * rbm.d => Some(&c[..]),
            Some(_) => Some(&[][..]),
        };
        let frozen: Vec<(usize, usize, &[f32])> = self.rbms[..l]
            .iter()
            .map(|r| (r.d, r.h, &r.params[..]))
            .collect();
        let spec = DbnLayerSpec {
            frozen: &frozen,
            samples: self.s.pass_up == PassUp::Samples,
            layer: (rbm.d, rbm.h, self.tail(l), &rbm.params),
            batch,
            k: self.gibbs_steps(l),
            chains,
        };
        let layer = accelerator.dbn_layer(&spec)?;
        let aes: Vec<(usize, usize, &[f32])> = self.aes[..=l]
            .iter()
            .map(|ae| (ae.d, ae.h, &ae.params[..]))
            .collect();
        let ae = accelerator.stacked_autoencoder(&aes, batch);
        self.device_layer = l;
        let twins = DbnTwins {
            layer: Some(layer),
            ae,
            tune: None,
            generator: None,
        };
        Some((twins, batch))
    }

    /// The generator's twin from the host's chains, once the top trains.
    pub(super) fn generator_twin(
        &self,
        accelerator: &dyn Accelerator,
    ) -> Option<Box<dyn GeneratorDevice>> {
        let (generator, top) = (self.generator.as_ref()?, self.gen_top.as_ref()?);
        let shape = (top.d, top.h, self.tail(self.top()));
        accelerator.generator(shape, &top.params, &generator.chains)
    }

    /// The three classifiers from the CPU's nets and Adam states.
    fn tune_twins(
        &mut self,
        accelerator: &dyn Accelerator,
        wanted: usize,
    ) -> Option<(DbnTwins, usize)> {
        let sizes = &self.lanes.first()?.net.sizes;
        let widest = sizes.iter().copied().max().unwrap_or(PIXELS);
        let batch = accelerator.fit_batch(wanted, widest);
        let nets: Vec<(&[f32], &crate::nn::Optimizer<f32>)> = self
            .lanes
            .iter()
            .map(|lane| (&lane.net.params[..], &lane.opt))
            .collect();
        let test = (&self.test_all[..], &self.test_all_labels[..]);
        let tune = accelerator.fine_tune(sizes, &nets, batch, test.0, test.1)?;
        let twins = DbnTwins {
            layer: None,
            ae: None,
            tune: Some(tune),
            generator: None,
        };
        Some((twins, batch))
    }

    /// An awaited read into the CPU copy; a layer whose last step it waited for freezes here
    /// and the next phase's twins start. A lost device rewinds every part to the last read.
    pub(super) fn take_device_read(
        &mut self,
        read: Result<DeviceCopy, DeviceFault>,
    ) -> Result<(), Msg> {
        let copy = match read {
            Ok(copy) => copy,
            Err(DeviceFault::Lost) => {
                if let Some(mark) = self.device.lost(|m| m.progress.steps) {
                    // The steps since are run again on the CPU, a freeze among them; their
                    // rows score there.
                    self.pending_freeze = None;
                    self.device_accuracies = None;
                    self.restore(mark)
                        .expect("a device mark is a state this trainer made");
                }
                return Ok(());
            }
        };
        let Some(twins) = self.device.device_ref() else {
            return Ok(());
        };
        let (tuning, ae) = (twins.tune.is_some(), twins.ae.is_some());
        let mut copy = copy;
        if twins.generator.is_some() {
            self.take_generator(&mut copy.extra)?;
        }
        if tuning {
            self.take_classifiers(copy)?;
        } else {
            self.take_layer(copy, ae)?;
        }
        if let Some(l) = self.pending_freeze.take() {
            self.freeze(l);
            // The next phase's twins start from this copy, their mark with them.
            self.start_device();
            return Ok(());
        }
        let mark = self.state();
        self.device.read_taken(mark);
        Ok(())
    }

    /// The generator's chains and p(v | h), the tail of a read's `extra`.
    fn take_generator(&mut self, extra: &mut Vec<f32>) -> Result<(), Msg> {
        let top = self.top();
        let (d, tail) = (self.rbms[top].d, self.tail(top));
        let generator = self
            .generator
            .as_mut()
            .expect("a generator beside its twin");
        let len = generator.chains.len();
        if extra.len() < 2 * len {
            return Err(self.diverged(top));
        }
        let pv = extra.split_off(extra.len() - len);
        let chains = extra.split_off(extra.len() - len);
        if pv.iter().any(|p| !p.is_finite()) {
            return Err(self.diverged(top));
        }
        generator.chains = chains;
        generator.set_probs(&pv, d, tail);
        Ok(())
    }

    /// The layer's RBM (and chains), and its autoencoder when `ae` trained there.
    fn take_layer(&mut self, copy: DeviceCopy, ae: bool) -> Result<(), Msg> {
        let l = self.device_layer;
        let rbm_len = self.rbms[l].params.len();
        let ae_len = if ae { self.aes[l].params.len() } else { 0 };
        let ae_loss = copy.sums.first().copied().unwrap_or(self.last_ae_loss);
        if copy.params.len() != rbm_len + ae_len
            || copy.params.iter().any(|p| !p.is_finite())
            || (ae && !ae_loss.is_finite())
        {
            return Err(self.diverged(l));
        }
        let mut params = copy.params;
        if ae {
            self.aes[l].params = params.split_off(rbm_len);
            self.last_ae_loss = ae_loss;
        }
        self.rbms[l].params = params;
        if let Some(chains) = self.chains.as_mut() {
            *chains = copy.extra;
        }
        Ok(())
    }

    /// Every classifier's parameters and Adam moments, and a row's accuracies.
    fn take_classifiers(&mut self, mut copy: DeviceCopy) -> Result<(), Msg> {
        let diverged = || msg!("msg.dbn.finetune_nan", self.progress.steps, self.s.ft_lr);
        let sizes: Vec<usize> = self.lanes.iter().map(|l| l.net.params.len()).collect();
        let (t, scores) = (copy.t, copy.scores.take());
        let parts = split(&copy, &sizes).ok_or_else(diverged)?;
        if parts
            .iter()
            .any(|p| p.params.iter().any(|x| !x.is_finite()))
        {
            return Err(diverged());
        }
        for (lane, part) in self.lanes.iter_mut().zip(parts) {
            lane.net.params.copy_from_slice(part.params);
            lane.opt.copy_moments(part.m, part.v, t);
        }
        let tested = self.test_all_labels.len().max(1) as f64;
        if let Some(scores) = scores.filter(|s| s.losses.len() == self.lanes.len()) {
            let steps = self.progress.steps;
            debug_assert!(steps.is_multiple_of(RECORD_EVERY));
            let acc = scores.losses.iter().map(|right| right / tested).collect();
            self.device_accuracies = Some((steps, acc));
        }
        Ok(())
    }
}
