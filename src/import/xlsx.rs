//! Excel workbooks (`.xlsx`, `.xls`) as budget systems export them: one table per sheet,
//! a number and a title in the first rows, `单位：万元` above the header, merged header
//! cells over the columns they name, body rows, notes below.
//!
//! Numbers in a workbook are binary floating point, not printed text: each is turned
//! into its shortest decimal text at once (what Excel shows with a two-decimal format)
//! and never computed with. A value with float noise beyond two decimals
//! (`1234.5600000000002`) is the two-decimal figure Excel prints; any other value with
//! more than two decimals is written as it is and reported by the checker.

use super::error::ImportError;
use super::printed::{HeaderCell, Place, PrintedDocument, PrintedRow, PrintedTable, PrintedText};
use crate::model::amount;
use calamine::{Data, DataRef, Dimensions, Reader};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Largest workbook file read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest total size of a workbook's unpacked parts (a zip bomb stops here).
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// Most parts in a workbook's zip.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Most rows and columns of a sheet read as a table.
pub const MAX_ROWS: u32 = 20_000;
pub const MAX_COLS: u32 = 256;
/// Most sheets.
pub const MAX_SHEETS: usize = 200;

fn too_large(file: &Path, what: String) -> ImportError {
    ImportError::TooLarge {
        file: file.to_path_buf(),
        what,
    }
}

fn not_readable(file: &Path, reason: impl ToString) -> ImportError {
    ImportError::NotReadable {
        file: file.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Reads a workbook into one printed table per sheet.
pub fn read_workbook(file: &Path) -> Result<PrintedDocument, ImportError> {
    let meta = std::fs::metadata(file).map_err(|e| ImportError::Read {
        file: file.to_path_buf(),
        reason: e.to_string(),
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(
            file,
            format!(
                "文件 {} MB，上限 {} MB",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    // Read through a limit too: the file may have grown since it was measured.
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| ImportError::Read {
            file: file.to_path_buf(),
            reason: e.to_string(),
        })?;
    read_workbook_bytes(file, bytes)
}

/// Reads a workbook already in memory, `file` naming it in messages: what
/// `read_workbook` does once the file is read (the fuzz target's entry).
pub fn read_workbook_bytes(file: &Path, bytes: Vec<u8>) -> Result<PrintedDocument, ImportError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(
            file,
            format!("文件超过 {} MB", MAX_FILE_BYTES >> 20),
        ));
    }
    let xlsx = bytes.starts_with(b"PK\x03\x04");
    if !xlsx && !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(not_readable(file, "不是 Excel 工作簿（.xlsx 或 .xls）"));
    }
    if xlsx {
        check_zip(file, &bytes, MAX_UNPACKED_BYTES)?;
    }
    // calamine parses untrusted bytes; a panic in it is this file's fault, reported as
    // such, never a crash of the import.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if xlsx {
            read_xlsx(file, bytes)
        } else {
            read_xls(file, bytes)
        }
    }));
    let sheets = match parsed {
        Ok(sheets) => sheets?,
        Err(panic) => {
            let reason = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "读取库内部错误".to_string());
            return Err(ImportError::ReaderFailed {
                file: file.to_path_buf(),
                reason,
            });
        }
    };
    let mut doc = PrintedDocument {
        file: file.to_path_buf(),
        parts: sheets.len() as u32,
        text: Vec::new(),
        tables: Vec::new(),
    };
    for sheet in sheets {
        match sheet_table(&sheet) {
            Some(t) => doc.tables.push(t),
            None => doc.text.extend(sheet.lines()),
        }
    }
    Ok(doc)
}

