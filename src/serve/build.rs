//! One preview build: check, render, publish incrementally into the preview directory.
//! Never fails: every problem becomes the overlay text.

use crate::config::Config;
use crate::{check, diagnostic, publish, site, source};
use std::path::Path;
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
    /// Whether a new output was published (otherwise the previous one is still served).
    pub published: bool,
    pub elapsed: Duration,
    /// Time spent loading and checking, rendering, and writing.
    pub phases: [Duration; 3],
}

fn failure(started: Instant, text: String) -> BuildReport {
    BuildReport {
        errors: 1,
        overlay: Some(text),
        written: 0,
        published: false,
        elapsed: started.elapsed(),
        phases: Default::default(),
    }
}

/// What a preview keeps between rebuilds: the parsed units whose files did not change,
/// and the renderer (compiled templates, catalogue) while templates, `static/` and the
/// configuration stay the same.
#[derive(Default)]
pub struct Preview {
    pub cache: source::Cache,
    renderer: Option<site::render::Renderer>,
}

impl Preview {
    /// Forgets the renderer: the next rebuild compiles the templates again and renders
    /// every page (after a change outside `content/`).
    pub fn invalidate_renderer(&mut self) {
        self.renderer = None;
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
        Err(e) => return failure(started, e),
    };
    let report = match check::check_cached(&resolved, &mut preview.cache) {
        Ok(r) => r,
        Err(e) => return failure(started, format!("无法运行检查：{e}")),
    };
    let errors = report.diagnostics.iter().filter(|d| d.is_failing()).count();
    let mut overlay = (errors > 0)
        .then(|| diagnostic::render_human(&report.diagnostics, &report.site.files, false));
    let checked = started.elapsed();
    let mut rendered = checked;
    let all = preview.renderer.is_none();
    let published = (|| {
        if preview.renderer.is_none() {
            preview.renderer = Some(site::render::Renderer::new(&config, root)?.remember());
        }
        let renderer = preview.renderer.as_ref().ok_or("")?;
        let mode = if all {
            publish::Mode::Swap { clean: false }
        } else {
            publish::Mode::InPlace
        };
        let writer = publish::Writer::begin(out, root, mode)?;
        let fresh = preview.cache.fresh();
        renderer.forget(fresh);
        let scope = if writer.mode() == publish::Mode::InPlace {
            publish::Scope::Units(fresh)
        } else {
            publish::Scope::All
        };
        let progress = publish::Progress::new(false, 0);
        publish::render_into(renderer, &report.site, scope, &writer, &progress)?;
        rendered = started.elapsed();
        // The files of units not rendered again stay (looked up by their top folder).
        let kept: std::collections::HashSet<&str> = report
            .site
            .units
            .iter()
            .filter(|u| !fresh.contains(&u.slug))
            .map(|u| u.slug.as_str())
            .collect();
        writer.finish(|rel| {
            rel.split_once('/')
                .is_some_and(|(top, _)| kept.contains(top))
        })
    })();
    let (written, published, extra) = match published {
        Ok(o) => {
            preview.cache.keep(report.site);
            (o.written.len(), true, 0)
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
        published,
        elapsed: started.elapsed(),
        phases: [
            checked,
            rendered.saturating_sub(checked),
            started.elapsed().saturating_sub(rendered),
        ],
    }
}
