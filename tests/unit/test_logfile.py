"""The diagnostic log file: where it goes, what the command line writes to it."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

from annotator import logfile


def test_the_log_file_is_in_the_user_data_folder(log_file: Path) -> None:
    from annotator.settings import data_dir

    assert log_file == data_dir() / "logs" / "annotator.log"
    assert log_file.is_relative_to(os.environ["NEWS_ANNOTATOR_DATA_DIR"])  # the test's folder
    logging.getLogger("annotator.test").warning("hello from the test")
    assert "hello from the test" in log_file.read_text("utf-8")


def test_a_failure_is_logged_with_its_traceback_once(log_file: Path) -> None:
    log = logging.getLogger("annotator.test")
    try:
        _fail_deep()
    except ValueError as exc:
        logfile.log_failure(log, "first", exc)
        logfile.log_failure(log, "second", exc)
    text = log_file.read_text("utf-8")
    assert text.count("Traceback (most recent call last)") == 1
    assert "_fail_deep" in text and "ValueError: broken on purpose" in text
    assert "second (traceback logged above)" in text


def test_an_unexpected_cli_error_goes_to_the_log_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli import main as cli_main

    def crash(**_kwargs: object) -> None:
        _fail_deep()

    monkeypatch.setattr(cli_main, "app", crash)
    monkeypatch.setattr(sys, "argv", ["annotator", "stats"])
    monkeypatch.delenv("NEWS_ANNOTATOR_DEBUG", raising=False)
    try:
        with pytest.raises(SystemExit) as exit_info:
            cli_main.main()
    finally:
        logfile.stop_logging()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(logfile.log_path()) in err  # one line, naming the log
    text = logfile.log_path().read_text("utf-8")
    assert "annotator stats started" in text
    assert "Traceback (most recent call last)" in text and "_fail_deep" in text


def _fail_deep() -> None:
    raise ValueError("broken on purpose")
