"""The diagnostic log: a rotating file in the user data folder, for bug reports.

Not the project's event log (who changed what, stored in the project). The entry points (the
``annotator`` command line and ``python -m app``) call :func:`setup_logging` once; library code
only uses ``logging.getLogger(__name__)``. Errors the window shows in a dialog, and failures of
background tasks, are written here with their traceback (:func:`log_failure`), so a user can
send the file when a message box alone does not explain what went wrong.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from annotator.settings import data_dir

LOG_FILE = "annotator.log"
MAX_BYTES = 1_000_000  # per file; three older files are kept beside it
BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)s %(process)d %(threadName)s %(name)s: %(message)s"
_LOGGED = "_annotator_traceback_logged"  # set on an exception once its traceback is in the log


class _OurHandler(RotatingFileHandler):
    """Marks the handler :func:`setup_logging` installed, so a second call replaces it."""


def log_path() -> Path:
    """Where the log goes: ``<user data folder>/logs/annotator.log``."""
    return data_dir() / "logs" / LOG_FILE


def setup_logging(program: str, level: int = logging.INFO) -> Path | None:
    """Send log records of ``level`` and above to the rotating log file; return its path, or
    None when the folder cannot be written (the program runs on without a log file)."""
    stop_logging()
    root = logging.getLogger()
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _OurHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    logging.captureWarnings(True)
    logging.getLogger("annotator").info("%s started; logging to %s", program, path)
    return path


def stop_logging() -> None:
    """Close and remove the handler :func:`setup_logging` installed (tests; a clean exit)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
        old.close()
        logging.captureWarnings(False)


def log_failure(logger: logging.Logger, message: str, exc: BaseException) -> None:
    """Log ``message`` at ERROR with the traceback of ``exc``, once: when the same exception is
    logged again (a task's failure, then the dialog showing it) only the message is added."""
    if exc.__dict__.get(_LOGGED):
        logger.error("%s (traceback logged above)", message)
        return
    logger.error("%s", message, exc_info=(type(exc), exc, exc.__traceback__))
    exc.__dict__[_LOGGED] = True
