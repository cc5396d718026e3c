//! Tests of the writer, the standby and the manifest.

use super::PublishError;
use super::dirs::*;
use super::manifest::*;
use super::writer::*;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn streamed(writer: &Writer, rel: &str, pieces: &[&str]) -> Result<String, PublishError> {
    writer.put_streamed(rel, Vec::new(), &mut |out| {
        for p in pieces {
            out.write_all(p.as_bytes())
                .map_err(|e| PublishError::Failed(e.to_string()))?;
        }
        Ok(())
    })
}

#[test]
fn not_in_gives_the_entries_the_other_map_lacks_in_order() {
    let map = |keys: &[&str]| -> BTreeMap<String, usize> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), i))
            .collect()
    };
    let from = map(&["a", "a/b", "b", "c/d", "e"]);
    let present = map(&["0", "a/b", "b0", "c/d", "f"]);
    let lacking: Vec<&str> = not_in(&from, &present)
        .into_iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(lacking, ["a", "b", "e"]);
    assert_eq!(not_in(&from, &BTreeMap::<String, ()>::new()).len(), 5);
    assert!(not_in(&BTreeMap::<String, ()>::new(), &from).is_empty());
}

#[test]
fn the_manifest_is_json_with_one_file_per_line_and_reads_back_the_same() {
    let mut m = Manifest::default();
    for (rel, sources) in [
        ("a/index.html", vec!["content/a/unit.yaml".to_string()]),
        ("a/t.csv", vec!["content/a/unit.yaml".to_string()]),
        ("b \"引号\"/x.csv", vec![]),
        (
            "index.html",
            vec!["content/".into(), "templates/index.html".into()],
        ),
    ] {
        m.files.insert(
            rel.into(),
            Entry::new(hash(rel.as_bytes()), &sources).unwrap(),
        );
    }
    m.units.insert("a".into(), "key-1".into());
    let text = m.to_text().unwrap();
    // One line per distinct list of sources (three), then one per file.
    assert_eq!(text.lines().count(), 3 + 3 + m.files.len(), "{text}");
    assert_eq!(text.lines().nth(1), Some("[\"content/a/unit.yaml\"],"));
    assert!(text.contains("\n\"a/index.html\":[\""), "{text}");
    assert!(text.contains(",0],\n\"a/t.csv\":[\""), "{text}");
    // Plain JSON: a file's sources are `.sources[.files[path][1]]`.
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let n = json["files"]["index.html"][1].as_u64().unwrap() as usize;
    assert_eq!(
        json["sources"][n],
        serde_json::json!(["content/", "templates/index.html"])
    );
    let back = Manifest::from_text(text.as_bytes()).unwrap();
    assert_eq!(back.to_text().unwrap(), text);
    let sources: Vec<String> = serde_json::from_str(&back.files["index.html"].sources).unwrap();
    assert_eq!(sources, ["content/", "templates/index.html"]);
    assert_eq!(back.units, m.units);
    // An empty one; one of another version, or with a source index out of range, is
    // not read.
    let empty = Manifest::default().to_text().unwrap();
    assert!(
        Manifest::from_text(empty.as_bytes())
            .unwrap()
            .files
            .is_empty()
    );
    let v3 = text.replacen("\"version\":2", "\"version\":3", 1);
    assert!(Manifest::from_text(v3.as_bytes()).is_none());
    let out_of_range = text.replacen(",0],", ",9],", 1);
    assert!(Manifest::from_text(out_of_range.as_bytes()).is_none());
    // Read line by line unless a path needs escaping (then by the JSON parser).
    assert!(Manifest::from_lines(text.as_bytes()).is_none());
    m.files.retain(|rel, _| !rel.contains('"'));
    let plain = m.to_text().unwrap();
    let fast = Manifest::from_lines(plain.as_bytes()).unwrap();
    assert_eq!(fast.to_text().unwrap(), plain);
    assert_eq!(fast.units, m.units);
    assert_eq!(fast.files.len(), 3);
    for damaged in [
        plain.replacen(",0],", ",0,", 1),
        plain.replacen("[\"content/\",", "[\"content/\"", 1),
        plain.replacen("\"a/t.csv\"", "\"0\"", 1),
    ] {
        assert!(
            Manifest::from_lines(damaged.as_bytes()).is_none(),
            "{damaged}"
        );
    }
    // A manifest of version 1 (never released) is not read.
    let v1 = "{\"version\":1,\"files\":{\"index.html\":{\"hash\":\"h2-4\",\"sources\":[]}},\"units\":{}}\n";
    assert!(Manifest::from_text(v1.as_bytes()).is_none());
}

