//! Sources: finding, reading and parsing the files under `content/` into the model.
//!
//! Every problem found on the way becomes a diagnostic; loading never stops at the first
//! bad file, and never panics on bad input.

pub mod convert;
pub mod fast_yaml;
mod fs;
pub mod rules;
pub mod schema;

use crate::model::diagnostic::{Diagnostic, Loc, Rule};
use crate::model::files::{FileId, Files};
use crate::model::{Site, Unit};
use fs::Fs;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// Largest source file read, in bytes: a disclosure is a few hundred kilobytes at most.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Where the content is, given what the user pointed at.
#[derive(Debug)]
pub enum Root {
    /// A content directory: one folder per unit.
    Content(PathBuf),
    /// A single unit's folder.
    Unit(PathBuf),
    /// A content directory held in memory, read exactly as `Content` is read from disk
    /// (for the fuzz targets, which would otherwise spend their time writing files): each
    /// file's path relative to the content directory (`<unit>/<file name>`) and its bytes.
    /// File paths and display paths are these relative paths; if two entries have the
    /// same path, the first is read.
    Memory(Vec<(PathBuf, Vec<u8>)>),
}

/// Why sources cannot be read at all (every problem inside a source is a diagnostic).
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourceError {
    #[error("路径不存在：{}", .0.display())]
    NotFound(PathBuf),
    #[error("不是目录：{}", .0.display())]
    NotADirectory(PathBuf),
    /// A kept unit's files changed between planning a build and reading them.
    #[error("单位 {slug} 的数据源在生成过程中被改动，请重新生成")]
    Changed { slug: String },
}

/// Resolves `path` (a site root, a content directory or a unit folder).
pub fn resolve_root(path: &Path) -> Result<Root, SourceError> {
    if !path.exists() {
        return Err(SourceError::NotFound(path.to_path_buf()));
    }
    if !path.is_dir() {
        return Err(SourceError::NotADirectory(path.to_path_buf()));
    }
    if path.join("unit.yaml").is_file() {
        return Ok(Root::Unit(path.to_path_buf()));
    }
    if path.join("content").is_dir() {
        return Ok(Root::Content(path.join("content")));
    }
    Ok(Root::Content(path.to_path_buf()))
}

/// Loads every unit under `root`, with all diagnostics found while loading.
pub fn load(root: &Root) -> (Site, Vec<Diagnostic>) {
    let (site, diags, _) = load_with::<()>(root, None);
    (site, diags)
}

/// A unit folder whose files were read (for their digest) but not parsed, because the
/// caller already had what it needed of them (see [`load_planned`]). Its model is read
/// only if something asks for it ([`Kept::unit`]).
pub struct Kept {
    pub slug: String,
    pub dir: PathBuf,
    /// `Unit::digest` of the files as read.
    pub digest: u64,
    /// Whether its files were read (else their digest was known from the folder's
    /// stat, see [`Planner::known`]).
    pub read: bool,
    model: std::sync::OnceLock<Result<Box<Unit>, SourceError>>,
}

impl Kept {
    /// Unit folder `slug` under `base`, its sources of `digest` (`read` or known).
    fn new(base: &Path, slug: String, digest: u64, read: bool) -> Kept {
        Kept {
            dir: base.join(&slug),
            slug,
            digest,
            read,
            model: std::sync::OnceLock::new(),
        }
    }

    /// The unit's model, read on first use; an error if its files changed since they
    /// were read (the digest differs) or can no longer be read.
    pub fn unit(&self) -> Result<&Unit, SourceError> {
        self.model
            .get_or_init(|| {
                let (mut site, _) = load(&Root::Unit(self.dir.clone()));
                match site.units.pop() {
                    Some(u) if u.digest == self.digest => Ok(Box::new(u)),
                    _ => Err(SourceError::Changed {
                        slug: self.slug.clone(),
                    }),
                }
            })
            .as_deref()
            .map_err(Clone::clone)
    }
}

/// What `build` gives [`load_planned`] (see `publish::Plan`).
pub trait Planner<T>: Sync {
    /// What it keeps of a previous build instead of the model of unit `slug` whose
    /// sources have digest `digest` (`Unit::digest`), if anything.
    fn keep(&self, slug: &str, digest: u64) -> Option<T>;
    /// The digest of unit `slug`'s sources when its folder's [`folder_stat`] is `stat`,
    /// as learned by an earlier build, if known: the files are then not even read.
    fn known(&self, slug: &str, stat: u64) -> Option<u64>;
    /// Learns that the sources of unit `slug`, with folder stat `stat`, have digest
    /// `digest` (called from several threads; only for folders read without any
    /// diagnostic and not modified in the last seconds before they were read).
    fn learned(&self, slug: &str, stat: u64, digest: u64);
}

