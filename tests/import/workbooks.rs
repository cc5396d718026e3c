//! Workbooks in the published layout (number, title, `单位：万元`, merged nested
//! headers, code columns), made here with rust_xlsxwriter, imported through the same
//! path as `gongkai import`; bad workbooks stop with nothing written.

use super::import_errors;
use gongkai::import::error::ImportError;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::path::{Path, PathBuf};

fn heading(ws: &mut Worksheet, number: &str, title: &str, last_col: u16) {
    let plain = Format::new();
    ws.write_string(0, 0, number).unwrap();
    ws.merge_range(1, 0, 1, last_col, title, &plain).unwrap();
    ws.write_string(2, 0, "部门：江苏省政协办公厅").unwrap();
    ws.write_string(2, last_col, "单位：万元").unwrap();
}

/// 公开07表, 公开09表 and 公开10表 of 江苏省政协办公厅 2019 as one workbook.
fn workbook(path: &Path) {
    let mut wb = Workbook::new();
    let plain = Format::new();
    {
        let ws = wb.add_worksheet().set_name("公开07表").unwrap();
        heading(ws, "公开07表", "一般公共预算支出预算表（功能科目）", 2);
        ws.write_string(3, 0, "功能科目编码").unwrap();
        ws.write_string(3, 1, "功能科目名称").unwrap();
        ws.write_string(3, 2, "金额").unwrap();
        let rows: &[(&str, &str, f64)] = &[
            ("", "合计", 13297.11),
            ("201", "一般公共服务支出", 10191.56),
            ("20102", "政协事务", 10191.56),
            ("2010201", "行政运行", 5223.22),
            ("2010202", "一般行政管理事务", 3159.78),
            ("2010204", "政协会议", 1282.56),
            ("2010205", "委员视察", 426.0),
            ("2010299", "其他政协事务支出", 100.0),
            ("208", "社会保障和就业支出", 858.51),
            ("20805", "行政事业单位离退休", 858.51),
            ("2080504", "未归口管理的行政单位离退休", 277.05),
            ("2080505", "机关事业单位基本养老保险缴费支出", 415.33),
            ("2080506", "机关事业单位职业年金缴费支出", 166.13),
            ("221", "住房保障支出", 2247.04),
            ("22102", "住房改革支出", 2247.04),
            ("2210201", "住房公积金", 492.87),
            // A formula result with float noise (1754.1699999999998), as Excel stores it.
            ("2210202", "提租补贴", 1754.1 + 0.07),
        ];
        for (i, (code, name, amount)) in rows.iter().enumerate() {
            let r = 4 + i as u32;
            if !code.is_empty() {
                ws.write_string(r, 0, *code).unwrap();
            }
            ws.write_string(r, 1, *name).unwrap();
            ws.write_number(r, 2, *amount).unwrap();
        }
    }
    {
        let ws = wb.add_worksheet().set_name("公开09表").unwrap();
        heading(ws, "公开09表", "“三公”经费、会议费、培训费支出预算表", 8);
        ws.merge_range(3, 0, 5, 0, "合计", &plain).unwrap();
        ws.merge_range(3, 1, 3, 6, "“三公”经费", &plain).unwrap();
        ws.merge_range(3, 7, 5, 7, "会议费", &plain).unwrap();
        ws.merge_range(3, 8, 5, 8, "培训费", &plain).unwrap();
        ws.merge_range(4, 1, 5, 1, "小计", &plain).unwrap();
        ws.merge_range(4, 2, 5, 2, "因公出国（境）费", &plain)
            .unwrap();
        ws.merge_range(4, 3, 4, 5, "公务用车购置及运行维护费", &plain)
            .unwrap();
        ws.merge_range(4, 6, 5, 6, "公务接待费", &plain).unwrap();
        ws.write_string(5, 3, "小计").unwrap();
        ws.write_string(5, 4, "公务用车购置费").unwrap();
        ws.write_string(5, 5, "公务用车运行维护费").unwrap();
        let figures: &[(u16, f64)] = &[
            (0, 2224.43),
            (1, 660.1),
            (2, 106.0),
            (3, 156.6),
            (5, 156.6),
            (6, 397.5),
            (7, 1282.56),
            (8, 281.77),
        ];
        for (c, v) in figures {
            ws.write_number(6, *c, *v).unwrap();
        }
        // A dash where a figure would be: not an amount, so unknown.
        ws.write_string(6, 4, "—").unwrap();
    }
    {
        let ws = wb.add_worksheet().set_name("公开10表").unwrap();
        heading(ws, "公开10表", "财政拨款政府性基金支出预算表", 2);
        ws.write_string(3, 0, "功能科目编码").unwrap();
        ws.write_string(3, 1, "功能科目名称").unwrap();
        ws.write_string(3, 2, "金额").unwrap();
        ws.write_string(4, 1, "合计").unwrap();
        ws.write_string(6, 0, "注：本部门无该项目").unwrap();
    }
    {
        // 上海-style split codes under a merged 功能分类科目编码, 款 and 项 stored as numbers.
        let ws = wb.add_worksheet().set_name("公开11表").unwrap();
        heading(ws, "公开11表", "一般公共预算机关运行经费支出预算表", 4);
        ws.merge_range(3, 0, 3, 2, "功能分类科目编码", &plain)
            .unwrap();
        ws.merge_range(3, 3, 4, 3, "科目名称", &plain).unwrap();
        ws.merge_range(3, 4, 4, 4, "金额", &plain).unwrap();
        ws.write_string(4, 0, "类").unwrap();
        ws.write_string(4, 1, "款").unwrap();
        ws.write_string(4, 2, "项").unwrap();
        ws.write_string(5, 3, "合计").unwrap();
        ws.write_number(5, 4, 30.0).unwrap();
        ws.write_string(6, 0, "201").unwrap();
        ws.write_string(6, 3, "一般公共服务支出").unwrap();
        ws.write_number(6, 4, 30.0).unwrap();
        ws.write_number(7, 1, 2.0).unwrap();
        ws.write_string(7, 3, "政协事务").unwrap();
        ws.write_number(7, 4, 30.0).unwrap();
        ws.write_number(8, 2, 1.0).unwrap();
        ws.write_string(8, 3, "行政运行").unwrap();
        ws.write_number(8, 4, 30.0).unwrap();
    }
    {
        // Number and title on one row.
        let ws = wb.add_worksheet().set_name("公开03表").unwrap();
        ws.write_string(0, 0, "公开03表").unwrap();
        ws.merge_range(0, 1, 0, 4, "支出预算总表", &plain).unwrap();
        ws.write_string(1, 0, "部门：江苏省政协办公厅").unwrap();
        ws.write_string(1, 4, "单位：万元").unwrap();
        for (c, h) in [
            "合计",
            "基本支出",
            "项目支出",
            "单位预留机动经费",
            "结转下年资金",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        for (c, v) in [13377.11, 6522.75, 4968.34, 1886.02].iter().enumerate() {
            ws.write_number(3, c as u16, *v).unwrap();
        }
    }
    {
        // No title row: the sheet's name is the title.
        let ws = wb.add_worksheet().set_name("收入预算总表").unwrap();
        ws.write_string(0, 0, "项目名称").unwrap();
        ws.write_string(0, 1, "金额").unwrap();
        ws.write_string(1, 0, "收入总计").unwrap();
        ws.write_number(1, 1, 13377.11).unwrap();
    }
    {
        // A chart sheet holds no table and is passed over.
        let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::Column);
        chart.add_series().set_values("'公开07表'!$C$5:$C$7");
        wb.add_chartsheet().insert_chart(0, 0, &chart).unwrap();
    }
    wb.save(path).unwrap();
}

