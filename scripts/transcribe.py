#!/usr/bin/env python3
"""Transcribes the amount cells of five Jiangsu budget PDFs, independently of gongkai.

Writes tests/import/expected/<name>/tables.tsv (format in that folder's README.md).
It reads the PDFs with pdfplumber (pdfminer.six), not with gongkai's reader, and
places each figure by the page's drawn rules:

- an amount is a word like `1,234.56` / `1895.00` (a decimal point is required);
- its column is the amount column whose header word is nearest in x (the header words
  and the column paths are written by hand below, per table, from the page image);
- its cell is bounded by the nearest horizontal rule above and below it that crosses
  it; every text word is bounded the same way, and words in one cell (same rules,
  touching in x) are one piece of text, wrapped lines joined;
- its row is the pieces of text whose cell covers the amount's height, to its left,
  and right of the amount before it in the same row (so the three sides of a 收支总表
  are three rows): a piece that is a classification code (3, 5 or 7 digits) names the
  row by code, otherwise the pieces name it by label, in printed order;
- rows that share a label within a table are numbered in printed order (`#2`, …),
  counting only rows that print a figure.

Kinds are written by hand from each title (data/templates.yaml, template
jiangsu-budget). Usage: python3 scripts/transcribe.py [CORPUS_DIR] (default
../shared/corpus/jiangsu).
"""

import os
import re
import sys
from collections import defaultdict

import pdfplumber

AMOUNT = re.compile(r"^(-?(\d{1,3}(,\d{3})+|\d+)\.\d{1,2}|0)$")
CODE = re.compile(r"^(\d{3}|\d{5}|\d{7})$")

# Column specs: (path, header word[#n]) for each amount column, left to right.
ONE = [("金额", "金额")]
SUMMARY = [
    ("收入/金额", "金额#1"),
    ("支出/功能分类/金额", "金额#2"),
    ("支出/支出用途/金额", "金额#3"),
]
FISCAL_SUMMARY = [("收入/金额", "金额#1"), ("支出/支出用途/金额", "金额#2")]
EXPENDITURE = [
    ("合计", "合计"),
    ("基本支出", "本支出"),
    ("项目支出", "项目"),
    ("单位预留机动经费", "预留"),
    ("结转下年资金", "结转下年"),
]
THREE_PUBLIC = [
    ("合计", "合计"),
    ("“三公”经费/小计", "小计#1"),
    ("“三公”经费/因公出国（境）费", "因公出国"),
    ("“三公”经费/公务用车购置及运行维护费/小计", "小计#2"),
    ("“三公”经费/公务用车购置及运行维护费/公务用车购置费", "购置费"),
    ("“三公”经费/公务用车购置及运行维护费/公务用车运行维护费", "运行维-及"),
    ("“三公”经费/公务接待费", "公务接"),
    ("会议费", "会议"),
    ("培训费", "培训费"),
]
RUNNING = [("机关运行经费支出", "机关运行经费支出")]
PROCUREMENT = [("总计", "总计")]

def keyed(columns, keys):
    """The same columns located by other header words (headers wrap differently)."""
    return [(path, key) for (path, _), key in zip(columns, keys)]


