"""Print the issue's key figures from a score.py --json file, beside a reference run.

python bench/key_figures.py scores.json [reference.json]
"""

from __future__ import annotations

import json
import sys
from typing import Any

GUM, ECB = "gum_news_dev.jsonl", "ecbplus_dev.jsonl"


def _get(d: dict[str, Any], path: tuple[str, ...]) -> float | None:
    cur: Any = d
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    return float(cur) if isinstance(cur, int | float) else None


def _ten_types(d: dict[str, Any]) -> float | None:
    by = d.get(GUM, {}).get("events/EVENT/recall_by_gold_type")
    if not by:
        return None
    gold = sum(v["gold"] for k, v in by.items() if k != "other")
    found = sum(v["found"] for k, v in by.items() if k != "other")
    return found / gold if gold else None


ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("claimant acc on matched", (GUM, "claims/claimant", "accuracy_on_matched")),
    ("claimant acc coref", (GUM, "claims/claimant", "accuracy_on_matched_coref")),
    ("claimant recall e2e", (GUM, "claims/claimant", "recall_end_to_end")),
    ("agent/target recall", (GUM, "events/roles", "agent/target", "recall_on_matched_triggers")),
    ("agent/target prec", (GUM, "events/roles", "agent/target", "precision_on_matched_triggers")),
    ("place prec", (GUM, "events/roles", "place", "precision_on_matched_triggers")),
    ("time prec", (GUM, "events/roles", "time", "precision_on_matched_triggers")),
    ("CLAIM overlap F", (GUM, "claims/CLAIM/all", "overlap", "f")),
    ("CLAIM exact F", (GUM, "claims/CLAIM/all", "exact", "f")),
    ("CLAIM overlap P", (GUM, "claims/CLAIM/all", "overlap", "p")),
    ("CLAIM overlap R", (GUM, "claims/CLAIM/all", "overlap", "r")),
    ("form acc", (GUM, "claims/form_accuracy", "acc")),
    ("stance acc", (GUM, "claims/stance_accuracy", "acc")),
    ("EVENT F (GUM)", (GUM, "events/EVENT/all", "overlap", "f")),
    ("EVENT P (GUM)", (GUM, "events/EVENT/all", "overlap", "p")),
    ("EVENT R (GUM)", (GUM, "events/EVENT/all", "overlap", "r")),
    ("EVENT status acc", (GUM, "events/EVENT/status_accuracy(matched)", "acc")),
    ("ACTOR named F", (GUM, "entities/ACTOR/named", "overlap", "f")),
    ("ACTOR all F", (GUM, "entities/ACTOR/all", "overlap", "f")),
    ("ACTOR type acc", (GUM, "entities/ACTOR/type_accuracy", "acc")),
    ("PLACE all F", (GUM, "entities/PLACE/all", "overlap", "f")),
    ("TIME all F", (GUM, "entities/TIME/all", "overlap", "f")),
    ("ECB ACTOR all F", (ECB, "entities/ACTOR/all", "overlap", "f")),
    ("ECB EVENT F", (ECB, "events/EVENT/all", "overlap", "f")),
]


def main() -> None:
    ours = json.load(open(sys.argv[1]))
    ref = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {}
    print(f"{'figure':<26} {'ref':>7} {'ours':>7}")
    rows = [(n, _get(ours, p), _get(ref, p)) for n, p in ROWS]
    rows.append(("ten types recall (GUM)", _ten_types(ours), _ten_types(ref)))
    for name, value, base in rows:
        if value is None and base is None:
            continue
        fmt = lambda v: "-" if v is None else f"{100 * v:.1f}"  # noqa: E731
        print(f"{name:<26} {fmt(base):>7} {fmt(value):>7}")


if __name__ == "__main__":
    main()
