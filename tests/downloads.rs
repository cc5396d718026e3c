//! The downloads of the seed site read back, with independent readers, to exactly the
//! figures of the model loaded through the library: every table of every seed as CSV
//! (the `csv` crate), as a sheet of its disclosure's workbook (`calamine` for values and
//! cell types, the sheet's XML for number formats) and JSON (`serde_json`), cell by cell, `Decimal` equality with the same
//! scale. `datapackage.json` is validated by Frictionless (`frictionless validate`, which
//! also checks every CSV against its schema), and the pages link every download.
//!
//! Needs Frictionless, which `scripts/install-test-tools` installs into `target/py`.

use calamine::{Data, Reader, Xlsx};
use gongkai::model::{Column, Disclosure, Site, Table, Unit, Value};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn build(out: &Path) {
    let r = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["build", ".", "--out", out.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        r.status.success(),
        "build failed: {}{}",
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr)
    );
}

fn model() -> Site {
    let root = gongkai::source::resolve_root(Path::new(".")).unwrap();
    gongkai::check::check(&root).unwrap().site
}

fn dir(u: &Unit, d: &Disclosure) -> String {
    format!("{}/{}-{}/", u.slug, d.year, d.kind.as_str())
}

/// The tables that must have downloads: those with columns.
fn tables(d: &Disclosure) -> impl Iterator<Item = &Table> {
    d.tables.iter().filter(|t| !t.columns.is_empty())
}

/// `基本支出/人员经费` → `基本支出-人员经费`.
fn flat(c: &Column) -> String {
    c.name
        .split('/')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("-")
}

/// The header of each figure column: its flattened name with the unit of amounts
/// (`（万元）`) or percentages (`（%）`) unless the name ends with it already, numbered
/// `（2）` … when a label column or an earlier figure column has the same header.
fn figure_headers(t: &Table) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    if t.rows.iter().any(|r| r.unit.is_some()) {
        seen.push("单位编码".into());
    }
    if t.rows.iter().any(|r| r.code.is_some()) {
        seen.push("科目编码".into());
    }
    if t.rows.iter().any(|r| r.name.is_some()) {
        seen.push(name_header(t).into());
    }
    t.columns
        .iter()
        .map(|c| {
            let unit = match c.ty {
                gongkai::model::ColType::Amount => Some(t.unit.as_str()),
                gongkai::model::ColType::Percent => Some("%"),
                _ => None,
            };
            let name = match unit {
                Some(u) if !flat(c).ends_with(&format!("（{u}）")) => {
                    format!("{}（{u}）", flat(c))
                }
                _ => flat(c),
            };
            let n = seen.iter().filter(|s| **s == name).count();
            seen.push(name.clone());
            if n == 0 {
                name
            } else {
                format!("{name}（{}）", n + 1)
            }
        })
        .collect()
}

fn position(headers: &[String], name: &str, what: &str) -> usize {
    let found: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| *h == name)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(found.len(), 1, "{what}: header {name} in {headers:?}");
    found[0]
}

/// The name column's header: 科目名称 with codes, 单位名称 with unit codes only, else 项目.
fn name_header(t: &Table) -> &'static str {
    if t.rows.iter().any(|r| r.code.is_some()) {
        "科目名称"
    } else if t.rows.iter().any(|r| r.unit.is_some()) {
        "单位名称"
    } else {
        "项目"
    }
}

fn assert_decimal(text: &str, want: Decimal, what: &str) {
    let got: Decimal = text
        .parse()
        .unwrap_or_else(|e| panic!("{what}: {text:?} is not a decimal: {e}"));
    assert_eq!(got, want, "{what}");
    assert_eq!(got.scale(), want.scale(), "{what}: scale of {text:?}");
}

