"""What the window remembers between runs: layout (QSettings with a layout version) and, per
project, the open document, scroll position, selected span and text selection; and the first
layout, for a window with nothing remembered (``first_layout``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from annotator.settings import config_dir

LAYOUT_VERSION = 2


def window_settings() -> QSettings:
    """An INI file in the user's config folder (isolated by NEWS_ANNOTATOR_CONFIG_DIR)."""
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


def project_key(path: Path) -> str:
    key = str(Path(path).resolve()).replace("/", "|").replace("\\", "|")
    return f"projects/{key}"


def restore_layout(window: QMainWindow) -> bool:
    """Restore geometry and dock layout; False when nothing (or an older layout) was saved."""
    qs = window_settings()
    if qs.value("layout_version", 0, int) != LAYOUT_VERSION:
        return False
    geometry = qs.value("geometry")
    state = qs.value("window_state")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    return isinstance(state, QByteArray) and window.restoreState(state, LAYOUT_VERSION)


def save_layout(window: QMainWindow) -> None:
    qs = window_settings()
    qs.setValue("layout_version", LAYOUT_VERSION)
    qs.setValue("geometry", window.saveGeometry())
    qs.setValue("window_state", window.saveState(LAYOUT_VERSION))
    qs.sync()


def save_position(
    project: Path, doc_id: int, scroll: int, span_id: int, selection: tuple[int, int]
) -> None:
    qs = window_settings()
    prefix = project_key(project)
    qs.setValue(f"{prefix}/doc", doc_id)
    qs.setValue(f"{prefix}/scroll", scroll)
    qs.setValue(f"{prefix}/span", span_id)
    qs.setValue(f"{prefix}/sel_start", selection[0])
    qs.setValue(f"{prefix}/sel_end", selection[1])
    qs.sync()  # on disk at once: a killed app still reopens here


def load_position(project: Path) -> dict[str, Any]:
    """{"doc", "scroll", "span", "sel"} of the last session on this project ({} if none)."""
    qs = window_settings()
    prefix = project_key(project)

    def number(key: str) -> int:
        value = qs.value(f"{prefix}/{key}", 0, int)
        return value if isinstance(value, int) else 0

    doc_id = number("doc")
    if not doc_id:
        return {}
    return {
        "doc": doc_id,
        "scroll": number("scroll"),
        "span": number("span"),
        "sel": (number("sel_start"), number("sel_end")),
    }


def forget_position(project: Path) -> None:
    """Drop the place remembered for ``project`` (its document is gone)."""
    qs = window_settings()
    prefix = project_key(project)
    for key in ("doc", "scroll", "span", "sel_start", "sel_end"):
        qs.remove(f"{prefix}/{key}")
    qs.sync()


def save_model_dir(project: Path, model_dir: str) -> None:
    """The model folder last trained or chosen for ``project`` (pre-annotation, queue order)."""
    qs = window_settings()
    qs.setValue(f"{project_key(project)}/model_dir", model_dir)
    qs.sync()


def load_model_dir(project: Path) -> str:
    """The model folder remembered for ``project`` ("" if none, or if it is gone)."""
    value = window_settings().value(f"{project_key(project)}/model_dir", "")
    if not isinstance(value, str) or not value:
        return ""
    return value if Path(value).is_dir() else ""


FIRST_SIZE = (1400, 860)  # the window's first size where the screen has room for it
DOCK_SHARES = (0.24, 0.31)  # the document list's and the inspector's share of its width


def first_layout(screen_width: int, screen_height: int) -> tuple[int, int, tuple[int, int]]:
    """The first window size on a screen of that room, and the widths of the document list
    and the inspector: shares of the window, so that on a small screen the article keeps
    almost half of it (fixed 340 + 430 px left it 300 px of 1024)."""
    width = min(FIRST_SIZE[0], screen_width)
    height = min(FIRST_SIZE[1], screen_height)
    return width, height, (round(width * DOCK_SHARES[0]), round(width * DOCK_SHARES[1]))