pub(crate) fn made(dir: &Path) -> PathBuf {
    let path = dir.join("江苏省政协办公厅2019年预算公开表.xlsx");
    workbook(&path);
    path
}

#[test]
fn a_workbook_in_the_published_layout_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = made(tmp.path());
    let content = tmp.path().join("content");
    let (d, w) =
        gongkai::import::import(&[xlsx.as_path()], &content, Some("jiangsu-zxbgt"), false).unwrap();
    assert_eq!(d.unit.name, "江苏省政协办公厅");
    assert_eq!(d.disclosure.year, 2019);
    assert_eq!(d.disclosure.template, "jiangsu-budget");
    let kinds: Vec<&str> = d
        .disclosure
        .tables
        .iter()
        .map(|t| t.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "general_expenditure",
            "three_public_meetings",
            "fund_expenditure",
            "running_costs",
            "expenditure",
            "income"
        ]
    );
    let t = &d.disclosure.tables[4];
    assert_eq!(t.number.as_deref(), Some("公开03表"));
    assert_eq!(
        t.columns[0].sum_of,
        ["basic", "project", "reserve", "carry_forward"]
    );
    assert_eq!(d.disclosure.tables[5].title, "收入预算总表");
    let split = &d.disclosure.tables[3];
    let codes: Vec<&str> = split
        .rows
        .iter()
        .filter_map(|r| r.code.as_deref())
        .collect();
    assert_eq!(codes, ["201", "20102", "2010201"]);
    assert_eq!(split.columns[0].key, "total");
    assert_eq!(split.columns[0].name, "金额");
    let yaml = std::fs::read_to_string(w.dir.join("2019-budget.yaml")).unwrap();
    // Figures as Excel shows them: shortest decimal text, float noise gone.
    for line in [
        r#"      - {key: "total", name: "合计", sum_of: ["functional"], values: {"total": "13297.11"}}"#,
        r#"      - {code: "2010205", name: "委员视察", values: {"total": "426"}}"#,
        r#"      - {code: "2210202", name: "提租补贴", values: {"total": "1754.17"}}"#,
        r#"      - {key: "total", name: "合计", sum_of: ["three_public", "meeting", "training"]}"#,
        r#"      - {key: "vehicle", name: "“三公”经费/公务用车购置及运行维护费/小计", sum_of: ["vehicle_purchase", "vehicle_running"]}"#,
        r#"      - {key: "total", values: {"total": "2224.43", "three_public": "660.1", "abroad": "106", "vehicle": "156.6", "vehicle_purchase": "?", "vehicle_running": "156.6", "reception": "397.5", "meeting": "1282.56", "training": "281.77"}}"#,
        r#"    reason: "本部门无该项目""#,
    ] {
        assert!(yaml.contains(line), "missing {line}\nin:\n{yaml}");
    }
    let places: Vec<String> = d
        .report
        .tables
        .iter()
        .map(|t| gongkai::import::draft::place_zh(&t.place))
        .collect();
    assert_eq!(places[0], "工作表“公开07表”第1行");
    assert_eq!(d.report.unsure.len(), 1, "{:?}", d.report.unsure);
    let unsure = &d.report.unsure[0];
    assert_eq!(
        gongkai::import::draft::place_zh(&unsure.place),
        "工作表“公开09表”第7行"
    );
    assert!(
        unsure.what.contains("公务用车购置费") && unsure.what.contains("—"),
        "{unsure:?}"
    );
    assert!(yaml.contains("工作表“公开09表”第7行“"), "{yaml}");
    let errors = import_errors(&w.dir);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_command_imports_reports_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = made(tmp.path());
    let content = tmp.path().join("content");
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .arg("import")
            .arg(&xlsx)
            .arg("--out")
            .arg(&content)
            .args(["--unit", "jiangsu-zxbgt"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("表格 6 张"), "{stdout}");
    assert!(
        stdout.contains("T01 一般公共预算支出预算表（功能科目） → general_expenditure"),
        "{stdout}"
    );
    assert!(stdout.contains("检查结果"), "{stdout}");
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(run(&["--force"]).status.success());
}