fn check_csv(out: &Path, u: &Unit, d: &Disclosure, t: &Table) -> usize {
    let path = out.join(format!("{}{}.csv", dir(u, d), t.id));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{}: no byte-order mark",
        path.display()
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let what = path.display().to_string();
    assert_eq!(records.len(), t.rows.len(), "{what}: rows");
    let code = t
        .rows
        .iter()
        .any(|r| r.code.is_some())
        .then(|| position(&headers, "科目编码", &what));
    let unit = t
        .rows
        .iter()
        .any(|r| r.unit.is_some())
        .then(|| position(&headers, "单位编码", &what));
    let name = t
        .rows
        .iter()
        .any(|r| r.name.is_some())
        .then(|| position(&headers, name_header(t), &what));
    let levels: Vec<(usize, usize)> = [("类编码", 3), ("款编码", 5), ("项编码", 7)]
        .iter()
        .filter_map(|(h, n)| headers.iter().position(|x| x == h).map(|i| (i, *n)))
        .collect();
    let mut cells = 0;
    for (i, (r, rec)) in t.rows.iter().zip(&records).enumerate() {
        let at = format!("{what} row {}", i + 1);
        assert_eq!(rec.len(), headers.len(), "{at}");
        if let Some(c) = code {
            assert_eq!(&rec[c], r.code.as_deref().unwrap_or(""), "{at}: code");
        }
        if let Some(c) = unit {
            assert_eq!(&rec[c], r.unit.as_deref().unwrap_or(""), "{at}: unit code");
        }
        if let Some(c) = name {
            assert_eq!(&rec[c], r.name.as_deref().unwrap_or(""), "{at}: name");
        }
        for (c, digits) in &levels {
            let want = r
                .code
                .as_deref()
                .filter(|code| code.len() >= *digits)
                .map(|code| &code[..*digits])
                .unwrap_or("");
            assert_eq!(&rec[*c], want, "{at}: level {digits}");
        }
        for (col, header) in t.columns.iter().zip(figure_headers(t)) {
            let text = &rec[position(&headers, &header, &what)];
            let at = format!("{at} column {}", col.name);
            match r.cells.get(&col.key).map(|c| &c.value) {
                None | Some(Value::Blank) => assert_eq!(text, "", "{at}"),
                Some(Value::Unknown) => assert_eq!(text, "?", "{at}"),
                Some(Value::Amount(v)) => {
                    assert_decimal(text, *v, &at);
                    cells += 1;
                }
                Some(Value::Text(s)) => assert_eq!(text, s, "{at}"),
            }
        }
    }
    cells
}

/// A cell reference `AB12` → (row 0-based, column 0-based).
fn cell_ref(r: &str) -> (u32, u32) {
    let letters: String = r.chars().take_while(char::is_ascii_uppercase).collect();
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
        - 1;
    let row: u32 = r[letters.len()..].parse().unwrap();
    (row - 1, col)
}

/// An attribute of a tag's text (the text after `<name `).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let pat = format!("{name}=\"");
    let i = tag
        .match_indices(&pat)
        .find(|(i, _)| *i == 0 || tag.as_bytes()[i - 1] == b' ')?
        .0
        + pat.len();
    tag[i..].split('"').next()
}

/// The number format code of every cell of sheet `n` (1-based, in workbook order), read
/// from the XLSX's XML.
fn number_formats(bytes: &[u8], n: usize) -> BTreeMap<(u32, u32), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let styles = read("xl/styles.xml");
    let sheet = read(&format!("xl/worksheets/sheet{n}.xml"));
    let codes: BTreeMap<String, String> = styles
        .split("<numFmt ")
        .skip(1)
        .map(|t| {
            (
                attr(t, "numFmtId").unwrap().to_string(),
                attr(t, "formatCode")
                    .unwrap()
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&"),
            )
        })
        .collect();
    let xfs = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap();
    let xf_formats: Vec<String> = xfs
        .split("<xf ")
        .skip(1)
        .map(|t| {
            let id = attr(t, "numFmtId").unwrap_or("0");
            codes.get(id).cloned().unwrap_or_else(|| match id {
                "0" => "General".into(),
                "49" => "@".into(),
                other => format!("builtin {other}"),
            })
        })
        .collect();
    sheet
        .split("<c ")
        .skip(1)
        .map(|t| {
            let tag = t.split('>').next().unwrap();
            let s: usize = attr(tag, "s").unwrap_or("0").parse().unwrap();
            (cell_ref(attr(tag, "r").unwrap()), xf_formats[s].clone())
        })
        .collect()
}

/// Decimals shown by a number format such as `#,##0.00`.
fn format_decimals(code: &str) -> Option<u32> {
    if !code.starts_with("#,##0") {
        return None;
    }
    Some(code.split('.').nth(1).map_or(0, |d| d.len() as u32))
}

