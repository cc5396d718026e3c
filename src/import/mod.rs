//! `gongkai import`: published PDFs and workbooks of one unit-year in, a unit's folder of
//! sources out. `pdf` and `xlsx` read a file into a `printed::PrintedDocument`;
//! `recognize` gives the printed tables their kinds, columns and rows; `write` lays the
//! sources out atomically. See docs/import.md.

pub mod draft;
pub mod error;
pub mod pdf;
pub mod printed;
pub mod recognize;
pub mod write;
pub mod xlsx;

use error::ImportError;
use printed::PrintedDocument;
use std::path::Path;

/// Reads one published file by its extension: a `.pdf` with a text layer, an `.xlsx` /
/// `.xls` workbook.
pub fn read_file(path: &Path) -> Result<PrintedDocument, ImportError> {
    if !path.is_file() {
        return Err(ImportError::Read {
            file: path.to_path_buf(),
            reason: "文件不存在或不是普通文件".to_string(),
        });
    }
    match extension(path).as_str() {
        "xlsx" | "xls" => xlsx::read_workbook(path),
        "pdf" => pdf::read_pdf(path),
        _ => Err(unknown_extension(path)),
    }
}

/// Reads a published file already in memory, as `read_file` reads it from the disk:
/// the reader is chosen by `path`'s extension, and each reader's limits apply.
pub fn read_bytes(path: &Path, bytes: Vec<u8>) -> Result<PrintedDocument, ImportError> {
    match extension(path).as_str() {
        "xlsx" | "xls" => xlsx::read_workbook_bytes(path, bytes),
        "pdf" => pdf::read_pdf_bytes(path, bytes, pdf::Limits::default()),
        _ => Err(unknown_extension(path)),
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn unknown_extension(path: &Path) -> ImportError {
    ImportError::NotReadable {
        file: path.to_path_buf(),
        reason: "只能导入 .pdf、.xlsx 或 .xls 文件".to_string(),
    }
}

/// Reads `files` (one unit-year), recognizes them and writes the unit's sources under
/// `content`. Nothing is written unless every file was read and recognized.
pub fn import(
    files: &[&Path],
    content: &Path,
    slug: Option<&str>,
    force: bool,
) -> Result<(draft::Draft, write::Written), ImportError> {
    let docs = files
        .iter()
        .map(|f| read_file(f))
        .collect::<Result<Vec<_>, _>>()?;
    let mut d = recognize::recognize(&docs, slug)?;
    if slug.is_none() {
        // A unit already imported under another folder name keeps its folder.
        if let Some(existing) = existing_slug(content, &d.unit.name) {
            d.slug = existing;
        }
    }
    let written = write::write(content, &d, force)?;
    Ok((d, written))
}

/// The folder under `content` whose `unit.yaml` names `name`, if any.
fn existing_slug(content: &Path, name: &str) -> Option<String> {
    let mut dirs: Vec<_> = std::fs::read_dir(content)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter().find_map(|p| {
        let text = std::fs::read_to_string(p.join("unit.yaml")).ok()?;
        let line = text.lines().find(|l| l.starts_with("name:"))?;
        let v = line["name:".len()..].split(" #").next()?.trim();
        let v = v.trim_matches('"').trim_matches('\'');
        let folder = p.file_name()?.to_string_lossy().into_owned();
        (v == name).then_some(folder)
    })
}
