//! `datapackage.json`: the whole site's tables as a Frictionless (Tabular) Data Package.
//!
//! One resource per table CSV (`site::downloads`), naming its Table Schema's file
//! ([`SCHEMA_DIR`]; tables of one shape share a file): codes and names `string`, amounts
//! `number` (with their unit and published decimals in the description), `?` and blank
//! cells as missing values. Where they fit, the Fiscal Data Package conventions are
//! followed: each field's `columnType` (classification codes and their 类 / 款 / 项
//! levels linked by `prior`, names as labels, amounts as `value`), the schema's
//! `extraFields` with the constants of the table — currency (CNY), amount unit, direction
//! (revenue or expenditure, where a table has one) — and the budget phase of each amount
//! column (`approved` for a budget, `executed` for final accounts, `approved` for the
//! year-start budget columns of final accounts) through `normalize`. The fiscal year and
//! the unit, which would make every schema different, are in the resource's `gongkai`
//! object.

use super::downloads::{self, GridColumn, Label, grid};
use crate::model::templates::Templates;
use crate::model::{ColType, Column, Disclosure, Kind, Table, Unit, Value};
use crate::outputs::OutputError;
use crate::views::listing::UnitListing;
use crate::views::{SiteInfo, paths};
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};

/// The output path of the descriptor.
pub const PATH: &str = "datapackage.json";

/// The direction of a table's amounts: `revenue`, `expenditure`, or none for tables that
/// hold both (the summary tables) or no amounts.
pub fn direction(t: &Table) -> Option<&'static str> {
    t.amount_columns().next()?;
    let k = t.kind.as_str();
    if k.contains("summary") || k == "final_fund" || k == "other" || k == "contents" {
        None
    } else if k.contains("income") {
        Some("revenue")
    } else if k.starts_with("performance") {
        None
    } else {
        Some("expenditure")
    }
}

/// The budget phase of an amount column: a final account's year-start budget columns are
/// `approved`, everything else follows the disclosure (`approved` / `executed`).
pub fn column_phase(d: &Disclosure, c: &Column) -> &'static str {
    if d.kind == Kind::Final && (c.name.contains("预算") && !c.name.contains("决算")) {
        "approved"
    } else {
        downloads::phase(d.kind)
    }
}

fn class_prefix(class: Option<&str>) -> &'static str {
    match class {
        Some("functional") => "functional-classification",
        Some("economic") => "economic-classification",
        _ => "classification",
    }
}

/// The decimals printed in a column, as `2 位小数` or `0–2 位小数`.
fn decimals(t: &Table, c: &Column) -> Option<String> {
    let scales: BTreeSet<u32> = t
        .rows
        .iter()
        .filter_map(|r| match r.cells.get(&c.key).map(|x| &x.value) {
            Some(Value::Amount(v)) => Some(v.scale()),
            _ => None,
        })
        .collect();
    match (scales.first(), scales.last()) {
        (Some(a), Some(b)) if a == b => Some(format!("{a} 位小数")),
        (Some(a), Some(b)) => Some(format!("{a}–{b} 位小数")),
        _ => None,
    }
}

