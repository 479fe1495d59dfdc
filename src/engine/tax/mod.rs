//! Taxes as they are paid: US federal income tax by the year's law, an optional flat state
//! tax, and required minimum distributions.
//!
//! - `law`: the parameters by year, from Tax-Calculator's current law (`data/`).
//! - `lin`: values with their slopes, so a withdrawal's marginal rate is exact, for one lane
//!   or a chunk of lanes at once (`Wide`); `amount`: what the worksheets compute on, a value
//!   with its slope or alone (`Val`, the same bits without the slopes' work).
//! - `federal`: a year's tax, step by step as the IRS worksheets go.
//! - `rmd`: the Uniform Lifetime Table and the applicable ages.
//! - `schedule`: a plan's per-year tax facts; `kernel`, `step` and `passes`: the year of a
//!   batch, in the working arrays of `scratch`; `solve`: the solver of its unknowns, and
//!   `objectives`: the functions it solves.
//!
//! Every function is branch-free on amounts and generic over the lane type, so the kernel
//! evaluates the tax of a chunk of lanes in vector instructions; `docs/methodology.md` has
//! the rules and their sources.

pub mod amount;
mod divisor;
pub mod federal;
pub mod kernel;
pub mod law;
pub mod lin;
mod objectives;
mod passes;
pub mod rmd;
pub mod schedule;
pub mod scratch;
pub mod solve;
pub mod step;

pub use federal::{Incomes, Owed, StateTax, owed};
pub use law::{BASE_YEAR, Filing, Law};
pub use lin::Lin;
