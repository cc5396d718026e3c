//! What the import targets share: the bytes read as the command reads a file of that
//! name (`gongkai::import::read_bytes`: the same readers, limits and containment as
//! `gongkai import`), then recognized and rendered as the sources the command would write.
//!
//! Which panics are crashes: libfuzzer-sys's panic hook aborts on every panic, even one
//! the import catches (the PDF library runs on a thread of its own under `catch_unwind`,
//! calamine under `catch_unwind` on the caller's thread; either becomes "读取文件时出错",
//! exit 2). `contain_panics` replaces that hook with one that only prints each panic's
//! place once; libfuzzer-sys still aborts when a panic unwinds out of the target's body,
//! which is exactly a panic that would crash `gongkai import`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// Called from the target's `init`, after libfuzzer-sys has set its hook.
pub fn contain_panics() {
    static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let first = SEEN
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(place.clone());
        if first {
            let thread = std::thread::current();
            eprintln!(
                "panic in thread {:?} at {place}: {message} (a crash only if it leaves the import)",
                thread.name().unwrap_or("?")
            );
        }
    }));
}

/// Reads `bytes` as the file `name`, recognizes it as a one-file import and renders the
/// sources. Errors are the expected outcome for most inputs; only a panic that escapes
/// is a finding.
pub fn import(name: &str, bytes: &[u8]) {
    let path = Path::new(name);
    let Ok(doc) = gongkai::import::read_bytes(path, bytes.to_vec()) else {
        return;
    };
    if let Ok(draft) = gongkai::import::recognize::recognize(&[doc], None) {
        let _ = gongkai::import::write::render(&draft);
    }
}

/// The workbook an input stands for. An input that starts like a workbook (a zip, or the
/// old format's OLE signature) is the file itself. Any other input is a workbook's parts,
/// `name 0xFF bytes 0xFF name 0xFF bytes …`, zipped here (stored, with right checksums):
/// a mutated zip mostly fails its checksums before any part is parsed, so these inputs
/// are what reach calamine's XML and the table layout with mutated content.
/// `None` when the parts do not make a zip (a name twice).
#[allow(dead_code)] // the PDF target has no use for it
pub fn workbook(data: &[u8]) -> Option<Vec<u8>> {
    if data.starts_with(b"PK") || data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(data.to_vec());
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut parts = data.split(|b| *b == 0xFF);
    while let (Some(name), Some(bytes)) = (parts.next(), parts.next()) {
        zip.start_file(String::from_utf8_lossy(name), stored).ok()?;
        zip.write_all(bytes).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}
