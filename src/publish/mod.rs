//! Atomic, incremental publishing of a rendered site.
//!
//! Rendered files stream in from the threads rendering units ([`Writer::put`]); each is
//! written at once into a temporary directory beside the output (so memory holds only
//! the files in flight), which is then swapped with the output in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux). The previous output is never written to: a
//! build that fails or is killed at any point leaves it intact and complete.
//!
//! `serve` updates its private preview directory in place instead ([`Mode::InPlace`]):
//! only the files of the units that changed are rendered, each written by a rename, and
//! the rest of the previous output is kept. A large file (4 MB or more) is on the disk
//! before it is renamed into place, so that the next edit's few small files do not wait
//! while the file system writes it out (ext4's `auto_da_alloc` does so at a rename over
//! an existing file).
//!
//! Incremental: the output carries a manifest ([`MANIFEST`]) naming, for each file, a
//! hash of its content and the sources it was built from. A file whose bytes equal the
//! previous output's is hard-linked from it (falling back to a copy that keeps the
//! modification time) instead of being written, so its mtime and inode stay and `rsync`
//! or an object-store sync uploads only what changed. Outputs of removed sources simply
//! are not in the new directory. `clean` writes every file anew.
//!
//! The standby: after a swap, the previous output is not removed but kept beside the
//! output (`.<name>.standby`, with its manifest). Its unchanged files are links of the
//! new output's, so the next build takes it as its directory and brings it up to date
//! with what changed in the last two builds only (a changed file written anew after the
//! standby's is removed — never written into, as it may be a link of the published
//! one, nor renamed over it, which would make the file system write it out at once; a
//! file that no longer exists removed), instead of linking a large site's two hundred
//! thousand files into a new directory and removing the old one. Which files are
//! already right it knows from the standby's manifest and the output's: a file with the
//! same hash in both is the same file (an unchanged file is always linked, never
//! written again), and it is still there when the times of its folders are those
//! recorded when it was published (no file added, removed or renamed in them since: a
//! file deleted by hand is noticed), else when one `stat` finds it. The manifest is
//! removed from the standby as it is taken, so one left half-updated by a killed build
//! is never trusted again.

use crate::build::render::{self, ASSET_DIR, MARKER, Renderer, Stats, UnitRef};
use crate::config::Config;
use crate::model::{Site, Unit};
use crate::views::listing::UnitListing;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The manifest written into every output directory.
pub const MANIFEST: &str = ".gongkai-manifest.json";
/// The error of a build stopped through [`Writer::cancelled_by`].
pub const CANCELLED: &str = "已取消（有新的修改）";

/// Test hook: when set to N, the process aborts after placing N files in the temporary
/// directory (as if killed mid-build).
pub const ABORT_HOOK: &str = "GONGKAI_TEST_ABORT_AFTER";

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
    fn new(hash: String, sources: &[String]) -> Result<Entry, String> {
        Ok(Entry {
            hash,
            sources: compact(sources)?.into(),
        })
    }
}

/// The manifest's text (`version` 2): each distinct list of sources once, and each file
/// with its hash and the index of its sources in that list.
#[derive(Deserialize)]
struct ManifestText<'a> {
    version: u32,
    #[serde(borrow)]
    sources: Vec<&'a serde_json::value::RawValue>,
    files: BTreeMap<String, (String, usize)>,
    units: BTreeMap<String, String>,
}

/// The version of the manifest's text; a manifest of another version is not read (the
/// next build then writes every file anew).
const MANIFEST_VERSION: u32 = 2;

impl Manifest {
    /// The manifest as written: compact JSON with one list of sources, then one file,
    /// per line (`grep`-able, `jq`-readable), files in path order. A file's sources are
    /// `.sources[.files[path][1]]`.
    pub fn to_text(&self) -> Result<String, String> {
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

    /// The manifest of `text` ([`Manifest::to_text`]), of this version or the first
    /// (each file with its own list of sources), if it is one.
    pub fn from_text(text: &[u8]) -> Option<Manifest> {
        // gongkai writes the version first (not read as a whole: that would parse the
        // manifest twice).
        if text.starts_with(b"{\"version\":1,") {
            return Self::from_text_v1(text);
        }
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
    fn from_lines(text: &[u8]) -> Option<Manifest> {
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

    /// A manifest written by gongkai before version 2: `{"version":1,"files":{path:
    /// {"hash":…,"sources":[…]}},"units":{…}}`. Read so that the first build after an
    /// upgrade still keeps the files that did not change.
    fn from_text_v1(text: &[u8]) -> Option<Manifest> {
        #[derive(Deserialize)]
        struct V1<'a> {
            #[serde(borrow)]
            files: BTreeMap<String, V1Entry<'a>>,
            #[serde(default)]
            units: BTreeMap<String, String>,
        }
        #[derive(Deserialize)]
        struct V1Entry<'a> {
            hash: String,
            #[serde(borrow)]
            sources: &'a serde_json::value::RawValue,
        }
        let m: V1 = serde_json::from_slice(text).ok()?;
        let mut lists: HashMap<&str, Arc<str>> = HashMap::new();
        let files = m
            .files
            .into_iter()
            .map(|(rel, e)| {
                let sources = lists
                    .entry(e.sources.get())
                    .or_insert_with(|| Arc::from(e.sources.get()))
                    .clone();
                (
                    rel,
                    Entry {
                        hash: e.hash,
                        sources,
                    },
                )
            })
            .collect();
        Some(Manifest {
            files,
            units: m.units,
        })
    }
}

/// Appends `s` as a JSON string (quoted as it is when nothing in it needs escaping, as
/// in nearly every path).
fn push_json_str(text: &mut String, s: &str) -> Result<(), String> {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        text.push_str(&compact(s)?);
    } else {
        text.push('"');
        text.push_str(s);
        text.push('"');
    }
    Ok(())
}

fn compact<T: Serialize + ?Sized>(v: &T) -> Result<String, String> {
    serde_json::to_string(v).map_err(|e| e.to_string())
}

/// What a publish did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stats: Stats,
    /// Files written anew (new or changed), sorted.
    pub written: Vec<String>,
    /// Files carried over unchanged from the previous output.
    pub kept: usize,
    /// Files of the previous output that are gone.
    pub removed: Vec<String>,
    /// Units whose files were carried over from the previous output without rendering.
    pub reused_units: usize,
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
struct Hasher {
    state: xxhash_rust::xxh3::Xxh3Default,
    len: u64,
}

impl Hasher {
    fn add(&mut self, bytes: &[u8]) {
        self.state.update(bytes);
        self.len += bytes.len() as u64;
    }
    fn finish(&self) -> String {
        format!("{:016x}-{}", self.state.digest(), self.len)
    }
}