fn field(t: &Table, d: &Disclosure, col: &GridColumn, name: &str, class: Option<&str>) -> Json {
    let prefix = class_prefix(class);
    match col {
        GridColumn::Label(Label::UnitCode) => json!({
            "name": name, "type": "string",
            "description": "单位编码（文本，保留前导零）",
            "columnType": "administrative-classification:generic:code",
        }),
        GridColumn::Label(Label::Code) => json!({
            "name": name, "type": "string",
            "description": match class {
                Some("functional") => "支出功能分类科目编码（文本）：类 3 位、款 5 位、项 7 位，逐级延长上级编码",
                Some("economic") => "支出经济分类科目编码（文本）：类 3 位、款 5 位",
                _ => "科目编码（文本）",
            },
            "columnType": format!("{prefix}:generic:code"),
        }),
        GridColumn::Label(Label::Name) => {
            let has_code = t.rows.iter().any(|r| r.code.is_some());
            let has_unit = t.rows.iter().any(|r| r.unit.is_some());
            let ct = if has_code {
                format!("{prefix}:generic:label")
            } else if has_unit {
                "administrative-classification:generic:label".into()
            } else {
                "budget-line:label".into()
            };
            json!({"name": name, "type": "string", "description": "名称，按原文", "columnType": ct})
        }
        GridColumn::Label(Label::Level(n)) => {
            let mut f = json!({
                "name": name, "type": "string",
                "description": format!(
                    "由科目编码得出的{}级编码（前 {} 位）；行的级次高于此级时为空",
                    ["类", "款", "项"][n - 1],
                    downloads::LEVEL_DIGITS[n - 1]
                ),
                "columnType": format!("{prefix}:generic:level{n}:code"),
            });
            if *n > 1 {
                f["prior"] = json!(format!("{prefix}:generic:level{}:code", n - 1));
            }
            f
        }
        GridColumn::Figure(c) => match c.ty {
            ColType::Amount => {
                let mut desc = format!("金额，单位：{}", t.unit.as_str());
                if let Some(dp) = decimals(t, c) {
                    desc.push_str(&format!("；按原文保留 {dp}"));
                }
                desc.push_str("；空白为原文空白（表示数据为零），? 为原文无法辨认");
                json!({
                    "name": name, "type": "number", "bareNumber": true, "decimalChar": ".",
                    "description": desc,
                    "unit": t.unit.as_str(),
                    "columnType": "value",
                    "normalize": {"phase": column_phase(d, c)},
                })
            }
            ColType::Percent => json!({
                "name": name, "type": "number", "bareNumber": true, "decimalChar": ".",
                "description": "百分比数值（原文的 % 号已去掉）",
                "unit": "%",
            }),
            ColType::Integer => json!({"name": name, "type": "integer", "description": "整数"}),
            ColType::Text => json!({"name": name, "type": "string", "description": "文本，按原文"}),
        },
    }
}

/// The resource name: lowercase letters, digits, `-`, `_`, `.`.
fn resource_name(u: &Unit, d: &Disclosure, t: &Table) -> String {
    format!(
        "{}-{}-{}-{}",
        u.slug,
        d.year,
        d.kind.as_str(),
        paths::file_stem(t)
    )
    .chars()
    .map(|c| {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.') {
            c
        } else {
            '-'
        }
    })
    .collect()
}

/// Where the Table Schemas are: one file per distinct schema, `schemas/<id>.json`, the id
/// being the hash of its text. The 80,000 tables of 10,000 unit-years share a dozen
/// schemas; written into each resource they made 150 of the descriptor's 220 MB.
pub const SCHEMA_DIR: &str = "schemas";

/// The path of the schema file whose text is `text` (see [`SCHEMA_DIR`]).
pub fn schema_path(text: &str) -> String {
    format!(
        "{SCHEMA_DIR}/{:016x}.json",
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    )
}

/// A table's Table Schema: its fields, the missing values, and the constants of the
/// table that a table of another unit or year may share (see the module docs).
fn schema(d: &Disclosure, t: &Table) -> Json {
    let g = grid(t);
    let fields: Vec<Json> = g
        .columns
        .iter()
        .map(|(c, n)| field(t, d, c, n, g.classification))
        .collect();
    let mut extra = Vec::new();
    if t.amount_columns().next().is_some() {
        extra.push(json!({"name": "amount", "type": "number", "columnType": "value", "normalizationTarget": true}));
        extra.push(json!({"name": "phase", "type": "string", "columnType": "phase:id"}));
        extra.push(json!({"name": "currency", "type": "string", "columnType": "value-currency:code", "constant": "CNY"}));
        extra.push(json!({"name": "amount-unit", "type": "string", "columnType": "value-unit:label", "constant": t.unit.as_str()}));
        extra.push(json!({"name": "amount-factor", "type": "integer", "columnType": "value-factor", "constant": if t.unit.as_str() == "万元" { 10000 } else { 1 }}));
        if let Some(dir) = direction(t) {
            extra.push(
                json!({"name": "direction", "type": "string", "columnType": "direction", "constant": dir}),
            );
        }
    }
    json!({"fields": fields, "missingValues": ["", "?"], "extraFields": extra})
}