/// The disclosure's workbook: one sheet per table with columns, in order, named by the
/// table id and a title within Excel's rules; each sheet's title, unit line, fields,
/// header row and every cell as published.
fn check_workbook(out: &Path, u: &Unit, d: &Disclosure) {
    let path = out.join(format!("{}data.xlsx", dir(u, d)));
    let what = path.display().to_string();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let names = book.sheet_names();
    let wanted: Vec<&Table> = tables(d).collect();
    assert_eq!(names.len(), wanted.len(), "{what}: a sheet per table");
    let mut seen = std::collections::BTreeSet::new();
    for (i, (t, name)) in wanted.iter().zip(&names).enumerate() {
        let at_sheet = format!("{what} sheet {name:?}");
        assert!(name.chars().count() <= 31, "{at_sheet}: too long");
        assert!(
            !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
            "{at_sheet}: forbidden character"
        );
        assert!(seen.insert(name.to_lowercase()), "{at_sheet}: repeated");
        let expected_start = format!("{} ", t.id);
        assert!(
            name.starts_with(&expected_start),
            "{at_sheet}: not {}",
            t.id
        );
        assert!(
            name.chars().count() > expected_start.chars().count(),
            "{at_sheet}: no title"
        );
        check_sheet(&mut book, &bytes, i + 1, name, t, &at_sheet);
    }
}

fn check_sheet(
    book: &mut Xlsx<std::io::Cursor<Vec<u8>>>,
    bytes: &[u8],
    n: usize,
    name: &str,
    t: &Table,
    what: &str,
) {
    let formats = number_formats(bytes, n);
    let range = book.worksheet_range(name).unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let text = |r: u32| match at(r, 0) {
        Data::String(s) => s,
        other => panic!("{what}: row {} is {other:?}", r + 1),
    };
    assert_eq!(text(0), format!("{} {}", t.id, t.title), "{what}: title");
    assert!(
        text(1).starts_with(&format!("金额单位：{}", t.unit.as_str())),
        "{what}: {}",
        text(1)
    );
    for (i, f) in t.fields.iter().enumerate() {
        assert!(
            text(2 + i as u32).starts_with(&format!("{}：", f.name)),
            "{what}: field {}",
            f.name
        );
    }
    let head = 2 + t.fields.len() as u32;
    let width = range.end().map_or(0, |e| e.1 + 1);
    let headers: Vec<String> = (0..width)
        .map(|c| match at(head, c) {
            Data::String(s) => s,
            other => panic!("{what}: header cell {c} is {other:?}"),
        })
        .collect();
    let last = range.end().map_or(0, |e| e.0);
    assert_eq!(last, head + t.rows.len() as u32, "{what}: rows");
    for (i, r) in t.rows.iter().enumerate() {
        let row = head + i as u32 + 1;
        let at_row = format!("{what} row {}", i + 1);
        for (header, value) in [("科目编码", &r.code), ("单位编码", &r.unit)] {
            if let Some(v) = value {
                let c = position(&headers, header, what) as u32;
                // Codes are text cells: leading zeros stay.
                assert_eq!(
                    at(row, c),
                    Data::String(v.clone()),
                    "{at_row}: {header} is not a text cell"
                );
                assert_eq!(formats[&(row, c)], "@", "{at_row}: {header} format");
            }
        }
        if let Some(n) = &r.name {
            let c = position(&headers, name_header(t), what) as u32;
            assert_eq!(at(row, c), Data::String(n.clone()), "{at_row}: name");
        }
        for (col, header) in t.columns.iter().zip(figure_headers(t)) {
            let c = position(&headers, &header, what) as u32;
            let at_cell = format!("{at_row} column {header}");
            match r.cells.get(&col.key).map(|c| &c.value) {
                None | Some(Value::Blank) => assert_eq!(at(row, c), Data::Empty, "{at_cell}"),
                Some(Value::Unknown) => {
                    assert_eq!(at(row, c), Data::String("?".into()), "{at_cell}")
                }
                Some(Value::Text(s)) => {
                    assert_eq!(at(row, c), Data::String(s.clone()), "{at_cell}")
                }
                Some(Value::Amount(v)) => {
                    let f = match at(row, c) {
                        Data::Float(f) => f,
                        Data::Int(i) => i as f64,
                        other => panic!("{at_cell}: {other:?} is not a number"),
                    };
                    let decimals = format_decimals(&formats[&(row, c)])
                        .unwrap_or_else(|| panic!("{at_cell}: format {}", formats[&(row, c)]));
                    // As shown by the cell's number format (without the thousands
                    // separators): exactly the published figure, same decimals.
                    let shown = format!("{f:.*}", decimals as usize);
                    assert_decimal(&shown, *v, &at_cell);
                    // And the stored number is the figure itself, not a rounding of it.
                    assert_eq!(
                        Decimal::try_from(f).unwrap().round_dp(v.scale()),
                        *v,
                        "{at_cell}"
                    );
                }
            }
        }
    }
}

