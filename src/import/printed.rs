//! What a published document prints, before any meaning is given to it: the tables as
//! grids of text cells with where they stood, and the prose. Both readers (`pdf`, `xlsx`)
//! produce a `PrintedDocument`; `recognize` turns one or more of them into sources.
//! Nothing here is a figure yet: every cell is the text as printed.

use std::path::PathBuf;

/// Where a piece of a printed document stood, for notes and the import report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A page of a PDF, 1-based.
    Page(u32),
    /// A sheet of a workbook (its name) and a 1-based row.
    Sheet { name: String, row: u32 },
}

/// One header cell of a table: its text (lines joined without spaces) and the body
/// columns it spans, `first..=last` (0-based, inclusive). A nested header prints a wide
/// cell over several narrower ones in the rows below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderCell {
    pub text: String,
    pub first: usize,
    pub last: usize,
}

/// One body row: one text per column (`""` for a blank cell), in column order, all rows
/// of a table having the same number of cells. Text wrapped over several printed lines
/// in one cell is joined (without spaces for Chinese). `place` is where the row starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedRow {
    pub cells: Vec<String>,
    pub place: Place,
    /// What the reader could not place: a piece of text that fell between columns, a
    /// cell it could not split. Each becomes a `note:` and a line of the import report.
    pub unsure: Vec<String>,
}

/// One table as printed, continued over pages already joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedTable {
    /// The number as printed (`公开01表`, `表1`), if any.
    pub number: Option<String>,
    /// The title as printed (`收支预算总表`), without the number.
    pub title: String,
    /// Lines between the title and the header (`单位：万元`, `部门：…`), as printed.
    pub head_lines: Vec<String>,
    /// Header rows, top first; each cell spans one or more body columns.
    pub header: Vec<Vec<HeaderCell>>,
    pub rows: Vec<PrintedRow>,
    /// Lines printed under the table or in place of its body (`注：…`,
    /// `本单位无政府性基金预算收支，此表为空`).
    pub notes: Vec<String>,
    /// Where the table starts (its title).
    pub place: Place,
    /// The last page or row the table ran to.
    pub end: Place,
}

/// A paragraph or heading of prose, in reading order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedText {
    pub text: String,
    pub place: Place,
}

/// One published file as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedDocument {
    pub file: PathBuf,
    /// Pages of a PDF, sheets of a workbook.
    pub parts: u32,
    /// The prose in reading order (cover, explanation, glossary), tables left out.
    pub text: Vec<PrintedText>,
    pub tables: Vec<PrintedTable>,
}
