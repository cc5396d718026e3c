//! Rendering the site: Tera templates (built in, overridable by the site's `templates/`),
//! assets (built in, plus the site's `static/`), written to a temporary directory that
//! replaces the output only when everything succeeded.

use crate::build::BuildError;
use crate::config::Config;
use crate::model::Unit;
use crate::model::catalogue::Catalogue;
use crate::model::templates::Templates;
use crate::outputs::OutputError;
use crate::views::listing::{self, UnitListing};
use crate::views::{SiteInfo, disclosure_path, disclosure_view, groups, site_info, unit_path};
use std::collections::BTreeMap;
use std::path::Path;

/// The templates compiled into gongkai; a file of the same name in the site's
/// `templates/` replaces one.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("unit.html", include_str!("../../templates/unit.html")),
    (
        "disclosure.html",
        include_str!("../../templates/disclosure.html"),
    ),
    ("table.html", include_str!("../../templates/table.html")),
    (
        "findings.html",
        include_str!("../../templates/findings.html"),
    ),
    ("chart.html", include_str!("../../templates/chart.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("compare.html", include_str!("../../templates/compare.html")),
    (
        "compare-figure.html",
        include_str!("../../templates/compare-figure.html"),
    ),
    (
        "compare-index.html",
        include_str!("../../templates/compare-index.html"),
    ),
    ("search.html", include_str!("../../templates/search.html")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    ("robots.txt", include_str!("../../templates/robots.txt")),
];

/// The assets compiled into gongkai, written under `static/`; the site's `static/`
/// files are copied over them.
pub const DEFAULT_ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("../../static/style.css")),
    ("sort.js", include_str!("../../static/sort.js")),
    ("search.js", include_str!("../../static/search.js")),
];

/// Directory of the assets in the output.
pub const ASSET_DIR: &str = "static";

/// The files under one of the site's folders (`templates/`, `static/`), by name relative
/// to it with `/`, sorted; none when the folder does not exist.
fn site_dir_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>, BuildError> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry =
            entry.map_err(|e| BuildError::Site(format!("无法读取 {}：{e}", dir.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .map_err(|e| BuildError::Site(e.to_string()))?
            .to_string_lossy()
            .replace('\\', "/");
        out.push((rel, entry.path().to_path_buf()));
    }
    Ok(out)
}

/// A hash of everything besides a unit that its pages are rendered from (see
/// [`Renderer::unit_key`]). The executable is known by its path, size and modification
/// time: another build of gongkai renders everything again.
fn fingerprint(config: &Config, site_root: &Path) -> Result<String, BuildError> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    let exe =
        std::env::current_exe().map_err(|e| BuildError::Site(format!("无法确定程序文件：{e}")))?;
    let meta =
        std::fs::metadata(&exe).map_err(|e| BuildError::Site(format!("无法读取程序文件：{e}")))?;
    (exe, meta.len(), meta.modified().ok()).hash(&mut h);
    format!("{config:?}").hash(&mut h);
    for dir in ["templates", "static"] {
        for (rel, path) in site_dir_files(&site_root.join(dir))? {
            let bytes = std::fs::read(&path)
                .map_err(|e| BuildError::Site(format!("无法读取 {}：{e}", path.display())))?;
            (dir, rel, bytes).hash(&mut h);
        }
    }
    Ok(format!("{:016x}", h.finish()))
}

/// Loads the templates: the defaults, then the site's own files (by relative name).
pub fn load_templates(site_root: &Path) -> Result<tera::Tera, BuildError> {
    let mut sources: BTreeMap<String, String> = DEFAULT_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for (rel, path) in site_dir_files(&site_root.join("templates"))? {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| BuildError::Site(format!("无法读取模板 {}：{e}", path.display())))?;
        sources.insert(rel, text);
    }
    let mut tera = tera::Tera::new();
    tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| BuildError::Template(format!("模板有误：{e}")))?;
    Ok(tera)
}

