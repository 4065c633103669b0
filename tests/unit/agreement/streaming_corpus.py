"""A random three-annotator corpus on the ``news`` scheme (attributes, actor links, relations,
documents some annotators skip or list with no span), for the streaming agreement tests.

Kept free of imports from the code under test beyond ``annotator.values``, so that
``make_streaming_golden.py`` can run it against the code before the streaming report.
"""

from __future__ import annotations

import random

from annotator.values import DocData, RelationData, SpanData

WORDS = (
    "The minister said on Tuesday that rebels had attacked Tripoli , killing 12 people . "
    "“ We will not accept this , ” he told reporters in Benghazi 😊 . U.S. officials "
    "didn't comment\r\n"
).split(" ")
NAMES = ("alice", "bob", "carol")
ATTRS = {
    "ACTOR": {"type": ["person", "organisation", "government"]},
    "CLAIM": {"form": ["direct_quote", "reported"], "stance": ["support", "oppose", "neutral"]},
    "EVENT": {"type": ["attack", "meeting"], "status": ["occurred", "alleged"]},
    "PLACE": {},
    "TIME": {},
}
ACTORS = (("Haftar", "person"), ("UN", "international_org"), ("GNA", "government"))
# head label -> (relation, tail label) the scheme allows
RELATIONS = {
    "EVENT": (("agent", "ACTOR"), ("target", "ACTOR"), ("place", "PLACE"), ("time", "TIME")),
    "CLAIM": (("about", "ACTOR"), ("about", "EVENT")),
}


def _attrs(rng: random.Random, label: str) -> dict[str, str]:
    return {k: rng.choice(v) for k, v in ATTRS[label].items() if rng.random() < 0.8}


def corpus(seed: int, n_docs: int = 40) -> dict[str, list[DocData]]:
    """Every annotator's documents; spans partly shared through a per-document pool so that
    agreement is neither 0 nor 1."""
    rng = random.Random(seed)
    layers: dict[str, list[DocData]] = {n: [] for n in NAMES}
    for d in range(n_docs):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 60)))
        pool = []
        for _ in range(rng.randint(0, 8) if text else 0):
            s = rng.randint(0, len(text) - 1)
            label = rng.choice(sorted(ATTRS))
            ent = rng.choice(ACTORS) if label == "ACTOR" and rng.random() < 0.5 else (None, None)
            pool.append((s, min(len(text), s + rng.randint(1, 20)), label, _attrs(rng, label), ent))
        for name in NAMES:
            roll = rng.random()
            if roll < 0.25:
                continue  # not annotated by this annotator
            spans: list[SpanData] = []
            if roll > 0.32:  # else listed with no span (annotated, none found)
                for k, (s, e, label, attrs, (ent, ent_type)) in enumerate(pool):
                    if rng.random() > 0.75:
                        continue
                    if rng.random() < 0.15:
                        e = max(s + 1, e - rng.randint(1, 3))
                    if rng.random() < 0.2:
                        attrs = _attrs(rng, label)
                    spans.append(SpanData(f"s{k}", s, e, label, attrs, ent, ent_type))
                if text and rng.random() < 0.4:
                    s = rng.randint(0, len(text) - 1)
                    spans.append(SpanData("x", s, s + 1, rng.choice(["PLACE", "TIME"])))
            rels = []
            for head in spans:
                for rel, tail_label in RELATIONS.get(head.label, ()):
                    tails = [t for t in spans if t.label == tail_label and t.id != head.id]
                    if tails and rng.random() < 0.5:
                        rels.append(RelationData(f"r{len(rels)}", rel, head.id, tails[0].id))
            layers[name].append(
                DocData(
                    f"d{d}", text, {"title": f"t{d}"}, tuple(spans), tuple(rels), annotated=True
                )
            )
    return layers
