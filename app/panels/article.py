"""The central area: title and metadata above the article view, and a find bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.item_models import STATUS_TEXT
from app.panels.article_view import ArticleView
from app.panels.elided import ElidedLabel, TitleLabel
from app.panels.layer_combo import LayerCombo


class ArticlePanel(QWidget):
    """Header (title, source, date, status) + article view + find bar (Ctrl+F)."""

    corpus_search_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = TitleLabel(max_lines=3)  # a long headline is cut with "…" (tooltip)
        title_font = QFont(self.title.font())
        if title_font.pointSizeF() > 0:  # as large as an <h2>
            title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        else:
            title_font.setPixelSize(round(title_font.pixelSize() * 1.5))
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta = ElidedLabel()  # a long URL is cut with "…", never widens the window
        self.meta.setEnabled(False)  # muted colour from the palette
        self.view = ArticleView(context, self)
        self.layer_combo = LayerCombo(context)
        self.layer_note = QLabel()
        self.layer_note.setTextFormat(Qt.TextFormat.PlainText)

        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText(
            "Find in this document (Enter: next, Shift+Enter: previous)"
        )
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_edit.installEventFilter(self)  # Esc closes the bar
        self.find_status = QLabel()
        corpus = QPushButton("Search all documents")
        corpus.clicked.connect(lambda: self.corpus_search_requested.emit(self.find_edit.text()))
        close = QPushButton("Close")
        close.clicked.connect(self.hide_find)
        self.find_bar = QWidget()
        bar = QHBoxLayout(self.find_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.find_edit, 1)
        bar.addWidget(self.find_status)
        bar.addWidget(corpus)
        bar.addWidget(close)
        self.find_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        layer_label = QLabel("&Layer:")
        layer_label.setBuddy(self.layer_combo)
        header.addWidget(layer_label, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.layer_combo, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        meta_row = QHBoxLayout()
        meta_row.addWidget(self.meta, 1)
        meta_row.addWidget(self.layer_note)
        layout.addLayout(meta_row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        context.doc_state.loaded.connect(self._update_header)
        context.doc_state.status_changed.connect(lambda _s: self._update_header())
        context.layer_changed.connect(lambda _l: self._update_layer_note())
        self._update_header()
        self._update_layer_note()

    def _update_layer_note(self) -> None:
        c = self.context
        if c.read_only:
            text = "read-only"
        elif c.layer == c.user:
            text = "editing your layer"
        elif c.is_editable():
            text = f"editing {c.layer}"
        else:
            text = f"{c.layer}'s layer: read-only"
        self.layer_note.setText(text)

    def _update_header(self) -> None:
        content = self.context.doc_state.content
        if content is None:
            self.title.set_full_text("No document open")
            self.meta.setText("Choose a document in the list, or import files (Ctrl+I).")
            return
        doc = content.document
        self.title.set_full_text(doc.title or doc.external_id)
        parts = [p for p in (doc.source, doc.published or "", doc.url) if p]
        parts.append(f"status: {STATUS_TEXT.get(content.status, content.status)}")
        parts.append(f"{len(doc.text):,} characters")
        self.meta.setText("  ·  ".join(parts))

    # ------------------------------------------------------------ find

    def show_find(self) -> None:
        self.find_bar.show()
        cursor = self.view.textCursor()
        if cursor.hasSelection():
            self.find_edit.setText(cursor.selectedText())
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.find_edit
            and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            if event.type() == QEvent.Type.KeyPress:
                self.hide_find()
            event.accept()
            return True
        return super().eventFilter(watched, event)

    def hide_find(self) -> None:
        self.find_bar.hide()
        self.view.setFocus()

    def find_next(self, backward: bool = False) -> bool:
        needle = self.find_edit.text()
        if not needle:
            return False
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        found = self.view.find(needle, flags)
        if not found:  # wrap around
            cursor = self.view.textCursor()
            cursor.movePosition(
                cursor.MoveOperation.End if backward else cursor.MoveOperation.Start
            )
            self.view.setTextCursor(cursor)
            found = self.view.find(needle, flags)
        self.find_status.setText("" if found else "not found")
        return found
