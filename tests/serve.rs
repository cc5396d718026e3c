//! End to end: `gongkai serve` (the real binary) on a free port over a copy of the seed
//! site; pages over real HTTP, live reload after an edit, the error overlay, path
//! traversal refused. Every wait is bounded; the child is killed by a guard.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
mod common;
use common::{files, identities};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const WAIT: Duration = Duration::from_secs(60);

/// Kills the server when the test ends, whether it passed or not.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn seed_copy() -> (tempfile::TempDir, PathBuf) {
    let (dir, site) = common::seed_copy();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    (dir, site)
}

/// Starts `gongkai serve --port 0` and reads the address it prints.
fn start(dir: &Path, site: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["serve", site.to_str().unwrap(), "--port", "0"])
        .env("TMPDIR", dir.join("tmp"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            println!("serve: {line}");
            let _ = tx.send(line);
        }
    });
    let mut server = Server {
        child,
        addr: String::new(),
    };
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                if let Some(at) = line.find("http://") {
                    let rest = &line[at + "http://".len()..];
                    server.addr = rest[..rest.find('/').unwrap()].to_string();
                    return server;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    panic!("serve printed no URL");
}

/// A GET over a fresh connection: (status, headers, body). `path` is sent verbatim.
fn get(addr: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, head.to_string(), body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Opens the live-reload event stream; lines arrive on the channel.
fn event_stream(addr: &str) -> mpsc::Receiver<String> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        s,
        "GET /_tower-livereload/event-stream HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for `event: <name>` on the stream.
fn wait_event(rx: &mpsc::Receiver<String>, name: &str) {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.trim() == format!("event: {name}") => return,
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    panic!("no `event: {name}` on the live-reload stream");
}

fn builds(addr: &str) -> u64 {
    let (status, _, body) = get(addr, "/_gongkai/status");
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["builds"].as_u64().unwrap()
}

/// Polls `path` until `pred` holds on its body.
fn poll(addr: &str, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        let (status, _, body) = get(addr, path);
        if status == 200 && pred(&body) {
            return body;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what} at {path}");
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    // An editor's atomic save: write a temporary file, rename it over the source.
    let tmp = path.with_extension("yaml.swp");
    std::fs::write(&tmp, text.replacen(from, to, 1)).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

const PAGE: &str = "/hetang-ybj/2023-budget/";

/// Edits one printed figure of `PAGE` (1,880.19 → 1,881.19), as an editor saves.
fn raise_figure(site: &Path) {
    edit(
        &site.join("content/hetang-ybj/2023-budget.yaml"),
        "{code: \"210\", name: 卫生健康支出, values: {amount: \"1,880.19\"}}",
        "{code: \"210\", name: 卫生健康支出, values: {amount: \"1,881.19\"}}",
    );
}

#[test]
fn serve_reloads_on_edit_shows_errors_and_refuses_traversal() {
    let (dir, site) = seed_copy();
    let server = start(dir.path(), &site);
    let addr = server.addr.clone();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");

    let (status, head, body) = get(&addr, PAGE);
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    assert!(body.contains("1,880.19"));
    assert!(!body.contains("1,881.19"));
    assert!(
        body.contains("_tower-livereload/event-stream"),
        "live-reload script injected"
    );
    assert!(!body.contains("gongkai-overlay"));
    let (status, head, _) = get(&addr, "/static/style.css");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/css"),
        "{head}"
    );

    // Path traversal: refused, never a file's contents.
    for bad in [
        "/..%2f..%2fetc/passwd",
        "/%2e%2e/",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/../../etc/passwd",
        "//etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/.gongkai-manifest.json",
        "/%2fetc%2fpasswd",
    ] {
        let (status, _, body) = get(&addr, bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(!body.contains("root:"), "{bad} leaked a file");
    }
    let (status, _, body) = get(&addr, "/etc/passwd");
    assert_eq!(status, 404);
    assert!(!body.contains("root:"));

    // Edit a figure: the new figure is served and a reload event is sent.
    let events = event_stream(&addr);
    wait_event(&events, "init");
    let before = builds(&addr);
    raise_figure(&site);
    wait_event(&events, "reload");
    // The edited unit's pages come first; the full rebuild (listings) follows.
    poll(&addr, PAGE, "the edited figure", |b| b.contains("1,881.19"));
    next_build(&addr, before);

    // A YAML error: the overlay shows check's text on every page; the server lives on.
    // (The edited figure already breaks sums, so wait for the new build first.)
    let before = builds(&addr);
    let yaml = site.join("content/hetang-ybj/2023-budget.yaml");
    let original =
        std::fs::read_to_string(Path::new(ROOT).join("content/hetang-ybj/2023-budget.yaml"))
            .unwrap();
    let edited = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{edited}\nbroken_key: [unclosed\n")).unwrap();
    let deadline = Instant::now() + WAIT;
    while builds(&addr) <= before {
        assert!(Instant::now() < deadline, "no rebuild after the YAML error");
        std::thread::sleep(Duration::from_millis(50));
    }
    let page = poll(&addr, "/", "the error overlay", |b| {
        b.contains("broken_key")
    });
    assert!(page.contains("gongkai-overlay"));
    assert!(
        page.contains("hetang-ybj/2023-budget.yaml"),
        "overlay names the file"
    );
    assert!(page.contains("错误"));
    let (status, _, _) = get(&addr, "/hengyang-ybj/");
    assert_eq!(status, 200);

    // Fixed: the overlay clears.
    std::fs::write(&yaml, &original).unwrap();
    let page = poll(&addr, PAGE, "the overlay to clear", |b| {
        !b.contains("gongkai-overlay")
    });
    assert!(page.contains("1,880.19"));

    // Deleting a source removes its pages.
    std::fs::remove_dir_all(site.join("content/kaifu-ybj")).unwrap();
    let deadline = Instant::now() + WAIT;
    while get(&addr, "/kaifu-ybj/").0 != 404 {
        assert!(Instant::now() < deadline, "removed unit still served");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(server);
}

#[test]
fn serve_starts_on_a_broken_configuration_and_recovers_when_it_is_fixed() {
    let (dir, site) = seed_copy();
    let toml = site.join("gongkai.toml");
    let good = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, "title = [\n").unwrap();
    let server = start(dir.path(), &site);
    let addr = server.addr.clone();
    let page = poll(&addr, "/", "the overlay", |b| b.contains("gongkai-overlay"));
    assert!(page.contains("gongkai.toml"), "overlay names the file");
    std::fs::write(&toml, good).unwrap();
    poll(&addr, PAGE, "the site after the fix", |b| {
        !b.contains("gongkai-overlay") && b.contains("1,880.19")
    });
    drop(server);
}

/// Waits for the next build after `before` and returns its status.
fn next_build(addr: &str, before: u64) {
    let deadline = Instant::now() + WAIT;
    while builds(addr) <= before {
        assert!(Instant::now() < deadline, "no rebuild");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A clean `gongkai build` of `site` into `dir/clean` (with errors: an edited figure
/// breaks sums).
fn clean_build(dir: &Path, site: &Path) -> PathBuf {
    let clean = dir.join("clean");
    let status = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["build", site.to_str().unwrap(), "--allow-errors", "--out"])
        .arg(&clean)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    clean
}

/// The preview directory of the only server started with `TMPDIR` = `dir/tmp`.
fn preview_dir(dir: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir.join("tmp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("gongkai-serve-"))
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

#[test]
fn serve_rewrites_only_the_changed_unit_and_equals_a_clean_build() {
    let (dir, site) = seed_copy();
    let server = start(dir.path(), &site);
    let addr = server.addr.clone();
    let preview = preview_dir(dir.path());
    let before = identities(&preview);

    // One unit's figure: its files and the listings are rewritten, nothing else.
    let n = builds(&addr);
    raise_figure(&site);
    next_build(&addr, n);
    poll(&addr, PAGE, "the edited figure", |b| b.contains("1,881.19"));
    let after = identities(&preview);
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        rewritten.contains(&&"hetang-ybj/2023-budget/index.html".to_string()),
        "{rewritten:?}"
    );
    for k in &rewritten {
        // The comparison of the unit's year and the search results list its verdict
        // (the raised figure breaks an identity: a new finding).
        assert!(
            k.starts_with("hetang-ybj/")
                || !k.contains('/')
                || k.as_str() == "compare/2023-budget/index.html"
                || (k.starts_with("search/") && k.as_str() != "search/index.html"),
            "{k} rewritten though its unit did not change: {rewritten:?}"
        );
    }
    assert!(
        after.contains_key("hengshan-ybj/2023-budget/index.html")
            && after.get("hengshan-ybj/2023-budget/index.html")
                == before.get("hengshan-ybj/2023-budget/index.html")
    );

    // A template change renders every page again.
    let templates = site.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let base = std::fs::read_to_string(Path::new(ROOT).join("templates/base.html")).unwrap();
    assert!(base.contains("</footer>"));
    let n = builds(&addr);
    std::fs::write(
        templates.join("base.html"),
        base.replace("</footer>", "<p>模板已改</p></footer>"),
    )
    .unwrap();
    next_build(&addr, n);
    poll(&addr, "/hengshan-ybj/", "the changed template", |b| {
        b.contains("模板已改")
    });

    // A removed unit's files go. The preview then equals a clean build of the same
    // sources (the edited figure breaks sums, hence --allow-errors).
    let n = builds(&addr);
    std::fs::remove_dir_all(site.join("content/kaifu-ybj")).unwrap();
    next_build(&addr, n);
    let clean = clean_build(dir.path(), &site);
    let served = files(&preview);
    assert!(!served.keys().any(|k| k.starts_with("kaifu-ybj")));
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        files(&clean).keys().collect::<Vec<_>>()
    );
    assert!(
        served == files(&clean),
        "preview differs from a clean build"
    );
    drop(server);
}

/// The first part of a rebuild after an edit inside one unit's folder: that unit alone
/// is checked and its pages written in place, the same bytes as a clean build's, with
/// its errors and the other units' count; the listings wait for the full rebuild.
#[test]
fn an_edited_units_pages_are_published_first_and_equal_a_clean_builds() {
    use gongkai::serve::build::{Preview, rebuild, rebuild_units};
    use std::collections::BTreeSet;
    let (dir, site) = seed_copy();
    let content = site.join("content");
    let out = dir.path().join("preview");
    let mut preview = Preview::default();
    let units =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|n| n.to_string()).collect() };
    // Nothing to go by before a full rebuild.
    assert!(rebuild_units(&content, &out, &preview, &units(&["hetang-ybj"])).is_none());
    let full = rebuild(&site, &out, &mut preview);
    assert!(full.published, "{:?}", full.overlay);
    assert_eq!(full.errors, 0, "{:?}", full.overlay);
    assert_eq!(full.checked, 5);
    let before = files(&out);

    raise_figure(&site);
    let first = rebuild_units(&content, &out, &preview, &units(&["hetang-ybj"])).unwrap();
    let after = files(&out);
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        changed.contains(&&"hetang-ybj/2023-budget/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        changed.iter().all(|k| k.starts_with("hetang-ybj/")),
        "only the edited unit's files change first: {changed:?}"
    );
    assert_eq!(first.written, changed.len());
    // The edited figure breaks the unit's sums: its errors are shown at once.
    assert!(first.errors > 0);
    let overlay = first.overlay.clone().unwrap();
    assert!(overlay.contains("hetang-ybj/2023-budget.yaml"), "{overlay}");

    // The full rebuild agrees on the verdict and rewrites the listings, checking the
    // edited unit only (the others are kept, as `gongkai build` keeps them).
    let full = rebuild(&site, &out, &mut preview);
    assert_eq!(full.errors, first.errors, "{:?}", full.overlay);
    assert_eq!(full.checked, 1, "only the edited unit is checked again");
    // A unit with errors is never kept: it is checked again even when unchanged.
    let again = rebuild(&site, &out, &mut preview);
    assert_eq!((again.checked, again.errors), (1, full.errors));
    let clean = clean_build(dir.path(), &site);
    let clean = files(&clean);
    for k in &changed {
        assert!(
            after.get(*k) == clean.get(*k),
            "{k} differs from a clean build"
        );
    }
    let preview_files = files(&out);
    let differing: Vec<&String> = clean
        .keys()
        .chain(preview_files.keys())
        .filter(|k| clean.get(*k) != preview_files.get(*k))
        // The manifest's unit keys name the configuration, and the preview's base is `/`.
        .filter(|k| k.as_str() != ".gongkai-manifest.json")
        .collect();
    assert!(
        differing.is_empty(),
        "preview differs from a clean build: {differing:?}"
    );

    // Another unit's errors are counted, not listed; a fixed unit clears its own.
    std::fs::write(
        content.join("hetang-ybj/2023-budget.yaml"),
        std::fs::read_to_string(Path::new(ROOT).join("content/hetang-ybj/2023-budget.yaml"))
            .unwrap(),
    )
    .unwrap();
    let again = rebuild_units(&content, &out, &preview, &units(&["kaifu-ybj"])).unwrap();
    assert_eq!(again.errors, full.errors);
    let overlay = again.overlay.unwrap();
    assert!(overlay.contains("其他单位另有"), "{overlay}");
    assert!(
        !overlay.contains("hetang-ybj/2023-budget.yaml"),
        "{overlay}"
    );
    let fixed = rebuild_units(&content, &out, &preview, &units(&["hetang-ybj"])).unwrap();
    assert_eq!(fixed.errors, 0, "{:?}", fixed.overlay);

    // A unit new to the site, or gone, waits for the full rebuild.
    common::copy_dir(&content.join("kaifu-ybj"), &content.join("kaifu-copy"));
    assert!(rebuild_units(&content, &out, &preview, &units(&["kaifu-copy"])).is_none());
    std::fs::remove_dir_all(content.join("kaifu-ybj")).unwrap();
    assert!(rebuild_units(&content, &out, &preview, &units(&["kaifu-ybj"])).is_none());
}

/// A rebuild that newer edits make stale stops; the next one renders what it left,
/// and the preview then equals a clean build.
#[test]
fn a_rebuild_stopped_by_newer_edits_is_taken_up_by_the_next() {
    use gongkai::serve::build::{Preview, rebuild};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (dir, site) = seed_copy();
    let out = dir.path().join("preview");
    let page = out.join("hetang-ybj/2023-budget/index.html");
    let mut preview = Preview::default();
    let flag = Arc::new(AtomicBool::new(false));
    preview.cancelled_by(flag.clone());
    assert!(rebuild(&site, &out, &mut preview).published);

    raise_figure(&site);
    flag.store(true, Ordering::SeqCst);
    let stopped = rebuild(&site, &out, &mut preview);
    assert!(stopped.cancelled && !stopped.published, "{stopped:?}");
    assert!(std::fs::read_to_string(&page).unwrap().contains("1,880.19"));

    // The edited unit was parsed by the stopped rebuild: the next one still renders it.
    flag.store(false, Ordering::SeqCst);
    let resumed = rebuild(&site, &out, &mut preview);
    assert!(resumed.published && !resumed.cancelled, "{resumed:?}");
    assert!(std::fs::read_to_string(&page).unwrap().contains("1,881.19"));
    let clean = clean_build(dir.path(), &site);
    let (mut a, mut b) = (files(&out), files(&clean));
    a.remove(".gongkai-manifest.json");
    b.remove(".gongkai-manifest.json");
    assert!(a == b, "preview differs from a clean build");
}

#[test]
fn an_open_page_in_chromium_shows_an_edited_figure_without_a_manual_refresh() {
    let (dir, site) = seed_copy();
    let server = start(dir.path(), &site);
    let line = "{code: \"210\", name: 卫生健康支出, values: {amount: \"1,880.19\"}}";
    let out = Command::new("node")
        .current_dir(Path::new(ROOT).join("tests/browser"))
        .arg("reload.mjs")
        .arg(format!("http://{}{PAGE}", server.addr))
        .arg(site.join("content/hetang-ybj/2023-budget.yaml"))
        .arg(line)
        .arg(line.replace("1,880.19", "1,881.19"))
        .arg("1,881.19")
        .output()
        .expect("node (installed by scripts/install-test-tools)");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("overlay cleared"), "{text}");
    drop(server);
}

#[test]
fn serve_pointed_at_a_content_folder_or_one_unit_rebuilds_on_edit() {
    // A large site's officer previews only the unit being edited (or the content folder).
    for target in ["content/hetang-ybj", "content"] {
        let (dir, site) = seed_copy();
        let server = start(dir.path(), &site.join(target));
        let addr = server.addr.clone();
        let page = poll(&addr, PAGE, "the unit's page", |b| b.contains("1,880.19"));
        assert!(!page.contains("1,881.19"));
        let n = builds(&addr);
        raise_figure(&site);
        next_build(&addr, n);
        poll(&addr, PAGE, "the edited figure", |b| b.contains("1,881.19"));
        drop(server);
    }
}
