"""A combo box choosing the layer the window shows and edits (``AppContext.layer``)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from annotator.vocabulary import Layer
from app.context import AppContext


def layer_text(context: AppContext, layer: str) -> str:
    """How a layer is named in the window: 'alice (you)', 'gold', 'bob (read-only)'."""
    if layer == context.user:
        return f"{layer} (you)"
    if layer == Layer.GOLD:
        return Layer.GOLD
    return f"{layer} (read-only)"


class LayerCombo(QComboBox):
    """Lists the user's layer, gold and the other annotators; choosing one sets the layer of
    the whole window. Follows the context when the layer changes elsewhere."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setToolTip(
            "The annotation layer shown and edited: yours, gold (the adjudicated "
            "layer), or another annotator's (read-only)"
        )
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill(context.layers)
        self.activated.connect(self._chosen)
        context.layers_found.connect(self._fill)
        context.layer_changed.connect(self._follow)

    def _fill(self, layers: list[str]) -> None:
        self.blockSignals(True)
        self.clear()
        for name in layers:
            self.addItem(layer_text(self.context, name), name)
        self.blockSignals(False)
        self._follow(self.context.layer)

    def _follow(self, layer: str) -> None:
        i = self.findData(layer)
        if i >= 0 and i != self.currentIndex():
            self.blockSignals(True)
            self.setCurrentIndex(i)
            self.blockSignals(False)

    def _chosen(self, index: int) -> None:
        layer = self.itemData(index)
        if layer:
            self.context.set_layer(str(layer))
