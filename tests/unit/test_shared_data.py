"""Tests that need ../shared skip loudly when it is absent, and fail instead under CI."""

from __future__ import annotations

import pytest
from shared_data import MISSING, SHARED, require_shared


def test_present_shared_data_is_returned() -> None:
    corpus = require_shared("corpus")
    assert corpus.is_dir() and corpus == (SHARED / "corpus").resolve()


def test_absent_shared_data_skips_with_a_visible_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"NEEDS \.\./shared/no-such-folder"):
        require_shared("no-such-folder")
    assert "no-such-folder" in MISSING
    MISSING.discard("no-such-folder")  # not a real gap: keep the end-of-run warning honest


def test_absent_shared_data_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_shared("no-such-folder")
    assert "no-such-folder" not in MISSING
