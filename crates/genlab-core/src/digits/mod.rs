//! What every lesson on the MNIST digits shares: the digits themselves ([`data`]: the bundled
//! asset, its train/test split, the copy a host installs) and the order they are drawn in
//! ([`EpochBatcher`]). The device link — queued steps, reads, the mark a lost device rewinds to,
//! the batch a device can hold — is [`crate::device::OnDevice`]; a digit lesson keeps its
//! batcher in the mark, so a rewind replays the same batches.

pub mod data;
pub mod drawing;

use serde::{Deserialize, Serialize};

use crate::msg::Msg;
use crate::rng::Rng;

/// The training split in a fresh shuffle every epoch: which digit comes next, and how many have
/// been seen. Its fields keep the names exported runs have always used (it is flattened into
/// the lessons' saved states), so older files load.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochBatcher {
    order: Vec<usize>,
    /// Position in `order`; at its end a new shuffle is due.
    cursor: usize,
    #[serde(rename = "batch_rng")]
    rng: Rng,
    images_seen: u64,
}

impl EpochBatcher {
    /// Draws from `train` (indices into the digits), shuffled by `rng` at each epoch's start.
    pub fn new(train: Vec<usize>, rng: Rng) -> Self {
        EpochBatcher {
            cursor: train.len(),
            order: train,
            rng,
            images_seen: 0,
        }
    }

    /// No training digits (the digits failed to load).
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The next training index; a new shuffle at each epoch's start.
    pub fn next_index(&mut self) -> usize {
        if self.cursor >= self.order.len() {
            self.rng.shuffle(&mut self.order);
            self.cursor = 0;
        }
        self.cursor += 1;
        self.images_seen += 1;
        self.order[self.cursor - 1]
    }

    pub fn images_seen(&self) -> u64 {
        self.images_seen
    }

    /// Epochs so far (fractional).
    pub fn epoch(&self) -> f64 {
        if self.order.is_empty() {
            0.0
        } else {
            self.images_seen as f64 / self.order.len() as f64
        }
    }

    /// Whether a batcher read from a file draws from the same split as this fresh one (any
    /// order of the same indices, a cursor inside it).
    pub fn check_fits(&self, fresh: &EpochBatcher) -> Result<(), Msg> {
        if crate::runfile::is_reordering(&self.order, &fresh.order)
            && self.cursor <= self.order.len()
        {
            Ok(())
        } else {
            Err(crate::msg!("msg.run.order_vae"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_epoch_draws_each_digit_once_in_a_new_order() {
        let mut b = EpochBatcher::new((0..50).collect(), Rng::new(3));
        let epoch = |b: &mut EpochBatcher| {
            let drawn: Vec<usize> = (0..50).map(|_| b.next_index()).collect();
            let mut sorted = drawn.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..50).collect::<Vec<_>>());
            drawn
        };
        let first = epoch(&mut b);
        assert_eq!(b.epoch(), 1.0);
        let second = epoch(&mut b);
        assert_ne!(first, second, "reshuffled");
        assert_eq!(b.images_seen(), 100);
        let _ = b.next_index();
        assert!((b.epoch() - 2.02).abs() < 1e-12);
    }

    #[test]
    fn a_saved_batcher_fits_only_the_same_split() {
        let mut b = EpochBatcher::new((0..10).collect(), Rng::new(1));
        for _ in 0..13 {
            b.next_index();
        }
        let fresh = EpochBatcher::new((0..10).collect(), Rng::new(1));
        let back: EpochBatcher = serde_json::from_value(serde_json::to_value(&b).unwrap()).unwrap();
        assert_eq!(back, b);
        assert!(back.check_fits(&fresh).is_ok());
        let other = EpochBatcher::new((0..11).collect(), Rng::new(1));
        assert!(back.check_fits(&other).is_err());
        let mut past_end = b.clone();
        past_end.cursor = 11;
        assert!(past_end.check_fits(&fresh).is_err());
        // The field names exported runs have always had.
        let json = serde_json::to_value(&b).unwrap();
        for k in ["order", "cursor", "batch_rng", "images_seen"] {
            assert!(json.get(k).is_some(), "{k}");
        }
    }

    #[test]
    fn no_digits_no_epochs() {
        let b = EpochBatcher::new(vec![], Rng::new(1));
        assert!(b.is_empty());
        assert_eq!(b.epoch(), 0.0);
    }
}
