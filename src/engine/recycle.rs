//! Recycling of the per-simulation matrices.
//!
//! A simulation fills two `T × N` matrices of f64 (years by paths, ndarray [`Matrix`]es) (4.8 MB at 10,000 × 30). Fresh memory of that
//! size comes straight from the kernel, and touching it page by page costs more than a tenth
//! of the run. Finished simulations hand their matrices back here and the next one reuses
//! them. Every cell is overwritten before it is read, so stale values never leak. At most
//! `RETAINED_BYTES` are kept (the most recent buffers); the rest are freed as usual.

use std::sync::Mutex;

use ndarray::{Array2, ArrayView2};

/// A year × path matrix: row `t` is year `t` of every path, column `i` is path `i`.
pub type Matrix = Array2<f64>;
pub type MatrixView<'a> = ArrayView2<'a, f64>;

const RETAINED_BYTES: usize = 64 << 20;

static POOL: Mutex<Vec<Vec<f64>>> = Mutex::new(Vec::new());

/// A `years × paths` matrix whose contents are unspecified (the caller overwrites them all).
pub fn matrix(years: usize, paths: usize) -> Matrix {
    Matrix::from_shape_vec((years, paths), take(years * paths)).expect("the buffer has the shape")
}

/// Returns a matrix's memory for reuse.
pub fn give_matrix(matrix: Matrix) {
    let (buffer, _) = matrix.into_raw_vec_and_offset();
    give(buffer);
}

/// A buffer of `len` values whose contents are unspecified (the caller overwrites them all).
fn take(len: usize) -> Vec<f64> {
    let reused = {
        let mut pool = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let best = pool
            .iter()
            .enumerate()
            .filter(|(_, v)| v.capacity() >= len)
            .min_by_key(|(_, v)| v.capacity())
            .map(|(i, _)| i);
        best.map(|i| pool.swap_remove(i))
    };
    match reused {
        Some(mut v) => {
            v.truncate(len);
            v.resize(len, 0.0);
            v
        }
        None => vec![0.0; len],
    }
}

/// Returns a buffer for reuse. The most recent buffers are kept: older ones are freed until
/// the pool fits in `RETAINED_BYTES`, and a buffer larger than that is freed at once.
fn give(v: Vec<f64>) {
    let bytes = |v: &Vec<f64>| v.capacity() * std::mem::size_of::<f64>();
    if bytes(&v) > RETAINED_BYTES {
        return;
    }
    let mut pool = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    pool.push(v);
    while pool.iter().map(bytes).sum::<usize>() > RETAINED_BYTES {
        pool.remove(0);
    }
}

/// Frees every pooled buffer (tests measure the cold path with it).
pub fn clear() {
    POOL.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held_bytes() -> usize {
        POOL.lock().unwrap().iter().map(|v| v.capacity() * 8).sum()
    }

    #[test]
    fn buffers_are_reused_and_the_pool_stays_bounded() {
        let v = take(1000);
        assert_eq!(v.len(), 1000);
        let ptr = v.as_ptr();
        give(v);
        let again = take(900);
        assert_eq!(again.len(), 900);
        assert_eq!(again.as_ptr(), ptr, "the returned buffer is reused");
        give(again);
        for _ in 0..10 {
            give(vec![0.0; (RETAINED_BYTES / 8) / 3]);
        }
        assert!(held_bytes() <= RETAINED_BYTES);
        give(vec![0.0; RETAINED_BYTES / 8 + 1]);
        assert!(held_bytes() <= RETAINED_BYTES);
    }
}
