"""Opening a project in a window: lock, first-run name, recent projects, theme."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QWidget

from annotator.errors import AnnotatorError
from annotator.settings import Settings, current_user
from app.context import AppContext
from app.dialogs.common import ask_user_name, show_error
from app.main_window import MainWindow
from app.startup import ProjectHandle, peek_project
from app.theme import apply_theme

if TYPE_CHECKING:
    from annotator.project import Project

_windows: list[MainWindow] = []  # keeps open windows alive


def lock_path(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


def writable(path: Path) -> bool:
    """Whether this user may write the project file and create files in its folder."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def acquire_lock(project: Path) -> QLockFile | None:
    """Lock a project for this process; None when another running instance holds it."""
    lock = QLockFile(str(lock_path(project)))
    lock.setStaleLockTime(0)  # a lock is stale only when its process is gone
    if lock.tryLock(100):
        return lock
    if lock.removeStaleLockFile() and lock.tryLock(100):
        return lock
    return None


def annotator_name(settings: Settings | None = None) -> str:
    """The user's annotator name; asked once on the first run and remembered."""
    if os.environ.get("NEWS_ANNOTATOR_USER"):
        return current_user()
    settings = settings if settings is not None else Settings.load()
    if not settings.annotator:
        name = ask_user_name(None, current_user())
        settings.annotator = name or current_user()
        settings.save()
    return settings.annotator


def _workfile_owner(project: Project) -> str | None:
    """A work file packaged for an annotator is annotated as that annotator, whoever opens it,
    so that merging it back finds the work in her layer."""
    from annotator.team.workfile import workfile_owner

    try:
        with project.session() as session:
            return workfile_owner(session)
    except AnnotatorError:
        return None


def _open_project(path: Path) -> Project:
    from annotator.project import Project

    return Project.open(path)


def open_window(path: Path, create: bool = False, defer_database: bool = True) -> MainWindow | None:
    """Open (or create) a project in a new window; show errors as dialogs; None on failure.

    With ``defer_database`` (at start-up), an existing project's window is built from a quick
    read-only look at the file (scheme and owner) and painted before the database layer loads;
    the window then opens the project (:meth:`MainWindow.start`) and closes with a message if
    that fails. Without it, a project that cannot open gives None (the calling window stays)."""
    path = Path(path).expanduser().resolve()
    # A file (or folder) this user cannot write opens read-only, without asking: it is not
    # "open elsewhere", and an editable window would only fail on the first edit.
    read_only = path.exists() and not create and not writable(path)
    lock = acquire_lock(path) if path.parent.exists() and not read_only else None
    if lock is None and path.parent.exists() and not read_only:
        answer = QMessageBox.question(
            None,
            "Project already open",
            f"{path.name} is open in another News Annotator window or on another computer "
            "sharing this folder.\n\nOpen it read-only here? (Edits are refused; open it for "
            "writing once the other window is closed.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        read_only = True
    peek = peek_project(path) if defer_database and not create else None
    project: Project | ProjectHandle
    if peek is not None:
        project = ProjectHandle(path, peek.scheme, _open_project)
        owner = peek.workfile_owner
    else:
        try:
            from annotator.project import Project

            project = Project.create(path) if create else Project.open(path)
        except AnnotatorError as exc:
            if lock is not None:
                lock.unlock()
            show_error(None, "Cannot open the project", exc)
            return None
        owner = _workfile_owner(project)
    settings = Settings.load()
    user = owner or annotator_name(settings)
    settings.add_recent(str(path))
    settings.save()
    app = QApplication.instance()
    dark = apply_theme(app, settings.theme) if isinstance(app, QApplication) else False
    # a ProjectHandle stands in for the Project (it opens it on first use), duck-typed
    context = AppContext(project, user, read_only=read_only)  # type: ignore[arg-type]
    window = MainWindow(context, lock, dark=dark, settings=settings)
    from app.file_watch import FileWatch

    window.file_watch = FileWatch(window, Path(path))  # type: ignore[attr-defined]
    _windows.append(window)
    window.destroyed.connect(lambda *_: _forget(window))
    window.show()
    window.start_after_first_paint()
    return window


def _with_password(url: str, parent: QWidget | None) -> str | None:
    """``url`` with a password asked for now (never stored), or None when cancelled."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    password, ok = QInputDialog.getText(
        parent,
        "Server password",
        f"Password of {parsed.username or 'your role'} on {parsed.host or 'the server'}:",
        QLineEdit.EchoMode.Password,
    )
    if not ok:
        return None
    return parsed.set(password=password).render_as_string(hide_password=False)


def open_server_window(url: str, parent: QWidget | None = None) -> MainWindow | None:
    """A window on a project at a PostgreSQL URL. The server does the locking (no lock file)
    and the access control: the layer is the connected role's name (``annotator grant``),
    else the annotator name. The URL is not added to the recent projects (it may carry a
    password); the password comes from PGPASSWORD or ~/.pgpass."""
    from annotator.project import Project

    try:
        project = Project.open(url)
    except AnnotatorError as exc:
        retry = _with_password(url, parent) if "password" in str(exc) else None
        try:
            if retry is None:
                raise
            project = Project.open(retry)
        except AnnotatorError as final:
            show_error(parent, "Cannot open the server project", final)
            return None
    settings = Settings.load()
    user = project.server_role or annotator_name(settings)
    app = QApplication.instance()
    dark = apply_theme(app, settings.theme) if isinstance(app, QApplication) else False
    window = MainWindow(AppContext(project, user), None, dark=dark, settings=settings)
    from app.server_watch import ServerWatch

    window.server_watch = ServerWatch(window)  # type: ignore[attr-defined]
    _windows.append(window)
    window.destroyed.connect(lambda *_: _forget(window))
    window.show()
    window.start_after_first_paint()
    return window


def follow_system_theme() -> None:
    """Re-apply the palette when the system switches between light and dark."""
    hints = QGuiApplication.styleHints()
    signal = getattr(hints, "colorSchemeChanged", None)
    if signal is not None:
        signal.connect(_system_scheme_changed)


def _system_scheme_changed(*_args: object) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication) or Settings.load().theme != "system":
        return
    dark = apply_theme(app, "system")
    for window in _windows:
        window.view.highlighter.set_dark(dark)
        window.refresh_icons()


def _forget(window: MainWindow) -> None:
    if window in _windows:
        _windows.remove(window)


def default_project() -> Path | None:
    """The last project that still exists, else the demo project (created on first run)."""
    for recent in Settings.load().recent_projects:
        if Path(recent).exists():
            return Path(recent)
    from annotator.demo import ensure_demo_project

    # Ask the name first: the demo gives the new annotator's own layer a few annotated articles.
    return ensure_demo_project(annotator_name())
