//! The table of plan fields is the one source of every field's bounds: normalization holds
//! each numeric field to exactly its table bounds, and changing a bound in the table changes
//! the 422, the form and the OpenAPI document together.

use glidepath::api::openapi::document_with;
use glidepath::engine::PlanDefaults;
use glidepath::engine::plan::fields::{FIELDS, Field, Kind};
use glidepath::engine::plan::{FieldError, Limits, parse_plan_json};
use glidepath::web::form::{Values, form_view_with};
use serde_json::{Value, json};

/// No calendar year: a birth year is held to its bounds alone (its check against the age is
/// the engine tests').
const LIMITS: Limits = Limits {
    max_scenarios: 10_000,
    this_year: None,
};

fn base() -> Value {
    json!({
        "current_age": 60, "end_age": 95,
        "portfolio": {"balance": 1_000_000}, "spending": {"annual": 40_000},
    })
}

/// Sets `plan["a"]["b"]` for `a.b`, and `plan["income"][0]["annual"]` for `income[].annual`.
fn set(plan: &mut Value, path: &str, value: Value) {
    let mut node = plan;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (key, row) = match part.strip_suffix("[]") {
            Some(key) => (key, true),
            None => (*part, false),
        };
        if i + 1 == parts.len() {
            node[key] = value;
            return;
        }
        if node.get(key).is_none() {
            node[key] = if row { json!([{}]) } else { json!({}) };
        }
        node = if row {
            &mut node[key][0]
        } else {
            &mut node[key]
        };
    }
}

