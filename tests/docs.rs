//! Generated documentation stays in sync with the code.

#[test]
fn rules_doc_is_current() {
    let generated = gongkai::check::rules::docs_markdown();
    let path = "docs/rules.md";
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}
