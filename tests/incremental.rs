//! Incremental and atomic `gongkai build`: unchanged outputs keep their inode and mtime,
//! outputs of removed sources go, `--clean` rewrites everything, and a build killed at
//! any point leaves the previous output intact and complete.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
mod common;
use common::{files, identities, seed_copy};

fn gongkai(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn build(site: &Path, out: &Path, extra: &[&str]) {
    build_reporting(site, out, extra);
}

fn changed(
    before: &BTreeMap<String, (u64, i128)>,
    after: &BTreeMap<String, (u64, i128)>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .filter(|k| !k.starts_with(".gongkai-manifest"))
        .collect()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn an_edit_to_one_unit_rewrites_only_its_pages_and_the_listings() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    build(&site, &out, &[]);
    let first = identities(&out);
    assert!(first.contains_key(".gongkai-manifest.json"));

    // Nothing changed: nothing rewritten.
    std::thread::sleep(Duration::from_millis(20));
    build(&site, &out, &[]);
    assert_eq!(changed(&first, &identities(&out)), Vec::<String>::new());

    // One unit's name changes: its pages and the listings, nothing else.
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: ",
        "name: 改名",
    );
    build(&site, &out, &[]);
    let after = identities(&out);
    let rewritten = changed(&first, &after);
    assert!(
        rewritten.contains(&"hetang-ybj/2023-budget/index.html".to_string()),
        "{rewritten:?}"
    );
    assert!(rewritten.contains(&"hetang-ybj/index.html".to_string()));
    assert!(rewritten.contains(&"index.html".to_string()));
    // The comparison of the unit's year lists its name; the other year's does not.
    assert!(rewritten.contains(&"compare/2023-budget/index.html".to_string()));
    // The search index is a listing of every unit, like index.html: its files may change
    // (document ids move), the search page itself not.
    assert!(rewritten.iter().any(|f| f.starts_with("search/")));
    for f in &rewritten {
        assert!(
            f.starts_with("hetang-ybj/")
                || f == "index.html"
                || f == "sitemap.xml"
                || f == "compare/2023-budget/index.html"
                || f == "datapackage.json"
                // The site's findings: renamed, the unit's title no longer names it.
                || f == "findings.csv"
                || (f.starts_with("search/") && f != "search/index.html"),
            "{f} was rewritten: {rewritten:?}"
        );
    }
    let pages = |m: &BTreeMap<String, _>| m.keys().filter(|f| !f.starts_with("search/")).count();
    let rewritten_pages = rewritten
        .iter()
        .filter(|f| !f.starts_with("search/"))
        .count();
    assert!(rewritten_pages < pages(&after) / 2, "{rewritten:?}");

    // Byte-identical to a clean build.
    let clean = dir.path().join("clean");
    build(&site, &clean, &[]);
    assert_eq!(files(&out), files(&clean));

    // A removed unit's outputs go; the rest stays as it was.
    std::fs::remove_dir_all(site.join("content/kaifu-ybj")).unwrap();
    build(&site, &out, &[]);
    let removed = identities(&out);
    assert!(!removed.keys().any(|k| k.starts_with("kaifu-ybj")));
    assert!(!out.join("kaifu-ybj").exists());
    assert_eq!(
        removed.get("hengyang-ybj/2022-final/index.html"),
        after.get("hengyang-ybj/2022-final/index.html")
    );
    let clean2 = dir.path().join("clean2");
    build(&site, &clean2, &[]);
    assert_eq!(files(&out), files(&clean2));

    // --clean writes everything anew.
    build(&site, &out, &["--clean"]);
    let fresh = identities(&out);
    for (k, v) in &removed {
        assert_ne!(fresh.get(k).map(|x| x.0), Some(v.0), "{k} kept its inode");
    }
    assert_eq!(files(&out), files(&clean2));
}

