//! The manifest: each published file's content hash and sources, read and written.

use super::PublishError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// The manifest written into every output directory.
pub const MANIFEST: &str = ".gongkai-manifest.json";

#[derive(Default)]
pub struct Manifest {
    pub files: BTreeMap<String, Entry>,
    /// Each unit's key (`Renderer::unit_key`) when its files were rendered, and each
    /// search index segment's (under its folder, `search/<n>`): a later build with the
    /// same key carries them over without rendering.
    pub units: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    /// XXH3 64 of the content (hex) and its length ([`hash`]).
    pub hash: String,
    /// Site-relative sources this output was built from (`content/<unit>/…`,
    /// `templates/<name>`, `static/<file>`, `gongkai.toml`): a JSON array of strings,
    /// kept as its text (gongkai only writes it; the files of a disclosure share one).
    pub sources: Arc<str>,
}

impl Entry {
    pub(crate) fn new(hash: String, sources: &[String]) -> Result<Entry, PublishError> {
        Ok(Entry {
            hash,
            sources: compact(sources)?.into(),
        })
    }
}

/// The manifest's text (`version` 2): each distinct list of sources once, and each file
/// with its hash and the index of its sources in that list.
#[derive(Deserialize)]
pub(crate) struct ManifestText<'a> {
    pub(crate) version: u32,
    #[serde(borrow)]
    pub(crate) sources: Vec<&'a serde_json::value::RawValue>,
    pub(crate) files: BTreeMap<String, (String, usize)>,
    pub(crate) units: BTreeMap<String, String>,
}

/// The version of the manifest's text; a manifest of another version is not read (the
/// next build then writes every file anew).
pub(crate) const MANIFEST_VERSION: u32 = 2;

impl Manifest {
    /// The manifest as written: compact JSON with one list of sources, then one file,
    /// per line (`grep`-able, `jq`-readable), files in path order. A file's sources are
    /// `.sources[.files[path][1]]`.
    pub fn to_text(&self) -> Result<String, PublishError> {
        use std::fmt::Write as _;
        // Each list's index, in the order of first use.
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut lists: Vec<&str> = Vec::new();
        let at: Vec<usize> = self
            .files
            .values()
            .map(|e| {
                *index.entry(&e.sources).or_insert_with(|| {
                    lists.push(&e.sources);
                    lists.len() - 1
                })
            })
            .collect();
        let size = lists.iter().map(|l| l.len() + 2).sum::<usize>()
            + self
                .files
                .iter()
                .map(|(rel, e)| rel.len() + e.hash.len() + 16)
                .sum::<usize>();
        let mut text = String::with_capacity(size + 64 * (self.units.len() + 1));
        let _ = write!(text, "{{\"version\":{MANIFEST_VERSION},\"sources\":[");
        for (i, list) in lists.iter().enumerate() {
            text.push_str(if i == 0 { "\n" } else { ",\n" });
            text.push_str(list);
        }
        text.push_str("\n],\"files\":{");
        for (i, ((rel, entry), n)) in self.files.iter().zip(at).enumerate() {
            text.push_str(if i == 0 { "\n" } else { ",\n" });
            push_json_str(&mut text, rel)?;
            text.push_str(":[");
            push_json_str(&mut text, &entry.hash)?;
            let _ = write!(text, ",{n}]");
        }
        text.push_str("\n},\"units\":");
        text.push_str(&compact(&self.units)?);
        text.push_str("}\n");
        Ok(text)
    }

    /// The manifest of `text` ([`Manifest::to_text`]), if it is one of this version
    /// (any other is not read: the build then writes every file anew).
    pub fn from_text(text: &[u8]) -> Option<Manifest> {
        if let Some(m) = Self::from_lines(text) {
            return Some(m);
        }
        let m: ManifestText = serde_json::from_slice(text).ok()?;
        if m.version != MANIFEST_VERSION {
            return None;
        }
        let sources: Vec<Arc<str>> = m.sources.iter().map(|s| Arc::from(s.get())).collect();
        let files = m
            .files
            .into_iter()
            .map(|(rel, (hash, n))| {
                let sources = sources.get(n)?.clone();
                Some((rel, Entry { hash, sources }))
            })
            .collect::<Option<_>>()?;
        Some(Manifest {
            files,
            units: m.units,
        })
    }

