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

/// Builds the site at `root` into `out`. Unlike `gongkai build`, a site with errors is
/// still published (the officer sees the edited figure and the verdict at once); the
/// previous output stays only when the site cannot be rendered at all. Links are
/// rooted at `/` whatever `base_url` says, so the preview works on its own host.
pub fn rebuild(root: &Path, out: &Path, cache: &mut source::Cache) -> BuildReport {
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
    let report = match check::check_cached(&resolved, cache) {
        Ok(r) => r,
        Err(e) => return failure(started, format!("无法运行检查：{e}")),
    };
    let errors = report.diagnostics.iter().filter(|d| d.is_failing()).count();
    let mut overlay = (errors > 0)
        .then(|| diagnostic::render_human(&report.diagnostics, &report.site.files, false));
    let checked = started.elapsed();
    let mut rendered = checked;
    let (written, published, extra) = match site::render::render_site(&report.site, &config, root)
        .and_then(|files| {
            rendered = started.elapsed();
            let sources = publish::sources(&report.site, &files);
            publish::publish(&files, &sources, out, root, false)
        }) {
        Ok(o) => (o.written.len(), true, 0),
        Err(e) => {
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
