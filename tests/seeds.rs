//! The five seeds: every disclosure loads, and the cross-table pairs that the template
//! implies are really evaluated (a key mismatch would skip them silently).

mod common;
use gongkai::check::rules::{Context, cross_table};
use gongkai::model::catalogue::Editions;
use gongkai::model::templates::Templates;
use gongkai::source::{self, Root};

fn pairs_for(slug: &str) -> Vec<&'static str> {
    let (site, _) = source::load(&Root::Content("content".into()));
    let editions = Editions::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let cx = Context {
        site: &site,
        catalogue: editions.base(),
        editions,
        templates: &templates,
        suspect: Default::default(),
    };
    let unit = site
        .units
        .iter()
        .find(|u| u.slug == slug)
        .expect("unit loaded");
    cross_table::applicable(&cx, &unit.disclosures[0])
}

#[test]
fn every_seed_loads_with_one_disclosure() {
    let (site, _) = source::load(&Root::Content("content".into()));
    let slugs: Vec<&str> = site.units.iter().map(|u| u.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "hengshan-ybj",
            "hengyang-ybj",
            "hetang-ybj",
            "kaifu-ybj",
            "xixiang-ybzx"
        ]
    );
    for u in &site.units {
        assert_eq!(u.disclosures.len(), 1, "{}", u.slug);
    }
}

#[test]
fn final_accounts_pairs_are_evaluated() {
    let p = pairs_for("hengyang-ybj");
    for id in [
        "final-summary-income",
        "final-summary-expenditure",
        "final-summary-balance",
        "final-income-fiscal",
        "final-fiscal-general",
        "final-general-basic",
        "final-basic-personnel",
        "final-basic-public",
        "final-fund",
        "final-state-capital",
    ] {
        assert!(p.contains(&id), "{id} not evaluated; evaluated: {p:?}");
    }
}

#[test]
fn hunan_budget_pairs_are_evaluated() {
    let p = pairs_for("hengshan-ybj");
    for id in [
        "summary-income",
        "summary-expenditure",
        "summary-balance",
        "summary-basic",
        "summary-project",
        "summary-fiscal-general",
        "fiscal-general-expenditure",
        "general-basic",
        "general-basic-personnel",
        "general-basic-public",
        "gov-econ-total",
        "dept-econ-total",
        "wages-gov",
        "wages-dept",
        "goods-gov",
        "goods-dept",
    ] {
        assert!(p.contains(&id), "{id} not evaluated; evaluated: {p:?}");
    }
}

#[test]
fn shaanxi_budget_pairs_are_evaluated() {
    let p = pairs_for("xixiang-ybzx");
    for id in [
        "summary-balance",
        "summary-grand-balance",
        "summary-fiscal-general",
        "fiscal-general-expenditure",
        "general-basic-parts",
        "general-basic-personnel",
        "general-basic-public",
        "general-public",
        "general-econ",
        "general-basic-fn",
    ] {
        assert!(p.contains(&id), "{id} not evaluated; evaluated: {p:?}");
    }
}

