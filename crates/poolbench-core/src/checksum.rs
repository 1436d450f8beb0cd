//! Stable checksums for task outputs.
//!
//! Checksums must be identical across runs, processes and machines (a worker process, or a
//! results file from yesterday, is compared with today's oracle), so they cannot use std's
//! randomly seeded hasher. FNV-1a is tiny, stable and good enough to catch wrong outputs.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// 64-bit FNV-1a hash of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// A [`Hasher`](std::hash::Hasher) with no random seed: FNV-1a over the bytes a type's
/// [`Hash`](std::hash::Hash) implementation writes. The same value hashes alike in every run
/// and every process of the same build, which std's `DefaultHasher` does not promise (its
/// keys are random per process in `HashMap`, and its algorithm may change between Rust
/// versions). What it cannot fix: a `Hash` that writes addresses or other per-process state.
#[derive(Debug, Clone, Copy)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        Self(FNV_OFFSET)
    }
}

impl std::hash::Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }
}

/// The checksum of task `index`'s output `value`: its [`StableHasher`] hash, mixed with the
/// index ([`mix`]), so equal outputs of different tasks differ and outputs handed back in the
/// wrong order are caught.
pub fn checksum_of<T: std::hash::Hash + ?Sized>(index: usize, value: &T) -> u64 {
    let mut hasher = StableHasher::default();
    value.hash(&mut hasher);
    mix(index, std::hash::Hasher::finish(&hasher))
}

/// Mixes a task's index into its value, so that two tasks with equal values still have
/// different checksums and outputs delivered in the wrong order are caught.
pub fn mix(index: usize, value: u64) -> u64 {
    // splitmix64 finaliser over (index, value).
    let mut z = value ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn stable_hashes_follow_the_value_and_the_index() {
        use std::hash::Hasher;
        let mut h = StableHasher::default();
        h.write(b"foobar");
        assert_eq!(h.finish(), fnv1a(b"foobar"));
        assert_eq!(checksum_of(2, "abc"), checksum_of(2, "abc"));
        assert_ne!(checksum_of(2, "abc"), checksum_of(3, "abc"));
        assert_ne!(
            checksum_of(2, &vec![1u32, 2]),
            checksum_of(2, &vec![2u32, 1])
        );
    }

    #[test]
    fn mix_separates_indices_with_equal_values() {
        assert_ne!(mix(0, 7), mix(1, 7));
        assert_eq!(mix(3, 7), mix(3, 7));
    }
}
