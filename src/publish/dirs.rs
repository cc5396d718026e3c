//! The folders beside the output: the standby, the shares, stale temporary folders,
//! the swap, and the folder times.

use super::PublishError;
use super::manifest::*;
use super::writer::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Written into every output directory: gongkai replaces only directories carrying it.
pub const MARKER: &str = ".gongkai-build";

/// Refuses an output directory that would destroy something else: the site root or one
/// of its ancestors, or an existing non-empty directory gongkai did not write.
pub fn check_output(out: &Path, site_root: &Path) -> Result<(), PublishError> {
    let canon_root = site_root
        .canonicalize()
        .map_err(|e| PublishError::io("无法访问", site_root, e))?;
    if out.exists() {
        let canon_out = out
            .canonicalize()
            .map_err(|e| PublishError::io("无法访问", out, e))?;
        if canon_root.starts_with(&canon_out) {
            return Err(PublishError::Refused(format!(
                "输出目录 {} 是站点根目录或其上级目录，不能覆盖",
                out.display()
            )));
        }
        if !out.is_dir() {
            return Err(PublishError::Refused(format!(
                "输出路径 {} 不是目录",
                out.display()
            )));
        }
        let empty = std::fs::read_dir(out)
            .map_err(|e| PublishError::io("无法读取", out, e))?
            .next()
            .is_none();
        if !empty && !out.join(MARKER).is_file() {
            return Err(PublishError::Refused(format!(
                "输出目录 {} 已存在且不是 gongkai 生成的，为免误删，请先清空或换一个目录",
                out.display()
            )));
        }
    }
    Ok(())
}

/// The modification times (ns) of an output's folders as it was published, kept beside
/// the output (in the shares' folder, under the output's id, see
/// [`read_manifest_with_id`]): a folder whose time is unchanged when that output is
/// taken as the standby has had no file added, removed or renamed since, so the files
/// its manifest lists are there (see [`Writer::reuse_folder`]). Not in the output
/// itself, which stays byte for byte what the sources make.
pub(crate) fn folder_times_path(cache: &Path, id: &str) -> PathBuf {
    cache.join(format!("{FOLDER_TIMES}{id}"))
}

/// The start of the names of the files of [`folder_times_path`].
pub(crate) const FOLDER_TIMES: &str = "_folders-";

pub(crate) fn read_folder_times(cache: &Path, id: &str) -> BTreeMap<String, i64> {
    std::fs::read(folder_times_path(cache, id))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Saves the folder times of the output `id` and removes those of outputs other than
/// `id` and `keep` (the previous output, now the standby). Only a speed-up: failures
/// are ignored (the files are then checked one by one).
pub(crate) fn save_folder_times(
    cache: &Path,
    id: &str,
    keep: Option<&str>,
    times: &BTreeMap<String, i64>,
) {
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

/// Removes temporary directories left beside the output by killed builds (their
/// process is gone).
pub(crate) fn remove_stale(parent: &Path, name: &str) {
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
pub(crate) fn same_files(a: &Path, b: &Path) -> bool {
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
pub(crate) fn same_file(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(path).map(|b| b == bytes).unwrap_or(false)
        }
        _ => false,
    }
}

/// Carries `from` over to `to`: a hard link, or a copy with the same mtime.
pub(crate) fn carry_over(from: &Path, to: &Path) -> std::io::Result<()> {
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
pub(crate) fn swap_in(tmp: &Path, out: &Path, old: &Path) -> Result<Option<PathBuf>, PublishError> {
    if !out.exists() {
        return std::fs::rename(tmp, out)
            .map(|_| None)
            .map_err(|e| PublishError::io("无法写入", out, e));
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let a = std::ffi::CString::new(tmp.as_os_str().as_bytes())
            .map_err(|e| PublishError::Failed(e.to_string()))?;
        let b = std::ffi::CString::new(out.as_os_str().as_bytes())
            .map_err(|e| PublishError::Failed(e.to_string()))?;
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
    std::fs::rename(out, old).map_err(|e| PublishError::io("无法替换", out, e))?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(old, out);
        return Err(PublishError::io("无法写入", out, e));
    }
    Ok(Some(old.to_path_buf()))
}

/// The folder the output `out` is in, and its name (`None` for a path without one).
pub fn parent_and_name(out: &Path) -> Option<(PathBuf, String)> {
    let name = out.file_name()?.to_string_lossy().into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some((parent, name))
}

/// The standby of output `name` in `parent`: the previous output, kept after a swap to
/// become the next build's directory (see [`Writer`]).
pub(crate) fn standby_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.standby"))
}

/// The folder of the indexes' shares of output `name` in `parent` (`site::shares`).
pub fn shares_path(parent: &Path, name: &str) -> PathBuf {
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
pub(crate) fn take_standby(standby: &Path, dir: &Path, cache: &Path) -> Option<Standby> {
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
pub(crate) struct Standby {
    /// Its files and their hashes.
    pub(crate) files: BTreeMap<String, String>,
    /// Its folders' modification times when it was published.
    pub(crate) dirs: BTreeMap<String, i64>,
}

/// The modification time of `path` in nanoseconds, if it is a directory.
pub(crate) fn dir_mtime(path: &Path) -> Option<i64> {
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
pub(crate) fn folders<'a>(rels: impl IntoIterator<Item = &'a String>) -> Vec<&'a str> {
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
pub(crate) fn not_in<'a, V, W>(
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
