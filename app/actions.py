"""Every menu and toolbar action, declared once: (id, text, shortcut, handler, menu)."""

from __future__ import annotations

import importlib.util
from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar

from app.theme import undo_icon


class ActionSpec(NamedTuple):
    id: str
    text: str
    shortcut: str  # portable text ("Ctrl+Z"), "" for none
    handler: str  # method name on the main window
    menu: str  # File, Edit, Annotate, Suggestions, View, Help
    toolbar: bool = False
    icon: str = ""  # a QStyle standard pixmap name
    tip: str = ""
    checkable: bool = False  # the handler gets the new checked state


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new_project", "&New project…", "Ctrl+Shift+N", "new_project", "File", icon="SP_FileIcon"
    ),
    ActionSpec(
        "open_project",
        "&Open project…",
        "Ctrl+O",
        "open_project_dialog",
        "File",
        True,
        "SP_DialogOpenButton",
    ),
    ActionSpec(
        "open_server",
        "Open &server project…",
        "",
        "open_server_dialog",
        "File",
        tip="Open a project on a PostgreSQL server (its URL; the password is never stored)",
    ),
    ActionSpec(
        "import_files",
        "&Import files…",
        "Ctrl+I",
        "import_files",
        "File",
        True,
        "",
        "Import documents or annotations (also: drop files here)",
    ),
    ActionSpec(
        "export",
        "&Export…",
        "Ctrl+E",
        "export_dialog",
        "File",
        True,
        "",
        "Export annotations in a training or analysis format",
    ),
    ActionSpec("quit", "&Quit", "Ctrl+Q", "close", "File"),
    # Undo and redo are the undo stack's own actions (their text names the step, e.g.
    # "Undo Add ACTOR", and they enable themselves); the handler is not connected.
    ActionSpec("undo", "&Undo", "Ctrl+Z", "undo", "Edit", True),
    ActionSpec("redo", "&Redo", "Ctrl+Shift+Z", "redo", "Edit", True),
    ActionSpec("find", "&Find in document…", "Ctrl+F", "find_in_document", "Edit"),
    ActionSpec("find_all", "Find in &all documents…", "Ctrl+Shift+F", "find_all", "Edit"),
    ActionSpec("delete_span", "&Delete span", "Del", "delete_span", "Annotate"),
    ActionSpec("link", "&Link claimant / role…", "L", "start_link", "Annotate"),
    ActionSpec("accept", "&Accept suggestion", "A", "accept_suggestion", "Annotate"),
    ActionSpec(
        "accept_label",
        "Accept all suggestions of this &label",
        "Shift+A",
        "accept_label",
        "Annotate",
    ),
    ActionSpec("reject", "&Reject suggestion", "R", "reject_suggestion", "Annotate"),
    ActionSpec(
        "done_next",
        "Mark &done and open next",
        "Ctrl+Return",
        "done_and_next",
        "Annotate",
        True,
        "SP_DialogApplyButton",
    ),
    ActionSpec(
        "skip_next", "Mark &skipped and open next", "Ctrl+Shift+Return", "skip_and_next", "Annotate"
    ),
    ActionSpec(
        "preannotate",
        "&Pre-annotate…",
        "",
        "preannotate",
        "Suggestions",
        tip="Add suggestions to every document: the default ones or a trained model's",
    ),
    ActionSpec(
        "train_model",
        "&Train a model on the team's labels…",
        "",
        "train_model",
        "Suggestions",
        tip="Learn from a layer and compare with the default suggestions on held-out documents",
    ),
    ActionSpec(
        "order_uncertainty",
        "Queue: most &uncertain documents first",
        "",
        "order_by_uncertainty",
        "Suggestions",
        tip="Order the document list and Done, next by the trained model's uncertainty",
        checkable=True,
    ),
    ActionSpec(
        "reload",
        "Re&load from the project",
        "F5",
        "reload_project",
        "View",
        tip="Show what other programs wrote to the project meanwhile (an import, a merge)",
    ),
    ActionSpec(
        "article_only",
        "&Article only (hide the side panels)",
        "Ctrl+Shift+H",
        "set_article_only",
        "View",
        tip="Hide the side panels (documents, labels, inspector, actors), or show them again",
        checkable=True,
    ),
    ActionSpec("zoom_in", "&Larger text", "Ctrl++", "zoom_in", "View"),
    ActionSpec("zoom_out", "&Smaller text", "Ctrl+-", "zoom_out", "View"),
    ActionSpec("theme_system", "Theme: follow the &system", "", "theme_system", "View"),
    ActionSpec("theme_light", "Theme: &light", "", "theme_light", "View"),
    ActionSpec("theme_dark", "Theme: &dark", "", "theme_dark", "View"),
    ActionSpec("review", "&Review mode", "Ctrl+R", "show_review", "View", True),
    ActionSpec("dashboard", "Das&hboard", "Ctrl+D", "show_dashboard", "View", True),
    ActionSpec("shortcuts", "&Keyboard shortcuts", "F1", "show_shortcuts", "Help"),
    ActionSpec("about", "&About", "", "show_about", "Help"),
)

TOOLBAR_TEXT = {
    "open_project": "Open",
    "import_files": "Import",
    "export": "Export",
    "done_next": "Done, next",
    "review": "Review",
    "dashboard": "Dashboard",
}

