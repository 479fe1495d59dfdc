//! The bucketed order statistics against a sort, on the rows the engine meets.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::*;

fn check(data: &[f64], ranks: &[usize]) -> bool {
    let mut sorted = data.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut out = vec![0.0; ranks.len()];
    if !order_statistics(data, ranks, &mut out) {
        return false;
    }
    for (&rank, &got) in ranks.iter().zip(&out) {
        assert_eq!(got, sorted[rank], "rank {rank}");
    }
    true
}

fn ranks_for(n: usize) -> Vec<usize> {
    let mut ranks: Vec<usize> = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
        .iter()
        .flat_map(|p| {
            let lo = ((n - 1) as f64 * p).floor() as usize;
            [lo, (lo + 1).min(n - 1)]
        })
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    ranks
}

#[test]
fn exact_on_skewed_rows_with_zeros_and_outliers() {
    let mut rng = StdRng::seed_from_u64(3);
    // Either side of `SHORT_ROW`, where the bucket count changes.
    for n in [4096, 5000, 10_000, 32_767, 32_768, 33_333] {
        let data: Vec<f64> = (0..n)
            .map(|i| match i % 97 {
                0 => 1e-300,
                1 => 1e300,
                _ if rng.random::<f64>() < 0.12 => 0.0,
                _ => (rng.random::<f64>() * 4.0).exp() * 1e5,
            })
            .collect();
        assert!(check(&data, &ranks_for(n)), "n={n} fell back");
    }
}

/// `n` values: `repeated` with probability `share`, else uniform on [0, `spread`).
fn mostly(rng: &mut StdRng, n: usize, share: f64, repeated: f64, spread: f64) -> Vec<f64> {
    (0..n)
        .map(|_| {
            if rng.random::<f64>() < share {
                repeated
            } else {
                rng.random::<f64>() * spread
            }
        })
        .collect()
}

#[test]
fn exact_when_most_values_are_equal() {
    let mut rng = StdRng::seed_from_u64(4);
    // Spending rows: most funded paths spend exactly the planned amount.
    let data = mostly(&mut rng, 10_000, 0.9, 40_000.0, 40_000.0);
    assert!(
        check(&data, &ranks_for(10_000)),
        "duplicates must not fall back"
    );
    assert!(check(&[7.0; 8192], &ranks_for(8192)));
    // Late years of a long plan: most paths depleted.
    let depleted = mostly(&mut rng, 10_000, 0.6, 0.0, 1e6);
    assert!(
        check(&depleted, &ranks_for(10_000)),
        "zeros must not fall back"
    );
}

#[test]
fn a_row_that_differs_only_at_its_ends_is_not_taken_for_one_value() {
    // Past the last whole block of 64 values, and with the differing value at the very end.
    for n in [8192, 10_001] {
        let mut data = vec![7.0; n];
        data[n - 1] = 8.0;
        assert!(check(&data, &[0, n / 2, n - 2, n - 1]), "n={n}");
        data[n - 1] = -0.0;
        data[0] = -0.0;
        assert!(check(&data, &[0, 1, 2, n - 1]), "n={n}");
    }
}

#[test]
fn exact_when_every_rank_is_on_the_run() {
    let mut rng = StdRng::seed_from_u64(5);
    // A tax row: almost every path owes nothing; the rest owe up to $20,000, so every
    // wanted rank (5% to 95%) is a zero and only the counting pass runs.
    let untaxed = mostly(&mut rng, 10_000, 0.97, 0.0, 20_000.0);
    assert!(check(&untaxed, &ranks_for(10_000)));
    // The run at the top: all but 3% spend exactly the plan, the rest less.
    let funded = mostly(&mut rng, 10_000, 0.97, 40_000.0, 40_000.0);
    assert!(check(&funded, &ranks_for(10_000)));
    // Nearly on the run: the 5% rank falls below it and is found among the others.
    let most = mostly(&mut rng, 10_000, 0.94, 40_000.0, 40_000.0);
    assert!(check(&most, &ranks_for(10_000)));
}

#[test]
fn exact_on_negative_and_sorted_rows() {
    let ascending: Vec<f64> = (0..9000).map(|i| f64::from(i) - 4500.0).collect();
    let descending: Vec<f64> = ascending.iter().rev().copied().collect();
    assert!(check(&ascending, &ranks_for(9000)));
    assert!(check(&descending, &ranks_for(9000)));
}

#[test]
fn ranks_in_more_buckets_than_the_membership_test_holds_are_left_to_the_caller() {
    let mut rng = StdRng::seed_from_u64(6);
    let data: Vec<f64> = (0..10_000).map(|_| rng.random::<f64>() * 1e6).collect();
    // 32 ranks 300 apart: each in a bucket of its own, twice what the test holds. Before
    // the guard, the buckets past the 16th were never collected and read wrong values.
    let ranks: Vec<usize> = (0..32).map(|k| 150 + 300 * k).collect();
    let mut out = vec![0.0; ranks.len()];
    assert!(!order_statistics(&data, &ranks, &mut out));
    // Paired ranks in at most 16 buckets are still bucketed, and exact.
    assert!(check(&data, &ranks_for(10_000)));
}

#[test]
fn short_rows_are_left_to_the_caller() {
    let mut out = [0.0];
    assert!(!order_statistics(&[1.0; 100], &[50], &mut out));
}

#[test]
fn the_sample_sorts_in_total_cmp_order() {
    let mut rng = StdRng::seed_from_u64(9);
    let special = [
        -0.0,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        f64::MAX,
        f64::MIN,
    ];
    let mut sample = [0.0; SAMPLE];
    for (i, s) in sample.iter_mut().enumerate() {
        *s = match special.get(i) {
            Some(&x) => x,
            None if i % 5 == 0 => 1.0,
            None => (rng.random::<f64>() - 0.5) * 1e6,
        };
    }
    let mut want = sample;
    want.sort_by(f64::total_cmp);
    sort_total(&mut sample);
    let bits = |values: &[f64]| values.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&sample), bits(&want));
}
