//! Each unit's share of the site-wide listings, kept on disk from one build to the next.
//!
//! The home page, comparisons, feeds, sitemap, search index and `datapackage.json` list
//! every unit. A [`ShareStore`] keeps, per unit, what they need of it: its listing
//! (`listing::UnitListing`), its search documents (its explanation text rendered and
//! sanitized again) and its data-package resources and schemas; a unit's listing is kept
//! only when the unit had no unacknowledged error, so that a build whose unit keys all
//! match can list and publish the site without parsing those units again. Each is kept
//! under the unit's key (`Renderer::unit_key`: its sources, the configuration,
//! `templates/`, `static/` and the executable), in a folder beside the output
//! (`.<output>.gongkai-cache/`, never inside the published site). A share whose key
//! differs, or that cannot be read whole, is made again from the model: the store only
//! ever saves work, it never decides what a page says. Each file is written beside its
//! place and renamed over it, so a killed build leaves whole files (of either key). Files
//! whose name starts with `_` are the site's, not a unit's: `_datapackage.layout` says
//! where each unit's resources sit in the published `datapackage.json` and holds the
//! schemas it names (saved under that file's hash, used only while the published file has
//! that hash); `_units.stats` each unit folder's stat with its sources' digest
//! (`source::Planner`); and `_folders-<id>`, written by `publish`, the times of an
//! output's folders.

use crate::build::BuildError;
use crate::outputs::datapackage::UnitResources;
use crate::outputs::search::Entry;
use crate::views::listing::UnitListing;
use std::path::PathBuf;

/// The shares of the units of one output (see the module docs).
#[derive(Debug, Clone)]
pub struct ShareStore {
    dir: PathBuf,
}

/// What a share file holds: a unit's search documents or its resources.
#[derive(Clone, Copy)]
enum Part {
    Docs,
    Resources,
    Listing,
    /// The data package's layout (one file, under [`LAYOUT`]).
    Layout,
    /// The unit folders' stats (one file, under [`FOLDERS`]).
    FolderStats,
}

/// The name of the unit folders' stats in the store.
const FOLDERS: &str = "_units";
/// The version of what the stats file holds (its key).
const FOLDERS_KEY: &str = "folder-stat-1";

/// The name of the data package's layout in the store (never a unit folder's: those are
/// made of `a-z`, `0-9` and `-`).
const LAYOUT: &str = "_datapackage";

impl Part {
    const ALL: [Part; 3] = [Part::Docs, Part::Resources, Part::Listing];

    fn extension(self) -> &'static str {
        match self {
            Part::Docs => "docs",
            Part::Resources => "resources",
            Part::Listing => "listing",
            Part::Layout => "layout",
            Part::FolderStats => "stats",
        }
    }
}

/// Identifies the file format (and its version) at the start of every share file.
const MAGIC: &[u8] = b"gongkai-share-1\n";

