//! Atomic, incremental publishing of a rendered site.
//!
//! The rendered files (output path → bytes, from `site::render::render_site`) are
//! written into a temporary directory beside the output, which is then swapped with the
//! output in one step (`renameat2(RENAME_EXCHANGE)` on Linux). The previous output is
//! never written to: a build that fails or is killed at any point leaves it intact and
//! complete.
//!
//! Incremental: the output carries a manifest ([`MANIFEST`]) naming, for each file, a
//! hash of its content and the sources it was built from. A file whose bytes equal the
//! previous output's is hard-linked from it (falling back to a copy that keeps the
//! modification time) instead of being written, so its mtime and inode stay and `rsync`
//! or an object-store sync uploads only what changed. Outputs of removed sources simply
//! are not in the new directory. `clean` writes every file anew.

use crate::model::Site;
use crate::site::render::{self, ASSET_DIR, MARKER, Stats};
use crate::site::{disclosure_path, unit_path};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest written into every output directory.
pub const MANIFEST: &str = ".gongkai-manifest.json";

/// When set (by the command line, on a terminal outside CI), writing shows its progress
/// (files done / total, elapsed) on stderr.
pub static PROGRESS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Test hook: when set to N, the process aborts after placing N files in the temporary
/// directory (as if killed mid-build).
pub const ABORT_HOOK: &str = "GONGKAI_TEST_ABORT_AFTER";

#[derive(Serialize, Deserialize, Default)]
pub struct Manifest {
    pub version: u32,
    pub files: BTreeMap<String, Entry>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Entry {
    /// FNV-1a 64 of the content and its length, as hex.
    pub hash: String,
    /// Site-relative sources this output was built from (`content/<unit>/…`,
    /// `templates/<name>`, `static/<file>`, `gongkai.toml`).
    pub sources: Vec<String>,
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
}

/// A stable content hash (FNV-1a 64, plus the length).
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}-{}", bytes.len())
}

const PAGE_TEMPLATES: &[&str] = &["templates/base.html", "gongkai.toml"];

/// The sources each output file is built from.
pub fn sources(site: &Site, files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let with = |extra: &[&str], own: Vec<String>| {
        let mut v: Vec<String> = own;
        v.extend(extra.iter().map(|s| s.to_string()));
        v.extend(PAGE_TEMPLATES.iter().map(|s| s.to_string()));
        v.sort();
        v.dedup();
        v
    };
    for u in &site.units {
        let unit_yaml = format!("content/{}/unit.yaml", u.slug);
        let mut unit_sources = vec![unit_yaml.clone()];
        for d in &u.disclosures {
            let stem = format!("content/{}/{}-{}", u.slug, d.year, d.kind.as_str());
            let mut own = vec![unit_yaml.clone(), format!("{stem}.yaml")];
            unit_sources.push(format!("{stem}.yaml"));
            if d.text.is_some() {
                own.push(format!("{stem}.md"));
            }
            map.insert(
                disclosure_path(u, d),
                with(
                    &[
                        "templates/disclosure.html",
                        "templates/table.html",
                        "templates/chart.html",
                    ],
                    own,
                ),
            );
        }
        map.insert(
            unit_path(u),
            with(
                &["templates/unit.html", "templates/chart.html"],
                unit_sources,
            ),
        );
    }
    for rel in files.keys() {
        if map.contains_key(rel) {
            continue;
        }
        let v = if let Some(asset) = rel.strip_prefix(&format!("{ASSET_DIR}/")) {
            vec![format!("static/{asset}")]
        } else if rel == "index.html" || rel == "sitemap.xml" {
            with(
                &[format!("templates/{rel}").as_str()],
                vec!["content/".into()],
            )
        } else if rel == "search/index.html" {
            with(&["templates/search.html"], Vec::new())
        } else if rel.starts_with("search/") {
            // The search index lists every unit, like the home page.
            vec!["content/".into()]
        } else if rel == "404.html" || rel == "robots.txt" {
            with(&[format!("templates/{rel}").as_str()], Vec::new())
        } else {
            Vec::new()
        };
        map.insert(rel.clone(), v);
    }
    map
}

