//! A workbook in the published layout imports to the same table sources as the PDF of
//! the same tables. The workbook is written here from what the PDF reader read (its
//! `PrintedDocument`), as a budget system exports it: one sheet per table, the number,
//! the title merged over the table, the head lines, the header with its merged cells as
//! printed, the body with figures stored as numbers, the notes below.
//!
//! What must differ, and is normalised before comparing: the file named in `source:`,
//! and a figure's text — a workbook stores a number, not its printed form, so `426.00`
//! and `1,234.50` come back as `426` and `1234.5` (docs/import.md, "Workbook figures").

use gongkai::import::pdf::read_pdf;
use gongkai::import::printed::{PrintedDocument, PrintedTable};
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};

fn corpus(department: &str, file: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/jiangsu")
        .join(department)
        .join(file);
    assert!(path.is_file(), "the corpus is missing: {}", path.display());
    path
}

/// A printed figure as a budget system stores it: a number (thousands separators are
/// formatting). Codes are text in those exports (`2010201`, `02`), so a code column's
/// cells stay text.
fn number(text: &str) -> Option<f64> {
    let plain: String = text.chars().filter(|c| *c != ',').collect();
    let digits = plain.strip_prefix('-').unwrap_or(&plain);
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if !ok {
        return None;
    }
    plain.parse().ok()
}

/// The table's width: its rows' cells, or its header's columns when it has no row.
fn width(t: &PrintedTable) -> usize {
    t.rows
        .first()
        .map(|r| r.cells.len())
        .into_iter()
        .chain(t.header.iter().flatten().map(|c| c.last + 1))
        .max()
        .unwrap_or(1)
}

/// Columns whose header names a code: their cells are written as text.
fn code_columns(t: &PrintedTable) -> Vec<bool> {
    let width = width(t);
    let mut codes = vec![false; width];
    for row in &t.header {
        for cell in row {
            let h = cell.text.replace(' ', "");
            if h.contains("编码") || h.contains("代码") || matches!(h.as_str(), "类" | "款" | "项")
            {
                for code in codes.iter_mut().take(cell.last + 1).skip(cell.first) {
                    *code = true;
                }
            }
        }
    }
    codes
}

/// The workbook of `doc`'s tables, one sheet each, in the published layout.
fn workbook_of(doc: &PrintedDocument, path: &Path) {
    let mut wb = Workbook::new();
    let plain = Format::new();
    for (i, t) in doc.tables.iter().enumerate() {
        let last = u16::try_from(width(t) - 1).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(format!("表{}", i + 1)).unwrap();
        let mut r: u32 = 0;
        if let Some(n) = &t.number {
            ws.write_string(r, 0, n).unwrap();
            r += 1;
        }
        if last > 0 {
            ws.merge_range(r, 0, r, last, &t.title, &plain).unwrap();
        } else {
            ws.write_string(r, 0, &t.title).unwrap();
        }
        r += 1;
        // The head lines on one row, as budget systems lay them out: the department on
        // the left, the amount unit on the right. The PDF may break a line inside its
        // cell (法院 2019 公开09表 prints `单位：万` and `元` on two lines): the
        // department's line and the others are each joined back into one text.
        if !t.head_lines.is_empty() {
            let (left, right): (Vec<&String>, Vec<&String>) = t
                .head_lines
                .iter()
                .partition(|l| l.starts_with("部门") && !l.contains("单位"));
            let join = |v: Vec<&String>| v.iter().map(|s| s.as_str()).collect::<String>();
            let (left, right) = (join(left), join(right));
            if !left.is_empty() {
                ws.write_string(r, 0, &left).unwrap();
            }
            if !right.is_empty() {
                let at = if left.is_empty() { 0 } else { last };
                ws.write_string(r, at, &right).unwrap();
            }
            r += 1;
        }
        // A header cell reaches down to the row above the next header cell under it (or
        // to the header's last row): a tall box, merged over those rows.
        let rows = t.header.len();
        for (h, line) in t.header.iter().enumerate() {
            for cell in line {
                let below = (h + 1..rows)
                    .find(|&k| {
                        t.header[k]
                            .iter()
                            .any(|o| o.first <= cell.last && o.last >= cell.first)
                    })
                    .unwrap_or(rows);
                let (r0, r1) = (r + h as u32, r + below as u32 - 1);
                let (c0, c1) = (cell.first as u16, cell.last as u16);
                if r0 == r1 && c0 == c1 {
                    ws.write_string(r0, c0, &cell.text).unwrap();
                } else {
                    ws.merge_range(r0, c0, r1, c1, &cell.text, &plain).unwrap();
                }
            }
        }
        r += rows as u32;
        let codes = code_columns(t);
        for row in &t.rows {
            for (c, text) in row.cells.iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                let c16 = c as u16;
                match number(text) {
                    Some(v) if !codes.get(c).copied().unwrap_or(false) => {
                        ws.write_number(r, c16, v).unwrap();
                    }
                    _ => {
                        ws.write_string(r, c16, text).unwrap();
                    }
                }
            }
            r += 1;
        }
        for note in &t.notes {
            ws.write_string(r, 0, note).unwrap();
            r += 1;
        }
    }
    wb.save(path).unwrap();
}