# Per unit-year: the file, the last page of its last table, and its tables in printed
# order: (number as printed, kind, page of the title, title, columns).
FILES = {
    "renda-2017": (
        "江苏省人大办公厅/江苏省人大办公厅2017年度预算公开.pdf",
        23,
        [
            (None, "summary", 7, "收支预算总表", SUMMARY),
            (None, "income", 9, "收入预算总表", ONE),
            (None, "expenditure", 10, "支出预算总表", EXPENDITURE),
            (None, "fiscal_expenditure", 11, "财政拨款支出预算表", ONE),
            (None, "fiscal_summary", 12, "财政拨款收支预算总表", FISCAL_SUMMARY),
            (None, "fiscal_basic", 12, "财政拨款基本支出预算表", ONE),
            (None, "fund_expenditure", 15, "财政拨款政府性基金支出预算表", ONE),
            (None, "general_expenditure", 16, "一般公共预算支出预算表", ONE),
            (None, "general_basic", 17, "一般公共预算基本支出预算表", ONE),
            (None, "running_costs", 18, "一般公共预算机关运行经费支出预算表", RUNNING),
            (
                None,
                "three_public_meetings",
                20,
                "“三公”经费、会议费、培训费支出预算",
                keyed(THREE_PUBLIC, ["合计", "小#1", "因公", "小#2", "公务用车购", "公务用车运", "公务接待", "会议", "培训费"]),
            ),
            (None, "procurement", 20, "2017年政府采购预算表", PROCUREMENT),
        ],
    ),
    "jianchayuan-2018": (
        "江苏省人民检察院/2018年省检察院部门预算公开.pdf",
        23,
        [
            ("公开01表", "summary", 13, "公开01表：收支预算总表", SUMMARY),
            ("公开02表", "income", 14, "公开02表：收入预算总表", ONE),
            ("公开03表", "expenditure", 15, "公开03表：支出预算总表", EXPENDITURE),
            ("公开04表", "fiscal_summary", 15, "公开04表：财政拨款收支预算总表", FISCAL_SUMMARY),
            ("公开05表", "fiscal_expenditure", 15, "公开05表：财政拨款支出预算表", ONE),
            ("公开06表", "fiscal_basic", 16, "公开06表：财政拨款基本支出预算表", ONE),
            ("公开07表", "general_expenditure", 17, "公开07表：一般公共预算支出预算表", ONE),
            ("公开08表", "general_basic", 18, "公开08表：一般公共预算基本支出预算表", ONE),
            ("公开09表", "three_public_meetings", 19, "公开09表：一般公共预算“三公”经费", THREE_PUBLIC),
            ("公开10表", "fund_expenditure", 19, "公开10表：政府性基金支出预算表", ONE),
            ("公开11表", "running_costs", 20, "公开11表：一般公共预算机关运行经费支出预算表", RUNNING),
            ("公开12表", "procurement", 20, "公开12表：政府采购支出预算表", PROCUREMENT),
        ],
    ),
    "weibangongting-2019": (
        "江苏省委办公厅/江苏省委办公厅2019年度部门预算公开表格.pdf",
        12,
        [
            (None, "summary", 1, "收支预算总表", SUMMARY),
            (None, "income", 2, "收入预算总表", ONE),
            (None, "expenditure", 3, "支出预算总表", EXPENDITURE),
            (None, "fiscal_summary", 4, "财政拨款收支预算总表", FISCAL_SUMMARY),
            (None, "fiscal_expenditure", 5, "财政拨款支出预算表（功能科目）", ONE),
            (None, "fiscal_basic", 6, "财政拨款基本支出预算表（经济科目）", ONE),
            (None, "general_expenditure", 7, "一般公共预算支出预算表（功能科目）", ONE),
            (None, "general_basic", 8, "一般公共预算基本支出预算表（经济科目）", ONE),
            (
                None,
                "three_public_meetings",
                9,
                "“三公”经费、会议费、培训费支出预算表",
                keyed(THREE_PUBLIC, ["合计", "小计#1", "因公出国", "小计#2", "公务用车购置", "公务用车运行", "公务接待", "会议费", "培训费"]),
            ),
            (None, "fund_expenditure", 10, "财政拨款政府性基金支出预算表", ONE),
            (None, "running_costs", 11, "一般公共预算机关运行经费支出预算表", RUNNING),
            (None, "procurement", 12, "2019年政府采购预算表", PROCUREMENT),
        ],
    ),
    "zhengxie-2017": (
        "江苏省政协办公厅/2017年度部门预算公开表.pdf",
        13,
        [
            ("表一", "summary", 1, "收支预算总表", SUMMARY),
            ("表二", "income", 2, "收入预算总表", ONE),
            ("表三", "expenditure", 3, "支出预算总表", EXPENDITURE),
            ("表四", "fiscal_summary", 4, "财政拨款收支预算总表", FISCAL_SUMMARY),
            ("表五", "fiscal_expenditure", 5, "财政拨款支出预算表", ONE),
            ("表六", "fiscal_basic", 6, "财政拨款基本支出预算表", ONE),
            ("表七", "fund_expenditure", 7, "财政拨款政府性基金支出预算表", ONE),
            ("表八", "general_expenditure", 8, "一般公共预算支出预算表", ONE),
            ("表九", "general_basic", 9, "一般公共预算基本支出预算表", ONE),
            ("表十", "running_costs", 10, "一般公共预算机关运行经费支出预算表", RUNNING),
            ("表十一", "three_public_meetings", 11, "“三公”经费、会议费、培训费支出预算表（一般公共预算）", THREE_PUBLIC),
            ("表十二", "procurement", 12, "2017年政府采购预算表", PROCUREMENT),
        ],
    ),
    "fayuan-2018": (
        "江苏省高级人民法院/省法院2018年度部门预算公开.pdf",
        16,
        [
            (None, "summary", 9, "收支预算总表", SUMMARY),
            (None, "income", 10, "收入预算总表", ONE),
            (None, "expenditure", 10, "支出预算总表", EXPENDITURE),
            (None, "fiscal_summary", 10, "财政拨款收支预算总表", FISCAL_SUMMARY),
            (None, "fiscal_expenditure", 11, "财政拨款支出预算表", ONE),
            (None, "fiscal_basic", 11, "财政拨款基本支出预算表", ONE),
            (None, "general_expenditure", 12, "一般公共预算支出预算表", ONE),
            (None, "general_basic", 13, "一般公共预算基本支出预算表", ONE),
            (
                None,
                "three_public_meetings",
                14,
                "“三公”经费、会议费、培训费支出预算表",
                keyed(THREE_PUBLIC, ["合计", "小计#1", "因公出", "小计#2", "购置费", "公务用车运", "公务接待", "会议费", "培训费"]),
            ),
            (None, "fund_expenditure", 14, "政府性基金预算财政拨款支出预算表", ONE),
            (None, "running_costs", 14, "一般公共预算机关运行经费支出预算表", RUNNING),
            (None, "procurement", 15, "政府采购预算表", PROCUREMENT),
        ],
    ),
}


