"""Benchmark: CPU of the suggestion step alone (``Suggester.analyse``), in one process.

    python bench/bench_analysis.py [--docs 200] [--repeat 5] [--profile 25] [--no-dev]
                                   [--cache DIR]

Parses once, outside the timing, the synthetic articles of ``bench_preannotate.py`` (``--docs``)
and the 66 dev texts of ``../shared/eval/dev_texts.jsonl`` (when present), then times only the
analysis of the parsed docs with ``time.process_time``: ``--repeat`` passes, the best one,
reported in ms per article, for ``Suggester.analyse`` and for what a pool worker runs (the
proposal as plain tuples). A machine loaded by other work inflates the wall ratio of
``bench_preannotate.py`` much more than the minimum CPU of this loop (alternate runs of the two
versions compared, all the same). ``--profile N`` adds a cProfile of one pass over the synthetic
articles, top N functions by own time and by cumulative time.
``--cache DIR`` keeps the parsed docs there (``DocBin``) for the next run with the same texts.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / ".." / "shared" / "eval" / "dev_texts.jsonl"


def _time(analyse: Any, parsed: list[tuple[Any, str]], repeat: int) -> float:
    """The best of ``repeat`` passes of ``analyse(doc, text)``, CPU ms per article."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for doc, text in parsed:
            analyse(doc, text)
        best = min(best, time.process_time() - start)
    return best * 1000 / max(1, len(parsed))


def _worker_step(rules: Any) -> Any:
    """What a pool worker runs per article: the proposal as plain tuples."""
    packed = getattr(rules, "analyse_packed", None)
    if packed is not None:
        return packed
    from annotator.suggest import pool

    return lambda doc, text: pool.pack(rules.analyse(doc, text))  # before analyse_packed


def _docs(nlp: Any, texts: list[str], cache: Path | None) -> list[Any]:
    """The parsed ``texts``, from ``cache`` when it holds them (same texts, same pipeline)."""
    from spacy.tokens import DocBin

    if cache is None:
        return list(nlp.pipe(texts))
    name = hashlib.sha1("\0".join([nlp.meta["name"], nlp.meta["version"], *texts]).encode())
    path = cache / f"docs-{name.hexdigest()[:16]}.spacy"
    if path.is_file():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts))
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(path)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, help="top N of a cProfile (0: none)")
    parser.add_argument("--no-dev", action="store_true", help="skip the dev texts")
    parser.add_argument("--cache", type=Path, help="a folder to keep the parsed docs in")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_preannotate import article

    from annotator.scheme import load_scheme
    from annotator.suggest.propose import Suggester, load_pipeline

    nlp = load_pipeline(None)
    rules = Suggester(nlp, load_scheme("news"))  # adds the line-break component first
    sets: dict[str, list[str]] = {"synthetic": [article(i) for i in range(args.docs)]}
    if not args.no_dev and DEV.is_file():
        with DEV.open(encoding="utf-8") as fh:
            sets["dev"] = [json.loads(line)["text"] for line in fh if line.strip()]
    parsed = {
        name: list(zip(_docs(nlp, texts, args.cache), texts, strict=True))
        for name, texts in sets.items()
    }
    for docs in parsed.values():
        rules.analyse(*docs[0])  # warm: lazily built matchers and caches
    for name, docs in parsed.items():
        tokens = sum(len(d) for d, _ in docs) / len(docs)
        ms = _time(rules.analyse, docs, args.repeat)
        worker = _time(_worker_step(rules), docs, args.repeat)
        print(
            f"{name:<10} {len(docs):4d} articles, {tokens:5.0f} tokens each: "
            f"analysis {ms:6.2f} ms/article CPU, in a pool worker {worker:6.2f} "
            f"(best of {args.repeat})"
        )
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for doc, text in parsed["synthetic"]:
            rules.analyse(doc, text)
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