# Keys handled inside the article view (not menu actions), for the shortcut sheet.
VIEW_KEYS: tuple[tuple[str, str], ...] = (
    (
        "1 … 5 (label keys)",
        "Label the selection (snapped to whole words), or relabel the selected span",
    ),
    ("Alt + label key", "Label the exact selection, without snapping"),
    ("Shift + arrows", "Select text with the keyboard"),
    ("Tab / Shift+Tab", "Next / previous span or suggestion (while linking: next candidate)"),
    ("Delete", "Delete the selected span (reject a selected suggestion)"),
    ("L", "Link the selected claim or event: choose the role, then Tab and Enter or click"),
    (
        "A / R",
        "Accept / reject the selected suggestion (a claim or event with its suggested claimant"
        " and roles; the inspector accepts or rejects each suggested link alone)",
    ),
    (
        "Shift+A",
        "Accept every pending suggestion of the selected suggestion's label (with their links)",
    ),
    ("Esc", "Cancel linking, clear the selection"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo any edit"),
)


# Keys of the review view (handled by ``app.review.keys`` while the queue or the lanes have
# focus), for the shortcut sheet and the review panel's key line.
class ReviewKey(NamedTuple):
    keys: str  # as the sheet shows them
    short: str  # a word or two for the review panel's key line
    what: str  # the sheet's description


REVIEW_KEYS: tuple[ReviewKey, ...] = (
    ReviewKey(
        "1 … 9",
        "accept version",
        "Accept annotator N's version of the current item (N = lane number)",
    ),
    ReviewKey("X", "reject all", "Reject every version of the current item"),
    ReviewKey("G", "keep gold", "Keep the gold annotation as it is (after editing it)"),
    ReviewKey("E", "edit", "Edit: open the item's document in the article view, on its gold span"),
    ReviewKey("J / K", "next/previous", "Next / previous item that still needs a decision"),
    ReviewKey(
        "U",
        "unanimous (document)",
        "Accept everything the annotators agree on in this document",
    ),
    ReviewKey(
        "Shift+U",
        "unanimous (corpus)",
        "Accept everything the annotators agree on in the whole corpus",
    ),
    ReviewKey("Ctrl+Z / Ctrl+Shift+Z", "undo/redo", "Undo / redo a review decision"),
)

# Annotate keys are single letters typed into the article view; as window shortcuts they would
# steal typing from line edits, so they appear in the menu but are dispatched by the view.
VIEW_DISPATCHED = frozenset({"delete_span", "link", "accept", "accept_label", "reject"})


# Actions that edit the open article: disabled while another tab (review, dashboard) is shown,
# so no key edits a document the user cannot see.
ARTICLE_ACTIONS = (
    "delete_span",
    "link",
    "accept",
    "accept_label",
    "reject",
    "done_next",
    "skip_next",
    "find",
)


def module_available(name: str) -> bool:
    """Whether an optional panel module (review, dashboard) is installed."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def build_actions(
    window: QMainWindow, undo_stack: QUndoStack
) -> tuple[dict[str, QAction], dict[str, QMenu]]:
    """Create every QAction, wire it to its handler and add it to the menus and toolbar; undo
    and redo come from ``undo_stack``. Returns the actions by id and the menus by name."""
    menus: dict[str, QMenu] = {}
    toolbar = QToolBar("Main", window)
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    window.addToolBar(toolbar)
    actions: dict[str, QAction] = {}
    style = window.style()
    for spec in ACTIONS:
        if spec.id == "undo":
            action = undo_stack.createUndoAction(window, "&Undo")
        elif spec.id == "redo":
            action = undo_stack.createRedoAction(window, "&Redo")
        else:
            action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.id}")
        if spec.shortcut:
            seq = QKeySequence(spec.shortcut)
            if spec.id in VIEW_DISPATCHED:
                action.setText(
                    f"{spec.text}\t{seq.toString(QKeySequence.SequenceFormat.NativeText)}"
                )
            else:
                action.setShortcut(seq)
        if spec.id == "redo":
            action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        if spec.id == "zoom_in":
            action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        if spec.id in ("undo", "redo"):
            action.setIcon(undo_icon(window.palette(), redo=spec.id == "redo"))
        elif spec.icon:
            pixmap = getattr(QStyle.StandardPixmap, spec.icon, None)
            if pixmap is not None:
                action.setIcon(style.standardIcon(pixmap))
        action.setCheckable(spec.checkable)
        if spec.tip:
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
        if spec.id not in ("undo", "redo"):
            action.triggered.connect(getattr(window, spec.handler))
        if spec.menu not in menus:
            menus[spec.menu] = window.menuBar().addMenu(f"&{spec.menu}")
        menus[spec.menu].addAction(action)
        if spec.toolbar:
            toolbar.addAction(action)
            action.setIconText(TOOLBAR_TEXT.get(spec.id, spec.text.replace("&", "").rstrip("…")))
        actions[spec.id] = action
    return actions, menus


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(group, keys, what) for the shortcut sheet."""
    rows: list[tuple[str, str, str]] = [("Article", keys, what) for keys, what in VIEW_KEYS]
    rows += [("Review", key.keys, key.what) for key in REVIEW_KEYS]
    order = ("Annotate", "Edit", "Suggestions", "View", "File", "Help")
    for spec in sorted(ACTIONS, key=lambda s: order.index(s.menu)):
        if spec.shortcut and spec.id not in VIEW_DISPATCHED and spec.id not in ("undo", "redo"):
            keys = QKeySequence(spec.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            rows.append((spec.menu, keys, spec.text.replace("&", "").rstrip("…")))
    return rows
