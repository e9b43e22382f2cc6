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

    /// Both twins' codes, the CVAE's then the VAE's; none unless both keep the split.
    fn read_codes(&self) -> Option<DeviceRead> {
        let (first, second) = (self.cvae.read_codes()?, self.vae.read_codes()?);
        Some(Box::pin(async move {
            let (a, b) = (first.await?, second.await?);
            let codes = |c: DeviceCopy| c.scores.map(|s| s.codes).unwrap_or_default();
            Ok(DeviceCopy {
                view_only: true,
                scores: Some(DeviceScores {
                    codes: [codes(a), codes(b)].concat(),
                    losses: vec![],
                }),
                ..Default::default()
            })
        }))
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

/// The pair's two copies as one ([`DeviceCopy::lanes`]: the CVAE's, then the VAE's, each
/// with its own sums), rather than joined into new vectors and cut apart again.
fn join(mut a: DeviceCopy, mut b: DeviceCopy) -> DeviceCopy {
    a.scores = None;
    b.scores = None;
    DeviceCopy {
        t: a.t,
        lanes: vec![a, b],
        ..Default::default()
    }
}

impl ReadDevice for VaePair {
    /// Both twins' copies, the CVAE's first, each with its sums (rec, KL). Both twins take the
    /// same steps, so one step count serves.
    fn read(&self) -> DeviceRead {
        let (first, second) = (self.cvae.read(), self.vae.read());
        Box::pin(async move { Ok(join(first.await?, second.await?)) })
    }
}

/// A pair's copy split back: (CVAE's, VAE's), each with its own sums; `None` when it does
/// not hold two copies, or their lengths do not fit (`cvae_params`: the CVAE's parameters).
pub fn split(mut copy: DeviceCopy, cvae_params: usize) -> Option<(DeviceCopy, DeviceCopy)> {
    let [c, v]: [DeviceCopy; 2] = std::mem::take(&mut copy.lanes).try_into().ok()?;
    let whole = |x: &DeviceCopy| {
        !x.view_only && [x.m.len(), x.v.len()] == [x.params.len(); 2] && x.sums.len() == 2
    };
    (c.params.len() == cvae_params && whole(&c) && whole(&v)).then_some((c, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pairs_copy_splits_back_into_its_two() {
        let twin = |n: usize, x: f32| DeviceCopy {
            params: vec![x; n],
            m: vec![x + 1.0; n],
            v: vec![x + 2.0; n],
            t: 9,
            sums: vec![x as f64, -x as f64],
            scores: Some(DeviceScores::default()),
            ..Default::default()
        };
        let (c, v) = split(join(twin(3, 1.0), twin(5, 7.0)), 3).expect("a pair");
        assert_eq!(
            (c.params, c.m, c.sums, c.t),
            (vec![1.0; 3], vec![2.0; 3], vec![1.0, -1.0], 9)
        );
        assert_eq!(
            (v.params, v.v, v.sums),
            (vec![7.0; 5], vec![9.0; 5], vec![7.0, -7.0])
        );
        assert!(
            split(join(twin(3, 1.0), twin(5, 7.0)), 4).is_none(),
            "the CVAE's size"
        );
        let mut short = twin(5, 7.0);
        short.m.pop();
        assert!(
            split(join(twin(3, 1.0), short), 3).is_none(),
            "moments that do not fit"
        );
        assert!(split(twin(3, 1.0), 3).is_none(), "one copy is not a pair");
    }
}