/// A table's resource, without its name (see `write`), and the text of its schema (the
/// resource names the schema's file, [`schema_path`]).
fn resource(u: &Unit, d: &Disclosure, t: &Table, templates: &Templates) -> (Json, String) {
    // Serializing a `Value` cannot fail.
    let schema = serde_json::to_string(&schema(d, t)).unwrap_or_default();
    let dir = paths::disclosure_dir(u, d);
    let stem = paths::file_stem(t);
    let mut description = format!(
        "{}年{}，{}；金额单位：{}",
        d.year,
        d.kind.label_zh(),
        u.name,
        t.unit.as_str()
    );
    match t.status {
        crate::model::Status::Present => {}
        crate::model::Status::Empty => description.push_str(&format!(
            "；此表为空：{}",
            t.reason.as_deref().unwrap_or("原文未说明原因")
        )),
        crate::model::Status::Missing => description.push_str(&format!(
            "；原文无法辨认：{}",
            t.reason.as_deref().unwrap_or("原文此表无法辨认")
        )),
    }
    // The CSV dialect is Frictionless's default (`,`, CRLF, `"` doubled, a header row):
    // not written out.
    let resource = json!({
        "profile": "tabular-data-resource",
        "path": format!("{dir}{stem}.csv"),
        "title": downloads::table_title(u, d, t, templates),
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema_path(&schema),
        "gongkai": {
            "unit": {"slug": u.slug, "name": u.name, "code": u.code, "region": u.region, "level": u.level},
            "year": d.year,
            "kind": d.kind.as_str(),
            "phase": downloads::phase(d.kind),
            "direction": direction(t),
            "table": {"id": t.id, "number": t.number, "kind": t.kind, "title": t.title, "status": match t.status {
                crate::model::Status::Present => "present",
                crate::model::Status::Empty => "empty",
                crate::model::Status::Missing => "missing",
            }},
            "amount_unit": t.unit.as_str(),
            "currency": "CNY",
            "xlsx": format!("{dir}{}", paths::WORKBOOK),
            "sheet": super::workbook::sheets(d, templates)
                .into_iter()
                .find(|(s, _)| std::ptr::eq(*s, t))
                .map(|(_, n)| n),
            "json": format!("{dir}{}", paths::DATA_JSON),
        },
    });
    (resource, schema)
}

/// The tables of a unit that are resources, disclosures oldest first, tables as in the
/// source.
fn unit_tables(u: &Unit) -> Vec<(&Disclosure, &Table)> {
    let mut ds: Vec<&Disclosure> = u.disclosures.iter().collect();
    ds.sort_by_key(|d| (d.year, d.kind));
    ds.into_iter()
        .flat_map(|d| {
            d.tables
                .iter()
                .filter(|t| paths::has_download(t))
                .map(move |t| (d, t))
        })
        .collect()
}

/// The names `unit_resources` gives the unit's resources (see `write` for the rare
/// rename), in order.
pub fn resource_names(u: &Unit) -> Vec<String> {
    unit_tables(u)
        .into_iter()
        .map(|(d, t)| resource_name(u, d, t))
        .collect()
}

/// A unit's share of the descriptor: its resources, in the order of `unit_tables`, as
/// compact JSON text, each named by `resource_name` (`write` renames the rare one whose
/// name another unit took first) and naming its schema's file; and the texts of those
/// schemas, each once, in the order first used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitResources {
    pub resources: Vec<String>,
    pub schemas: Vec<String>,
}