/// A file being written that hashes what passes through.
struct HashingFile {
    file: std::io::BufWriter<std::fs::File>,
    hasher: Hasher,
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

const PAGE_TEMPLATES: &[&str] = &["templates/base.html", "gongkai.toml"];

fn with_templates(extra: &[&str], own: Vec<String>) -> Vec<String> {
    let mut v: Vec<String> = own;
    v.extend(extra.iter().map(|s| s.to_string()));
    v.extend(PAGE_TEMPLATES.iter().map(|s| s.to_string()));
    v.sort();
    v.dedup();
    v
}

/// The sources an output of unit `u` is built from: a file inside a disclosure's folder
/// (its page, its downloads) depends on that disclosure's files; the unit's other outputs
/// (its page) on all of the unit's files.
pub fn unit_sources(u: &Unit, rel: &str) -> Vec<String> {
    let unit_yaml = format!("content/{}/unit.yaml", u.slug);
    let own = |d: &crate::model::Disclosure| {
        let stem = format!("content/{}/{}-{}", u.slug, d.year, d.kind.as_str());
        let mut v = vec![format!("{stem}.yaml")];
        if d.text.is_some() {
            v.push(format!("{stem}.md"));
        }
        v
    };
    for d in &u.disclosures {
        let dir = crate::views::paths::disclosure_dir(u, d);
        if rel.starts_with(&dir) {
            let mut v = vec![unit_yaml];
            v.extend(own(d));
            if !rel.ends_with(".html") {
                // The downloads beside the page (`site::downloads`): the data only.
                v.sort();
                return v;
            }
            return with_templates(
                &[
                    "templates/disclosure.html",
                    "templates/table.html",
                    "templates/chart.html",
                ],
                v,
            );
        }
    }
    let mut v = vec![unit_yaml];
    for d in &u.disclosures {
        v.extend(own(d));
    }
    if rel == crate::outputs::feeds::unit_feed_path(&u.slug) {
        v.push("gongkai.toml".into());
        v.sort();
        return v;
    }
    with_templates(
        &[
            "templates/unit.html",
            "templates/chart.html",
            "templates/compare-figure.html",
        ],
        v,
    )
}

/// The sources of an output that is not a unit's: an asset comes from `static/`, a
/// listing from all of `content/` and its template.
pub fn site_sources(rel: &str) -> Vec<String> {
    if let Some(asset) = rel.strip_prefix(&format!("{ASSET_DIR}/")) {
        vec![format!("static/{asset}")]
    } else if rel == MARKER {
        Vec::new()
    } else if rel == "404.html" || rel == "robots.txt" || rel == "search/index.html" {
        let template = rel.replace("/index", "");
        with_templates(&[format!("templates/{template}").as_str()], Vec::new())
    } else if rel.starts_with("search/") {
        // The search index lists every unit, like the home page.
        vec!["content/".into()]
    } else if rel == crate::outputs::feeds::FEED || rel == crate::outputs::datapackage::PATH {
        vec!["content/".into(), "gongkai.toml".into()]
    } else if rel.starts_with(&format!("{}/", crate::outputs::compare::DIR)) {
        with_templates(
            &[
                "templates/compare.html",
                "templates/compare-figure.html",
                "templates/compare-index.html",
            ],
            vec!["content/".into()],
        )
    } else {
        let template = format!("templates/{}", rel.rsplit('/').next().unwrap_or(rel));
        with_templates(&[template.as_str()], vec!["content/".into()])
    }
}

/// Reads the manifest of an existing output (empty when there is none or it is not
/// readable: everything is then written anew).
pub fn read_manifest(out: &Path) -> Manifest {
    read_manifest_with_id(out).0
}

/// [`read_manifest`], and what identifies that output: a hash of its manifest's text.
fn read_manifest_with_id(out: &Path) -> (Manifest, Option<String>) {
    let Ok(bytes) = std::fs::read(out.join(MANIFEST)) else {
        return (Manifest::default(), None);
    };
    match Manifest::from_text(&bytes) {
        Some(m) => (m, Some(hash(&bytes))),
        None => (Manifest::default(), None),
    }
}

/// The modification times (ns) of an output's folders as it was published, kept beside
/// the output (in the shares' folder, under the output's id, see
/// [`read_manifest_with_id`]): a folder whose time is unchanged when that output is
/// taken as the standby has had no file added, removed or renamed since, so the files
/// its manifest lists are there (see [`Writer::reuse_folder`]). Not in the output
/// itself, which stays byte for byte what the sources make.
fn folder_times_path(cache: &Path, id: &str) -> PathBuf {
    cache.join(format!("{FOLDER_TIMES}{id}"))
}

/// The start of the names of the files of [`folder_times_path`].
const FOLDER_TIMES: &str = "_folders-";

fn read_folder_times(cache: &Path, id: &str) -> BTreeMap<String, i64> {
    std::fs::read(folder_times_path(cache, id))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Saves the folder times of the output `id` and removes those of outputs other than
/// `id` and `keep` (the previous output, now the standby). Only a speed-up: failures
/// are ignored (the files are then checked one by one).
fn save_folder_times(cache: &Path, id: &str, keep: Option<&str>, times: &BTreeMap<String, i64>) {
    if let Ok(entries) = std::fs::read_dir(cache) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(other) = name.strip_prefix(FOLDER_TIMES)
                && other != id
                && Some(other) != keep
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    if let Ok(json) = serde_json::to_vec(times)
        && std::fs::create_dir_all(cache).is_ok()
    {
        let _ = write_by_rename(&folder_times_path(cache, id), &json);
    }
}

fn abort_after() -> Option<usize> {
    std::env::var(ABORT_HOOK).ok()?.parse().ok()
}

/// Removes temporary directories left beside the output by killed builds (their
/// process is gone).
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        for p in &prefixes {
            if let Some(pid) = file.strip_prefix(p.as_str()) {
                let alive = pid
                    .parse::<u32>()
                    .map(|pid| Path::new(&format!("/proc/{pid}")).exists())
                    .unwrap_or(true);
                let empty = std::fs::read_dir(e.path())
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(false);
                if !alive && (empty || e.path().join(MARKER).is_file()) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }
}

/// True when `a` and `b` are regular files (not symlinks) with the same bytes.
fn same_files(a: &Path, b: &Path) -> bool {
    use std::io::Read as _;
    let regular = |p: &Path| {
        std::fs::symlink_metadata(p)
            .ok()
            .filter(|m| m.file_type().is_file())
            .map(|m| m.len())
    };
    let (Some(la), Some(lb)) = (regular(a), regular(b)) else {
        return false;
    };
    if la != lb {
        return false;
    }
    let (Ok(fa), Ok(fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut ra, mut rb) = (
        std::io::BufReader::with_capacity(1 << 16, fa),
        std::io::BufReader::with_capacity(1 << 16, fb),
    );
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = match ra.read(&mut ba) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return true;
        }
        if rb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

/// True when `path` is a regular file (not a symlink) whose bytes are `bytes`.
fn same_file(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(path).map(|b| b == bytes).unwrap_or(false)
        }
        _ => false,
    }
}

/// Carries `from` over to `to`: a hard link, or a copy with the same mtime.
fn carry_over(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)?;
    let mtime = std::fs::metadata(from)?.modified()?;
    std::fs::File::options()
        .write(true)
        .open(to)?
        .set_modified(mtime)
}

/// Swaps `tmp` in as `out` in one step where the system can; otherwise by two
/// renames (with the old one put back on failure). Returns where the previous output
/// now is (`tmp` or `old`), if there was one.
fn swap_in(tmp: &Path, out: &Path, old: &Path) -> Result<Option<PathBuf>, String> {
    if !out.exists() {
        return std::fs::rename(tmp, out)
            .map(|_| None)
            .map_err(|e| format!("无法写入 {}：{e}", out.display()));
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let a = std::ffi::CString::new(tmp.as_os_str().as_bytes()).map_err(|e| e.to_string())?;
        let b = std::ffi::CString::new(out.as_os_str().as_bytes()).map_err(|e| e.to_string())?;
        // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them as given.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc == 0 {
            // `tmp` now holds the previous output.
            return Ok(Some(tmp.to_path_buf()));
        }
    }
    std::fs::rename(out, old).map_err(|e| format!("无法替换 {}：{e}", out.display()))?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(old, out);
        return Err(format!("无法写入 {}：{e}", out.display()));
    }
    Ok(Some(old.to_path_buf()))
}

