//! `gongkai import`: published PDFs and workbooks of one unit-year in, a unit's folder of
//! sources out. `pdf` and `xlsx` read a file into a `printed::PrintedDocument`;
//! `recognize` gives the printed tables their kinds, columns and rows; `write` lays the
//! sources out atomically. See docs/import.md.

pub mod error;
pub mod pdf;
pub mod printed;
