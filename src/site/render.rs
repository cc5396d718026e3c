//! Rendering the site: Tera templates (built in, overridable by the site's `templates/`),
//! assets (built in, plus the site's `static/`), written to a temporary directory that
//! replaces the output only when everything succeeded.

use super::{
    SiteInfo, disclosure_path, disclosure_view, groups, site_info, unit_path, unit_summary,
};
use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::model::Site;
use crate::templates::Templates;
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
    ("chart.html", include_str!("../../templates/chart.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    ("robots.txt", include_str!("../../templates/robots.txt")),
];

/// The assets compiled into gongkai, written under `static/`; the site's `static/`
/// files are copied over them.
pub const DEFAULT_ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("../../static/style.css")),
    ("search.js", include_str!("../../static/search.js")),
];

/// Directory of the assets in the output.
pub const ASSET_DIR: &str = "static";

/// Written into every output directory: gongkai replaces only directories carrying it.
pub const MARKER: &str = ".gongkai-build";

#[derive(Debug, Default)]
pub struct Stats {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Loads the templates: the defaults, then the site's own files (by relative name).
pub fn load_templates(site_root: &Path) -> Result<tera::Tera, String> {
    let mut sources: BTreeMap<String, String> = DEFAULT_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let dir = site_root.join("templates");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| format!("无法读取模板目录：{e}"))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&dir)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(entry.path())
                .map_err(|e| format!("无法读取模板 {}：{e}", entry.path().display()))?;
            sources.insert(rel, text);
        }
    }
    let mut tera = tera::Tera::new();
    tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| format!("模板有误：{e}"))?;
    Ok(tera)
}

fn render(tera: &tera::Tera, name: &str, ctx: &tera::Context) -> Result<String, String> {
    tera.render(name, ctx)
        .map_err(|e| format!("渲染模板 {name} 失败：{e}"))
}

/// Renders every page and asset into memory: output path → bytes, sorted.
pub fn render_site(
    site: &Site,
    config: &Config,
    site_root: &Path,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let templates = Templates::builtin()?;
    let catalogue = Catalogue::builtin()?;
    let tera = load_templates(site_root)?;
    let info: SiteInfo = site_info(config);
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let base_ctx = || {
        let mut c = tera::Context::new();
        c.insert("site", &info);
        c.insert("asset_base", &format!("{}{ASSET_DIR}/", info.base));
        c
    };
    for u in &site.units {
        if u.slug == ASSET_DIR {
            return Err(format!(
                "单位目录名 `{ASSET_DIR}` 与资源目录重名，请改用其他目录名"
            ));
        }
    }

    let mut ctx = base_ctx();
    ctx.insert("groups", &groups(&info.base, site));
    ctx.insert("unit_count", &site.units.len());
    ctx.insert(
        "disclosure_count",
        &site
            .units
            .iter()
            .map(|u| u.disclosures.len())
            .sum::<usize>(),
    );
    out.insert(
        "index.html".into(),
        render(&tera, "index.html", &ctx)?.into_bytes(),
    );

    for u in &site.units {
        let mut ctx = base_ctx();
        ctx.insert("unit", &unit_summary(&info.base, u));
        ctx.insert("charts", &super::charts::over_years(u));
        out.insert(unit_path(u), render(&tera, "unit.html", &ctx)?.into_bytes());
        for d in &u.disclosures {
            let mut ctx = base_ctx();
            ctx.insert(
                "page",
                &disclosure_view(&info, u, d, &templates, &catalogue),
            );
            out.insert(
                disclosure_path(u, d),
                render(&tera, "disclosure.html", &ctx)?.into_bytes(),
            );
        }
    }
    out.insert(
        "404.html".into(),
        render(&tera, "404.html", &base_ctx())?.into_bytes(),
    );
    out.extend(super::search::site_files(
        &tera,
        &base_ctx(),
        site,
        &templates,
    )?);

    // The sitemap lists every page; absolute when base_url names a host.
    let absolute = config.absolute_base();
    let prefix = absolute.clone().unwrap_or_else(|| info.base.clone());
    let mut urls: Vec<String> = out
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .map(|p| format!("{prefix}{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    urls.sort();
    let mut ctx = base_ctx();
    ctx.insert("urls", &urls);
    // robots.txt may only name the sitemap by an absolute URL.
    ctx.insert("sitemap_url", &absolute.map(|a| format!("{a}sitemap.xml")));
    out.insert(
        "sitemap.xml".into(),
        render(&tera, "sitemap.xml", &ctx)?.into_bytes(),
    );
    out.insert(
        "robots.txt".into(),
        render(&tera, "robots.txt", &ctx)?.into_bytes(),
    );

    for (name, text) in DEFAULT_ASSETS {
        out.insert(format!("{ASSET_DIR}/{name}"), text.as_bytes().to_vec());
    }
    let static_dir = site_root.join("static");
    if static_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&static_dir).sort_by_file_name() {
            let entry = entry.map_err(|e| format!("无法读取 static 目录：{e}"))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&static_dir)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("无法读取 {}：{e}", entry.path().display()))?;
            out.insert(format!("{ASSET_DIR}/{rel}"), bytes);
        }
    }
    out.insert(MARKER.into(), b"gongkai\n".to_vec());
    Ok(out)
}

/// Refuses an output directory that would destroy something else: the site root or one
/// of its ancestors, or an existing non-empty directory gongkai did not write.
pub fn check_output(out: &Path, site_root: &Path) -> Result<(), String> {
    let canon_root = site_root
        .canonicalize()
        .map_err(|e| format!("无法访问 {}：{e}", site_root.display()))?;
    if out.exists() {
        let canon_out = out
            .canonicalize()
            .map_err(|e| format!("无法访问 {}：{e}", out.display()))?;
        if canon_root.starts_with(&canon_out) {
            return Err(format!(
                "输出目录 {} 是站点根目录或其上级目录，不能覆盖",
                out.display()
            ));
        }
        if !out.is_dir() {
            return Err(format!("输出路径 {} 不是目录", out.display()));
        }
        let empty = std::fs::read_dir(out)
            .map_err(|e| format!("无法读取 {}：{e}", out.display()))?
            .next()
            .is_none();
        if !empty && !out.join(MARKER).is_file() {
            return Err(format!(
                "输出目录 {} 已存在且不是 gongkai 生成的，为免误删，请先清空或换一个目录",
                out.display()
            ));
        }
    }
    Ok(())
}
