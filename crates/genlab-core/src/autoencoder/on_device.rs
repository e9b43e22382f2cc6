//! The autoencoder lesson's lanes on a device: one twin per lane, all stepped on the same
//! batch and read back together, so a history row scores every lane at the same step.

use crate::device::{AutoencoderDevice, DeviceCopy, DeviceRead, DeviceScores, ReadDevice};
use crate::rng::Rng;

/// Every lane's twin, in the lanes' order; `scoring` when each keeps the scored sets.
pub(super) struct LaneDevices {
    pub twins: Vec<Box<dyn AutoencoderDevice>>,
    pub scoring: bool,
}

impl ReadDevice for LaneDevices {
    fn read(&self) -> DeviceRead {
        self.read_as(true)
    }
}

impl LaneDevices {
    /// A read of every lane, the kept sets scored when `scored` (and the twins keep them).
    pub fn read_as(&self, scored: bool) -> DeviceRead {
        let read = |d: &dyn AutoencoderDevice| {
            if scored && self.scoring {
                d.read_scored()
            } else {
                d.read()
            }
        };
        read_lanes(self.twins.iter().map(|d| read(d.as_ref())).collect())
    }
}

/// One lane's kept sets scored on the device: every kept image's code, set after set, and
/// per set the summed −log p(x|y) and squared error.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct LaneScores {
    pub codes: Vec<f32>,
    pub losses: Vec<f64>,
}

/// Cuts the lanes' scores, concatenated lane after lane, into each lane's: `codes[i]` values
/// of codes and `losses` loss terms each; `None` if they do not add up.
pub(super) fn split_scores(
    scores: DeviceScores,
    codes: &[usize],
    losses: usize,
) -> Option<Vec<LaneScores>> {
    if scores.codes.len() != codes.iter().sum::<usize>()
        || scores.losses.len() != losses * codes.len()
    {
        return None;
    }
    let mut at = 0;
    Some(
        codes
            .iter()
            .zip(scores.losses.chunks_exact(losses.max(1)))
            .map(|(&n, l)| {
                let lane = LaneScores {
                    codes: scores.codes[at..at + n].to_vec(),
                    losses: l.to_vec(),
                };
                at += n;
                lane
            })
            .collect(),
    )
}

/// The lanes' copies one after another: parameters, Adam's moments, and any extra state and
/// counters, each concatenated in lane order (each lane's step count is the same: they step
/// together).
pub(crate) fn read_lanes(reads: Vec<DeviceRead>) -> DeviceRead {
    Box::pin(async move {
        let mut all = DeviceCopy {
            ..Default::default()
        };
        for read in reads {
            let copy = read.await?;
            all.params.extend(copy.params);
            all.m.extend(copy.m);
            all.v.extend(copy.v);
            all.extra.extend(copy.extra);
            all.sums.extend(copy.sums);
            if let Some(s) = copy.scores {
                let mine = all.scores.get_or_insert_with(DeviceScores::default);
                mine.codes.extend(s.codes);
                mine.losses.extend(s.losses);
            }
            all.t = copy.t;
        }
        Ok(all)
    })
}

/// One lane's part of a [`LaneDevices`] copy.
pub(crate) struct LaneCopy {
    pub params: Vec<f32>,
    pub m: Vec<f32>,
    pub v: Vec<f32>,
}

/// Cuts a concatenated copy into the lanes' parts, `sizes` parameters each; `None` if the
/// copy does not hold exactly that many values.
pub(crate) fn split(copy: DeviceCopy, sizes: &[usize]) -> Option<Vec<LaneCopy>> {
    let total: usize = sizes.iter().sum();
    if [copy.params.len(), copy.m.len(), copy.v.len()] != [total; 3] {
        return None;
    }
    let (mut params, mut m, mut v) = (copy.params, copy.m, copy.v);
    let mut lanes = Vec::with_capacity(sizes.len());
    // From the back, so each cut is a cheap `split_off` of the tail.
    for &n in sizes.iter().rev() {
        let at = params.len() - n;
        lanes.push(LaneCopy {
            params: params.split_off(at),
            m: m.split_off(at),
            v: v.split_off(at),
        });
    }
    lanes.reverse();
    Some(lanes)
}

/// What a lost device rewinds to besides the parameters of the last read: the batches' order
/// and step count (`P`) and every lane's corruption stream.
#[derive(Clone)]
pub(super) struct Mark<P> {
    pub progress: P,
    pub noises: Vec<Rng>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_splits_into_its_lanes_in_order() {
        let copy = DeviceCopy {
            params: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            m: vec![10.0, 20.0, 30.0, 40.0, 50.0],
            v: vec![0.1, 0.2, 0.3, 0.4, 0.5],
            t: 7,
            ..Default::default()
        };
        let lanes = split(copy.clone(), &[2, 3]).expect("sizes add up");
        assert_eq!(lanes[0].params, [1.0, 2.0]);
        assert_eq!(lanes[1].params, [3.0, 4.0, 5.0]);
        assert_eq!(lanes[1].m, [30.0, 40.0, 50.0]);
        assert_eq!(lanes[0].v, [0.1, 0.2]);
        assert!(
            split(copy, &[2, 2]).is_none(),
            "a copy of the wrong size is refused"
        );
    }
}
