//! The CVAE and the plain VAE beside it on one device: two twins stepped on the same batch and
//! noise, read together as one copy — the CVAE's blocks, then the VAE's — so the lesson's
//! session sees one device, one read and one rewind point for both.

use crate::autoencoder::model::Output;
use crate::device::{DeviceCopy, DevicePictures, DeviceRead, DeviceScores, ReadDevice, VaeDevice};

pub struct VaePair {
    pub cvae: Box<dyn VaeDevice>,
    pub vae: Box<dyn VaeDevice>,
}

impl VaeDevice for VaePair {
    /// `input` carries the labels for the CVAE; the VAE reads the images alone.
    fn step(&mut self, input: &[f32], x: &[f32], eps: &[f32], lr: f64) {
        self.cvae.step(input, x, eps, lr);
        self.vae.step(x, x, eps, lr);
    }

    fn set_loss(&mut self, beta: f64, output: Output) {
        self.cvae.set_loss(beta, output);
        self.vae.set_loss(beta, output);
    }

    /// `input` carries the labels for the CVAE; the VAE reads the images alone.
    fn keep_test_split(&mut self, input: &[f32], x: &[f32], eps: &[f32]) -> bool {
        let cvae = self.cvae.keep_test_split(input, x, eps);
        let vae = self.vae.keep_test_split(x, x, eps);
        cvae && vae
    }

    /// The CVAE's pictures (the lesson shows no pictures of the VAE beside it).
    fn decode(&mut self, z: &[f32], labels: &[f32]) -> Option<DevicePictures> {
        self.cvae.decode(z, labels)
    }

    /// One copy as [`ReadDevice::read`] gives it, with both twins' scores: the CVAE's codes then
    /// the VAE's, and [rec, KL] of each; none unless both scored.
    fn read_scored(&self, losses: bool) -> DeviceRead {
        let (first, second) = (self.cvae.read_scored(losses), self.vae.read_scored(losses));
        Box::pin(async move {
            let (a, b) = (first.await?, second.await?);
            let scores = match (&a.scores, &b.scores) {
                (Some(sa), Some(sb)) => Some(DeviceScores {
                    codes: [&sa.codes[..], &sb.codes].concat(),
                    losses: [&sa.losses[..], &sb.losses].concat(),
                }),
                _ => None,
            };
            let mut copy = join(a, b);
            copy.scores = scores;
            Ok(copy)
        })
    }
}

/// The pair's two copies as one: parameters and moments concatenated (CVAE first), the sums
/// the CVAE's then the VAE's.
fn join(mut a: DeviceCopy, b: DeviceCopy) -> DeviceCopy {
    a.params.extend(b.params);
    a.m.extend(b.m);
    a.v.extend(b.v);
    a.sums.extend(b.sums);
    a.scores = None;
    a
}

impl ReadDevice for VaePair {
    /// Parameters and moments concatenated (CVAE first); the sums are the CVAE's (rec, KL) then
    /// the VAE's. Both twins take the same steps, so one step count serves.
    fn read(&self) -> DeviceRead {
        let (first, second) = (self.cvae.read(), self.vae.read());
        Box::pin(async move { Ok(join(first.await?, second.await?)) })
    }
}

/// A pair's copy split back: (CVAE's, VAE's), each with its own sums; `None` when the lengths
/// do not fit the nets.
pub fn split(copy: DeviceCopy, cvae_params: usize) -> Option<(DeviceCopy, DeviceCopy)> {
    let ok = copy.params.len() >= cvae_params
        && copy.m.len() == copy.params.len()
        && copy.v.len() == copy.params.len()
        && copy.sums.len() == 4;
    if !ok {
        return None;
    }
    let half = |mut v: Vec<f32>| {
        let rest = v.split_off(cvae_params);
        (v, rest)
    };
    let (p, vp) = half(copy.params);
    let (m, vm) = half(copy.m);
    let (v, vv) = half(copy.v);
    let mut sums = copy.sums;
    let vae_sums = sums.split_off(2);
    Some((
        DeviceCopy {
            params: p,
            m,
            v,
            t: copy.t,
            sums,
            ..Default::default()
        },
        DeviceCopy {
            params: vp,
            m: vm,
            v: vv,
            t: copy.t,
            sums: vae_sums,
            ..Default::default()
        },
    ))
}