impl ShareStore {
    /// The store in `dir`, created when missing.
    pub fn open(dir: PathBuf) -> Result<ShareStore, BuildError> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| BuildError::Site(format!("无法创建 {}：{e}", dir.display())))?;
        Ok(ShareStore { dir })
    }

    /// Empties the store (`build --clean`).
    pub fn clear(&self) -> Result<(), BuildError> {
        let _ = std::fs::remove_dir_all(&self.dir);
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| BuildError::Site(format!("无法创建 {}：{e}", self.dir.display())))
    }

    /// Removes the shares of units not in `slugs` (removed unit folders).
    pub fn retain(&self, slugs: &std::collections::BTreeSet<&str>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let slug = Part::ALL
                .iter()
                .find_map(|p| name.strip_suffix(&format!(".{}", p.extension())));
            // Site-wide files (`_…`: the data package's layout, the outputs' folder
            // times) are their owners' to keep; anything else (a temporary file of a
            // killed build) goes too.
            if name.starts_with('_') {
                continue;
            }
            if !slug.is_some_and(|s| slugs.contains(s)) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    fn path(&self, slug: &str, part: Part) -> PathBuf {
        self.dir.join(format!("{slug}.{}", part.extension()))
    }

    /// The strings saved for `slug` under `key`, if any.
    fn read(&self, slug: &str, key: &str, part: Part) -> Option<Vec<String>> {
        let bytes = std::fs::read(self.path(slug, part)).ok()?;
        let mut rest = bytes.strip_prefix(MAGIC)?;
        if take(&mut rest)? != key {
            return None;
        }
        let n = take_u32(&mut rest)? as usize;
        // Each string takes at least its 4-byte length: a bad count cannot over-allocate.
        let mut out = Vec::with_capacity(n.min(rest.len() / 4));
        for _ in 0..n {
            out.push(take(&mut rest)?.to_string());
        }
        rest.is_empty().then_some(out)
    }

    fn write(&self, slug: &str, key: &str, part: Part, items: &[&str]) {
        let mut bytes = Vec::with_capacity(
            MAGIC.len() + 8 + key.len() + items.iter().map(|s| s.len() + 4).sum::<usize>(),
        );
        bytes.extend_from_slice(MAGIC);
        put(&mut bytes, key);
        put_u32(&mut bytes, items.len());
        for s in items {
            put(&mut bytes, s);
        }
        let path = self.path(slug, part);
        let tmp = self.dir.join(format!(
            ".{slug}.{}.tmp-{}",
            part.extension(),
            std::process::id()
        ));
        // A share that cannot be saved is made again next time: not an error.
        if std::fs::write(&tmp, &bytes).is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// The search documents saved for `slug` under `key`.
    pub fn docs(&self, slug: &str, key: &str) -> Option<Vec<Entry>> {
        let parts = self.read(slug, key, Part::Docs)?;
        if parts.len() % 4 != 0 {
            return None;
        }
        parts
            .chunks(4)
            .map(|c| Entry::from_parts([&c[0], &c[1], &c[2], &c[3]]))
            .collect()
    }

    pub fn put_docs(&self, slug: &str, key: &str, docs: &[Entry]) {
        let parts: Vec<&str> = docs.iter().flat_map(Entry::parts).collect();
        self.write(slug, key, Part::Docs, &parts);
    }

    /// The data-package resources and schemas (JSON text) saved for `slug` under `key`:
    /// saved as the number of resources, the resources, then the schemas.
    pub fn resources(&self, slug: &str, key: &str) -> Option<UnitResources> {
        let mut parts = self.read(slug, key, Part::Resources)?.into_iter();
        let n: usize = parts.next()?.parse().ok()?;
        let resources: Vec<String> = parts.by_ref().take(n).collect();
        (resources.len() == n).then(|| UnitResources {
            resources,
            schemas: parts.collect(),
        })
    }

    pub fn put_resources(&self, slug: &str, key: &str, r: &UnitResources) {
        let n = r.resources.len().to_string();
        let parts: Vec<&str> = std::iter::once(n.as_str())
            .chain(r.resources.iter().map(String::as_str))
            .chain(r.schemas.iter().map(String::as_str))
            .collect();
        self.write(slug, key, Part::Resources, &parts);
    }

    /// The listing saved for `slug` under `key`.
    pub fn listing(&self, slug: &str, key: &str) -> Option<UnitListing> {
        let parts = self.read(slug, key, Part::Listing)?;
        match parts.as_slice() {
            [json] => serde_json::from_str(json).ok(),
            _ => None,
        }
    }

    pub fn put_listing(&self, slug: &str, key: &str, listing: &UnitListing) {
        if let Ok(json) = serde_json::to_string(listing) {
            self.write(slug, key, Part::Listing, &[&json]);
        }
    }

    /// Where each unit's resources sit in the `datapackage.json` whose hash is `hash`
    /// (see `datapackage::Layout`), if saved.
    pub fn layout(&self, hash: &str) -> Option<Vec<String>> {
        self.read(LAYOUT, hash, Part::Layout)
    }

    pub fn put_layout(&self, hash: &str, lines: &[String]) {
        let parts: Vec<&str> = lines.iter().map(String::as_str).collect();
        self.write(LAYOUT, hash, Part::Layout, &parts);
    }

    /// Each unit folder's stat and its sources' digest, as saved by the last build
    /// (see `source::Planner`).
    pub fn folder_stats(&self) -> Vec<(String, (u64, u64))> {
        let lines = self
            .read(FOLDERS, FOLDERS_KEY, Part::FolderStats)
            .unwrap_or_default();
        lines
            .iter()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let slug = f.next()?.to_string();
                let stat = u64::from_str_radix(f.next()?, 16).ok()?;
                let digest = u64::from_str_radix(f.next()?, 16).ok()?;
                Some((slug, (stat, digest)))
            })
            .collect()
    }

    pub fn put_folder_stats(&self, stats: &std::collections::BTreeMap<String, (u64, u64)>) {
        let lines: Vec<String> = stats
            .iter()
            .map(|(slug, (stat, digest))| format!("{slug}\t{stat:016x}\t{digest:016x}"))
            .collect();
        let parts: Vec<&str> = lines.iter().map(String::as_str).collect();
        self.write(FOLDERS, FOLDERS_KEY, Part::FolderStats, &parts);
    }

    /// Forgets the listing of `slug` (it has unacknowledged errors: the next build must
    /// read and check it again).
    pub fn drop_listing(&self, slug: &str) {
        let _ = std::fs::remove_file(self.path(slug, Part::Listing));
    }
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    // Shares are far below 4 GiB; a longer string would fail to read back and be remade.
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn take_u32(rest: &mut &[u8]) -> Option<u32> {
    let (n, tail) = rest.split_first_chunk::<4>()?;
    *rest = tail;
    Some(u32::from_le_bytes(*n))
}

