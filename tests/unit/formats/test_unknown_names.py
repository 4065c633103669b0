"""Issue 11 defect 7: every unknown label, relation, attribute and value in ONE error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.project import Project
from annotator.transfer.importing import import_paths


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_all_unknown_attributes_and_values_in_one_error(tmp_path: Path) -> None:
    text = "Haftar attacked Tripoli on Monday."
    src = _write(
        tmp_path / "bad.jsonl",
        [
            {
                "text": text,
                "spans": [
                    {"start": 0, "end": 6, "label": "ACTOR", "attrs": {"type": "warlord"}},
                    {"start": 7, "end": 15, "label": "EVENT", "attrs": {"mood": "grim"}},
                ],
            },
            {
                "text": text + " Again.",
                "spans": [
                    {"start": 0, "end": 6, "label": "ACTOR", "attrs": {"type": "warlord"}},
                    {"start": 16, "end": 23, "label": "PLACE", "attrs": {"size": "big"}},
                    {"start": 27, "end": 33, "label": "TIME", "attrs": {}},
                ],
            },
        ],
    )
    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        with pytest.raises(ImportFailed) as info:
            import_paths(proj, [src], "jsonl")
        msg = info.value.message
        assert msg.startswith("3 names unknown to scheme 'news'")
        assert "'warlord' is not a value of ACTOR.type" in msg and "(2 x, first at " in msg
        assert "label 'EVENT' has no attribute 'mood' (1 x" in msg
        assert "label 'PLACE' has no attribute 'size' (1 x, first at " in msg
        assert "bad.jsonl:2)" in msg and f"{src}:1: " in str(info.value)
        assert "\n" not in str(info.value)
    finally:
        proj.close()


def test_unknown_labels_and_attributes_together(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "mixed.jsonl",
        [
            {
                "text": "Haftar attacked Tripoli.",
                "spans": [
                    {"start": 0, "end": 6, "label": "PERSON"},
                    {"start": 7, "end": 15, "label": "EVENT", "attrs": {"type": "bombing"}},
                    {"start": 16, "end": 23, "label": "GPE"},
                ],
            }
        ],
    )
    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        with pytest.raises(ImportFailed) as info:
            import_paths(proj, [src], "jsonl")
        msg = info.value.message
        assert "PERSON (1 span)" in msg and "GPE (1 span)" in msg
        assert "also unknown: 'bombing' is not a value of EVENT.type" in msg
    finally:
        proj.close()
