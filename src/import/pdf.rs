//! Reading a published PDF into a `PrintedDocument`: positioned text per page (the PDF
//! library, contained), then lines, table regions, grids and prose paragraphs.
//!
//! Containment: the file is checked before the library sees it (size, header, end
//! marker, page count); the library runs on its own thread under `catch_unwind` with a
//! deadline, so a panic or a hang in it becomes an `ImportError`, never a crash. The
//! thread of a reader that overran the deadline is left to finish on its own: the import
//! has already failed and writes nothing. See docs/import.md.

pub(crate) mod classify;
mod extract;
mod grid;
mod layout;
mod regions;

use crate::import::error::ImportError;
use crate::import::printed::{Place, PrintedDocument, PrintedTable};
use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// Limits a PDF is checked against before (and while) it is read.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_pages: usize,
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 200 * 1024 * 1024,
            max_pages: 1_000,
            timeout: Duration::from_secs(60),
        }
    }
}

/// Reads the PDF at `path` with the default limits.
pub fn read_pdf(path: &Path) -> Result<PrintedDocument, ImportError> {
    read_pdf_with(path, Limits::default())
}

/// Reads the PDF at `path`: tables as printed grids, prose as paragraphs.
pub fn read_pdf_with(path: &Path, limits: Limits) -> Result<PrintedDocument, ImportError> {
    let read_error = |e: std::io::Error| ImportError::Read {
        file: path.to_path_buf(),
        reason: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > limits.max_bytes {
        return Err(too_large(path, size, limits));
    }
    // Read through the limit too: the file may have grown since it was measured.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limits.max_bytes + 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    read_pdf_bytes(path, bytes, limits)
}

fn too_large(path: &Path, size: u64, limits: Limits) -> ImportError {
    ImportError::TooLarge {
        file: path.to_path_buf(),
        what: format!(
            "文件大小 {} MiB，上限 {} MiB",
            size.div_ceil(1024 * 1024),
            limits.max_bytes / (1024 * 1024)
        ),
    }
}

/// Reads a PDF already in memory, `path` naming it in messages: what `read_pdf_with`
/// does once the file is read (the fuzz target's entry).
pub fn read_pdf_bytes(
    path: &Path,
    bytes: Vec<u8>,
    limits: Limits,
) -> Result<PrintedDocument, ImportError> {
    let file = path.to_path_buf();
    if bytes.len() as u64 > limits.max_bytes {
        return Err(too_large(path, bytes.len() as u64, limits));
    }
    check_shape(&bytes).map_err(|reason| ImportError::NotReadable {
        file: file.clone(),
        reason: reason.to_string(),
    })?;
    let marked_encrypted = has_encrypt_entry(&bytes);
    let read = run_guarded(bytes, file.clone(), limits).map_err(|e| match e {
        Guarded::Panicked(reason) => ImportError::ReaderFailed {
            file: file.clone(),
            reason,
        },
        Guarded::TimedOut => ImportError::ReaderFailed {
            file: file.clone(),
            reason: format!("读取超过 {} 秒仍未完成", limits.timeout.as_secs()),
        },
        Guarded::Failed(extract::ExtractError::Encrypted) => {
            ImportError::Encrypted { file: file.clone() }
        }
        Guarded::Failed(extract::ExtractError::TooManyPages(n)) => ImportError::TooLarge {
            file: file.clone(),
            what: format!("共 {n} 页，上限 {} 页", limits.max_pages),
        },
        Guarded::Failed(extract::ExtractError::Timeout) => ImportError::ReaderFailed {
            file: file.clone(),
            reason: format!("读取超过 {} 秒仍未完成", limits.timeout.as_secs()),
        },
        // A file that names an encryption dictionary and does not open is taken as
        // encrypted: the likelier cause, and the message says what to do.
        Guarded::Failed(extract::ExtractError::Open(_)) if marked_encrypted => {
            ImportError::Encrypted { file: file.clone() }
        }
        Guarded::Failed(extract::ExtractError::Open(reason)) => ImportError::NotReadable {
            file: file.clone(),
            reason: format!("PDF 结构无法解析：{reason}"),
        },
        Guarded::Failed(extract::ExtractError::Page(n, reason)) => ImportError::ReaderFailed {
            file: file.clone(),
            reason: format!("第 {n} 页：{reason}"),
        },
    })?;
    match read {
        Read::Document(doc) => Ok(doc),
        // An encrypted file whose text the reader could not decrypt reads as empty.
        Read::NoText { encrypted } if encrypted || marked_encrypted => {
            Err(ImportError::Encrypted { file })
        }
        Read::NoText { .. } => Err(ImportError::NoText { file }),
    }
}

/// What the guarded reader hands back.
enum Read {
    Document(PrintedDocument),
    /// Not a character on any page.
    NoText {
        encrypted: bool,
    },
}

/// Cheap structural checks before the library is trusted with the bytes: a PDF header
/// at the start and an end-of-file marker near the end (a download cut short has none).
fn check_shape(bytes: &[u8]) -> Result<(), &'static str> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err("文件开头没有 PDF 标记，这不是 PDF 文件");
    }
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err("文件结尾不完整，可能下载或复制时被截断");
    }
    Ok(())
}

