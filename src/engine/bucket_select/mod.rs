//! Order statistics of a long row by bucketing: two read-only passes instead of several
//! partitioning passes.
//!
//! 1. A strided sample of `SAMPLE` values, sorted, brackets the wanted ranks: `[lo, hi]` covers
//!    them with a margin of `MARGIN` (over 2 standard errors of a sample quantile).
//! 2. One pass counts the values per bucket: below `lo`, `buckets` equal slices of
//!    `[lo, hi]`, above `hi`. The bucket map is monotone, so the counts say which bucket holds
//!    each wanted rank and at which position inside it.
//!    Each bucket is split in three around the sample's most repeated value, so a run of
//!    equal values (depleted paths at zero, funded paths spending exactly the plan's amount)
//!    has a position of its own and is known from the counts alone.
//! 3. A second pass over the indices of the first collects the few other buckets that hold
//!    wanted ranks. A bucket's own most repeated sample value is counted rather than stored,
//!    so lesser runs cost no memory either.
//! 4. Each wanted rank is selected inside its small bucket.
//!
//! A row of one value (every path the same) needs neither pass.
//!
//! When the collected values would exceed `n / 8` (a sample that bracketed badly, or a
//! distribution concentrated in one bucket) it gives up and the caller selects in place, so
//! the answer is always exact and the extra memory stays small.

use super::simd::{SimdLevel, dispatch};

/// Shorter rows are selected in place; bucketing does not pay below this.
pub const MIN_LEN: usize = 4096;
/// Equal slices of the sample's range: 1,024 for a long row, 256 for one of fewer than
/// `SHORT_ROW` values (about 37 values a slice at 10,000), whose counts then fit the L1 cache
/// with the values they count.
const BUCKETS: usize = 1024;
const SHORT_ROW_BUCKETS: usize = 256;
const SHORT_ROW: usize = 32_768;
/// Index positions for `buckets` slices and the two ends: each bucket is split in three around
/// the sample's most repeated value (see `bucket_of`).
const fn indices(buckets: usize) -> usize {
    3 * (buckets + 2)
}
const SAMPLE: usize = 256;
const MARGIN: f64 = 0.03;
const NO_SLOT: u8 = u8::MAX;
/// Marks a rank that falls on the run of the row's most repeated value: no scan needed.
const MODE_SLOT: u8 = u8::MAX - 1;
/// Values bucketed per step, so the indices live in a small stack buffer.
const CHUNK: usize = 2048;

/// Writes the order statistic of each of `ranks` (sorted, unique, at most 32) into `out`.
/// Returns false, leaving `out` unspecified, when the row should be selected in place instead.
pub fn order_statistics(data: &[f64], ranks: &[usize], out: &mut [f64]) -> bool {
    let n = data.len();
    if n < MIN_LEN || ranks.is_empty() || ranks.len() > 32 {
        return false;
    }
    // A row of one value (a distribution before its first year, a tax nobody owes yet):
    // every order statistic is that value, as the counts would say after a pass.
    let first = data[0];
    if !first.is_nan() && data.chunks(64).all(|c| same_bits(c, first)) {
        out.fill(first);
        return true;
    }
    if n < SHORT_ROW {
        bucketed::<{ indices(SHORT_ROW_BUCKETS) }>(data, ranks, out)
    } else {
        bucketed::<{ indices(BUCKETS) }>(data, ranks, out)
    }
}

