//! The PDF reader on the real corpus (`../shared/corpus/`, beside the repository) and on
//! bad inputs. Cells asserted here were checked by eye against `pdftotext -layout` and
//! the rendered pages.

use gongkai::import::error::ImportError;
use gongkai::import::pdf::read_pdf;
use gongkai::import::printed::{HeaderCell, Place, PrintedDocument, PrintedTable};
use std::path::{Path, PathBuf};
mod common;
use common::pdf_from;

fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(dir.is_dir(), "the corpus is missing: {}", dir.display());
    dir
}

fn jiangsu(department: &str, file: &str) -> PathBuf {
    corpus().join("jiangsu").join(department).join(file)
}

fn read(path: &Path) -> PrintedDocument {
    match read_pdf(path) {
        Ok(doc) => doc,
        Err(e) => panic!("{} did not read: {e}", path.display()),
    }
}

fn cells(table: &PrintedTable, row: usize) -> Vec<&str> {
    table.rows[row].cells.iter().map(String::as_str).collect()
}

/// The row whose cells include `label`.
fn row_with<'a>(table: &'a PrintedTable, label: &str) -> Vec<&'a str> {
    let row = table
        .rows
        .iter()
        .find(|r| r.cells.iter().any(|c| c == label))
        .unwrap_or_else(|| panic!("no row {label} in {}", table.title));
    row.cells.iter().map(String::as_str).collect()
}

fn cell(text: &str, first: usize, last: usize) -> HeaderCell {
    HeaderCell {
        text: text.to_string(),
        first,
        last,
    }
}

