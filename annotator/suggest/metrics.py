"""Suggestion metrics with the dev-set scorer's definitions, against any human layer.

Spans are compared per label in three one-to-one modes:

* exact: equal offsets after trimming spaces, quote marks and edge punctuation on both sides;
* lenient: exact after also dropping leading articles, prepositions and possessive
  determiners, and a final *'s*;
* overlap: at least one shared character, pairs chosen greedily by IoU, best first.

On the overlap-matched pairs: the claimant is right when the suggested claim's ``claimant``
points at a span overlapping the human claimant (a matched claim without one is wrong); an
agent/target/place/time argument of a matched event is found when the suggested event has a
relation of that role whose tail overlaps it; role precision is the share of suggested role
relations of matched events that hit a human argument of the same role. ``form`` and ``stance``
of claims, ``type`` and ``status`` of events are compared on matched pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.values import RelationData, SpanData

EDGE = frozenset("\"'“”‘’«»„` \t\r\n,.;:!?-–—()[]")
LEADING = frozenset(
    "the a an in at on near from to of by for with into his her its their our my this that"
    " these those".split()
)
ROLES = ("agent", "target", "place", "time")
MODES = ("exact", "lenient", "overlap")
_ARREST_LIKE = frozenset({"arrest", "detention"})

Range = tuple[int, int]


def trimmed(text: str, start: int, end: int) -> Range:
    """``[start, end)`` without edge spaces, quote marks and punctuation."""
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in EDGE:
        end -= 1
    return start, end


def lenient_range(text: str, start: int, end: int) -> Range:
    """``trimmed``, then without leading articles/prepositions/possessives and a final 's."""
    start, end = trimmed(text, start, end)
    while True:
        space = text.find(" ", start, end)
        if space == -1 or text[start:space].lower() not in LEADING:
            break
        start, end = trimmed(text, space + 1, end)
    for suffix in ("'s", "’s"):
        if text[start:end].endswith(suffix) and end - start > len(suffix):
            start, end = trimmed(text, start, end - len(suffix))
    return start, end


def _overlap(a: Range, b: Range) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _iou(a: Range, b: Range) -> float:
    inter = _overlap(a, b)
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter else 0.0


def match_spans(
    text: str, gold: Sequence[SpanData], pred: Sequence[SpanData], mode: str
) -> list[tuple[int, int]]:
    """One-to-one (gold index, suggestion index) pairs in ``mode``."""
    pairs: list[tuple[int, int]] = []
    if mode in ("exact", "lenient"):
        key = trimmed if mode == "exact" else lenient_range
        where: dict[Range, list[int]] = defaultdict(list)
        for j, p in enumerate(pred):
            where[key(text, p.start, p.end)].append(j)
        used: set[int] = set()
        for i, g in enumerate(gold):
            for j in where.get(key(text, g.start, g.end), ()):
                if j not in used:
                    used.add(j)
                    pairs.append((i, j))
                    break
        return pairs
    cands: list[tuple[float, int, int]] = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if p.start < g.end and g.start < p.end:
                cands.append((-_iou((g.start, g.end), (p.start, p.end)), i, j))
    cands.sort()
    seen_g: set[int] = set()
    seen_p: set[int] = set()
    for _, i, j in cands:
        if i in seen_g or j in seen_p:
            continue
        seen_g.add(i)
        seen_p.add(j)
        pairs.append((i, j))
    return pairs


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _prf(tp: int, pred: int, gold: int) -> dict[str, float | int | None]:
    p, r = _ratio(tp, pred), _ratio(tp, gold)
    if p is None or r is None:
        f = None
    else:
        f = 2 * p * r / (p + r) if p and r else 0.0
    return {"p": p, "r": r, "f": f, "tp": tp, "gold": gold, "pred": pred}


Tails = dict[str, list[tuple[str, SpanData]]]  # span id -> (relation label, tail) of its relations


def _tails(rels: Iterable[RelationData], by_id: dict[str, SpanData]) -> Tails:
    out: Tails = defaultdict(list)
    for rel in rels:
        tail = by_id.get(rel.tail)
        if tail is not None and rel.head in by_id:
            out[rel.head].append((rel.label, tail))
    return out


def _role_key(role: str) -> str:
    return role if role in ("place", "time") else "agent/target"


def _overlaps(a: SpanData, b: SpanData) -> bool:
    return _overlap((a.start, a.end), (b.start, b.end)) > 0


# The dev set's gold also lists, per event argument, the mentions coreferent with it, and its
# scorer counts a role right on any of them; a project's layer holds no coreference.
ROLE_MATCH_NOTE = (
    "(roles count on the argument's own span; the dev-set scorer also accepts a mention "
    "coreferent with it, which a project does not hold, so its role figures can be higher)"
)