/// [`order_statistics`] with `INDICES / 3 − 2` buckets.
fn bucketed<const INDICES: usize>(data: &[f64], ranks: &[usize], out: &mut [f64]) -> bool {
    let n = data.len();
    let buckets = INDICES / 3 - 2;
    let mut sample = [0.0; SAMPLE];
    let (lo, hi) = bracket(data, ranks, &mut sample);
    let scale = if hi > lo {
        buckets as f64 / (hi - lo)
    } else {
        0.0
    };
    // The sample's most repeated value (zero when many paths are depleted, the planned amount
    // in a spending row) gets index positions of its own, so its run is counted, not scanned.
    let mode = most_repeated(sample.iter().copied()).unwrap_or(f64::NAN);
    let map = BucketMap {
        lo,
        scale,
        top: (buckets + 1) as f64,
        mode,
    };
    let level = SimdLevel::detect();
    // Every value's index, kept for the second pass (2 bytes a value).
    let mut indices = vec![0u16; n];
    // Four interleaved histograms: when many values share a bucket (depleted paths are all
    // zero), increments of one counter no longer wait on each other.
    let mut counts = [[0u32; INDICES]; 4];
    for (chunk, index) in data.chunks(CHUNK).zip(indices.chunks_mut(CHUNK)) {
        bucket_indices(level, chunk, map, index);
        let mut quads = index.chunks_exact(4);
        for quad in &mut quads {
            for (histogram, &b) in counts.iter_mut().zip(quad) {
                histogram[b as usize] += 1;
            }
        }
        for &b in quads.remainder() {
            counts[0][b as usize] += 1;
        }
    }
    let mut sample_buckets = [0u16; SAMPLE];
    bucket_indices(level, &sample, map, &mut sample_buckets);

    // Where each wanted rank lives: (slot, bucket start) per rank, slots per target bucket.
    let mut slot_of = [NO_SLOT; INDICES];
    let mut slots: Vec<Slot> = Vec::with_capacity(ranks.len());
    let mut located = [(0u8, 0usize); 32];
    let mut start = 0usize;
    let mut r = 0;
    for b in 0..INDICES {
        if r == ranks.len() {
            break;
        }
        let count = counts
            .iter()
            .map(|histogram| histogram[b] as usize)
            .sum::<usize>();
        while r < ranks.len() && ranks[r] < start + count {
            if b % 3 == 1 && !mode.is_nan() {
                located[r] = (MODE_SLOT, start);
                r += 1;
                continue;
            }
            if slot_of[b] == NO_SLOT {
                slot_of[b] = slots.len() as u8;
                // The sorted sample's buckets ascend, so this bucket's entries are one slice.
                let first = sample_buckets.partition_point(|&sb| (sb as usize) < b);
                let end = sample_buckets.partition_point(|&sb| (sb as usize) <= b);
                let run = most_repeated(sample[first..end].iter().copied());
                slots.push(Slot {
                    run: run.unwrap_or(f64::NAN),
                    run_count: count,
                    others: Vec::new(),
                });
            }
            located[r] = (slot_of[b], start);
            r += 1;
        }
        start += count;
    }

    // Every rank on the mode's run (a row that is all one value, a tax row of mostly zeros):
    // the counts already say everything, so there is no second pass.
    if slots.is_empty() {
        out.fill(mode);
        return true;
    }
    // The target indices, padded with one no value reaches, for a vectorized membership test.
    let mut targets = [u16::MAX; 16];
    // More target buckets than the membership test holds (many ranks, spread out): in place.
    if slots.len() > targets.len() {
        return false;
    }
    for (t, (b, _)) in targets
        .iter_mut()
        .zip(slot_of.iter().enumerate().filter(|(_, s)| **s != NO_SLOT))
    {
        *t = b as u16;
    }
    let cap = n / 8;
    let mut stored = 0usize;
    let mut hits = [0u8; CHUNK];
    for (chunk, index) in data.chunks(CHUNK).zip(indices.chunks(CHUNK)) {
        target_hits(level, index, &targets, &mut hits[..chunk.len()]);
        let padded = chunk.len().next_multiple_of(64);
        hits[chunk.len()..padded].fill(0);
        for (block, bytes) in hits[..padded].chunks_exact(64).enumerate() {
            // Most values are in no target bucket: one test for 64. Bit `j` of `bits` is the
            // hit of value `64·block + j`: a hit is a byte 0 or 1, and the product gathers
            // the lowest bits of a word's eight bytes in its top byte, in order.
            let mut bits = 0u64;
            for (k, word) in bytes.chunks_exact(8).enumerate() {
                let word = u64::from_le_bytes(word.try_into().expect("eight hits"));
                bits |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
            }
            while bits != 0 {
                let i = block * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let (x, s) = (chunk[i], slot_of[index[i] as usize]);
                // Only values other than the slot's run are stored; the run's size is what
                // the bucket count leaves, so the common case writes nothing.
                let slot = &mut slots[s as usize];
                if x != slot.run {
                    slot.others.push(x);
                    slot.run_count -= 1;
                    stored += 1;
                    if stored > cap {
                        return false;
                    }
                }
            }
        }
    }

    for ((value, &rank), &(s, bucket_start)) in out.iter_mut().zip(ranks).zip(&located) {
        *value = if s == MODE_SLOT {
            mode
        } else {
            slots[s as usize].nth(rank - bucket_start)
        };
    }
    true
}

/// Whether every value of `values` has the bits of `x`. No early exit inside, so that it is
/// vector code.
#[inline]
fn same_bits(values: &[f64], x: f64) -> bool {
    values
        .iter()
        .fold(true, |same, v| same & (v.to_bits() == x.to_bits()))
}

#[derive(Clone, Copy)]
struct BucketMap {
    lo: f64,
    scale: f64,
    /// The last bucket: values above the range.
    top: f64,
    /// The most repeated value, or NaN.
    mode: f64,
}