/// One unit's resources and schemas (see [`UnitResources`]).
pub fn unit_resources(u: &Unit, templates: &Templates) -> UnitResources {
    let mut out = UnitResources::default();
    for (d, t) in unit_tables(u) {
        let (mut r, schema) = resource(u, d, t, templates);
        r["name"] = json!(resource_name(u, d, t));
        // Serializing a `Value` cannot fail.
        out.resources
            .push(serde_json::to_string(&r).unwrap_or_default());
        if !out.schemas.contains(&schema) {
            out.schemas.push(schema);
        }
    }
    out
}

/// Where a unit's resources sit in a `datapackage.json` (see [`Layout`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The unit's folder name.
    pub slug: String,
    /// The unit's key (`Renderer::unit_key`) when its resources were made.
    pub key: String,
    /// The byte range of its resources (joined by commas).
    pub at: u64,
    pub len: u64,
    /// The paths of the schema files they name.
    pub schemas: Vec<String>,
}

/// Where each unit's resources sit in a `datapackage.json`, per unit with resources of
/// their own names (none renamed), and the text of every schema file the descriptor
/// names. Saved beside the output, it lets the next build copy an unchanged unit's
/// resources from the published descriptor instead of making them again ([`Earlier`]),
/// and write the schema files they name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Layout {
    pub units: Vec<Placed>,
    /// By path (`schemas/<id>.json`), the schema's text.
    pub schemas: BTreeMap<String, String>,
}

impl Layout {
    /// One line per unit (folder name, key, offset, length and its schemas' paths
    /// separated by spaces, separated by tabs), then one per schema (its path, a tab,
    /// its text: compact JSON holds no tab or line break). A unit's folder name holds no
    /// `/`, a schema's path does.
    pub fn to_lines(&self) -> Vec<String> {
        let units = self.units.iter().map(|p| {
            format!(
                "{}\t{}\t{}\t{}\t{}",
                p.slug,
                p.key,
                p.at,
                p.len,
                p.schemas.join(" ")
            )
        });
        let schemas = self
            .schemas
            .iter()
            .map(|(path, text)| format!("{path}\t{text}"));
        units.chain(schemas).collect()
    }

    pub fn from_lines(lines: &[String]) -> Option<Layout> {
        let mut layout = Layout::default();
        for l in lines {
            let mut f = l.split('\t');
            let first = f.next()?;
            if first.contains('/') {
                let text = f.next()?;
                if f.next().is_some() || schema_path(text) != first {
                    return None;
                }
                layout.schemas.insert(first.to_string(), text.to_string());
                continue;
            }
            let (key, at, len, schemas) = (f.next()?, f.next()?, f.next()?, f.next()?);
            if f.next().is_some() {
                return None;
            }
            layout.units.push(Placed {
                slug: first.to_string(),
                key: key.to_string(),
                at: at.parse().ok()?,
                len: len.parse().ok()?,
                schemas: schemas.split_whitespace().map(String::from).collect(),
            });
        }
        Some(layout)
    }
}

/// The published descriptor with its layout: the resources of a unit whose key is
/// unchanged are copied from it.
pub struct Earlier {
    file: std::fs::File,
    size: u64,
    at: std::collections::HashMap<String, Placed>,
    schemas: BTreeMap<String, String>,
}

impl Earlier {
    /// The descriptor at `path` of `size` bytes (as its manifest records it), laid out
    /// as `layout` says (saved for that very descriptor).
    pub fn open(path: &std::path::Path, size: u64, layout: Layout) -> Option<Earlier> {
        let file = std::fs::File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() != size {
            return None;
        }
        let at = layout
            .units
            .into_iter()
            .map(|p| (p.slug.clone(), p))
            .collect();
        Some(Earlier {
            file,
            size,
            at,
            schemas: layout.schemas,
        })
    }

