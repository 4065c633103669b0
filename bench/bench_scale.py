"""Scale run: a project of 100,000 news articles (711 words, 20 spans each: 2 M spans).

Builds the project with the generator the other benches use, then times every step as a whole
process, as a user runs it, and reads its CPU time and peak memory (maximum resident set size,
from ``wait4``; on a shared machine the CPU time is the steadier figure):

- ``annotator import`` of the 100,000 articles (one JSONL file) into the gold layer;
- ``annotator stats`` and ``annotator check``;
- ``annotator agreement`` of three annotators on a subset (``--agreement-docs`` articles, each
  annotator's layer a seeded variation of the gold spans, imported first);
- ``annotator export`` of the gold layer in every format;
- the app, offscreen, to its first painted window and until a document is shown.

A step that fails (an error, ``--timeout`` seconds, or ``--memory-cap`` GB of address space,
set per process so a runaway step cannot take the machine) is reported with its last error line
and the run goes on. Each result is printed as it comes; ``--json`` also writes them all.

    python bench/bench_scale.py [--docs 100000] [--agreement-docs 10000] [--keep DIR]
        [--timeout 3600] [--memory-cap 8] [--skip import,stats,check,agreement,export,gui]
        [--formats jsonl,csv,...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synth import article  # noqa: E402

WORDS = 711
ANNOTATORS = ("alice", "bob", "carol")
FORMATS = (
    "jsonl",
    "csv",
    "brat",
    "doccano",
    "labelstudio",
    "prodigy",
    "spacy",
    "conll",
    "webanno",
    "hf",
)


class Runner:
    def __init__(self, env: dict[str, str], timeout: float, cap_gb: float) -> None:
        self.env = env
        self.timeout = timeout
        self.cap = int(cap_gb * 2**30)
        self.results: list[dict[str, Any]] = []

    def _limit(self) -> None:
        resource.setrlimit(resource.RLIMIT_AS, (self.cap, self.cap))

    def run(self, name: str, cmd: list[str], note: str = "") -> dict[str, Any]:
        """Run ``cmd`` as a whole process: wall seconds, peak RSS (MB), and how it ended."""
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=self._limit,
        )
        timer = threading.Timer(self.timeout, proc.kill)
        timer.start()
        out_chunks: list[bytes] = []
        err_chunks: list[bytes] = []
        readers = [
            threading.Thread(target=lambda: out_chunks.append(proc.stdout.read())),  # type: ignore[union-attr]
            threading.Thread(target=lambda: err_chunks.append(proc.stderr.read())),  # type: ignore[union-attr]
        ]
        for r in readers:
            r.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        timer.cancel()
        for r in readers:
            r.join()
        code = os.waitstatus_to_exitcode(status)
        stdout = b"".join(out_chunks).decode(errors="replace")
        stderr = b"".join(err_chunks).decode(errors="replace")
        result: dict[str, Any] = {
            "step": name,
            "seconds": round(elapsed, 2),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "ok": code == 0,
            "note": note,
        }
        if code != 0:
            lines = [x for x in stderr.strip().splitlines() if x.strip()] or [f"exit {code}"]
            killed = code < 0 and elapsed >= self.timeout
            result["error"] = f"timed out after {self.timeout:.0f} s" if killed else lines[-1][:300]
        result["stdout"] = stdout
        self.results.append(result)
        status_text = "ok" if result["ok"] else f"FAILED: {result['error']}"
        print(
            f"  {name:40s} {elapsed:9.1f} s {result['cpu_seconds']:9.1f} s "
            f"{result['peak_rss_mb']:9.0f} MB  {status_text}" + (f"  ({note})" if note else ""),
            flush=True,
        )
        return result


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "annotator.cli", *args]


def write_gold(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(article(i, words=WORDS)) + "\n")


def write_annotator(path: Path, n: int, name: str, seed: int) -> None:
    """An annotator's layer on the first ``n`` articles: the gold spans, some dropped, some
    with a neighbouring label, some a few characters short (a seeded variation)."""
    rnd = random.Random(seed)
    labels = ["ACTOR", "PLACE", "TIME", "EVENT", "CLAIM"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rec = article(i, words=WORDS)
            spans = []
            for sp in rec["spans"]:
                roll = rnd.random()
                if roll < 0.08:
                    continue
                if roll < 0.14:
                    sp = {**sp, "label": rnd.choice(labels), "attrs": {}}
                elif roll < 0.20 and sp["end"] - sp["start"] > 3:
                    sp = {**sp, "end": sp["end"] - 2}
                spans.append(sp)
            rec.update(spans=spans, layer=name)
            fh.write(json.dumps(rec) + "\n")


def gui_run(runner: Runner, project: Path, tmp: Path) -> None:
    env = {
        **runner.env,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "NEWS_ANNOTATOR_CONFIG_DIR": str(tmp / "config"),
        "NEWS_ANNOTATOR_DATA_DIR": str(tmp / "data"),
        "NEWS_ANNOTATOR_USER": "gold",
        "NEWS_ANNOTATOR_BENCH_STARTUP": "1",
    }
    saved = runner.env
    runner.env = env
    start = time.time()
    result = runner.run(
        "app: first paint / document shown", [sys.executable, "-m", "app", str(project)]
    )
    runner.env = saved
    marks = {}
    for line in result["stdout"].splitlines():
        if line.startswith("{"):
            rec = json.loads(line)
            marks[rec["event"]] = rec["time"] - start
    result["painted_s"] = round(marks["painted"], 2) if "painted" in marks else None
    result["ready_s"] = round(marks["ready"], 2) if "ready" in marks else None
    print(
        f"  {'':40s} first paint {result['painted_s']} s, document shown {result['ready_s']} s",
        flush=True,
    )


def size_of(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--agreement-docs", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--memory-cap", type=float, default=8.0, help="GB per process")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--skip", default="", help="steps to skip, comma-separated")
    parser.add_argument("--formats", default=",".join(FORMATS), help="export formats, in order")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    tmp.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWS_ANNOTATOR_USER": "bench"}
    env.setdefault("NEWS_ANNOTATOR_DATA_DIR", str(tmp / "data"))
    env.setdefault("NEWS_ANNOTATOR_CONFIG_DIR", str(tmp / "config"))
    runner = Runner(env, args.timeout, args.memory_cap)
    project = tmp / "scale.annproj"
    n = args.docs
    print(
        f"scale run: {n:,} articles x 20 spans ({WORDS} words), whole processes, "
        f"cap {args.memory_cap:g} GB address space and {args.timeout:.0f} s each",
        flush=True,
    )
    print(f"  {'step':40s} {'wall':>11s} {'cpu':>11s} {'peak RSS':>12s}", flush=True)
    try:
        if "import" not in skip:
            src = tmp / "gold.jsonl"
            t = time.perf_counter()
            write_gold(src, n)
            print(
                f"  (wrote {size_of(src):.0f} MB of JSONL in {time.perf_counter() - t:.0f} s)",
                flush=True,
            )
            if project.exists():
                project.unlink()
            runner.run("init", cli("init", str(project)))
            runner.run(
                f"import {n:,} articles",
                cli("import", str(project), str(src), "--format", "jsonl", "--as", "gold"),
            )
            src.unlink()
        if "stats" not in skip:
            runner.run("stats", cli("stats", str(project)))
        if "check" not in skip:
            runner.run("check", cli("check", str(project)))
        if "agreement" not in skip:
            m = args.agreement_docs
            for k, name in enumerate(ANNOTATORS):
                layer = tmp / f"{name}.jsonl"
                write_annotator(layer, m, name, seed=k + 1)
                runner.run(
                    f"import layer {name} ({m:,} articles)",
                    cli("import", str(project), str(layer), "--format", "jsonl", "--as", name),
                )
                layer.unlink()
            runner.run(
                f"agreement, 3 annotators x {m:,} articles",
                cli("agreement", str(project), "--annotators", ",".join(ANNOTATORS)),
                note="first run: tokens computed and stored",
            )
            runner.run(
                "agreement again (tokens stored)",
                cli("agreement", str(project), "--annotators", ",".join(ANNOTATORS)),
            )
        if "export" not in skip:
            for fmt in args.formats.split(","):
                out = tmp / f"out-{fmt}{'.jsonl' if fmt in ('jsonl', 'doccano', 'prodigy') else ''}"
                result = runner.run(
                    f"export {fmt}", cli("export", str(project), str(out), "--format", fmt)
                )
                if out.exists():
                    result["output_mb"] = round(size_of(out), 1)
                    shutil.rmtree(out) if out.is_dir() else out.unlink()
        if "gui" not in skip:
            gui_run(runner, project, tmp)
    finally:
        if args.json:
            rows = [{k: v for k, v in r.items() if k != "stdout"} for r in runner.results]
            args.json.write_text(json.dumps(rows, indent=1), "utf-8")
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
