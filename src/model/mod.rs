//! The model: every disclosure of every unit, validated and typed.
//!
//! Built by `source::load` from the files under `content/`; read by the rules and, later,
//! by the views. Amounts are `Decimal`s kept exactly as printed, in their table's unit.

pub mod amount;
pub mod catalogue;
pub mod diagnostic;
pub mod files;
pub mod measures;
pub mod templates;

use crate::model::amount::AmountUnit;
use crate::model::diagnostic::Loc;
use crate::model::files::Files;
use rust_decimal::Decimal;

pub struct Site {
    pub files: Files,
    pub units: Vec<Unit>,
}

#[derive(Clone)]
pub struct Unit {
    /// Folder name under `content/`.
    pub slug: String,
    pub loc: Loc,
    pub name: String,
    pub code: Option<String>,
    pub region: String,
    pub level: String,
    pub parent: Option<String>,
    pub unit_type: String,
    pub department_code: Option<String>,
    pub disclosures: Vec<Disclosure>,
    /// A hash of the unit's source files (their paths and bytes): the same digest, the
    /// same pages (with the same templates and configuration).
    pub digest: u64,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Kind {
    Budget,
    Final,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "budget" => Some(Kind::Budget),
            "final" => Some(Kind::Final),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Budget => "budget",
            Kind::Final => "final",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::Budget => "部门预算",
            Kind::Final => "部门决算",
        }
    }
}

/// A calendar date written `YYYY-MM-DD` (the `published` and `approved` dates):
/// `(year, month, day)`, or `None` when it is not one (`2023-02-30`, `2023-2-1`).
pub fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y > 0 && (1..=days).contains(&d)).then_some((y, m, d))
}

#[derive(Clone)]
pub struct Disclosure {
    pub kind: Kind,
    pub year: u32,
    pub loc: Loc,
    pub template: String,
    pub template_loc: Loc,
    pub title: String,
    pub amount_unit: AmountUnit,
    pub text_unit: AmountUnit,
    pub published: Option<String>,
    pub approved: Option<String>,
    pub source: Option<String>,
    /// The address of the original publication (`source_url:`), an `http(s)://` URL.
    pub source_url: Option<String>,
    /// The edition of 政府收支分类科目 it follows (`catalogue_edition:`), when it says;
    /// otherwise its year's (see `catalogue::Editions::for_disclosure`).
    pub catalogue_edition: Option<u32>,
    pub tables: Vec<Table>,
    pub acks: Vec<Ack>,
    /// The explanation text (`<year>-<kind>.md`), when present.
    pub text: Option<Text>,
}

impl Disclosure {
    /// A table by id (`T07`) or by kind when exactly one table has that kind.
    pub fn table(&self, reference: &str) -> Option<&Table> {
        if let Some(t) = self.tables.iter().find(|t| t.id == reference) {
            return Some(t);
        }
        let mut of_kind = self.tables.iter().filter(|t| t.kind == reference);
        match (of_kind.next(), of_kind.next()) {
            (Some(t), None) => Some(t),
            _ => None,
        }
    }
    pub fn tables_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Table> + 'a {
        self.tables.iter().filter(move |t| t.kind == kind)
    }
}

/// The Markdown explanation of a disclosure.
#[derive(Clone)]
pub struct Text {
    pub file: crate::model::files::FileId,
    pub markdown: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Present,
    Empty,
    Missing,
}

#[derive(Clone)]
pub struct Table {
    pub id: String,
    pub loc: Loc,
    pub kind: String,
    pub kind_loc: Loc,
    pub number: Option<String>,
    pub title: String,
    pub unit: AmountUnit,
    pub status: Status,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// What the publication prints under the table, verbatim.
    pub footnote: Option<Footnote>,
    pub fields: Vec<Field>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Table {
    /// A row by key, code or unit code, in that order.
    pub fn row(&self, reference: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.key.as_deref() == Some(reference))
            .or_else(|| {
                self.rows
                    .iter()
                    .find(|r| r.code.as_deref() == Some(reference))
            })
            .or_else(|| {
                self.rows
                    .iter()
                    .find(|r| r.unit.as_deref() == Some(reference))
            })
    }
    pub fn column(&self, key: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.key == key)
    }
    pub fn amount_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.ty == ColType::Amount)
    }
    /// `T07 一般公共预算支出表`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.id, self.title)
    }
}

