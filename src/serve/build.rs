//! One preview build: check, render, publish incrementally into the preview directory.
//! Never fails: every problem becomes the overlay text.

use crate::build::BuildError;
use crate::build::render::UnitRef;
use crate::config::Config;
use crate::model::diagnostic;
use crate::views::listing::UnitListing;
use crate::{check, publish, source};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a preview build produced.
#[derive(Clone, Debug, Default)]
pub struct BuildReport {
    /// Unacknowledged errors (and failures to build), as counted by `check`.
    pub errors: usize,
    /// The text shown over every page while there are errors: the same text as
    /// `gongkai check` prints (without colour), or why the site could not be built.
    pub overlay: Option<String>,
    /// Files written anew (0 when nothing changed or nothing could be published).
    pub written: usize,
    /// Of these, HTML pages.
    pub pages: usize,
    /// Whether a new output was published (otherwise the previous one is still served).
    pub published: bool,
    pub elapsed: Duration,
    /// Time spent loading and checking, rendering, and writing.
    pub phases: [Duration; 3],
    /// Stopped by newer edits (nothing else in the report holds): rebuild again.
    pub cancelled: bool,
    /// Units read and checked (the others were kept: unchanged and without failing
    /// diagnostics).
    pub checked: usize,
}

fn failure(started: Instant, text: String) -> BuildReport {
    BuildReport {
        errors: 1,
        overlay: Some(text),
        written: 0,
        pages: 0,
        published: false,
        elapsed: started.elapsed(),
        phases: Default::default(),
        cancelled: false,
        checked: 0,
    }
}

/// What a preview keeps between rebuilds: the renderer (compiled templates, catalogue,
/// each unit's listing and shares of the indexes) while templates, `static/` and the
/// configuration stay the same, and which units had no failing diagnostic under which
/// digest of their sources. A full rebuild plans as `gongkai build` does
/// (`source::Planner`): such a unit, unchanged, is neither read again (its folder's stat
/// is known), parsed nor checked; its listing is the renderer's.
#[derive(Default)]
pub struct Preview {
    renderer: Option<crate::build::render::Renderer>,
    /// Units of the latest successful full rebuild without failing diagnostics: the
    /// digest of their sources (`Unit::digest`).
    clean: HashMap<String, u64>,
    /// Each unit folder's stat and its sources' digest, as learned by a rebuild.
    known: HashMap<String, (u64, u64)>,
    /// What the latest successful full rebuild found; `None` until one succeeded.
    latest: Option<Latest>,
    /// Set when newer edits make the rebuild under way stale (see [`Preview::cancelled_by`]).
    cancel: Option<Arc<AtomicBool>>,
    /// Units parsed anew by a cancelled rebuild: rendered again by the next one.
    unfinished: BTreeSet<String>,
}

/// A full rebuild's plan: keep the units that were clean under the same digest, while the
/// renderer that remembers their listings is the same.
struct PreviewPlanner<'a> {
    preview: &'a Preview,
    learned: Mutex<Vec<(String, u64, u64)>>,
}

impl source::Planner<UnitListing> for PreviewPlanner<'_> {
    fn keep(&self, slug: &str, digest: u64) -> Option<UnitListing> {
        if self.preview.clean.get(slug) != Some(&digest) {
            return None;
        }
        self.preview
            .renderer
            .as_ref()?
            .remembered_listing(slug, digest)
    }
    fn known(&self, slug: &str, stat: u64) -> Option<u64> {
        match self.preview.known.get(slug) {
            Some((s, digest)) if *s == stat => Some(*digest),
            _ => None,
        }
    }
    fn learned(&self, slug: &str, stat: u64, digest: u64) {
        if let Ok(mut l) = self.learned.lock() {
            l.push((slug.to_string(), stat, digest));
        }
    }
}

/// The units of the latest full rebuild, and its failing diagnostics counted by unit
/// folder (`""` for those of no unit).
struct Latest {
    units: BTreeSet<String>,
    errors: BTreeMap<String, usize>,
}

impl Preview {
    /// Forgets the renderer: the next rebuild compiles the templates again and renders
    /// every page (after a change outside `content/`).
    pub fn invalidate_renderer(&mut self) {
        self.renderer = None;
    }

    /// A rebuild stops, as [`BuildReport::cancelled`], once `flag` is set; the next one
    /// picks up its work.
    pub fn cancelled_by(&mut self, flag: Arc<AtomicBool>) {
        self.cancel = Some(flag);
    }

    fn planner(&self) -> PreviewPlanner<'_> {
        PreviewPlanner {
            preview: self,
            learned: Mutex::new(Vec::new()),
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|f| f.load(Ordering::SeqCst))
    }
}