fn render(tera: &tera::Tera, name: &str, ctx: &tera::Context) -> Result<String, BuildError> {
    tera.render(name, ctx)
        .map_err(|e| BuildError::Template(format!("渲染模板 {name} 失败：{e}")))
}

/// Rendered outputs: output path (relative to the output directory) → bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// Where [`Renderer::site_files`] puts the site-wide outputs as they are made.
pub trait Emit: Sync {
    /// One file, whole.
    fn file(&self, rel: &str, bytes: Vec<u8>) -> Result<(), BuildError>;
    /// One large file, written piece by piece by `write`; returns its hash
    /// (`publish::hash`).
    fn stream(
        &self,
        rel: &str,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<(), BuildError>,
    ) -> Result<String, BuildError>;
    /// The previous output's file `rel` and its recorded hash, if any.
    fn earlier(&self, rel: &str) -> Option<(std::path::PathBuf, String)>;
    /// Carries the files under `folder` over from the previous output when they were
    /// made under `key` (true), instead of their being made again.
    fn reuse(&self, folder: &str, key: &str) -> Result<bool, BuildError>;
    /// Notes that the files under `folder` were made under `key`.
    fn made(&self, folder: &str, key: String) -> Result<(), BuildError>;
}

/// A unit as the search index sees it: its documents from the renderer.
struct SearchUnit<'a> {
    renderer: &'a Renderer,
    unit: UnitRef<'a>,
}

impl crate::outputs::search::Indexed for SearchUnit<'_> {
    fn slug(&self) -> &str {
        self.unit.slug()
    }
    fn key(&self) -> Option<String> {
        self.renderer.unit_key(self.unit.digest())
    }
    fn docs(&self) -> Result<Vec<crate::outputs::search::Entry>, OutputError> {
        Ok(self.renderer.unit_docs(self.unit)?)
    }
}

/// The search index's files go where the other site-wide files go.
struct SearchOut<'a>(&'a dyn Emit);

impl crate::outputs::search::Out for SearchOut<'_> {
    fn put(&self, rel: String, bytes: Vec<u8>) -> Result<(), OutputError> {
        Ok(self.0.file(&rel, bytes)?)
    }
    fn reuse(&self, folder: &str, key: &str) -> Result<bool, OutputError> {
        Ok(self.0.reuse(folder, key)?)
    }
    fn made(&self, folder: &str, key: String) -> Result<(), OutputError> {
        Ok(self.0.made(folder, key)?)
    }
}

/// A unit of the site as a build knows it: read (its model), or kept (its sources are
/// those a previous build saved its listing under, so they were not parsed; see
/// `source::Kept`).
#[derive(Clone, Copy)]
pub enum UnitRef<'a> {
    Read(&'a Unit),
    Kept(&'a crate::source::Kept, &'a UnitListing),
}

impl<'a> UnitRef<'a> {
    /// Its folder name.
    pub fn slug(&self) -> &'a str {
        match self {
            UnitRef::Read(u) => &u.slug,
            UnitRef::Kept(k, _) => &k.slug,
        }
    }

    /// `Unit::digest`.
    pub fn digest(&self) -> u64 {
        match self {
            UnitRef::Read(u) => u.digest,
            UnitRef::Kept(k, _) => k.digest,
        }
    }

    /// The model; a kept unit's is read now (the first time).
    pub fn unit(&self) -> Result<&'a Unit, BuildError> {
        match self {
            UnitRef::Read(u) => Ok(u),
            UnitRef::Kept(k, _) => Ok(k.unit()?),
        }
    }
}