#[test]
fn a_streamed_file_is_placed_hashed_and_kept_when_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    std::fs::create_dir_all(&root).unwrap();
    let writer = Writer::begin(&out, &root, Mode::Swap { clean: false }).unwrap();
    let h = streamed(&writer, "data/big.json", &["{\"a\":", "[1,2]", "}"]).unwrap();
    assert_eq!(h, hash(b"{\"a\":[1,2]}"));
    let first = writer.finish(|_| false).unwrap();
    assert_eq!(first.written, [MARKER, "data/big.json"]);
    let path = out.join("data/big.json");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":[1,2]}");
    // The manifest holds the same hash as for the whole bytes.
    let manifest = read_manifest(&out);
    assert_eq!(manifest.files["data/big.json"].hash, hash(b"{\"a\":[1,2]}"));
    let inode = std::fs::metadata(&path).unwrap().ino();

    // The same bytes again (in other pieces): the previous file is carried over.
    let writer = Writer::begin(&out, &root, Mode::Swap { clean: false }).unwrap();
    assert_eq!(writer.earlier("data/big.json"), Some((path.clone(), h)));
    assert_eq!(writer.earlier("data/other.json"), None);
    streamed(&writer, "data/big.json", &["{\"a\":[1,", "2]}"]).unwrap();
    let again = writer.finish(|_| false).unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
    assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);

    // In place, changed bytes replace the file; nothing is left beside it.
    let writer = Writer::begin(&out, &root, Mode::InPlace).unwrap();
    streamed(&writer, "data/big.json", &["{}"]).unwrap();
    writer.finish(|_| true).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
    let names: Vec<_> = std::fs::read_dir(out.join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["big.json"]);
}

#[test]
fn a_cancelled_writer_places_nothing_more_and_leaves_the_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    std::fs::create_dir_all(&root).unwrap();
    let writer = Writer::begin(&out, &root, Mode::Swap { clean: false }).unwrap();
    writer.put("a.html", b"old", Vec::new()).unwrap();
    writer.finish(|_| false).unwrap();

    let flag = Arc::new(AtomicBool::new(false));
    let writer = Writer::begin(&out, &root, Mode::Swap { clean: false })
        .unwrap()
        .cancelled_by(flag.clone());
    writer.put("a.html", b"new", Vec::new()).unwrap();
    flag.store(true, Ordering::SeqCst);
    assert!(matches!(
        writer.put("b.html", b"more", Vec::new()),
        Err(PublishError::Cancelled)
    ));
    assert!(matches!(
        streamed(&writer, "c.json", &["{}"]),
        Err(PublishError::Cancelled)
    ));
    drop(writer);
    assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "old");
    assert!(!out.join("b.html").exists());
}

#[test]
fn a_failed_stream_leaves_no_file_and_the_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    std::fs::create_dir_all(&root).unwrap();
    let writer = Writer::begin(&out, &root, Mode::Swap { clean: false }).unwrap();
    streamed(&writer, "big.json", &["old"]).unwrap();
    writer.finish(|_| false).unwrap();

    let writer = Writer::begin(&out, &root, Mode::InPlace).unwrap();
    let failed = writer.put_streamed("big.json", Vec::new(), &mut |out| {
        out.write_all(b"half of a new")
            .map_err(|e| PublishError::Failed(e.to_string()))?;
        Err(PublishError::Refused("生成失败".to_string()))
    });
    assert!(matches!(failed, Err(PublishError::Refused(m)) if m == "生成失败"));
    drop(writer);
    assert_eq!(
        std::fs::read_to_string(out.join("big.json")).unwrap(),
        "old"
    );
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != MANIFEST && n != MARKER)
        .collect();
    assert_eq!(names, ["big.json"]);
}
