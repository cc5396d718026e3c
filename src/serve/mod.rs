//! `gongkai serve`: builds the site into a preview directory (under the system's
//! temporary directory, never the site's `public/`), serves it over HTTP
//! ([`http`]), watches `content/`, `templates/`, `static/` and `gongkai.toml` with
//! notify-debouncer-full, rebuilds on change ([`build`]) and reloads open pages through
//! tower-livereload. Errors never stop the server: they are shown over the pages.

pub mod build;
pub mod http;

use build::BuildReport;
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// How long the watcher waits for a burst of changes to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// At most this many edited units are published before the full rebuild (more is a
/// bulk change: the full rebuild alone is quicker).
pub const UNITS_FIRST_MAX: usize = 8;

/// The directories watched (recursively) under the site root.
pub const WATCHED_DIRS: &[&str] = &["content", "templates", "static"];

/// The state shared between the rebuild thread and the server.
#[derive(Clone, Debug, Default)]
pub struct ServeState {
    /// Full builds done so far (the first one included).
    pub builds: u64,
    pub report: BuildReport,
    /// Whether a rebuild is under way (the edited units' pages may already be served).
    pub busy: bool,
}

pub type Shared = Arc<RwLock<ServeState>>;

pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
}

fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        % 86_400;
    format!("{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

fn report_line(what: &str, r: &BuildReport) {
    let state = if r.published {
        format!("写出 {} 个文件", r.written)
    } else {
        "未能生成，仍显示上一次的结果".to_string()
    };
    let [check, render, write] = r.phases.map(|d| d.as_millis());
    println!(
        "[{}] {what}：{} 毫秒（检查 {check}，渲染 {render}，写出 {write}），{} 个错误，{state}",
        clock(),
        r.elapsed.as_millis(),
        r.errors
    );
}

/// What a settled burst of file events changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Nothing gongkai reads (reads, including gongkai's own, are not changes).
    Nothing,
    /// Only files under `content/`: the units whose files changed are rebuilt.
    Content,
    /// Templates, `static/`, `gongkai.toml`, or events the watcher lost: everything.
    Everything,
}

/// Classifies a debounced event.
/// `content` is where the units are: `root/content`, or the root itself when `serve` was
/// pointed at a content folder or at one unit's folder.
pub fn classify(root: &Path, content: &Path, result: &DebounceEventResult) -> Change {
    let events = match result {
        Ok(events) => events,
        Err(_) => return Change::Everything,
    };
    let mut change = Change::Nothing;
    for e in events {
        let read = matches!(e.kind, EventKind::Access(_))
            && !matches!(
                e.kind,
                EventKind::Access(AccessKind::Close(AccessMode::Write))
            );
        if read {
            continue;
        }
        for p in e.paths.iter().filter(|p| !editor_temporary(p)) {
            if p.starts_with(content) && *p != root.join("gongkai.toml") {
                change = change.max(Change::Content);
            } else if p == &root.join("gongkai.toml")
                || WATCHED_DIRS.iter().any(|d| p.starts_with(root.join(d)))
            {
                change = Change::Everything;
            }
        }
    }
    change
}

/// The unit folders (names under `content`) that a settled burst of events touched, when
/// it touched nothing but files inside unit folders; `None` otherwise (the content
/// folder itself, a unit folder created or removed, lost events). Reads are ignored.
pub fn edited_units(content: &Path, result: &DebounceEventResult) -> Option<BTreeSet<String>> {
    let mut units = BTreeSet::new();
    for e in result.as_ref().ok()? {
        if matches!(e.kind, EventKind::Access(_)) {
            continue;
        }
        for p in e.paths.iter().filter(|p| !editor_temporary(p)) {
            let rel = p.strip_prefix(content).ok()?;
            let mut parts = rel.components();
            let (Some(unit), Some(_), None) = (parts.next(), parts.next(), parts.next()) else {
                return None;
            };
            units.insert(unit.as_os_str().to_str()?.to_string());
        }
    }
    Some(units)
}

