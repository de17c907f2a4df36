//! Seeded randomness whose output is fixed by specification, so that a seed reproduces the
//! same weights everywhere (natively, in the browser, in a shared link).
//!
//! ChaCha8 (rand_chacha) seeded through `seed_from_u64` (documented PCG32 expansion), and a
//! 64-bit FNV-1a hash to derive one independent stream per use from (seed, label).

use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// 64-bit FNV-1a (Fowler–Noll–Vo) of a byte string: fixed by its specification.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// An RNG stream for `label` under `seed`: different labels give independent streams.
pub fn rng_for(seed: u64, label: &str) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ fnv1a64(label.as_bytes()))
}

/// `[rows, cols]` matrix of N(0, std²) draws.
pub fn normal_matrix(rng: &mut ChaCha8Rng, rows: usize, cols: usize, std: f32) -> Array2<f32> {
    Array2::from_shape_simple_fn((rows, cols), || {
        let z: f32 = StandardNormal.sample(rng);
        std * z
    })
}

/// `[len]` vector of N(0, std²) draws.
pub fn normal_vector(rng: &mut ChaCha8Rng, len: usize, std: f32) -> Array1<f32> {
    Array1::from_shape_simple_fn(len, || {
        let z: f32 = StandardNormal.sample(rng);
        std * z
    })
}

/// `[len]` vector of uniform draws in `[low, high)`.
pub fn uniform_vector(rng: &mut ChaCha8Rng, len: usize, low: f32, high: f32) -> Array1<f32> {
    use rand::Rng;
    Array1::from_shape_simple_fn(len, || rng.random_range(low..high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_published_vectors() {
        // Test vectors from the FNV specification (draft-eastlake-fnv): "" and "a".
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn same_seed_same_draws_other_label_other_draws() {
        let a = normal_vector(&mut rng_for(7, "x"), 8, 1.0);
        let b = normal_vector(&mut rng_for(7, "x"), 8, 1.0);
        let c = normal_vector(&mut rng_for(7, "y"), 8, 1.0);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