/// Whether the trailer names an encryption dictionary.
fn has_encrypt_entry(bytes: &[u8]) -> bool {
    bytes.windows(8).any(|w| w == b"/Encrypt")
}

enum Guarded {
    Panicked(String),
    TimedOut,
    Failed(extract::ExtractError),
}

/// Runs the library on a thread of its own, catching its panics, and waits no longer
/// than the timeout.
/// The layout runs on the same thread, so the deadline bounds it too.
fn run_guarded(bytes: Vec<u8>, file: std::path::PathBuf, limits: Limits) -> Result<Read, Guarded> {
    let deadline = Instant::now() + limits.timeout;
    let grace = limits.timeout + Duration::from_secs(1);
    let work = move || {
        let extracted = extract::extract(bytes, limits.max_pages, deadline)?;
        if extracted.pages.iter().all(|p| p.spans.is_empty()) {
            return Ok(Read::NoText {
                encrypted: extracted.encrypted,
            });
        }
        Ok(Read::Document(lay_out(file, &extracted.pages)))
    };
    match guarded(work, grace) {
        Ok(Ok(read)) => Ok(read),
        Ok(Err(e)) => Err(Guarded::Failed(e)),
        Err(e) => Err(e),
    }
}

/// Runs `work` on a thread of its own under `catch_unwind`: its result, its panic as
/// `Panicked`, or `TimedOut` when it has not finished after `timeout` (it is then left
/// to finish on its own).
fn guarded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    timeout: Duration,
) -> Result<T, Guarded> {
    let (send, receive) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pdf-reader".into())
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            // The receiver may be gone after a timeout; nothing is left to tell.
            let _ = send.send(result);
        });
    if let Err(e) = spawned {
        return Err(Guarded::Panicked(format!("无法启动读取线程：{e}")));
    }
    match receive.recv_timeout(timeout) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => {
            let reason = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "PDF 读取库内部错误".to_string());
            Err(Guarded::Panicked(reason))
        }
        Err(_) => Err(Guarded::TimedOut),
    }
}

/// Pages of positioned text into tables and prose.
fn lay_out(file: std::path::PathBuf, pages: &[layout::Page]) -> PrintedDocument {
    let lines: Vec<layout::Line> = pages.iter().flat_map(layout::lines_of).collect();
    let rules: BTreeMap<u32, Vec<layout::Rule>> =
        pages.iter().map(|p| (p.number, p.rules.clone())).collect();
    if std::env::var_os("GONGKAI_PDF_DEBUG").is_some() {
        for l in &lines {
            let chunks: Vec<String> = l
                .chunks
                .iter()
                .map(|c| format!("[{:.0}-{:.0}]{}", c.x0, c.x1, c.text))
                .collect();
            eprintln!("p{} y={:.0}-{:.0} {}", l.page, l.y0, l.y1, chunks.join(" "));
        }
    }
    let (regions, text) = regions::split(&lines, &rules);
    let tables = join_continued(
        regions
            .into_iter()
            .map(|r| grid::build(r, &rules))
            .collect(),
    );
    PrintedDocument {
        file,
        parts: u32::try_from(pages.len()).unwrap_or(u32::MAX),
        text,
        tables,
    }
}

/// A table whose title is printed again on the next page (`（续）`, or the same number
/// and title) is one table.
fn join_continued(tables: Vec<PrintedTable>) -> Vec<PrintedTable> {
    let base = |t: &str| {
        classify::squeeze(t)
            .trim_end_matches("（续）")
            .trim_end_matches("(续)")
            .trim_end_matches("续表")
            .to_string()
    };
    let mut out: Vec<PrintedTable> = Vec::new();
    for table in tables {
        if let Some(prev) = out.last_mut() {
            let same_title = base(&prev.title) == base(&table.title);
            let same_number =
                prev.number == table.number || prev.number.is_none() || table.number.is_none();
            let same_width = match (prev.rows.first(), table.rows.first()) {
                (Some(a), Some(b)) => a.cells.len() == b.cells.len(),
                _ => false,
            };
            let next_page = match (&prev.end, &table.place) {
                (Place::Page(a), Place::Page(b)) => *b == *a + 1,
                _ => false,
            };
            let continued = table.title.contains('续') || table.number.is_some() || next_page;
            if same_title && same_number && same_width && continued {
                prev.rows.extend(table.rows);
                prev.notes.extend(table.notes);
                prev.end = table.end;
                continue;
            }
        }
        out.push(table);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_the_reader_is_an_error() {
        let r: Result<(), Guarded> = guarded(|| panic!("xref broken"), Duration::from_secs(5));
        assert!(matches!(r, Err(Guarded::Panicked(ref m)) if m == "xref broken"));
    }

    #[test]
    fn a_reader_that_hangs_is_given_up() {
        let start = Instant::now();
        let r = guarded(
            || std::thread::sleep(Duration::from_secs(3)),
            Duration::from_millis(100),
        );
        assert!(matches!(r, Err(Guarded::TimedOut)));
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn shape_checks() {
        assert!(check_shape(b"%PDF-1.4\n...\n%%EOF\n").is_ok());
        assert!(check_shape(b"hello").is_err());
        assert!(check_shape(b"%PDF-1.4\n1 0 obj").is_err());
    }
}
