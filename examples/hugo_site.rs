//! Writes the disclosures of a gongkai site as an equivalent Hugo site, for the side-by-side
//! benchmark (issue 6, `scripts/bench`): one page per disclosure with the same tables as
//! Markdown tables (code, name, every column, figures as printed) and the explanation
//! text, one page per unit listing its disclosures, and a minimal layout.
//!
//! usage: cargo run --release --example hugo_site -- GONGKAI_SITE OUT_DIR

use gongkai::model::{Table, Value};
use std::fmt::Write as _;
use std::path::Path;

const CONFIG: &str = "baseURL = '/'\nlanguageCode = 'zh-CN'\ntitle = '预算公开'\n\
disableKinds = ['taxonomy', 'term', 'RSS']\n";

const BASEOF: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<title>{{ .Title }}</title></head><body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n";

const SINGLE: &str = "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n";

const LIST: &str = "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>\
{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n";

fn cell(v: Option<&Value>) -> String {
    match v {
        Some(Value::Amount(d)) => d.to_string(),
        Some(Value::Unknown) => "?".into(),
        Some(Value::Blank) | None => String::new(),
        Some(Value::Text(t)) => t.replace('|', "\\|"),
    }
}

fn table(t: &Table, out: &mut String) {
    let _ = writeln!(out, "\n### {}\n", t.title);
    let mut head = String::from("| 编码 | 名称 |");
    let mut rule = String::from("|---|---|");
    for c in &t.columns {
        let _ = write!(head, " {} |", c.name);
        rule.push_str("---:|");
    }
    let _ = writeln!(out, "{head}\n{rule}");
    for r in &t.rows {
        let mut line = format!(
            "| {} | {} |",
            r.code.as_deref().unwrap_or(""),
            r.name.as_deref().unwrap_or("")
        );
        for c in &t.columns {
            let _ = write!(line, " {} |", cell(r.cells.get(&c.key).map(|c| &c.value)));
        }
        out.push_str(&line);
        out.push('\n');
    }
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: hugo_site GONGKAI_SITE OUT_DIR");
        std::process::exit(2);
    }
    let root = gongkai::source::resolve_root(Path::new(&args[1])).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let (site, _) = gongkai::source::load(&root);
    let out = Path::new(&args[2]);
    let _ = std::fs::remove_dir_all(out);
    write(&out.join("hugo.toml"), CONFIG);
    write(&out.join("layouts/_default/baseof.html"), BASEOF);
    write(&out.join("layouts/_default/single.html"), SINGLE);
    write(&out.join("layouts/_default/list.html"), LIST);
    write(
        &out.join("content/_index.md"),
        "---\ntitle: 预算公开\n---\n",
    );
    let mut pages = 0;
    for u in &site.units {
        let dir = out.join("content").join(&u.slug);
        write(
            &dir.join("_index.md"),
            &format!(
                "---\ntitle: \"{}\"\n---\n{}，{}\n",
                u.name, u.region, u.level
            ),
        );
        for d in &u.disclosures {
            let mut md = format!("---\ntitle: \"{}\"\n---\n", d.title);
            if let Some(text) = &d.text {
                md.push_str(&text.markdown);
                md.push('\n');
            }
            for t in &d.tables {
                table(t, &mut md);
            }
            write(&dir.join(format!("{}-{}.md", d.year, d.kind.as_str())), &md);
            pages += 1;
        }
    }
    println!(
        "wrote {pages} disclosure pages of {} units to {}",
        site.units.len(),
        out.display()
    );
}