    /// [`Manifest::from_text`] for a text laid out line by line as [`Manifest::to_text`]
    /// writes it, with no escaped character in its paths and hashes (so nearly always):
    /// read line by line, 52–62 ms against 84–95 ms with the JSON parser for the 17.6 MB
    /// manifest of 10,000 unit-years. `None` for anything else, which the JSON parser
    /// then reads.
    pub(crate) fn from_lines(text: &[u8]) -> Option<Manifest> {
        let text = std::str::from_utf8(text).ok()?;
        let rest = text.strip_prefix("{\"version\":2,\"sources\":[\n")?;
        let (lists, rest) = rest.split_once("\n],\"files\":{\n")?;
        let (files, units) = rest.rsplit_once("\n},\"units\":")?;
        let sources: Vec<Arc<str>> = lists
            .split(",\n")
            .map(|list| {
                // Each list is checked to be one JSON value: it is written back as it is.
                serde_json::from_str::<&serde_json::value::RawValue>(list).ok()?;
                Some(Arc::from(list))
            })
            .collect::<Option<_>>()?;
        let files = files
            .split(",\n")
            .map(|line| {
                // "path":["hash",n]
                if line.contains('\\') {
                    return None;
                }
                let (rel, rest) = line.strip_prefix('"')?.split_once("\":[\"")?;
                let (hash, rest) = rest.split_once("\",")?;
                let n: usize = rest.strip_suffix(']')?.parse().ok()?;
                let plain = |s: &str| !s.contains('"') && !s.bytes().any(|b| b < 0x20);
                (plain(rel) && plain(hash)).then_some(())?;
                let sources = sources.get(n)?.clone();
                let hash = hash.to_string();
                Some((rel.to_string(), Entry { hash, sources }))
            })
            .collect::<Option<Vec<_>>>()?;
        // In path order, each once, as written (else the JSON parser decides).
        files.windows(2).all(|w| w[0].0 < w[1].0).then_some(())?;
        let units = serde_json::from_str(units.strip_suffix("}\n")?).ok()?;
        Some(Manifest {
            files: files.into_iter().collect(),
            units,
        })
    }
}

/// Appends `s` as a JSON string (quoted as it is when nothing in it needs escaping, as
/// in nearly every path).
pub(crate) fn push_json_str(text: &mut String, s: &str) -> Result<(), PublishError> {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        text.push_str(&compact(s)?);
    } else {
        text.push('"');
        text.push_str(s);
        text.push('"');
    }
    Ok(())
}

pub(crate) fn compact<T: Serialize + ?Sized>(v: &T) -> Result<String, PublishError> {
    serde_json::to_string(v).map_err(|e| PublishError::Failed(e.to_string()))
}

/// A stable content hash (XXH3 64, plus the length): it tells whether a file may have
/// changed (a file whose hash is unchanged is still compared byte for byte before its
/// previous copy is kept, see [`Writer::put`]).
pub fn hash(bytes: &[u8]) -> String {
    let mut h = Hasher::default();
    h.add(bytes);
    h.finish()
}

/// [`hash`], fed piece by piece.
#[derive(Default)]
pub(crate) struct Hasher {
    pub(crate) state: xxhash_rust::xxh3::Xxh3Default,
    pub(crate) len: u64,
}

impl Hasher {
    pub(crate) fn add(&mut self, bytes: &[u8]) {
        self.state.update(bytes);
        self.len += bytes.len() as u64;
    }
    pub(crate) fn finish(&self) -> String {
        format!("{:016x}-{}", self.state.digest(), self.len)
    }
}

/// A file being written that hashes what passes through.
pub(crate) struct HashingFile {
    pub(crate) file: std::io::BufWriter<std::fs::File>,
    pub(crate) hasher: Hasher,
}

impl std::io::Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.add(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Reads the manifest of an existing output (empty when there is none or it is not
/// readable: everything is then written anew).
pub fn read_manifest(out: &Path) -> Manifest {
    read_manifest_with_id(out).0
}

/// [`read_manifest`], and what identifies that output: a hash of its manifest's text.
pub(crate) fn read_manifest_with_id(out: &Path) -> (Manifest, Option<String>) {
    let Ok(bytes) = std::fs::read(out.join(MANIFEST)) else {
        return (Manifest::default(), None);
    };
    match Manifest::from_text(&bytes) {
        Some(m) => (m, Some(hash(&bytes))),
        None => (Manifest::default(), None),
    }
}

/// The length recorded in a file's hash (its suffix).
pub(crate) fn recorded_len(e: &Entry) -> Option<u64> {
    hashed_len(&e.hash)
}

/// The length of the bytes a [`hash`] was made of (its suffix).
pub fn hashed_len(hash: &str) -> Option<u64> {
    hash.rsplit('-').next()?.parse().ok()
}