/// Reads the manifest of an existing output (empty when there is none or it is not
/// readable: everything is then written anew).
pub fn read_manifest(out: &Path) -> Manifest {
    std::fs::read(out.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
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
/// renames (with the old one put back on failure).
fn swap_in(tmp: &Path, out: &Path, old: &Path) -> Result<(), String> {
    if !out.exists() {
        return std::fs::rename(tmp, out).map_err(|e| format!("无法写入 {}：{e}", out.display()));
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
            let _ = std::fs::remove_dir_all(tmp);
            return Ok(());
        }
    }
    std::fs::rename(out, old).map_err(|e| format!("无法替换 {}：{e}", out.display()))?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(old, out);
        return Err(format!("无法写入 {}：{e}", out.display()));
    }
    let _ = std::fs::remove_dir_all(old);
    Ok(())
}

/// Writes `files` to `out` atomically and incrementally (see the module docs).
pub fn publish(
    files: &BTreeMap<String, Vec<u8>>,
    sources: &BTreeMap<String, Vec<String>>,
    out: &Path,
    site_root: &Path,
    clean: bool,
) -> Result<Outcome, String> {
    render::check_output(out, site_root)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| format!("无法创建 {}：{e}", parent.display()))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("输出目录 {} 无效", out.display()))?;
    remove_stale(&parent, &name);
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);

    let previous = if clean {
        Manifest::default()
    } else {
        read_manifest(out)
    };
    let mut manifest = Manifest {
        version: 1,
        files: BTreeMap::new(),
    };
    for (rel, bytes) in files {
        manifest.files.insert(
            rel.clone(),
            Entry {
                hash: hash(bytes),
                sources: sources.get(rel).cloned().unwrap_or_default(),
            },
        );
    }
    let manifest_bytes = {
        let mut s = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
        s.push('\n');
        s.into_bytes()
    };
    let abort = abort_after();
    let progress = PROGRESS.load(std::sync::atomic::Ordering::Relaxed);
    let started = std::time::Instant::now();
    let mut shown = started;
    let total = files.len() + 1;

    let result = (|| {
        let mut outcome = Outcome::default();
        let all = files
            .iter()
            .map(|(r, b)| (r.as_str(), b.as_slice()))
            .chain(std::iter::once((MANIFEST, manifest_bytes.as_slice())));
        for (placed, (rel, bytes)) in all.enumerate() {
            if progress && shown.elapsed() >= std::time::Duration::from_millis(200) {
                shown = std::time::Instant::now();
                eprint!(
                    "\r写出 {placed}/{total} 个文件，{:.1} 秒",
                    started.elapsed().as_secs_f64()
                );
            }
            if abort == Some(placed) {
                eprintln!("gongkai：{ABORT_HOOK}={placed}，中止");
                std::process::abort();
            }
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
            }
            let before = out.join(rel);
            let unchanged = !clean
                && (rel == MANIFEST
                    || previous.files.get(rel).map(|e| &e.hash) == Some(&hash(bytes)))
                && same_file(&before, bytes);
            if unchanged && carry_over(&before, &path).is_ok() {
                if rel != MANIFEST {
                    outcome.kept += 1;
                }
            } else {
                std::fs::write(&path, bytes)
                    .map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
                if rel != MANIFEST {
                    outcome.written.push(rel.to_string());
                }
            }
            if rel != MANIFEST {
                outcome.stats.files += 1;
                outcome.stats.bytes += bytes.len() as u64;
                if rel.ends_with(".html") {
                    outcome.stats.pages += 1;
                }
            }
        }
        outcome.removed = previous
            .files
            .keys()
            .filter(|k| !files.contains_key(*k))
            .cloned()
            .collect();
        if progress && shown != started {
            eprintln!(
                "\r写出 {total}/{total} 个文件，{:.1} 秒",
                started.elapsed().as_secs_f64()
            );
        }
        Ok::<_, String>(outcome)
    })();
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if let Err(e) = swap_in(&tmp, out, &old) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(outcome)
}

/// Renders the site and publishes it to `out`.
pub fn build(
    site: &Site,
    config: &crate::config::Config,
    site_root: &Path,
    out: &Path,
    clean: bool,
) -> Result<Outcome, String> {
    let files = render::render_site(site, config, site_root)?;
    let sources = sources(site, &files);
    publish(&files, &sources, out, site_root, clean)
}