/// Everything rendering needs that does not depend on the units: the compiled templates,
/// the catalogue, the table set of each template and the site's facts. Built once per
/// build (and kept by `serve` while templates and configuration do not change); shared
/// by the threads rendering units.
pub struct Renderer {
    tera: tera::Tera,
    templates: Templates,
    catalogue: Catalogue,
    info: SiteInfo,
    config: Config,
    /// Each unit's search documents and data-package resources, remembered between
    /// builds when set (`serve`, see [`Renderer::remember`]).
    memo: Option<std::sync::Mutex<Memo>>,
    /// `base_url` when it names a host (sitemap and robots need absolute URLs).
    absolute: Option<String>,
    site_root: std::path::PathBuf,
    /// What a unit's pages depend on besides the unit (see [`Renderer::unit_key`]);
    /// `None` when it cannot be known (nothing is then carried over unrendered).
    fingerprint: Option<String>,
    /// Where units' shares of the indexes are kept between processes (`build`).
    store: Option<super::shares::ShareStore>,
    /// Units whose listing is not saved in `store` (they have unacknowledged errors).
    unlisted: std::collections::BTreeSet<String>,
    /// The findings of the check of the units read by this build, by unit folder
    /// ([`Renderer::set_findings`]); a kept unit's come with its listing.
    findings: std::sync::RwLock<crate::views::findings::SiteFindings>,
    /// Whether the site's feed exists (some disclosure has a date; see
    /// [`Renderer::set_site_feed`]): every page's header links it only then.
    site_feed: std::sync::atomic::AtomicBool,
}

impl Renderer {
    pub fn new(config: &Config, site_root: &Path) -> Result<Self, BuildError> {
        Ok(Renderer {
            fingerprint: fingerprint(config, site_root).ok(),
            tera: load_templates(site_root)?,
            templates: Templates::builtin()?,
            catalogue: Catalogue::builtin()?,
            info: site_info(config),
            config: config.clone(),
            memo: None,
            store: None,
            unlisted: Default::default(),
            findings: Default::default(),
            site_feed: Default::default(),
            absolute: config.absolute_base(),
            site_root: site_root.to_path_buf(),
        })
    }

    /// The findings of the check of the units read (by unit folder): what their
    /// listings, pages and downloads show of it. Replaces those given before.
    pub fn set_findings(&self, findings: crate::views::findings::SiteFindings) {
        if let Ok(mut f) = self.findings.write() {
            *f = findings;
        }
    }

    /// Whether the site has a feed (`feeds::any_dated` of every unit's listing), set
    /// before the pages are rendered: every page links the feed only when it exists.
    pub fn set_site_feed(&self, exists: bool) {
        self.site_feed
            .store(exists, std::sync::atomic::Ordering::Relaxed);
    }

    fn has_site_feed(&self) -> bool {
        self.site_feed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The key under which a unit's own files are carried over unrendered: its
    /// [`Renderer::unit_key`] and the findings its pages show (`listing`'s), so that a
    /// unit whose findings change is rendered again even when its sources did not, and
    /// whether the site has a feed (its pages' headers link it).
    pub fn render_key(&self, digest: u64, listing: &UnitListing) -> Option<String> {
        let findings: Vec<_> = listing
            .disclosures
            .iter()
            .map(|d| d.findings.clone())
            .collect();
        let f = crate::views::findings::DisclosureFindings::digest(&findings);
        let feed = u8::from(self.has_site_feed());
        Some(format!("{}-{f:016x}-{feed}", self.unit_key(digest)?))
    }

    /// What `unit_files(u)` renders from: the unit's sources (`Unit::digest`), and this
    /// renderer's configuration, the site's `templates/` and `static/`, and the gongkai
    /// executable itself (its built-in templates, catalogue and code). The same key, the
    /// same files: a build may carry them over from the previous output unrendered.
    pub fn unit_key(&self, digest: u64) -> Option<String> {
        let f = self.fingerprint.as_ref()?;
        Some(format!("{f}-{digest:016x}"))
    }

    /// Remember each unit's share of the site-wide indexes (search, data package) from
    /// one build to the next; [`Renderer::forget`] drops the changed units' shares.
    pub fn remember(mut self) -> Self {
        self.memo = Some(std::sync::Mutex::new(Memo::default()));
        self
    }

    /// Forgets what was remembered of the units `slugs` (they changed).
    pub fn forget<'a>(&self, slugs: impl IntoIterator<Item = &'a String>) {
        if let Some(Ok(mut m)) = self.memo.as_ref().map(|m| m.lock()) {
            for s in slugs {
                m.digests.remove(s);
                m.docs.remove(s);
                m.resources.remove(s);
                m.listings.remove(s);
            }
        }
    }

