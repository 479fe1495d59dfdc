//! [`PerLane`]: one value per lane of a batch, followed by a cache line of padding.
//!
//! A batch's array of `f64` is 2 KiB. Laid side by side (the fields of a struct, the locals
//! of a frame), the same lane of every such array falls in the same two sets of a 32 KiB
//! 8-way L1 data cache: a loop over the lanes that touches more than 16 of them evicts each
//! line before the next lane uses it, and misses on nearly every access. The taxed year's
//! first lane loop touched about 35 and spent most of the kernel's time there. A line of
//! padding after each array moves the next one to other sets.

use std::ops::{Deref, DerefMut};

use super::BATCH;

/// Bytes of padding: one cache line.
const LINE: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct PerLane<T: Copy = f64> {
    lanes: [T; BATCH],
    _pad: [u8; LINE],
}

impl<T: Copy> PerLane<T> {
    /// `x` on every lane.
    #[inline(always)]
    pub const fn splat(x: T) -> Self {
        Self {
            lanes: [x; BATCH],
            _pad: [0; LINE],
        }
    }

    /// The lanes of `lanes`.
    #[inline(always)]
    pub fn copy_of(lanes: &[T; BATCH]) -> Self {
        Self {
            lanes: *lanes,
            _pad: [0; LINE],
        }
    }

    /// Lane `i` holds `f(i)`.
    #[inline(always)]
    pub fn from_fn(f: impl FnMut(usize) -> T) -> Self {
        Self {
            lanes: std::array::from_fn(f),
            _pad: [0; LINE],
        }
    }
}

impl<T: Copy + Default> Default for PerLane<T> {
    fn default() -> Self {
        Self::splat(T::default())
    }
}

impl<T: Copy> Deref for PerLane<T> {
    type Target = [T; BATCH];
    #[inline(always)]
    fn deref(&self) -> &[T; BATCH] {
        &self.lanes
    }
}

impl<T: Copy> DerefMut for PerLane<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T; BATCH] {
        &mut self.lanes
    }
}

impl<'a, T: Copy> IntoIterator for &'a PerLane<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.lanes.iter()
    }
}

impl<'a, T: Copy> IntoIterator for &'a mut PerLane<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.lanes.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_arrays_start_on_different_lines_of_a_4_kib_page() {
        // Two arrays side by side: the second starts one line further round a 4 KiB page
        // (the span of the L1's sets) than a bare 2 KiB array would put it.
        let pair = [PerLane::splat(0.0f64), PerLane::splat(1.0)];
        let gap = std::ptr::from_ref(&pair[1][0]).addr() - std::ptr::from_ref(&pair[0][0]).addr();
        assert_eq!(gap, BATCH * 8 + LINE);
        assert_ne!(gap % 2048, 0);
        assert_eq!(pair[1][BATCH - 1], 1.0);
        let squares = PerLane::from_fn(|i| (i * i) as f64);
        assert_eq!(squares[3], 9.0);
    }
}
