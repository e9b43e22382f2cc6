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

/// The lanes' copies as one ([`DeviceCopy::lanes`]): each lane's parameters and moments apart,
/// in lane order; any extra state, counters and scores concatenated in lane order (each lane's
/// step count is the same: they step together). Weights only if every lane's copy is.
pub(crate) fn read_lanes(reads: Vec<DeviceRead>) -> DeviceRead {
    Box::pin(async move {
        let mut all = DeviceCopy {
            view_only: !reads.is_empty(),
            ..Default::default()
        };
        for read in reads {
            let mut copy = read.await?;
            all.extra.append(&mut copy.extra);
            all.sums.append(&mut copy.sums);
            if let Some(s) = copy.scores.take() {
                let mine = all.scores.get_or_insert_with(DeviceScores::default);
                mine.codes.extend(s.codes);
                mine.losses.extend(s.losses);
            }
            all.t = copy.t;
            all.view_only &= copy.view_only;
            all.lanes.push(copy);
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

/// A copy of several models ([`DeviceCopy::lanes`]) as each one's part, `sizes` parameters
/// each; `None` if the copy does not hold exactly that many models and values, or holds the
/// weights alone.
pub(crate) fn split<'a>(copy: &'a DeviceCopy, sizes: &[usize]) -> Option<Vec<LaneCopy<'a>>> {
    let lanes = fitting(copy, sizes, false)?;
    Some(
        lanes
            .iter()
            .map(|c| LaneCopy {
                params: &c.params,
                m: &c.m,
                v: &c.v,
            })
            .collect(),
    )
}

/// A weights-only copy of several models as each one's parameters, `sizes` each; `None` if it
/// is not one, or does not hold exactly that many models and values.
pub(crate) fn split_weights<'a>(copy: &'a DeviceCopy, sizes: &[usize]) -> Option<Vec<&'a [f32]>> {
    let lanes = fitting(copy, sizes, true)?;
    Some(lanes.iter().map(|c| &c.params[..]).collect())
}

/// The copy's models, if it holds `sizes.len()` of them read as `view_only` says, model `i`
/// with `sizes[i]` parameters and (unless weights only) as many values of each moment.
fn fitting<'a>(copy: &'a DeviceCopy, sizes: &[usize], view_only: bool) -> Option<&'a [DeviceCopy]> {
    let fits = |(c, &n): (&DeviceCopy, &usize)| {
        let moments = if view_only { 0 } else { n };
        c.view_only == view_only && [c.params.len(), c.m.len(), c.v.len()] == [n, moments, moments]
    };
    let ok = copy.view_only == view_only
        && copy.lanes.len() == sizes.len()
        && copy.lanes.iter().zip(sizes).all(fits);
    ok.then_some(&copy.lanes[..])
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
        let lane = |params: &[f32], moments: bool| DeviceCopy {
            params: params.to_vec(),
            m: if moments {
                params.iter().map(|p| 10.0 * p).collect()
            } else {
                vec![]
            },
            v: if moments {
                params.iter().map(|p| 0.1 * p).collect()
            } else {
                vec![]
            },
            t: 7,
            view_only: !moments,
            ..Default::default()
        };
        let read = |lanes: Vec<DeviceCopy>| {
            let reads = lanes
                .into_iter()
                .map(|c| Box::pin(async move { Ok(c) }) as DeviceRead);
            crate::device::block_on(read_lanes(reads.collect())).unwrap()
        };
        let copy = read(vec![lane(&[1.0, 2.0], true), lane(&[3.0, 4.0, 5.0], true)]);
        assert!(!copy.view_only && copy.params.is_empty() && copy.t == 7);
        let lanes = split(&copy, &[2, 3]).expect("sizes add up");
        assert_eq!(lanes[0].params, [1.0, 2.0]);
        assert_eq!(lanes[1].params, [3.0, 4.0, 5.0]);
        assert_eq!(lanes[1].m, [30.0, 40.0, 50.0]);
        assert_eq!(lanes[0].v, [0.1, 0.2]);
        for sizes in [&[2, 2][..], &[2, 3, 1], &[5]] {
            assert!(split(&copy, sizes).is_none(), "{sizes:?} is refused");
        }
        let weights = read(vec![
            lane(&[1.0, 2.0], false),
            lane(&[3.0, 4.0, 5.0], false),
        ]);
        assert!(weights.view_only);
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
        let mixed = read(vec![lane(&[1.0, 2.0], false), lane(&[3.0, 4.0, 5.0], true)]);
        assert!(!mixed.view_only, "weights only when every lane's copy is");
        assert!(split(&mixed, &[2, 3]).is_none() && split_weights(&mixed, &[2, 3]).is_none());
    }
}
