//! The source file schema, exactly as written by people (see `docs/sources.md`).
//!
//! Every struct denies unknown keys; every value a diagnostic may point at is
//! `Spanned`. No `flatten` or `untagged` here: they would lose locations.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

pub type S = Spanned<String>;

/// `content/<unit>/unit.yaml`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSrc {
    pub name: S,
    /// The unit's code, when the disclosure prints it.
    #[serde(default)]
    pub code: Option<S>,
    pub region: S,
    pub level: S,
    #[serde(default)]
    pub parent: Option<S>,
    pub unit_type: S,
    #[serde(default)]
    pub department_code: Option<S>,
}

/// `content/<unit>/<year>-<kind>.yaml`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureSrc {
    pub kind: S,
    pub year: Spanned<u32>,
    pub template: S,
    pub title: S,
    pub amount_unit: S,
    #[serde(default)]
    pub text_unit: Option<S>,
    #[serde(default)]
    pub published: Option<S>,
    #[serde(default)]
    pub approved: Option<S>,
    #[serde(default)]
    pub source: Option<S>,
    #[serde(default)]
    pub source_url: Option<S>,
    #[serde(default)]
    pub catalogue_edition: Option<Spanned<u32>>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub tables: Vec<TableSrc>,
    #[serde(default)]
    pub acknowledge: Vec<AckSrc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSrc {
    pub id: S,
    pub kind: S,
    #[serde(default)]
    pub number: Option<S>,
    pub title: S,
    #[serde(default)]
    pub unit: Option<S>,
    #[serde(default)]
    pub status: Option<S>,
    #[serde(default)]
    pub reason: Option<S>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub footnote: Option<S>,
    #[serde(default)]
    pub fields: Vec<FieldSrc>,
    #[serde(default)]
    pub columns: Vec<ColumnSrc>,
    #[serde(default)]
    pub rows: Vec<RowSrc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSrc {
    #[serde(default)]
    pub key: Option<S>,
    pub name: S,
    pub value: S,
    #[serde(default, rename = "type")]
    pub ty: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSrc {
    pub key: S,
    pub name: S,
    #[serde(default, rename = "type")]
    pub ty: Option<S>,
    #[serde(default)]
    pub sum_of: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowSrc {
    #[serde(default)]
    pub key: Option<S>,
    #[serde(default)]
    pub code: Option<S>,
    #[serde(default)]
    pub unit: Option<S>,
    #[serde(default)]
    pub name: Option<S>,
    #[serde(default)]
    pub sum_of: Vec<S>,
    #[serde(default)]
    pub values: BTreeMap<String, S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckSrc {
    pub rule: S,
    #[serde(default)]
    pub target: Option<S>,
    pub reason: S,
}