    /// Keeps each unit's share of the site-wide indexes in `store` too, from one process
    /// to the next (`build`; see [`super::shares`]).
    pub fn with_store(mut self, store: super::shares::ShareStore) -> Self {
        self.store = Some(store);
        self
    }

    /// A unit's share of the listings: remembered (`serve`), else saved in the store
    /// under the unit's key, else made by `make` from its model (and remembered and
    /// saved).
    fn share<T: Clone>(
        &self,
        u: UnitRef,
        memo: impl Fn(&mut Memo) -> &mut std::collections::HashMap<String, T>,
        load: impl Fn(&super::shares::ShareStore, &str) -> Option<T>,
        save: impl Fn(&super::shares::ShareStore, &str, &T),
        make: impl Fn(&Unit) -> T,
    ) -> Result<T, BuildError> {
        let digest = u.digest();
        let remembered = self.memo.as_ref().and_then(|m| {
            let mut m = m.lock().ok()?;
            if m.digests.get(u.slug()) != Some(&digest) {
                return None;
            }
            memo(&mut m).get(u.slug()).cloned()
        });
        if let Some(v) = remembered {
            return Ok(v);
        }
        let stored = self.store.as_ref().zip(self.unit_key(u.digest()));
        let v = match stored.as_ref().and_then(|(store, key)| load(store, key)) {
            Some(v) => v,
            None => {
                let v = make(u.unit()?);
                if let Some((store, key)) = &stored {
                    save(store, key, &v);
                }
                v
            }
        };
        if let Some(Ok(mut m)) = self.memo.as_ref().map(|m| m.lock()) {
            if m.digests.get(u.slug()) != Some(&digest) {
                let slug = u.slug();
                m.docs.remove(slug);
                m.resources.remove(slug);
                m.listings.remove(slug);
                m.digests.insert(slug.to_string(), digest);
            }
            memo(&mut m).insert(u.slug().to_string(), v.clone());
        }
        Ok(v)
    }

    /// Saves no listing of the units `slugs` in the store: they have unacknowledged
    /// errors, and a kept listing lets the next build skip checking its unit.
    pub fn unlisted(mut self, slugs: std::collections::BTreeSet<String>) -> Self {
        self.unlisted = slugs;
        self
    }

    /// What the listings need of `u` (a kept unit's came with it).
    pub fn listing(&self, u: UnitRef) -> Result<UnitListing, BuildError> {
        if let UnitRef::Kept(_, l) = u {
            return Ok(l.clone());
        }
        let slug = u.slug();
        self.share(
            u,
            |m| &mut m.listings,
            |store, key| store.listing(slug, key),
            |store, key, l| {
                if self.unlisted.contains(slug) {
                    store.drop_listing(slug)
                } else {
                    store.put_listing(slug, key, l)
                }
            },
            |unit| self.make_listing(unit),
        )
    }

    /// What the listings need of `u`, made from its model now (nothing remembered),
    /// with the findings given by [`Renderer::set_findings`].
    pub fn make_listing(&self, u: &Unit) -> UnitListing {
        let findings = self
            .findings
            .read()
            .ok()
            .and_then(|f| f.get(&u.slug).cloned())
            .unwrap_or_default();
        self.make_listing_with(u, &findings)
    }

