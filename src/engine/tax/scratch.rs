//! What a taxed year works in and what it records: the batch's working arrays, shared by
//! the year step (`step`) and its passes (`passes`), and the rows it writes per lane.

use super::kernel::LaneTaxes;
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
/// array is written each year before it is read.
#[derive(Default)]
pub struct TaxScratch {
    pub(super) lanes_tax: LaneTaxes,
    pub(super) spend: PerLane,
    pub(super) cash: PerLane,
    pub(super) rmd: PerLane,
    pub(super) converted: PerLane,
    pub(super) below_floor: PerLane<bool>,
    /// Each lane's bracket tops, base-year dollars (NaN: none this year).
    pub(super) conversion_top: PerLane,
    pub(super) fill_top: PerLane,
    /// What the accounts can give, the withdrawal and `f` there (see `step`).
    pub(super) hi: PerLane,
    pub(super) w: PerLane,
    pub(super) short: PerLane,
}
