//! Save-to-reload latency of `gongkai serve` (the real binary, release profile).
//!
//! `cargo bench --bench reload [-- --copies N --rounds R]`: serves a copy of the seed
//! site (with `--copies N`, the seed units repeated N times under new folder names — a
//! large generated site), then R times: opens the live-reload event stream, rewrites one
//! figure of one unit (an editor's atomic save), and measures from the write to the
//! `event: reload` observed on the stream, to the page served with the new figure, and
//! to the whole site rebuilt (`/_gongkai/status` no longer busy). Each round starts
//! from a settled server.
//! With `--site DIR` (a generated corpus, `examples/corpus.rs`), serves a copy of DIR
//! and renames its first unit instead (`unit.yaml`'s `name:`), watching the unit page.
//! Prints min / median / p90 / max in milliseconds. Bounded: every wait times out.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
#[path = "../tests/common/mod.rs"]
mod common;
use common::copy_dir;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const LINE: &str = "{code: \"210\", name: 卫生健康支出, values: {amount: \"1,880.19\"}}";

struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    String::from_utf8_lossy(&raw).into_owned()
}

fn arg_text(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn arg(name: &str, default: usize) -> usize {
    arg_text(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a round edits: the source file, the page that shows the edit, and the edited
/// text with the marker the page must show.
struct Edit {
    file: std::path::PathBuf,
    page: String,
    original: String,
    from: String,
}

impl Edit {
    fn round(&self, round: usize) -> (String, String) {
        if self.from == LINE {
            let figure = format!("1,{}.{:02}", 900 + round / 100, round % 100);
            let text = self
                .original
                .replacen(LINE, &LINE.replace("1,880.19", &figure), 1);
            (text, figure)
        } else {
            let marker = format!("{}{round}号", self.from);
            (self.original.replacen(&self.from, &marker, 1), marker)
        }
    }
}

/// Waits (bounded) until the server has done at least `builds` full builds and is not
/// rebuilding; returns its build count.
fn wait_settled(addr: &str, builds: u64, limit: Duration) -> u64 {
    let deadline = Instant::now() + limit;
    loop {
        let body = get(addr, "/_gongkai/status");
        // The body is chunked: the JSON object is what lies between its braces.
        let json = match (body.find('{'), body.rfind('}')) {
            (Some(a), Some(b)) if a < b => &body[a..=b],
            _ => "",
        };
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let done = v["builds"].as_u64().unwrap_or(0);
        if done >= builds && v["busy"] == serde_json::Value::Bool(false) {
            return done;
        }
        assert!(Instant::now() < deadline, "serve did not settle: {json}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stats(label: &str, mut v: Vec<f64>) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pick = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label}: n={} min={:.1} median={:.1} p90={:.1} max={:.1} ms",
        v.len(),
        v[0],
        pick(0.5),
        pick(0.9),
        v[v.len() - 1]
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` / libtest-style probes: nothing to list.
    }
    let copies = arg("--copies", 0);
    let rounds = arg("--rounds", 20);
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let edit = if let Some(corpus) = arg_text("--site") {
        copy_dir(Path::new(&corpus), &site);
        let mut units: Vec<_> = std::fs::read_dir(site.join("content"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        units.sort();
        let file = site.join("content").join(&units[0]).join("unit.yaml");
        let original = std::fs::read_to_string(&file).unwrap();
        let name = original
            .lines()
            .find_map(|l| l.strip_prefix("name: "))
            .expect("unit.yaml has a name line")
            .to_string();
        Edit {
            file,
            page: format!("/{}/", units[0]),
            original,
            from: name,
        }
    } else {
        copy_dir(&Path::new(ROOT).join("content"), &site.join("content"));
        std::fs::copy(
            Path::new(ROOT).join("gongkai.toml"),
            site.join("gongkai.toml"),
        )
        .unwrap();
        for i in 0..copies {
            for e in std::fs::read_dir(Path::new(ROOT).join("content")).unwrap() {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                copy_dir(&e.path(), &site.join(format!("content/{name}-{i}")));
            }
        }
        let file = site.join("content/hetang-ybj/2023-budget.yaml");
        let original = std::fs::read_to_string(&file).unwrap();
        assert!(original.contains(LINE));
        Edit {
            file,
            page: "/hetang-ybj/2023-budget/".into(),
            original,
            from: LINE.into(),
        }
    };
    let units = std::fs::read_dir(site.join("content")).unwrap().count();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["serve", site.to_str().unwrap(), "--port", "0"])
        .env("TMPDIR", dir.path().join("tmp"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let _guard = Guard(child);
    let addr = loop {
        let line = lines.next().expect("serve exited").unwrap();
        eprintln!("{line}");
        if let Some(at) = line.find("http://") {
            let rest = &line[at + 7..];
            break rest[..rest.find('/').unwrap()].to_string();
        }
    };
    // Keep draining serve's output (one line per rebuild).
    std::thread::spawn(move || for _ in lines.by_ref() {});

    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    let mut to_settled = Vec::new();
    let mut early_reloads = 0;
    for round in 0..rounds {
        // Each round starts from a settled server (the previous full rebuild done).
        let builds = wait_settled(&addr, 0, Duration::from_secs(900));
        // The event stream: connect and wait for `init`.
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET /_tower-livereload/event-stream HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )
        .unwrap();
        let mut stream = BufReader::new(s);
        let mut line = String::new();
        loop {
            line.clear();
            assert!(stream.read_line(&mut line).unwrap() > 0, "stream closed");
            if line.trim() == "event: init" {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(150));
        let (text, figure) = edit.round(round);
        let tmp = edit.file.with_extension("yaml.swp");
        std::fs::write(&tmp, text).unwrap();
        let t0 = Instant::now();
        std::fs::rename(&tmp, &edit.file).unwrap();
        loop {
            line.clear();
            assert!(stream.read_line(&mut line).unwrap() > 0, "stream closed");
            if line.trim() == "event: reload" {
                break;
            }
        }
        to_event.push(t0.elapsed().as_secs_f64() * 1000.0);
        // Occasionally a first reload comes from a rebuild that started before the rename
        // was seen; the page then catches up with the next one. Poll (bounded) for it.
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut early = false;
        while !get(&addr, &edit.page).contains(&figure) {
            early = true;
            assert!(
                Instant::now() < deadline,
                "round {round}: new figure not served"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        if early {
            early_reloads += 1;
        }
        to_page.push(t0.elapsed().as_secs_f64() * 1000.0);
        wait_settled(&addr, builds + 1, Duration::from_secs(900));
        to_settled.push(t0.elapsed().as_secs_f64() * 1000.0);
        eprintln!(
            "round {round}: reload {:.1} ms, page {:.1} ms, settled {:.1} ms",
            to_event[round], to_page[round], to_settled[round]
        );
    }
    println!("site: {units} units; rounds: {rounds}");
    stats("save → reload event", to_event);
    stats("save → new page served", to_page);
    stats("save → whole site rebuilt (listings too)", to_settled);
    println!("reload events before the new figure was served: {early_reloads} of {rounds}");
}