    /// [`Renderer::make_listing`] with the findings of `u`'s disclosures, in their order.
    pub fn make_listing_with(
        &self,
        u: &Unit,
        findings: &[crate::views::findings::DisclosureFindings],
    ) -> UnitListing {
        listing::of(
            &self.info.base,
            u,
            &self.templates,
            crate::outputs::datapackage::resource_names(u),
            findings,
        )
    }

    /// The listing of unit `slug` remembered from an earlier build by this renderer
    /// ([`Renderer::remember`]; `serve`), if it was made from the sources of `digest`.
    pub fn remembered_listing(&self, slug: &str, digest: u64) -> Option<UnitListing> {
        let memo = self.memo.as_ref()?.lock().ok()?;
        if memo.digests.get(slug) != Some(&digest) {
            return None;
        }
        memo.listings.get(slug).cloned()
    }

    /// The listing of unit `slug` saved under `digest`'s key, if any (see
    /// [`super::shares`]).
    pub fn kept_listing(&self, slug: &str, digest: u64) -> Option<UnitListing> {
        let key = self.unit_key(digest)?;
        self.store.as_ref()?.listing(slug, &key)
    }

    fn unit_docs(&self, u: UnitRef) -> Result<Vec<crate::outputs::search::Entry>, BuildError> {
        let slug = u.slug();
        self.share(
            u,
            |m| &mut m.docs,
            |store, key| store.docs(slug, key),
            |store, key, docs| store.put_docs(slug, key, docs),
            |unit| {
                // The verdicts shown with the disclosures in the results.
                let verdicts: Vec<String> = match self.listing(u) {
                    Ok(l) => l.disclosures.iter().map(|d| d.findings.verdict()).collect(),
                    Err(_) => Vec::new(),
                };
                crate::outputs::search::unit_docs(unit, &self.templates, &verdicts)
            },
        )
    }

    fn unit_resources(
        &self,
        u: UnitRef,
    ) -> Result<crate::outputs::datapackage::UnitResources, BuildError> {
        let slug = u.slug();
        self.share(
            u,
            |m| &mut m.resources,
            |store, key| store.resources(slug, key),
            |store, key, r| store.put_resources(slug, key, r),
            |unit| crate::outputs::datapackage::unit_resources(unit, &self.templates),
        )
    }