#[test]
fn a_build_aborted_mid_way_leaves_the_old_output_intact() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    build(&site, &out, &[]);
    let before = files(&out);
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: ",
        "name: 改名",
    );
    for n in [0, 1, 5, 10, 16] {
        let status = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args([
                "build",
                site.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .env("GONGKAI_TEST_ABORT_AFTER", n.to_string())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(!status.success(), "abort hook {n} did not abort");
        assert_eq!(files(&out), before, "output changed after abort at {n}");
    }
    // The next build completes and cleans up what the aborted ones left.
    build(&site, &out, &[]);
    assert_ne!(files(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // Kept on purpose beside the output: the indexes' shares (`site::shares`) and the
        // previous output, the next build's directory (`publish::Writer`).
        .filter(|n| {
            n.starts_with(".public") && n != ".public.gongkai-cache" && n != ".public.standby"
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_output() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    build(&site, &out, &[]);
    let old = files(&out);
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: ",
        "name: 改名",
    );
    let reference = dir.path().join("reference");
    let timed = Instant::now();
    build(&site, &reference, &[]);
    let took = timed.elapsed();
    let new = files(&reference);
    // Kill points spread over the whole build, the write and swap at its end included.
    for tenth in 2..=12u32 {
        let delay = took * tenth / 10;
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args([
                "build",
                site.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = files(&out);
        assert!(
            now == old || now == new,
            "output is neither the old nor the new site after a kill at {delay:?}"
        );
    }
}

/// The number that starts `gongkai build`'s report line saying `what` (0 without one).
fn units_said(err: &str, what: &str) -> usize {
    err.lines().find(|l| l.contains(what)).map_or(0, |l| {
        let n = l.trim_start_matches("gongkai：");
        n[..n.find(' ').unwrap()].parse().unwrap()
    })
}

/// The number of units `gongkai build` carried over unrendered (from its report).
fn reused(err: &str) -> usize {
    units_said(err, "沿用上次生成的文件，未重新渲染")
}

fn build_reporting(site: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let (ok, err) = gongkai(&args);
    assert!(ok, "build failed: {err}");
    err
}

#[test]
fn unchanged_units_are_not_rendered_again_and_the_output_equals_a_clean_build() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    assert_eq!(reused(&build_reporting(&site, &out, &[])), 0);
    // Nothing changed: every unit carried over.
    assert_eq!(reused(&build_reporting(&site, &out, &[])), 5);

    // One unit's source: that unit is rendered, the other four carried over.
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: ",
        "name: 改名",
    );
    assert_eq!(reused(&build_reporting(&site, &out, &[])), 4);
    let page = std::fs::read_to_string(out.join("hetang-ybj/2023-budget/index.html")).unwrap();
    assert!(page.contains("改名"));

    // A template or the configuration changes every page: nothing carried over.
    let templates = site.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let base =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/base.html"))
            .unwrap();
    std::fs::write(
        templates.join("base.html"),
        base.replacen("</footer>", "<p>模板已改</p></footer>", 1),
    )
    .unwrap();
    assert_eq!(reused(&build_reporting(&site, &out, &[])), 0);
    let page = std::fs::read_to_string(out.join("hengshan-ybj/index.html")).unwrap();
    assert!(page.contains("模板已改"));
    assert_eq!(reused(&build_reporting(&site, &out, &[])), 5);
    let toml = site.join("gongkai.toml");
    let config = std::fs::read_to_string(&toml).unwrap();
    assert!(config.contains("title = \""));
    std::fs::write(
        &toml,
        config.replacen("title = \"", "title = \"（已改）", 1),
    )
    .unwrap();
    assert_eq!(reused(&build_reporting(&site, &out, &[])), 0);

    // A unit file deleted from the output: that unit is rendered again.
    std::fs::remove_file(out.join("kaifu-ybj/index.html")).unwrap();
    assert_eq!(reused(&build_reporting(&site, &out, &[])), 4);
    assert!(out.join("kaifu-ybj/index.html").is_file());

    // The carried-over output is byte for byte a clean build's.
    let clean = dir.path().join("clean");
    assert_eq!(reused(&build_reporting(&site, &clean, &["--clean"])), 0);
    assert_eq!(files(&out), files(&clean));
}

/// The search index in segments (`search_segment_units = 1`: the five seeds in four of
/// eight): an edit to one unit rewrites its segment's index and nothing of the others'.
#[test]
fn an_edit_to_one_unit_remakes_only_its_segment_of_the_search_index() {
    let (dir, site) = seed_copy();
    let toml = site.join("gongkai.toml");
    let config = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{config}\nsearch_segment_units = 1\n")).unwrap();
    let out = dir.path().join("public");
    build(&site, &out, &[]);
    let meta = std::fs::read_to_string(out.join("search/meta.json")).unwrap();
    assert!(meta.contains("\"segments\":8"), "{meta}");
    let first = identities(&out);
    // The segment of each unit: the one whose documents link to its pages.
    let segment_of = |slug: &str| -> String {
        (0..8)
            .map(|n| format!("search/{n}/"))
            .find(|seg| {
                first.keys().any(|f| {
                    f.starts_with(&format!("{seg}d/0-"))
                        && gunzip(&out.join(f)).contains(&format!("\"{slug}/\""))
                })
            })
            .unwrap_or_else(|| panic!("no segment lists {slug}"))
    };
    let hetang = segment_of("hetang-ybj");
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: ",
        "name: 改名",
    );
    build(&site, &out, &[]);
    let rewritten = changed(&first, &identities(&out));
    let search: Vec<&String> = rewritten
        .iter()
        .filter(|f| f.starts_with("search/"))
        .collect();
    assert!(!search.is_empty(), "{rewritten:?}");
    assert!(
        search.iter().all(|f| f.starts_with(&hetang)),
        "{hetang}: {search:?}"
    );
    // The other segments' files are those of the first build (same inode and mtime).
    let after = identities(&out);
    let others = first
        .iter()
        .filter(|(f, _)| f.starts_with("search/") && !f.starts_with(&hetang));
    assert!(others.clone().count() > 10);
    for (f, id) in others {
        assert_eq!(after.get(f), Some(id), "{f}");
    }
    // And the whole output is a clean build's.
    let clean = dir.path().join("clean");
    build(&site, &clean, &["--clean"]);
    assert_eq!(files(&out), files(&clean));
}

fn gunzip(path: &Path) -> String {
    use std::io::Read as _;
    let mut s = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The number of units whose files `gongkai build` did not even read (from its report).
fn unread(err: &str) -> usize {
    err.lines()
        .find(|l| l.contains("未重新读取"))
        .and_then(|l| l.split("其中 ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .map_or(0, |n| n.parse().unwrap())
}

/// Unit folders unchanged since a build read them (their files settled: last changed
/// more than two seconds before) are not read again; any edit to a file, also one that
/// keeps its size and modification time, is read and published.
#[test]
fn unchanged_unit_folders_are_not_read_again_and_no_edit_is_missed() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    // Files changed just before a build are read every time: not yet settled.
    build(&site, &out, &[]);
    assert_eq!(unread(&build_reporting(&site, &out, &[])), 0);
    std::thread::sleep(Duration::from_millis(2100));
    // This build reads them once more and learns their folders' stats; the next ones
    // do not read them.
    assert_eq!(unread(&build_reporting(&site, &out, &[])), 0);
    let err = build_reporting(&site, &out, &[]);
    assert_eq!(unread(&err), 5, "{err}");
    assert_eq!(unparsed(&err), 5);

    // An edit that keeps the size and the modification time (the change time moves).
    let path = site.join("content/hetang-ybj/unit.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let edited = text.replacen(
        "name: 株洲市荷塘区医疗保障局",
        "name: 株洲市荷塘区医疗保险局",
        1,
    );
    assert_ne!(edited, text);
    assert_eq!(edited.len(), text.len());
    std::fs::write(&path, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let err = build_reporting(&site, &out, &[]);
    assert_eq!(unread(&err), 4, "{err}");
    let page = std::fs::read_to_string(out.join("hetang-ybj/index.html")).unwrap();
    assert!(page.contains("株洲市荷塘区医疗保险局"));
    let clean = dir.path().join("clean");
    build(&site, &clean, &["--clean"]);
    assert_eq!(files(&out), files(&clean));
}

/// A file deleted by hand from the published output is back after the next builds, also
/// once that output has become the standby (its folder's time tells that it changed).
#[test]
fn a_file_deleted_from_the_published_output_is_noticed_when_it_becomes_the_standby() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    let page = "kaifu-ybj/2023-budget/index.html";
    build(&site, &out, &[]);
    build(&site, &out, &[]);
    std::fs::remove_file(out.join(page)).unwrap();
    for _ in 0..3 {
        build(&site, &out, &[]);
        assert!(out.join(page).is_file());
    }
    let clean = dir.path().join("clean");
    build(&site, &clean, &["--clean"]);
    assert_eq!(files(&out), files(&clean));
}

/// The number of units `gongkai build` neither parsed nor checked again (from its report).
fn unparsed(err: &str) -> usize {
    units_said(err, "未重新解析和检查")
}

#[test]
fn unchanged_units_without_errors_are_not_parsed_again_and_errors_are_never_forgotten() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    let store = dir.path().join(".public.gongkai-cache");
    let unit_yaml = site.join("content/hetang-ybj/unit.yaml");
    assert_eq!(unparsed(&build_reporting(&site, &out, &[])), 0);
    // Nothing changed: no unit is parsed or checked again.
    assert_eq!(unparsed(&build_reporting(&site, &out, &[])), 5);
    // One unit edited: only it is parsed and checked; the listings still show every unit.
    edit(&unit_yaml, "name: ", "name: 改名");
    assert_eq!(unparsed(&build_reporting(&site, &out, &[])), 4);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("改名"));
    for unit in std::fs::read_dir(site.join("content")).unwrap() {
        let slug = unit.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            home.contains(&format!("/{slug}/\"")),
            "{slug} not on the home page"
        );
    }

    // An error published with --allow-errors is not forgotten: the unit keeps no
    // listing, so the next build parses and checks it again and refuses to publish.
    edit(&unit_yaml, "level: 县级", "level: 乡级");
    let err = build_reporting(&site, &out, &["--allow-errors"]);
    assert_eq!(unparsed(&err), 4, "{err}");
    assert!(!store.join("hetang-ybj.listing").exists());
    let args = [
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    for _ in 0..2 {
        let (ok, err) = gongkai(&args);
        assert!(!ok && err.contains("存在未确认的错误"), "{err}");
    }
    // Mended: read once more, then kept.
    edit(&unit_yaml, "level: 乡级", "level: 县级");
    assert_eq!(unparsed(&build_reporting(&site, &out, &[])), 4);
    assert_eq!(unparsed(&build_reporting(&site, &out, &[])), 5);

    // A published file deleted by hand comes back from the standby (the same file).
    let page = "kaifu-ybj/2023-budget/index.html";
    let before = std::fs::read(out.join(page)).unwrap();
    std::fs::remove_file(out.join(page)).unwrap();
    let err = build_reporting(&site, &out, &[]);
    assert_eq!((unparsed(&err), reused(&err)), (5, 5), "{err}");
    assert_eq!(std::fs::read(out.join(page)).unwrap(), before);
    // Gone from both: the kept unit is parsed then, and rendered again.
    std::fs::remove_file(out.join(page)).unwrap();
    let in_standby = dir.path().join(".public.standby").join(page);
    let _ = std::fs::remove_file(&in_standby);
    assert!(!in_standby.exists());
    let err = build_reporting(&site, &out, &[]);
    assert_eq!((unparsed(&err), reused(&err)), (5, 4), "{err}");
    assert_eq!(std::fs::read(out.join(page)).unwrap(), before);
    // A damaged listing is not trusted: its unit is parsed and checked again.
    std::fs::write(store.join("hetang-ybj.listing"), "not a listing").unwrap();
    assert_eq!(unparsed(&build_reporting(&site, &out, &[])), 4);
    // A listing saved under another key (the sources changed) is not used either.
    edit(&unit_yaml, "name: 改名", "name: ");
    assert_eq!(unparsed(&build_reporting(&site, &out, &[])), 4);

    // The output is byte for byte a clean build's.
    let clean = dir.path().join("clean");
    let err = build_reporting(&site, &clean, &["--clean"]);
    assert_eq!(unparsed(&err), 0);
    assert_eq!(files(&out), files(&clean));
}

#[test]
fn the_indexes_shares_kept_beside_the_output_never_change_what_is_published() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    let store = dir.path().join(".public.gongkai-cache");
    build(&site, &out, &[]);
    // Each unit's search documents and data-package resources are kept beside the output.
    let mut shares: Vec<String> = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    shares.sort();
    // Three per unit, the data package's layout, the output's folder times and the
    // unit folders' stats.
    assert_eq!(shares.len(), 18, "{shares:?}");
    assert!(shares.contains(&"_units.stats".to_string()));
    assert!(shares.contains(&"_datapackage.layout".to_string()));
    assert_eq!(
        shares.iter().filter(|s| s.starts_with("_folders-")).count(),
        1
    );
    assert!(
        shares.contains(&"hetang-ybj.docs".to_string()),
        "{shares:?}"
    );
    assert!(shares.contains(&"hetang-ybj.resources".to_string()));
    assert!(shares.contains(&"hetang-ybj.listing".to_string()));

    // An edited unit's shares are made again: its new name is in the search documents
    // and the data package.
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: ",
        "name: 改名",
    );
    build(&site, &out, &[]);
    let datapackage = std::fs::read_to_string(out.join("datapackage.json")).unwrap();
    assert!(datapackage.contains("改名"));
    let docs = std::fs::read(store.join("hetang-ybj.docs")).unwrap();
    assert!(String::from_utf8_lossy(&docs).contains("改名"));

    // Damaged shares (cut short, or garbage) are made again, not trusted.
    for (i, name) in shares.iter().enumerate() {
        let path = store.join(name);
        let bytes = std::fs::read(&path).unwrap();
        let damaged = if i % 2 == 0 {
            bytes[..bytes.len() / 2].to_vec()
        } else {
            b"not a share".to_vec()
        };
        std::fs::write(&path, damaged).unwrap();
    }
    // Every unit is carried over; its shares are read when needed (the search index of
    // the site's one segment is made again after an edit to another unit), found
    // damaged and made again.
    edit(
        &site.join("content/kaifu-ybj/unit.yaml"),
        "name: ",
        "name: 改名",
    );
    build(&site, &out, &[]);
    let clean = dir.path().join("clean");
    build(&site, &clean, &["--clean"]);
    assert_eq!(files(&out), files(&clean));
    assert_eq!(
        std::fs::read(store.join("hetang-ybj.docs")).unwrap(),
        docs,
        "the damaged share was not made again"
    );

    // A removed unit's shares go.
    std::fs::remove_dir_all(site.join("content/kaifu-ybj")).unwrap();
    build(&site, &out, &[]);
    assert!(!store.join("kaifu-ybj.docs").exists());
    assert!(!store.join("kaifu-ybj.resources").exists());
    assert!(!store.join("kaifu-ybj.listing").exists());
    assert!(store.join("hetang-ybj.docs").exists());
}

#[test]
fn the_previous_output_is_kept_as_the_next_builds_directory_and_never_trusted_half_updated() {
    let (dir, site) = seed_copy();
    let out = dir.path().join("public");
    let standby = dir.path().join(".public.standby");
    let mut clean_builds = 0;
    let mut equals_a_clean_build = |out: &Path| {
        clean_builds += 1;
        let clean = dir.path().join(format!("clean{clean_builds}"));
        build(&site, &clean, &["--clean"]);
        assert_eq!(
            files(out),
            files(&clean),
            "after clean build {clean_builds}"
        );
    };
    build(&site, &out, &[]);
    assert!(
        !standby.exists(),
        "a first build has no previous output to keep"
    );
    build(&site, &out, &[]);
    assert!(standby.join(".gongkai-manifest.json").is_file());

    // Edits built one after another, each through the standby (which holds the output
    // of two builds before): a unit renamed, a unit removed and put back, the name back.
    let kaifu = site.join("content/kaifu-ybj");
    let kept = dir.path().join("kaifu-ybj");
    common::copy_dir(&kaifu, &kept);
    let before = identities(&out);
    // Every published file, linked aside: the builds that follow never write into a
    // published file (the standby's unchanged files are links of them).
    let published = files(&out);
    let aside = dir.path().join("aside");
    for rel in published.keys() {
        let to = aside.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::hard_link(out.join(rel), to).unwrap();
    }
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: ",
        "name: 改名",
    );
    build(&site, &out, &[]);
    equals_a_clean_build(&out);
    build(&site, &out, &[]);
    assert_ne!(files(&out), published);
    assert_eq!(
        files(&aside),
        published,
        "a published file was written into"
    );
    // Files that did not change keep their inode: the standby was brought up to date
    // by links, not by new copies.
    let after = identities(&out);
    let unchanged = before
        .iter()
        .filter(|(rel, id)| rel.starts_with("hengshan-ybj/") && after.get(*rel) == Some(id))
        .count();
    assert!(unchanged > 10, "{unchanged}");
    std::fs::remove_dir_all(&kaifu).unwrap();
    build(&site, &out, &[]);
    equals_a_clean_build(&out);
    assert!(!out.join("kaifu-ybj").exists());
    common::copy_dir(&kept, &kaifu);
    build(&site, &out, &[]);
    equals_a_clean_build(&out);
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: 改名",
        "name: ",
    );
    build(&site, &out, &[]);
    equals_a_clean_build(&out);

    // A build that stops while updating the standby leaves the output as it was; the
    // half-updated directory is removed by the next build, which completes.
    let old = files(&out);
    edit(
        &site.join("content/hetang-ybj/unit.yaml"),
        "name: ",
        "name: 再改名",
    );
    let status = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "build",
            site.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("GONGKAI_TEST_ABORT_AFTER", "40")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success());
    assert_eq!(files(&out), old);
    assert!(
        !standby.exists(),
        "the standby was taken by the stopped build"
    );
    build(&site, &out, &[]);
    equals_a_clean_build(&out);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    names.sort();
    assert_eq!(names, [".public.gongkai-cache", ".public.standby"]);
}
