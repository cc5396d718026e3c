//! Times the search index of a site on its own (documents, then index files) and prints
//! its size, for BENCHMARKS.md: `cargo run --release --example search_index -- SITE_DIR`.

use gongkai::model::templates::Templates;
use gongkai::outputs::search;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: search_index SITE_DIR")?;
    let root = gongkai::source::resolve_root(std::path::Path::new(&dir))?;
    let t = Instant::now();
    let (site, _) = gongkai::source::load(&root);
    let load = t.elapsed();
    let templates = Templates::builtin()?;
    let t = Instant::now();
    let docs = search::documents(&site, &templates);
    let collect = t.elapsed();
    let t = Instant::now();
    let files = search::index_files(search::DIR, &docs)?;
    let write = t.elapsed();
    let size = |prefix: &str| -> (usize, usize) {
        let f: Vec<_> = files
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .collect();
        (f.len(), f.iter().map(|(_, b)| b.len()).sum())
    };
    let (ni, bi) = size("search/i/");
    let (nd, bd) = size("search/d/");
    let terms: usize = docs.iter().map(|d| d.terms().count()).sum();
    println!(
        "units {} docs {} postings {terms}; load {load:.2?}, documents {collect:.2?}, index {write:.2?}",
        site.units.len(),
        docs.len()
    );
    println!("index shards {ni} files {bi} bytes; document chunks {nd} files {bd} bytes");
    Ok(())
}