/// A figure's text as a number shows it: no thousands separators, no trailing zeros
/// after the point.
fn as_number(v: &str) -> String {
    if number(v).is_none() {
        return v.to_string();
    }
    let plain: String = v.chars().filter(|c| *c != ',').collect();
    if !plain.contains('.') {
        return plain;
    }
    plain
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// `text` with every place a note names (`第10页表中第1行`, `第10页`,
/// `工作表“表5”第6行`) written `〈位置〉`: a page and a sheet's row must differ.
fn without_places(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let sheet = rest
            .strip_prefix("工作表“")
            .and_then(|r| r.split_once('”'))
            .and_then(|(_, r)| r.strip_prefix('第'))
            .and_then(|r| number_then(r, '行'));
        let page = rest
            .strip_prefix('第')
            .and_then(|r| number_then(r, '页'))
            .map(|r| {
                r.strip_prefix("表中第")
                    .and_then(|r| number_then(r, '行'))
                    .unwrap_or(r)
            });
        match sheet.or(page) {
            Some(after) => {
                out.push_str("〈位置〉");
                rest = after;
            }
            None => {
                let c = rest.chars().next().unwrap();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// What follows digits and then `end` at the start of `text`.
fn number_then(text: &str, end: char) -> Option<&str> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    (digits > 0)
        .then(|| text[digits..].strip_prefix(end))
        .flatten()
}

/// The table sources of a written `<year>-budget.yaml`: everything from `tables:` on,
/// with every quoted figure as a number shows it and every place as `〈位置〉`.
fn tables_part(yaml: &str) -> String {
    let at = yaml.find("\ntables:").expect("a tables: key");
    let yaml = without_places(&yaml[at..]);
    let mut out = String::new();
    for piece in yaml.split_inclusive('"') {
        let (text, quote) = match piece.strip_suffix('"') {
            Some(t) => (t, "\""),
            None => (piece, ""),
        };
        out.push_str(&as_number(text));
        out.push_str(quote);
    }
    out
}

/// Imports `pdf`, and the workbook written from what the reader read of it, into two
/// folders; returns both disclosures' table sources and the number of tables.
fn both(pdf: &Path, stem: &str) -> (String, String, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let doc = read_pdf(pdf).unwrap();
    let xlsx = tmp.path().join(format!("{stem}.xlsx"));
    workbook_of(&doc, &xlsx);
    let from_pdf = tmp.path().join("pdf");
    let from_xlsx = tmp.path().join("xlsx");
    let (a, wa) = gongkai::import::import(&[pdf], &from_pdf, Some("u"), false).unwrap();
    let (b, wb) = gongkai::import::import(&[xlsx.as_path()], &from_xlsx, Some("u"), false).unwrap();
    assert_eq!(a.unit.name, b.unit.name);
    assert_eq!(a.disclosure.year, b.disclosure.year);
    assert_eq!(a.disclosure.template, b.disclosure.template);
    assert_eq!(a.disclosure.amount_unit, b.disclosure.amount_unit);
    let read = |w: &gongkai::import::write::Written| {
        let name = format!("{}-budget.yaml", a.disclosure.year);
        std::fs::read_to_string(w.dir.join(name)).unwrap()
    };
    let (ya, yb) = (read(&wa), read(&wb));
    assert_eq!(
        std::fs::read_to_string(wa.dir.join("unit.yaml")).unwrap(),
        std::fs::read_to_string(wb.dir.join("unit.yaml")).unwrap()
    );
    (tables_part(&ya), tables_part(&yb), doc.tables.len())
}

/// The first line where two texts differ, with a little context, for the message.
fn first_difference(a: &str, b: &str) -> String {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = (0..la.len().max(lb.len()))
        .find(|&i| la.get(i) != lb.get(i))
        .unwrap_or(0);
    format!(
        "line {}:\n  pdf:  {}\n  xlsx: {}",
        at + 1,
        la.get(at).unwrap_or(&"(end)"),
        lb.get(at).unwrap_or(&"(end)")
    )
}

fn same_tables(department: &str, file: &str, min_rows: usize) {
    let pdf = corpus(department, file);
    let stem = file.trim_end_matches(".pdf");
    let (a, b, tables) = both(&pdf, stem);
    assert_eq!(tables, 12, "{file}");
    // The comparison is over the rows, not over two empty reads.
    let rows = a.matches("values: {").count();
    assert!(rows >= min_rows, "{file}: {rows} rows");
    assert!(a == b, "{file}: {}", first_difference(&a, &b));
}

/// Made with Excel: a table per page, landscape.
#[test]
fn zhengxie_2019_excel_made() {
    same_tables(
        "江苏省政协办公厅",
        "江苏省政协办公厅2019年预算公开表.pdf",
        150,
    );
}

/// Made with Word: the tables inside the explanation.
#[test]
fn fayuan_2019_word_made() {
    same_tables(
        "江苏省高级人民法院",
        "江苏省高级人民法院2019年度部门预算公开.pdf",
        200,
    );
}

/// Writes the import fuzz targets' generated seeds (`fuzz/import_seeds.sh` runs this with
/// `GONGKAI_FUZZ_SEEDS` set to `fuzz/corpus`): the hand-made PDFs of the bad-input tests
/// and workbooks in the published layout.
#[test]
#[ignore = "writes the fuzz seeds; run by fuzz/import_seeds.sh"]
fn fuzz_seeds() {
    let dir = PathBuf::from(std::env::var_os("GONGKAI_FUZZ_SEEDS").expect("GONGKAI_FUZZ_SEEDS"));
    let (pdf, xlsx) = (dir.join("import_pdf"), dir.join("import_xlsx"));
    std::fs::create_dir_all(&pdf).unwrap();
    std::fs::create_dir_all(&xlsx).unwrap();
    std::fs::write(pdf.join("scan.pdf"), super::bad_inputs::scanned_pdf()).unwrap();
    std::fs::write(pdf.join("three-pages.pdf"), super::bad_inputs::pages_pdf(3)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let made = super::workbooks::made(tmp.path());
    std::fs::copy(made, xlsx.join("layout.xlsx")).unwrap();
    // 政协办公厅 2019's twelve tables as a workbook, and its first three as another.
    let mut doc = read_pdf(&corpus(
        "江苏省政协办公厅",
        "江苏省政协办公厅2019年预算公开表.pdf",
    ))
    .unwrap();
    workbook_of(&doc, &xlsx.join("zhengxie-2019.xlsx"));
    doc.tables.truncate(3);
    workbook_of(&doc, &xlsx.join("zhengxie-2019-three.xlsx"));
}
