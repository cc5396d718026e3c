//! Time to generate the downloads of one disclosure (`site::downloads`), release profile.
//!
//! `cargo bench --bench downloads [-- SITE_DIR [ROUNDS]]` (default: the seeds, 20 rounds):
//! loads the site, then for every disclosure generates its CSVs, XLSXs and `data.json`
//! ROUNDS times and prints, per disclosure, the fastest and the median time of each kind
//! of file and of all of them (`disclosure_files`), and the mean of the fastest over all. Single-threaded, in memory (no writing).

use gongkai::model::templates::Templates;
use gongkai::outputs::downloads;
use std::path::Path;
use std::time::{Duration, Instant};

/// The fastest and the median of the rounds (the machine is shared: the fastest is the
/// closer to the cost itself).
fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[0], v[v.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn ms2((min, med): (Duration, Duration)) -> String {
    format!("{} / {}", ms(min), ms(med))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let site_dir = args.first().map_or(".", String::as_str);
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20);
    let root = gongkai::source::resolve_root(Path::new(site_dir)).unwrap();
    let site = gongkai::check::check(&root).unwrap().site;
    let templates = Templates::builtin().unwrap();
    println!(
        "disclosure | tables | csv ms | xlsx ms | json ms | all ms | bytes  (each: fastest / median)"
    );
    let (mut sum_all, mut n, mut sum_tables) = (Duration::ZERO, 0u32, 0usize);
    let (mut sum_csv, mut sum_xlsx, mut sum_json) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for u in &site.units {
        for d in &u.disclosures {
            let tables: Vec<_> = d
                .tables
                .iter()
                .filter(|t| gongkai::views::paths::has_download(t))
                .collect();
            let time = |f: &dyn Fn()| {
                stats(
                    (0..rounds)
                        .map(|_| {
                            let t0 = Instant::now();
                            f();
                            t0.elapsed()
                        })
                        .collect(),
                )
            };
            let csv = time(&|| {
                for t in &tables {
                    std::hint::black_box(downloads::csv(t));
                }
            });
            // The disclosure's workbook, a sheet per table.
            let xlsx = time(&|| {
                std::hint::black_box(
                    gongkai::outputs::workbook::workbook(u, d, &templates).unwrap(),
                );
            });
            let json = time(&|| {
                std::hint::black_box(
                    downloads::json(u, d, &templates, &Default::default()).unwrap(),
                );
            });
            let all = time(&|| {
                std::hint::black_box(
                    downloads::disclosure_files(u, d, &templates, &Default::default()).unwrap(),
                );
            });
            let bytes: usize = downloads::disclosure_files(u, d, &templates, &Default::default())
                .unwrap()
                .iter()
                .map(|(_, b)| b.len())
                .sum();
            if site.units.len() <= 20 {
                println!(
                    "{}/{}-{} | {} | {} | {} | {} | {} | {}",
                    u.slug,
                    d.year,
                    d.kind.as_str(),
                    tables.len(),
                    ms2(csv),
                    ms2(xlsx),
                    ms2(json),
                    ms2(all),
                    bytes
                );
            }
            sum_csv += csv.0;
            sum_xlsx += xlsx.0;
            sum_json += json.0;
            sum_all += all.0;
            sum_tables += tables.len();
            n += 1;
        }
    }
    println!(
        "fastest rounds, mean over {n} disclosures ({:.1} tables each): csv {} ms, xlsx {} ms, json {} ms, all {} ms; per table: xlsx {} ms",
        sum_tables as f64 / f64::from(n),
        ms(sum_csv / n),
        ms(sum_xlsx / n),
        ms(sum_json / n),
        ms(sum_all / n),
        ms(sum_xlsx / u32::try_from(sum_tables).unwrap()),
    );
}