/// The folder the output `out` is in, and its name (`None` for a path without one).
fn parent_and_name(out: &Path) -> Option<(PathBuf, String)> {
    let name = out.file_name()?.to_string_lossy().into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some((parent, name))
}

/// The standby of output `name` in `parent`: the previous output, kept after a swap to
/// become the next build's directory (see [`Writer`]).
fn standby_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.standby"))
}

/// The folder of the indexes' shares of output `name` in `parent` (`site::shares`).
fn shares_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.gongkai-cache"))
}

/// What builds keep beside the output `out` on purpose: the standby and the indexes'
/// shares.
pub fn beside(out: &Path) -> Vec<PathBuf> {
    parent_and_name(out)
        .map(|(parent, name)| vec![standby_path(&parent, &name), shares_path(&parent, &name)])
        .unwrap_or_default()
}

/// Takes the standby at `standby` for a build by renaming it to the build's own
/// directory `dir` (of two builds at once, one gets it), and returns its manifest.
/// The manifest is removed from it first: a build that stops while updating it leaves
/// a directory that is never trusted again (`remove_stale` removes it). A standby
/// without its manifest and marker is removed.
fn take_standby(standby: &Path, dir: &Path, cache: &Path) -> Option<Standby> {
    std::fs::rename(standby, dir).ok()?;
    let manifest = (dir.join(MARKER).is_file() && dir.join(MANIFEST).is_file())
        .then(|| read_manifest_with_id(dir))
        .filter(|(m, _)| !m.files.is_empty());
    match manifest {
        Some((m, id)) if std::fs::remove_file(dir.join(MANIFEST)).is_ok() => Some(Standby {
            files: m
                .files
                .into_iter()
                .map(|(rel, entry)| (rel, entry.hash))
                .collect(),
            dirs: id
                .map(|id| read_folder_times(cache, &id))
                .unwrap_or_default(),
        }),
        _ => {
            let _ = std::fs::remove_dir_all(dir);
            None
        }
    }
}

/// What the standby's manifest says it holds.
struct Standby {
    /// Its files and their hashes.
    files: BTreeMap<String, String>,
    /// Its folders' modification times when it was published.
    dirs: BTreeMap<String, i64>,
}

/// The modification time of `path` in nanoseconds, if it is a directory.
fn dir_mtime(path: &Path) -> Option<i64> {
    use std::os::unix::fs::MetadataExt as _;
    let m = std::fs::symlink_metadata(path).ok()?;
    m.is_dir()
        .then(|| {
            m.mtime()
                .checked_mul(1_000_000_000)?
                .checked_add(m.mtime_nsec())
        })
        .flatten()
}

/// The folders of the files `rels` (not the top folder), each once, in order.
fn folders<'a>(rels: impl IntoIterator<Item = &'a String>) -> Vec<&'a str> {
    let mut dirs: Vec<&str> = rels
        .into_iter()
        .filter_map(|rel| rel.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    dirs
}

/// The entries of `from` whose path `present` lacks, in order (both maps walked once,
/// side by side).
fn not_in<'a, V, W>(
    from: &'a BTreeMap<String, V>,
    present: &BTreeMap<String, W>,
) -> Vec<(&'a String, &'a V)> {
    let mut present = present.keys().peekable();
    from.iter()
        .filter(|(rel, _)| {
            while present.next_if(|p| p < rel).is_some() {}
            present.peek() != Some(rel)
        })
        .collect()
}

/// How a [`Writer`] places the files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Into a temporary directory swapped in at the end; unchanged files are hard-linked
    /// from the previous output unless `clean`.
    Swap { clean: bool },
    /// Into the output itself, each changed file by a rename; files not put this time are
    /// kept if the `keep` predicate given to [`Writer::finish`] says so (`serve`).
    InPlace,
}

/// Places rendered files into the output as they come (from several threads), records
/// the manifest, and publishes at [`Writer::finish`]. Dropped without `finish`, it
/// removes what it wrote beside the output (a standby it took included) and leaves the
/// output as it was.
pub struct Writer {
    mode: Mode,
    out: PathBuf,
    /// Where files go: the temporary directory (swap) or the output (in place).
    dir: PathBuf,
    old: PathBuf,
    /// Where the previous output is kept after the swap (see the type's docs).
    standby_at: PathBuf,
    previous: Manifest,
    /// What identifies the previous output (see [`read_manifest_with_id`]).
    previous_id: Option<String>,
    /// Where the outputs' folder times are kept ([`folder_times_path`]).
    cache: PathBuf,
    /// When `dir` is the standby (the output before the previous one, see the type's
    /// docs): the files it holds and their hashes, from its manifest.
    standby: Option<Standby>,
    entries: Mutex<BTreeMap<String, Entry>>,
    /// The units' keys for the manifest (swap mode).
    units: Mutex<BTreeMap<String, String>>,
    outcome: Mutex<Outcome>,
    /// Directories already created under `dir` (most files share their folder).
    made: Mutex<std::collections::HashSet<PathBuf>>,
    placed: AtomicUsize,
    abort: Option<usize>,
    /// Set (by another thread) to stop this build: every later `put` fails with
    /// [`CANCELLED`] (see [`Writer::cancelled_by`]).
    cancel: Option<Arc<AtomicBool>>,
    finished: bool,
}

impl Writer {
    /// Starts writing the site at `site_root` to `out` (refusing an output that gongkai
    /// did not write).
    pub fn begin(out: &Path, site_root: &Path, mode: Mode) -> Result<Writer, String> {
        render::check_output(out, site_root)?;
        let (parent, name) =
            parent_and_name(out).ok_or_else(|| format!("输出目录 {} 无效", out.display()))?;
        std::fs::create_dir_all(&parent)
            .map_err(|e| format!("无法创建 {}：{e}", parent.display()))?;
        let pid = std::process::id();
        let standby_at = standby_path(&parent, &name);
        let mode = if mode == Mode::InPlace && !out.join(MANIFEST).is_file() {
            Mode::Swap { clean: false }
        } else {
            mode
        };
        let cache = shares_path(&parent, &name);
        let (dir, standby, (previous, previous_id)) = match mode {
            Mode::Swap { clean } => {
                remove_stale(&parent, &name);
                let tmp = parent.join(format!(".{name}.tmp-{pid}"));
                let _ = std::fs::remove_dir_all(&tmp);
                let standby = &standby_at;
                let (taken, previous) = if clean || !out.join(MANIFEST).is_file() {
                    let _ = std::fs::remove_dir_all(standby);
                    (None, (Manifest::default(), None))
                } else {
                    // Both manifests are large on a large site: read at once.
                    rayon::join(
                        || take_standby(standby, &tmp, &cache),
                        || read_manifest_with_id(out),
                    )
                };
                if taken.is_none() {
                    std::fs::create_dir_all(&tmp)
                        .map_err(|e| format!("无法创建 {}：{e}", tmp.display()))?;
                }
                (tmp, taken, previous)
            }
            Mode::InPlace => (out.to_path_buf(), None, read_manifest_with_id(out)),
        };
        let writer = Writer {
            mode,
            out: out.to_path_buf(),
            dir,
            old: parent.join(format!(".{name}.old-{pid}")),
            standby_at,
            previous,
            previous_id,
            cache,
            standby,
            entries: Mutex::new(BTreeMap::new()),
            units: Mutex::new(BTreeMap::new()),
            outcome: Mutex::new(Outcome::default()),
            made: Mutex::new(std::collections::HashSet::new()),
            placed: AtomicUsize::new(0),
            abort: abort_after(),
            cancel: None,
            finished: false,
        };
        // First, the mark that gongkai wrote this directory (see `render::check_output`).
        writer.put(MARKER, b"gongkai\n", Vec::new())?;
        Ok(writer)
    }

