//! The bad inputs of issue #18 through the real command: each stops `gongkai import`
//! with its message in Chinese and exit status 2, leaves no output folder, and stays
//! under 1 GiB of memory (the child's peak resident set, from `wait4`) and a time bound.
//! The inputs are made here: PDFs written byte by byte, a zip bomb deflated by hand.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What one run of the command gave.
struct Run {
    code: Option<i32>,
    stderr: String,
    /// Peak resident set of the child, in KiB.
    max_rss_kib: i64,
    elapsed: Duration,
}

/// `gongkai import FILE --out DIR/content --unit bad`, waited for with `wait4` so that
/// the child's own peak memory is known (other tests' children do not count).
// `wait4` reaps the child; std's `Child` does not know it.
#[allow(clippy::zombie_processes)]
fn import(file: &Path) -> (Run, PathBuf) {
    let content = file.parent().unwrap().join("content");
    let start = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("import")
        .arg(file)
        .arg("--out")
        .arg(&content)
        .args(["--unit", "bad"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The messages are a few lines: the pipe holds them until the child has exited.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills; the pid is our own child, not yet
    // waited for (std's `Child` is not used to wait afterwards).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let run = Run {
        code,
        stderr,
        max_rss_kib: usage.ru_maxrss,
        elapsed: start.elapsed(),
    };
    (run, content)
}

/// Writes `bytes` as `name` in a fresh folder, imports it and checks the refusal:
/// `message` in Chinese, exit 2, no content folder, under 1 GiB and `seconds`.
fn refused(name: &str, bytes: &[u8], message: &str, seconds: u64) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let (run, content) = import(&file);
    eprintln!(
        "{name}: exit {:?}, peak {} KiB, {:?}: {}",
        run.code,
        run.max_rss_kib,
        run.elapsed,
        run.stderr.trim()
    );
    assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
    assert!(run.stderr.contains(message), "{name}: {}", run.stderr);
    assert!(
        run.stderr.contains("导入未完成，没有写入任何文件"),
        "{name}: {}",
        run.stderr
    );
    assert!(!content.exists(), "{name}: the content folder was created");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != name)
        .collect();
    assert!(leftovers.is_empty(), "{name}: left behind {leftovers:?}");
    assert!(
        run.max_rss_kib < 1024 * 1024,
        "{name}: peak memory {} KiB",
        run.max_rss_kib
    );
    assert!(
        run.elapsed < Duration::from_secs(seconds),
        "{name}: took {:?}",
        run.elapsed
    );
    run
}

fn corpus_pdf() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/jiangsu/江苏省政协办公厅/江苏省政协办公厅2019年预算公开表.pdf");
    std::fs::read(&path).unwrap_or_else(|e| panic!("the corpus is missing: {e}"))
}

pub(crate) use crate::common::pdf_from;

pub(crate) fn stream(content: &[u8], dict: &str) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", content.len()).into_bytes();
    out.extend(content);
    out.extend(b"\nendstream");
    out
}

/// A scan: one page that paints one grey image over the page and prints no text.
pub(crate) fn scanned_pdf() -> Vec<u8> {
    let pixels: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37)).collect();
    pdf_from(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>".to_vec(),
        stream(b"q 495 0 0 742 50 50 cm /Im1 Do Q", ""),
        stream(
            &pixels,
            "/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8",
        ),
    ])
}

/// `pages` pages, each with one line of text, in one page tree.
pub(crate) fn pages_pdf(pages: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 5)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        stream(b"BT /F1 12 Tf 72 700 Td (Budget 2019) Tj ET", ""),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    for _ in 0..pages {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".to_vec(),
        );
    }
    pdf_from(&objects)
}

#[test]
fn an_encrypted_pdf() {
    // Made with `qpdf --encrypt secret-user secret-owner 256` from a one-line PDF.
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/encrypted.pdf"),
    )
    .unwrap();
    refused("encrypted.pdf", &bytes, "此 PDF 已加密", 30);
}

#[test]
fn a_scanned_pdf_without_a_text_layer() {
    refused(
        "scan.pdf",
        &scanned_pdf(),
        "此文件没有文字层，需要先做文字识别",
        30,
    );
}

#[test]
fn a_truncated_pdf() {
    let original = corpus_pdf();
    refused(
        "cut.pdf",
        &original[..original.len() * 3 / 10],
        "可能下载或复制时被截断",
        30,
    );
}

#[test]
fn a_corrupt_pdf() {
    // The corpus file with its header and end marker kept and everything between them
    // overwritten: the shape checks pass, the library finds no document.
    let mut bytes = corpus_pdf();
    let n = bytes.len();
    let mut state = 0x2545_4F46u32;
    for b in &mut bytes[16..n - 16] {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        *b = (state >> 16) as u8;
    }
    refused("corrupt.pdf", &bytes, "PDF 结构无法解析", 30);
}

#[test]
fn a_file_that_is_not_a_pdf_named_pdf() {
    // A workbook (a zip) renamed `.pdf`, as happens when files are mixed up.
    let zip = zip_of(
        "xl/workbook.xml",
        b"<workbook/>".to_vec(),
        11,
        0,
        Method::Stored,
    );
    refused("预算公开表.pdf", &zip, "这不是 PDF 文件", 30);
}

