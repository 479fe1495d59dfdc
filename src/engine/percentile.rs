//! Percentiles by multi-rank selection.
//!
//! Type 7 ("linear", NumPy's default): for probability `p` over `n` values the rank is
//! `h = (n − 1)·p`, and the answer interpolates between order statistics `⌊h⌋` and `⌊h⌋ + 1`.
//! Only those order statistics are needed, so instead of sorting we select them. Long rows
//! (every year of a simulation) go through [`bucket_select`](super::bucket_select): two
//! read-only passes find all of them at once. Short rows, and the rare long row that
//! bucketing cannot pin down, are selected in place: select the middle wanted rank
//! (introselect, O(n)), then recurse into the left part for the lower ranks and the right part
//! for the upper ones.

use super::bucket_select::order_statistics;

/// The reported percentiles.
pub const PROBABILITIES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Type-7 percentiles of `data` at each of `probs` (ascending). May reorder `data`.
///
/// ```
/// use glidepath::engine::percentile::percentiles;
/// let mut data = [4.0, 1.0, 3.0, 2.0, 5.0];
/// assert_eq!(percentiles(&mut data, &[0.25, 0.5, 0.9]), vec![2.0, 3.0, 4.6]);
/// ```
pub fn percentiles(data: &mut [f64], probs: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; probs.len()];
    percentiles_into(data, probs, &mut out);
    out
}

/// [`percentiles`] writing into `out` (one slot per probability), allocation-free for up to
/// 16 probabilities.
pub fn percentiles_into(data: &mut [f64], probs: &[f64], out: &mut [f64]) {
    assert!(!data.is_empty(), "percentiles of nothing");
    assert!(probs.len() <= 16 && probs.len() == out.len());
    let n = data.len();
    let last = n - 1;
    let mut ranks = [0usize; 32];
    let mut count = 0;
    for &p in probs {
        let lo = ((last as f64) * p).floor() as usize;
        ranks[count] = lo;
        ranks[count + 1] = (lo + 1).min(last);
        count += 2;
    }
    let ranks = &mut ranks[..count];
    ranks.sort_unstable();
    let mut unique = 0;
    for i in 0..ranks.len() {
        if i == 0 || ranks[i] != ranks[unique - 1] {
            ranks[unique] = ranks[i];
            unique += 1;
        }
    }
    let ranks = &ranks[..unique];
    let mut values = [0.0; 32];
    let values = &mut values[..unique];
    if !order_statistics(data, ranks, values) {
        select_ranks(data, ranks, 0);
        for (value, &rank) in values.iter_mut().zip(ranks) {
            *value = data[rank];
        }
    }
    let value = |rank: usize| values[ranks.binary_search(&rank).expect("every needed rank")];
    for (slot, &p) in out.iter_mut().zip(probs) {
        let h = (last as f64) * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(last);
        *slot = lerp(value(lo), value(hi), h - lo as f64);
    }
}

/// Puts the order statistic of each rank (absolute, sorted, deduplicated) at its index.
///
/// Type 7 wants ranks in adjacent pairs (`⌊h⌋`, `⌊h⌋ + 1`). After selecting the lower one, the
/// upper is just the minimum of the right part, found by one scan instead of another select.
fn select_ranks(data: &mut [f64], ranks: &[usize], offset: usize) {
    if ranks.is_empty() {
        return;
    }
    let mut m = ranks.len() / 2;
    if m > 0 && ranks[m - 1] + 1 == ranks[m] {
        m -= 1;
    }
    let rank = ranks[m] - offset;
    let (left, _, right) = data.select_nth_unstable_by(rank, f64::total_cmp);
    select_ranks(left, &ranks[..m], offset);
    let pair = ranks.get(m + 1) == Some(&(ranks[m] + 1));
    if pair && !right.is_empty() {
        let (min_index, _) = right
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .expect("right part is not empty");
        right.swap(0, min_index);
        select_ranks(&mut right[1..], &ranks[m + 2..], offset + rank + 2);
    } else {
        select_ranks(right, &ranks[m + 1..], offset + rank + 1);
    }
}

/// NumPy's `_lerp`: `a + t·(b − a)`, computed from `b`'s side when `t ≥ 0.5` so that the
/// result is exact at both ends and monotone in `t`.
#[inline]
pub(crate) fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    use super::*;

    fn sorted_reference(data: &[f64], p: f64) -> f64 {
        let mut v = data.to_vec();
        v.sort_by(f64::total_cmp);
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        lerp(v[lo], v[hi], h - lo as f64)
    }

    #[test]
    fn selection_equals_sorting_for_every_size_up_to_64() {
        let mut rng = StdRng::seed_from_u64(9);
        for n in 1..=64 {
            let data: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * 100.0 - 20.0).collect();
            let got = percentiles(&mut data.clone(), &PROBABILITIES);
            for (g, &p) in got.iter().zip(&PROBABILITIES) {
                assert_eq!(*g, sorted_reference(&data, p), "n={n} p={p}");
            }
        }
    }

    #[test]
    fn matches_numpy_linear_method() {
        // numpy.percentile([15, 20, 35, 40, 50], [5, 10, 25, 50, 75, 90, 95])
        let mut data = [35.0, 50.0, 15.0, 40.0, 20.0];
        let got = percentiles(&mut data, &PROBABILITIES);
        assert_eq!(got, vec![16.0, 17.0, 20.0, 35.0, 40.0, 46.0, 48.0]);
    }

    #[test]
    fn ties_and_constant_data_give_the_constant() {
        let mut data = vec![7.5; 1000];
        assert!(
            percentiles(&mut data, &PROBABILITIES)
                .iter()
                .all(|&v| v == 7.5)
        );
    }
}
