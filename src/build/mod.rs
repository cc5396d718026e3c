//! Orchestration of a build: the renderer, the plan, the kept shares.

pub mod render;
pub mod shares;
pub mod sources;

use crate::build::render::{Renderer, UnitRef};
use crate::build::sources::{site_sources, unit_sources};
use crate::config::Config;
use crate::model::Site;
use crate::publish::{Mode, Outcome, Writer, parent_and_name, shares_path};
use crate::views::listing::UnitListing;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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
pub(crate) struct SiteEmit<'a> {
    writer: &'a Writer,
    paths: Mutex<Vec<String>>,
}

impl SiteEmit<'_> {
    fn note(&self, rel: &str) -> Result<(), BuildError> {
        render::check_reserved(rel)?;
        self.paths
            .lock()
            .map_err(|e| BuildError::Site(e.to_string()))?
            .push(rel.to_string());
        Ok(())
    }
}

impl render::Emit for SiteEmit<'_> {
    fn file(&self, rel: &str, bytes: Vec<u8>) -> Result<(), BuildError> {
        self.note(rel)?;
        Ok(self.writer.put(rel, &bytes, site_sources(rel))?)
    }
    fn stream(
        &self,
        rel: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), BuildError>,
    ) -> Result<String, BuildError> {
        self.note(rel)?;
        self.writer.put_streamed(rel, site_sources(rel), write)
    }
    fn earlier(&self, rel: &str) -> Option<(PathBuf, String)> {
        self.writer.earlier(rel)
    }
    fn reuse(&self, folder: &str, key: &str) -> Result<bool, BuildError> {
        Ok(self.writer.reuse_folder(folder, key)?)
    }
    fn made(&self, folder: &str, key: String) -> Result<(), BuildError> {
        Ok(self.writer.folder_made(folder, key)?)
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
) -> Result<(), BuildError> {
    use rayon::prelude::*;
    render::check_unit_names(units)?;
    // What the listings need of each unit, made or read back once.
    let listing = crate::timings::phase("各单位的列表信息");
    let listings: Vec<UnitListing> = units
        .par_iter()
        .map(|u| renderer.listing(*u))
        .collect::<Result<_, _>>()?;
    drop(listing);
    renderer.set_site_feed(crate::outputs::feeds::any_dated(&listings));
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
            let mut paths = std::mem::take(
                &mut *emit
                    .paths
                    .lock()
                    .map_err(|e| BuildError::Site(e.to_string()))?,
            );
            paths.sort();
            let pages = render::page_paths(&listings, &paths);
            let shared = renderer
                .sitemap_files(&pages)?
                .into_iter()
                .chain(renderer.asset_files()?);
            for (rel, bytes) in shared {
                writer.put(&rel, &bytes, site_sources(&rel))?;
            }
            Ok::<(), BuildError>(())
        },
        || {
            let _units = crate::timings::phase("各单位的页面");
            todo.par_iter().try_for_each(|(u, listing)| {
                let key = renderer.render_key(u.digest(), listing);
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
                Ok::<(), BuildError>(())
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
    pub fn new(
        config: &Config,
        site_root: &Path,
        out: &Path,
        clean: bool,
    ) -> Result<Plan, BuildError> {
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
    /// `findings` are those of the check of the units read (`views::findings::of_report`).
    pub fn build(
        self,
        site: &Site,
        kept: &[(crate::source::Kept, UnitListing)],
        failing: std::collections::BTreeSet<String>,
        findings: crate::views::findings::SiteFindings,
        progress: bool,
    ) -> Result<Outcome, BuildError> {
        if let (Some(store), Ok(learned)) = (&self.store, self.learned.lock()) {
            store.put_folder_stats(&learned);
        }
        let renderer = self.renderer.unlisted(failing);
        renderer.set_findings(findings);
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
/// progress on stderr when `progress` is set. `findings` are those of the site's check
/// (`views::findings::of_report`).
pub fn build(
    site: &Site,
    findings: crate::views::findings::SiteFindings,
    config: &Config,
    site_root: &Path,
    out: &Path,
    clean: bool,
    progress: bool,
) -> Result<Outcome, BuildError> {
    Plan::new(config, site_root, out, clean)?.build(
        site,
        &[],
        Default::default(),
        findings,
        progress,
    )
}

/// Why a build failed. The published output is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Data(#[from] crate::model::DataError),
    #[error(transparent)]
    Source(#[from] crate::source::SourceError),
    #[error(transparent)]
    Publish(crate::publish::PublishError),
    #[error(transparent)]
    Output(crate::outputs::OutputError),
    #[error(transparent)]
    Chart(#[from] crate::views::charts::ChartError),
    /// A template failed to load or render.
    #[error("{0}")]
    Template(String),
    /// The site's own files cannot be used (a template, a static file, a unit folder named
    /// like an output, the program file), or an internal inconsistency.
    #[error("{0}")]
    Site(String),
    /// A newer edit arrived while `serve` was building: the build stops and is taken up
    /// again.
    #[error("已取消（有新的修改）")]
    Cancelled,
}

impl BuildError {
    pub fn is_cancelled(&self) -> bool {
        matches!(self, BuildError::Cancelled)
    }
}

impl From<crate::publish::PublishError> for BuildError {
    fn from(e: crate::publish::PublishError) -> Self {
        match e {
            crate::publish::PublishError::Cancelled => BuildError::Cancelled,
            e => BuildError::Publish(e),
        }
    }
}

impl From<crate::outputs::OutputError> for BuildError {
    fn from(e: crate::outputs::OutputError) -> Self {
        match e {
            crate::outputs::OutputError::Cancelled => BuildError::Cancelled,
            e => BuildError::Output(e),
        }
    }
}

/// What outputs see of a failure of the writer they hand files to.
impl From<BuildError> for crate::outputs::OutputError {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Cancelled => crate::outputs::OutputError::Cancelled,
            BuildError::Output(e) => e,
            e => crate::outputs::OutputError::Write(Box::new(e)),
        }
    }
}
