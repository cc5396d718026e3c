//! No input makes the checker panic: random edits of a valid source, and arbitrary text
//! for the amount, expression and figure parsers.

use proptest::prelude::*;

const YAML: &str = include_str!("fixtures/valid/content/demo/2023-budget.yaml");
const MD: &str = include_str!("fixtures/valid/content/demo/2023-budget.md");
const UNIT: &str = include_str!("fixtures/valid/content/demo/unit.yaml");

/// Characters that matter to YAML and to our formats.
fn noise() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            ":",
            "-",
            "{",
            "}",
            "[",
            "]",
            ",",
            "\"",
            "'",
            "#",
            "&a",
            "*a",
            "!",
            "|",
            ">",
            "\n",
            " ",
            "\t",
            "?",
            "%",
            "{{",
            "}}",
            "=",
            "9",
            "0.0",
            "1e309",
            "万元",
            "\u{0}",
            "\u{feff}",
            "T01.total.total",
        ]),
        0..12,
    )
    .prop_map(|v| v.concat())
}

fn mutate(text: &str, at: usize, cut: usize, insert: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = at % (chars.len() + 1);
    let end = (at + cut).min(chars.len());
    chars.splice(at..end, insert.chars());
    chars.into_iter().collect()
}

fn check_site(unit: &str, yaml: &str, md: &str) {
    let dir = tempfile::tempdir().unwrap();
    let u = dir.path().join("demo");
    std::fs::create_dir_all(&u).unwrap();
    std::fs::write(u.join("unit.yaml"), unit).unwrap();
    std::fs::write(u.join("2023-budget.yaml"), yaml).unwrap();
    std::fs::write(u.join("2023-budget.md"), md).unwrap();
    let report =
        gongkai::check::check(&gongkai::source::Root::Content(dir.path().to_path_buf())).unwrap();
    // Rendering must not panic either, whatever the locations.
    let _ =
        gongkai::model::diagnostic::render_human(&report.diagnostics, &report.site.files, false);
    let _ = gongkai::model::diagnostic::render_json(&report.diagnostics, &report.site.files);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn edited_yaml_never_panics(at in 0usize..20_000, cut in 0usize..40, insert in noise()) {
        check_site(UNIT, &mutate(YAML, at, cut, &insert), MD);
    }

    #[test]
    fn edited_markdown_never_panics(at in 0usize..3_000, cut in 0usize..20, insert in noise()) {
        check_site(UNIT, YAML, &mutate(MD, at, cut, &insert));
    }

    #[test]
    fn edited_unit_never_panics(at in 0usize..300, cut in 0usize..20, insert in noise()) {
        check_site(&mutate(UNIT, at, cut, &insert), YAML, MD);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,40}") {
        let _ = gongkai::model::amount::parse(&s);
        if let Ok(e) = gongkai::check::expr::parse(&s) {
            let _ = gongkai::check::expr::eval(&e, &|_| Ok(gongkai::check::expr::Iv::exact(rust_decimal::Decimal::MAX)));
        }
        let _ = gongkai::check::narrative::figures(&format!("{{{{{s}}}}}"), gongkai::model::files::FileId(0));
        let _ = gongkai::check::narrative::sections(&s, gongkai::model::files::FileId(0));
    }
}

/// The words the plain-text matcher looks for.
fn plain_noise() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "占",
            "的",
            "完成年初预算的",
            "比上年增加",
            "减少",
            "下降",
            "（",
            "）",
            "(项)",
            "（款）",
            "9月31日",
            "，",
            "。",
            "：",
            "万元",
            "元",
            "亿元",
            "%",
            "1,234.56",
            "0",
            "99999999999999999999999",
            "0.0001",
            "其中",
            "政府采购预算总额",
            "货物类采购",
            "三公经费",
            "基本支出",
            "\n",
            "{{",
            "}}",
            "<!--",
            "-->",
            "XX",
        ]),
        0..16,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// The matcher over the seed texts (the richest wording), randomly edited.
    #[test]
    fn edited_seed_text_never_panics(which in 0usize..5, at in 0usize..40_000, cut in 0usize..30, insert in plain_noise()) {
        static SITE: std::sync::OnceLock<gongkai::model::Site> = std::sync::OnceLock::new();
        let site = SITE.get_or_init(|| gongkai::source::load(&gongkai::source::Root::Content("content".into())).0);
        let unit = &site.units[which % site.units.len()];
        let mut d = unit.disclosures[0].clone();
        if let Some(t) = &mut d.text {
            t.markdown = mutate(&t.markdown, at, cut, &insert);
        }
        let _ = gongkai::check::plain::scan_with(&d, Some(&unit.disclosures[0]));
        let _ = gongkai::check::plain::annotate(&d);
    }
}

#[test]
fn extreme_inputs_end_with_a_clear_error() {
    // Deep nesting and an alias bomb are stopped by the YAML budget.
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    check_site(UNIT, &deep, MD);
    let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
    check_site(UNIT, bomb, MD);
    // Huge numbers and divisions by zero in text figures.
    check_site(
        UNIT,
        YAML,
        "{{ 1 = pct(99999999999999999999999999, 0.0000000000000000000000001) }} {{ 1 = 1/0 }}",
    );
}
