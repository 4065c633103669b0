"""Export N news articles (711 words, 20 spans each) as whole processes, against bare scripts.

Throughput, in the same run, medians of ``--runs``:

- ``annotator export P OUT --format jsonl`` against a bare script that selects the same rows
  with ``sqlite3`` and writes the same records with ``json`` (goal >= 0.5);
- ``--format conll``, ``spacy`` and ``hf`` against a bare script that tokenises with the same
  tokenizer (``spacy.blank("en")``, with the sentencizer where the format has sentences) and
  writes the same kind of file (goal >= 0.7).

Peak memory (maximum resident set size of the whole process, from ``wait4``) of ``annotator
import`` and of every export format at each of ``--sizes`` (goal: the largest at most 1.2 x the
smallest, and under 200 MB).

    python bench/bench_export.py [--docs 10000] [--runs 3] [--formats jsonl,conll,hf,spacy]
        [--sizes 5000,50000] [--skip-speed] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synth import articles  # noqa: E402

WORDS = 711
FORMATS = ("jsonl", "conll", "spacy", "hf", "doccano", "brat", "csv")

BARE_JSONL = r"""
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
out = open(sys.argv[2], "w", encoding="utf-8", newline="\n")
docs = con.execute(
    "SELECT id, external_id, text, meta, title FROM document ORDER BY id"
)
spans = con.execute(
    'SELECT document_id, start, "end", label, attrs FROM span ORDER BY document_id, start, "end"'
)
pending = next(spans, None)
for doc_id, ext, text, meta, title in docs:
    meta = json.loads(meta)
    meta["title"] = title
    out_spans = []
    k = 0
    while pending is not None and pending[0] == doc_id:
        k += 1
        _, s, e, label, attrs = pending
        out_spans.append({"id": f"s{k}", "start": s, "end": e, "label": label,
                          "text": text[s:e], "attrs": json.loads(attrs), "entity": None})
        pending = next(spans, None)
    rec = {"id": ext, "text": text, "meta": meta, "layer": "gold", "spans": out_spans,
           "relations": []}
    out.write(json.dumps(rec, ensure_ascii=False, separators=(", ", ": ")) + "\n")
out.close()
"""

# The same tokenizer as the export (spacy.blank("en") + the rule-based sentencizer), the same
# rows, and a file of the same kind; none of the exporter's checks or summary.
BARE_TOKENS = r"""
import json, sqlite3, sys
from bisect import bisect_left, bisect_right
import spacy
fmt = sys.argv[3]
nlp = spacy.blank("en")
if fmt != "spacy":
    nlp.add_pipe("sentencizer")
con = sqlite3.connect(sys.argv[1])
rows = con.execute('SELECT document_id, start, "end", label FROM span ORDER BY document_id, start')
by_doc = {}
for d, s, e, label in rows:
    by_doc.setdefault(d, []).append((s, e, label))
docs = con.execute("SELECT id, external_id, text FROM document ORDER BY id")
if fmt == "spacy":
    from spacy.tokens import DocBin
    import os
    os.makedirs(sys.argv[2], exist_ok=True)
    bin_ = DocBin(store_user_data=False)
    for (doc_id, ext, text) in docs:
        sdoc = nlp.tokenizer(text)
        group = [sdoc.char_span(s, e, label, alignment_mode="expand")
                 for s, e, label in by_doc.get(doc_id, [])]
        sdoc.spans["sc"] = [g for g in group if g is not None]
        bin_.add(sdoc)
    bin_.to_disk(os.path.join(sys.argv[2], "train.spacy"))
    sys.exit(0)
out = open(sys.argv[2], "w", encoding="utf-8", newline="\n")
texts = ((text, (doc_id, ext)) for doc_id, ext, text in docs)
for sdoc, (doc_id, ext) in nlp.pipe(texts, as_tuples=True, batch_size=64):
    toks = [t for t in sdoc if not t.is_space]
    starts = [t.idx for t in toks]
    ends = [t.idx + len(t.text) for t in toks]
    tags = ["O"] * len(toks)
    for s, e, label in by_doc.get(doc_id, []):
        first, last = bisect_right(ends, s), bisect_left(starts, e) - 1
        if first <= last:
            tags[first] = "B-" + label
            for i in range(first + 1, last + 1):
                tags[i] = "I-" + label
    index = {t.i: k for k, t in enumerate(toks)}
    if fmt == "conll":
        out.write("-DOCSTART-\tO\n\n")
    for k, sent in enumerate(sdoc.sents):
        words = [index[t.i] for t in sent if not t.is_space]
        if fmt == "conll":
            out.writelines(f"{toks[w].text}\t{tags[w]}\n" for w in words)
            out.write("\n")
        else:
            out.write(json.dumps({"id": f"{ext}#{k}", "doc_id": ext,
                                  "tokens": [toks[w].text for w in words],
                                  "ner_tags": [tags[w] for w in words]}, ensure_ascii=False) + "\n")