/// Builds the site at `root` into `out`. Unlike `gongkai build`, a site with errors is
/// still published (the officer sees the edited figure and the verdict at once); the
/// previous output stays only when the site cannot be rendered at all. Links are
/// rooted at `/` whatever `base_url` says, so the preview works on its own host.
///
/// Only the units whose files changed are rendered again (with every listing), written
/// in place; after a change to the templates, `static/` or the configuration
/// ([`Preview::invalidate_renderer`]) every page is.
pub fn rebuild(root: &Path, out: &Path, preview: &mut Preview) -> BuildReport {
    let started = Instant::now();
    let mut config = match Config::load(root) {
        Ok(c) => c,
        Err(e) => return failure(started, format!("gongkai.toml 有误：{e}")),
    };
    config.base_url = "/".into();
    let resolved = match source::resolve_root(root) {
        Ok(r) => r,
        Err(e) => return failure(started, e.to_string()),
    };
    let planner = preview.planner();
    let (report, kept) = match check::check_planned(&resolved, &planner) {
        Ok(r) => r,
        Err(e) => return failure(started, format!("无法运行检查：{e}")),
    };
    for (slug, stat, digest) in planner.learned.into_inner().unwrap_or_default() {
        preview.known.insert(slug, (stat, digest));
    }
    let errors = report.diagnostics.iter().filter(|d| d.is_failing()).count();
    let units_checked = report.site.units.len();
    let latest = Latest {
        units: report
            .site
            .units
            .iter()
            .map(|u| u.slug.clone())
            .chain(kept.iter().map(|(k, _)| k.slug.clone()))
            .collect(),
        errors: errors_by_unit(&report),
    };
    let mut overlay = (errors > 0)
        .then(|| diagnostic::render_human(&report.diagnostics, &report.site.files, false));
    let checked = started.elapsed();
    let mut rendered = checked;
    let all = preview.renderer.is_none();
    // The units to render: those read (not kept), and those a cancelled rebuild left.
    let redo: BTreeSet<String> = report
        .site
        .units
        .iter()
        .map(|u| u.slug.clone())
        .chain(preview.unfinished.iter().cloned())
        .collect();
    let cancel = preview.cancel.clone();
    let published = (|| {
        if preview.cancelled() {
            return Err(BuildError::Cancelled);
        }
        if preview.renderer.is_none() {
            let mut renderer = crate::build::render::Renderer::new(&config, root)?.remember();
            // The shares kept beside the preview, as `build` keeps them beside its output:
            // an unchanged unit's resources are copied from the written `datapackage.json`.
            if let Some((parent, name)) = publish::parent_and_name(out) {
                let store =
                    crate::build::shares::ShareStore::open(publish::shares_path(&parent, &name))?;
                renderer = renderer.with_store(store);
            }
            preview.renderer = Some(renderer);
        }
        let renderer = preview
            .renderer
            .as_ref()
            .ok_or_else(|| BuildError::Site("内部错误：没有渲染器".to_string()))?;
        let mode = if all {
            publish::Mode::Swap { clean: false }
        } else {
            publish::Mode::InPlace
        };
        let mut writer = publish::Writer::begin(out, root, mode)?;
        if let Some(flag) = cancel {
            writer = writer.cancelled_by(flag);
        }
        renderer.forget(&redo);
        renderer.set_findings(crate::views::findings::of_report(&report));
        let scope = if writer.mode() == publish::Mode::InPlace {
            crate::build::Scope::Units(&redo)
        } else {
            crate::build::Scope::All
        };
        let progress = crate::build::Progress::new(false, 0);
        let mut units: Vec<UnitRef> = report
            .site
            .units
            .iter()
            .map(UnitRef::Read)
            .chain(kept.iter().map(|(k, l)| UnitRef::Kept(k, l)))
            .collect();
        units.sort_by(|a, b| a.slug().cmp(b.slug()));
        crate::build::render_into(renderer, &units, scope, &writer, &progress)?;
        rendered = started.elapsed();
        // The files of units not rendered again stay (looked up by their top folder).
        let stay: std::collections::HashSet<&str> = units
            .iter()
            .map(|u| u.slug())
            .filter(|slug| !redo.contains(*slug))
            .collect();
        Ok::<_, BuildError>(writer.finish(|rel| {
            rel.split_once('/')
                .is_some_and(|(top, _)| stay.contains(top))
        })?)
    })();
    let mut cancelled = false;
    let mut pages = 0;
    let (written, published, extra) = match published {
        Ok(o) => {
            let failing = &latest.errors;
            let mut clean: HashMap<String, u64> = report
                .site
                .units
                .iter()
                .filter(|u| !failing.contains_key(&u.slug))
                .map(|u| (u.slug.clone(), u.digest))
                .collect();
            for (k, _) in &kept {
                clean.insert(k.slug.clone(), k.digest);
            }
            preview.clean = clean;
            preview.known.retain(|slug, _| latest.units.contains(slug));
            preview.latest = Some(latest);
            preview.unfinished.clear();
            pages = o.written.iter().filter(|f| f.ends_with(".html")).count();
            (o.written.len(), true, 0)
        }
        Err(e) if e.is_cancelled() => {
            // Newer edits: the next rebuild takes over, and renders these units too.
            preview.unfinished = redo;
            if all {
                preview.renderer = None;
            }
            cancelled = true;
            (0, false, 0)
        }
        Err(e) => {
            // The next rebuild starts over with everything.
            preview.renderer = None;
            let text = format!("生成失败（仍显示上一次的结果）：{e}");
            overlay = Some(match overlay {
                Some(o) => format!("{text}\n\n{o}"),
                None => text,
            });
            (0, false, 1)
        }
    };
    BuildReport {
        errors: errors + extra,
        overlay,
        written,
        pages,
        published,
        elapsed: started.elapsed(),
        phases: [
            checked,
            rendered.saturating_sub(checked),
            started.elapsed().saturating_sub(rendered),
        ],
        cancelled,
        checked: units_checked,
    }
}

