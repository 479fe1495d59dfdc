//! Form posts to the JSON contract and back.

use super::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn form_names_become_the_json_contract() {
    let (values, action) = Values::from_form(pairs(&[
        ("current_age", "60"),
        ("end_age", "95"),
        ("portfolio.balance", "$1,000,000"),
        ("spending.annual", "40000"),
        ("allocation.stocks", "60"),
        ("income[0].name", "Social Security"),
        ("income[0].annual", "24000"),
        ("income[0].start_age", "67"),
        ("income[0].inflation_adjusted", "false"),
        ("income[0].inflation_adjusted", "true"),
        ("simulation.seed", "42"),
        ("unknown", "ignored"),
    ]));
    assert_eq!(action, Action::Run);
    let input = values.to_input().0;
    assert_eq!(input.portfolio.balance, Some(1_000_000.0));
    assert_eq!(input.allocation.stocks, Some(0.6));
    assert_eq!(input.income[0].start_age, Some(67));
    assert_eq!(input.income[0].inflation_adjusted, Some(true));
    assert_eq!(input.simulation.seed, Some(42));
    assert_eq!(input.retirement_age, None, "empty means default");
}

#[test]
fn another_strategys_parameters_are_left_out() {
    let (values, _) = Values::from_form(pairs(&[
        ("spending.strategy", "guardrails"),
        ("spending.percent", "4"),
        ("spending.upper_guard", "20"),
        ("market.model", "historical"),
        ("market.block_years", "5"),
        ("market.wrap_around", "true"),
    ]));
    let input = values.to_input().0;
    assert_eq!(input.spending.percent, None);
    assert_eq!(input.spending.upper_guard, Some(0.2));
    assert_eq!(input.market.block_years, None);
    assert_eq!(input.market.wrap_around, Some(true));
}

#[test]
fn text_that_is_not_a_number_is_named_and_kept() {
    let (values, _) = Values::from_form(pairs(&[
        ("current_age", "sixty"),
        ("end_age", "95.5"),
        ("portfolio.balance", "12abc"),
    ]));
    let errors = values.to_input().1;
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["current_age", "end_age", "portfolio.balance"]);
    assert_eq!(errors[1].message, "must be a whole number");
    assert_eq!(values.get("current_age"), "sixty");
}

#[test]
fn unreadable_values_and_the_servers_errors_come_back_together() {
    let (values, _) = Values::from_form(pairs(&[
        ("current_age", "sixty"),
        ("end_age", "95"),
        ("portfolio.balance", "500"),
        ("spending.annual", "40000"),
    ]));
    let limits = Limits {
        max_scenarios: 1000,
        this_year: Some(2026),
    };
    let errors = values
        .to_plan(&PlanDefaults::default(), limits)
        .unwrap_err();
    let found: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("current_age", "must be a number"),
            (
                "portfolio.balance",
                "must be between $1,000 and $100,000,000"
            ),
        ]
    );
}

#[test]
fn empty_rows_are_dropped_and_the_rest_renumbered() {
    let (mut values, action) = Values::from_form(pairs(&[
        ("income[0].inflation_adjusted", "true"),
        ("income[3].annual", "1000"),
        ("income[3].start_age", "70"),
        ("events[1].amount", "-5000"),
        ("action", "add:events"),
    ]));
    assert_eq!((values.income_rows, values.event_rows), (1, 1));
    assert_eq!(values.get("income[0].annual"), "1000");
    assert!(values.apply(&action));
    assert_eq!(values.event_rows, 2);
    assert_eq!(values.get("events[1].inflation_adjusted"), "true");
    assert!(values.apply(&Action::RemoveRow(Row::Events, 0)));
    assert_eq!(values.event_rows, 1);
    assert_eq!(values.get("events[0].amount"), "");
    assert!(!values.apply(&Action::RemoveRow(Row::Income, 5)));
}

#[test]
fn json_round_trips_through_the_form() {
    let plan = serde_json::json!({
        "current_age": 60, "end_age": 95,
        "portfolio": {"balance": 1000000.0, "annual_contribution": 0.0},
        "allocation": {"stocks": 0.55, "bonds": 0.45, "cash": 0.0},
        "spending": {"strategy": "vpw", "annual": 40000.0, "expected_real_return": 0.03, "floor": 20000.0},
        "events": [{"name": "Roof", "age": 70, "amount": -30000.0, "inflation_adjusted": true}],
        "income": [{"name": "Pension", "annual": 12000.0, "start_age": 65, "end_age": null}],
        "market": {"model": "lognormal", "fat_tails_df": null},
    });
    let values = Values::from_json(&plan);
    assert_eq!(values.get("allocation.stocks"), "55");
    assert_eq!(values.get("spending.expected_real_return"), "3");
    assert_eq!(values.get("events[0].amount"), "-30000");
    assert_eq!(values.get("market.fat_tails_df"), "");
    // A row's field left out (stored as null) is an empty input, not the word "null".
    assert_eq!(values.get("income[0].start_age"), "65");
    assert_eq!(values.get("income[0].end_age"), "");
    let input = values.to_input().0;
    assert_eq!(input.allocation.stocks, Some(0.55));
    assert_eq!(input.events[0].amount, Some(-30000.0));
}