out.close()
"""


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def write_source(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for rec in articles(n, words=WORDS):
            fh.write(json.dumps(rec) + "\n")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "annotator.cli", *args]


def build(base: Path, n: int) -> tuple[Path, float]:
    """A project of ``n`` articles; returns it and the peak RSS (MB) of its import."""
    src = base / f"in-{n}.jsonl"
    write_source(src, n)
    project = base / f"p-{n}.annproj"
    run(cli("init", str(project)))
    _, rss = run(cli("import", str(project), str(src), "--format", "jsonl", "--as", "gold"))
    src.unlink()
    return project, rss


def out_path(base: Path, fmt: str, tag: str) -> Path:
    return base / f"out-{fmt}-{tag}{'.jsonl' if fmt in ('jsonl', 'doccano') else ''}"


def clean(path: Path) -> None:
    subprocess.run(["rm", "-rf", str(path)], check=True)


def speed(base: Path, n: int, runs: int, formats: list[str]) -> None:
    project, _ = build(base, n)
    print(f"export {n} articles x 20 spans ({WORDS} words), medians of {runs}, whole processes")
    bare_jsonl = base / "bare_jsonl.py"
    bare_jsonl.write_text(BARE_JSONL)
    bare_tokens = base / "bare_tokens.py"
    bare_tokens.write_text(BARE_TOKENS)
    goals = {"jsonl": 0.5, "conll": 0.7, "hf": 0.7, "spacy": 0.7}
    for fmt, goal in ((f, goals[f]) for f in formats):
        ours_t, bare_t = [], []
        for k in range(runs):  # alternated, so load changes hit both
            out = out_path(base, fmt, f"ours{k}")
            extra = ["--split", "100,0,0"] if fmt in ("hf", "spacy") else []
            t, _ = run(cli("export", str(project), str(out), "--format", fmt, *extra))
            ours_t.append(t)
            clean(out)
            bout = base / f"bare-{fmt}-{k}"
            if fmt == "jsonl":
                t, _ = run([sys.executable, str(bare_jsonl), str(project), str(bout)])
            else:
                t, _ = run([sys.executable, str(bare_tokens), str(project), str(bout), fmt])
            bare_t.append(t)
            clean(bout)
        o, b = statistics.median(ours_t), statistics.median(bare_t)
        print(
            f"  {fmt:6s} ours {o:6.2f} s  bare {b:6.2f} s  throughput ratio {b / o:.2f} "
            f"(goal >= {goal})"
        )


def memory(base: Path, sizes: list[int]) -> None:
    print("peak RSS (MB), whole processes")
    table: dict[str, list[float]] = {"import": []}
    for n in sizes:
        project, rss = build(base, n)
        table["import"].append(rss)
        for fmt in FORMATS:
            out = out_path(base, fmt, f"mem{n}")
            _, rss = run(cli("export", str(project), str(out), "--format", fmt))
            table.setdefault(f"export {fmt}", []).append(rss)
            clean(out)
        clean(project)
    print(f"  {'':14s}" + "".join(f"{n:>10d}" for n in sizes) + "   last/first")
    for name, values in table.items():
        ratio = values[-1] / values[0]
        print(f"  {name:14s}" + "".join(f"{v:10.0f}" for v in values) + f"   {ratio:6.2f}")
    print("  goal: last/first <= 1.2 and every figure < 200 MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--formats", default="jsonl,conll,hf,spacy", help="timed formats")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if not args.skip_speed:
            speed(base, args.docs, args.runs, args.formats.split(","))
        if not args.skip_memory:
            memory(base, [int(x) for x in args.sizes.split(",")])


if __name__ == "__main__":
    main()