    fn context(&self) -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("site", &self.info);
        c.insert("asset_base", &format!("{}{ASSET_DIR}/", self.info.base));
        c.insert(
            "site_feed",
            &self
                .has_site_feed()
                .then(|| format!("{}{}", self.info.base, crate::outputs::feeds::FEED)),
        );
        c
    }

    /// A unit's own outputs: its page, its feed, the pages of its disclosures and their
    /// downloads (`listing` is the unit's, from [`Renderer::listing`]).
    pub fn unit_files(&self, u: &Unit, listing: &UnitListing) -> Result<Files, BuildError> {
        use rayon::prelude::*;
        // The pages and the downloads (mostly workbooks) are independent.
        let (pages, downloads) = rayon::join(
            || self.unit_pages(u, listing),
            || {
                u.disclosures
                    .par_iter()
                    .zip(&listing.disclosures)
                    .map(|(d, l)| {
                        crate::outputs::downloads::disclosure_files(
                            u,
                            d,
                            &self.templates,
                            &l.findings,
                        )
                    })
                    .collect::<Result<Vec<Files>, OutputError>>()
            },
        );
        let mut out = pages?;
        out.extend(downloads?.into_iter().flatten());
        out.extend(crate::outputs::feeds::unit_feed(
            &self.config,
            &self.info,
            listing,
        )?);
        Ok(out)
    }

    /// A unit's pages only: its own and its disclosures' (what `serve` shows first after
    /// an edit; the downloads and the feed follow with the rest of the rebuild).
    pub fn unit_pages(&self, u: &Unit, listing: &UnitListing) -> Result<Files, BuildError> {
        let mut out = Files::new();
        let mut ctx = self.context();
        ctx.insert("unit", &listing.summary);
        ctx.insert("charts", &crate::views::charts::over_years(u));
        ctx.insert(
            "across_years",
            &crate::outputs::compare::across_years(&self.info.base, listing)?,
        );
        let feed = crate::outputs::feeds::unit_feed_link(&self.info.base, u);
        ctx.insert("feed", &feed);
        out.push((
            unit_path(u),
            render(&self.tera, "unit.html", &ctx)?.into_bytes(),
        ));
        let none = crate::views::findings::DisclosureFindings::default();
        for (i, d) in u.disclosures.iter().enumerate() {
            let findings = listing.disclosures.get(i).map_or(&none, |l| &l.findings);
            let mut ctx = self.context();
            ctx.insert("feed", &feed);
            ctx.insert(
                "page",
                &disclosure_view(&self.info, u, d, &self.templates, &self.catalogue, findings),
            );
            out.push((
                disclosure_path(u, d),
                render(&self.tera, "disclosure.html", &ctx)?.into_bytes(),
            ));
        }
        Ok(out)
    }

    /// The outputs that list or serve the whole site (home page, comparisons, the site's
    /// feed, `datapackage.json`, the search page and index, 404), without the sitemap (see [`Renderer::sitemap_files`]) and the assets,
    /// made from the `units` and their `listings` (in the same order).
    /// Each goes to `emit` as soon as it is made (the data package piece by piece).
    pub fn site_files(
        &self,
        units: &[UnitRef],
        listings: &[UnitListing],
        emit: &dyn Emit,
    ) -> Result<(), BuildError> {
        use rayon::prelude::*;
        let by_slug: std::collections::HashMap<&str, UnitRef> =
            units.iter().map(|u| (u.slug(), *u)).collect();
        type Producer<'a> = (
            &'static str,
            Box<dyn Fn() -> Result<Files, BuildError> + Send + Sync + 'a>,
        );
        // Independent of each other: made in parallel.
        let producers: Vec<Producer> = vec![
            (
                "首页",
                Box::new(|| {
                    let mut ctx = self.context();
                    ctx.insert("groups", &groups(listings));
                    ctx.insert("unit_count", &listings.len());
                    ctx.insert(
                        "disclosure_count",
                        &listings.iter().map(|u| u.disclosures.len()).sum::<usize>(),
                    );
                    Ok(vec![(
                        "index.html".into(),
                        render(&self.tera, "index.html", &ctx)?.into_bytes(),
                    )])
                }),
            ),
            (
                "比较",
                Box::new(|| {
                    Ok(crate::outputs::compare::site_files(
                        &self.tera,
                        &self.context(),
                        &self.info,
                        listings,
                    )?)
                }),
            ),
            (
                "订阅",
                Box::new(|| {
                    Ok(
                        crate::outputs::feeds::site_feed(&self.config, &self.info, listings)?
                            .into_iter()
                            .collect(),
                    )
                }),
            ),
            (
                "datapackage.json",
                Box::new(|| {
                    self.datapackage(&by_slug, listings, emit)?;
                    Ok(Files::new())
                }),
            ),
            (
                "搜索索引",
                Box::new(|| {
                    let indexed: Vec<SearchUnit> = units
                        .iter()
                        .map(|u| SearchUnit {
                            renderer: self,
                            unit: *u,
                        })
                        .collect();
                    let indexed: Vec<&dyn crate::outputs::search::Indexed> = indexed
                        .iter()
                        .map(|u| u as &dyn crate::outputs::search::Indexed)
                        .collect();
                    crate::outputs::search::site_files(
                        &self.tera,
                        &self.context(),
                        &indexed,
                        self.config.search_segment_units,
                        &SearchOut(emit),
                    )?;
                    Ok(Files::new())
                }),
            ),
            (
                "findings.csv",
                Box::new(|| {
                    Ok(vec![(
                        crate::outputs::findings::PATH.into(),
                        crate::outputs::findings::csv(listings),
                    )])
                }),
            ),
            (
                "404",
                Box::new(|| {
                    Ok(vec![(
                        "404.html".into(),
                        render(&self.tera, "404.html", &self.context())?.into_bytes(),
                    )])
                }),
            ),
        ];
        producers.par_iter().try_for_each(|(name, p)| {
            let _t = crate::timings::phase(name);
            for (rel, bytes) in p()? {
                emit.file(&rel, bytes)?;
            }
            Ok(())
        })
    }

    /// `datapackage.json`, written piece by piece: an unchanged unit's resources are
    /// copied from the published descriptor when the store has its layout (see
    /// `datapackage::Layout`), and the new layout is saved.
    fn datapackage(
        &self,
        by_slug: &std::collections::HashMap<&str, UnitRef>,
        listings: &[UnitListing],
        emit: &dyn Emit,
    ) -> Result<(), BuildError> {
        use crate::outputs::datapackage::{self as dp, Earlier, Layout};
        let unit = |l: &UnitListing| {
            by_slug
                .get(l.slug.as_str())
                .copied()
                .ok_or_else(|| BuildError::Site(format!("内部错误：找不到单位 {}", l.slug)))
        };
        let key = |l: &UnitListing| self.unit_key(unit(l).ok()?.digest());
        let resources = |l: &UnitListing| Ok(self.unit_resources(unit(l)?)?);
        let earlier = self.store.as_ref().and_then(|store| {
            let (path, hash) = emit.earlier(dp::PATH)?;
            let size = crate::publish::hashed_len(&hash)?;
            let layout = Layout::from_lines(&store.layout(&hash)?)?;
            Earlier::open(&path, size, layout)
        });
        let mut layout = Layout::default();
        let hash = emit.stream(dp::PATH, &mut |out| {
            layout = dp::write(
                &self.info,
                listings,
                &key,
                &resources,
                earlier.as_ref(),
                out,
            )?;
            Ok(())
        })?;
        for (path, text) in &layout.schemas {
            emit.file(path, format!("{text}\n").into_bytes())?;
        }
        if let Some(store) = &self.store {
            store.put_layout(&hash, &layout.to_lines());
        }
        Ok(())
    }

    /// `robots.txt` and, when `base_url` is absolute, `sitemap.xml` listing `pages`
    /// (the output paths of every page, each with its publication date when it has one):
    /// the sitemap protocol allows absolute URLs only, so without a host there is none.
    pub fn sitemap_files(&self, pages: &[Page]) -> Result<Files, BuildError> {
        let mut ctx = self.context();
        // robots.txt may only name the sitemap by an absolute URL.
        ctx.insert(
            "sitemap_url",
            &self.absolute.as_ref().map(|a| format!("{a}sitemap.xml")),
        );
        let mut out = Files::new();
        if let Some(prefix) = &self.absolute {
            let mut urls: Vec<SitemapUrl> = pages
                .iter()
                .filter(|p| p.path.ends_with("index.html"))
                .map(|p| SitemapUrl {
                    // Percent-encoded (RFC 3986), then escaped for XML (`&`, `'`).
                    loc: crate::outputs::feeds::escape_xml(&format!(
                        "{prefix}{}",
                        crate::outputs::feeds::encode_path(
                            p.path.strip_suffix("index.html").unwrap_or(&p.path)
                        )
                    )),
                    lastmod: p.lastmod.clone(),
                })
                .collect();
            urls.sort_by(|a, b| a.loc.cmp(&b.loc));
            urls.dedup_by(|a, b| a.loc == b.loc);
            ctx.insert("urls", &urls);
            out.push((
                "sitemap.xml".into(),
                render(&self.tera, "sitemap.xml", &ctx)?.into_bytes(),
            ));
        } else {
            ctx.insert("urls", &Vec::<SitemapUrl>::new());
        }
        out.push((
            "robots.txt".into(),
            render(&self.tera, "robots.txt", &ctx)?.into_bytes(),
        ));
        Ok(out)
    }

    /// The built-in assets, then the site's `static/` files over them.
    pub fn asset_files(&self) -> Result<Files, BuildError> {
        let mut out: BTreeMap<String, Vec<u8>> = DEFAULT_ASSETS
            .iter()
            .map(|(name, text)| (format!("{ASSET_DIR}/{name}"), text.as_bytes().to_vec()))
            .collect();
        for (rel, path) in site_dir_files(&self.site_root.join("static"))? {
            let bytes = std::fs::read(&path)
                .map_err(|e| BuildError::Site(format!("无法读取 {}：{e}", path.display())))?;
            out.insert(format!("{ASSET_DIR}/{rel}"), bytes);
        }
        Ok(out.into_iter().collect())
    }
}

