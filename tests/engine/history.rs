//! US market history (`data/us_annual.csv`) and the `historical` and `bootstrap` models.

use glidepath::engine::BATCH;
use glidepath::engine::history::{Bootstrap, correlation, moments, us_annual};
use glidepath::engine::market::{MarketYear, ReturnModel, YearSource};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::support::{numbers, plan_with, run, try_plan};

/// Regenerate with `scripts/build-us-annual.py` and update this only with data/README.md.
const US_ANNUAL_SHA256: &str = "4ffcbfdd2b5d662c36ff418d3a2043f35dc9352aa68c825c1e05a6026af42978";

#[test]
fn the_committed_series_is_the_documented_one() {
    let csv = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/us_annual.csv")).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&csv)), US_ANNUAL_SHA256);
}

/// Well-known years, on the series' basis: January-average to January-average total
/// returns (Shiller's monthly averages), within 3 percentage points of the expected value.
#[test]
fn well_known_years_look_like_history() {
    let data = us_annual();
    let year = |y: u32| (y - data.first_year) as usize;
    let stocks = |y: u32| data.stocks[year(y)] - 1.0;
    let inflation = |y: u32| data.inflation[year(y)] - 1.0;
    let near = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() <= 0.03,
            "{what}: {got:.4}, expected about {want}"
        );
    };
    // The crash: four losing years, 1931 the worst, with deflation.
    near(stocks(1929), -0.095, "stocks 1929");
    near(stocks(1930), -0.227, "stocks 1930");
    near(stocks(1931), -0.442, "stocks 1931");
    near(stocks(1932), -0.058, "stocks 1932");
    for y in 1930..=1932 {
        assert!(inflation(y) < -0.06, "deflation in {y}: {}", inflation(y));
    }
    // 1974: a bear market with double-digit inflation.
    near(stocks(1974), -0.211, "stocks 1974");
    near(inflation(1974), 0.118, "inflation 1974");
    // 2008: the financial crisis; Treasuries rallied.
    near(stocks(2008), -0.356, "stocks 2008");
    assert!(data.bonds[year(2008)] - 1.0 > 0.10, "bonds 2008");
}

#[test]
fn a_historical_run_has_one_path_per_start_year_with_a_full_horizon() {
    let history = json!({"market": {"model": "historical"}});
    let outcome = run(&plan_with(history.clone()));
    let starts = 152 - 30 + 1;
    assert_eq!(outcome.scenarios, starts);
    let periods = &outcome.historical.as_ref().unwrap().periods;
    assert_eq!(periods.len(), starts as usize);
    assert_eq!(periods[0].start_year, 1871);
    assert_eq!(periods.last().unwrap().start_year, 1993);
    let failed = periods
        .iter()
        .filter(|p| p.depleted_at_age.is_some())
        .count();
    assert_eq!(
        outcome.success_probability,
        1.0 - failed as f64 / starts as f64,
        "success is the share of start years that last"
    );

    let wrapped = run(&plan_with(
        json!({"market": {"model": "historical", "wrap_around": true}}),
    ));
    assert_eq!(wrapped.scenarios, 152);
    let short = run(&plan_with(
        json!({"end_age": 75, "market": {"model": "historical"}}),
    ));
    assert_eq!(short.scenarios, 152 - 10 + 1);
}

#[test]
fn historical_runs_are_deterministic_whatever_the_seed() {
    let a = run(&plan_with(json!({"market": {"model": "historical"}})));
    let b = run(&plan_with(
        json!({"market": {"model": "historical"}, "simulation": {"seed": 7}}),
    ));
    assert_eq!(a.balance_percentiles, b.balance_percentiles);
    assert_eq!(a.historical, b.historical);
}

#[test]
fn bootstrap_runs_are_reproducible_by_seed() {
    let plan = |seed: u64| {
        plan_with(json!({"market": {"model": "bootstrap", "block_years": 5},
                         "simulation": {"scenarios": 3000, "seed": seed}}))
    };
    assert_eq!(numbers(run(&plan(11))), numbers(run(&plan(11))));
    assert_ne!(
        run(&plan(11)).balance_percentiles,
        run(&plan(12)).balance_percentiles
    );
    assert_eq!(run(&plan(11)).scenarios, 3000);
}