/// A unit folder as the file system describes it: a hash of its entries' names, types,
/// sizes, inodes, modification and change times, and the newest of those times (ns
/// since the epoch); none when it cannot be read. Any edit, even one that keeps the
/// size and the modification time, changes the change time (which no one can set).
pub fn folder_stat(dir: &Path) -> Option<(u64, i64)> {
    use std::hash::Hasher as _;
    use std::os::unix::fs::MetadataExt as _;
    // Each file's stat taken through the open folder (`fstatat` by name, no walk of the
    // whole path), then sorted by name; the folder's own first, under the empty name.
    let own = (
        std::ffi::OsString::new(),
        std::fs::symlink_metadata(dir).ok()?,
    );
    let mut files: Vec<(std::ffi::OsString, std::fs::Metadata)> = std::fs::read_dir(dir)
        .ok()?
        .map(|e| e.and_then(|e| Ok((e.file_name(), e.metadata()?))))
        .collect::<Result<_, _>>()
        .ok()?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    let mut newest = i64::MIN;
    for (name, m) in std::iter::once(own).chain(files) {
        let times = [(m.mtime(), m.mtime_nsec()), (m.ctime(), m.ctime_nsec())];
        for (s, ns) in times {
            newest = newest.max(s.saturating_mul(1_000_000_000).saturating_add(ns));
        }
        h.write(name.as_encoded_bytes());
        for n in [m.mode().into(), m.size(), m.ino(), m.dev()] {
            h.write_u64(n);
        }
        for (s, ns) in times {
            h.write_i64(s);
            h.write_i64(ns);
        }
    }
    Some((h.finish(), newest))
}

/// How long before a folder is read its files must have last changed for its stat to be
/// trusted later: a file changed in the same tick of the file system's clock as an
/// earlier change may keep its times.
const SETTLED_NS: i64 = 2_000_000_000;

/// `load`, except that a unit the planner keeps (`planner.keep(folder name, digest)`
/// gives something) is not parsed: it is returned as a [`Kept`] with what `keep` gave
/// (`build` keeps the units whose listing it saved last time under the same key, see
/// `publish::Plan`); and a unit whose folder stat gives a known digest is not even read.
pub fn load_planned<T: Send>(
    root: &Root,
    planner: &dyn Planner<T>,
) -> (Site, Vec<Diagnostic>, Vec<(Kept, T)>) {
    load_with(root, Some(planner))
}

