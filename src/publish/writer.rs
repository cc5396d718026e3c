//! The writer: files placed as they are rendered, then swapped in or placed in place.

use super::PublishError;
use super::dirs::*;
use super::manifest::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The error of a build stopped through [`Writer::cancelled_by`].

#[derive(Debug, Default)]
pub struct Stats {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Test hook: when set to N, the process aborts after placing N files in the temporary
/// directory (as if killed mid-build).
pub const ABORT_HOOK: &str = "GONGKAI_TEST_ABORT_AFTER";

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

pub(crate) fn abort_after() -> Option<usize> {
    std::env::var(ABORT_HOOK).ok()?.parse().ok()
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
    /// [`PublishError::Cancelled`] (see [`Writer::cancelled_by`]).
    cancel: Option<Arc<AtomicBool>>,
    finished: bool,
}

impl Writer {
    /// Starts writing the site at `site_root` to `out` (refusing an output that gongkai
    /// did not write).
    pub fn begin(out: &Path, site_root: &Path, mode: Mode) -> Result<Writer, PublishError> {
        check_output(out, site_root)?;
        let (parent, name) = parent_and_name(out)
            .ok_or_else(|| PublishError::Refused(format!("输出目录 {} 无效", out.display())))?;
        std::fs::create_dir_all(&parent).map_err(|e| PublishError::io("无法创建", &parent, e))?;
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
                        .map_err(|e| PublishError::io("无法创建", &tmp, e))?;
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
        // First, the mark that gongkai wrote this directory (see `check_output`).
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

    fn go_on(&self) -> Result<(), PublishError> {
        match &self.cancel {
            Some(flag) if flag.load(Ordering::SeqCst) => Err(PublishError::Cancelled),
            _ => Ok(()),
        }
    }

    /// How files are placed (an in-place writer without a previous output swaps).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Places one file built from `sources`. Two files with the same path are an error.
    pub fn put(&self, rel: &str, bytes: &[u8], sources: Vec<String>) -> Result<(), PublishError> {
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
                        .map_err(|e| PublishError::io("无法写入", &path, e))?;
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
    /// are the same. Returns its hash ([`hash`]). `write`'s own error type passes
    /// through (the producer's failures are its own); the writer's become one with `From`.
    pub fn put_streamed<E: From<PublishError>>(
        &self,
        rel: &str,
        sources: Vec<String>,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), E>,
    ) -> Result<String, E> {
        self.go_on()?;
        if self
            .entries
            .lock()
            .map_err(|e| PublishError::Failed(e.to_string()))?
            .contains_key(rel)
        {
            return Err(PublishError::Refused(format!("两个输出文件的路径相同：{rel}")).into());
        }
        let path = self.dir.join(rel);
        self.make_parent(&path)?;
        let tmp = tmp_beside(&path);
        let failed = |e: PublishError| {
            let _ = std::fs::remove_file(&tmp);
            E::from(e)
        };
        let file =
            std::fs::File::create(&tmp).map_err(|e| PublishError::io("无法写入", &tmp, e))?;
        let mut out = HashingFile {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            hasher: Hasher::default(),
        };
        if let Err(e) = write(&mut out) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::io::Write::flush(&mut out)
            .map_err(|e| failed(PublishError::io("无法写入", &tmp, e)))?;
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
                    .map_err(|e| failed(PublishError::io("无法写入", &path, e)))?;
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
    pub fn reuse_unit(&self, slug: &str, key: &str) -> Result<bool, PublishError> {
        let reused = self.reuse_folder(slug, key)?;
        if reused {
            self.outcome
                .lock()
                .map_err(|e| PublishError::Failed(e.to_string()))?
                .reused_units += 1;
        }
        Ok(reused)
    }

    /// Carries the files under `folder` (a unit's, or a segment of the search index)
    /// over from the previous output, when they were made with the same `key` (and this
    /// build is neither clean nor in place) and are all still there; false when they
    /// must be made.
    pub fn reuse_folder(&self, folder: &str, key: &str) -> Result<bool, PublishError> {
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
            let mut entries = self
                .entries
                .lock()
                .map_err(|e| PublishError::Failed(e.to_string()))?;
            for (rel, entry) in &files {
                if entries.insert((*rel).clone(), (*entry).clone()).is_some() {
                    return Err(PublishError::Refused(format!(
                        "两个输出文件的路径相同：{rel}"
                    )));
                }
            }
        }
        for ((rel, _), (_, held)) in files.iter().zip(&found) {
            self.abort_hook();
            if !held {
                self.mirror(rel)
                    .map_err(|e| PublishError::io("无法沿用", &self.out.join(rel), e))?;
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
    pub fn folder_made(&self, folder: &str, key: String) -> Result<(), PublishError> {
        self.units
            .lock()
            .map_err(|e| PublishError::Failed(e.to_string()))?
            .insert(folder.to_string(), key);
        Ok(())
    }

    /// Makes `rel` in this build's directory the output's file of that path: a hard link
    /// (or a copy keeping its mtime) into a fresh directory; in the standby, nothing when
    /// the standby holds that file already ([`Writer::standby_holds`]), else a link put
    /// over the standby's by a rename.
    fn mirror(&self, rel: &str) -> std::io::Result<()> {
        let (live, path) = (self.out.join(rel), self.dir.join(rel));
        let io = |e: PublishError| std::io::Error::other(e.to_string());
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
    fn enter(&self, rel: &str, entry: Entry) -> Result<(), PublishError> {
        let mut entries = self
            .entries
            .lock()
            .map_err(|e| PublishError::Failed(e.to_string()))?;
        if entries.contains_key(rel) {
            return Err(PublishError::Refused(format!(
                "两个输出文件的路径相同：{rel}"
            )));
        }
        entries.insert(rel.to_string(), entry);
        Ok(())
    }

    /// Counts a placed file in the outcome.
    fn record(&self, rel: &str, written: bool, len: u64) -> Result<(), PublishError> {
        self.record_many(written, [(rel, len)])
    }

    /// [`Writer::record`] of several files (path, length), under one lock.
    fn record_many<'a>(
        &self,
        written: bool,
        files: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Result<(), PublishError> {
        let mut o = self
            .outcome
            .lock()
            .map_err(|e| PublishError::Failed(e.to_string()))?;
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
    fn make_parent(&self, path: &Path) -> Result<(), PublishError> {
        let Some(dir) = path.parent() else {
            return Ok(());
        };
        if self
            .made
            .lock()
            .map_err(|e| PublishError::Failed(e.to_string()))?
            .contains(dir)
        {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| PublishError::io("无法创建", dir, e))?;
        self.made
            .lock()
            .map_err(|e| PublishError::Failed(e.to_string()))?
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
    pub fn finish(mut self, keep: impl Fn(&str) -> bool) -> Result<Outcome, PublishError> {
        self.finished = true;
        let result = self.finish_inner(keep);
        if result.is_err() && matches!(self.mode, Mode::Swap { .. }) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        result
    }

    fn finish_inner(&mut self, keep: impl Fn(&str) -> bool) -> Result<Outcome, PublishError> {
        let mut entries = std::mem::take(
            &mut *self
                .entries
                .lock()
                .map_err(|e| PublishError::Failed(e.to_string()))?,
        );
        let mut outcome = std::mem::take(
            &mut *self
                .outcome
                .lock()
                .map_err(|e| PublishError::Failed(e.to_string()))?,
        );
        for (rel, entry) in not_in(&self.previous.files, &entries) {
            if self.mode == Mode::InPlace && keep(rel) {
                entries.insert(rel.clone(), entry.clone());
            } else {
                outcome.removed.push(rel.clone());
            }
        }
        outcome.written.sort();
        let mut units = std::mem::take(
            &mut *self
                .units
                .lock()
                .map_err(|e| PublishError::Failed(e.to_string()))?,
        );
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
                    .map_err(|e| PublishError::Failed(format!("无法写入清单：{e}")))?;
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

/// Removes `root/rel`, and the folders above it that this leaves empty (up to `root`).
pub(crate) fn remove_with_empty_folders(root: &Path, rel: &str) {
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
pub fn write_in_place(out: &Path, rel: &str, bytes: &[u8]) -> Result<bool, PublishError> {
    if Path::new(rel).is_absolute() || rel.split('/').any(|c| c == ".." || c.is_empty()) {
        return Err(PublishError::Failed(format!(
            "内部错误：输出路径 {rel} 无效"
        )));
    }
    let path = out.join(rel);
    if same_file(&path, bytes) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| PublishError::io("无法创建", dir, e))?;
    }
    write_by_rename(&path, bytes)?;
    Ok(true)
}

/// Where a file for `path` is written before it is renamed over it: beside it, hidden,
/// named for this process.
pub(crate) fn tmp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` beside `path` and renames it over `path`, so a reader sees the old or
/// the new file, never half of one. A large file is on the disk first (see
/// [`Writer::put_streamed`]).
pub(crate) fn write_by_rename(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    let tmp = tmp_beside(path);
    std::fs::write(&tmp, bytes).map_err(|e| PublishError::io("无法写入", &tmp, e))?;
    replace_by(&tmp, path, bytes.len() as u64).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// From this size on, a file renamed over another is written to the disk first.
pub(crate) const LARGE: u64 = 4 << 20;

/// Renames `tmp` (of `len` bytes) over `path`; a large file is on the disk first: else
/// the file system writes it out at the rename, and whatever changes the file system
/// next (the next save's few small files, under `serve`) waits behind it (ext4's
/// `auto_da_alloc`).
pub(crate) fn replace_by(tmp: &Path, path: &Path, len: u64) -> Result<(), PublishError> {
    if len >= LARGE {
        std::fs::File::open(tmp)
            .and_then(|f| f.sync_data())
            .map_err(|e| PublishError::io("无法写入", tmp, e))?;
    }
    std::fs::rename(tmp, path).map_err(|e| PublishError::io("无法写入", path, e))
}

/// Removes the standby's file at `path` before a new one takes its place: renamed over
/// it instead, the new file's data would be written to the disk at once, and every
/// later change to the file system would wait for it (ext4's `auto_da_alloc`; 220 MB for
/// `datapackage.json` at 10,000 unit-years). The standby is not served.
pub(crate) fn place_new(path: &Path) {
    let _ = std::fs::remove_file(path);
}