/// Each unit's share of the site-wide indexes, by unit folder name.
#[derive(Default)]
struct Memo {
    /// The digest of the unit's sources that each slug's entries below were made from:
    /// a unit rebuilt in place in another state (an edit, later undone) must not lend
    /// those entries to the unit under its earlier digest.
    digests: std::collections::HashMap<String, u64>,
    docs: std::collections::HashMap<String, Vec<crate::outputs::search::Entry>>,
    resources: std::collections::HashMap<String, crate::outputs::datapackage::UnitResources>,
    listings: std::collections::HashMap<String, UnitListing>,
}

/// A page of the site, for the sitemap.
pub struct Page {
    /// Its output path (`<unit>/<year>-<kind>/index.html`).
    pub path: String,
    /// Its disclosure's publication date (`YYYY-MM-DD`), when it is one that has one.
    pub lastmod: Option<String>,
}

/// One `<url>` of `sitemap.xml`.
#[derive(serde::Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// Every page the site has, without rendering anything: a disclosure's page carries its
/// publication date; no other page has a date the sources state.
pub fn page_paths(listings: &[UnitListing], site_files: &[String]) -> Vec<Page> {
    let page = |path: &str, lastmod: Option<&String>| Page {
        path: path.to_string(),
        lastmod: lastmod.cloned(),
    };
    let mut pages: Vec<Page> = site_files.iter().map(|p| page(p, None)).collect();
    for u in listings {
        pages.push(page(&u.path(), None));
        pages.extend(
            u.disclosures
                .iter()
                .map(|d| page(&d.path, d.published.as_ref())),
        );
    }
    pages
}

