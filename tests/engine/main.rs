//! Engine specifications: plan validation, the model's correctness, each strategy by hand,
//! reproducibility and properties over random plans.

mod correctness;
mod history;
mod household;
mod lifetimes;
mod plan;
mod properties;
mod reference;
mod smoothed_strategies;
mod strategies;
mod support;
mod tax;
mod taxed_plans;
mod version;