    /// Stops placing files once `flag` is set: `serve` drops a rebuild that newer edits
    /// make stale. Dropped without `finish`, the writer leaves the output as a swap
    /// leaves it (untouched), or in place with whole files only and the old manifest.
    pub fn cancelled_by(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    fn go_on(&self) -> Result<(), String> {
        match &self.cancel {
            Some(flag) if flag.load(Ordering::SeqCst) => Err(CANCELLED.to_string()),
            _ => Ok(()),
        }
    }

    /// How files are placed (an in-place writer without a previous output swaps).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Places one file built from `sources`. Two files with the same path are an error.
    pub fn put(&self, rel: &str, bytes: &[u8], sources: Vec<String>) -> Result<(), String> {
        self.go_on()?;
        let h = hash(bytes);
        self.enter(rel, Entry::new(h.clone(), &sources)?)?;
        self.abort_hook();
        let same_as_before = self.previous.files.get(rel).map(|e| &e.hash) == Some(&h);
        let path = self.dir.join(rel);
        let before = self.out.join(rel);
        let written = match self.mode {
            Mode::Swap { clean } => {
                let unchanged = !clean && same_as_before && same_file(&before, bytes);
                if unchanged && self.mirror(rel).is_ok() {
                    false
                } else {
                    self.make_parent(&path)?;
                    // The standby's file may be a link of the output's: removed and
                    // written anew, never written into (see `place_new`).
                    if self.standby.is_some() {
                        place_new(&path);
                    }
                    std::fs::write(&path, bytes)
                        .map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
                    true
                }
            }
            Mode::InPlace => {
                // The file itself decides (the first part of a `serve` rebuild may have
                // written it already, see `write_in_place`).
                if same_file(&path, bytes) {
                    false
                } else {
                    self.make_parent(&path)?;
                    write_by_rename(&path, bytes)?;
                    true
                }
            }
        };
        self.record(rel, written, bytes.len() as u64)
    }

    /// Places one file that `write` writes piece by piece (a large file never held in
    /// memory whole): into a temporary file beside its place, hashed on the way, then
    /// renamed into place, or dropped for the previous output's file when the bytes
    /// are the same. Returns its hash ([`hash`]).
    pub fn put_streamed(
        &self,
        rel: &str,
        sources: Vec<String>,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), String>,
    ) -> Result<String, String> {
        self.go_on()?;
        if self
            .entries
            .lock()
            .map_err(|e| e.to_string())?
            .contains_key(rel)
        {
            return Err(format!("两个输出文件的路径相同：{rel}"));
        }
        let path = self.dir.join(rel);
        self.make_parent(&path)?;
        let tmp = tmp_beside(&path);
        let failed = |e: String| {
            let _ = std::fs::remove_file(&tmp);
            e
        };
        let file =
            std::fs::File::create(&tmp).map_err(|e| format!("无法写入 {}：{e}", tmp.display()))?;
        let mut out = HashingFile {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            hasher: Hasher::default(),
        };
        write(&mut out).map_err(failed)?;
        std::io::Write::flush(&mut out)
            .map_err(|e| failed(format!("无法写入 {}：{e}", tmp.display())))?;
        drop(out.file);
        let h = out.hasher.finish();
        let len = out.hasher.len;
        self.enter(rel, Entry::new(h.clone(), &sources).map_err(failed)?)
            .map_err(failed)?;
        self.abort_hook();
        let same_as_before = self.previous.files.get(rel).map(|e| &e.hash) == Some(&h);
        let before = self.out.join(rel);
        let keep_before = match self.mode {
            Mode::Swap { clean } => {
                !clean && same_as_before && same_files(&before, &tmp) && self.mirror(rel).is_ok()
            }
            Mode::InPlace => same_as_before && same_files(&path, &tmp),
        };
        if keep_before {
            let _ = std::fs::remove_file(&tmp);
        } else {
            if self.mode == Mode::InPlace {
                replace_by(&tmp, &path, len).map_err(failed)?;
            } else {
                // Into the standby: nothing is renamed over (see `place_new`).
                place_new(&path);
                std::fs::rename(&tmp, &path)
                    .map_err(|e| failed(format!("无法写入 {}：{e}", path.display())))?;
            }
        }
        self.record(rel, !keep_before, len)?;
        Ok(h)
    }

    /// The previous output's file `rel` and the hash its manifest records, if it had
    /// one (a large file may be made partly from its bytes, see `datapackage::write`);
    /// none for a clean build.
    pub fn earlier(&self, rel: &str) -> Option<(PathBuf, String)> {
        if self.mode == (Mode::Swap { clean: true }) {
            return None;
        }
        let e = self.previous.files.get(rel)?;
        Some((self.out.join(rel), e.hash.clone()))
    }

    /// Carries the files of unit `slug` over from the previous output unrendered, when
    /// it was rendered with the same `key` (and this build is neither clean nor in
    /// place) and all its files are still there; false when they must be rendered.
    pub fn reuse_unit(&self, slug: &str, key: &str) -> Result<bool, String> {
        let reused = self.reuse_folder(slug, key)?;
        if reused {
            self.outcome.lock().map_err(|e| e.to_string())?.reused_units += 1;
        }
        Ok(reused)
    }

    /// Carries the files under `folder` (a unit's, or a segment of the search index)
    /// over from the previous output, when they were made with the same `key` (and this
    /// build is neither clean nor in place) and are all still there; false when they
    /// must be made.
    pub fn reuse_folder(&self, folder: &str, key: &str) -> Result<bool, String> {
        self.go_on()?;
        if self.mode != (Mode::Swap { clean: false })
            || self.previous.units.get(folder).map(String::as_str) != Some(key)
        {
            return Ok(false);
        }
        // The unit's files: those under `folder/`, one range of the sorted manifest.
        let prefix = format!("{folder}/");
        let files: Vec<(&String, &Entry)> = self
            .previous
            .files
            .range(prefix.clone()..)
            .take_while(|(rel, _)| rel.starts_with(&prefix))
            .collect();
        // Every file at hand: the standby already holds it (the same hash in both
        // manifests, see `mirror`), or the output has it, a regular file of the recorded
        // length (the hash's suffix). The standby's folders unchanged since it was
        // published (no file added, removed or renamed in them): it holds the files its
        // manifest gives the output's hash without a `stat` of each.
        let unchanged = self.standby.as_ref().is_some_and(|s| {
            folders(files.iter().map(|(rel, _)| *rel)).iter().all(|d| {
                s.dirs
                    .get(*d)
                    .is_some_and(|t| dir_mtime(&self.dir.join(d)) == Some(*t))
            })
        });
        let at_hand = |rel: &str, e: &Entry| {
            let len = recorded_len(e)?;
            let listed = || self.standby.as_ref().and_then(|s| s.files.get(rel)) == Some(&e.hash);
            if (unchanged && listed()) || self.standby_holds(rel, e) {
                return Some((len, true));
            }
            std::fs::symlink_metadata(self.out.join(rel))
                .ok()
                .filter(|m| m.file_type().is_file() && m.len() == len)
                .map(|_| (len, false))
        };
        let Some(found) = files
            .iter()
            .map(|(rel, e)| at_hand(rel, e))
            .collect::<Option<Vec<(u64, bool)>>>()
            .filter(|l| !l.is_empty())
        else {
            return Ok(false);
        };
        {
            // One lock for the unit's files.
            let mut entries = self.entries.lock().map_err(|e| e.to_string())?;
            for (rel, entry) in &files {
                if entries.insert((*rel).clone(), (*entry).clone()).is_some() {
                    return Err(format!("两个输出文件的路径相同：{rel}"));
                }
            }
        }
        for ((rel, _), (_, held)) in files.iter().zip(&found) {
            self.abort_hook();
            if !held {
                self.mirror(rel)
                    .map_err(|e| format!("无法沿用 {}：{e}", self.out.join(rel).display()))?;
            }
        }
        let lens = found.iter().map(|(len, _)| *len);
        self.record_many(false, files.iter().map(|(rel, _)| rel.as_str()).zip(lens))?;
        self.folder_made(folder, key.to_string())?;
        Ok(true)
    }

