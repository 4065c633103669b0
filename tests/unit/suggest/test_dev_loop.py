"""The dev-set loop (bench/eval_suggestions.sh) runs on a few dev documents and the scorer's
output has the shape the key figures are read from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EVAL = ROOT / ".." / "shared" / "eval"


def test_dev_loop_on_three_gum_documents(tmp_path: Path) -> None:
    if not (EVAL / "score.py").is_file():
        pytest.skip(f"LOUD SKIP: the dev set is not at {EVAL}; the dev loop cannot run")
    if shutil.which("bash") is None:
        pytest.skip("LOUD SKIP: no bash to run bench/eval_suggestions.sh")
    env = dict(os.environ, PY=sys.executable, EVAL=str(EVAL), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [
            "bash",
            str(ROOT / "bench" / "eval_suggestions.sh"),
            str(tmp_path),
            "--gum",
            "--docs",
            "3",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "claimant acc on matched" in done.stdout
    scores = json.loads((tmp_path / "scores.json").read_text("utf-8"))["gum_news_dev.jsonl"]
    assert scores["documents"]["missing_in_suggestions"] == 21  # 3 of the 24 were run
    for key in ("entities/ACTOR/all", "claims/CLAIM/all", "events/EVENT/all"):
        for mode in ("exact", "lenient", "overlap"):
            row = scores[key][mode]
            assert set(row) >= {"p", "r", "f", "tp", "gold", "pred"}
            assert row["pred"] > 0 and 0.0 <= row["p"] <= 1.0
    claimant = scores["claims/claimant"]
    assert 0.0 <= claimant["accuracy_on_matched"] <= 1.0
    assert claimant["pred_with_claimant"] > 0
    roles = scores["events/roles"]["agent/target"]
    assert {"recall_on_matched_triggers", "precision_on_matched_triggers"} <= set(roles)
    assert (tmp_path / "sug.jsonl").read_text("utf-8").count("\n") == 3