/// Whether `p` is an editor's temporary or backup file (`.x.swp`, `x~`, `x.tmp`, vim's
/// `4913`): writing one is not a change to the sources; the rename that follows is.
pub fn editor_temporary(p: &Path) -> bool {
    let Some(name) = p.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    let hidden = name.starts_with('.') && name.len() > 1;
    hidden
        || name.ends_with('~')
        || [".swp", ".swx", ".swo", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || (!name.is_empty() && name.chars().all(|c| c.is_ascii_digit()))
}

/// Watches the directories of `WATCHED_DIRS` that exist (recursively), and stops
/// watching those that are gone.
fn update_watches<W: notify::Watcher, C: notify_debouncer_full::FileIdCache>(
    root: &Path,
    debouncer: &mut notify_debouncer_full::Debouncer<W, C>,
    watched: &mut BTreeSet<&'static str>,
) {
    for d in WATCHED_DIRS {
        let p = root.join(d);
        if p.is_dir() && !watched.contains(d) {
            if debouncer.watch(&p, RecursiveMode::Recursive).is_ok() {
                watched.insert(d);
            }
        } else if !p.is_dir() && watched.remove(d) {
            let _ = debouncer.unwatch(&p);
        }
    }
}

/// Resolves on SIGTERM (never where there is no such signal).
async fn terminated() {
    #[cfg(unix)]
    if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        s.recv().await;
        return;
    }
    std::future::pending::<()>().await
}

/// Why the preview could not start (or stopped serving).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ServeError(String);

