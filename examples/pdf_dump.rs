//! Prints what the PDF reader makes of a file: its tables as grids and its prose, for
//! checking the reader by eye against `pdftotext -layout`.
//! `cargo run --example pdf_dump -- FILE.pdf [--text]`

use gongkai::import::pdf::read_pdf;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_text = args.iter().any(|a| a == "--text");
    for arg in args.iter().filter(|a| !a.starts_with("--")) {
        let start = std::time::Instant::now();
        match read_pdf(Path::new(arg)) {
            Err(e) => println!("{e}"),
            Ok(doc) => {
                println!(
                    "== {} — {} pages, {} tables, {} paragraphs, {:.0} ms",
                    arg,
                    doc.parts,
                    doc.tables.len(),
                    doc.text.len(),
                    start.elapsed().as_secs_f64() * 1000.0
                );
                for t in &doc.tables {
                    println!(
                        "\n## {:?} {} ({:?}..{:?}) head={:?}",
                        t.number, t.title, t.place, t.end, t.head_lines
                    );
                    for (i, row) in t.header.iter().enumerate() {
                        let cells: Vec<String> = row
                            .iter()
                            .map(|c| format!("{}[{}-{}]", c.text, c.first, c.last))
                            .collect();
                        println!("  H{i}: {}", cells.join(" | "));
                    }
                    for row in &t.rows {
                        println!("  {:?} {}", row.place, row.cells.join(" | "));
                        for u in &row.unsure {
                            println!("     ?? {u}");
                        }
                    }
                    for n in &t.notes {
                        println!("  note: {n}");
                    }
                }
                if show_text {
                    for p in &doc.text {
                        println!("\n[{:?}] {}", p.place, p.text);
                    }
                }
            }
        }
    }
}