# Labels the rules cut apart, read from the page image: a cell wrapped over a rule drawn
# by a neighbouring cell, or a row whose top rule is on the page before.
LABEL_FIXES = {
    "renda-2017": {
        # Wrapped inside its cell (page 7: `八、社会保障和就` over `业支出`), and cut by the
        # page break (page 8 `当 年 收 入`, page 9 `小计`).
        "label:八、社会保障和就": "label:八、社会保障和就业支出",
        "label:当年收入": "label:当年收入小计",
    },
    "jianchayuan-2018": {
        "label:1.一般公共预": "label:1.一般公共预算",
        "label:三、单位预留机动": "label:三、单位预留机动经费",
    },
    "fayuan-2018": {
        "label:三、单位预留机动经": "label:三、单位预留机动经费",
        "label:分散自行组织": "label:计算机设备维修和保养服务|分散自行组织",
    },
}


def clean(s):
    return re.sub(r"\s+", "", s)


def blank(edge):
    """An edge of a shape filled white and not stroked: a cell's background, not a printed rule."""
    c = edge.get("non_stroking_color")
    white = c is not None and all(v == 1 for v in (c if isinstance(c, (list, tuple)) else [c]))
    return edge.get("fill") and not edge.get("stroke") and white


class Page:
    def __init__(self, pdf, number):
        page = pdf.pages[number - 1]
        self.number = number
        w, h = page.width, page.height
        # Text drawn outside the page (some pages carry a hidden copy) is not printed.
        self.words = [
            x
            for x in page.extract_words(x_tolerance=1.5, y_tolerance=2)
            if 0 <= x["x0"] and x["x1"] <= w + 1 and 0 <= x["top"] and x["bottom"] <= h + 1
        ]
        self.lines = [
            x for x in page.extract_text_lines() if 0 <= x["top"] and x["bottom"] <= h + 1
        ]
        self.vedges = [
            e for e in page.vertical_edges if e["bottom"] - e["top"] > 3 and 0 <= e["x0"] <= w and not blank(e)
        ]
        self.hedges = [
            e for e in page.horizontal_edges if e["x1"] - e["x0"] > 3 and 0 <= e["top"] <= h and not blank(e)
        ]

    def band(self, word):
        """The rules just above and below `word` that cross its middle."""
        xm = (word["x0"] + word["x1"]) / 2
        above = [e["top"] for e in self.hedges if e["x0"] - 1 <= xm <= e["x1"] + 1 and e["top"] <= word["top"] + 2]
        below = [e["top"] for e in self.hedges if e["x0"] - 1 <= xm <= e["x1"] + 1 and e["top"] >= word["bottom"] - 2]
        if not above or not below:
            # A line printed where no rule bounds it: its own height.
            return (round(word["top"] - 2, 1), round(word["bottom"] + 2, 1))
        return (round(max(above), 1), round(min(below), 1))

    def span(self, word):
        """The rules just left and right of `word` that cross its middle."""
        ym = (word["top"] + word["bottom"]) / 2
        left = [e["x0"] for e in self.vedges if e["top"] - 1 <= ym <= e["bottom"] + 1 and e["x0"] <= word["x0"] + 1]
        right = [e["x0"] for e in self.vedges if e["top"] - 1 <= ym <= e["bottom"] + 1 and e["x0"] >= word["x1"] - 1]
        return (round(max(left, default=-1), 0), round(min(right, default=9999), 0))

    def title_top(self, title):
        for ln in self.lines:
            if clean(ln["text"]).endswith(clean(title)) or clean(title) in clean(ln["text"]):
                return ln["top"]
        raise SystemExit(f"page {self.number}: title {title} not found")


