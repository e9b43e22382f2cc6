//! The one random source of a run. xoshiro256++ seeded through SplitMix64: small, fast, and — unlike
//! a platform generator — the same stream natively and in wasm, so a seed in the URL names one run.

use crate::math;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s }
    }

    /// An independent stream for one purpose (initialisation, data noise, evaluation...), so that
    /// drawing more numbers for one purpose never shifts what another purpose sees.
    pub fn stream(seed: u64, purpose: u64) -> Self {
        Rng::new(seed ^ purpose.wrapping_mul(0xD6E8_FEB8_6659_FD93).rotate_left(17))
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = (self.s[0].wrapping_add(self.s[3]))
            .rotate_left(23)
            .wrapping_add(self.s[0]);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in the open interval (0, 1): safe to feed to a log or a quantile function.
    pub fn uniform_open(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal by inversion of the CDF: one uniform per normal, no cached pair, so the
    /// stream position never depends on how many normals were drawn before.
    pub fn normal(&mut self) -> f64 {
        math::normal_quantile(self.uniform_open())
    }

    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Uniform integer in 0..n (n > 0), without modulo bias worth speaking of for n ≪ 2^64.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let a: Vec<u64> = (0..8)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..8)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..8)
            .map({
                let mut r = Rng::stream(7, 1);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn uniform_and_normal_moments() {
        let mut r = Rng::new(42);
        let n = 200_000;
        let u: Vec<f64> = (0..n).map(|_| r.uniform()).collect();
        let mean = u.iter().sum::<f64>() / n as f64;
        let var = u.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.002, "{var}");
        assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
        let z: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = z.iter().sum::<f64>() / n as f64;
        let var = z.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
    }

    #[test]
    fn below_covers_range_evenly() {
        let mut r = Rng::new(3);
        let mut counts = [0usize; 6];
        for _ in 0..60_000 {
            counts[r.below(6)] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
    }
}

/// A counter-based generator: the uniform for element `i` of draw number `call` is a hash of
/// (seed, call, i), so thousands of GPU threads draw their numbers independently, in any order,
/// and the CPU computes exactly the same numbers (`genlab-gpu`'s WGSL has the same hash). Each
/// call to [`CounterRng::fill`] is one draw: a batch of samples.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CounterRng {
    pub seed: u32,
    /// Draws made so far; the next draw's key mixes it in.
    pub call: u32,
}

/// A 32-bit integer hash with low bias (Chris Wellons' "lowbias32", hash-prospector).
pub fn lowbias32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

/// The key of draw `call` under `seed`.
pub fn counter_key(seed: u32, call: u32) -> u32 {
    lowbias32(seed ^ lowbias32(call.wrapping_add(0x9e37_79b9)))
}

/// Element `i`'s uniform in [0, 1) of the draw keyed `key`: 24 random bits, exact in f32.
pub fn counter_uniform(key: u32, i: u32) -> f32 {
    (lowbias32(i ^ key).wrapping_add(key).rotate_left(7) >> 8) as f32 * (1.0 / 16_777_216.0)
}

impl CounterRng {
    pub fn new(seed: u32) -> Self {
        CounterRng { seed, call: 0 }
    }

    /// The key of the next draw, and the draw counted.
    pub fn next_key(&mut self) -> u32 {
        let key = counter_key(self.seed, self.call);
        self.call = self.call.wrapping_add(1);
        key
    }

    /// One draw: `out[i]` = uniform number `i` of this draw.
    pub fn fill(&mut self, out: &mut [f32]) {
        let key = self.next_key();
        for (i, u) in out.iter_mut().enumerate() {
            *u = counter_uniform(key, i as u32);
        }
    }
}

#[cfg(test)]
mod counter_tests {
    use super::*;

    #[test]
    fn counter_uniforms_are_uniform_independent_of_order_and_differ_between_draws() {
        let mut rng = CounterRng::new(7);
        let mut first = vec![0.0f32; 100_000];
        rng.fill(&mut first);
        let mut second = vec![0.0f32; 100_000];
        rng.fill(&mut second);
        assert_ne!(first[..100], second[..100]);
        // The same draw recomputed element by element, backwards, gives the same numbers.
        let key = counter_key(7, 0);
        for i in (0..100_000u32).rev().step_by(997) {
            assert_eq!(counter_uniform(key, i), first[i as usize]);
        }
        for draw in [&first, &second] {
            assert!(draw.iter().all(|&u| (0.0..1.0).contains(&u)));
            let n = draw.len() as f64;
            let mean = draw.iter().map(|&u| u as f64).sum::<f64>() / n;
            let var = draw.iter().map(|&u| (u as f64 - mean).powi(2)).sum::<f64>() / n;
            // Standard errors at n = 10⁵: mean 0.0009, variance 0.0003.
            assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
            assert!((var - 1.0 / 12.0).abs() < 0.002, "variance {var}");
            // Ten equal bins, each within 5 % of n / 10 (σ ≈ 1 %).
            let mut bins = [0usize; 10];
            draw.iter().for_each(|&u| bins[(u * 10.0) as usize] += 1);
            assert!(
                bins.iter()
                    .all(|&b| (b as f64 - n / 10.0).abs() < 0.05 * n / 10.0),
                "{bins:?}"
            );
            // Neighbouring elements (the threads of one GPU row) are uncorrelated.
            let lag1 = draw
                .windows(2)
                .map(|w| (w[0] as f64 - mean) * (w[1] as f64 - mean))
                .sum::<f64>()
                / (n - 1.0)
                / var;
            assert!(lag1.abs() < 0.015, "lag-1 correlation {lag1}");
        }
        // Between draws, too.
        let cross = first
            .iter()
            .zip(&second)
            .map(|(&a, &b)| (a as f64 - 0.5) * (b as f64 - 0.5))
            .sum::<f64>()
            / first.len() as f64
            * 12.0;
        assert!(cross.abs() < 0.015, "correlation between draws {cross}");
    }
}