/// The text a table prints under itself (`注：…`, the template's explanation of an empty
/// table), as published.
#[derive(Clone)]
pub struct Footnote {
    pub text: String,
    pub loc: Loc,
}

#[derive(Clone)]
pub struct Field {
    pub key: Option<String>,
    pub name: String,
    pub value: Cell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    Amount,
    Text,
    Percent,
    Integer,
}

#[derive(Clone)]
pub struct Column {
    pub key: String,
    pub name: String,
    pub ty: ColType,
    pub sum_of: Vec<Term>,
    pub loc: Loc,
}

/// One term of a declared identity: a column or row reference, maybe subtracted.
#[derive(Clone, Debug)]
pub struct Term {
    pub negative: bool,
    pub name: String,
    pub loc: Loc,
}

#[derive(Clone)]
pub struct Row {
    pub key: Option<String>,
    pub code: Option<String>,
    pub unit: Option<String>,
    pub name: Option<String>,
    pub name_loc: Option<Loc>,
    /// For a row without name or code: its first text cell, to name it in messages.
    pub caption: Option<String>,
    pub sum_of: Vec<Term>,
    pub cells: Cells,
    pub loc: Loc,
}

impl Row {
    /// The row's reference: key, else code, else unit code.
    pub fn reference(&self) -> &str {
        self.key
            .as_deref()
            .or(self.code.as_deref())
            .or(self.unit.as_deref())
            .unwrap_or("")
    }
    /// `2101501 行政运行`, for messages.
    pub fn label(&self) -> String {
        let id = self.code.as_deref().or(self.unit.as_deref());
        match (id, self.name.as_deref()) {
            (Some(c), Some(n)) => format!("{c} {n}"),
            (Some(c), None) => c.to_string(),
            (None, Some(n)) => n.to_string(),
            (None, None) => match &self.caption {
                Some(c) => format!("{}（{c}）", self.reference()),
                None => self.reference().to_string(),
            },
        }
    }
    /// The amount in column `key`: `Some(0)` for a blank cell, `None` when unknown or not an amount.
    pub fn amount(&self, key: &str) -> Option<Decimal> {
        match self.cells.get(key) {
            None => Some(Decimal::ZERO),
            Some(c) => c.amount(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An amount as printed: its scale is the printed number of decimals.
    Amount(Decimal),
    /// `"?"`: unreadable in the source.
    Unknown,
    /// `""`: printed blank.
    Blank,
    Text(String),
}

/// A row's cells by column key, in key order. A sorted small vector rather than a
/// `BTreeMap` (a B-tree node per row, with room for eleven, was most of the model's
/// memory on a large site), and the keys shared with the table's columns.
#[derive(Clone, Debug, Default)]
pub struct Cells(Vec<(std::sync::Arc<str>, Cell)>);

impl Cells {
    pub fn get(&self, key: &str) -> Option<&Cell> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Sets the cell of `key`, replacing any earlier one.
    pub fn insert(&mut self, key: std::sync::Arc<str>, cell: Cell) {
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => self.0[i].1 = cell,
            Err(i) => self.0.insert(i, (key, cell)),
        }
    }

    /// Gives back the room left for more cells (once a row is complete).
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    /// The cells in key order.
    pub fn values(&self) -> impl Iterator<Item = &Cell> {
        self.0.iter().map(|(_, c)| c)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct Cell {
    pub value: Value,
    pub loc: Loc,
}

impl Cell {
    pub fn amount(&self) -> Option<Decimal> {
        match &self.value {
            Value::Amount(d) => Some(*d),
            Value::Blank => Some(Decimal::ZERO),
            _ => None,
        }
    }
}

/// A source's acknowledgement of a published error.
#[derive(Clone)]
pub struct Ack {
    pub rule: String,
    pub target: Option<String>,
    pub reason: String,
    pub loc: Loc,
}

/// A data file built into gongkai (`data/catalogue/`, `data/templates.yaml`) that
/// does not read: a defect of the build, reported instead of a panic.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);
