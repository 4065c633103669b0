"""Peak memory and time of ``annotator import`` of N news articles in CoNLL, CSV, doccano and
Label Studio (and WebAnno TSV with ``--formats webanno``, a folder of one file per article), as
whole processes, at each of ``--sizes`` (goal: the largest at most 1.2 x the
smallest, and under 200 MB); and of ``export --format labelstudio`` of the project with a second
annotator and pending suggestions (the other layers and suggestions ride along in its tasks).

The input files are what this code base exports for a synthetic project (``_synth``), except
CSV, whose export writes analysts' tables: its file is a table of the articles (``id``, ``text``,
``title``). ``--old PATH`` also runs the imports with the code base at PATH (e.g. a worktree of
``main``), back to back with this one, each process capped at ``--memory-cap`` GB.

    python bench/bench_import_formats.py [--sizes 5000,50000] [--old /tmp/base]
        [--formats conll,csv,doccano,labelstudio,webanno] [--memory-cap 6]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synth import articles  # noqa: E402

WORDS = 711
FORMATS = ("conll", "csv", "doccano", "labelstudio")
LAST_CPU = [0.0]  # CPU seconds of the last process run


def run(cmd: list[str], code: Path, cap_gb: float) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and an error (empty when it worked) of one process; its CPU
    seconds are in ``LAST_CPU``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    cap = int(cap_gb * (1 << 30))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t0 = time.perf_counter()
    # cwd=code: ``python -m`` puts the working folder first on sys.path, so run from this
    # repository's root it would import this code base whatever PYTHONPATH says (--old then
    # measured the new code twice)
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=code,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    code_ = os.waitstatus_to_exitcode(status)
    err = ""
    if code_:
        tail = (proc.stderr.read().decode() if proc.stderr else "").strip().splitlines()
        err = f"exit {code_}: {tail[-1][:160] if tail else ''}"
    return elapsed, usage.ru_maxrss / 1024, err


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "annotator.cli", *args]


def sources(base: Path, n: int, formats: list[str], cap: float) -> dict[str, Path]:
    """The files to import: exports of a synthetic project of ``n`` articles (its gold layer)
    and a CSV table; the project is kept (``p-N.annproj``)."""
    src = base / f"in-{n}.jsonl"
    table = base / f"in-{n}.csv"
    with (
        src.open("w", encoding="utf-8") as fh,
        table.open("w", encoding="utf-8", newline="") as tfh,
    ):
        out = csv.writer(tfh)
        out.writerow(["id", "text", "title"])
        for rec in articles(n, words=WORDS):
            fh.write(json.dumps(rec) + "\n")
            out.writerow([rec["id"], rec["text"], rec["meta"]["title"]])
    project = base / f"p-{n}.annproj"
    for cmd in (
        cli("init", str(project)),
        cli("import", str(project), str(src), "--format", "jsonl", "--as", "gold"),
    ):
        _t, _rss, err = run(cmd, REPO, cap)
        if err:
            raise SystemExit(f"{' '.join(cmd)}: {err}")
    src.unlink()
    files: dict[str, Path] = {"csv": table}
    names = {
        "conll": f"x-{n}.conll",
        "doccano": f"x-{n}.jsonl",
        "labelstudio": f"ls-{n}",
        "webanno": f"wa-{n}",  # a folder: one .tsv per article
    }
    for fmt in formats:
        if fmt == "csv":
            continue
        out_file = base / names[fmt]
        _t, _rss, err = run(cli("export", str(project), str(out_file), "--format", fmt), REPO, cap)
        if err:
            raise SystemExit(f"export {fmt}: {err}")
        files[fmt] = out_file / "tasks.json" if fmt == "labelstudio" else out_file
    return files


def side_layers_export(base: Path, n: int, codes: dict[str, Path], cap: float) -> list[str]:
    """Add an annotator (every other article) and pending suggestions (every third, one span
    moved) to ``p-N.annproj``, then export it as Label Studio with each code base: peak RSS,
    time, and whether the files are the same bytes."""
    project = base / f"p-{n}.annproj"
    alice, sugg = base / f"alice-{n}.jsonl", base / f"sugg-{n}.jsonl"
    with alice.open("w", encoding="utf-8") as afh, sugg.open("w", encoding="utf-8") as sfh:
        for k, rec in enumerate(articles(n, words=WORDS)):
            if k % 2 == 0:
                afh.write(json.dumps(dict(rec, spans=rec["spans"][:12])) + "\n")
            if k % 3 == 0:
                first = dict(rec["spans"][0], start=rec["spans"][0]["start"] + 1)
                sfh.write(json.dumps(dict(rec, spans=[first], relations=[])) + "\n")
    for cmd in (
        cli("import", str(project), str(alice), "--format", "jsonl", "--as", "alice"),
        cli("import", str(project), str(sugg), "--format", "jsonl", "--as-suggestions"),
    ):
        _t, _rss, err = run(cmd, REPO, cap)
        if err:
            raise SystemExit(f"{' '.join(cmd)}: {err}")
    lines = []
    outs = []
    for tag, code in codes.items():
        out = base / f"ls-side-{n}-{tag}"
        t, rss, err = run(
            cli("export", str(project), str(out), "--format", "labelstudio"), code, cap
        )
        cpu = LAST_CPU[0]
        lines.append(
            f"{rss:7.0f} MB {t:7.1f} s wall {cpu:7.1f} s CPU ({tag})"
            + (f" FAILED {err}" if err else "")
        )
        outs.append(out)
    if len(outs) == 2:
        same = subprocess.run(["cmp", str(outs[0] / "tasks.json"), str(outs[1] / "tasks.json")])
        lines.append("same bytes" if same.returncode == 0 else "DIFFERENT bytes")
    for out in outs:
        subprocess.run(["rm", "-rf", str(out)], check=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--old", type=Path, help="also run the imports with this code base")
    parser.add_argument("--memory-cap", type=float, default=6.0, help="GB per process")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    formats = args.formats.split(",")
    codes = {"new": REPO} | ({"old": args.old.resolve()} if args.old else {})
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench_import_formats-"))
    base.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, list[str]]] = {}
    for n in sizes:
        files = sources(base, n, formats, args.memory_cap)
        for fmt in formats:
            for tag, code in codes.items():  # back to back
                project = base / f"in-{fmt}-{tag}.annproj"
                run(cli("init", str(project)), REPO, args.memory_cap)
                t, rss, err = run(
                    cli("import", str(project), str(files[fmt]), "--format", fmt, "--as", "gold"),
                    code,
                    args.memory_cap,
                )
                cell = f"{rss:7.0f} MB {t:7.1f} s wall {LAST_CPU[0]:7.1f} s CPU" + (
                    f" FAILED {err}" if err else ""
                )
                results.setdefault(f"import {fmt} ({tag})", {}).setdefault(str(n), []).append(cell)
                print(f"{n:>7d} import {fmt:12s} {tag}: {cell}", flush=True)
                subprocess.run(["rm", "-rf", str(project)], check=True)
        for path in files.values():
            subprocess.run(["rm", "-rf", str(path.parent if path.name == "tasks.json" else path)])
        side = side_layers_export(base, n, codes, args.memory_cap)
        results.setdefault("export labelstudio + side layers", {})[str(n)] = [" ".join(side)]
        print(f"{n:>7d} export labelstudio with alice + suggestions: {' '.join(side)}", flush=True)
        subprocess.run(["rm", "-rf", str(base / f"p-{n}.annproj")], check=True)
    print("\npeak RSS and wall time, whole processes (loaded machine: compare within a run)")
    for name, by_size in results.items():
        print(f"  {name:28s}" + "  |  ".join(f"{n}: {v[0]}" for n, v in by_size.items()))


if __name__ == "__main__":
    main()