#[test]
fn a_pdf_of_two_thousand_pages() {
    // The same file with 20 pages reads (the control): only the page count refuses it.
    let tmp = tempfile::tempdir().unwrap();
    let small = tmp.path().join("twenty.pdf");
    std::fs::write(&small, pages_pdf(20)).unwrap();
    let doc = gongkai::import::read_file(&small).unwrap();
    assert_eq!(doc.parts, 20);
    refused(
        "pages.pdf",
        &pages_pdf(2_000),
        "文件超出导入限制（共 2000 页，上限 1000 页）",
        30,
    );
}

#[test]
fn an_xlsx_zip_bomb_with_honest_sizes() {
    // One part that unpacks to 300 MiB of zeros, from 2 MB: its header says so, and the
    // import stops before unpacking anything.
    let unpacked = 300 << 20;
    let bytes = zip_of(
        "xl/worksheets/sheet1.xml",
        zeros_deflated(unpacked),
        unpacked,
        0,
        Method::Deflated,
    );
    assert!(bytes.len() < 3 << 20, "{} bytes", bytes.len());
    refused("bomb.xlsx", &bytes, "可能是压缩炸弹", 30);
}

#[test]
fn an_xlsx_zip_bomb_that_lies_about_its_size() {
    // The same part declaring 1 KiB: unpacking stops one read past the declared size.
    let bytes = zip_of(
        "xl/worksheets/sheet1.xml",
        zeros_deflated(300 << 20),
        1024,
        0,
        Method::Deflated,
    );
    refused(
        "liar.xlsx",
        &bytes,
        "部件“xl/worksheets/sheet1.xml”解压后超过其声明的大小 1024 字节（可能是压缩炸弹）",
        30,
    );
}

/// Bits written least significant first, as deflate packs them.
struct Bits {
    out: Vec<u8>,
    used: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        for i in 0..count {
            if self.used.is_multiple_of(8) {
                self.out.push(0);
            }
            let bit = ((value >> i) & 1) as u8;
            *self.out.last_mut().unwrap() |= bit << (self.used % 8);
            self.used += 1;
        }
    }
    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.put((code >> i) & 1, 1);
        }
    }
}

/// A raw deflate stream of `size` zero bytes (`size` - 1 a multiple of 258): one block
/// with the fixed codes, a literal 0 and then copies of 258 bytes at distance 1, 13 bits
/// each — the densest deflate allows (about 1:1000).
fn zeros_deflated(size: u64) -> Vec<u8> {
    let mut bits = Bits {
        out: Vec::new(),
        used: 0,
    };
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..(size - 1) / 258 {
        bits.code(0xC5, 8); // length 258 (symbol 285)
        bits.code(0, 5); // distance 1
    }
    bits.code(0, 7); // end of block
    bits.out
}

#[derive(Clone, Copy)]
enum Method {
    Stored = 0,
    Deflated = 8,
}

/// A zip of one part whose headers declare `declared` bytes unpacked (and `crc`): made
/// by hand so that the declared size can differ from what the data unpacks to.
fn zip_of(name: &str, data: Vec<u8>, declared: u64, crc: u32, method: Method) -> Vec<u8> {
    let declared = u32::try_from(declared).unwrap();
    let packed = u32::try_from(data.len()).unwrap();
    let name_len = u16::try_from(name.len()).unwrap();
    let method = method as u16;
    let mut out = Vec::new();
    // Local file header.
    out.extend(0x0403_4b50u32.to_le_bytes());
    out.extend(20u16.to_le_bytes()); // version needed
    out.extend(0u16.to_le_bytes()); // flags
    out.extend(method.to_le_bytes());
    out.extend([0u8; 4]); // time, date
    out.extend(crc.to_le_bytes());
    out.extend(packed.to_le_bytes());
    out.extend(declared.to_le_bytes());
    out.extend(name_len.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // extra
    out.extend(name.as_bytes());
    out.extend(&data);
    // Central directory.
    let central = u32::try_from(out.len()).unwrap();
    out.extend(0x0201_4b50u32.to_le_bytes());
    out.extend(20u16.to_le_bytes()); // made by
    out.extend(20u16.to_le_bytes()); // needed
    out.extend(0u16.to_le_bytes()); // flags
    out.extend(method.to_le_bytes());
    out.extend([0u8; 4]); // time, date
    out.extend(crc.to_le_bytes());
    out.extend(packed.to_le_bytes());
    out.extend(declared.to_le_bytes());
    out.extend(name_len.to_le_bytes());
    out.extend([0u8; 12]); // extra, comment, disk, internal and external attributes
    out.extend(0u32.to_le_bytes()); // the local header's offset
    out.extend(name.as_bytes());
    let central_len = u32::try_from(out.len()).unwrap() - central;
    // End of central directory.
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]); // disk numbers
    out.extend(1u16.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(central_len.to_le_bytes());
    out.extend(central.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // comment
    out
}
