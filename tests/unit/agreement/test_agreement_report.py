"""agreement_report: numbers against the reference packages, hand-computed F1, degenerate cases."""

from __future__ import annotations

import json
import math
from itertools import combinations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.agreement.report import agreement_report
from annotator.errors import AgreementFailed
from annotator.values import DocData, RelationData, SpanData

from .helpers import LABELS, fleiss_reference, random_layers, reference_codes


@pytest.mark.parametrize("seed", range(6))
def test_token_metrics_match_reference_packages(seed: int) -> None:
    layers = random_layers(seed, names=("a", "b", "c", "d")[: 2 + seed % 3])
    report = agreement_report(layers, labels=list(LABELS))
    finite = 0
    for label in LABELS:
        data = reference_codes(layers, label)
        got = report.labels[label]
        try:
            alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        except ValueError:  # the package refuses data with a single value
            alpha = float("nan")
        assert got["krippendorff_alpha"] == pytest.approx(alpha, abs=1e-12, nan_ok=True)
        assert got["fleiss_kappa"] == pytest.approx(fleiss_reference(data), abs=1e-12, nan_ok=True)
        kappas = []
        for a, b in combinations(range(len(data)), 2):
            both = ~np.isnan(data[a]) & ~np.isnan(data[b])
            if both.any() and len(set(data[a, both]) | set(data[b, both])) > 1:
                kappas.append(cohen_kappa_score(data[a, both], data[b, both]))
        expected = float(np.mean(kappas)) if kappas else float("nan")
        assert got["cohen_kappa"] == pytest.approx(expected, abs=1e-12, nan_ok=True)
        finite += sum(not math.isnan(got[k]) for k in ("krippendorff_alpha", "fleiss_kappa"))
    assert finite > 0  # NaN == NaN everywhere would prove nothing


@pytest.mark.parametrize("seed", range(6))
def test_overlap_f1_is_never_below_exact_f1(seed: int) -> None:
    report = agreement_report(random_layers(50 + seed, n_docs=20))
    every = [*report.labels.values(), *report.pairs.values(), report.overall]
    defined = [m for m in every if not math.isnan(m["span_f1_exact"])]
    # The random layers share spans: most of the scores are defined, the overall one always.
    assert not math.isnan(report.overall["span_f1_exact"])
    assert len(defined) > len(every) // 2, (len(defined), len(every))
    for metrics in defined:
        assert metrics["span_f1_overlap"] >= metrics["span_f1_exact"] - 1e-12


def _doc(doc_id: str, text: str, *spans: tuple, rels: tuple = ()) -> DocData:
    return DocData(
        doc_id,
        text,
        spans=tuple(SpanData(s[0], s[1], s[2], s[3], s[4] if len(s) > 4 else {}) for s in spans),
        relations=tuple(RelationData(f"r{i}", lab, h, t) for i, (lab, h, t) in enumerate(rels)),
    )


TEXT = "Haftar said the army attacked Tripoli on Monday."


def test_hand_computed_f1_relations_and_attributes() -> None:
    a = [
        _doc(
            "d1",
            TEXT,
            ("h", 0, 6, "ACTOR", {"type": "person"}),
            ("r", 16, 20, "ACTOR", {"type": "government"}),
            ("e", 21, 29, "EVENT"),
            ("p", 30, 37, "PLACE"),
            rels=(("agent", "e", "r"), ("place", "e", "p")),
        )
    ]
    b = [
        _doc(
            "d1",
            TEXT,
            ("h", 0, 6, "ACTOR", {"type": "person"}),
            ("r", 12, 20, "ACTOR", {"type": "government"}),
            ("e", 21, 29, "EVENT"),
            ("t", 38, 47, "TIME"),
            rels=(("agent", "e", "r"),),
        )
    ]
    report = agreement_report({"a": a, "b": b})
    # ACTOR: exact 1 of (2 + 2) -> 0.5; overlap 2 -> 1.0. EVENT 1/1. PLACE, TIME: 0 matches.
    assert report.labels["ACTOR"]["span_f1_exact"] == pytest.approx(0.5)
    assert report.labels["ACTOR"]["span_f1_overlap"] == pytest.approx(1.0)
    assert report.labels["EVENT"]["span_f1_exact"] == pytest.approx(1.0)
    assert report.labels["PLACE"]["span_f1_exact"] == 0.0
    assert report.pairs["a|b"]["span_f1_exact"] == pytest.approx(2 * 2 / 8)
    assert report.pairs["a|b"]["span_f1_overlap"] == pytest.approx(2 * 3 / 8)
    # agent: heads equal, tails differ ([16,20) vs [12,20)) -> no match; place only in a
    assert report.relations["agent"]["f1"] == 0.0
    assert report.relations["place"]["f1"] == 0.0
    assert report.overall["relation_f1"] == 0.0
    assert report.attributes["ACTOR.type"]["items"] == 1  # only the exactly matching Haftar
    assert report.attributes["ACTOR.type"]["percent_agreement"] == 1.0
    assert report.documents == 1 and report.annotators == ("a", "b")