/// Serves until interrupted (Ctrl+C or SIGTERM). Errors only when it cannot start.
pub fn run(opts: Options) -> Result<(), ServeError> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| ServeError(format!("无法访问 {}：{e}", opts.root.display())))?;
    let out = std::env::temp_dir().join(format!("gongkai-serve-{}", std::process::id()));
    // The preview and what a full rebuild keeps beside it (`publish::beside`).
    let remove_preview = || {
        for dir in std::iter::once(out.clone()).chain(crate::publish::beside(&out)) {
            let _ = std::fs::remove_dir_all(dir);
        }
    };
    remove_preview();

    // Units whose files did not change are not parsed or rendered again on a rebuild.
    let mut preview = build::Preview::default();
    let first = build::rebuild(&root, &out, &mut preview);
    report_line("生成", &first);
    if !first.published {
        // Serve something: an empty site that shows the overlay.
        std::fs::create_dir_all(&out)
            .map_err(|e| ServeError(format!("无法创建 {}：{e}", out.display())))?;
        let _ = std::fs::write(out.join(crate::publish::MARKER), "gongkai\n");
        let _ = std::fs::write(
            out.join("index.html"),
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>gongkai</title><body></body></html>",
        );
    }
    let shared: Shared = Arc::new(RwLock::new(ServeState {
        builds: 1,
        report: first,
        busy: false,
    }));

    let livereload = tower_livereload::LiveReloadLayer::new();
    let reloader = livereload.reloader();
    let app = http::app(out.clone(), shared.clone(), livereload);

    // The units: `root/content` (watched below with the other folders), or the root
    // itself (a content folder, or one unit's folder: a large site's officer previews
    // only the unit being edited), watched with everything under it.
    let resolved = crate::source::resolve_root(&root);
    let content = match &resolved {
        Ok(crate::source::Root::Content(p) | crate::source::Root::Unit(p)) => p.clone(),
        // `resolve_root` never gives a content directory held in memory.
        Ok(crate::source::Root::Memory(_)) | Err(_) => root.join("content"),
    };
    // Edits inside the unit folders of a content folder publish those units' pages first.
    let units_first =
        matches!(resolved, Ok(crate::source::Root::Content(_))).then(|| content.clone());
    // Set as soon as a change arrives: a rebuild under way is then stale and stops.
    let pending = Arc::new(AtomicBool::new(false));
    preview.cancelled_by(pending.clone());
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let handler = {
        let (root, content, pending) = (root.clone(), content.clone(), pending.clone());
        move |result: DebounceEventResult| {
            if classify(&root, &content, &result) != Change::Nothing {
                pending.store(true, Ordering::SeqCst);
            }
            let _ = tx.send(result);
        }
    };
    let mut debouncer = new_debouncer(DEBOUNCE, None, handler)
        .map_err(|e| ServeError(format!("无法监视文件：{e}")))?;
    let mode = if content == root {
        RecursiveMode::Recursive
    } else {
        RecursiveMode::NonRecursive
    };
    debouncer
        .watch(&root, mode)
        .map_err(|e| ServeError(format!("无法监视 {}：{e}", root.display())))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError(format!("无法启动服务：{e}")))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::new(
            opts.bind, opts.port,
        )))
        .map_err(|e| ServeError(format!("无法监听 {}:{}：{e}", opts.bind, opts.port)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError(e.to_string()))?;
    let host = match addr {
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        SocketAddr::V4(a) => a.to_string(),
    };
    // Watches are in place before anyone is told the address, so no edit is missed.
    let mut watched: BTreeSet<&str> = BTreeSet::new();
    update_watches(&root, &mut debouncer, &mut watched);
    println!(
        "gongkai serve：http://{host}/ （预览目录 {}；Ctrl+C 停止）",
        out.display()
    );
    if !addr.ip().is_loopback() {
        println!("注意：监听 {}，本机以外也能访问", addr.ip());
    }

    let watch_root = root.clone();
    let watch_out = out.clone();
    let watch_shared = shared.clone();
    std::thread::spawn(move || {
        // A rebuild stopped by newer edits is taken up again at once, with them.
        let mut resume = false;
        loop {
            let mut results = Vec::new();
            if !resume {
                match rx.recv() {
                    Ok(r) => results.push(r),
                    Err(_) => break,
                }
            }
            pending.store(false, Ordering::SeqCst);
            results.extend(rx.try_iter());
            let mut change = if resume {
                Change::Content
            } else {
                Change::Nothing
            };
            resume = false;
            let mut edited = units_first.as_ref().map(|_| BTreeSet::new());
            for r in &results {
                change = change.max(classify(&watch_root, &content, r));
                let more = units_first.as_ref().and_then(|c| edited_units(c, r));
                edited = edited.zip(more).map(|(mut a, b)| {
                    a.extend(b);
                    a
                });
            }
            if change == Change::Nothing {
                continue;
            }
            if change == Change::Everything {
                preview.invalidate_renderer();
            }
            if let Ok(mut s) = watch_shared.write() {
                s.busy = true;
            }
            // The edited units' pages, at once; then everything else.
            let first = match (&units_first, &edited) {
                (Some(content), Some(slugs))
                    if change == Change::Content
                        && !slugs.is_empty()
                        && slugs.len() <= UNITS_FIRST_MAX =>
                {
                    build::rebuild_units(content, &watch_out, &preview, slugs)
                }
                _ => None,
            };
            if let Some(report) = &first {
                report_line("先生成所改单位", report);
                if let Ok(mut s) = watch_shared.write() {
                    s.report = report.clone();
                }
                reloader.reload();
            }
            update_watches(&watch_root, &mut debouncer, &mut watched);
            let report = build::rebuild(&watch_root, &watch_out, &mut preview);
            if report.cancelled {
                println!("[{}] 有新的修改，重新开始生成", clock());
                resume = true;
                continue;
            }
            report_line("重新生成", &report);
            // After the edited units' pages, reload again only when a page or the
            // overlay changed since.
            let again = first.as_ref().is_none_or(|f| {
                f.overlay != report.overlay || f.errors != report.errors || report.pages > 0
            });
            if let Ok(mut s) = watch_shared.write() {
                s.builds += 1;
                s.report = report;
                s.busy = false;
            }
            if again {
                reloader.reload();
            }
        }
    });

    let result = runtime.block_on(async move {
        tokio::select! {
            r = axum::serve(listener, app) => r.map_err(|e| ServeError(format!("服务出错：{e}"))),
            _ = tokio::signal::ctrl_c() => Ok(()),
            _ = terminated() => Ok(()),
        }
    });
    remove_preview();
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

#[cfg(test)]
mod tests {
    use super::editor_temporary;
    use std::path::Path;

    #[test]
    fn editor_temporaries_are_not_source_changes() {
        for t in [
            "content/a/.2023-budget.yaml.swp",
            "content/a/2023-budget.yaml~",
            "content/a/2023-budget.yaml.tmp",
            "content/a/4913",
            "content/a/.#unit.yaml",
        ] {
            assert!(editor_temporary(Path::new(t)), "{t}");
        }
        for s in [
            "content/a/2023-budget.yaml",
            "content/a/2023-budget.md",
            "content/a",
            "content/a/notes.txt",
        ] {
            assert!(!editor_temporary(Path::new(s)), "{s}");
        }
    }
}
