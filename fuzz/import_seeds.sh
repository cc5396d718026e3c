#!/usr/bin/env bash
# Writes the seeds of the import targets (fuzz/corpus/import_pdf, fuzz/corpus/import_xlsx):
# single pages of corpus PDFs with their font programs emptied (the text, its positions and
# its Unicode maps stay; a page goes from 60–120 KB to 8–18 KB), the test fixtures, and
# what `tests/import/excel_pdf.rs`'s ignored `fuzz_seeds` test writes (hand-made PDFs,
# workbooks in the published layout), and those workbooks as their parts. Needs the corpus beside the repository, poppler's
# pdfseparate, qpdf (with fix-qdf) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/jiangsu
pdf=fuzz/corpus/import_pdf
xlsx=fuzz/corpus/import_xlsx
rm -rf "$pdf" "$xlsx"
mkdir -p "$pdf" "$xlsx"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# page SOURCE PAGE NAME: one page, font programs emptied, streams compressed.
page() {
  pdfseparate -f "$2" -l "$2" "$1" "$tmp/page.pdf"
  qpdf --qdf --object-streams=disable "$tmp/page.pdf" "$tmp/page.qdf"
  python3 - "$tmp/page.qdf" "$tmp/stripped.qdf" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
for ref in set(re.findall(rb"/FontFile[23]? (\d+) 0 R", data)):
    m = re.search(rb"\n" + ref + rb" 0 obj\n<<.*?>>\nstream\n(.*?)\nendstream", data, re.S)
    if m:
        data = data[: m.start(1)] + data[m.end(1) :]
open(sys.argv[2], "wb").write(data)
PY
  fix-qdf "$tmp/stripped.qdf" >"$tmp/fixed.qdf"
  qpdf --deterministic-id --object-streams=generate --compress-streams=y "$tmp/fixed.qdf" "$pdf/$3.pdf"
}

page "$corpus/江苏省政协办公厅/江苏省政协办公厅2019年预算公开表.pdf" 1 zhengxie-2019-p1
page "$corpus/江苏省政协办公厅/江苏省政协办公厅2019年预算公开表.pdf" 2 zhengxie-2019-p2
page "$corpus/江苏省人大办公厅/江苏省人大常委会办公厅2019年部门预算公开表.pdf" 2 renda-2019-p2-turned
page "$corpus/江苏省高级人民法院/江苏省高级人民法院2019年度部门预算公开.pdf" 8 fayuan-2019-p8
page "$corpus/江苏省委办公厅/江苏省委办公厅2019年度部门预算公开文件.pdf" 3 weibangongting-2019-p3-prose
cp tests/fixtures/import/encrypted.pdf tests/fixtures/import/owner-only-rc4.pdf "$pdf/"
GONGKAI_FUZZ_SEEDS="$PWD/fuzz/corpus" cargo test --test import fuzz_seeds -- --ignored --exact excel_pdf::fuzz_seeds
# Each workbook also as its parts (`name 0xFF bytes 0xFF …`, see fuzz_targets/common/import.rs),
# without the theme and document properties, which the reader does not use.
python3 - "$xlsx" <<'PY'
import os, sys, zipfile
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    if not f.endswith(".xlsx"):
        continue
    parts = []
    with zipfile.ZipFile(os.path.join(d, f)) as z:
        for i in z.infolist():
            if i.filename.startswith(("xl/theme/", "docProps/")):
                continue
            parts += [i.filename.encode(), z.read(i)]
    with open(os.path.join(d, f[: -len(".xlsx")] + ".parts"), "wb") as out:
        out.write(b"\xff".join(parts))
PY
du -sh "$pdf" "$xlsx"
