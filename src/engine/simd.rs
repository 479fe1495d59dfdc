//! Runtime CPU-feature dispatch.
//!
//! The shipped binary targets generic x86-64 (SSE2), so the hot loops are compiled three
//! times: as is, with AVX2 and with AVX-512 enabled through `#[target_feature]`, and the best
//! level the CPU has is picked at run time. The loops use only IEEE operations without fused
//! multiply-add, so every level produces the same bits; tests force each level to prove it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SimdLevel {
    /// Whatever the build target guarantees (SSE2 on x86-64).
    Baseline,
    /// 256-bit vectors.
    Avx2,
    /// 512-bit vectors (F, DQ, VL, BW).
    Avx512,
}

impl SimdLevel {
    pub const ALL: [SimdLevel; 3] = [SimdLevel::Baseline, SimdLevel::Avx2, SimdLevel::Avx512];

    /// The best level this CPU supports.
    pub fn detect() -> Self {
        Self::ALL
            .into_iter()
            .rev()
            .find(|level| level.is_supported())
            .unwrap_or(SimdLevel::Baseline)
    }

    pub fn is_supported(self) -> bool {
        match self {
            SimdLevel::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("avx512bw")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SimdLevel::Baseline => "baseline",
            SimdLevel::Avx2 => "avx2",
            SimdLevel::Avx512 => "avx512",
        }
    }
}

/// Defines `$name(level, args…)` that runs the `#[inline(always)]` function `$body` compiled
/// for the requested level. The caller must have checked `level.is_supported()`.
macro_rules! dispatch {
    // One body for every level.
    ($vis:vis fn $name:ident $(<$($g:ident: $bound:path),*>)? ($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty => $body:path) => {
        $crate::engine::simd::dispatch!($vis fn $name $(<$($g: $bound),*>)? ($($arg: $ty),*) -> $ret => $body, avx512: $body);
    };
    // Another body for AVX-512 (a wider chunk, say).
    ($vis:vis fn $name:ident $(<$($g:ident: $bound:path),*>)? ($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty => $body:path, avx512: $wide:path) => {
        #[allow(clippy::too_many_arguments)]
        $vis fn $name $(<$($g: $bound),*>)? (level: $crate::engine::simd::SimdLevel, $($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn avx2 $(<$($g: $bound),*>)? ($($arg: $ty),*) -> $ret { $body($($arg),*) }

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
            fn avx512 $(<$($g: $bound),*>)? ($($arg: $ty),*) -> $ret { $wide($($arg),*) }

            match level {
                #[cfg(target_arch = "x86_64")]
                $crate::engine::simd::SimdLevel::Avx2 => {
                    assert!(level.is_supported(), "AVX2 is not available on this CPU");
                    // SAFETY: the CPU supports AVX2, checked just above.
                    unsafe { avx2 $(::<$($g),*>)? ($($arg),*) }
                }
                #[cfg(target_arch = "x86_64")]
                $crate::engine::simd::SimdLevel::Avx512 => {
                    assert!(level.is_supported(), "AVX-512 is not available on this CPU");
                    // SAFETY: the CPU supports these AVX-512 subsets, checked just above.
                    unsafe { avx512 $(::<$($g),*>)? ($($arg),*) }
                }
                _ => $body($($arg),*),
            }
        }
    };
}
pub(crate) use dispatch;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detected_level_is_supported_and_baseline_always_is() {
        assert!(SimdLevel::detect().is_supported());
        assert!(SimdLevel::Baseline.is_supported());
    }
}
