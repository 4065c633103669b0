"""Server tests skip loudly without a PostgreSQL test server, and fail instead under CI."""

from __future__ import annotations

import pg_server
import pytest
from pg_server import ENV, SKIPPED, require_postgres


def test_absent_server_skips_with_a_visible_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="NEEDS PostgreSQL"):
        require_postgres()
    assert SKIPPED and ENV in SKIPPED[-1]
    SKIPPED.pop()  # not a real gap: keep the end-of-run warning honest


def test_absent_server_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv(ENV, "postgresql+psycopg://nobody@/postgres?host=/nonexistent-dir")
    before = len(SKIPPED)
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_postgres()
    assert len(SKIPPED) == before
    pg_server._probe.cache_clear()
