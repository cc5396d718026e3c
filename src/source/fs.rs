//! Where a load reads its files: the disk, or a content directory held in memory
//! ([`super::Root::Memory`]). Both answer the same three questions the loader asks (what
//! is in a folder, is this a file, what is its text), so a load from memory goes through
//! the very same reading, parsing, conversion and rules as a load from disk: the fuzz
//! targets exercise the real loader without touching the file system.

use super::{MAX_FILE_BYTES, decode_text, symlink_refused};
use crate::model::diagnostic::Diagnostic;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The file system a load reads.
#[derive(Clone, Copy)]
pub(crate) enum Fs<'a> {
    Disk,
    /// Each file's path (relative, `<unit>/<file name>` for a content directory) and bytes.
    Memory(&'a [(PathBuf, Vec<u8>)]),
}

/// What an entry of a folder is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Dir,
    Symlink,
    /// A file, or anything else that is neither a folder nor a symlink.
    Other,
}

/// An entry of a folder: its name and, when it could be read, its kind.
pub(crate) struct Entry {
    pub name: OsString,
    pub kind: Option<Kind>,
}

impl Fs<'_> {
    /// The entries of folder `dir`, in no particular order; entries that cannot be read
    /// are skipped (as `read_dir`'s errors per entry always were).
    pub fn list(self, dir: &Path) -> std::io::Result<Vec<Entry>> {
        match self {
            Fs::Disk => Ok(std::fs::read_dir(dir)?
                .flatten()
                .map(|e| {
                    let kind = e.file_type().ok().map(|t| {
                        if t.is_symlink() {
                            Kind::Symlink
                        } else if t.is_dir() {
                            Kind::Dir
                        } else {
                            Kind::Other
                        }
                    });
                    Entry {
                        name: e.file_name(),
                        kind,
                    }
                })
                .collect()),
            Fs::Memory(files) => {
                // A name is listed once: a file at `dir/name`, or a folder when some path
                // goes on below it (the first path naming it decides).
                let mut entries: Vec<Entry> = Vec::new();
                for (path, _) in files {
                    let Ok(rest) = path.strip_prefix(dir) else {
                        continue;
                    };
                    let mut parts = rest.components();
                    let Some(first) = parts.next() else {
                        continue;
                    };
                    let name = first.as_os_str();
                    if entries.iter().any(|e| e.name == name) {
                        continue;
                    }
                    let kind = if parts.next().is_some() {
                        Kind::Dir
                    } else {
                        Kind::Other
                    };
                    entries.push(Entry {
                        name: name.to_os_string(),
                        kind: Some(kind),
                    });
                }
                Ok(entries)
            }
        }
    }

    /// Whether `path` is a regular file (following symlinks, as `Path::is_file`).
    pub fn is_file(self, path: &Path) -> bool {
        match self {
            Fs::Disk => path.is_file(),
            Fs::Memory(files) => files.iter().any(|(p, _)| p == path),
        }
    }

    /// The stat of a unit folder (see [`super::folder_stat`]); none in memory, where
    /// there is nothing to learn between loads.
    pub fn folder_stat(self, dir: &Path) -> Option<(u64, i64)> {
        match self {
            Fs::Disk => super::folder_stat(dir),
            Fs::Memory(_) => None,
        }
    }

    /// Reads a file as UTF-8 text; a byte-order mark is dropped. Every problem becomes a
    /// diagnostic (`source.read`, `source.encoding`).
    pub fn read_text(self, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
        let cannot = |e: std::io::Error| {
            Diagnostic::new(
                &super::rules::SOURCE_READ,
                format!("无法读取文件 {}：{e}", path.display()),
            )
        };
        let too_large = || {
            Diagnostic::new(
                &super::rules::SOURCE_READ,
                format!(
                    "文件过大：{}（超过上限 {} 字节）",
                    path.display(),
                    MAX_FILE_BYTES
                ),
            )
        };
        match self {
            Fs::Disk => {
                // Symlinks are not followed: a source must not read a file outside the site.
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                    diags.push(symlink_refused(path));
                    return None;
                }
                // Read at most one byte past the limit, so a file growing meanwhile is
                // still refused.
                let mut bytes = Vec::new();
                let read = std::fs::File::open(path).and_then(|f| {
                    std::io::Read::read_to_end(
                        &mut std::io::Read::take(f, MAX_FILE_BYTES + 1),
                        &mut bytes,
                    )
                });
                if let Err(e) = read {
                    diags.push(cannot(e));
                    return None;
                }
                if bytes.len() as u64 > MAX_FILE_BYTES {
                    diags.push(too_large());
                    return None;
                }
                decode_text(path, &bytes, diags)
            }
            Fs::Memory(files) => {
                let Some((_, bytes)) = files.iter().find(|(p, _)| p == path) else {
                    diags.push(cannot(std::io::ErrorKind::NotFound.into()));
                    return None;
                };
                if bytes.len() as u64 > MAX_FILE_BYTES {
                    diags.push(too_large());
                    return None;
                }
                decode_text(path, bytes, diags)
            }
        }
    }
}