/// Unpacks every part of the zip without keeping it, counting the real bytes: declared
/// sizes can lie, so a bomb is stopped by what it actually expands to.
fn check_zip(file: &Path, bytes: &[u8], limit: u64) -> Result<(), ImportError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| not_readable(file, format!("压缩结构损坏：{e}")))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(too_large(file, format!("工作簿含 {} 个部件", zip.len())));
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| not_readable(file, format!("压缩结构损坏：{e}")))?;
        if total.saturating_add(entry.size()) > limit {
            return Err(too_large(file, unpacked_limit(limit)));
        }
        let declared = entry.size();
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("第 {} 个", i + 1));
        loop {
            // The zip library stops a part one read past its declared size: a part that
            // unpacks to more is a bomb that lies in its headers, and is named as such
            // (tests/import/bad_inputs.rs holds the library to its message).
            let n = entry.read(&mut buf).map_err(|e| {
                let reason = if e.to_string().contains("larger than its declared") {
                    format!("部件“{name}”解压后超过其声明的大小 {declared} 字节（可能是压缩炸弹）")
                } else {
                    format!("部件“{name}”无法解压：{e}")
                };
                not_readable(file, reason)
            })?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > limit {
                return Err(too_large(file, unpacked_limit(limit)));
            }
        }
    }
    Ok(())
}

fn unpacked_limit(limit: u64) -> String {
    format!("解压后超过 {} MB（可能是压缩炸弹）", limit >> 20)
}

/// A sheet as a grid of texts (sparse), with its merged regions.
struct Sheet {
    name: String,
    cells: BTreeMap<(u32, u32), String>,
    merges: Vec<Dimensions>,
}

impl Sheet {
    fn text(&self, r: u32, c: u32) -> &str {
        self.cells.get(&(r, c)).map(String::as_str).unwrap_or("")
    }
    fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.cells.keys().map(|(r, _)| *r).collect();
        rows.dedup();
        rows
    }
    fn row_cells(&self, r: u32) -> Vec<(u32, &str)> {
        self.cells
            .range((r, 0)..=(r, u32::MAX))
            .map(|((_, c), t)| (*c, t.as_str()))
            .filter(|(_, t)| !t.trim().is_empty())
            .collect()
    }
    /// A sheet that is no table, as prose.
    fn lines(&self) -> Vec<PrintedText> {
        self.rows()
            .into_iter()
            .map(|r| PrintedText {
                text: self
                    .row_cells(r)
                    .iter()
                    .map(|(_, t)| *t)
                    .collect::<Vec<_>>()
                    .join(" "),
                place: Place::Sheet {
                    name: self.name.clone(),
                    row: r + 1,
                },
            })
            .filter(|t| !t.text.trim().is_empty())
            .collect()
    }
}

fn put(
    file: &Path,
    sheet: &mut Sheet,
    (r, c): (u32, u32),
    text: String,
) -> Result<(), ImportError> {
    if r >= MAX_ROWS || c >= MAX_COLS {
        return Err(too_large(
            file,
            format!("工作表“{}”超过 {MAX_ROWS} 行或 {MAX_COLS} 列", sheet.name),
        ));
    }
    if !text.trim().is_empty() {
        sheet.cells.insert((r, c), text);
    }
    Ok(())
}

/// The names of the sheets that hold cells: chart, dialog and macro sheets hold no
/// table. Hidden worksheets are kept (nothing printed is dropped on a guess).
fn worksheets(sheets: &[calamine::Sheet]) -> Vec<String> {
    sheets
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

fn read_xlsx(file: &Path, bytes: Vec<u8>) -> Result<Vec<Sheet>, ImportError> {
    let mut wb =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| not_readable(file, e))?;
    let names = worksheets(wb.sheets_metadata());
    if names.len() > MAX_SHEETS {
        return Err(too_large(
            file,
            format!("工作簿含 {} 个工作表", names.len()),
        ));
    }
    let mut out = Vec::new();
    for name in names {
        let merges = match wb.worksheet_merge_cells(&name) {
            Some(Ok(m)) => m,
            Some(Err(e)) => return Err(not_readable(file, e)),
            None => Vec::new(),
        };
        let mut sheet = Sheet {
            name: name.clone(),
            cells: BTreeMap::new(),
            merges,
        };
        // Cell by cell: a whole-sheet range would be allocated from the sheet's
        // extent, which a hostile file sets to a million rows.
        let mut reader = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| not_readable(file, e))?;
        while let Some(cell) = reader.next_cell().map_err(|e| not_readable(file, e))? {
            let text = data_ref_text(cell.get_value());
            put(file, &mut sheet, cell.get_position(), text)?;
        }
        drop(reader);
        out.push(sheet);
    }
    Ok(out)
}

