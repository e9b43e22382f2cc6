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

    /// Every lane's parameters alone, for the view ([`AutoencoderDevice::read_weights`]).
    pub fn read_weights(&self) -> DeviceRead {
        read_lanes(self.twins.iter().map(|d| d.read_weights()).collect())
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
/// together). Weights only if every lane's copy is.
pub(crate) fn read_lanes(reads: Vec<DeviceRead>) -> DeviceRead {
    Box::pin(async move {
        let mut copies = Vec::with_capacity(reads.len());
        for read in reads {
            copies.push(read.await?);
        }
        // Sized once: five lanes of half a million parameters would otherwise be copied again
        // each time a growing vector moves.
        let total = |part: fn(&DeviceCopy) -> usize| copies.iter().map(part).sum::<usize>();
        let mut all = DeviceCopy {
            params: Vec::with_capacity(total(|c| c.params.len())),
            m: Vec::with_capacity(total(|c| c.m.len())),
            v: Vec::with_capacity(total(|c| c.v.len())),
            weights_only: !copies.is_empty() && copies.iter().all(|c| c.weights_only),
            ..Default::default()
        };
        for copy in copies {
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

/// One lane's part of a [`LaneDevices`] copy, borrowed from it: the lanes copy it into the
/// vectors they already hold rather than take fresh ones (a new vector of this size is fresh
/// pages from the system, each faulted in again).
pub(crate) struct LaneCopy<'a> {
    pub params: &'a [f32],
    pub m: &'a [f32],
    pub v: &'a [f32],
}

/// Cuts a concatenated copy into the lanes' parts, `sizes` parameters each; `None` if the
/// copy does not hold exactly that many values, or holds the weights alone.
pub(crate) fn split<'a>(copy: &'a DeviceCopy, sizes: &[usize]) -> Option<Vec<LaneCopy<'a>>> {
    let total: usize = sizes.iter().sum();
    if copy.weights_only || [copy.params.len(), copy.m.len(), copy.v.len()] != [total; 3] {
        return None;
    }
    let cut = |all: &'a [f32], at: usize, n: usize| &all[at..at + n];
    Some(
        cuts(sizes)
            .map(|(at, n)| LaneCopy {
                params: cut(&copy.params, at, n),
                m: cut(&copy.m, at, n),
                v: cut(&copy.v, at, n),
            })
            .collect(),
    )
}

/// Cuts a weights-only copy into the lanes' parameters, `sizes` each; `None` if it is not
/// one, or does not hold exactly that many values.
pub(crate) fn split_weights<'a>(copy: &'a DeviceCopy, sizes: &[usize]) -> Option<Vec<&'a [f32]>> {
    let total: usize = sizes.iter().sum();
    if !copy.weights_only || copy.params.len() != total || !copy.m.is_empty() || !copy.v.is_empty()
    {
        return None;
    }
    Some(
        cuts(sizes)
            .map(|(at, n)| &copy.params[at..at + n])
            .collect(),
    )
}

/// Where each of the concatenated parts of `sizes` values starts, and its size.
fn cuts(sizes: &[usize]) -> impl Iterator<Item = (usize, usize)> + '_ {
    sizes.iter().scan(0, |at, &n| {
        *at += n;
        Some((*at - n, n))
    })
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
        let lanes = split(&copy, &[2, 3]).expect("sizes add up");
        assert_eq!(lanes[0].params, [1.0, 2.0]);
        assert_eq!(lanes[1].params, [3.0, 4.0, 5.0]);
        assert_eq!(lanes[1].m, [30.0, 40.0, 50.0]);
        assert_eq!(lanes[0].v, [0.1, 0.2]);
        assert!(
            split(&copy, &[2, 2]).is_none(),
            "a copy of the wrong size is refused"
        );
        let weights = DeviceCopy {
            params: copy.params.clone(),
            weights_only: true,
            ..Default::default()
        };
        assert!(
            split(&weights, &[2, 3]).is_none(),
            "the weights alone are no state to carry on from"
        );
        let lanes = split_weights(&weights, &[2, 3]).expect("weights alone add up");
        assert_eq!(lanes, [&[1.0, 2.0][..], &[3.0, 4.0, 5.0][..]]);
        assert!(
            split_weights(&copy, &[2, 3]).is_none(),
            "a full copy is no view read"
        );
        assert!(
            split_weights(&weights, &[2, 2]).is_none(),
            "a copy of the wrong size is refused"
        );
    }
}