@dataclass(frozen=True, slots=True)
class _Matched:
    """One label's human and suggested spans in one document, paired on overlap, with the
    relations of each span."""

    gold: list[SpanData]
    pred: list[SpanData]
    pairs: dict[int, int]  # gold index -> suggestion index
    gold_tails: Tails
    pred_tails: Tails
    gold_of: dict[int, int] = field(init=False)  # suggestion index -> gold index

    def __post_init__(self) -> None:
        object.__setattr__(self, "gold_of", {j: i for i, j in self.pairs.items()})

    def pred_of(self, i: int) -> SpanData | None:
        """The suggestion paired with the ``i``-th human span (None if none)."""
        j = self.pairs.get(i)
        return None if j is None else self.pred[j]


@dataclass(slots=True)
class NewsScores:
    """Accumulates the metrics over documents; ``report`` gives them as a dict."""

    counts: Counter[str] = field(default_factory=Counter)
    labels: set[str] = field(default_factory=set)
    documents: int = 0

    def add(
        self,
        text: str,
        gold_spans: Sequence[SpanData],
        gold_rels: Sequence[RelationData],
        pred_spans: Sequence[SpanData],
        pred_rels: Sequence[RelationData],
    ) -> None:
        """Count one document (``text``: its text, for trimming and lenient matching)."""
        self.documents += 1
        c = self.counts
        gold_by = {s.id: s for s in gold_spans}
        pred_by = {s.id: s for s in pred_spans}
        gtails = _tails(gold_rels, gold_by)
        ptails = _tails(pred_rels, pred_by)
        self.labels.update(s.label for s in gold_spans)
        # Every label of either side: a suggestion in a document without gold of its label
        # still counts against precision once the layer annotates that label anywhere
        # (``report`` shows only labels the layer annotates).
        for label in sorted({s.label for s in gold_spans} | {s.label for s in pred_spans}):
            gold = [s for s in gold_spans if s.label == label]
            pred = [s for s in pred_spans if s.label == label]
            overlap_pairs: list[tuple[int, int]] = []
            for mode in MODES:
                pairs = match_spans(text, gold, pred, mode)
                c[f"{label}/{mode}/tp"] += len(pairs)
                c[f"{label}/{mode}/pred"] += len(pred)
                c[f"{label}/{mode}/gold"] += len(gold)
                if mode == "overlap":
                    overlap_pairs = pairs
            found = _Matched(gold, pred, dict(overlap_pairs), gtails, ptails)
            if label == "CLAIM":
                self._claims(found)
            if label == "EVENT":
                self._events(found)

    def _claims(self, found: _Matched) -> None:
        c = self.counts
        source_of: dict[int, SpanData | None] = {}
        for i, g in enumerate(found.gold):
            sources = [t for lab, t in found.gold_tails.get(g.id, ()) if lab == "claimant"]
            source_of[i] = sources[0] if sources else None
            p = found.pred_of(i)
            if p is not None:
                for attr in ("form", "stance"):
                    want = g.attrs.get(attr)
                    if want:
                        c[f"claim_{attr}/n"] += 1
                        c[f"claim_{attr}/ok"] += p.attrs.get(attr) == want
            src = source_of[i]
            if src is None:
                continue
            c["claimant/gold"] += 1
            if p is None:
                continue
            c["claimant/matched"] += 1
            tails = [t for lab, t in found.pred_tails.get(p.id, ()) if lab == "claimant"]
            c["claimant/ok"] += any(_overlaps(t, src) for t in tails)
            c["claimant/missing"] += not tails
        for j, p in enumerate(found.pred):
            tails = [t for lab, t in found.pred_tails.get(p.id, ()) if lab == "claimant"]
            if not tails:
                continue
            c["claimant/pred"] += 1
            gi = found.gold_of.get(j)
            src = source_of.get(gi) if gi is not None else None
            if src is not None and any(_overlaps(t, src) for t in tails):
                c["claimant/pred_ok"] += 1

    def _events(self, found: _Matched) -> None:
        c = self.counts
        args: dict[int, list[tuple[str, SpanData]]] = {
            i: [(lab, t) for lab, t in found.gold_tails.get(g.id, ()) if lab in ROLES]
            for i, g in enumerate(found.gold)
        }
        for i, g in enumerate(found.gold):
            p = found.pred_of(i)
            gtype = g.attrs.get("type")
            if p is not None and gtype and gtype != "other":
                ptype = p.attrs.get("type")
                c["event_type/n"] += 1
                c["event_type/ok"] += ptype == gtype or (
                    gtype in _ARREST_LIKE and ptype in _ARREST_LIKE
                )
            if p is not None and g.attrs.get("status"):
                c["event_status/n"] += 1
                c["event_status/ok"] += p.attrs.get("status") == g.attrs["status"]
            for role, arg in args[i]:
                key = _role_key(role)
                c[f"role/{key}/gold"] += 1
                if p is None:
                    continue
                c[f"role/{key}/gold_on_matched"] += 1
                c[f"role/{key}/found"] += any(
                    lab == role and _overlaps(t, arg) for lab, t in found.pred_tails.get(p.id, ())
                )
        for j, p in enumerate(found.pred):
            for lab, t in found.pred_tails.get(p.id, ()):
                if lab not in ROLES:
                    continue
                key = _role_key(lab)
                c[f"role/{key}/pred"] += 1
                gi = found.gold_of.get(j)
                if gi is None:
                    continue
                c[f"role/{key}/pred_on_matched"] += 1
                c[f"role/{key}/pred_ok"] += any(r == lab and _overlaps(t, a) for r, a in args[gi])

    def report(self) -> dict[str, Any]:
        """Every metric by name, in the dev-set scorer's layout (fractions, None when
        undefined)."""
        c = self.counts
        out: dict[str, Any] = {"documents": self.documents}
        if "CLAIM" not in self.labels:
            c = Counter({k: v for k, v in c.items() if not k.startswith(("claim",))})
        if "EVENT" not in self.labels:
            c = Counter({k: v for k, v in c.items() if not k.startswith(("role/", "event_"))})
        for label in sorted(self.labels):
            out[f"{label}/all"] = {
                mode: _prf(
                    c[f"{label}/{mode}/tp"], c[f"{label}/{mode}/pred"], c[f"{label}/{mode}/gold"]
                )
                for mode in MODES
            }
        if c["claimant/gold"]:
            out["claims/claimant"] = {
                "gold_claims_with_source": c["claimant/gold"],
                "accuracy_on_matched": _ratio(c["claimant/ok"], c["claimant/matched"]),
                "recall_end_to_end": _ratio(c["claimant/ok"], c["claimant/gold"]),
                "precision": _ratio(c["claimant/pred_ok"], c["claimant/pred"]),
                "matched_without_claimant": c["claimant/missing"],
                "pred_with_claimant": c["claimant/pred"],
            }
        for name in ("claim_form", "claim_stance", "event_type", "event_status"):
            if c[f"{name}/n"]:
                out[name] = {"acc": c[f"{name}/ok"] / c[f"{name}/n"], "n": c[f"{name}/n"]}
        roles: dict[str, Any] = {}
        for key in ("agent/target", "place", "time"):
            if not c[f"role/{key}/gold"] and not c[f"role/{key}/pred"]:
                continue
            roles[key] = {
                "gold_args": c[f"role/{key}/gold"],
                "recall_on_matched_triggers": _ratio(
                    c[f"role/{key}/found"], c[f"role/{key}/gold_on_matched"]
                ),
                "recall_end_to_end": _ratio(c[f"role/{key}/found"], c[f"role/{key}/gold"]),
                "precision_on_matched_triggers": _ratio(
                    c[f"role/{key}/pred_ok"], c[f"role/{key}/pred_on_matched"]
                ),
                "precision_all": _ratio(c[f"role/{key}/pred_ok"], c[f"role/{key}/pred"]),
                "pred_roles": c[f"role/{key}/pred"],
            }
        if roles:
            out["events/roles"] = roles
        return out

    def lines(self) -> list[str]:
        """The report as text: a P/R/F table per label and mode, then the link metrics."""
        rep = self.report()
        out = [
            f"{'label':<8} {'exact P/R/F':>20} {'lenient F':>10} {'overlap P/R/F':>20} "
            f"{'gold':>6} {'sugg.':>6}"
        ]

        def pct(x: Any) -> str:
            return "  -  " if x is None else f"{100 * x:5.1f}"

        for label in sorted(self.labels):
            row = rep[f"{label}/all"]
            ex, le, ov = row["exact"], row["lenient"], row["overlap"]
            out.append(
                f"{label:<8} {pct(ex['p'])}/{pct(ex['r'])}/{pct(ex['f'])} {pct(le['f']):>10} "
                f"{pct(ov['p'])}/{pct(ov['r'])}/{pct(ov['f'])} {ov['gold']:>6} {ov['pred']:>6}"
            )
        cl = rep.get("claims/claimant")
        if cl:
            out.append(
                f"claimant right on matched claims {pct(cl['accuracy_on_matched'])} %, "
                f"end to end {pct(cl['recall_end_to_end'])} %, precision {pct(cl['precision'])} %"
            )
        for key, row in rep.get("events/roles", {}).items():
            out.append(
                f"{key:<12} on matched triggers: recall {pct(row['recall_on_matched_triggers'])} %,"
                f" precision {pct(row['precision_on_matched_triggers'])} %"
                f" ({row['pred_roles']} suggested)"
            )
        if rep.get("events/roles"):
            out.append(ROLE_MATCH_NOTE)
        for name in ("claim_form", "claim_stance", "event_type", "event_status"):
            if name in rep:
                out.append(f"{name} accuracy {pct(rep[name]['acc'])} % (n={rep[name]['n']})")
        return out
