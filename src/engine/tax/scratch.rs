//! What a taxed year works in and what it records: the batch's working arrays, shared by
//! the year step (`step`) and its passes (`passes`), and the rows it writes per lane.

use crate::engine::BATCH;
use crate::engine::per_lane::PerLane;

/// The rows a taxed year records per lane, in today's dollars (the rate as a share).
pub const TAX_ROWS: usize = 6;
pub const TAX: usize = 0;
pub const RMD: usize = 1;
pub const RATE: usize = 2;
/// Then each account's balance at the end of the year: taxable, traditional, Roth.
pub const ACCOUNTS: usize = 3;
/// Where a year writes its [`TAX_ROWS`] rows: a full batch's columns of the matrices, or
/// a staging buffer.
pub type TaxRows<'a> = [&'a mut [f64; BATCH]; TAX_ROWS];

/// A batch's working arrays for its taxed years, made once per batch: every lane of every
/// array is written each year before it is read. They carry what the pass before the
/// strategy's loop and the loop itself leave for the rest of the year (see `step`); the rest
/// of the year works a chunk of lanes at a time, in registers.
#[derive(Default)]
pub struct TaxScratch {
    /// What the strategy sees, then the spending it names (nominal dollars).
    pub(super) spend: PerLane,
    /// The year's cash other than the distribution.
    pub(super) cash: PerLane,
    /// The required distribution.
    pub(super) rmd: PerLane,
    pub(super) below_floor: PerLane<bool>,
}
