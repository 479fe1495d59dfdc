//! What a result says, independent of the medium: the chart model, the words and tables, and
//! the number formats. The web page (`web`) and the PDF report (`pdf`) render the same model,
//! so a number reads the same in both.

pub mod chart;
pub mod format;
pub mod pdf;
pub mod summary;
