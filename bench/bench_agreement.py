"""Benchmark: the whole agreement report vs. the ``krippendorff`` package on the same token codes.

Synthetic, deterministic corpus: N news-length documents (~600 words, Zipf-distributed
vocabulary with punctuation and paragraphs), 20 spans each (5 labels, attributes, relations),
annotated by 3 annotators whose spans are perturbed copies of a hidden "truth" (missed spans,
shifted boundaries, changed labels and attributes, extra spans).

Timed: ``agreement_report(layers)`` (tokenisation of every document included, once each; then
a second call in the same process, where the token cache of
``annotator.agreement.tokens`` applies; then a first run with a token file attached, which
stores the bounds, and a run with the in-memory cache cleared that reads them from the file:
the figure with stored token boundaries) and
``krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal")`` called once per
label on the token codes of that label (annotators x tokens, NaN where a document was not
annotated), which is the set of alphas the report produces. The reference is also timed with
``value_domain=[0, 1]`` given, which spares the package its ``np.unique`` over the data.

    .venv/bin/python bench/bench_agreement.py [--docs 10000] [--also 1000] [--seed 7]

With ``--projects 5000,20000``, instead: the ``annotator agreement`` command as a whole process
on projects of 3 annotators x N articles (``bench_scale``'s generator), twice each (the first
run tokenises and stores the token boundaries, the second reads them), with its wall and CPU
seconds and peak memory (maximum resident set size): the report streams, so the peak should not
grow with N.

The machine may be shared: CPU seconds (``time.process_time``) are printed besides wall seconds
and are the steadier figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.agreement.report import agreement_report
from annotator.agreement.tokens import cover_tokens_in_table, tokenize_texts
from annotator.values import DocData, RelationData, SpanData

LABELS = ("ACTOR", "CLAIM", "EVENT", "PLACE", "TIME")
TYPES = ("person", "organisation", "government", "armed_group", "media")
ANNOTATORS = ("alice", "bob", "carol")


def make_vocabulary(rng: np.random.Generator, size: int = 6000) -> list[str]:
    sylls = ["ka", "lo", "mi", "ter", "an", "ve", "dor", "si", "pu", "ral", "en", "ost", "ba"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(sylls, size=int(rng.integers(1, 5)))))
    out = sorted(words)
    return out[:50] + [w.capitalize() for w in out[50:400]] + out[400:]


def make_text(rng: np.random.Generator, vocab: list[str], n_words: int) -> tuple[str, list[int]]:
    """Text and the start offsets of its words (so spans fall on word boundaries)."""
    ranks = np.minimum(rng.zipf(1.3, size=n_words), len(vocab)) - 1
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for i, r in enumerate(ranks):
        word = vocab[int(r)]
        roll = rng.random()
        if roll < 0.06:
            word += ","
        elif roll < 0.11:
            word += "."
        elif roll < 0.12:
            word = f'"{word}"'
        sep = "\n\n" if (i % 90 == 89) else " "
        starts.append(pos)
        parts.append(word + sep)
        pos += len(word) + len(sep)
    return "".join(parts).rstrip(), starts


def make_corpus(n_docs: int, seed: int) -> dict[str, list[DocData]]:
    rng = np.random.default_rng(seed)
    vocab = make_vocabulary(rng)
    layers: dict[str, list[DocData]] = {name: [] for name in ANNOTATORS}
    for d in range(n_docs):
        text, wstarts = make_text(rng, vocab, int(rng.integers(560, 640)))
        bounds = np.array([*wstarts, len(text) + 1])
        first = np.sort(rng.choice(len(wstarts) - 6, size=20, replace=False))
        truth = [
            (int(w), int(w + rng.integers(1, 5)), LABELS[int(rng.integers(0, 5))]) for w in first
        ]
        for name in ANNOTATORS:
            spans: list[SpanData] = []
            for k, (w0, w1, label) in enumerate(truth):
                if rng.random() < 0.1:
                    continue  # missed
                if rng.random() < 0.15:
                    w1 = max(w0 + 1, w1 + int(rng.choice([-1, 1])))
                if rng.random() < 0.05:
                    label = LABELS[int(rng.integers(0, 5))]
                attrs = {"type": TYPES[(k + (rng.random() < 0.1)) % 5]} if label == "ACTOR" else {}
                end = min(int(bounds[w1]) - 1, len(text))
                spans.append(SpanData(f"s{k}", int(bounds[w0]), end, label, attrs))
            if rng.random() < 0.5:
                w = int(rng.integers(0, len(wstarts) - 2))
                spans.append(SpanData("x", int(bounds[w]), int(bounds[w + 1]) - 1, "TIME"))
            rels = tuple(
                RelationData(f"r{i}", "agent", spans[i].id, spans[i + 1].id)
                for i in range(0, len(spans) - 1, 4)
            )
            layers[name].append(DocData(f"doc-{d}", text, spans=tuple(spans), relations=rels))
    return layers


def reference_codes(layers: dict[str, list[DocData]]) -> dict[str, np.ndarray]:
    """Annotators x tokens codes per label (NaN where an annotator lacks the document)."""
    names = list(layers)
    ids = [doc.id for doc in layers[names[0]]]
    pos = {doc_id: i for i, doc_id in enumerate(ids)}
    table = tokenize_texts([doc.text for doc in layers[names[0]]])
    out: dict[str, np.ndarray] = {}
    for label in LABELS:
        data = np.full((len(names), table.n_tokens), np.nan)
        for a, name in enumerate(names):
            rows = [
                (pos[doc.id], s.start, s.end)
                for doc in layers[name]
                for s in doc.spans
                if s.label == label
            ]
            arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
            code = cover_tokens_in_table(table, arr[:, 0], arr[:, 1], arr[:, 2])
            have = np.zeros(len(ids), dtype=bool)
            have[[pos[doc.id] for doc in layers[name]]] = True
            keep = np.repeat(have, table.tokens_per_doc())
            data[a, keep] = code[keep]
        out[label] = data
    return out


def run(n_docs: int, seed: int) -> None:
    import krippendorff

    t0 = time.perf_counter()
    layers = make_corpus(n_docs, seed)
    print(
        f"\n== {n_docs} documents x {len(ANNOTATORS)} annotators "
        f"(corpus built in {time.perf_counter() - t0:.1f} s)"
    )
    from annotator.agreement.tokens import token_bounds

    token_bounds("warm up the tokenizer")  # spaCy import and tokenizer construction not timed
    wall, cpu = time.perf_counter(), time.process_time()
    report = agreement_report(layers)
    t_report = (time.perf_counter() - wall, time.process_time() - cpu)
    wall, cpu = time.perf_counter(), time.process_time()
    agreement_report(layers)
    t_warm = (time.perf_counter() - wall, time.process_time() - cpu)
    import tempfile

    from annotator.agreement.tokens import TOKEN_CACHE, stored_tokens

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "bench.annproj"
        TOKEN_CACHE.clear()
        with stored_tokens(project):  # first run with a token file: tokenise and store
            wall, cpu = time.perf_counter(), time.process_time()
            agreement_report(layers)
            t_store = (time.perf_counter() - wall, time.process_time() - cpu)
        TOKEN_CACHE.clear()  # as a new process would start: nothing in memory
        with stored_tokens(project):
            wall, cpu = time.perf_counter(), time.process_time()
            stored_report = agreement_report(layers)
            t_stored = (time.perf_counter() - wall, time.process_time() - cpu)
        assert stored_report.overall == report.overall
    codes = reference_codes(layers)
    n_tokens = next(iter(codes.values())).shape[1]
    t_ref = [0.0, 0.0]
    t_dom = [0.0, 0.0]
    for label, data in codes.items():
        wall, cpu = time.perf_counter(), time.process_time()
        alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        t_ref[0] += time.perf_counter() - wall
        t_ref[1] += time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        krippendorff.alpha(
            reliability_data=data, level_of_measurement="nominal", value_domain=[0.0, 1.0]
        )
        t_dom[0] += time.perf_counter() - wall
        t_dom[1] += time.process_time() - cpu
        mine = report.labels[label]["krippendorff_alpha"]
        assert abs(alpha - mine) < 1e-9, (label, alpha, mine)
    print(f"tokens: {n_tokens:,}; spans per annotator: {dict(report.spans)}")
    print(f"overall: { {k: round(v, 4) for k, v in report.overall.items()} }")
    print("                                                wall s    cpu s")
    print(f"agreement report (all metrics, tokenisation):  {t_report[0]:7.2f}  {t_report[1]:7.2f}")
    ref = f"krippendorff.alpha, {len(codes)} labels:"
    print(
        f"{ref:<47}{t_ref[0]:7.2f}  {t_ref[1]:7.2f}"
        f"   ratio wall {t_report[0] / t_ref[0]:.3f}, cpu {t_report[1] / t_ref[1]:.3f}"
        " (goal <= 0.25)"
    )
    print(
        f"  same with value_domain=[0, 1]:               {t_dom[0]:7.2f}  {t_dom[1]:7.2f}"
        f"   ratio wall {t_report[0] / t_dom[0]:.3f}, cpu {t_report[1] / t_dom[1]:.3f}"
    )
    print(
        f"{'report again, same process (tokens cached):':<47}{t_warm[0]:7.2f}  {t_warm[1]:7.2f}"
        f"   ratio wall {t_warm[0] / t_ref[0]:.3f}, cpu {t_warm[1] / t_ref[1]:.3f}"
    )
    print(
        f"{'first run storing tokens (token file):':<47}{t_store[0]:7.2f}  {t_store[1]:7.2f}"
        f"   ratio wall {t_store[0] / t_ref[0]:.3f}, cpu {t_store[1] / t_ref[1]:.3f}"
    )
    print(
        f"{'report with stored tokens (memory cleared):':<47}{t_stored[0]:7.2f}  {t_stored[1]:7.2f}"
        f"   ratio wall {t_stored[0] / t_ref[0]:.3f}, cpu {t_stored[1] / t_ref[1]:.3f}"
        " (goal <= 0.25)"
    )
    print("alpha values identical to the package's (|diff| < 1e-9) for every label")


def run_projects(sizes: list[int]) -> None:
    """``annotator agreement`` on a project of 3 annotators x n articles, for each n."""
    import os
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_scale import ANNOTATORS as LAYERS
    from bench_scale import Runner, cli, write_annotator

    repo = str(Path(__file__).resolve().parents[1])
    runner = Runner(dict(os.environ, PYTHONPATH=repo), timeout=3600, cap_gb=8)
    peaks: dict[int, list[float]] = {}
    for n in sizes:
        print(f"\n== agreement command, {len(LAYERS)} annotators x {n:,} articles", flush=True)
        print(f"  {'step':40s} {'wall':>11s} {'cpu':>11s} {'peak RSS':>12s}")
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "agree.annproj"
            runner.run("init", cli("init", str(project)))
            for k, name in enumerate(LAYERS):
                layer = Path(tmp) / f"{name}.jsonl"
                write_annotator(layer, n, name, seed=k + 1)
                runner.run(f"import layer {name}", cli("import", str(project), str(layer)))
                layer.unlink()
            args = cli("agreement", str(project), "--annotators", ",".join(LAYERS), "--json")
            first = runner.run("agreement (tokenise and store)", args)
            second = runner.run("agreement again (tokens stored)", args)
            assert first["stdout"] == second["stdout"]
            peaks[n] = [first["peak_rss_mb"], second["peak_rss_mb"]]
    if len(peaks) > 1:
        small, large = peaks[min(peaks)], peaks[max(peaks)]
        print(
            f"\npeak RSS {max(peaks):,} / {min(peaks):,} articles: first run "
            f"{large[0] / small[0]:.2f}x, second run {large[1] / small[1]:.2f}x (goal <= 1.2)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument(
        "--also",
        type=int,
        default=1_000,
        help="then a run of this many documents in a new process (0: none)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--projects",
        help="comma-separated article counts: time the agreement command on such projects",
    )
    args = parser.parse_args()
    if args.projects:
        run_projects([int(x) for x in args.projects.split(",")])
        return
    run(args.docs, args.seed)
    if args.also:  # in a fresh process, so that caches and memory of the first run do not count
        import subprocess

        subprocess.run(
            [
                sys.executable,
                __file__,
                "--docs",
                str(args.also),
                "--also",
                "0",
                "--seed",
                str(args.seed + 1),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
