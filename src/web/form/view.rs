//! The form as the template draws it: one `FieldView` per input, errors beside their fields
//! and in a summary at the top that links to each.

use super::Values;
use super::convert::{dollars, implausible, questions_small, read_as};
use super::in_section;
use super::words::{bounds, in_percent, labelled, market_summary, names, range_text};
use crate::engine::plan::FieldError;
use crate::engine::plan::fields::{self, FIELDS, Field, Kind, Only, Section};

pub struct FormView {
    pub about: Vec<FieldView>,
    pub partner: Vec<FieldView>,
    pub social_security: Vec<FieldView>,
    pub savings: Vec<FieldView>,
    pub spending: Vec<FieldView>,
    pub market: Vec<FieldView>,
    pub simulation: Vec<FieldView>,
    pub income: Vec<RowView>,
    pub events: Vec<RowView>,
    pub steps: Vec<RowView>,
    /// Open the partner section: it holds a value or an error.
    pub partner_open: bool,
    /// Accounts and taxes: collapsed until one of its fields holds a value or an error.
    pub taxes: Vec<FieldView>,
    pub taxes_open: bool,
    /// Every error, in form order, each linking to its field.
    pub errors: Vec<ErrorLink>,
    /// The market assumptions in one line, for the collapsed section's summary.
    pub market_summary: String,
    /// Open the market section: it holds an error or a value the user changed.
    pub market_open: bool,
}

pub struct RowView {
    pub index: usize,
    pub fields: Vec<FieldView>,
}

pub struct ErrorLink {
    /// The element id to link to.
    pub target: String,
    pub label: String,
    pub message: String,
}

pub struct FieldView {
    pub name: String,
    pub id: String,
    pub label: &'static str,
    pub help: &'static str,
    pub unit: &'static str,
    /// `money` (text, read as people type amounts), `number`, `text`, `select` or
    /// `checkbox`.
    pub control: &'static str,
    pub min: String,
    pub max: String,
    pub step: &'static str,
    /// The bounds in words: `$1,000 to $100,000,000`, `0 to 100 %`.
    pub range: String,
    pub maxlength: usize,
    pub value: String,
    pub required: bool,
    pub checked: bool,
    pub options: Vec<Choice>,
    pub error: Option<String>,
    /// What a money field's value was read as: `= $60,000`; empty when it is not an amount.
    pub read_as: String,
    /// A money field that questions a small amount (yearly amounts and balances).
    pub questions_small: bool,
    /// Why the value, though allowed, may not be what was meant.
    pub warning: Option<String>,
    /// A select whose choices need two columns' width to be read whole.
    pub wide: bool,
    /// Focus this field when the page loads: the row just added, the first value a preset
    /// filled in (with or without the script).
    pub autofocus: bool,
    /// `data-only` for the script: `strategy:guardrails` or `model:bootstrap`; empty if always.
    pub only: String,
    /// The same in words, shown without JavaScript.
    pub only_note: String,
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The view of `values` with `errors` placed beside their fields.
pub fn form_view(
    values: &Values,
    errors: &[FieldError],
    max_scenarios: u32,
    changed_market: bool,
) -> FormView {
    form_view_with(FIELDS, values, errors, max_scenarios, changed_market)
}

/// [`form_view`] from another table of fields (tests change a bound).
pub fn form_view_with(
    table: &[Field],
    values: &Values,
    errors: &[FieldError],
    max_scenarios: u32,
    changed_market: bool,
) -> FormView {
    let field = |spec: &Field, name: String| field_view(spec, name, values, errors, max_scenarios);
    let list = |section: Section| -> Vec<FieldView> {
        in_section(table, section)
            .map(|s| field(s, s.path.to_string()))
            .collect()
    };
    let rows = |count: usize, section: Section| -> Vec<RowView> {
        (0..count)
            .map(|index| RowView {
                index,
                fields: in_section(table, section)
                    .map(|s| field(s, s.path.replace("[]", &format!("[{index}]"))))
                    .collect(),
            })
            .collect()
    };
    let mut view = FormView {
        about: list(Section::About),
        partner: list(Section::Partner),
        social_security: list(Section::SocialSecurity),
        savings: list(Section::Savings),
        spending: list(Section::Spending),
        market: list(Section::Market),
        simulation: list(Section::Simulation),
        income: rows(values.income_rows, Section::Income),
        events: rows(values.event_rows, Section::Events),
        steps: rows(values.step_rows, Section::Steps),
        partner_open: false,
        taxes: list(Section::Taxes),
        taxes_open: false,
        errors: Vec::new(),
        market_summary: market_summary(values),
        market_open: changed_market,
    };
    // Each error goes beside the field it names, or the first field of the group it names
    // (`allocation` → `allocation.stocks`), and into the summary in form order.
    let mut links: Vec<(usize, ErrorLink)> = Vec::new();
    for e in errors {
        let target = view
            .fields_mut()
            .enumerate()
            .find(|(_, f)| owns(&f.name, &e.path));
        let link = match target {
            Some((i, f)) => {
                let text = message(f, e);
                if f.name != e.path {
                    f.error = Some(match f.error.take() {
                        Some(own) => format!("{own}; {text}"),
                        None => text.clone(),
                    });
                }
                (
                    i,
                    ErrorLink {
                        target: f.id.clone(),
                        label: f.label.to_string(),
                        message: text,
                    },
                )
            }
            None => (
                usize::MAX,
                ErrorLink {
                    target: "plan-form".into(),
                    label: e.path.clone(),
                    message: labelled(&e.message),
                },
            ),
        };
        links.push(link);
    }
    links.sort_by_key(|(order, _)| *order);
    view.market_open |= view.market.iter().any(|f| f.error.is_some());
    // A section opens with an error or a value typed in it; a checkbox, or a select left on
    // its first choice (the withdrawal order's default), is not one.
    let open = |fields: &[FieldView]| {
        fields.iter().any(|f| {
            let chosen = match f.options.first() {
                Some(first) => f.value != first.value,
                None => f.control != "checkbox",
            };
            f.error.is_some() || (!f.value.is_empty() && chosen)
        })
    };
    view.partner_open = open(&view.partner);
    view.taxes_open = open(&view.taxes);
    view.errors = links.into_iter().map(|(_, link)| link).collect();
    view
}

impl FormView {
    /// Focuses the field `name` when the page loads, and opens its section.
    pub fn autofocus(&mut self, name: &str) {
        if let Some(field) = self.fields_mut().find(|f| f.name == name) {
            field.autofocus = true;
        }
        self.market_open |= self.market.iter().any(|f| f.autofocus);
        self.partner_open |= self.partner.iter().any(|f| f.autofocus);
        self.taxes_open |= self.taxes.iter().any(|f| f.autofocus);
    }

