#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/corpus/<target>/) from the repository's
inputs: the seeds under content/, the valid fixture, the fast-path fixtures and every case
of the bad-input corpus (tests/corpus/cases.yaml) applied to the valid fixture.

Run from the repository root (needs PyYAML): python3 fuzz/seed_corpora.py
The corpora are committed; this is only needed when the inputs change. Files larger than
MAX_BYTES are left out, so that libFuzzer's inputs stay small and its runs fast.
"""

import hashlib
import os
import sys

import yaml

MAX_BYTES = 64 * 1024
SEP = b"\xff"
SLOTS = ["demo/unit.yaml", "demo/2023-budget.yaml", "demo/2023-budget.md"]


def read_tree(root):
    """Every file under root: path relative to root -> bytes."""
    files = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                files[os.path.relpath(p, root)] = f.read()
    return files


def loader_input(files):
    """The source_loader target's encoding (see fuzz_targets/source_loader.rs), or None
    when a file cannot be encoded (0xFF inside it, or too large)."""
    files = dict(files)
    parts = []
    for slot in SLOTS:
        # An empty slot means no such file: an empty file that exists goes as a pair.
        b = files.get(slot, b"")
        if b:
            del files[slot]
        parts.append(b)
    for path, b in sorted(files.items()):
        parts += [path.encode(), b]
    if any(SEP in p for p in parts):
        return None
    data = SEP.join(parts)
    return data if len(data) <= MAX_BYTES else None


def generated(kind):
    """Small versions of tests/common/cases.rs's generated files (the full ones are
    megabytes: too large for a fuzz corpus)."""
    head = ("kind: budget\nyear: 2023\ntemplate: hunan-budget\ntitle: x\namount_unit: 万元\n"
            "tables:\n  - id: T01\n    kind: summary\n")
    if kind == "alias_bomb":
        s = head + "    title: t\n    rows:\n      - {sum_of: &a0 [x, x, x, x, x, x, x, x, x, x]}\n"
        for i in range(1, 9):
            s += "      - {sum_of: &a%d [%s]}\n" % (i, ", ".join(["*a%d" % (i - 1)] * 10))
        return s.encode()
    if kind == "deep_nesting":
        return ("kind: " + "[" * 1000 + "1" + "]" * 1000 + "\n").encode()
    if kind == "oversized":
        return "这一行用来填充超大的文件。\n".encode() * 1000
    if kind == "million_rows":
        return (head + "    title: 收支总表\n    rows:\n" + "      - {}\n" * 1000).encode()
    raise ValueError(kind)


def apply(files, step):
    """One step of a case (see the head of tests/corpus/cases.yaml), in memory."""
    if "replace" in step:
        f = step["replace"]
        text = files[f].decode()
        files[f] = text.replace(step["from"], step["to"], 1).encode()
    elif "write" in step:
        files[step["write"]] = step["text"].encode()
    elif "write_hex" in step:
        files[step["write_hex"]] = bytes.fromhex(step["hex"])
    elif "prepend_hex" in step:
        f = step["prepend_hex"]
        files[f] = bytes.fromhex(step["hex"]) + files.get(f, b"")
    elif "append" in step:
        f = step["append"]
        files[f] = files.get(f, b"") + step["text"].encode()
    elif "remove" in step:
        files.pop(step["remove"], None)
    elif "mkdir" in step:
        # A folder in memory exists through a file inside it; a dot file is ignored by
        # the loader, as it is on disk.
        files[step["mkdir"] + "/.keep"] = b""
    elif "symlink" in step:
        pass  # Memory has no symlinks: the disk test (tests/corpus.rs) covers them.
    elif "generate" in step:
        files[step["generate"]] = generated(step["kind"])


def write(target, data, name):
    d = os.path.join("fuzz/corpus", target)
    os.makedirs(d, exist_ok=True)
    # Named by content, as libFuzzer names what it adds, with a readable prefix.
    digest = hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, f"{name}-{digest}"), "wb") as f:
        f.write(data)


def main():
    if not os.path.isfile("tests/corpus/cases.yaml"):
        sys.exit("run from the repository root")
    loader, yamls = [], []
    # The seeds: each unit as unit `demo` (its disclosures keep their own names).
    for unit in sorted(os.listdir("content")):
        tree = read_tree(os.path.join("content", unit))
        loader.append((f"seed-{unit}", {f"demo/{k}": v for k, v in tree.items()}))
        yamls += [(f"seed-{unit}-{k}", v) for k, v in tree.items() if k.endswith(".yaml")]
    valid = read_tree("tests/fixtures/valid/content")
    loader.append(("valid", valid))
    yamls += [(f"valid-{os.path.basename(k)}", v) for k, v in valid.items() if k.endswith(".yaml")]
    for k, v in read_tree("tests/fixtures/fast_yaml").items():
        yamls.append((f"fast-{k}", v))
    # The bad-input corpus, applied to the valid fixture.
    with open("tests/corpus/cases.yaml", encoding="utf-8") as f:
        cases = yaml.safe_load(f)
    for case in cases:
        files = dict(valid)
        for step in case["steps"]:
            apply(files, step)
        loader.append((f"case-{case['name']}", files))
        for k, v in files.items():
            if k.endswith(".yaml") and v != valid.get(k):
                yamls.append((f"case-{case['name']}", v))
    skipped = []
    for name, files in loader:
        data = loader_input(files)
        if data is None:
            skipped.append(name)
        else:
            write("source_loader", data, name)
    for name, data in yamls:
        if len(data) <= MAX_BYTES:
            write("yaml_differential", data, name)
        else:
            skipped.append(name)
    # The largest seeds are also cut after their third table, so that small inputs with
    # block scalars and comments are in the corpus too.
    for name, data in yamls:
        if name.startswith("seed-") and data.count(b"\n  - id: ") > 3:
            cut = [i for i in range(len(data)) if data.startswith(b"\n  - id: ", i)][3]
            write("yaml_differential", data[: cut + 1], name + "-cut")
    print("skipped (0xFF inside, or larger than %d bytes): %s" % (MAX_BYTES, ", ".join(skipped)))


main()