#[test]
fn bootstrap_draws_reproduce_the_datas_moments() {
    let data = us_annual();
    let net = |v: &[f64]| v.iter().map(|g| g - 1.0).collect::<Vec<f64>>();
    let (stocks, bonds, inflation) = (net(&data.stocks), net(&data.bonds), net(&data.inflation));
    for block_years in [1, 10] {
        let model = Bootstrap::new(block_years);
        let (mut s, mut b, mut i) = (Vec::new(), Vec::new(), Vec::new());
        let mut year = MarketYear::default();
        for batch in 0..40 {
            let mut source = model.source(2024, batch);
            for t in 0..30 {
                source.fill_year(t, &mut year);
                for lane in 0..BATCH {
                    s.push(year.stocks[lane] - 1.0);
                    b.push(year.bonds[lane] - 1.0);
                    i.push(year.inflation[lane] - 1.0);
                }
            }
        }
        // 307,200 draws; blocks correlate neighbours, so allow a little more than i.i.d. error.
        for (name, drawn, source) in [
            ("stocks", &s, &stocks),
            ("bonds", &b, &bonds),
            ("inflation", &i, &inflation),
        ] {
            let (got, want) = (moments(drawn), moments(source));
            assert!(
                (got.mean - want.mean).abs() < 0.1 * want.volatility,
                "{name} mean with blocks of {block_years}: {} vs {}",
                got.mean,
                want.mean
            );
            assert!(
                (got.volatility / want.volatility - 1.0).abs() < 0.05,
                "{name} volatility with blocks of {block_years}: {} vs {}",
                got.volatility,
                want.volatility
            );
        }
        // Same-year co-movement survives: stocks and inflation are drawn together.
        let got = correlation(&s, &i);
        let want = correlation(&stocks, &inflation);
        assert!(
            (got - want).abs() < 0.05,
            "stocks–inflation correlation: {got} vs {want}"
        );
        let got = correlation(&b, &i);
        let want = correlation(&bonds, &inflation);
        assert!(
            (got - want).abs() < 0.05,
            "bonds–inflation correlation: {got} vs {want}"
        );
    }
}

/// The famous bad start years. On this data basis 1966 and its neighbours are the worst
/// five for a 4 % 60/40 plan over 30 years (the only five that run out); 1929, saved by
/// deflation and rising bonds, is not among them (it ranks about 33rd). With all stocks,
/// 1929 and 1966 are the two worst.
#[test]
fn the_worst_start_years_are_the_known_ones() {
    let sixty_forty = run(&plan_with(json!({"market": {"model": "historical"}})));
    let worst = &sixty_forty.historical.as_ref().unwrap().worst;
    assert_eq!(worst[0].start_year, 1966, "{worst:?}");
    // 1966 ran out in 1990, its 25th year: at 89 for someone retiring at 65.
    assert_eq!(worst[0].depleted_at_age, Some(89));
    let mut five: Vec<u32> = worst[..5].iter().map(|p| p.start_year).collect();
    five.sort_unstable();
    assert_eq!(five, [1965, 1966, 1967, 1968, 1969]);
    assert!(worst[..5].iter().all(|p| p.depleted_at_age.is_some()));
    assert!(worst[5].depleted_at_age.is_none());

    let all_stocks = run(&plan_with(json!({
        "allocation": {"stocks": 1.0, "bonds": 0.0},
        "market": {"model": "historical"}
    })));
    let worst: Vec<u32> = all_stocks.historical.as_ref().unwrap().worst[..2]
        .iter()
        .map(|p| p.start_year)
        .collect();
    assert!(worst.contains(&1929) && worst.contains(&1966), "{worst:?}");
}

#[test]
fn model_parameters_belong_to_their_model() {
    let errors = try_plan(json!({"market": {"block_years": 5, "wrap_around": true}})).unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["market.block_years", "market.wrap_around"]);
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "applies only to the `bootstrap` model",
            "applies only to the `historical` model"
        ]
    );
    let errors =
        try_plan(json!({"market": {"model": "bootstrap", "block_years": 31}})).unwrap_err();
    assert_eq!(errors[0].path, "market.block_years");
    let errors =
        try_plan(json!({"market": {"model": "historical", "fat_tails_df": 5}})).unwrap_err();
    assert_eq!(errors[0].path, "market.fat_tails_df");
    // A lognormal plan serializes as before: no empty model parameters.
    let plan = plan_with(json!({}));
    let text = serde_json::to_string(&plan.market).unwrap();
    assert!(
        !text.contains("block_years") && !text.contains("wrap_around"),
        "{text}"
    );
}