/// The index of `x`: its bucket `b`, `1 + (x − lo)·scale` clamped to [0, `top`] and
/// rounded, then `3b`, `3b + 1` or `3b + 2` as `x` is below, equal to or above the mode.
/// Every step is monotone, so the map is (all of a bucket below the mode's is below the mode,
/// and so on); values below `lo` gather in the first buckets and values above `hi` in the last.
/// With no mode (NaN) every index is `3b + 1`. Rounding adds 2⁵² and reads the integer from
/// the mantissa, because a float-to-integer conversion does not vectorize.
#[inline(always)]
fn bucket_of(x: f64, map: BucketMap) -> u16 {
    const MAGIC: f64 = 4_503_599_627_370_496.0; // 2^52
    let t = ((x - map.lo) * map.scale + 1.0).max(0.0).min(map.top);
    let bucket = (t + MAGIC) - MAGIC;
    let above = if x > map.mode { 1.0 } else { 0.0 };
    let below = if x < map.mode { 1.0 } else { 0.0 };
    let index = 3.0 * bucket + 1.0 + above - below;
    (index + MAGIC).to_bits().wrapping_sub(MAGIC.to_bits()) as u16
}

#[inline(always)]
fn bucket_indices_generic(data: &[f64], map: BucketMap, out: &mut [u16]) {
    for (o, &x) in out.iter_mut().zip(data) {
        *o = bucket_of(x, map);
    }
}

/// `out[i]` is 1 when `index[i]` is one of `targets`, else 0.
#[inline(always)]
fn target_hits_generic(index: &[u16], targets: &[u16; 16], out: &mut [u8]) {
    for (o, &b) in out.iter_mut().zip(index) {
        let mut hit = false;
        for &t in targets {
            hit |= b == t;
        }
        *o = u8::from(hit);
    }
}

dispatch!(fn target_hits(index: &[u16], targets: &[u16; 16], out: &mut [u8]) -> () => target_hits_generic);

dispatch!(fn bucket_indices(data: &[f64], map: BucketMap, out: &mut [u16]) -> () => bucket_indices_generic);

/// The value repeated most in an ascending sequence, if any value repeats.
fn most_repeated(sorted: impl Iterator<Item = f64>) -> Option<f64> {
    let mut best: Option<(f64, usize)> = None;
    let mut current: Option<(f64, usize)> = None;
    for x in sorted {
        current = match current {
            Some((v, c)) if v == x => Some((v, c + 1)),
            _ => Some((x, 1)),
        };
        if let Some((v, c)) = current
            && c >= 2
            && best.is_none_or(|(_, b)| c > b)
        {
            best = Some((v, c));
        }
    }
    best.map(|(v, _)| v)
}

/// Values of one target bucket: the value the sample repeats most there (NaN if none),
/// counted, and the others, stored.
struct Slot {
    run: f64,
    run_count: usize,
    others: Vec<f64>,
}

impl Slot {
    /// The `k`-th smallest of the bucket's values.
    fn nth(&mut self, k: usize) -> f64 {
        // With no repeated value (NaN run), nothing is below it and the run is empty.
        let below = if self.run_count == 0 {
            self.others.len()
        } else {
            self.others.iter().filter(|&&x| x < self.run).count()
        };
        if k < below {
            *self.others.select_nth_unstable_by(k, f64::total_cmp).1
        } else if k < below + self.run_count {
            self.run
        } else {
            *self
                .others
                .select_nth_unstable_by(k - self.run_count, f64::total_cmp)
                .1
        }
    }
}

/// Sorts in `f64::total_cmp`'s order, comparing integers: a value's bits, with the magnitude
/// bits flipped when it is negative, order as signed integers the way `total_cmp` orders the
/// values (it makes the same key for each comparison). The key is its own inverse. The order,
/// hence the answer, is the same; integer keys sort with the standard library's fast path.
fn sort_total(values: &mut [f64; SAMPLE]) {
    let flip = |bits: i64| bits ^ ((((bits >> 63) as u64) >> 1) as i64);
    let mut keys = values.map(|x| flip(x.to_bits() as i64));
    keys.sort_unstable();
    for (value, key) in values.iter_mut().zip(keys) {
        *value = f64::from_bits(flip(key) as u64);
    }
}

/// A value range that holds the wanted ranks with high probability, from a strided sample.
fn bracket(data: &[f64], ranks: &[usize], sample: &mut [f64; SAMPLE]) -> (f64, f64) {
    let n = data.len();
    let stride = n / SAMPLE;
    for (k, s) in sample.iter_mut().enumerate() {
        *s = data[k * stride];
    }
    sort_total(sample);
    let at = |p: f64| sample[(p.clamp(0.0, 1.0) * (SAMPLE - 1) as f64).round() as usize];
    let first = ranks[0] as f64 / n as f64;
    let last = ranks[ranks.len() - 1] as f64 / n as f64;
    (at(first - MARGIN), at(last + MARGIN))
}

#[cfg(test)]
mod tests;
