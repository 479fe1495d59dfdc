//! Seeds for plans that give none.
//!
//! The seed is the first 53 bits of SHA-256 over the canonical JSON of the normalized plan,
//! with the seed itself zeroed and the free-text names blanked. So equal plans get equal answers
//! (and are cacheable), renaming a plan does not change its odds, and the seed survives a trip
//! through JavaScript numbers (2^53 − 1 is the largest integer a double holds exactly).

use sha2::{Digest, Sha256};

use super::Plan;

/// The largest seed accepted and produced: 2^53 − 1.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The seed a plan gets when its client gives none. Struct fields serialize in declaration
/// order and floats in their shortest round-trip form, so the JSON is canonical.
pub fn derive_seed(plan: &Plan) -> u64 {
    let mut canonical = plan.clone();
    canonical.name.clear();
    canonical.simulation.seed = 0;
    for income in &mut canonical.income {
        income.name.clear();
    }
    for event in &mut canonical.events {
        event.name.clear();
    }
    let json = serde_json::to_vec(&canonical).expect("a plan always serializes");
    let digest = Sha256::digest(&json);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) & MAX_SEED
}
