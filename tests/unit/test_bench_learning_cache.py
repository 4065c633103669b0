"""The simulation benchmark's cache (bench/bench_learning.py --cache): a kept result is read
back instead of recomputed, under a key that names the code it came from."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import bench_learning

    monkeypatch.setattr(bench_learning, "_FINGERPRINT", ["code1"])
    yield bench_learning
    sys.modules.pop("bench_learning", None)


def test_a_kept_result_is_read_back_not_recomputed(bench: Any, tmp_path: Path) -> None:
    calls: list[int] = []

    def make() -> dict[str, list[int]]:
        calls.append(1)
        return {"f": [1, 2]}

    assert bench.cached(tmp_path, "fit-3_4", make) == {"f": [1, 2]}
    assert bench.cached(tmp_path, "fit-3_4", make) == {"f": [1, 2]}
    assert len(calls) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["code1-fit-3_4.pkl"]  # no temporary left
    bench._FINGERPRINT[0] = "code2"  # other code: computed again
    bench.cached(tmp_path, "fit-3_4", make)
    assert len(calls) == 2
    bench.cached(None, "fit-3_4", make)  # no cache folder: always computed
    assert len(calls) == 3


def test_the_fingerprint_leaves_out_the_order_but_not_the_suggestion_code(
    bench: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suggest = tmp_path / "annotator" / "suggest"
    suggest.mkdir(parents=True)
    for name in bench.FINGERPRINT_CORE:
        (tmp_path / "annotator" / name).write_text("# core\n")
    (tmp_path / "resources" / "schemes").mkdir(parents=True)
    (tmp_path / "resources" / "schemes" / "news.yaml").write_text("labels: []\n")
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "gum_news_dev.jsonl").write_text("{}\n")
    (suggest / "correction").mkdir()  # a package: its modules count too
    (suggest / "correction" / "__init__.py").write_text("")
    (suggest / "correction" / "classifier.py").write_text("PRIOR = 3.0\n")
    (suggest / "ordering.py").write_text("APP_SCORE = 'total'\n")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    monkeypatch.setattr(bench, "EVAL", tmp_path / "eval")
    first = bench.fingerprint()
    assert len(first) == 16 and bench.fingerprint() == first
    (suggest / "ordering.py").write_text("APP_SCORE = 'gain'\n")  # orders never change fits
    assert bench.fingerprint() == first
    (suggest / "correction" / "classifier.py").write_text("PRIOR = 2.0\n")
    assert bench.fingerprint() != first
    (suggest / "correction" / "classifier.py").write_text("PRIOR = 3.0\n")
    (tmp_path / "eval" / "gum_news_dev.jsonl").write_text("{ }\n")  # other gold
    assert bench.fingerprint() != first


def test_the_options_of_a_cached_run_are_written_as_json(bench: Any, tmp_path: Path) -> None:
    import argparse
    import json

    args = argparse.Namespace(cache=tmp_path / "c", json=tmp_path / "a.json", seed=1, quick=False)
    form = json.loads(json.dumps(bench.form_of(args)))
    assert form == {
        "cache": str(tmp_path / "c"),
        "json": str(tmp_path / "a.json"),
        "seed": 1,
        "quick": False,
    }
