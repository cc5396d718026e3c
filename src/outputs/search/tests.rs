use super::*;

#[test]
fn gzip_writes_what_flate2_writes_and_reads_back() {
    use std::io::{Read as _, Write as _};
    let mut rng = 7u64;
    let mut long = String::new();
    while long.len() < 300_000 {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        long.push_str(["医疗", "保障", "2101501", "局", "\t", "a,b\n"][(rng >> 60) as usize % 6]);
    }
    for text in ["", "x", "衡山县医疗保障局\t1,2,3\n", long.as_str()] {
        let mut enc = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::fast());
        enc.write_all(text.as_bytes()).unwrap();
        let expected = enc.finish().unwrap();
        // Twice: the second time with the thread's compressor reused.
        for _ in 0..2 {
            let ours = gzip(text.as_bytes()).unwrap();
            assert_eq!(ours, expected, "{} bytes", text.len());
            let mut back = String::new();
            flate2::read::GzDecoder::new(ours.as_slice())
                .read_to_string(&mut back)
                .unwrap();
            assert_eq!(back, text);
        }
    }
}

#[test]
fn chinese_is_cut_into_bigrams_and_codes_kept_whole() {
    assert_eq!(
        tokens("衡山县医疗保障局", false),
        ["衡山", "山县", "县医", "医疗", "疗保", "保障", "障局"]
    );
    // Punctuation and spaces cut runs; a single character is not a term.
    assert_eq!(tokens("“三公”经费、县", false), ["三公", "经费"]);
    // Digits only where asked (titles), Latin words always, full-width folded.
    assert_eq!(tokens("2023年 T07 表", false), ["t07"]);
    assert_eq!(tokens("２０２３年Ｔ０７", true), ["2023", "t07"]);
    assert_eq!(
        tokens("2101501 行政运行", true),
        ["2101501", "行政", "政运", "运行"]
    );
}

#[test]
fn codes_are_indexed_with_their_prefixes() {
    let mut d = Doc::new(ITEM, vec![], String::new(), String::new(), String::new());
    d.index_code("2101501");
    d.index("行政运行", true);
    let d = d.pack();
    let terms: Vec<(&str, bool)> = d.terms().collect();
    assert_eq!(
        terms,
        [
            ("210", false),
            ("21015", false),
            ("2101501", true),
            ("政运", true),
            ("行政", true),
            ("运行", true)
        ]
    );
    // A term both in the title and the text stays strong.
    let mut d = Doc::new(ITEM, vec![], String::new(), String::new(), String::new());
    d.index("行政运行", true);
    d.index("行政事务", false);
    let d = d.pack();
    let terms: Vec<(&str, bool)> = d.terms().collect();
    assert!(terms.contains(&("行政", true)));
    assert!(terms.contains(&("事务", false)));
    assert_eq!(terms.iter().filter(|(t, _)| *t == "行政").count(), 1);
}

#[test]
fn html_is_reduced_to_text() {
    assert_eq!(
        html_text(
            "<p>公务接待费<span title=\"x\">14.00</span><sup class=\"src\"><a href=\"#T09-total\">表T09</a></sup>万元&amp;</p>\n<p>下一段</p>"
        ),
        "公务接待费14.00万元& 下一段"
    );
}

#[test]
fn segments_are_a_power_of_two_with_at_most_the_given_units_on_average() {
    for (units, per, segments) in [
        (0, 256, 1),
        (5, 256, 1),
        (256, 256, 1),
        (257, 256, 2),
        (2500, 256, 16),
        (5000, 256, 32),
        (5, 1, 8),
        (5, 0, 8),
    ] {
        assert_eq!(segment_count(units, per), segments, "{units} / {per}");
    }
    // A unit's segment depends on its folder name and the count only.
    assert_eq!(segment_of("hetang-ybj", 16), segment_of("hetang-ybj", 16));
    assert!((0..100).all(|i| segment_of(&format!("u{i}"), 16) < 16));
    assert_eq!(segment_of("anything", 1), 0);
}

#[test]
fn shard_hash_is_fnv1a() {
    // Known FNV-1a 32 values ("a" → 0xe40c292c), so the JavaScript twin can be checked.
    assert_eq!(shard_of("a", 1_000_003), 0xe40c_292c % 1_000_003);
    assert_eq!(shard_of("", 7), 0x811c_9dc5 % 7);
}

fn doc(kind: usize, key: &str, title: &str) -> Entry {
    let mut d = Doc::new(
        kind,
        vec![key.into()],
        title.into(),
        String::new(),
        format!("{key}/"),
    );
    d.index(title, true);
    d.pack()
}

#[test]
fn postings_are_delta_encoded_per_term_and_output_is_deterministic() {
    let docs = vec![
        doc(UNIT, "a", "医疗保障局"),
        doc(UNIT, "b", "医疗中心"),
        doc(ITEM, "c", "医疗救助"),
    ];
    let files = index_files(DIR, &docs).unwrap();
    let files2 = index_files(DIR, &docs).unwrap();
    assert_eq!(files, files2);
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "search/d/0-0.bin",
            "search/d/2-0.bin",
            "search/i/0.bin",
            "search/meta.json"
        ]
    );
    let index = gunzip(&files[2].1);
    // 医疗 in docs 0, 1, 2, all strong: 1, 3, 5 → deltas 1, 2, 2.
    assert!(index.contains("医疗\t1,2,2\n"), "{index}");
    assert!(index.contains("救助\t5\n"), "{index}");
    let meta = String::from_utf8(files[3].1.clone()).unwrap();
    assert!(meta.contains("\"shards\":1"), "{meta}");
    assert!(
        meta.contains("{\"count\":1,\"name\":\"科目\",\"per\":64,\"start\":2}"),
        "{meta}"
    );
}

