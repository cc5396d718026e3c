//! A draft of a unit's sources, as `recognize` makes it and `write` renders it: the same
//! shape as docs/sources.md, every value still the printed text. Kept apart from the
//! source schema (which is for reading, with locations) so that the importer never
//! depends on how the loader parses.

use super::printed::Place;

/// One unit-year as imported: `unit.yaml`, `<year>-<kind>.yaml`, `<year>-<kind>.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// The unit folder's name (a-z, 0-9, -).
    pub slug: String,
    pub unit: UnitDraft,
    pub disclosure: DisclosureDraft,
    /// The explanation text as Markdown.
    pub markdown: String,
    /// What was found and what the importer was unsure of, for the report.
    pub report: ImportReport,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitDraft {
    pub name: String,
    pub region: String,
    pub level: String,
    pub unit_type: String,
    /// Which of the fields above were inferred rather than read (written as comments).
    pub inferred: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisclosureDraft {
    /// `budget` or `final`.
    pub kind: String,
    pub year: u32,
    pub template: String,
    pub title: String,
    pub amount_unit: String,
    pub text_unit: Option<String>,
    /// The imported files' names.
    pub source: String,
    pub note: Vec<String>,
    pub tables: Vec<TableDraft>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableDraft {
    pub id: String,
    pub number: Option<String>,
    pub kind: String,
    pub title: String,
    /// Set only when it differs from the document's `amount_unit`.
    pub unit: Option<String>,
    /// `Some("empty")` with the published reason; `None` for a present table.
    pub status: Option<String>,
    pub reason: Option<String>,
    pub note: Vec<String>,
    pub columns: Vec<ColumnDraft>,
    pub rows: Vec<RowDraft>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnDraft {
    pub key: String,
    pub name: String,
    /// `None` for amounts (the default), `Some("text")` for text columns.
    pub ty: Option<String>,
    pub sum_of: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RowDraft {
    pub key: Option<String>,
    pub code: Option<String>,
    pub unit: Option<String>,
    pub name: Option<String>,
    pub sum_of: Vec<String>,
    /// Column key → cell text as printed (blank cells left out), in column order.
    pub values: Vec<(String, String)>,
}

/// One table as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableFound {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub place: Place,
    /// Non-blank amount cells read.
    pub cells: usize,
    pub status: Option<String>,
}

/// One place the importer could not read with certainty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsure {
    pub place: Place,
    /// The table it belongs to (`T05`), if any.
    pub table: Option<String>,
    /// What was unsure, in Chinese (shown in the report).
    pub what: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub tables: Vec<TableFound>,
    pub unsure: Vec<Unsure>,
}

impl ImportReport {
    /// Every non-blank amount cell read, over all tables.
    pub fn cells(&self) -> usize {
        self.tables.iter().map(|t| t.cells).sum()
    }
}

/// `第3页` / `工作表“公开01表”第5行`, for notes and the report.
pub fn place_zh(place: &Place) -> String {
    match place {
        Place::Page(n) => format!("第{n}页"),
        Place::Sheet { name, row } => format!("工作表“{name}”第{row}行"),
    }
}