/// Every corpus PDF reads, and finds the tables it prints: 12 in each Jiangsu table set
/// (alone or inside the explanation), none in an explanation published without its
/// tables, 9 in the Shanghai template.
#[test]
fn every_corpus_pdf_reads_with_its_tables() {
    let mut files: Vec<PathBuf> = Vec::new();
    for dept in std::fs::read_dir(corpus().join("jiangsu")).expect("corpus") {
        let dept = dept.expect("entry").path();
        for f in std::fs::read_dir(&dept).expect("department") {
            files.push(f.expect("entry").path());
        }
    }
    files.push(corpus().join("上海市2024年度部门决算模板.pdf"));
    files.sort();
    assert_eq!(files.len(), 23, "{files:?}");
    let text_only = [
        "江苏省人大常委会2019年度部门预算公开.pdf",
        "江苏省委办公厅2017年部门预算.pdf",
        "江苏省委办公厅2018年度部门预算公开文件.pdf",
        "江苏省委办公厅2019年度部门预算公开文件.pdf",
        "江苏省政协办公厅2017年度部门预算.pdf",
        "江苏省政协办公厅2018年度部门预算.pdf",
        "江苏省政协办公厅2019年度部门预算.pdf",
    ];
    let mut wrong = Vec::new();
    for file in &files {
        let doc = read(file);
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let expected = if name.starts_with("上海") {
            9
        } else if text_only.contains(&name) {
            0
        } else {
            12
        };
        if doc.tables.len() != expected {
            wrong.push(format!(
                "{name}: {} tables, expected {expected}",
                doc.tables.len()
            ));
        }
        for t in &doc.tables {
            let width = t.rows.first().map_or(0, |r| r.cells.len());
            assert!(
                t.rows.iter().all(|r| r.cells.len() == width),
                "{name} {}: rows of different widths",
                t.title
            );
            for row in &t.header {
                for c in row {
                    assert!(
                        c.first <= c.last && (width == 0 || c.last < width),
                        "{name} {}: {c:?}",
                        t.title
                    );
                }
            }
        }
        if expected == 0 {
            assert!(doc.text.len() > 50, "{name}: prose not read");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// 政协办公厅 2019, tables alone (Excel, A4 landscape).
#[test]
fn zhengxie_2019_tables() {
    let doc = read(&jiangsu(
        "江苏省政协办公厅",
        "江苏省政协办公厅2019年预算公开表.pdf",
    ));
    assert_eq!(doc.parts, 12);
    assert_eq!(doc.tables.len(), 12);
    let t1 = &doc.tables[0];
    assert_eq!(t1.number.as_deref(), Some("公开01表"));
    assert_eq!(t1.title, "收支预算总表");
    assert_eq!(t1.head_lines, ["部门：江苏省政协办公厅", "单位：万元"]);
    assert_eq!(t1.header[0], [cell("收入", 0, 1), cell("支出", 2, 5)]);
    assert_eq!(
        t1.header[1],
        [
            cell("项目名称", 0, 0),
            cell("金额", 1, 1),
            cell("功能分类", 2, 3),
            cell("支出用途", 4, 5)
        ]
    );
    assert_eq!(
        cells(t1, 0),
        [
            "一、财政拨款",
            "13,297.11",
            "一、一般公共服务支出",
            "10,271.56",
            "一、基本支出",
            "6,522.75"
        ]
    );
    assert_eq!(
        cells(t1, 4),
        ["三、其他资金", "80.00", "五、教育支出", "", "", ""]
    );
    assert_eq!(row_with(t1, "十八、住房保障支出")[3], "2,247.04");

    let t5 = &doc.tables[4];
    assert_eq!(t5.title, "财政拨款支出预算表（功能科目）");
    assert_eq!(row_with(t5, "2010201"), ["2010201", "行政运行", "5,223.22"]);
    assert_eq!(row_with(t5, "合计"), ["", "合计", "13,297.11"]);

    // Nested header: “三公”经费 over five columns, 公务用车… over three.
    let t9 = &doc.tables[8];
    assert_eq!(t9.number.as_deref(), Some("公开09表"));
    assert_eq!(t9.title, "“三公”经费、会议费、培训费支出预算表");
    assert_eq!(
        t9.header[0],
        [
            cell("合计", 0, 0),
            cell("“三公”经费", 1, 6),
            cell("会议费", 7, 7),
            cell("培训费", 8, 8)
        ]
    );
    assert_eq!(
        t9.header[2],
        [
            cell("小计", 3, 3),
            cell("公务用车购置费", 4, 4),
            cell("公务用车运行维护费", 5, 5)
        ]
    );
    assert_eq!(
        cells(t9, 0),
        [
            "2,224.43", "660.10", "106.00", "156.60", "", "156.60", "397.50", "1,282.56", "281.77"
        ]
    );

    // An empty table keeps its note.
    let t10 = &doc.tables[9];
    assert_eq!(t10.title, "财政拨款政府性基金支出预算表");
    assert_eq!(t10.notes, ["注：本部门无该项目"]);
    assert!(
        t10.rows
            .iter()
            .all(|r| r.cells.iter().all(|c| c.is_empty() || c == "合计"))
    );
    assert!(doc.text.is_empty(), "a tables-only file has no prose");
}

/// 人大常委会办公厅 2019: A3 pages turned a quarter (/Rotate 90), numbers printed under
/// the titles (`公开表一`).
#[test]
fn renda_2019_rotated_tables() {
    let doc = read(&jiangsu(
        "江苏省人大办公厅",
        "江苏省人大常委会办公厅2019年部门预算公开表.pdf",
    ));
    assert_eq!(doc.tables.len(), 12);
    let t1 = &doc.tables[0];
    assert_eq!(t1.number.as_deref(), Some("公开表一"));
    assert_eq!(t1.title, "收支预算总表");
    assert_eq!(
        t1.head_lines,
        ["部门：江苏省人大常委会办公厅", "单位：万元"]
    );
    assert_eq!(t1.header[0], [cell("收入", 0, 1), cell("支出", 2, 5)]);
    assert_eq!(
        cells(t1, 0),
        [
            "一、财政拨款",
            "18,330.37",
            "一、一般公共服务支出",
            "13,907.78",
            "一、基本支出",
            "9,312.90"
        ]
    );
    assert_eq!(row_with(t1, "八、社会保障和就业支出")[3], "1,121.39");
    assert_eq!(row_with(t1, "十八、住房保障支出")[3], "3,301.20");
    // Rows one under the other in a ruled table stay apart; the group label drawn in a
    // box over several of them names each.
    let t2 = &doc.tables[1];
    assert_eq!(t2.title, "收入预算总表");
    assert_eq!(t2.header[0], [cell("项目名称", 0, 1), cell("金额", 2, 2)]);
    assert_eq!(row_with(t2, "事业收入"), ["其他资金", "事业收入", ""]);
    assert_eq!(row_with(t2, "经营收入"), ["其他资金", "经营收入", ""]);
    assert_eq!(row_with(t2, "收入总计"), ["收入总计", "", "18,330.37"]);
    // An empty table (no note printed): its three columns from the header's rules.
    let t10 = &doc.tables[9];
    assert_eq!(t10.number.as_deref(), Some("公开表十"));
    assert_eq!(
        t10.header[0],
        [
            cell("功能科目编码", 0, 0),
            cell("功能科目名称", 1, 1),
            cell("金额", 2, 2)
        ]
    );
    assert_eq!(cells(t10, 0), ["合计", "", ""]);
    assert!(t10.notes.is_empty());
    // The procurement table runs from page 12 onto page 13.
    let t12 = &doc.tables[11];
    assert_eq!((&t12.place, &t12.end), (&Place::Page(12), &Place::Page(13)));
}

/// 检察院 2018: tables inside the explanation (Word); a table continued over a page, a
/// wrapped title, an empty table's note.
#[test]
fn jianchayuan_2018_tables_in_the_explanation() {
    let doc = read(&jiangsu(
        "江苏省人民检察院",
        "2018年省检察院部门预算公开.pdf",
    ));
    assert_eq!(doc.tables.len(), 12);
    let t1 = &doc.tables[0];
    assert_eq!(t1.number.as_deref(), Some("公开01表"));
    assert_eq!(t1.title, "收支预算总表");
    // Continued from page 13 onto page 14 without a repeated header: one table.
    assert_eq!((&t1.place, &t1.end), (&Place::Page(13), &Place::Page(14)));
    assert_eq!(row_with(t1, "四、公共安全支出")[3], "16,458.75");
    let housing = t1
        .rows
        .iter()
        .find(|r| r.cells.iter().any(|c| c == "十八、住房保障支出"))
        .expect("row on the second page");
    assert_eq!(housing.place, Place::Page(14));
    assert_eq!(housing.cells[3], "3,660.38");
    assert_eq!(
        row_with(t1, "收入合计"),
        ["收入合计", "21,955.35", "支出合计", "", "", "21,955.35"]
    );
    // Names wrapped inside their cell are one row.
    assert!(t1.rows.iter().any(|r| r.cells[0] == "1.一般公共预算"));

    // The title wraps: `公开 09 表：…培训费` / `支出预算表`.
    let t9 = &doc.tables[8];
    assert_eq!(t9.number.as_deref(), Some("公开09表"));
    assert_eq!(t9.title, "一般公共预算“三公”经费、会议费、培训费支出预算表");
    assert_eq!(t9.header[0][0], cell("合计", 0, 0));
    assert_eq!(t9.header[0][1], cell("“三公”经费", 1, 6));
    assert_eq!(
        t9.rows.last().map(|r| r.cells.clone()).unwrap_or_default(),
        [
            "1,384.74", "484.30", "100.00", "267.80", "", "267.80", "116.50", "200.44", "700.00"
        ]
    );

    let t10 = &doc.tables[9];
    assert_eq!(t10.title, "政府性基金支出预算表");
    assert!(t10.notes.iter().any(|n| n == "此表为空"), "{:?}", t10.notes);
    // The explanation is prose, headings apart.
    assert!(doc.text.iter().any(|p| p.text.starts_with("第三部分")));
}

// ---- Bad inputs ----

/// 人大办公厅 2017 (WPS): the 收支总表 runs onto page 8, which starts with labels alone
/// (`业支出`, `九、医疗卫生与计` …) in the drawn grid; 财政拨款基本支出预算表's title is
/// on page 12 and its header on page 13; the 政府采购预算表's letter-spaced headers run
/// across the rule between their cells, and its labels wrap over three lines.
#[test]
fn renda_2017_tables_over_page_breaks() {
    let doc = read(&jiangsu(
        "江苏省人大办公厅",
        "江苏省人大办公厅2017年度预算公开.pdf",
    ));
    assert_eq!(doc.tables.len(), 12);
    let t1 = &doc.tables[0];
    assert_eq!(t1.title, "收支预算总表");
    assert_eq!(t1.end, Place::Page(9));
    assert_eq!(row_with(t1, "十八、住房保障支出")[3], "1,512.23");
    assert_eq!(
        row_with(t1, "支出合计"),
        ["收入合计", "13,649.07", "支出合计", "", "", "13,649.07"]
    );
    assert!(
        !doc.text.iter().any(|p| p.text.contains("九、医疗卫生与计")),
        "page 8 read as prose"
    );
    // The 收入预算总表's title stands alone (not `计收入预算总表`), its group labels are
    // given to each line of their box.
    let t2 = &doc.tables[1];
    assert_eq!(t2.title, "收入预算总表");
    assert_eq!(
        t2.rows
            .iter()
            .filter(|r| r.cells[0] == "一般公共预算资金")
            .map(|r| r.cells[1].as_str())
            .collect::<Vec<_>>(),
        ["小计", "公共财政拨款(补助)资金", "专项收入"]
    );
    let t3 = &doc.tables[2];
    assert_eq!(t3.title, "支出预算总表");
    let basic = &doc.tables[5];
    assert_eq!(basic.title, "财政拨款基本支出预算表");
    assert_eq!(
        basic.header,
        [vec![
            cell("科目编码", 0, 0),
            cell("科目名称", 1, 1),
            cell("金额", 2, 2)
        ]]
    );
    assert_eq!(row_with(basic, "30101"), ["30101", "基本工资", "1,015.15"]);
    let t12 = &doc.tables[11];
    assert_eq!(
        t12.header[0],
        [
            cell("采购品目大类", 0, 0),
            cell("专项名称", 1, 1),
            cell("经济科目", 2, 2),
            cell("采购物品名称", 3, 3),
            cell("采购组织形式", 4, 4),
            cell("总计", 5, 5)
        ]
    );
    assert_eq!(
        row_with(t12, "办公设备购置费"),
        ["", "办公设备购置费", "办公设备购置", "", "", "59.00"]
    );
    assert_eq!(
        row_with(t12, "江苏省第十二届人代会五次会议经费"),
        [
            "",
            "江苏省第十二届人代会五次会议经费",
            "会议费",
            "",
            "",
            "950.00"
        ]
    );
    // Every figure of the table stands on a row of its own with a label.
    assert!(
        t12.rows
            .iter()
            .all(|r| r.cells[..5].iter().any(|c| !c.is_empty()) && !r.cells[5].is_empty()),
        "{:#?}",
        t12.rows
    );
}

/// 检察院 2018 政府采购支出预算表 (Word): ruled rows whose labels wrap over up to three
/// lines, fewer rules than lines; an item merged over the two lines of its
/// procurement forms.
#[test]
fn jianchayuan_2018_procurement_with_wrapped_labels() {
    let doc = read(&jiangsu(
        "江苏省人民检察院",
        "2018年省检察院部门预算公开.pdf",
    ));
    let t = &doc.tables[11];
    assert_eq!(t.number.as_deref(), Some("公开12表"));
    assert_eq!(
        row_with(t, "便携式计算机（20万以下）"),
        [
            "",
            "",
            "",
            "便携式计算机（20万以下）",
            "分散自行组织",
            "16.00"
        ]
    );
    assert_eq!(
        row_with(
            t,
            "网络、电子检务、实验室、机要通道、档案数字化系统运行维护费"
        )[2..],
        ["信息网络及软件购置更新", "", "", "60.00"]
    );
    let property: Vec<Vec<&str>> = t
        .rows
        .iter()
        .filter(|r| r.cells[3] == "物业管理服务")
        .map(|r| r.cells[4..].iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        property,
        [["部门集中采购", "330.00"], ["分散自行组织", "20.00"]]
    );
    assert!(
        t.rows.iter().all(|r| !r.cells[5].is_empty()),
        "a row without its figure: {:#?}",
        t.rows
    );
    // The 收入预算总表's group labels (Word draws a white shading behind each line).
    let income = &doc.tables[1];
    assert_eq!(
        row_with(income, "其他收入"),
        ["其他资金", "其他收入", "14.39"]
    );
}

/// 法院 2018 (Word): the 财政拨款收支预算总表's header runs from the foot of page 10
/// (收入 | 支出) onto page 11; the 收支总表 prints figures in two touching runs.
#[test]
fn fayuan_2018_header_over_two_pages() {
    let doc = read(&jiangsu(
        "江苏省高级人民法院",
        "省法院2018年度部门预算公开.pdf",
    ));
    let t4 = &doc.tables[3];
    assert!(t4.title.ends_with("财政拨款收支预算总表"), "{}", t4.title);
    assert_eq!(
        t4.header,
        [
            vec![cell("收入", 0, 1), cell("支出", 2, 3)],
            vec![
                cell("项目名称", 0, 0),
                cell("金额", 1, 1),
                cell("支出用途", 2, 3)
            ],
            vec![cell("项目名称", 2, 2), cell("金额", 3, 3)],
        ]
    );
    assert_eq!(
        row_with(t4, "一、一般公共预算"),
        ["一、一般公共预算", "33,172.15", "一、基本支出", "18,570.82"]
    );
    let t1 = &doc.tables[0];
    assert_eq!(row_with(t1, "一、基本支出")[5], "18,570.82");
    assert_eq!(row_with(t1, "当年收入小计")[1], "33,172.15");
}

fn expect_error(path: &Path) -> ImportError {
    match read_pdf(path) {
        Ok(doc) => panic!("{} read, with {} tables", path.display(), doc.tables.len()),
        Err(e) => e,
    }
}

fn stream(content: &str) -> Vec<u8> {
    format!(
        "<< /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
    .into_bytes()
}

#[test]
fn a_text_file_named_pdf_is_not_readable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("预算.pdf");
    std::fs::write(&path, "部门预算公开\n这不是 PDF\n").expect("write");
    let e = expect_error(&path);
    assert!(matches!(e, ImportError::NotReadable { .. }), "{e:?}");
    assert!(e.to_string().contains("这不是 PDF 文件"), "{e}");
}

#[test]
fn a_truncated_pdf_is_not_readable() {
    let original = std::fs::read(jiangsu(
        "江苏省政协办公厅",
        "江苏省政协办公厅2019年预算公开表.pdf",
    ))
    .expect("corpus");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cut.pdf");
    std::fs::write(&path, &original[..original.len() * 3 / 10]).expect("write");
    let e = expect_error(&path);
    assert!(matches!(e, ImportError::NotReadable { .. }), "{e:?}");
    assert!(e.to_string().contains("被截断"), "{e}");
}

#[test]
fn an_encrypted_pdf_is_refused() {
    // Made with `qpdf --encrypt secret-user secret-owner 256` from a one-line PDF.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/encrypted.pdf");
    let e = expect_error(&path);
    assert!(matches!(e, ImportError::Encrypted { .. }), "{e:?}");
    assert!(e.to_string().contains("此 PDF 已加密"), "{e}");
}

#[test]
fn a_pdf_locked_only_against_editing_reads() {
    // Encrypted with an owner password and an empty user password (RC4, 128 bits), as
    // publishers do to forbid editing: anyone may open it, so the import reads it.
    // Made with `qpdf --allow-weak-crypto --encrypt "" owner 128 --use-aes=n`.
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/owner-only-rc4.pdf");
    let doc = read(&path);
    assert_eq!(doc.text.len(), 1);
    assert_eq!(doc.text[0].text, "Secret budget 1,276.70");
}

#[test]
fn a_pdf_without_text_needs_ocr() {
    // One page that draws a box and prints nothing: what a scan looks like to a reader.
    let pdf = pdf_from(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        stream("0 0 0 RG 50 50 400 700 re S"),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("scan.pdf");
    std::fs::write(&path, pdf).expect("write");
    let e = expect_error(&path);
    assert!(matches!(e, ImportError::NoText { .. }), "{e:?}");
    assert!(
        e.to_string().contains("此文件没有文字层，需要先做文字识别"),
        "{e}"
    );
}

#[test]
fn a_pdf_of_two_thousand_pages_is_refused_before_reading() {
    let pages = 2_000;
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 4)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        stream("BT ET"),
    ];
    for _ in 0..pages {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>".to_vec(),
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.pdf");
    std::fs::write(&path, pdf_from(&objects)).expect("write");
    let start = std::time::Instant::now();
    let e = expect_error(&path);
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("共 2000 页，上限 1000 页"), "{e}");
    assert!(
        start.elapsed().as_secs() < 20,
        "refusing took {:?}",
        start.elapsed()
    );
}

#[test]
fn a_small_pdf_with_text_reads() {
    // The control for the hand-made PDFs above: the same shape with a line of text reads.
    let pdf = pdf_from(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        stream("BT /F1 12 Tf 72 700 Td (Budget 2019) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("one.pdf");
    std::fs::write(&path, pdf).expect("write");
    let doc = read(&path);
    assert_eq!(doc.parts, 1);
    assert_eq!(doc.text.len(), 1);
    assert_eq!(doc.text[0].text, "Budget 2019");
}

/// 委办公厅 2019, the explanation alone: prose in reading order, headings apart, list
/// items that run over lines joined, page numbers dropped.
#[test]
fn weibangongting_2019_prose() {
    let doc = read(&jiangsu(
        "江苏省委办公厅",
        "江苏省委办公厅2019年度部门预算公开文件.pdf",
    ));
    assert!(doc.tables.is_empty());
    let texts: Vec<&str> = doc.text.iter().map(|p| p.text.as_str()).collect();
    let at = |t: &str| {
        texts
            .iter()
            .position(|x| *x == t)
            .unwrap_or_else(|| panic!("no paragraph {t}"))
    };
    let heading = at("一、主要职能");
    let item =
        at("（五）负责省委领导同志批示催办落实和督促检查，协助做好中央领导指示批示的学习贯彻。");
    assert!(heading < item);
    assert_eq!(doc.text[item].place, Place::Page(3));
    assert!(!texts.contains(&"1"), "a page number read as prose");
}