/// The failing diagnostics of `report`, counted by the unit folder of their file.
fn errors_by_unit(report: &check::Report) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for d in report.diagnostics.iter().filter(|d| d.is_failing()) {
        let unit = d
            .loc
            .map(|l| report.site.files.get(l.file).display.as_str())
            .and_then(|display| display.split_once('/'))
            .map_or("", |(unit, _)| unit);
        *counts.entry(unit.to_string()).or_insert(0) += 1;
    }
    counts
}

/// The first, quick part of a rebuild after edits inside the folders of the units
/// `slugs` (of a content folder at `content`): each is checked on its own and its pages
/// are written in place, so the page being edited shows the new figures at once. The
/// full rebuild ([`rebuild`]: the units' downloads and feeds, the listings, every unit's
/// verdict, removed files) must follow. A unit's pages depend on nothing but the unit,
/// so they are the same bytes the full rebuild writes.
///
/// `None` when this cannot be done and only the full rebuild will do: no successful
/// full rebuild yet, templates or configuration changed, a unit new to the site or
/// gone, or a unit that cannot be rendered.
pub fn rebuild_units(
    content: &Path,
    out: &Path,
    preview: &Preview,
    slugs: &BTreeSet<String>,
) -> Option<BuildReport> {
    let started = Instant::now();
    let renderer = preview.renderer.as_ref()?;
    let latest = preview.latest.as_ref()?;
    if !slugs.is_subset(&latest.units) {
        return None;
    }
    let mut errors: usize = latest
        .errors
        .iter()
        .filter(|(unit, _)| !slugs.contains(*unit))
        .map(|(_, n)| n)
        .sum();
    let others = errors;
    let mut texts = Vec::new();
    let mut files = Vec::new();
    let mut checking = Duration::ZERO;
    for slug in slugs {
        let begun = Instant::now();
        let dir = content.join(slug);
        if !dir.join("unit.yaml").is_file() {
            return None;
        }
        let report = check::check(&source::Root::Unit(dir)).ok()?;
        let [unit] = report.site.units.as_slice() else {
            return None;
        };
        let failing = report.diagnostics.iter().filter(|d| d.is_failing()).count();
        if failing > 0 {
            errors += failing;
            texts.push(diagnostic::render_human(
                &report.diagnostics,
                &report.site.files,
                false,
            ));
        }
        checking += begun.elapsed();
        let findings = crate::views::findings::of_report(&report);
        let listing = renderer.make_listing_with(
            unit,
            findings.get(&unit.slug).map_or(&[][..], Vec::as_slice),
        );
        files.extend(renderer.unit_pages(unit, &listing).ok()?);
    }
    let rendered = started.elapsed();
    let (mut written, mut pages) = (0, 0);
    for (rel, bytes) in &files {
        if publish::write_in_place(out, rel, bytes).ok()? {
            written += 1;
            pages += usize::from(rel.ends_with(".html"));
        }
    }
    if others > 0 {
        texts.push(format!(
            "其他单位另有 {others} 个错误（全站检查完成后在此列出）"
        ));
    }
    Some(BuildReport {
        errors,
        overlay: (errors > 0).then(|| texts.join("\n\n")),
        written,
        pages,
        published: true,
        elapsed: started.elapsed(),
        phases: [
            checking,
            rendered.saturating_sub(checking),
            started.elapsed().saturating_sub(rendered),
        ],
        cancelled: false,
        checked: slugs.len(),
    })
}