fn check_json(out: &Path, u: &Unit, d: &Disclosure) {
    let path = out.join(format!("{}data.json", dir(u, d)));
    let what = path.display().to_string();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(doc["year"], d.year, "{what}");
    assert_eq!(doc["kind"], d.kind.as_str(), "{what}");
    assert_eq!(doc["amount_unit"], d.amount_unit.as_str(), "{what}");
    assert_eq!(doc["unit"]["name"], u.name.as_str(), "{what}");
    let tables = doc["tables"].as_array().unwrap();
    assert_eq!(tables.len(), d.tables.len(), "{what}: every table");
    for (t, jt) in d.tables.iter().zip(tables) {
        let at_t = format!("{what} {}", t.id);
        assert_eq!(jt["id"], t.id.as_str(), "{at_t}");
        assert_eq!(jt["unit"], t.unit.as_str(), "{at_t}");
        let keys: Vec<&str> = jt["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["key"].as_str().unwrap())
            .collect();
        assert_eq!(
            keys,
            t.columns.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
            "{at_t}"
        );
        let rows = jt["rows"].as_array().unwrap();
        assert_eq!(rows.len(), t.rows.len(), "{at_t}");
        for (r, jr) in t.rows.iter().zip(rows) {
            assert_eq!(jr["code"].as_str(), r.code.as_deref(), "{at_t}");
            assert_eq!(jr["name"].as_str(), r.name.as_deref(), "{at_t}");
            let cells = jr["cells"].as_array().unwrap();
            assert_eq!(cells.len(), t.columns.len(), "{at_t}");
            for (col, cell) in t.columns.iter().zip(cells) {
                let at = format!("{at_t} {} {}", r.label(), col.key);
                match r.cells.get(&col.key).map(|c| &c.value) {
                    None | Some(Value::Blank) => assert_eq!(cell["type"], "blank", "{at}"),
                    Some(Value::Unknown) => assert_eq!(cell["type"], "unknown", "{at}"),
                    Some(Value::Amount(v)) => {
                        assert_eq!(cell["type"], "number", "{at}");
                        // A decimal string, not a JSON number (no binary floating point).
                        assert_decimal(cell["value"].as_str().unwrap(), *v, &at);
                    }
                    Some(Value::Text(s)) => {
                        assert_eq!(cell["type"], "text", "{at}");
                        assert_eq!(cell["value"].as_str(), Some(s.as_str()), "{at}");
                    }
                }
            }
        }
    }
}

#[test]
fn every_download_reads_back_to_the_published_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&out);
    let site = model();
    assert_eq!(site.units.len(), 5, "the five seeds");
    let (mut tables_checked, mut amounts) = (0, 0);
    let mut unknown_seen = false;
    for u in &site.units {
        for d in &u.disclosures {
            for t in tables(d) {
                amounts += check_csv(&out, u, d, t);
                tables_checked += 1;
                unknown_seen |= t
                    .rows
                    .iter()
                    .any(|r| r.cells.values().any(|c| c.value == Value::Unknown));
            }
            check_workbook(&out, u, d);
            check_json(&out, u, d);
        }
    }
    assert!(tables_checked >= 60, "only {tables_checked} tables");
    assert!(amounts > 1000, "only {amounts} amounts");
    // The seeds include unreadable cells, so `?` is exercised.
    assert!(unknown_seen);
}

#[test]
fn two_builds_give_byte_identical_downloads() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&a);
    // Spreadsheets carry a creation time: a later build must not change it.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    build(&b);
    let mut n = 0;
    for e in walkdir::WalkDir::new(&a).sort_by_file_name() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy();
        if name.ends_with(".xlsx") || name.ends_with(".csv") || name.ends_with(".json") {
            let rel = e.path().strip_prefix(&a).unwrap();
            assert!(
                std::fs::read(e.path()).unwrap() == std::fs::read(b.join(rel)).unwrap(),
                "{} differs between two builds",
                rel.display()
            );
            n += 1;
        }
    }
    assert!(n > 100, "{n}");
}