/// What a field's bound needs of its neighbours: ages are checked against each other, and
/// strategy and model parameters apply to their own strategy or model only.
fn context(path: &str, bound: &str) -> Vec<(&'static str, Value)> {
    let strategy = |name: &str| ("spending.strategy", json!(name));
    match (path, bound) {
        ("current_age", "max") => vec![("end_age", json!(120))],
        ("end_age", "min") | ("retirement_age", "min") => vec![("current_age", json!(18))],
        ("retirement_age", "max") => vec![("end_age", json!(120))],
        ("events[].age", "min") => vec![("current_age", json!(18))],
        ("events[].age", "max") => vec![("end_age", json!(120))],
        ("income[].end_age", "min") => vec![("income[].start_age", json!(18))],
        ("income[].survivor_share", _) => vec![("income[].owner", json!("primary"))],
        ("longevity.health_adjustment", _) => vec![
            ("longevity.model", json!("drawn")),
            ("sex", json!("male")),
            ("birth_year", json!(1966)),
        ],
        ("longevity.partner_health_adjustment", _) => vec![
            ("longevity.model", json!("drawn")),
            ("sex", json!("male")),
            ("birth_year", json!(1966)),
            ("partner.current_age", json!(60)),
            ("partner.sex", json!("female")),
            ("partner.birth_year", json!(1966)),
        ],
        ("partner.end_age" | "partner.retirement_age", "min") => {
            vec![("partner.current_age", json!(18))]
        }
        ("partner.retirement_age", "max") => vec![
            ("partner.current_age", json!(60)),
            ("partner.end_age", json!(120)),
        ],
        ("spending.survivor_share" | "partner.annual_contribution" | "partner.birth_year", _)
        | ("partner.end_age", _) => vec![("partner.current_age", json!(60))],
        (s, _) if s.starts_with("partner.social_security.") => vec![
            ("partner.current_age", json!(60)),
            ("partner.birth_year", json!(1966)),
            ("partner.social_security.monthly_benefit", json!(1000)),
        ],
        (s, _) if s.starts_with("social_security.") => vec![
            ("birth_year", json!(1966)),
            ("social_security.monthly_benefit", json!(1000)),
        ],
        // Accounts replace the portfolio's balance and need birth years (for the RMD age).
        ("accounts.taxable.basis", _) => {
            with_accounts(vec![("accounts.taxable.balance", json!(100_000_000))])
        }
        (s, "max") if s.starts_with("accounts.") && s.ends_with(".balance") => {
            with_accounts(vec![])
        }
        (s, _) if s.starts_with("accounts.roth.") => {
            with_accounts(vec![("accounts.traditional.balance", json!(500_000))])
        }
        (s, bound)
            if s.starts_with("accounts.") || s.starts_with("tax.") && s != "tax.effective_rate" =>
        {
            let other = if s.starts_with("accounts.traditional.") {
                "accounts.roth.balance"
            } else {
                "accounts.traditional.balance"
            };
            let mut v = vec![(other, json!(500_000))];
            let fixed = [
                ("tax.conversion", json!("fixed")),
                ("tax.conversion_amount", json!(1_000)),
            ];
            match (s, bound) {
                ("tax.fill_bracket_rate", _) => {
                    v.push(("tax.withdrawal_order", json!("fill_bracket")))
                }
                ("tax.conversion_amount", _) => v.push(("tax.conversion", json!("fixed"))),
                ("tax.conversion_bracket_rate", _) => {
                    v.push(("tax.conversion", json!("fill_bracket")))
                }
                ("tax.conversion_end_age", "min") => {
                    v.extend(fixed);
                    v.push(("tax.conversion_start_age", json!(18)));
                }
                ("tax.conversion_start_age" | "tax.conversion_end_age", _) => v.extend(fixed),
                _ => {}
            }
            with_accounts(v)
        }
        ("spending.steps[].age", "min") => vec![("current_age", json!(18))],
        // Your ages run on while a younger partner lives: to 129 here.
        ("spending.steps[].age", "max") => vec![
            ("partner.current_age", json!(50)),
            ("partner.end_age", json!(120)),
        ],
        ("spending.ceiling", "min") => {
            vec![strategy("constant_percent"), ("spending.floor", json!(0))]
        }
        ("spending.floor" | "spending.ceiling" | "spending.percent", _) => {
            vec![strategy("constant_percent")]
        }
        ("spending.upper_guard" | "spending.lower_guard" | "spending.adjustment", _) => {
            vec![strategy("guardrails")]
        }
        ("spending.expected_real_return", _) => vec![strategy("vpw")],
        ("spending.horizon_age", "min") => vec![
            strategy("vpw"),
            ("current_age", json!(18)),
            ("end_age", json!(19)),
        ],
        ("spending.horizon_age", _) => vec![strategy("vpw")],
        ("spending.smoothing", _) => vec![strategy("endowment")],
        ("spending.max_increase" | "spending.max_decrease", _) => {
            vec![strategy("vanguard_dynamic")]
        }
        ("spending.extras_rate", _) => vec![strategy("sensible_withdrawals")],
        // The CAPE rule reads Shiller's earnings, which only history has.
        ("spending.base_rate" | "spending.cape_weight", _) => vec![
            strategy("cape"),
            ("market.model", json!("historical")),
            ("market.wrap_around", json!(false)),
        ],
        ("market.block_years", _) => vec![("market.model", json!("bootstrap"))],
        // A correlation of ±1 holds only when the other two allow it.
        (c, _) if c.starts_with("market.correlations.") => vec![
            ("market.correlations.stocks_bonds", json!(0)),
            ("market.correlations.stocks_inflation", json!(0)),
            ("market.correlations.bonds_inflation", json!(0)),
        ],
        // The weights sum to one: bonds take what stocks leave, and all cash needs no stocks.
        ("allocation.cash", "max") => vec![("allocation.stocks", json!(0))],
        _ => vec![],
    }
}

/// `more` in a plan with accounts.
fn with_accounts(more: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    let mut v = vec![
        ("portfolio.balance", Value::Null),
        ("birth_year", json!(1966)),
    ];
    v.extend(more);
    v
}