fn load_with<T: Send>(
    root: &Root,
    keep: Option<&dyn Planner<T>>,
) -> (Site, Vec<Diagnostic>, Vec<(Kept, T)>) {
    let mut files = Files::default();
    let mut diags = Vec::new();
    let (fs, base, unit_dirs) = match root {
        Root::Unit(dir) => (
            Fs::Disk,
            dir.parent().map(Path::to_path_buf).unwrap_or_default(),
            vec![dir.clone()],
        ),
        Root::Content(dir) => (Fs::Disk, dir.clone(), unit_dirs(Fs::Disk, dir, &mut diags)),
        Root::Memory(list) => {
            let fs = Fs::Memory(list);
            (fs, PathBuf::new(), unit_dirs(fs, Path::new(""), &mut diags))
        }
    };
    // A kept unit is read again from disk when its model is asked for (`Kept::unit`):
    // units held in memory are never kept.
    let keep = keep.filter(|_| matches!(fs, Fs::Disk));
    // A planned load first looks at each folder: one whose stat gives a digest the
    // planner knows and keeps is not read at all.
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
        .unwrap_or(i64::MIN);
    let mut kept = Vec::new();
    let mut stats = std::collections::HashMap::new();
    let unit_dirs: Vec<PathBuf> = match keep {
        None => unit_dirs,
        Some(planner) => {
            // A folder kept, or to be read (with its stat).
            type Looked<T> = Result<(Kept, T), (PathBuf, Option<(u64, i64)>)>;
            let looked: Vec<Looked<T>> = unit_dirs
                .into_par_iter()
                .map(|dir| {
                    let slug = dir.file_name().map(|n| n.to_string_lossy().into_owned());
                    let stat = fs.folder_stat(&dir);
                    let found = slug.zip(stat).and_then(|(slug, (stat, _))| {
                        let digest = planner.known(&slug, stat)?;
                        let t = planner.keep(&slug, digest)?;
                        planner.learned(&slug, stat, digest);
                        Some((slug, digest, t))
                    });
                    match found {
                        Some((slug, digest, t)) => Ok((Kept::new(&base, slug, digest, false), t)),
                        None => Err((dir, stat)),
                    }
                })
                .collect();
            let mut rest = Vec::new();
            for l in looked {
                match l {
                    Ok(k) => kept.push(k),
                    Err((dir, stat)) => {
                        if let Some(stat) = stat {
                            stats.insert(dir.clone(), stat);
                        }
                        rest.push(dir);
                    }
                }
            }
            rest
        }
    };
    // Units are read in parallel, each into its own files; these are then joined in
    // folder order, so file ids are the same as if read one after another.
    let per_unit: Vec<(Files, Vec<Diagnostic>, Option<convert::UnitFiles>)> = unit_dirs
        .par_iter()
        .map(|dir| {
            let (mut f, mut d) = (Files::default(), Vec::new());
            let u = convert::read_unit(fs, dir, &base, &mut f, &mut d);
            (f, d, u)
        })
        .collect();
    let mut read = Vec::with_capacity(per_unit.len());
    // The stats a planner may learn: of folders read without a diagnostic whose files
    // had settled before they were read.
    let mut settled = std::collections::HashMap::new();
    for ((f, d, u), dir) in per_unit.into_iter().zip(&unit_dirs) {
        let offset = files.append(f);
        if d.is_empty()
            && let Some((stat, newest)) = stats.get(dir)
            && newest.saturating_add(SETTLED_NS) < started
            && let Some(u) = &u
        {
            settled.insert(u.slug.clone(), *stat);
        }
        diags.extend(d);
        read.extend(u.map(|u| u.shifted(offset)));
    }
    // Units `keep` takes are not parsed: only their digest is needed.
    enum Planned<T> {
        Read(convert::UnitFiles),
        Kept(Kept, T, Vec<FileId>),
    }
    let planned: Vec<Planned<T>> = read
        .into_par_iter()
        .map(|u| {
            let Some(planner) = keep else {
                return Planned::Read(u);
            };
            let digest = u.digest(&files);
            if let Some(stat) = settled.get(&u.slug) {
                planner.learned(&u.slug, *stat, digest);
            }
            match planner.keep(&u.slug, digest) {
                Some(t) => {
                    let ids = u.file_ids().collect();
                    Planned::Kept(Kept::new(&base, u.slug, digest, true), t, ids)
                }
                None => Planned::Read(u),
            }
        })
        .collect();
    let mut read = Vec::with_capacity(planned.len());
    for p in planned {
        match p {
            Planned::Read(u) => read.push(u),
            Planned::Kept(k, t, ids) => {
                // Nothing will point into a kept unit's files: their text goes now.
                for id in ids {
                    files.drop_text(id);
                }
                kept.push((k, t));
            }
        }
    }
    let converted: Vec<(Unit, Vec<Diagnostic>)> = read
        .into_par_iter()
        .map(|u| {
            let mut d = Vec::new();
            let unit = convert::convert_unit(&files, u, &mut d);
            (unit, d)
        })
        .collect();
    let mut units = Vec::with_capacity(converted.len());
    for (unit, d) in converted {
        diags.extend(d);
        units.push(unit);
    }
    kept.sort_by(|a, b| a.0.slug.cmp(&b.0.slug));
    (Site { files, units }, diags, kept)
}

/// The folders of content directory `dir`, sorted; a symlink is refused, not followed.
fn unit_dirs(fs: Fs, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    match fs.list(dir) {
        Ok(entries) => {
            for e in entries {
                let p = dir.join(&e.name);
                // Symlinks are not followed: content must live inside the site.
                if e.kind == Some(fs::Kind::Symlink) {
                    diags.push(symlink_refused(&p));
                } else if e.kind == Some(fs::Kind::Dir) {
                    dirs.push(p);
                }
            }
        }
        Err(e) => diags.push(Diagnostic::new(
            &rules::SOURCE_READ,
            format!("无法读取目录 {}：{e}", dir.display()),
        )),
    }
    dirs.sort();
    dirs
}