    /// Notes that the files under `folder` (a unit's, or a search index segment's, see
    /// [`Writer::reuse_folder`]), made with `key`, are all placed (the next build may
    /// carry them over).
    pub fn folder_made(&self, folder: &str, key: String) -> Result<(), String> {
        self.units
            .lock()
            .map_err(|e| e.to_string())?
            .insert(folder.to_string(), key);
        Ok(())
    }

    /// Makes `rel` in this build's directory the output's file of that path: a hard link
    /// (or a copy keeping its mtime) into a fresh directory; in the standby, nothing when
    /// the standby holds that file already ([`Writer::standby_holds`]), else a link put
    /// over the standby's by a rename.
    fn mirror(&self, rel: &str) -> std::io::Result<()> {
        let (live, path) = (self.out.join(rel), self.dir.join(rel));
        let io = |e: String| std::io::Error::other(e);
        if self.standby.is_none() {
            self.make_parent(&path).map_err(io)?;
            return carry_over(&live, &path);
        }
        if let Some(e) = self.previous.files.get(rel)
            && self.standby_holds(rel, e)
        {
            return Ok(());
        }
        self.make_parent(&path).map_err(io)?;
        let tmp = tmp_beside(&path);
        let _ = std::fs::remove_file(&tmp);
        carry_over(&live, &tmp)?;
        std::fs::rename(&tmp, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    /// True when the standby holds the output's file `rel` (published as `e`): its
    /// manifest gives it the same hash (an unchanged file is always linked, never
    /// written again, so it is that very file) and it is there, of the recorded length
    /// (it may have been deleted by hand while it was the output).
    fn standby_holds(&self, rel: &str, e: &Entry) -> bool {
        self.standby.as_ref().and_then(|s| s.files.get(rel)) == Some(&e.hash)
            && std::fs::symlink_metadata(self.dir.join(rel))
                .is_ok_and(|m| m.file_type().is_file() && Some(m.len()) == recorded_len(e))
    }

    /// Records `rel` in the manifest; two files with the same path are an error.
    fn enter(&self, rel: &str, entry: Entry) -> Result<(), String> {
        let mut entries = self.entries.lock().map_err(|e| e.to_string())?;
        if entries.contains_key(rel) {
            return Err(format!("两个输出文件的路径相同：{rel}"));
        }
        entries.insert(rel.to_string(), entry);
        Ok(())
    }

    /// Counts a placed file in the outcome.
    fn record(&self, rel: &str, written: bool, len: u64) -> Result<(), String> {
        self.record_many(written, [(rel, len)])
    }

    /// [`Writer::record`] of several files (path, length), under one lock.
    fn record_many<'a>(
        &self,
        written: bool,
        files: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Result<(), String> {
        let mut o = self.outcome.lock().map_err(|e| e.to_string())?;
        for (rel, len) in files {
            if written {
                o.written.push(rel.to_string());
            } else {
                o.kept += 1;
            }
            o.stats.files += 1;
            o.stats.bytes += len;
            if rel.ends_with(".html") {
                o.stats.pages += 1;
            }
        }
        Ok(())
    }

    /// Creates the folder of `path` unless this writer already did.
    fn make_parent(&self, path: &Path) -> Result<(), String> {
        let Some(dir) = path.parent() else {
            return Ok(());
        };
        if self.made.lock().map_err(|e| e.to_string())?.contains(dir) {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
        self.made
            .lock()
            .map_err(|e| e.to_string())?
            .insert(dir.to_path_buf());
        Ok(())
    }

    /// The test hook: abort (as if killed) when the configured number of files is placed.
    fn abort_hook(&self) {
        let placed = self.placed.fetch_add(1, Ordering::Relaxed);
        if self.abort == Some(placed) {
            eprintln!("gongkai：{ABORT_HOOK}={placed}，中止");
            std::process::abort();
        }
    }

    /// Writes the manifest and publishes. A file of the previous output that was not put
    /// this time is removed, unless (in place) `keep` says it still stands.
    pub fn finish(mut self, keep: impl Fn(&str) -> bool) -> Result<Outcome, String> {
        self.finished = true;
        let result = self.finish_inner(keep);
        if result.is_err() && matches!(self.mode, Mode::Swap { .. }) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        result
    }

    fn finish_inner(&mut self, keep: impl Fn(&str) -> bool) -> Result<Outcome, String> {
        let mut entries = std::mem::take(&mut *self.entries.lock().map_err(|e| e.to_string())?);
        let mut outcome = std::mem::take(&mut *self.outcome.lock().map_err(|e| e.to_string())?);
        for (rel, entry) in not_in(&self.previous.files, &entries) {
            if self.mode == Mode::InPlace && keep(rel) {
                entries.insert(rel.clone(), entry.clone());
            } else {
                outcome.removed.push(rel.clone());
            }
        }
        outcome.written.sort();
        let mut units = std::mem::take(&mut *self.units.lock().map_err(|e| e.to_string())?);
        if self.mode == Mode::InPlace {
            // Units not rendered this time keep their key while their files stay.
            let present: std::collections::BTreeSet<&str> = entries
                .keys()
                .filter_map(|rel| rel.split_once('/').map(|(top, _)| top))
                .collect();
            for (slug, key) in &self.previous.units {
                if !units.contains_key(slug) && present.contains(slug.as_str()) {
                    units.insert(slug.clone(), key.clone());
                }
            }
        }
        // The standby's files that this build did not put (old outputs) go.
        if let (Mode::Swap { .. }, Some(standby)) = (self.mode, &self.standby) {
            for (rel, _) in not_in(&standby.files, &entries) {
                remove_with_empty_folders(&self.dir, rel);
            }
        }
        // The folders' times as published (after every file is placed or removed; the
        // manifest goes in the top folder, which is not recorded).
        let times: BTreeMap<String, i64> = match self.mode {
            Mode::Swap { .. } => {
                use rayon::prelude::*;
                folders(entries.keys())
                    .into_par_iter()
                    .filter_map(|d| Some((d.to_string(), dir_mtime(&self.dir.join(d))?)))
                    .collect()
            }
            Mode::InPlace => BTreeMap::new(),
        };
        let manifest = Manifest {
            files: entries,
            units,
        };
        let text = manifest.to_text()?;
        match self.mode {
            Mode::Swap { clean } => {
                // Saved before the swap: an output is never published without them
                // (a build killed in between leaves times no output has, removed later).
                let keep = self.previous_id.as_deref().filter(|_| !clean);
                save_folder_times(&self.cache, &hash(text.as_bytes()), keep, &times);
                self.abort_hook();
                std::fs::write(self.dir.join(MANIFEST), text)
                    .map_err(|e| format!("无法写入清单：{e}"))?;
                let previous = swap_in(&self.dir, &self.out, &self.old)?;
                // The previous output becomes the next build's standby: its unchanged
                // files are links of the new output's, so the next build updates it
                // with only what changed instead of linking every file anew. After a
                // clean build it shares nothing and goes.
                if let Some(previous) = previous {
                    let kept = !clean && std::fs::rename(&previous, &self.standby_at).is_ok();
                    if !kept {
                        let _ = std::fs::remove_dir_all(&previous);
                    }
                }
            }
            Mode::InPlace => {
                for rel in &outcome.removed {
                    remove_with_empty_folders(&self.out, rel);
                }
                write_by_rename(&self.out.join(MANIFEST), text.as_bytes())?;
            }
        }
        Ok(outcome)
    }
}

/// The length recorded in a file's hash (its suffix).
fn recorded_len(e: &Entry) -> Option<u64> {
    hashed_len(&e.hash)
}

/// The length of the bytes a [`hash`] was made of (its suffix).
pub fn hashed_len(hash: &str) -> Option<u64> {
    hash.rsplit('-').next()?.parse().ok()
}

/// Removes `root/rel`, and the folders above it that this leaves empty (up to `root`).
fn remove_with_empty_folders(root: &Path, rel: &str) {
    let path = root.join(rel);
    let _ = std::fs::remove_file(&path);
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.finished && matches!(self.mode, Mode::Swap { .. }) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Places one file straight into a published output, outside any [`Writer`] (the first,
/// quick part of a `serve` rebuild): by a rename, and only when its bytes changed.
/// The manifest is not touched; the full rebuild that follows records the file (a
/// manifest entry is never trusted without comparing the file itself, see `put`).
/// Returns whether the file was written.
pub fn write_in_place(out: &Path, rel: &str, bytes: &[u8]) -> Result<bool, String> {
    if Path::new(rel).is_absolute() || rel.split('/').any(|c| c == ".." || c.is_empty()) {
        return Err(format!("内部错误：输出路径 {rel} 无效"));
    }
    let path = out.join(rel);
    if same_file(&path, bytes) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
    }
    write_by_rename(&path, bytes)?;
    Ok(true)
}

/// Where a file for `path` is written before it is renamed over it: beside it, hidden,
/// named for this process.
fn tmp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` beside `path` and renames it over `path`, so a reader sees the old or
/// the new file, never half of one. A large file is on the disk first (see
/// [`Writer::put_streamed`]).
fn write_by_rename(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = tmp_beside(path);
    std::fs::write(&tmp, bytes).map_err(|e| format!("无法写入 {}：{e}", tmp.display()))?;
    replace_by(&tmp, path, bytes.len() as u64).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// From this size on, a file renamed over another is written to the disk first.
const LARGE: u64 = 4 << 20;

/// Renames `tmp` (of `len` bytes) over `path`; a large file is on the disk first: else
/// the file system writes it out at the rename, and whatever changes the file system
/// next (the next save's few small files, under `serve`) waits behind it (ext4's
/// `auto_da_alloc`).
fn replace_by(tmp: &Path, path: &Path, len: u64) -> Result<(), String> {
    if len >= LARGE {
        std::fs::File::open(tmp)
            .and_then(|f| f.sync_data())
            .map_err(|e| format!("无法写入 {}：{e}", tmp.display()))?;
    }
    std::fs::rename(tmp, path).map_err(|e| format!("无法写入 {}：{e}", path.display()))
}

/// Removes the standby's file at `path` before a new one takes its place: renamed over
/// it instead, the new file's data would be written to the disk at once, and every
/// later change to the file system would wait for it (ext4's `auto_da_alloc`; 220 MB for
/// `datapackage.json` at 10,000 unit-years). The standby is not served.
fn place_new(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Shows how far a long build is (units done / total, elapsed) on stderr, at most five
/// times a second; silent when not enabled.
pub struct Progress {
    enabled: bool,
    total: usize,
    done: AtomicUsize,
    started: Instant,
    shown: Mutex<Instant>,
}

impl Progress {
    pub fn new(enabled: bool, total: usize) -> Progress {
        let now = Instant::now();
        Progress {
            enabled,
            total,
            done: AtomicUsize::new(0),
            started: now,
            shown: Mutex::new(now),
        }
    }

    /// One more unit done.
    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.enabled {
            return;
        }
        if let Ok(mut shown) = self.shown.try_lock()
            && shown.elapsed() >= Duration::from_millis(200)
        {
            *shown = Instant::now();
            eprint!(
                "\r已生成 {done}/{} 个单位，{:.1} 秒",
                self.total,
                self.started.elapsed().as_secs_f64()
            );
        }
    }

    /// Ends the progress line (if one was shown).
    pub fn finish(&self) {
        if self.enabled && self.started.elapsed() >= Duration::from_millis(200) {
            eprintln!(
                "\r已生成 {}/{} 个单位，{:.1} 秒",
                self.done.load(Ordering::Relaxed),
                self.total,
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

/// What to render: the whole site, or (serve, in place) only some units.
pub enum Scope<'a> {
    All,
    Units(&'a std::collections::BTreeSet<String>),
}

/// Places the site-wide outputs with their sources, and notes their paths for the
/// sitemap.
struct SiteEmit<'a> {
    writer: &'a Writer,
    paths: Mutex<Vec<String>>,
}

impl SiteEmit<'_> {
    fn note(&self, rel: &str) -> Result<(), String> {
        render::check_reserved(rel)?;
        self.paths
            .lock()
            .map_err(|e| e.to_string())?
            .push(rel.to_string());
        Ok(())
    }
}

impl render::Emit for SiteEmit<'_> {
    fn file(&self, rel: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.note(rel)?;
        self.writer.put(rel, &bytes, site_sources(rel))
    }
    fn stream(
        &self,
        rel: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), String>,
    ) -> Result<String, String> {
        self.note(rel)?;
        self.writer.put_streamed(rel, site_sources(rel), write)
    }
    fn earlier(&self, rel: &str) -> Option<(PathBuf, String)> {
        self.writer.earlier(rel)
    }
    fn reuse(&self, folder: &str, key: &str) -> Result<bool, String> {
        self.writer.reuse_folder(folder, key)
    }
    fn made(&self, folder: &str, key: String) -> Result<(), String> {
        self.writer.folder_made(folder, key)
    }
}

/// Renders the site's outputs in `scope` with `renderer` and places them with `writer`:
/// the units' listings first, then the listings, sitemap and assets, and at the same
/// time the units in parallel (rayon), each unit's files written as soon as they are
/// rendered. `units` are the site's units in folder order.
pub fn render_into(
    renderer: &Renderer,
    units: &[UnitRef],
    scope: Scope,
    writer: &Writer,
    progress: &Progress,
) -> Result<(), String> {
    use rayon::prelude::*;
    render::check_unit_names(units)?;
    // What the listings need of each unit, made or read back once.
    let listing = crate::timings::phase("各单位的列表信息");
    let listings: Vec<UnitListing> = units
        .par_iter()
        .map(|u| renderer.listing(*u))
        .collect::<Result<_, _>>()?;
    drop(listing);
    let todo: Vec<(UnitRef, &UnitListing)> = units
        .iter()
        .copied()
        .zip(&listings)
        .filter(|(u, _)| match scope {
            Scope::All => true,
            Scope::Units(slugs) => slugs.contains(u.slug()),
        })
        .collect();
    // The listings and the units are independent: both run at once.
    let (shared, units) = rayon::join(
        || {
            let emit = SiteEmit {
                writer,
                paths: Mutex::new(Vec::new()),
            };
            let site = crate::timings::phase("全站页面和索引");
            renderer.site_files(units, &listings, &emit)?;
            drop(site);
            let mut paths = std::mem::take(&mut *emit.paths.lock().map_err(|e| e.to_string())?);
            paths.sort();
            let pages = render::page_paths(&listings, &paths);
            let shared = renderer
                .sitemap_files(&pages)?
                .into_iter()
                .chain(renderer.asset_files()?);
            for (rel, bytes) in shared {
                writer.put(&rel, &bytes, site_sources(&rel))?;
            }
            Ok::<(), String>(())
        },
        || {
            let _units = crate::timings::phase("各单位的页面");
            todo.par_iter().try_for_each(|(u, listing)| {
                let key = renderer.unit_key(u.digest());
                let reused = match &key {
                    Some(key) => writer.reuse_unit(u.slug(), key)?,
                    None => false,
                };
                if !reused {
                    let unit = u.unit()?;
                    for (rel, bytes) in renderer.unit_files(unit, listing)? {
                        writer.put(&rel, &bytes, unit_sources(unit, &rel))?;
                    }
                    if let Some(key) = key {
                        writer.folder_made(u.slug(), key)?;
                    }
                }
                progress.tick();
                Ok::<(), String>(())
            })
        },
    );
    shared?;
    units?;
    progress.finish();
    Ok(())
}

/// A build about to run: its renderer and the folder where units' shares are kept.
/// Made before the sources are checked, so that the check can skip the units whose
/// listing the previous build kept under the same key ([`Plan::kept_listing`]).
pub struct Plan {
    renderer: Renderer,
    store: Option<crate::build::shares::ShareStore>,
    site_root: PathBuf,
    out: PathBuf,
    clean: bool,
    /// Each unit folder's stat and its sources' digest, as the previous build learned
    /// them (see `source::Planner::known`).
    known: std::collections::HashMap<String, (u64, u64)>,
    /// What this build learns of them, saved for the next.
    learned: Mutex<BTreeMap<String, (u64, u64)>>,
}

impl Plan {
    pub fn new(config: &Config, site_root: &Path, out: &Path, clean: bool) -> Result<Plan, String> {
        let mut renderer = Renderer::new(config, site_root)?;
        // Each unit's share of the listings, kept beside the output for the next build.
        let store = parent_and_name(out)
            .map(|(parent, name)| {
                crate::build::shares::ShareStore::open(shares_path(&parent, &name))
            })
            .transpose()?;
        if let Some(store) = &store {
            if clean {
                store.clear()?;
            }
            renderer = renderer.with_store(store.clone());
        }
        let known = store
            .as_ref()
            .filter(|_| !clean)
            .map(|s| s.folder_stats().into_iter().collect())
            .unwrap_or_default();
        Ok(Plan {
            renderer,
            store,
            site_root: site_root.to_path_buf(),
            out: out.to_path_buf(),
            clean,
            known,
            learned: Mutex::new(BTreeMap::new()),
        })
    }

    /// The listing the previous build kept for unit `slug` under the key its sources
    /// (`digest`) give now, if any: such a unit need not be parsed nor checked again (a
    /// listing is kept only for a unit without unacknowledged errors).
    pub fn kept_listing(&self, slug: &str, digest: u64) -> Option<UnitListing> {
        if self.clean {
            return None;
        }
        self.renderer.kept_listing(slug, digest)
    }

    /// Renders `site` (the units read) and `kept` (the units not read) and publishes
    /// them to the output atomically (see the module docs); `failing` are the units with
    /// unacknowledged errors (built with `--allow-errors`), whose listings are not kept.
    /// Shows progress on stderr when `progress` is set.
    pub fn build(
        self,
        site: &Site,
        kept: &[(crate::source::Kept, UnitListing)],
        failing: std::collections::BTreeSet<String>,
        progress: bool,
    ) -> Result<Outcome, String> {
        if let (Some(store), Ok(learned)) = (&self.store, self.learned.lock()) {
            store.put_folder_stats(&learned);
        }
        let renderer = self.renderer.unlisted(failing);
        let begin = crate::timings::phase("读取上次输出的清单");
        let writer = Writer::begin(&self.out, &self.site_root, Mode::Swap { clean: self.clean })?;
        drop(begin);
        // Read and kept units, in folder order.
        let mut units: Vec<UnitRef> = site
            .units
            .iter()
            .map(UnitRef::Read)
            .chain(kept.iter().map(|(k, l)| UnitRef::Kept(k, l)))
            .collect();
        units.sort_by(|a, b| a.slug().cmp(b.slug()));
        let progress = Progress::new(progress, units.len());
        render_into(&renderer, &units, Scope::All, &writer, &progress)?;
        let finish = crate::timings::phase("写清单、替换输出");
        let outcome = writer.finish(|_| false)?;
        drop(finish);
        if let Some(store) = &self.store {
            store.retain(&units.iter().map(|u| u.slug()).collect());
        }
        Ok(outcome)
    }
}

/// A build's check skips the units whose listing it kept under their current key, and
/// does not even read the folders whose stat it knows (see `source::load_planned`).
impl crate::source::Planner<UnitListing> for Plan {
    fn keep(&self, slug: &str, digest: u64) -> Option<UnitListing> {
        self.kept_listing(slug, digest)
    }
    fn known(&self, slug: &str, stat: u64) -> Option<u64> {
        match self.known.get(slug) {
            Some((s, digest)) if *s == stat => Some(*digest),
            _ => None,
        }
    }
    fn learned(&self, slug: &str, stat: u64, digest: u64) {
        if let Ok(mut l) = self.learned.lock() {
            l.insert(slug.to_string(), (stat, digest));
        }
    }
}

/// Renders the site and publishes it to `out` atomically (see the module docs); shows
/// progress on stderr when `progress` is set.
pub fn build(
    site: &Site,
    config: &Config,
    site_root: &Path,
    out: &Path,
    clean: bool,
    progress: bool,
) -> Result<Outcome, String> {
    Plan::new(config, site_root, out, clean)?.build(site, &[], Default::default(), progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt as _;

    fn streamed(writer: &Writer, rel: &str, pieces: &[&str]) -> Result<String, String> {
        writer.put_streamed(rel, Vec::new(), &mut |out| {
            for p in pieces {
                out.write_all(p.as_bytes()).map_err(|e| e.to_string())?;
            }
            Ok(())
        })
    }

    #[test]
    fn not_in_gives_the_entries_the_other_map_lacks_in_order() {
        let map = |keys: &[&str]| -> BTreeMap<String, usize> {
            keys.iter()
                .enumerate()
                .map(|(i, k)| (k.to_string(), i))
                .collect()
        };
        let from = map(&["a", "a/b", "b", "c/d", "e"]);
        let present = map(&["0", "a/b", "b0", "c/d", "f"]);
        let lacking: Vec<&str> = not_in(&from, &present)
            .into_iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(lacking, ["a", "b", "e"]);
        assert_eq!(not_in(&from, &BTreeMap::<String, ()>::new()).len(), 5);
        assert!(not_in(&BTreeMap::<String, ()>::new(), &from).is_empty());
    }

    #[test]
    fn the_manifest_is_json_with_one_file_per_line_and_reads_back_the_same() {
        let mut m = Manifest::default();
        for (rel, sources) in [
            ("a/index.html", vec!["content/a/unit.yaml".to_string()]),
            ("a/t.csv", vec!["content/a/unit.yaml".to_string()]),
            ("b \"引号\"/x.csv", vec![]),
            (
                "index.html",
                vec!["content/".into(), "templates/index.html".into()],
            ),
        ] {
            m.files.insert(
                rel.into(),
                Entry::new(hash(rel.as_bytes()), &sources).unwrap(),
            );
        }
        m.units.insert("a".into(), "key-1".into());
        let text = m.to_text().unwrap();
        // One line per distinct list of sources (three), then one per file.
        assert_eq!(text.lines().count(), 3 + 3 + m.files.len(), "{text}");
        assert_eq!(text.lines().nth(1), Some("[\"content/a/unit.yaml\"],"));
        assert!(text.contains("\n\"a/index.html\":[\""), "{text}");
        assert!(text.contains(",0],\n\"a/t.csv\":[\""), "{text}");
        // Plain JSON: a file's sources are `.sources[.files[path][1]]`.
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let n = json["files"]["index.html"][1].as_u64().unwrap() as usize;
        assert_eq!(
            json["sources"][n],
            serde_json::json!(["content/", "templates/index.html"])
        );
        let back = Manifest::from_text(text.as_bytes()).unwrap();
        assert_eq!(back.to_text().unwrap(), text);
        let sources: Vec<String> = serde_json::from_str(&back.files["index.html"].sources).unwrap();
        assert_eq!(sources, ["content/", "templates/index.html"]);
        assert_eq!(back.units, m.units);
        // An empty one; one of another version, or with a source index out of range, is
        // not read.
        let empty = Manifest::default().to_text().unwrap();
        assert!(
            Manifest::from_text(empty.as_bytes())
                .unwrap()
                .files
                .is_empty()
        );
        let v3 = text.replacen("\"version\":2", "\"version\":3", 1);
        assert!(Manifest::from_text(v3.as_bytes()).is_none());
        let out_of_range = text.replacen(",0],", ",9],", 1);
        assert!(Manifest::from_text(out_of_range.as_bytes()).is_none());
        // Read line by line unless a path needs escaping (then by the JSON parser).
        assert!(Manifest::from_lines(text.as_bytes()).is_none());
        m.files.retain(|rel, _| !rel.contains('"'));
        let plain = m.to_text().unwrap();
        let fast = Manifest::from_lines(plain.as_bytes()).unwrap();
        assert_eq!(fast.to_text().unwrap(), plain);
        assert_eq!(fast.units, m.units);
        assert_eq!(fast.files.len(), 3);
        for damaged in [
            plain.replacen(",0],", ",0,", 1),
            plain.replacen("[\"content/\",", "[\"content/\"", 1),
            plain.replacen("\"a/t.csv\"", "\"0\"", 1),
        ] {
            assert!(
                Manifest::from_lines(damaged.as_bytes()).is_none(),
                "{damaged}"
            );
        }
        // A manifest of version 1 (before each list of sources was written once).
        let v1 = concat!(
            "{\"version\":1,\"files\":{\n",
            "\"a/index.html\":{\"hash\":\"h1-3\",\"sources\":[\"content/a/unit.yaml\"]},\n",
            "\"index.html\":{\"hash\":\"h2-4\",\"sources\":[\"content/\"]}\n",
            "},\"units\":{\"a\":\"key-1\"}}\n"
        );
        let old = Manifest::from_text(v1.as_bytes()).unwrap();
        assert_eq!(old.files["a/index.html"].hash, "h1-3");
        assert_eq!(&*old.files["index.html"].sources, "[\"content/\"]");
        assert_eq!(old.units, m.units);
    }

    #[test]
    fn a_streamed_file_is_placed_hashed_and_kept_when_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path().join("site"), dir.path().join("public"));
        std::fs::create_dir_all(&root).unwrap();
        let writer = Writer::begin(&out, &root, Mode::Swap { clean: false }).unwrap();
        let h = streamed(&writer, "data/big.json", &["{\"a\":", "[1,2]", "}"]).unwrap();
        assert_eq!(h, hash(b"{\"a\":[1,2]}"));
        let first = writer.finish(|_| false).unwrap();
        assert_eq!(first.written, [MARKER, "data/big.json"]);
        let path = out.join("data/big.json");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":[1,2]}");
        // The manifest holds the same hash as for the whole bytes.
        let manifest = read_manifest(&out);
        assert_eq!(manifest.files["data/big.json"].hash, hash(b"{\"a\":[1,2]}"));
        let inode = std::fs::metadata(&path).unwrap().ino();

        // The same bytes again (in other pieces): the previous file is carried over.
        let writer = Writer::begin(&out, &root, Mode::Swap { clean: false }).unwrap();
        assert_eq!(writer.earlier("data/big.json"), Some((path.clone(), h)));
        assert_eq!(writer.earlier("data/other.json"), None);
        streamed(&writer, "data/big.json", &["{\"a\":[1,", "2]}"]).unwrap();
        let again = writer.finish(|_| false).unwrap();
        assert!(again.written.is_empty(), "{:?}", again.written);
        assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);

        // In place, changed bytes replace the file; nothing is left beside it.
        let writer = Writer::begin(&out, &root, Mode::InPlace).unwrap();
        streamed(&writer, "data/big.json", &["{}"]).unwrap();
        writer.finish(|_| true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
        let names: Vec<_> = std::fs::read_dir(out.join("data"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["big.json"]);
    }

    #[test]
    fn a_cancelled_writer_places_nothing_more_and_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path().join("site"), dir.path().join("public"));
        std::fs::create_dir_all(&root).unwrap();
        let writer = Writer::begin(&out, &root, Mode::Swap { clean: false }).unwrap();
        writer.put("a.html", b"old", Vec::new()).unwrap();
        writer.finish(|_| false).unwrap();

        let flag = Arc::new(AtomicBool::new(false));
        let writer = Writer::begin(&out, &root, Mode::Swap { clean: false })
            .unwrap()
            .cancelled_by(flag.clone());
        writer.put("a.html", b"new", Vec::new()).unwrap();
        flag.store(true, Ordering::SeqCst);
        assert_eq!(
            writer.put("b.html", b"more", Vec::new()),
            Err(CANCELLED.to_string())
        );
        assert_eq!(
            streamed(&writer, "c.json", &["{}"]),
            Err(CANCELLED.to_string())
        );
        drop(writer);
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert!(!out.join("b.html").exists());
    }

    #[test]
    fn a_failed_stream_leaves_no_file_and_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path().join("site"), dir.path().join("public"));
        std::fs::create_dir_all(&root).unwrap();
        let writer = Writer::begin(&out, &root, Mode::Swap { clean: false }).unwrap();
        streamed(&writer, "big.json", &["old"]).unwrap();
        writer.finish(|_| false).unwrap();

        let writer = Writer::begin(&out, &root, Mode::InPlace).unwrap();
        let failed = writer.put_streamed("big.json", Vec::new(), &mut |out| {
            out.write_all(b"half of a new").map_err(|e| e.to_string())?;
            Err("生成失败".to_string())
        });
        assert_eq!(failed, Err("生成失败".to_string()));
        drop(writer);
        assert_eq!(
            std::fs::read_to_string(out.join("big.json")).unwrap(),
            "old"
        );
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != MANIFEST && n != MARKER)
            .collect();
        assert_eq!(names, ["big.json"]);
    }
}
