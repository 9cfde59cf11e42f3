//! Random numbers without a dependency: the standard library's randomly keyed hasher.
//! Good enough for jitter, run ids, shuffle seeds and the hook's frame nonce (unguessable
//! to a model that never sees the process); not for cryptographic keys.

use std::hash::{BuildHasher as _, Hasher as _};

pub fn u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    hasher.finish()
}

/// A number in [0, 1).
pub fn unit() -> f64 {
    (u64() >> 11) as f64 / (1u64 << 53) as f64
}
