"""Entry point: ``annotator-gui [PROJECT]`` or ``python -m app [PROJECT]``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from types import TracebackType


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="annotator-gui", description="News Annotator desktop window"
    )
    parser.add_argument(
        "project",
        nargs="?",
        help="project file (.annproj); default: the last project, else the demo project",
    )
    parser.add_argument(
        "--theme", choices=["system", "light", "dark"], help="force a palette for this session"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    from annotator.logfile import setup_logging

    setup_logging("annotator-gui")

    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    from annotator.errors import AnnotatorError
    from annotator.settings import Settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("News Annotator")
    app.setOrganizationName("news-annotator")

    from app.dialogs.common import show_error
    from app.launcher import default_project, follow_system_theme, open_window

    def report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        sys.__excepthook__(exc_type, exc, tb)  # keep the trace on stderr
        show_error(
            QApplication.activeWindow(), "Unexpected error", exc
        )  # logs it with the traceback

    sys.excepthook = report
    follow_system_theme()
    _quit_on_signals(app)

    if args.theme:
        settings = Settings.load()
        settings.theme = args.theme
        settings.save()
    if args.project and "://" in args.project:  # a project on a database server
        from app.launcher import open_server_window

        server_window = open_server_window(args.project)
        return 1 if server_window is None else int(app.exec())
    try:
        path = Path(args.project) if args.project else default_project()
    except AnnotatorError as exc:
        show_error(None, "News Annotator", exc)
        return 1
    if path is None:
        show_error(None, "News Annotator", "No project given; run: annotator-gui PROJECT")
        return 2
    window = open_window(path, create=bool(args.project) and not path.exists())
    if window is None:
        return 1
    probe: QObject | None = None
    if os.environ.get("NEWS_ANNOTATOR_BENCH_STARTUP"):
        from app.startup_probe import StartupProbe

        probe = StartupProbe(window)
    code = int(app.exec())
    del probe  # the start-up probe (if any) lived as long as the event loop
    return 1 if window.open_failed and not code else code


def _quit_on_signals(app: object) -> None:
    """Ctrl+C, closing the terminal (SIGHUP) and ``kill`` (SIGTERM) close the windows as the
    Quit action does (positions saved, locks released), instead of leaving them running.

    Python runs signal handlers only between bytecodes, so a timer lets the interpreter in
    while Qt's event loop waits."""
    import signal

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)

    def close_all(_signum: int, _frame: object) -> None:
        QTimer.singleShot(0, app.closeAllWindows)
        QTimer.singleShot(0, app.quit)

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), close_all)
    timer = QTimer(app)
    timer.setObjectName("signal_wakeup")
    timer.timeout.connect(_let_python_run)
    timer.start(200)


def _let_python_run() -> None:
    """Nothing: returning to the interpreter is enough for pending signal handlers to run."""


if __name__ == "__main__":
    raise SystemExit(main())