#[test]
fn pages_link_every_download_next_to_its_caption() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&out);
    let site = model();
    for u in &site.units {
        for d in &u.disclosures {
            let page =
                std::fs::read_to_string(out.join(format!("{}index.html", dir(u, d)))).unwrap();
            assert!(page.contains(&format!("href=\"/{}data.json\"", dir(u, d))));
            // One workbook for the disclosure, saved under the unit's name and year.
            assert!(page.contains(&format!(
                "href=\"/{}data.xlsx\" download=\"{}{}年{}.xlsx\"",
                dir(u, d),
                u.name,
                d.year,
                d.kind.label_zh()
            )));
            assert!(out.join(format!("{}data.xlsx", dir(u, d))).is_file());
            for t in tables(d) {
                // The links sit in the table's caption, named after the table.
                let anchor = format!("id=\"table-{}\"", t.id.to_lowercase());
                let section = page
                    .split(&anchor)
                    .nth(1)
                    .unwrap_or_else(|| panic!("{anchor}"));
                let caption = section
                    .split("<caption>")
                    .nth(1)
                    .and_then(|s| s.split("</caption>").next())
                    .unwrap_or_else(|| panic!("{}: no caption for {}", u.slug, t.id));
                let href = format!("href=\"/{}{}.csv\"", dir(u, d), t.id);
                assert!(caption.contains(&href), "{}: {href} not in {caption}", t.id);
                assert!(
                    caption.contains(&format!("aria-label=\"下载 CSV：{} ", t.id)),
                    "{}: {caption}",
                    t.id
                );
                assert!(out.join(format!("{}{}.csv", dir(u, d), t.id)).is_file());
                // The table's sheet is in the workbook: no workbook per table.
                assert!(!out.join(format!("{}{}.xlsx", dir(u, d), t.id)).exists());
            }
        }
    }
}

/// Frictionless from `scripts/install-test-tools` (or `$FRICTIONLESS`).
fn frictionless() -> PathBuf {
    let p = std::env::var("FRICTIONLESS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("target/py/bin/frictionless"));
    assert!(
        p.is_file(),
        "missing test tool {}; run scripts/install-test-tools",
        p.display()
    );
    p
}

/// `frictionless validate --json`: the report's `valid`, and the report.
fn validate(package: &Path) -> (bool, serde_json::Value) {
    let r = Command::new(frictionless())
        .args(["validate", "--json", package.to_str().unwrap()])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "frictionless gave no JSON report ({e}):\n{}\n{}",
            String::from_utf8_lossy(&r.stdout),
            String::from_utf8_lossy(&r.stderr)
        )
    });
    (report["valid"] == true, report)
}

#[test]
fn the_data_package_is_valid_and_lists_every_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&out);
    let site = model();
    let package_path = out.join("datapackage.json");
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&package_path).unwrap()).unwrap();
    // Every table's CSV, then the site's findings (`tests/findings.rs` reads those).
    let all = package["resources"].as_array().unwrap();
    let resources: Vec<&serde_json::Value> =
        all.iter().filter(|r| r["name"] != "findings").collect();
    assert_eq!(all.len(), resources.len() + 1, "one findings resource");
    assert_eq!(all.last().unwrap()["path"], "findings.csv");
    let listed: Vec<&str> = resources
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    let mut expected = Vec::new();
    for u in &site.units {
        for d in &u.disclosures {
            for t in tables(d) {
                expected.push(format!("{}{}.csv", dir(u, d), t.id));
            }
        }
    }
    let mut sorted = listed.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected, "every table CSV, nothing else");
    // Each resource names its Table Schema's file; tables of one shape share a file, and
    // every file in `schemas/` is named by some resource.
    let schema = |r: &serde_json::Value| -> serde_json::Value {
        let path = r["schema"].as_str().unwrap();
        assert!(
            path.starts_with("schemas/") && path.ends_with(".json"),
            "{path}"
        );
        serde_json::from_slice(&std::fs::read(out.join(path)).unwrap()).unwrap()
    };
    let named: std::collections::BTreeSet<&str> = resources
        .iter()
        .map(|r| r["schema"].as_str().unwrap())
        .collect();
    let files: std::collections::BTreeSet<String> = std::fs::read_dir(out.join("schemas"))
        .unwrap()
        .map(|e| format!("schemas/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert_eq!(
        files,
        named.iter().map(|s| s.to_string()).collect(),
        "schema files"
    );
    assert!(named.len() < resources.len(), "{} schemas", named.len());
    for r in &resources {
        assert!(
            out.join(r["path"].as_str().unwrap()).is_file(),
            "{}",
            r["path"]
        );
        assert_eq!(r["encoding"], "utf-8");
        assert_eq!(r["mediatype"], "text/csv");
        for f in schema(r)["fields"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap();
            if name.ends_with("编码") {
                assert_eq!(f["type"], "string", "{name}");
            }
            if f["columnType"] == "value" {
                assert_eq!(f["type"], "number", "{name}");
                assert!(f["unit"] == "万元" || f["unit"] == "元", "{name}");
            }
        }
    }

    let (valid, report) = validate(&package_path);
    assert!(valid, "frictionless: {report:#}");
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), all.len(), "every resource validated");

    // A researcher loads every unit's data in one go: Frictionless reads every resource,
    // figures as exact decimals (Python's `Decimal`, scale kept) and codes as strings.
    let script = r#"
