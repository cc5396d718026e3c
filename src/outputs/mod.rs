//! One module per kind of output file beyond the pages: downloads, the data package,
//! feeds, comparisons and search.

pub mod compare;
pub mod datapackage;
pub mod downloads;
pub mod feeds;
pub mod search;
