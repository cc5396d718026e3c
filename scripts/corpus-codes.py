#!/usr/bin/env python3
"""Every classification code printed in the corpus, with the name printed beside it.

Runs `pdftotext -layout` on each PDF under ../shared/corpus/ (or the folder given as the
first argument), takes the edition from the year in the file name (2017-2019 for
Jiangsu's budgets, 2024 for the Shanghai template), and finds each functional (2xx: 3, 5
or 7 digits) and economic (3xx / 5xx: 3 or 5 digits) code followed by its name on a
table line. A name the PDF wrapped in a narrow column (the code alone on its line, the
name's pieces on the lines above and below) is joined. Prints one line per
(edition, code, name), tab-separated, sorted:

    edition  code  name  files

`docs/corpus-codes.tsv` is this output; `tests/catalogue.rs` checks that every line of
it is in the catalogue of its edition or listed in `docs/catalogue.md` as unconfirmed.
"""
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

CODE = re.compile(r"(?<![\d.,%])([235]\d{2}(?:\d{2}){0,2})(?![\d.,%])")
NAME = re.compile(r"\s*([\u4e00-\u9fff][\u4e00-\u9fff（）()、“”\"]*)")
# A figure of the text, not a code and its name: "200 万元", "274 名", "200 多人次".
NOT_A_NAME = re.compile(r"^(万|亿元|元|名|多|人次)")
# How far right of the name column a wrapped piece of the name may start.
WRAP_REACH = 14


def year_of(path: Path) -> str:
    m = re.search(r"20(1[5-9]|2\d)", path.name)
    if not m:
        sys.exit(f"{path}: no year in the file name")
    return "20" + m.group(1)


def piece(line: str, col: int):
    """A piece of a wrapped name: the line holds only Chinese text starting near `col`."""
    m = NAME.match(line)
    if not m or line[: m.start(1)].strip():
        return None
    start = m.start(1)
    rest = line[m.end(1):].strip()
    if col - 3 <= start <= col + WRAP_REACH and not rest:
        return m.group(1)
    return None


def codes_in(lines: list):
    """(code, name) pairs of one document's lines."""
    hits = []  # (line index, code, own name, name column)
    for i, line in enumerate(lines):
        for m in CODE.finditer(line):
            code = m.group(1)
            if len(code) not in (3, 5, 7) or (code[0] != "2" and len(code) == 7):
                continue  # economic codes stop at 5 digits
            n = NAME.match(line, m.end())
            own = n.group(1) if n else ""
            col = n.start(1) if n else m.end() + 1
            hits.append((i, code, own, col))
    claimed = set()
    names = {}
    # First the codes printed alone: the pieces around them are theirs.
    for k, (i, code, own, col) in enumerate(hits):
        if own:
            continue
        parts = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines) and piece(lines[j], col) is not None:
                parts.append(piece(lines[j], col))
                claimed.add(j)
        names[k] = "".join(parts)
    # Then a name cut on both sides of its code ("其他文化旅游 / 20799 体育与传媒支 / 出").
    for k, (i, code, own, col) in enumerate(hits):
        if not own:
            continue
        above = i - 1 >= 0 and i - 1 not in claimed and piece(lines[i - 1], col)
        below = i + 1 < len(lines) and i + 1 not in claimed and piece(lines[i + 1], col)
        names[k] = (above + own + below) if above and below else own
    out = []
    for k, (i, code, own, col) in enumerate(hits):
        name = names[k]
        if name and not NOT_A_NAME.match(name):
            out.append((code, name))
    return out


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
    found = defaultdict(set)  # (edition, code, name) -> files
    for pdf in sorted(root.rglob("*.pdf")):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for code, name in codes_in(text.splitlines()):
            found[(year_of(pdf), code, name)].add(str(pdf.relative_to(root)))
    for (edition, code, name), files in sorted(found.items()):
        print(f"{edition}\t{code}\t{name}\t{'; '.join(sorted(files))}")


if __name__ == "__main__":
    main()
