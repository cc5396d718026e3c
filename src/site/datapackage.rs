//! `datapackage.json`: the whole site's tables as a Frictionless (Tabular) Data Package.
//!
//! One resource per table CSV (`site::downloads`), with its Table Schema: codes and names
//! `string`, amounts `number` (with their unit and published decimals in the
//! description), `?` and blank cells as missing values. Where they fit, the Fiscal Data
//! Package conventions are followed: each field's `columnType` (classification codes and
//! their 类 / 款 / 项 levels linked by `prior`, names as labels, amounts as `value`), and
//! the schema's `extraFields` with the constants of the table — fiscal year, currency
//! (CNY), amount unit, the unit (administrative classification), direction (revenue or
//! expenditure, where a table has one) — and the budget phase of each amount column
//! (`approved` for a budget, `executed` for final accounts, `approved` for the year-start
//! budget columns of final accounts) through `normalize`.

use super::SiteInfo;
use super::downloads::{self, GridColumn, Label, grid};
use super::listing::UnitListing;
use crate::model::{ColType, Column, Disclosure, Kind, Table, Unit, Value};
use crate::templates::Templates;
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;

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
        downloads::file_stem(t)
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

/// A table's resource, without its name (see `write`).
fn resource(u: &Unit, d: &Disclosure, t: &Table, templates: &Templates) -> Json {
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
    extra.push(json!({"name": "fiscal-year", "type": "integer", "columnType": "date:fiscal-year", "constant": d.year}));
    extra.push(json!({"name": "unit", "type": "string", "columnType": "administrative-classification:generic:label", "constant": u.name}));
    let dir = downloads::disclosure_dir(u, d);
    let stem = downloads::file_stem(t);
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
    json!({
        "profile": "tabular-data-resource",
        "path": format!("{dir}{stem}.csv"),
        "title": downloads::table_title(u, d, t, templates),
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true},
        "schema": {
            "fields": fields,
            "missingValues": ["", "?"],
            "extraFields": extra,
        },
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
            "xlsx": format!("{dir}{stem}.xlsx"),
            "json": format!("{dir}{}", downloads::DATA_JSON),
        },
    })
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
                .filter(|t| downloads::has_download(t))
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

/// One unit's resources, in the order of `unit_tables`, as compact JSON text, each named
/// by `resource_name` (`write` renames the rare one whose name another unit took first).
pub fn unit_resources(u: &Unit, templates: &Templates) -> Vec<String> {
    unit_tables(u)
        .into_iter()
        .map(|(d, t)| {
            let mut r = resource(u, d, t, templates);
            r["name"] = json!(resource_name(u, d, t));
            // Serializing a `Value` cannot fail.
            serde_json::to_string(&r).unwrap_or_default()
        })
        .collect()
}

/// The site's `datapackage.json`: every table CSV of every disclosure, units in folder
/// order (each unit's resources from `unit_resources`, which may be remembered). The
/// names are settled first (unique across the site); then the units' resources are
/// gathered in parallel, a chunk of units at a time, and written to `out` as they come: the
/// descriptor (≈ 220 MB at 10,000 unit-years, ≈ 130,000 resources) is never held whole.
pub fn write(
    info: &SiteInfo,
    units: &[UnitListing],
    unit_resources: &(dyn Fn(&UnitListing) -> Result<Vec<String>, String> + Sync),
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    use rayon::prelude::*;
    let failed = |e: &dyn std::fmt::Display| format!("生成 datapackage.json 失败：{e}");
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
        "部门预算、部门决算公开表的数据：每张表一个 CSV（UTF-8，带 BOM），金额按原文保留小数位数，编码为文本；空白为原文空白（表示数据为零），? 为原文无法辨认。每个公开另有 data.json（全部表格）和每张表的 XLSX。",
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
    let io = |e: std::io::Error| failed(&e);
    out.write_all(head.strip_suffix('}').unwrap_or(&head).as_bytes())
        .map_err(io)?;
    out.write_all(b",\"resources\":[").map_err(io)?;
    let mut first = true;
    // A chunk of units at a time, each chunk's resources made in parallel.
    for chunk in units.chunks(CHUNK).zip(renamed.chunks(CHUNK)) {
        let parts: Vec<Result<Vec<String>, String>> = chunk
            .0
            .par_iter()
            .zip(chunk.1)
            .map(|(u, renamed)| {
                let texts = unit_resources(u)?;
                if texts.len() != renamed.len() {
                    return Err(failed(&format!("单位 {} 的资源数目不符", u.slug)));
                }
                texts
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
                    .collect()
            })
            .collect();
        for part in parts {
            for r in part? {
                if !first {
                    out.write_all(b",").map_err(io)?;
                }
                first = false;
                out.write_all(r.as_bytes()).map_err(io)?;
            }
        }
    }
    out.write_all(b"]}\n").map_err(io)?;
    Ok(())
}

/// Units whose resources are made at once while writing the data package.
const CHUNK: usize = 64;