/// A content directory held in memory (`Root::Memory`, what the fuzz targets load) is read
/// exactly as the same files on disk: same files, units and diagnostics. Checked on a seed
/// unit as it is, and with a stray file, a file that is not UTF-8 and a YAML error, so the
/// layout, encoding and YAML paths are compared too. (Messages that name a file by its
/// full path name the memory file by its relative one: the temporary folder is cut out.)
#[test]
fn memory_content_checks_like_the_same_files_on_disk() {
    use gongkai::check::{Report, check};
    use gongkai::model::diagnostic::{render_human, render_json};
    use std::path::PathBuf;
    let seed: Vec<(PathBuf, Vec<u8>)> = ["unit.yaml", "2023-budget.yaml", "2023-budget.md"]
        .iter()
        .map(|name| {
            let bytes = std::fs::read(format!("content/hengshan-ybj/{name}")).unwrap();
            (PathBuf::from("hengshan-ybj").join(name), bytes)
        })
        .collect();
    let mut broken = seed.clone();
    broken[1].1.extend_from_slice(b"\nkind: [unclosed\n");
    broken[2].1.extend_from_slice(b"\xff\xfe");
    broken.push(("hengshan-ybj/notes.txt".into(), b"stray".to_vec()));
    broken.push(("README.md".into(), b"not a unit".to_vec()));
    let describe = |r: &Report, cut: &str| {
        let files: Vec<(String, String)> = r
            .site
            .files
            .iter()
            .map(|(_, f)| (f.display.clone(), f.text.clone()))
            .collect();
        let units: Vec<(String, u64, usize)> = r
            .site
            .units
            .iter()
            .map(|u| (u.slug.clone(), u.digest, u.disclosures.len()))
            .collect();
        (
            files,
            units,
            render_json(&r.diagnostics, &r.site.files).replace(cut, ""),
            render_human(&r.diagnostics, &r.site.files, false).replace(cut, ""),
        )
    };
    for (case, list) in [("seed", seed), ("broken", broken)] {
        let dir = tempfile::tempdir().unwrap();
        for (path, bytes) in &list {
            let path = dir.path().join("content").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let disk = check(&Root::Content(dir.path().join("content"))).unwrap();
        let memory = check(&Root::Memory(list)).unwrap();
        let cut = format!("{}/", dir.path().join("content").display());
        let (disk, memory) = (describe(&disk, &cut), describe(&memory, ""));
        assert_eq!(disk.1.len(), 1, "{case}: the unit loads");
        if case == "broken" {
            for rule in ["yaml.", "source.encoding", "source.layout"] {
                assert!(disk.2.contains(rule), "{case}: {rule} in {}", disk.2);
            }
        }
        assert!(
            disk == memory,
            "{case}: disk and memory differ\n{disk:#?}\n{memory:#?}"
        );
    }
}

/// The derived line-by-line pairs reach the pairs no hand-kept list had: the final
/// accounts' 财政拨款收入支出决算总表 per fund column against the fund tables.
#[test]
fn derived_code_pairs_are_evaluated() {
    let (site, _) = source::load(&Root::Content("content".into()));
    let editions = Editions::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let cx = Context {
        site: &site,
        catalogue: editions.base(),
        editions,
        templates: &templates,
        suspect: Default::default(),
    };
    let pairs = |slug: &str| {
        let unit = site.units.iter().find(|u| u.slug == slug).unwrap();
        gongkai::check::rules::code_pairs::applicable(&cx, &unit.disclosures[0])
    };
    let has = |p: &[(String, String)], a: &str, b: &str| p.iter().any(|(x, y)| x == a && y == b);
    let final_pairs = pairs("hengyang-ybj");
    for (a, b) in [
        (
            "final_fiscal_summary.general",
            "final_general_expenditure.total",
        ),
        (
            "final_fiscal_summary.amount",
            "final_general_expenditure.total",
        ),
        ("final_expenditure.total", "final_general_expenditure.total"),
        ("final_summary.amount", "final_expenditure.total"),
    ] {
        assert!(has(&final_pairs, a, b), "{a} ~ {b}: {final_pairs:?}");
    }
    let hunan = pairs("hengshan-ybj");
    for (a, b) in [
        ("fiscal_summary.amount", "general_expenditure.total"),
        ("expenditure.total", "expenditure_gov_econ.total"),
        ("general_expenditure.wages", "basic_wages_gov_econ.total"),
        ("general_expenditure.public", "basic_goods_dept_econ.total"),
    ] {
        assert!(has(&hunan, a, b), "{a} ~ {b}: {hunan:?}");
    }
    let shaanxi = pairs("xixiang-ybzx");
    for (a, b) in [
        ("summary.amount", "fiscal_summary.amount"),
        (
            "general_expenditure_econ.personnel",
            "general_basic.personnel",
        ),
        (
            "general_expenditure.personnel",
            "general_basic_fn.personnel",
        ),
    ] {
        assert!(has(&shaanxi, a, b), "{a} ~ {b}: {shaanxi:?}");
    }
}