fn refused(name: &str, bytes: &[u8]) -> (ImportError, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let content = tmp.path().join("content");
    let err = gongkai::import::import(&[file.as_path()], &content, None, false).unwrap_err();
    assert!(!content.exists(), "nothing may be written for {name}");
    (err, tmp.keep())
}

#[test]
fn bad_workbooks_stop_with_nothing_written() {
    let (err, dir) = refused("a.xlsx", b"this is not a workbook");
    assert!(matches!(err, ImportError::NotReadable { .. }), "{err}");
    assert!(err.to_string().contains("不是 Excel 工作簿"), "{err}");
    let _ = std::fs::remove_dir_all(dir);

    // A zip that says it is a workbook but is cut short.
    let tmp = tempfile::tempdir().unwrap();
    let good = made(tmp.path());
    let bytes = std::fs::read(&good).unwrap();
    let (err, dir) = refused("cut.xlsx", &bytes[..bytes.len() / 2]);
    assert!(matches!(err, ImportError::NotReadable { .. }), "{err}");
    let _ = std::fs::remove_dir_all(dir);

    // A zip bomb: a part that claims to unpack to 4 GB (sizes patched in its headers).
    let (err, dir) = refused("bomb.xlsx", &bomb(&bytes));
    assert!(matches!(err, ImportError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("压缩炸弹"), "{err}");
    let _ = std::fs::remove_dir_all(dir);

    // The old binary format's signature over garbage.
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend(std::iter::repeat_n(0x41u8, 4096));
    let (err, dir) = refused("a.xls", &xls);
    assert!(
        matches!(
            err,
            ImportError::NotReadable { .. } | ImportError::ReaderFailed { .. }
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);

    // A PDF cut short (no end marker): refused as such, nothing written.
    let (err, dir) = refused("a.pdf", b"%PDF-1.7\n");
    assert!(err.to_string().contains("截断"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `bytes` (a zip) with every entry's uncompressed size set to 0xFFFFFFF0 in the local
/// and central headers.
fn bomb(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let big = 0xFFFF_FFF0u32.to_le_bytes();
    let mut i = 0;
    while i + 4 <= out.len() {
        match &out[i..i + 4] {
            b"PK\x03\x04" if i + 26 <= out.len() => {
                out[i + 22..i + 26].copy_from_slice(&big);
                i += 4;
            }
            b"PK\x01\x02" if i + 28 <= out.len() => {
                out[i + 24..i + 28].copy_from_slice(&big);
                i += 4;
            }
            _ => i += 1,
        }
    }
    out
}

mod arbitrary_bytes {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

        /// Bytes behind a workbook's signature, or a real workbook with bytes flipped:
        /// an error or a document, never a panic.
        #[test]
        fn damaged_workbooks_are_errors(
            junk in proptest::collection::vec(any::<u8>(), 0..2048),
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            xls in any::<bool>(),
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let good = super::made(tmp.path());
            let mut bytes = std::fs::read(&good).unwrap();
            for (at, b) in flips {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            let file = tmp.path().join("flipped.xlsx");
            std::fs::write(&file, &bytes).unwrap();
            let _ = gongkai::import::read_file(&file);
            let mut raw = if xls { vec![0xD0, 0xCF, 0x11, 0xE0] } else { b"PK\x03\x04".to_vec() };
            raw.extend(junk);
            let file = tmp.path().join(if xls { "junk.xls" } else { "junk.xlsx" });
            std::fs::write(&file, &raw).unwrap();
            prop_assert!(gongkai::import::read_file(&file).is_err());
        }
    }
}