/// The top-level names of the site's own outputs (files and folders); a unit folder may
/// not be named like one of them.
pub const RESERVED: &[&str] = &[
    ASSET_DIR,
    crate::publish::MARKER,
    crate::publish::MANIFEST,
    "index.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
    crate::outputs::feeds::FEED,
    crate::outputs::datapackage::PATH,
    crate::outputs::datapackage::SCHEMA_DIR,
    crate::outputs::findings::PATH,
    crate::outputs::compare::DIR,
    crate::outputs::search::DIR,
];

/// Refuses unit folder names that would collide with the site's own top-level outputs
/// ([`RESERVED`]).
pub fn check_unit_names(units: &[UnitRef]) -> Result<(), BuildError> {
    for u in units {
        if RESERVED.contains(&u.slug()) {
            return Err(BuildError::Site(format!(
                "单位目录名 `{}` 与网站自身的输出重名，请改用其他目录名",
                u.slug()
            )));
        }
    }
    Ok(())
}

/// Checks that every site-level output lies under a [`RESERVED`] name (so that no unit
/// can collide with it).
pub fn check_reserved(rel: &str) -> Result<(), BuildError> {
    let top = rel.split('/').next().unwrap_or(rel);
    if !RESERVED.contains(&top) {
        return Err(BuildError::Site(format!(
            "内部错误：网站输出 {rel} 不在保留名称之列"
        )));
    }
    Ok(())
}