fn read_xls(file: &Path, bytes: Vec<u8>) -> Result<Vec<Sheet>, ImportError> {
    let mut wb =
        calamine::Xls::new(std::io::Cursor::new(bytes)).map_err(|e| not_readable(file, e))?;
    let names = worksheets(wb.sheets_metadata());
    if names.len() > MAX_SHEETS {
        return Err(too_large(
            file,
            format!("工作簿含 {} 个工作表", names.len()),
        ));
    }
    let mut out = Vec::new();
    for name in names {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| not_readable(file, e))?;
        let merges = wb.worksheet_merge_cells(&name).unwrap_or_default();
        let mut sheet = Sheet {
            name: name.clone(),
            cells: BTreeMap::new(),
            merges,
        };
        for (r, c, v) in range.used_cells() {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            put(
                file,
                &mut sheet,
                (r0 + r as u32, c0 + c as u32),
                data_text(v),
            )?;
        }
        out.push(sheet);
    }
    Ok(out)
}

/// A float as Excel shows it with two decimals at most: its shortest decimal text, with
/// float noise beyond two decimals removed (the text only; no arithmetic on money).
fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let s = format!("{f}");
    if let Err(amount::AmountError::TooManyDecimals(_)) = amount::parse(&s) {
        let two = format!("{f:.2}");
        // Noise: the value is within a millionth of its two-decimal text.
        let close = (f - two.parse::<f64>().unwrap_or(f)).abs() < 1e-6;
        if close {
            return two;
        }
    }
    s
}

