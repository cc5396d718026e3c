//! Prints what the PDF reader makes of a file: its tables as grids and its prose, for
//! checking the reader by eye against `pdftotext -layout`.
//! `cargo run --example pdf_dump -- FILE.pdf [--text] [--recognize]`

use gongkai::import::pdf::read_pdf;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_text = args.iter().any(|a| a == "--text");
    let recognize = args.iter().any(|a| a == "--recognize");
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
                if recognize {
                    match gongkai::import::recognize::recognize(std::slice::from_ref(&doc), None) {
                        Err(e) => println!("\nrecognize: {e}"),
                        Ok(d) => {
                            println!(
                                "\nrecognized: {} {} {} ({}), {} tables",
                                d.unit.name,
                                d.disclosure.year,
                                d.disclosure.kind,
                                d.disclosure.template,
                                d.disclosure.tables.len()
                            );
                            for t in &d.disclosure.tables {
                                let keys: Vec<&str> =
                                    t.columns.iter().map(|c| c.key.as_str()).collect();
                                println!(
                                    "  {} {} [{}] {} rows {:?}",
                                    t.kind,
                                    t.title,
                                    keys.join(","),
                                    t.rows.len(),
                                    t.status
                                );
                            }
                        }
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