fn take<'a>(rest: &mut &'a [u8]) -> Option<&'a str> {
    let n = take_u32(rest)? as usize;
    if rest.len() < n {
        return None;
    }
    let (s, tail) = rest.split_at(n);
    *rest = tail;
    simdutf8::basic::from_utf8(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_reads_back_only_under_its_key_and_only_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = ShareStore::open(dir.path().join("s")).unwrap();
        let texts = UnitResources {
            resources: vec!["{\"a\":1}".to_string(), String::new(), "中文".to_string()],
            schemas: vec!["{\"fields\":[]}".to_string()],
        };
        store.put_resources("u1", "k1", &texts);
        assert_eq!(store.resources("u1", "k1"), Some(texts.clone()));
        assert_eq!(store.resources("u1", "k2"), None);
        assert_eq!(store.resources("u2", "k1"), None);
        assert_eq!(store.docs("u1", "k1"), None);
        // Resources and schemas stay apart, even when there are none of one.
        for (r, s) in [(0, 1), (3, 0), (0, 0)] {
            let split = UnitResources {
                resources: texts.resources[..r].to_vec(),
                schemas: texts.schemas[..s].to_vec(),
            };
            store.put_resources("u3", "k1", &split);
            assert_eq!(store.resources("u3", "k1"), Some(split));
        }

        // A truncated or extended file is not a share.
        let path = store.path("u1", Part::Resources);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(store.resources("u1", "k1"), None);
        std::fs::write(&path, [bytes.as_slice(), b"x"].concat()).unwrap();
        assert_eq!(store.resources("u1", "k1"), None);
        // A huge count in a short file neither allocates nor reads.
        let mut bad = MAGIC.to_vec();
        put(&mut bad, "k1");
        bad.extend_from_slice(&u32::MAX.to_le_bytes());
        std::fs::write(&path, bad).unwrap();
        assert_eq!(store.resources("u1", "k1"), None);

        // Removed units' shares go; the others stay.
        store.put_resources("u1", "k1", &texts);
        store.put_resources("u2", "k1", &texts);
        store.retain(&["u2"].into_iter().collect());
        assert_eq!(store.resources("u1", "k1"), None);
        assert_eq!(store.resources("u2", "k1"), Some(texts));
        store.clear().unwrap();
        assert_eq!(store.resources("u2", "k1"), None);
    }
}
