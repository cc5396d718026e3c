//! Writing the inverted index and the document chunks of one segment, gzipped.

use super::*;

/// Gzip with a fixed header (no name, mtime 0): the same bytes give the same file.
/// Byte for byte what `flate2::GzBuilder` with `mtime(0)` and `Compression::fast()`
/// writes, but each thread keeps its compressor (reset, not made again: making one
/// zeroes its tables, which was most of the cost of a large site's many small files).
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>, OutputError> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static DEFLATE: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::fast(), false));
    }
    let failed = |e: &dyn std::fmt::Display| OutputError::Make(format!("无法压缩搜索索引：{e}"));
    // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=4 (fastest) OS=255 (unknown).
    let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255]);
    DEFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset();
        // As `GzEncoder` feeds it: all the input without flushing, then the end.
        loop {
            if out.capacity() - out.len() < 1024 {
                out.reserve(out.capacity().max(4096));
            }
            let read = usize::try_from(d.total_in()).map_err(|e| failed(&e))?;
            let rest = bytes.get(read..).unwrap_or_default();
            let flush = if rest.is_empty() {
                FlushCompress::Finish
            } else {
                FlushCompress::None
            };
            match d.compress_vec(rest, &mut out, flush) {
                Ok(Status::StreamEnd) => return Ok(()),
                Ok(_) => {}
                Err(e) => return Err(failed(&e)),
            }
        }
    })?;
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE: the length modulo 2^32.
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    Ok(out)
}

/// Where index files go as soon as each is made (path under the output, bytes): a large
/// site's index is never held whole.
pub type Put<'a> = dyn Fn(String, Vec<u8>) -> Result<(), OutputError> + Sync + 'a;

/// The index files (paths under `dir`) of the documents, sorted by path.
pub fn index_files(dir: &str, docs: &[Entry]) -> Result<Vec<(String, Vec<u8>)>, OutputError> {
    let out = std::sync::Mutex::new(Vec::new());
    write_index(dir, docs, &|rel, bytes| {
        out.lock()
            .map_err(|e| OutputError::Make(e.to_string()))?
            .push((rel, bytes));
        Ok(())
    })?;
    let mut out = out
        .into_inner()
        .map_err(|e| OutputError::Make(e.to_string()))?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Makes the index files of the documents under `dir` (`meta.json`, `i/`, `d/`), each
/// given to `put` as soon as it is made (from several threads).
pub fn write_index(dir: &str, docs: &[Entry], put: &Put) -> Result<(), OutputError> {
    use rayon::prelude::*;
    use std::collections::HashMap;
    // Postings: term → its ids (doc id * 2 + strong) as base-36 gaps, written as the
    // ids come (ascending), with the last id. A hash map: a B-tree of a large site's
    // million terms spent most of the index's time comparing strings.
    let mut postings: HashMap<&str, (String, u32), BuildFx> = HashMap::default();
    for (id, d) in docs.iter().enumerate() {
        let id = u32::try_from(id)
            .ok()
            .and_then(|id| id.checked_mul(2))
            .ok_or_else(|| OutputError::Make("搜索索引过大".to_string()))?;
        for (t, strong) in d.terms() {
            let v = id + u32::from(strong);
            let (gaps, last) = postings.entry(t).or_default();
            if !gaps.is_empty() {
                gaps.push(',');
            }
            push_base36(gaps, u64::from(v - *last));
            *last = v;
        }
    }
    // A term's line: the term, a tab, its gaps. The number of shards follows the size.
    let total: usize = postings
        .iter()
        .map(|(t, (g, _))| t.len() + g.len() + 2)
        .sum();
    let shards = u32::try_from(total.div_ceil(SHARD_TARGET).max(1))
        .map_err(|_| OutputError::Make("搜索索引过大".to_string()))?;
    // Every shard is written, also an empty one: a term's shard always exists. Its
    // lines are sorted by term.
    let mut by_shard: Vec<Vec<(&str, String)>> = (0..shards).map(|_| Vec::new()).collect();
    for (t, (gaps, _)) in postings {
        by_shard[shard_of(t, shards) as usize].push((t, gaps));
    }
    let files: Vec<(u32, String)> = by_shard
        .into_par_iter()
        .enumerate()
        .map(|(n, mut lines)| {
            lines.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let mut f =
                String::with_capacity(lines.iter().map(|(t, g)| t.len() + g.len() + 2).sum());
            for (t, gaps) in lines {
                f.push_str(t);
                f.push('\t');
                f.push_str(&gaps);
                f.push('\n');
            }
            (n as u32, f)
        })
        .collect();
    // Each file is compressed in parallel.
    files
        .into_par_iter()
        .try_for_each(|(n, text)| put(format!("{dir}/i/{n}.bin"), gzip(text.as_bytes())?))?;

    // Documents in chunks, per kind.
    let mut kinds = Vec::new();
    for (k, (name, per)) in KINDS.iter().enumerate() {
        let start = docs.iter().position(|d| d.kind == k).unwrap_or(0);
        let of_kind: Vec<&Entry> = docs.iter().filter(|d| d.kind == k).collect();
        of_kind
            .par_chunks(*per)
            .enumerate()
            .try_for_each(|(n, chunk)| {
                let mut json =
                    String::with_capacity(chunk.iter().map(|d| d.row.len() + 1).sum::<usize>() + 2);
                json.push('[');
                for (i, d) in chunk.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    json.push_str(&d.row);
                }
                json.push(']');
                put(format!("{dir}/d/{k}-{n}.bin"), gzip(json.as_bytes())?)
            })?;
        kinds.push(serde_json::json!({
            "name": name, "start": start, "count": of_kind.len(), "per": per
        }));
    }
    let meta = serde_json::json!({
        "shards": shards,
        "docs": docs.len(),
        "kinds": kinds,
    });
    put(
        format!("{dir}/meta.json"),
        serde_json::to_string(&meta)
            .map_err(|e| OutputError::Make(e.to_string()))?
            .into_bytes(),
    )
}