fn data_text(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

fn data_ref_text(v: &DataRef) -> String {
    // A shared string is the one case that borrows; every other value converts as it is.
    match v {
        DataRef::SharedString(s) => s.to_string(),
        v => data_text(&Data::from(v.clone())),
    }
}

fn is_number_line(t: &str) -> bool {
    let s: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    (s.starts_with("公开")
        || s.starts_with("表")
        || s.starts_with("附表")
        || s.starts_with("部门公开表"))
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().count() <= 10
}

/// `单位：万元`, `部门：…`, `部门名称：…`, `编制单位：…`: the PDF reader's rule, so that a
/// workbook and the PDF of the same tables read the same head lines.
fn is_head_line(t: &str) -> bool {
    super::pdf::classify::is_head_text(t)
}

fn is_note_line(t: &str) -> bool {
    let s = t.trim();
    s.starts_with("注")
        || s.starts_with("说明")
        || s.contains("此表为空")
        || s.contains("本单位无")
        || s.contains("本部门无")
}

/// A body row starts where a figure, a code or a 合计 line is printed.
fn is_body_row(cells: &[(u32, &str)]) -> bool {
    cells.iter().any(|(_, t)| {
        let t = t.trim();
        amount::parse(t).is_ok() || matches!(t.replace(' ', "").as_str(), "合计" | "总计")
    })
}

/// The sheet's table: the lines above the header (number, title, head lines), the
/// header rows with their merged cells, the body, the notes below.
fn sheet_table(sheet: &Sheet) -> Option<PrintedTable> {
    let rows = sheet.rows();
    let mut number = None;
    let mut title = String::new();
    let mut head_lines = Vec::new();
    let mut i = 0;
    // Lines above the header: one text (or a head line) each.
    while i < rows.len() {
        let cells = sheet.row_cells(rows[i]);
        let joined = cells
            .iter()
            .map(|(_, t)| t.trim())
            .collect::<Vec<_>>()
            .join(" ");
        if is_head_line(&joined) {
            head_lines.push(joined);
        } else if cells.len() == 1 && is_number_line(&joined) && number.is_none() {
            number = Some(joined.replace(' ', ""));
        } else if cells.len() == 1 && title.is_empty() {
            title = joined;
        } else if let [(_, a), (_, b)] = cells.as_slice()
            && title.is_empty()
            && number.is_none()
            && is_number_line(a)
        {
            // `公开01表` and the title on one row.
            number = Some(a.replace(' ', ""));
            title = b.trim().to_string();
        } else {
            break;
        }
        i += 1;
    }
    if i >= rows.len() {
        return None;
    }
    if title.is_empty() {
        // A sheet of rows of one text each is prose; a grid without a title row is
        // a table named by its sheet.
        let grid = rows[i..].iter().any(|r| sheet.row_cells(*r).len() > 1);
        if !grid {
            return None;
        }
        title = sheet.name.clone();
    }
    let first_col = sheet.cells.keys().map(|(_, c)| *c).min().unwrap_or(0);
    let last_col = sheet.cells.keys().map(|(_, c)| *c).max().unwrap_or(0);
    // Header rows: until the first body row, and at least through the merged cells
    // that start on the header's first row.
    let header_start = rows[i];
    let mut header_end = header_start;
    for m in &sheet.merges {
        if m.start.0 == header_start {
            header_end = header_end.max(m.end.0);
        }
    }
    let mut body_start = None;
    for &r in &rows[i..] {
        if r <= header_end {
            continue;
        }
        if is_body_row(&sheet.row_cells(r)) || r > header_start + 6 {
            body_start = Some(r);
            break;
        }
        header_end = r;
    }
    let mut header = Vec::new();
    for r in header_start..=header_end {
        let mut line = Vec::new();
        let mut c = first_col;
        while c <= last_col {
            let merge = sheet.merges.iter().find(|m| m.contains(r, c));
            match merge {
                Some(m) if m.start == (r, c) => {
                    line.push(HeaderCell {
                        text: sheet.text(r, c).trim().to_string(),
                        first: (c - first_col) as usize,
                        last: (m.end.1.min(last_col) - first_col) as usize,
                    });
                    c = m.end.1 + 1;
                    continue;
                }
                Some(_) => {}
                None => {
                    let t = sheet.text(r, c).trim();
                    if !t.is_empty() {
                        line.push(HeaderCell {
                            text: t.to_string(),
                            first: (c - first_col) as usize,
                            last: (c - first_col) as usize,
                        });
                    }
                }
            }
            c += 1;
        }
        header.push(line);
    }
    let mut body = Vec::new();
    let mut notes = Vec::new();
    let mut end = header_end;
    for &r in rows.iter().filter(|r| body_start.is_some_and(|b| **r >= b)) {
        let cells = sheet.row_cells(r);
        let joined = cells
            .iter()
            .map(|(_, t)| t.trim())
            .collect::<Vec<_>>()
            .join(" ");
        if cells.len() == 1 && (is_note_line(&joined) || !notes.is_empty()) {
            notes.push(joined);
            end = r;
            continue;
        }
        let texts = (first_col..=last_col)
            .map(|c| sheet.text(r, c).trim().to_string())
            .collect();
        body.push(PrintedRow {
            cells: texts,
            place: Place::Sheet {
                name: sheet.name.clone(),
                row: r + 1,
            },
            unsure: Vec::new(),
        });
        end = r;
    }
    Some(PrintedTable {
        number,
        title,
        head_lines,
        header,
        rows: body,
        notes,
        place: Place::Sheet {
            name: sheet.name.clone(),
            row: rows.first().map(|r| r + 1).unwrap_or(1),
        },
        end: Place::Sheet {
            name: sheet.name.clone(),
            row: end + 1,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of one part: `size` zero bytes, its sizes declared honestly.
    fn zeros(size: usize) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        w.write_all(&vec![0u8; size]).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn unpacked_bytes_are_counted_against_the_limit() {
        let file = Path::new("bomb.xlsx");
        let bytes = zeros(3 << 20);
        // Small on disk, three times the limit unpacked.
        assert!(bytes.len() < 64 * 1024);
        let err = check_zip(file, &bytes, 1 << 20).unwrap_err();
        assert!(matches!(err, ImportError::TooLarge { .. }), "{err}");
        assert!(check_zip(file, &bytes, 4 << 20).is_ok());
    }

    #[test]
    fn head_lines() {
        assert!(is_head_line("部门名称：江苏省高级人民法院"));
        assert!(is_head_line("部门：江苏省政协办公厅 单位：万元"));
        assert!(is_head_line("金额单位：元"));
        assert!(!is_head_line("部门预算"));
        assert!(!is_head_line("项目名称"));
    }

    #[test]
    fn float_noise_is_not_a_figure() {
        assert_eq!(float_text(1754.1 + 0.07), "1754.17");
        assert_eq!(float_text(426.0), "426");
        assert_eq!(float_text(0.1 + 0.2), "0.30");
        // A real third decimal stays, for the checker to report.
        assert_eq!(float_text(12.345), "12.345");
    }
}