def pieces_of(page, words):
    """Groups text words into cells: same rules, touching or overlapping in x."""
    groups = []
    for w in words:
        b = page.band(w)
        if b is None:
            continue
        sp = page.span(w)
        placed = None
        for g in groups:
            if g["band"] == b and g["span"] == sp:
                placed = g
                break
        if placed is None:
            groups.append({"band": b, "span": sp, "x0": w["x0"], "x1": w["x1"], "words": [w]})
        else:
            placed["words"].append(w)
            placed["x0"] = min(placed["x0"], w["x0"])
            placed["x1"] = max(placed["x1"], w["x1"])
    for g in groups:
        ws = sorted(g["words"], key=lambda w: (round(w["top"] / 3), w["x0"]))
        g["text"] = "".join(clean(w["text"]) for w in ws)
    return groups


def owner(piece, header_x):
    """The first amount column right of the piece's cell: the column it labels."""
    right = piece["span"][1] if piece["span"][1] < 9999 else piece["x1"]
    cols = [i for i, x in enumerate(header_x) if x is not None and x > right]
    return cols[0] if cols else None


def transcribe_table(pdf, spec, next_spec, last_page, fixes):
    number, kind, page_no, title, columns = spec
    end_page = next_spec[2] if next_spec else last_page
    cells = []
    header_x = None
    head_words = []
    for p in range(page_no, end_page + 1):
        page = Page(pdf, p)
        top = page.title_top(title) if p == page_no else -1
        bottom = page.title_top(next_spec[3]) if next_spec and p == next_spec[2] else 1e9
        # The explanation's next part ends the last table.
        ends = [ln["top"] for ln in page.lines if clean(ln["text"]).startswith("第三部分") and ln["top"] > top]
        bottom = min([bottom] + ends)
        words = [w for w in page.words if top < w["top"] < bottom]
        amounts = [w for w in words if AMOUNT.match(w["text"])]
        texts = [w for w in words if not AMOUNT.match(w["text"])]
        if header_x is None:
            first = min((w["top"] for w in amounts), default=bottom)
            head_words += [w for w in texts if w["top"] < first]
            if not amounts and p < end_page:
                continue
            head = head_words
            header_x = []
            for _, key in columns:
                key, _, n = key.partition("#")
                word, _, unless = key.partition("-")
                hits = sorted(
                    (w for w in head if word in clean(w["text"]) and not (unless and unless in w["text"])),
                    key=lambda w: w["x0"],
                )
                if not hits:
                    print(f"  {title}: no header word {key}", file=sys.stderr)
                    header_x.append(None)
                    continue
                if n and int(n) > len(hits):
                    print(f"  {title}: no header word {key}", file=sys.stderr)
                    header_x.append(None)
                    continue
                h = hits[int(n) - 1 if n else 0]
                header_x.append((h["x0"] + h["x1"]) / 2)
        bands = [(a, page.band(a)) for a in amounts]
        body_top = min((b[0] for _, b in bands if b), default=bottom)
        pieces = pieces_of(page, [w for w in texts if w["top"] >= body_top - 1])
        for a, b in bands:
            if b is None:
                print(f"  p{p}: {a['text']} outside the rules, left out", file=sys.stderr)
                continue
            ym = (a["top"] + a["bottom"]) / 2
            xm = (a["x0"] + a["x1"]) / 2
            col = min(
                (i for i, x in enumerate(header_x) if x is not None),
                key=lambda i: abs(header_x[i] - xm),
            )
            row = [
                g
                for g in pieces
                if g["band"][0] <= ym <= g["band"][1]
                and g["x1"] < a["x0"]
                and owner(g, header_x) == col
            ]
            row.sort(key=lambda g: g["x0"])
            code = next((g["text"] for g in row if CODE.match(g["text"])), None)
            ident = f"code:{code}" if code else "label:" + "|".join(g["text"] for g in row)
            ident = fixes.get(ident, ident)
            cells.append((p, b[0], ident, columns[col][0], a["text"]))
    # Number repeated labels in printed order (rows printing a figure).
    seen = defaultdict(list)
    rows_in_order = []
    for p, ym, ident, _, _ in sorted(cells, key=lambda c: (c[0], c[1])):
        key = (p, round(ym), ident)
        if key not in rows_in_order:
            rows_in_order.append(key)
            seen[ident].append(key)
    out = []
    for p, ym, ident, col, text in cells:
        occ = seen[ident]
        n = occ.index((p, round(ym), ident)) + 1
        out.append((ident + (f"#{n}" if len(occ) > 1 else ""), col, text, p, ym))
    out.sort(key=lambda c: (c[3], c[4]))
    return out


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/jiangsu"
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "import", "expected")
    only = sys.argv[2:] or list(FILES)
    for name in only:
        path, last_page, tables = FILES[name]
        pdf = pdfplumber.open(os.path.join(corpus, path))
        lines = [
            f"# {path}: amount cells as printed (see README.md).",
            "# table<TAB>number<TAB>kind<TAB>page<TAB>title",
            "# cell<TAB>row (code:… or label:…[#n])<TAB>column path<TAB>printed text",
            f"file\t{path}",
        ]
        for i, spec in enumerate(tables):
            nxt = tables[i + 1] if i + 1 < len(tables) else None
            number, kind, page_no, title, _ = spec
            lines.append(f"table\t{number or '-'}\t{kind}\t{page_no}\t{title}")
            for ident, col, text, _, _ in transcribe_table(pdf, spec, nxt, last_page, LABEL_FIXES.get(name, {})):
                lines.append(f"cell\t{ident}\t{col}\t{text}")
        os.makedirs(os.path.join(root, name), exist_ok=True)
        with open(os.path.join(root, name, "tables.tsv"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{name}: {sum(1 for l in lines if l.startswith('cell'))} cells")


if __name__ == "__main__":
    main()