import json, sys
from frictionless import Package
out = {}
for r in Package(sys.argv[1]).resources:
    if r.name == "findings":
        continue
    rows = []
    for row in r.read_rows():
        rows.append([None if row[f.name] is None else [f.type, type(row[f.name]).__name__, str(row[f.name])]
                     for f in r.schema.fields])
    out[r.path] = rows
print(json.dumps(out))
"#;
    let python = frictionless().with_file_name("python");
    let r = Command::new(&python)
        .args(["-c", script, package_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let loaded: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let mut figures = 0;
    for u in &site.units {
        for d in &u.disclosures {
            for t in tables(d) {
                let rows = loaded[format!("{}{}.csv", dir(u, d), t.id)]
                    .as_array()
                    .unwrap();
                assert_eq!(rows.len(), t.rows.len(), "{} {}", u.slug, t.id);
                let mut got: Vec<String> = Vec::new();
                for cell in rows.iter().flat_map(|r| r.as_array().unwrap()) {
                    if cell.is_null() {
                        continue;
                    }
                    let (ty, py, text) = (&cell[0], &cell[1], cell[2].as_str().unwrap());
                    match ty.as_str().unwrap() {
                        "number" => {
                            assert_eq!(py, "Decimal", "{text}");
                            got.push(text.to_string());
                        }
                        "string" => assert_eq!(py, "str", "{text}"),
                        _ => {}
                    }
                }
                let mut want: Vec<String> = t
                    .rows
                    .iter()
                    .flat_map(|r| t.columns.iter().map(move |c| (r, c)))
                    .filter(|(_, c)| {
                        matches!(
                            c.ty,
                            gongkai::model::ColType::Amount | gongkai::model::ColType::Percent
                        )
                    })
                    .filter_map(|(r, c)| match r.cells.get(&c.key).map(|x| &x.value) {
                        Some(Value::Amount(v)) => Some(v.to_string()),
                        _ => None,
                    })
                    .collect();
                got.sort();
                want.sort();
                assert_eq!(
                    got, want,
                    "{} {}: figures as Frictionless reads them",
                    u.slug, t.id
                );
                figures += want.len();
            }
        }
    }
    assert!(figures > 1000, "{figures}");

    // The validator really reads the data: a figure that is not a number fails it.
    let bad = resources
        .iter()
        .find(|r| {
            schema(r)["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["type"] == "number")
        })
        .unwrap();
    let path = out.join(bad["path"].as_str().unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(String::from).collect();
    let headers: Vec<&str> = lines[0].trim_start_matches('\u{feff}').split(',').collect();
    let bad_schema = schema(bad);
    let number_at = bad_schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["type"] == "number")
        .unwrap();
    assert_eq!(
        headers.len(),
        bad_schema["fields"].as_array().unwrap().len()
    );
    let mut cells: Vec<String> = lines[1].split(',').map(String::from).collect();
    cells[number_at] = "十二".into();
    lines[1] = cells.join(",");
    std::fs::write(&path, lines.join("\r\n")).unwrap();
    let (valid, report) = validate(&package_path);
    assert!(!valid, "a corrupted CSV passed: {report:#}");
}
