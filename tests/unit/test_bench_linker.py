"""The linker benchmark's readings (bench/bench_linker.py): the parsed articles are cached under
the suggestion code's fingerprint, and the empty role slots are summed up (how many can be
filled at all, whether the likeliest candidate is the right one, how right the likeliest
additions are)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from annotator.suggest.correction import Softmax
from annotator.suggest.linker import LinkCand

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import bench_learning
    import bench_linker

    monkeypatch.setattr(bench_learning, "_FINGERPRINT", ["code1"])
    yield bench_linker
    sys.modules.pop("bench_linker", None)
    sys.modules.pop("bench_learning", None)


def test_a_parse_of_other_code_is_not_reused(bench: Any, tmp_path: Path) -> None:
    import bench_learning

    calls: list[int] = []

    def parse() -> list[str]:
        calls.append(1)
        return [f"parse{len(calls)}"]

    assert bench.load_analysed(tmp_path, parse) == ["parse1"]
    assert bench.load_analysed(tmp_path, parse) == ["parse1"]  # kept
    bench_learning._FINGERPRINT[0] = "code2"  # the linker's features changed
    assert bench.load_analysed(tmp_path, parse) == ["parse2"]
    assert len(calls) == 2


def _model() -> Softmax:
    """A role model: "agentish" means agent, "targetish" target, "weak" neither."""
    feats = {"bias": 0, "agentish": 1, "targetish": 2, "weak": 3}
    w = np.zeros((len(feats), 3))
    w[1, 1] = w[2, 2] = w[3, 0] = 6.0
    zero = np.zeros(0)
    return Softmax(("-", "agent", "target"), feats, w, np.zeros((0, 3)), np.zeros(3), zero, zero)


def _cand(head: str, start: int, feat: str, rule: str | None = None, frame: str = "fr=dobj") -> Any:
    return LinkCand("role", head, start, start + 3, "ACTOR", None, ["bias", feat, frame], rule)


def test_empty_slots_are_the_unfilled_roles_of_matched_triggers(bench: Any) -> None:
    cands = [
        _cand("e1", 0, "agentish", rule="agent"),  # e1's agent: filled by the rules
        _cand("e1", 10, "targetish"),  # e1's target: likeliest, wrong
        _cand("e1", 20, "weak"),  # e1's target: right, but less likely
        _cand("e1", 30, "targetish", frame="fr=none"),  # in no frame: never offered
        _cand("e2", 40, "agentish"),  # e2 is no gold trigger: not counted
    ]
    ys = ["agent", "-", "target", "target", "agent"]
    slots = bench.empty_slots(_model(), cands, ys, frozenset({"e1"}))
    assert len(slots) == 1  # e1's target (its agent is filled)
    prob, top_right, any_right = slots[0]
    assert prob > 0.9 and not top_right and any_right


def test_the_slot_summary_separates_ranking_from_deciding_to_fill(bench: Any) -> None:
    slots = [(0.9, False, False), (0.8, True, True), (0.7, False, True), (0.1, True, True)]
    got = bench.slot_summary(slots, tops=(1, 2, 9))
    assert got == {"slots": 4, "with_right": 3, "top_right": 2, "right_of_top": {1: 0, 2: 1}}