/// A file's bytes as UTF-8 text (`path` names it in the diagnostic); a byte-order mark is
/// dropped.
fn decode_text(path: &Path, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // simdutf8 checks CJK text several times faster than std; std says where it fails.
    if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
        return Some(s.to_string());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s.to_string()),
        Err(e) => {
            let upto = e.valid_up_to();
            let line = bytes[..upto].iter().filter(|b| **b == b'\n').count() + 1;
            diags.push(Diagnostic::new(&rules::SOURCE_ENCODING, format!(
                    "文件不是 UTF-8 编码（第 {line} 行起无法解码；如为 GBK 编码，请另存为 UTF-8）：{}",
                    path.display()
                ),
            ));
            None
        }
    }
}

/// Parses YAML text into `T`; an error becomes one diagnostic at its line and column.
///
/// Most sources are read by [`fast_yaml`]; whatever it does not take (anything outside its
/// subset, and every error) is read by serde-saphyr, which gives every diagnostic.
pub fn parse_yaml<T: DeserializeOwned>(text: &str, file: FileId) -> Result<T, Box<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(Box::new(
            Diagnostic::new(&rules::YAML_TYPE, "文件是空的：请填写内容，或删除此文件").at(Loc {
                file,
                line: 1,
                col: 1,
            }),
        ));
    }
    if let Some(value) = fast_yaml::parse(text) {
        return Ok(value);
    }
    serde_saphyr::from_str_with_options::<T>(text, saphyr_options()).map_err(|e| {
        let e = e.without_snippet();
        let raw = e.to_string();
        let loc = e.location().map(|l| Loc {
            file,
            line: l.line().max(1) as u32,
            col: l.column().max(1) as u32,
        });
        let (rule, message) = yaml_message(&raw);
        Box::new(
            Diagnostic::new(rule, message)
                .at_opt(loc)
                .label(raw.lines().next().unwrap_or("").to_string()),
        )
    })
}

/// The options sources are parsed with by serde-saphyr.
pub(crate) fn saphyr_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        with_snippet: false,
    }
}

/// Turns the YAML library's message into a rule id and a Chinese message.
fn yaml_message(raw: &str) -> (&'static Rule, String) {
    let first = raw.lines().next().unwrap_or(raw);
    let between_ticks = |s: &str| -> Option<String> {
        let a = s.find('`')?;
        let b = s[a + 1..].find('`')?;
        Some(s[a + 1..a + 1 + b].to_string())
    };
    if first.contains("unknown field") {
        let field = between_ticks(first).unwrap_or_default();
        let expected = first
            .split_once("expected ")
            .map(|(_, e)| {
                let e = e.split(" at line ").next().unwrap_or(e);
                e.trim_start_matches("one of ").replace('`', "")
            })
            .unwrap_or_default();
        let msg = if expected.is_empty() {
            format!("未知字段 `{field}`")
        } else {
            format!("未知字段 `{field}`（此处可用的字段：{expected}）")
        };
        (&rules::YAML_UNKNOWN_KEY, msg)
    } else if first.contains("duplicate") {
        (&rules::YAML_DUPLICATE_KEY, format!("重复的键：{first}"))
    } else if first.contains("missing field") {
        let field = between_ticks(first).unwrap_or_default();
        (&rules::YAML_TYPE, format!("缺少必填字段 `{field}`"))
    } else if first.contains("invalid type") || first.contains("invalid value") {
        (&rules::YAML_TYPE, format!("类型错误：{first}"))
    } else if first.starts_with("invalid u") || first.starts_with("invalid i") {
        (&rules::YAML_TYPE, format!("这里应填写整数：{first}"))
    } else if first.starts_with("expected ") && !first.contains("budget") {
        (&rules::YAML_TYPE, format!("类型错误：{first}"))
    } else if first.contains("budget") {
        (
            &rules::YAML_SYNTAX,
            format!("YAML 超出资源限制（嵌套过深、别名或节点过多）：{first}"),
        )
    } else {
        (&rules::YAML_SYNTAX, format!("YAML 语法错误：{first}"))
    }
}

/// A symlink is never followed: sources must live inside the site.
fn symlink_refused(path: &Path) -> Diagnostic {
    Diagnostic::new(
        &rules::SOURCE_READ,
        format!(
            "不跟随符号链接：{}（数据源必须放在站点目录之内）",
            path.display()
        ),
    )
}