impl Entry {
    /// What the result shows: `[title, context, url, text, links]`.
    fn shown(&self) -> serde_json::Value {
        serde_json::from_str(&self.row).unwrap()
    }
    fn title(&self) -> String {
        self.shown()[0].as_str().unwrap().to_string()
    }
    fn url(&self) -> String {
        self.shown()[2].as_str().unwrap().to_string()
    }
    fn text(&self) -> String {
        self.shown()[3].as_str().unwrap().to_string()
    }
}

fn gunzip(bytes: &[u8]) -> String {
    use std::io::Read as _;
    let mut s = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The postings of `term` in the index files: (doc id, strong).
fn lookup(files: &[(String, Vec<u8>)], term: &str) -> Vec<(usize, bool)> {
    let meta = &files
        .iter()
        .find(|(p, _)| p == "search/meta.json")
        .unwrap()
        .1;
    let meta: serde_json::Value = serde_json::from_slice(meta).unwrap();
    let shards = meta["shards"].as_u64().unwrap() as u32;
    let path = format!("search/i/{}.bin", shard_of(term, shards));
    let text = gunzip(&files.iter().find(|(p, _)| *p == path).unwrap().1);
    let line = text
        .lines()
        .find(|l| l.split('\t').next() == Some(term))
        .unwrap();
    let mut v = 0;
    line.split('\t')
        .nth(1)
        .unwrap()
        .split(',')
        .map(|d| {
            v += u64::from_str_radix(d, 36).unwrap();
            ((v / 2) as usize, v % 2 == 1)
        })
        .collect()
}

#[test]
fn seed_index_is_deterministic_and_finds_units_codes_and_text() {
    let root = crate::source::resolve_root(std::path::Path::new(".")).unwrap();
    let (site, _) = crate::source::load(&root);
    let templates = Templates::builtin().unwrap();
    let docs = documents(&site, &templates);
    let files = index_files(DIR, &docs).unwrap();
    assert_eq!(
        files,
        index_files(DIR, &documents(&site, &templates)).unwrap()
    );
    // One file per shard, empty or not: any term's shard can be fetched.
    let meta: serde_json::Value = serde_json::from_slice(
        &files
            .iter()
            .find(|(p, _)| p == "search/meta.json")
            .unwrap()
            .1,
    )
    .unwrap();
    let shards = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/i/"))
        .count();
    assert_eq!(Some(shards as u64), meta["shards"].as_u64());
    // Sorted by kind, units first.
    assert!(
        docs.windows(2)
            .all(|w| (w[0].kind, &w[0].key) <= (w[1].kind, &w[1].key))
    );
    // 衡山: the unit, strong, is the first posting.
    let hits = lookup(&files, "衡山");
    assert_eq!(docs[hits[0].0].shown()[0], "衡山县医疗保障局");
    assert!(hits[0].1 && docs[hits[0].0].kind == UNIT);
    // 2101501: one strong item per disclosure that prints it, linking to its rows.
    let hits = lookup(&files, "2101501");
    let printing = site
        .units
        .iter()
        .flat_map(|u| &u.disclosures)
        .filter(|d| {
            d.tables.iter().any(|t| {
                t.status == Status::Present
                    && t.rows.iter().any(|r| r.code.as_deref() == Some("2101501"))
            })
        })
        .count();
    assert_eq!(hits.len(), printing);
    for (id, strong) in &hits {
        let d = &docs[*id];
        let shown = d.shown();
        assert!(
            *strong && d.kind == ITEM && shown[0] == "2101501 行政运行",
            "{d:?}"
        );
        let links = shown[4].as_array().unwrap();
        assert!(
            shown[2].as_str().unwrap().ends_with("-2101501")
                && links
                    .iter()
                    .all(|l| l[1].as_str().unwrap().ends_with("-2101501"))
        );
    }
    // 21015 (款) finds its own rows strongly and the 项 under it weakly.
    let hits = lookup(&files, "21015");
    assert!(
        hits.iter()
            .any(|(id, s)| *s && docs[*id].title().starts_with("21015 "))
    );
    assert!(
        hits.iter()
            .any(|(id, s)| !*s && docs[*id].title().starts_with("2101501 "))
    );
    // 接待 (公务接待): the 30217 item strong, the 三公 explanation weak.
    let hits = lookup(&files, "接待");
    assert!(
        hits.iter()
            .any(|(id, s)| *s && docs[*id].title() == "30217 公务接待费")
    );
    assert!(hits.iter().any(|(id, s)| !*s
        && docs[*id].kind == SECTION
        && docs[*id].url().ends_with("#three-public")
        && docs[*id].text().contains("公务接待")));
}
