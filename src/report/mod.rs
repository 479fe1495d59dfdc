//! What a result says, independent of the medium: the chart model and the words and tables.
//! The web page (`web`) and the PDF report (`pdf`) render the same model, with the numbers
//! formatted by `crate::format`, so a number reads the same in both.

pub mod chart;
pub mod pdf;
pub mod summary;