    /// Where unit `slug`'s resources, as written under `key`, are in the descriptor
    /// (offset and length), and the schema files they name, if it has them and the
    /// texts of those schemas.
    fn range(&self, slug: &str, key: &str) -> Option<(u64, u64, &[String])> {
        let p = self.at.get(slug)?;
        (p.key == key
            && p.at.checked_add(p.len)? <= self.size
            && p.schemas.iter().all(|s| self.schemas.contains_key(s)))
        .then_some((p.at, p.len, p.schemas.as_slice()))
    }

    /// Writes bytes `from..to` of the descriptor to `out`, a few megabytes at a time
    /// through `buf` (one buffer for every copy, never a fresh one per unit).
    fn copy_to(
        &self,
        (from, to): (u64, u64),
        buf: &mut Vec<u8>,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt as _;
        const BUF: u64 = 4 << 20;
        buf.resize(BUF as usize, 0);
        let mut at = from;
        while at < to {
            let n = (to - at).min(BUF) as usize;
            self.file.read_exact_at(&mut buf[..n], at)?;
            out.write_all(&buf[..n])?;
            at += n as u64;
        }
        Ok(())
    }
}

/// What a unit puts in the descriptor: its resources copied from the earlier one, or
/// made now (one JSON text each).
enum Piece<'a> {
    /// Offset and length in the earlier descriptor, and the schema files named there.
    Copied(u64, u64, &'a [String]),
    /// The resources, and the texts of their schemas.
    Made(Vec<String>, Vec<String>),
}

/// The descriptor as it is written: bytes made now go out at once; bytes copied from the
/// earlier descriptor wait, so that the ranges of consecutive unchanged units (one comma
/// apart there, as here) are copied as one.
struct Sink<'a> {
    out: &'a mut dyn std::io::Write,
    earlier: Option<&'a Earlier>,
    /// Bytes written, counting those waiting to be copied.
    written: u64,
    /// The range of the earlier descriptor waiting to be copied.
    waiting: Option<(u64, u64)>,
    buf: Vec<u8>,
}

impl Sink<'_> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<u64> {
        self.flush_copy()?;
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(self.written)
    }

    /// Copies `len` bytes from `at` of the earlier descriptor; `joined` when they follow
    /// the bytes copied last with one comma between, in the earlier descriptor as here.
    fn copy(&mut self, at: u64, len: u64, joined: bool) -> std::io::Result<u64> {
        match &mut self.waiting {
            Some((_, to)) if joined && *to + 1 == at => {
                *to = at + len;
                self.written += 1 + len;
            }
            _ => {
                if joined {
                    self.put(b",")?;
                } else {
                    self.flush_copy()?;
                }
                self.waiting = Some((at, at + len));
                self.written += len;
            }
        }
        Ok(self.written)
    }

    fn flush_copy(&mut self) -> std::io::Result<()> {
        if let (Some(range), Some(earlier)) = (self.waiting.take(), self.earlier) {
            earlier.copy_to(range, &mut self.buf, self.out)?;
        }
        Ok(())
    }
}