def test_relations_match_on_exact_head_and_tail() -> None:
    a = [
        _doc(
            "d1",
            TEXT,
            ("x", 0, 6, "ACTOR"),
            ("y", 21, 29, "EVENT"),
            rels=(("agent", "y", "x"), ("target", "y", "x")),
        )
    ]
    b = [
        _doc("d1", TEXT, ("p", 0, 6, "ACTOR"), ("q", 21, 29, "EVENT"), rels=(("agent", "q", "p"),))
    ]
    report = agreement_report({"a": a, "b": b})
    assert report.relations["agent"]["f1"] == 1.0
    assert report.relations["target"]["f1"] == 0.0
    assert report.overall["relation_f1"] == pytest.approx(2 * 1 / 3)


def test_missing_documents_are_not_zero() -> None:
    both = _doc("d1", TEXT, ("h", 0, 6, "ACTOR"))
    only_a = _doc("d2", "Sarraj met Haftar.", ("s", 0, 6, "ACTOR"))
    with_gap = agreement_report({"a": [both, only_a], "b": [both]})
    alone = agreement_report({"a": [both], "b": [both]})
    assert with_gap.labels["ACTOR"] == alone.labels["ACTOR"]
    assert with_gap.documents == 1 and with_gap.documents_total == 2
    # an annotated document with no spans is a document of zeros, not a missing one
    empty_b = agreement_report({"a": [both, only_a], "b": [both, _doc("d2", "Sarraj met Haftar.")]})
    assert empty_b.labels["ACTOR"]["span_f1_exact"] == pytest.approx(2 * 1 / 3)
    assert empty_b.documents == 2


@pytest.mark.parametrize(
    "layers",
    [
        {},
        {"a": [_doc("d1", TEXT, ("h", 0, 6, "ACTOR"))]},  # one annotator
        {"a": [_doc("d1", TEXT, ("h", 0, 6, "ACTOR"))], "b": [_doc("d2", TEXT)]},  # no overlap
        {"a": [_doc("d1", TEXT)], "b": [_doc("d1", TEXT)]},  # nothing annotated at all
        {"a": [_doc("d1", "")], "b": [_doc("d1", "")]},  # empty text
    ],
)
def test_degenerate_cases_give_null_not_errors(layers: dict) -> None:
    report = agreement_report(layers, labels=["ACTOR"])
    data = json.loads(report.to_json())
    assert set(data) >= {
        "annotators",
        "documents",
        "labels",
        "overall",
        "pairs",
        "relations",
        "attributes",
    }
    assert data["labels"]["ACTOR"]["krippendorff_alpha"] is None
    assert data["overall"]["fleiss_kappa"] is None
    assert math.isnan(report.overall["span_f1_exact"]) or report.overall["span_f1_exact"] == 0.0


def test_labels_restrict_spans_relations_and_attributes() -> None:
    a = [
        _doc(
            "d1",
            TEXT,
            ("h", 0, 6, "ACTOR", {"type": "person"}),
            ("e", 21, 29, "EVENT"),
            rels=(("agent", "e", "h"),),
        )
    ]
    b = [
        _doc(
            "d1",
            TEXT,
            ("h", 0, 6, "ACTOR", {"type": "person"}),
            ("e", 21, 29, "EVENT"),
            rels=(("agent", "e", "h"),),
        )
    ]
    report = agreement_report({"a": a, "b": b}, labels=["ACTOR"])
    assert list(report.labels) == ["ACTOR"]
    assert report.relations == {}
    assert report.labels["ACTOR"]["krippendorff_alpha"] == 1.0
    assert report.spans == {"a": 1, "b": 1}


def test_json_has_the_contract_keys_and_pairs() -> None:
    report = agreement_report(random_layers(3))
    data = json.loads(report.to_json())
    assert data["annotators"] == ["a", "b", "c"]
    assert set(data["pairs"]) == {"a|b", "a|c", "b|c"}
    for metrics in data["labels"].values():
        assert set(metrics) == {
            "span_f1_exact",
            "span_f1_overlap",
            "cohen_kappa",
            "fleiss_kappa",
            "krippendorff_alpha",
        }
    assert all(set(v) == {"f1"} for v in data["relations"].values())


def test_different_texts_and_bad_offsets_are_refused() -> None:
    with pytest.raises(AgreementFailed, match="d1"):
        agreement_report({"a": [_doc("d1", TEXT)], "b": [_doc("d1", TEXT + " More.")]})
    with pytest.raises(AgreementFailed, match="outside the text"):
        agreement_report({"a": [_doc("d1", "short", ("x", 2, 99, "ACTOR"))]})
    with pytest.raises(AgreementFailed, match="twice"):
        agreement_report({"a": [_doc("d1", TEXT), _doc("d1", TEXT)]})