    /// Every field, in form order.
    fn fields_mut(&mut self) -> impl Iterator<Item = &mut FieldView> {
        [
            &mut self.about,
            &mut self.partner,
            &mut self.social_security,
            &mut self.savings,
            &mut self.taxes,
            &mut self.spending,
        ]
        .into_iter()
        .flatten()
        .chain(self.steps.iter_mut().flat_map(|r| &mut r.fields))
        .chain(self.income.iter_mut().flat_map(|r| &mut r.fields))
        .chain(self.events.iter_mut().flat_map(|r| &mut r.fields))
        .chain(
            [&mut self.market, &mut self.simulation]
                .into_iter()
                .flatten(),
        )
    }
}

/// Whether the error at `path` belongs beside the field `name`: its own, or the first field
/// of a group the error names (`allocation` → `allocation.stocks`).
fn owns(name: &str, path: &str) -> bool {
    name == path
        || name
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn field_view(
    spec: &Field,
    name: String,
    values: &Values,
    errors: &[FieldError],
    max_scenarios: u32,
) -> FieldView {
    let value = values.get(&name).to_string();
    let mut view = FieldView {
        id: format!("f-{}", name.replace(['.', '['], "-").replace(']', "")),
        label: spec.label,
        help: spec.help,
        unit: spec.unit,
        control: "number",
        min: String::new(),
        max: String::new(),
        step: spec.step(),
        range: range_text(spec, max_scenarios),
        maxlength: 0,
        checked: value == "true",
        value,
        // A partner's or a claim's own required fields are needed only when it is given.
        required: spec.required()
            && !matches!(spec.section, Section::Partner | Section::SocialSecurity),
        options: Vec::new(),
        error: None,
        read_as: String::new(),
        questions_small: false,
        warning: None,
        autofocus: false,
        wide: false,
        only: String::new(),
        only_note: String::new(),
        name,
    };
    let (min, max) = bounds(spec, max_scenarios);
    match spec.kind {
        Kind::Money { .. } => {
            view.control = "money";
            view.questions_small = questions_small(spec.kind);
            if let Some(amount) = dollars(&view.value) {
                view.read_as = read_as(amount);
                view.warning = implausible(spec.kind, amount);
            }
        }
        Kind::Percent { .. } | Kind::Decimal { .. } => (view.min, view.max) = (min, max),
        Kind::Integer { .. } => (view.min, view.max) = (min, max),
        Kind::Text { max_chars } => {
            view.control = "text";
            view.maxlength = max_chars;
        }
        Kind::Choice(options) => {
            view.control = "select";
            view.wide = options
                .iter()
                .any(|(_, label)| label.chars().count() > WIDE_CHOICE);
            let current = if view.value.is_empty() {
                options[0].0
            } else {
                view.value.as_str()
            };
            view.options = options
                .iter()
                .map(|&(value, label)| Choice {
                    value,
                    label,
                    selected: value == current,
                })
                .collect();
        }
        Kind::Flag => view.control = "checkbox",
    }
    (view.only, view.only_note) = match spec.only {
        Only::Always => (String::new(), String::new()),
        Only::Strategies(list) => (
            format!("strategy:{}", list.join(" ")),
            format!("{} only", names(list, fields::STRATEGIES)),
        ),
        Only::Model(model) => (
            format!("model:{model}"),
            format!("{} model only", names(&[model], fields::MODELS)),
        ),
        Only::Lifetimes(lifetimes) => (
            format!("longevity:{lifetimes}"),
            format!(
                "{} lifetimes only",
                names(&[lifetimes], fields::LONGEVITY_MODELS)
            ),
        ),
        // Without the script they are shown always, and apply once an account is filled
        // in; with it they appear then.
        Only::Accounts => ("accounts:yes".to_string(), "With accounts only".to_string()),
    };
    let messages: Vec<String> = errors
        .iter()
        .filter(|e| e.path == view.name)
        .map(|e| message(&view, e))
        .collect();
    if !messages.is_empty() {
        view.error = Some(messages.join("; "));
    }
    view
}

/// A choice longer than this (in characters) does not fit one column of the form's grid.
const WIDE_CHOICE: usize = 24;

/// The server's message in the form's words: a share's range and sums in percent, and any
/// field it names by its label (`current_age` is “Your age now”).
fn message(field: &FieldView, error: &FieldError) -> String {
    let is_percent = field.unit == "%" && field.name == error.path;
    if is_percent && error.message.starts_with("must be between") {
        return format!("must be between {}% and {}%", field.min, field.max);
    }
    if field.unit == "%" {
        labelled(&in_percent(&error.message))
    } else {
        labelled(&error.message)
    }
}