/// The site's `datapackage.json`: every table CSV of every disclosure, units in folder
/// order (each unit's resources from `unit_resources`, which may be remembered, or copied
/// from `earlier` when the unit's `key` is the one they were written under). The names
/// are settled first (unique across the site); then the units' resources are gathered in
/// parallel, a chunk of units at a time, and written to `out` as they come: the
/// descriptor (≈ 65 MB at 10,000 unit-years, 80,000 resources) is never held whole.
/// Returns where each unit's resources are, and the texts of the schema files the
/// descriptor names (the caller writes them).
pub fn write(
    info: &SiteInfo,
    units: &[UnitListing],
    key: &(dyn Fn(&UnitListing) -> Option<String> + Sync),
    unit_resources: &(dyn Fn(&UnitListing) -> Result<UnitResources, OutputError> + Sync),
    earlier: Option<&Earlier>,
    out: &mut dyn std::io::Write,
) -> Result<Layout, OutputError> {
    use rayon::prelude::*;
    let failed =
        |e: &dyn std::fmt::Display| OutputError::Make(format!("生成 datapackage.json 失败：{e}"));
    let mut units: Vec<&UnitListing> = units.iter().collect();
    units.sort_by(|a, b| a.slug.cmp(&b.slug));
    let mut taken = BTreeSet::new();
    // Each resource's name when another unit took its own name first.
    let renamed: Vec<Vec<Option<String>>> = units
        .iter()
        .map(|u| {
            u.resources
                .iter()
                .map(|base| {
                    let mut name = base.clone();
                    let mut n = 1;
                    while !taken.insert(name.clone()) {
                        n += 1;
                        name = format!("{base}-{n}");
                    }
                    (name != *base).then_some(name)
                })
                .collect()
        })
        .collect();
    drop(taken);
    let mut description = String::from(
        "部门预算、部门决算公开表的数据：每张表一个 CSV（UTF-8，带 BOM），金额按原文保留小数位数，编码为文本；空白为原文空白（表示数据为零），? 为原文无法辨认。每个公开另有 data.json（全部表格）和 data.xlsx（一个 Excel 工作簿，每张表一个工作表）。",
    );
    if let Some(desc) = &info.description {
        description = format!("{desc}\n\n{description}");
    }
    let head = json!({
        "profile": "tabular-data-package",
        "name": "gongkai-disclosures",
        "title": info.title,
        "description": description,
        "keywords": ["部门预算", "部门决算", "预决算公开", "fiscal data package"],
    });
    // Compact, and written piece by piece: `{…head…,"resources":[r1,r2,…]}`.
    let head = serde_json::to_string(&head).map_err(|e| failed(&e))?;
    let head = head.strip_suffix('}').unwrap_or(&head);
    let io = |e: std::io::Error| failed(&e);
    let mut sink = Sink {
        out,
        earlier,
        written: 0,
        waiting: None,
        buf: Vec::new(),
    };
    sink.put(head.as_bytes()).map_err(io)?;
    sink.put(b",\"resources\":[").map_err(io)?;
    let mut first = true;
    let mut layout = Layout::default();
    // A chunk of units at a time, each chunk's resources made (or copied) in parallel.
    for chunk in units.chunks(CHUNK).zip(renamed.chunks(CHUNK)) {
        let pieces: Vec<Result<(Piece, Option<String>), OutputError>> = chunk
            .0
            .par_iter()
            .zip(chunk.1)
            .map(|(u, renamed)| {
                // Only resources under their own names are laid out (and copied).
                let key = key(u).filter(|_| renamed.iter().all(Option::is_none));
                if let Some((at, len, schemas)) = key
                    .as_deref()
                    .zip(earlier)
                    .and_then(|(key, e)| e.range(&u.slug, key))
                {
                    return Ok((Piece::Copied(at, len, schemas), key));
                }
                let UnitResources { resources, schemas } = unit_resources(u)?;
                if resources.len() != renamed.len() {
                    return Err(failed(&format!("单位 {} 的资源数目不符", u.slug)));
                }
                let made = resources
                    .into_iter()
                    .zip(renamed)
                    .map(|(text, name)| match name {
                        None => Ok(text),
                        Some(name) => {
                            let mut r: Json =
                                serde_json::from_str(&text).map_err(|e| failed(&e))?;
                            r["name"] = json!(name);
                            serde_json::to_string(&r).map_err(|e| failed(&e))
                        }
                    })
                    .collect::<Result<_, OutputError>>()?;
                Ok((Piece::Made(made, schemas), key))
            })
            .collect();
        for (piece, u) in pieces.into_iter().zip(chunk.0) {
            let (piece, key) = piece?;
            // The schema files the unit's resources name, and their texts.
            let paths: Vec<String> = match &piece {
                Piece::Copied(.., paths) => {
                    // `Earlier::range` copies only units whose schema texts it has.
                    for path in *paths {
                        if !layout.schemas.contains_key(path) {
                            let text = earlier.and_then(|e| e.schemas.get(path));
                            let text = text.ok_or_else(|| failed(&path))?;
                            layout.schemas.insert(path.clone(), text.clone());
                        }
                    }
                    paths.to_vec()
                }
                Piece::Made(_, texts) => texts
                    .iter()
                    .map(|text| {
                        let path = schema_path(text);
                        layout
                            .schemas
                            .entry(path.clone())
                            .or_insert_with(|| text.clone());
                        path
                    })
                    .collect(),
            };
            let empty = match &piece {
                Piece::Copied(_, len, _) => *len == 0,
                Piece::Made(texts, _) => texts.is_empty(),
            };
            let (start, end) = match piece {
                _ if empty => (sink.written, sink.written),
                Piece::Copied(at, len, _) => {
                    let end = sink.copy(at, len, !first).map_err(io)?;
                    (end - len, end)
                }
                Piece::Made(texts, _) => {
                    let mut start = sink.written;
                    for (i, r) in texts.iter().enumerate() {
                        if i > 0 || !first {
                            sink.put(b",").map_err(io)?;
                        }
                        if i == 0 {
                            start = sink.written;
                        }
                        sink.put(r.as_bytes()).map_err(io)?;
                    }
                    (start, sink.written)
                }
            };
            first &= empty;
            if let Some(key) = key {
                layout.units.push(Placed {
                    slug: u.slug.clone(),
                    key,
                    at: start,
                    len: end - start,
                    schemas: paths,
                });
            }
        }
    }
    // Last, after every unit's: the site's findings (their CSV is made from the listings).
    if !first {
        sink.put(b",").map_err(io)?;
    }
    sink.put(super::findings::resource().as_bytes())
        .map_err(io)?;
    sink.put(b"]}\n").map_err(io)?;
    Ok(layout)
}