fn errors(table: &[Field], plan: &Value) -> Vec<FieldError> {
    let input = parse_plan_json(&plan.to_string()).expect("the plan parses");
    match input.normalize_with(table, &PlanDefaults::default(), LIMITS) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

/// At each bound a field passes; one step past it, the field is refused by name.
#[test]
fn every_numeric_field_is_held_to_exactly_its_table_bounds() {
    let mut checked = 0;
    for field in FIELDS {
        let Some((lo, hi)) = field.bounds() else {
            continue;
        };
        let step = match field.kind {
            Kind::Integer { .. } => 1.0,
            Kind::Percent { .. } => 0.0001,
            _ => 0.01,
        };
        for (bound, at, past) in [("min", lo, lo - step), ("max", hi, hi + step)] {
            let plan = |value: f64| {
                let mut plan = base();
                // A row's field needs the rest of its row.
                let row = match field.path.split_once("[]") {
                    Some(("income", _)) => {
                        vec![
                            ("income[].annual", json!(10_000)),
                            ("income[].start_age", json!(67)),
                        ]
                    }
                    Some(("events", _)) => {
                        vec![
                            ("events[].age", json!(70)),
                            ("events[].amount", json!(-10_000)),
                        ]
                    }
                    Some(("spending.steps", _)) => {
                        vec![
                            ("spending.steps[].age", json!(70)),
                            ("spending.steps[].change", json!(-0.1)),
                        ]
                    }
                    _ => vec![],
                };
                for (path, v) in row.into_iter().chain(context(field.path, bound)) {
                    set(&mut plan, path, v);
                }
                let value = match field.kind {
                    Kind::Integer { .. } if value < 0.0 => return None,
                    Kind::Integer { .. } => json!(value as u64),
                    _ => json!(value),
                };
                set(&mut plan, field.path, value);
                Some(plan)
            };
            let at_plan = plan(at).expect("a bound is a value");
            assert_eq!(
                errors(FIELDS, &at_plan),
                [],
                "{} = {at} (its {bound})",
                field.path
            );
            let Some(past_plan) = plan(past) else {
                continue; // a whole number below 0 cannot be written
            };
            let refused = errors(FIELDS, &past_plan);
            let path = field.path.replace("[]", "[0]");
            assert!(
                refused.iter().any(|e| e.path == path),
                "{path} = {past} is accepted: {refused:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 75, "only {checked} bounds checked");
}

/// One bound changed in a copy of the table: the server's 422, the form's input and the
/// OpenAPI document all follow it.
#[test]
fn changing_a_bound_in_the_table_changes_the_422_the_form_and_the_openapi_document() {
    let mut table = FIELDS.to_vec();
    let age = table
        .iter_mut()
        .find(|f| f.path == "current_age")
        .expect("current_age is a plan field");
    age.kind = Kind::Integer { min: 18, max: 99 };

    let mut plan = base();
    set(&mut plan, "current_age", json!(100));
    set(&mut plan, "end_age", json!(110));
    assert_eq!(errors(FIELDS, &plan), []);
    assert_eq!(
        errors(&table, &plan),
        [FieldError::new("current_age", "must be between 18 and 99")]
    );

    let form = form_view_with(&table, &Values::default(), &[], 1000, false);
    let input = form
        .about
        .iter()
        .find(|f| f.name == "current_age")
        .expect("the form asks for the age");
    assert_eq!((input.min.as_str(), input.max.as_str()), ("18", "99"));
    assert_eq!(input.range, "18 to 99");

    let document: Value = serde_json::from_str(&document_with(&table)).unwrap();
    let schema = &document["components"]["schemas"]["PlanInput"]["properties"]["current_age"];
    assert_eq!(schema["maximum"], 99);
    assert_eq!(schema["minimum"], 18);
    let served: Value = serde_json::from_str(&document_with(FIELDS)).unwrap();
    assert_eq!(
        served["components"]["schemas"]["PlanInput"]["properties"]["current_age"]["maximum"],
        119
    );
}

/// Every field's default that is its own (not worked out from others) is the value a plan
/// without it gets.
#[test]
fn the_tables_defaults_are_the_plans() {
    let defaults = PlanDefaults::default();
    let plan = parse_plan_json(&base().to_string())
        .unwrap()
        .normalize(&defaults, LIMITS)
        .unwrap();
    let normalized = serde_json::to_value(&plan).unwrap();
    let mut checked = 0;
    for field in FIELDS.iter().filter(|f| !f.path.contains("[]")) {
        let Some(default) = field.default_value(&defaults) else {
            continue;
        };
        let value = field
            .path
            .split('.')
            .try_fold(&normalized, |node, key| node.get(key));
        // Parameters of another strategy or model are not in this plan.
        if let Some(value) = value {
            assert_eq!(value, &default, "{}", field.path);
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} defaults checked");
}

/// `docs/plan-fields.md` is the table as a document (regenerate with
/// `UPDATE_DOCS=1 cargo test --test http plan_fields`).
#[test]
fn the_documented_fields_are_the_table() {
    let generated = glidepath::engine::plan::fields::markdown(FIELDS, &PlanDefaults::default());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/plan-fields.md");
    if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/plan-fields.md is stale: run `UPDATE_DOCS=1 cargo test --test http plan_fields`"
    );
}