/// Units whose resources are made at once while writing the data package.
const CHUNK: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn unchanged_units_resources_are_copied_from_the_earlier_descriptor_byte_for_byte() {
        let root = crate::source::resolve_root(std::path::Path::new(".")).unwrap();
        let (site, _) = crate::source::load(&root);
        let templates = Templates::builtin().unwrap();
        let info = SiteInfo {
            title: "t".into(),
            description: None,
            base: "/".into(),
            organizer: None,
            contact: None,
            icp: None,
        };
        let listings: Vec<UnitListing> = site
            .units
            .iter()
            .map(|u| crate::views::listing::of("/", u, &templates, resource_names(u), &[]))
            .collect();
        let unit = |l: &UnitListing| site.units.iter().find(|u| u.slug == l.slug).unwrap();
        let made = AtomicUsize::new(0);
        let resources = |l: &UnitListing| {
            made.fetch_add(1, Ordering::SeqCst);
            Ok(unit_resources(unit(l), &templates))
        };
        let write_with =
            |key: &(dyn Fn(&UnitListing) -> Option<String> + Sync),
             resources: &(dyn Fn(&UnitListing) -> Result<UnitResources, OutputError> + Sync),
             earlier: Option<&Earlier>| {
                let mut out = Vec::new();
                let layout = write(&info, &listings, key, resources, earlier, &mut out).unwrap();
                (out, layout)
            };
        let key = |l: &UnitListing| Some(format!("k-{}", l.slug));
        let (first, layout) = write_with(&key, &resources, None);
        assert_eq!(made.swap(0, Ordering::SeqCst), 5);
        serde_json::from_slice::<Json>(&first).unwrap();
        // Each laid-out range is the unit's resources, joined by commas.
        assert_eq!(layout.units.len(), 5);
        for p in &layout.units {
            let l = listings.iter().find(|l| l.slug == p.slug).unwrap();
            let r = resources(l).unwrap();
            let joined = r.resources.join(",");
            assert_eq!(
                &first[p.at as usize..(p.at + p.len) as usize],
                joined.as_bytes()
            );
            // The unit's schema files, named by its resources, each once.
            let named: BTreeSet<String> = r
                .resources
                .iter()
                .map(|t| {
                    serde_json::from_str::<Json>(t).unwrap()["schema"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            assert_eq!(p.schemas.iter().cloned().collect::<BTreeSet<_>>(), named);
            assert_eq!(p.schemas.len(), r.schemas.len());
            for (path, text) in p.schemas.iter().zip(&r.schemas) {
                assert_eq!(path, &schema_path(text));
                assert_eq!(layout.schemas.get(path), Some(text));
            }
        }
        // Fewer schemas than tables: tables of the same shape share one.
        let tables: usize = layout.units.iter().map(|p| p.schemas.len()).sum();
        assert!(layout.schemas.len() < tables, "{}", layout.schemas.len());
        made.store(0, Ordering::SeqCst);
        let lines = layout.to_lines();
        assert_eq!(Layout::from_lines(&lines).as_ref(), Some(&layout));
        // A schema whose text does not match its path, or a short line, is refused.
        let mut bad = lines.clone();
        let last = bad.last_mut().unwrap();
        *last = last.replacen("\"fields\"", "\"field\"", 1);
        assert_eq!(Layout::from_lines(&bad), None);
        let mut bad = lines.clone();
        bad[0] = bad[0].rsplit_once('\t').unwrap().0.to_string();
        assert_eq!(Layout::from_lines(&bad), None);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PATH);
        std::fs::write(&path, &first).unwrap();
        let size = first.len() as u64;
        // Same keys: everything copied, nothing made, the same bytes.
        let earlier = Earlier::open(&path, size, layout.clone()).unwrap();
        let (again, layout_again) = write_with(&key, &resources, Some(&earlier));
        assert_eq!(made.swap(0, Ordering::SeqCst), 0);
        assert_eq!(again, first);
        assert_eq!(layout_again, layout);
        // A copied unit whose schema text the layout lacks is made again.
        let mut lacking = layout.clone();
        let gone = lacking.units[1].schemas[0].clone();
        lacking.schemas.remove(&gone);
        let earlier_lacking = Earlier::open(&path, size, lacking).unwrap();
        let (again, layout_again) = write_with(&key, &resources, Some(&earlier_lacking));
        assert!(made.swap(0, Ordering::SeqCst) >= 1);
        assert_eq!(again, first);
        assert_eq!(layout_again, layout);

        // One unit's key changed: that unit's resources are made again (here, changed).
        let changed = listings[2].slug.clone();
        let key2 = |l: &UnitListing| {
            Some(format!(
                "k-{}{}",
                l.slug,
                if l.slug == changed { "-2" } else { "" }
            ))
        };
        let resources2 = |l: &UnitListing| {
            made.fetch_add(1, Ordering::SeqCst);
            let mut r = unit_resources(unit(l), &templates);
            if l.slug == changed {
                for text in &mut r.resources {
                    *text = text.replacen("\"title\":\"", "\"title\":\"改：", 1);
                }
            }
            Ok(r)
        };
        let (third, _) = write_with(&key2, &resources2, Some(&earlier));
        assert_eq!(made.swap(0, Ordering::SeqCst), 1);
        let (fresh, _) = write_with(&key2, &resources2, None);
        made.store(0, Ordering::SeqCst);
        assert_eq!(third, fresh);
        assert!(String::from_utf8_lossy(&third).contains("改："));

        // Unknown keys copy nothing; a descriptor of another length is not used.
        let (fourth, none) = write_with(&|_| None, &resources, Some(&earlier));
        assert_eq!(made.swap(0, Ordering::SeqCst), 5);
        assert_eq!(fourth, first);
        assert!(none.units.is_empty());
        assert!(Earlier::open(&path, size + 1, layout).is_none());
    }
}
