"""Span highlighting per text block, updated incrementally.

Each item (a span or a suggestion) is indexed by the text blocks it touches. Changing one item
re-formats only those blocks (``rehighlightBlock``), never the whole text.

Look: every human span gets a translucent background in its label's colour (nested and
overlapping spans stack, so they get darker) and an underline in the colour of the innermost
span; where two spans of the same label overlap, the underline is wavy, so the two are told
apart. Suggestions get a dashed underline and only a faint tint of their label's colour. The
selected span has a much stronger background and an overline; the arguments of a selected claim
or event (claimant, roles) a stronger background and an overline; its *suggested* arguments (a
pending suggested claimant or role, to a suggestion or a span) a stronger background and a
dashed underline in full colour. Emphasis never changes the font (bold or italic would re-flow
the paragraph under the reader's eyes).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtGui import (
    QColor,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)

Key = tuple[str, int]  # ("s", span id) or ("g", suggestion id)


@dataclass(frozen=True, slots=True)
class Item:
    start: int  # Qt document positions
    end: int
    label: str
    suggestion: bool = False


class SpanHighlighter(QSyntaxHighlighter):
    """Formats the article text from a set of items, block by block."""

    def __init__(self, document: QTextDocument, colors: dict[str, str], dark: bool = False) -> None:
        super().__init__(document)
        self._colors = {k: QColor(v) for k, v in colors.items()}
        self._items: dict[Key, Item] = {}
        self._blocks_of: dict[Key, tuple[int, int]] = {}
        self._by_block: dict[int, set[Key]] = {}
        self._selected: Key | None = None
        self._arguments: set[Key] = set()
        self._pick: set[Key] = set()
        self._suggested: set[Key] = set()
        self.dark = dark
        self.blocks_formatted = 0  # counts highlightBlock calls (tests, benchmarks)
        self._batch_depth = 0
        self._pending: set[int] = set()  # blocks to re-format when the batch ends
        # Formats by what covers a run of text (labels, kinds, emphasis): built once each.
        self._format_cache: dict[
            tuple[tuple[str, bool, bool, bool, bool, bool], ...], QTextCharFormat
        ] = {}

    # ------------------------------------------------------------ items

    def set_items(self, items: dict[Key, Item]) -> None:
        """Replace every item (a new document); the caller sets the text just before."""
        self._items = dict(items)
        self._blocks_of.clear()
        self._by_block.clear()
        self._selected = None
        self._arguments = set()
        self._pick = set()
        self._suggested = set()
        for key, item in self._items.items():
            self._index(key, item)
        self.rehighlight()

    def clear_items(self) -> None:
        """Forget every item without re-formatting (the text is about to be replaced)."""
        self._items = {}
        self._blocks_of.clear()
        self._by_block.clear()

    def item(self, key: Key) -> Item | None:
        return self._items.get(key)

    def items(self) -> dict[Key, Item]:
        return self._items

    def update_item(self, key: Key, item: Item | None) -> None:
        """Add, change or remove (``None``) one item and re-format the blocks it touches."""
        touched: set[int] = set()
        old = self._blocks_of.pop(key, None)
        if old is not None:
            for b in range(old[0], old[1] + 1):
                keys = self._by_block.get(b)
                if keys is not None:
                    keys.discard(key)
            touched.update(range(old[0], old[1] + 1))
        if item is None:
            self._items.pop(key, None)
        else:
            self._items[key] = item
            first, last = self._index(key, item)
            touched.update(range(first, last + 1))
        self._rehighlight_blocks(touched)

    def items_at(self, position: int) -> list[Key]:
        """Keys of the items covering a Qt position, outermost first."""
        block = self.document().findBlock(position)
        keys = self._by_block.get(block.blockNumber(), set())
        found = [k for k in keys if self._items[k].start <= position < self._items[k].end]
        found.sort(key=lambda k: (self._items[k].end - self._items[k].start) * -1)
        return found

    # ------------------------------------------------------------ emphasis

    def set_emphasis(
        self,
        selected: Key | None,
        arguments: set[Key],
        pick: set[Key],
        suggested: set[Key] | None = None,
    ) -> None:
        """Selected item, the arguments of a selected claim/event, candidates of a link pick,
        and the items at the other end of the selected item's suggested relations."""
        suggested = set(suggested or ())
        # the selected item's look changes only when another item is selected
        moved = {self._selected, selected} if selected != self._selected else set()
        changed = (
            moved
            | (self._arguments ^ arguments)
            | (self._pick ^ pick)
            | (self._suggested ^ suggested)
        )
        self._selected, self._arguments, self._pick = selected, set(arguments), set(pick)
        self._suggested = suggested
        blocks: set[int] = set()
        for key in changed:
            if key is not None and key in self._blocks_of:
                first, last = self._blocks_of[key]
                blocks.update(range(first, last + 1))
        self._rehighlight_blocks(blocks)

    def suggested_arguments(self) -> set[Key]:
        """The items emphasised as suggested arguments of the selected item."""
        return set(self._suggested)

    def arguments(self) -> set[Key]:
        """The items emphasised as (accepted) arguments of the selected item."""
        return set(self._arguments)

    def set_dark(self, dark: bool) -> None:
        if dark != self.dark:
            self.dark = dark
            self._format_cache.clear()
            self.rehighlight()

    # ------------------------------------------------------------ internals

    def _index(self, key: Key, item: Item) -> tuple[int, int]:
        doc = self.document()
        first = doc.findBlock(item.start).blockNumber()
        last = doc.findBlock(max(item.start, item.end - 1)).blockNumber()
        if first < 0:
            first = 0
        if last < first:
            last = first
        self._blocks_of[key] = (first, last)
        for b in range(first, last + 1):
            self._by_block.setdefault(b, set()).add(key)
        return first, last

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Re-format each touched block once, when the batch ends (an edit and the selection
        that follows it touch the same blocks; each re-format costs a layout of its block)."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if not self._batch_depth and self._pending:
                blocks, self._pending = self._pending, set()
                self._rehighlight_blocks(blocks)

    def _rehighlight_blocks(self, blocks: set[int]) -> None:
        if self._batch_depth:
            self._pending |= blocks
            return
        doc = self.document()
        for b in sorted(blocks):
            block = doc.findBlockByNumber(b)
            if block.isValid():
                self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:
        self.blocks_formatted += 1
        block: QTextBlock = self.currentBlock()
        keys = self._by_block.get(block.blockNumber())
        if not keys:
            return
        base = block.position()
        length = len(text.encode("utf-16-le")) // 2 if not text.isascii() else len(text)
        local: list[tuple[int, int, Key, Item]] = []
        cuts = {0, length}
        for key in keys:
            item = self._items[key]
            s = max(item.start - base, 0)
            e = min(item.end - base, length)
            if e <= s:
                continue
            local.append((s, e, key, item))
            cuts.add(s)
            cuts.add(e)
        if not local:
            return
        # Outer (longer) items first, so the innermost decides the underline.
        local.sort(key=lambda t: -(t[3].end - t[3].start))
        points = sorted(cuts)
        cache = self._format_cache
        for a, b in zip(points, points[1:], strict=False):
            covering = [t for t in local if t[0] <= a and t[1] >= b]
            if not covering:
                continue
            signature = tuple(
                (
                    t[3].label,
                    t[3].suggestion,
                    t[2] == self._selected,
                    t[2] in self._arguments,
                    t[2] in self._pick,
                    t[2] in self._suggested,
                )
                for t in covering
            )
            fmt = cache.get(signature)
            if fmt is None:
                fmt = cache[signature] = self._format(covering)
            self.setFormat(a, b - a, fmt)

    def _format(self, covering: list[tuple[int, int, Key, Item]]) -> QTextCharFormat:
        fmt = QTextCharFormat()
        alpha = 0.38 if self.dark else 0.26
        r = g = bl = 0.0
        a_total = 0.0
        underline: QColor | None = None
        dashed = False
        strong_dash = False  # a suggested argument of the selected item
        human = [item.label for _s, _e, _k, item in covering if not item.suggestion]
        twins = len(human) != len(set(human))  # two spans of one label overlap here
        for _s, _e, key, item in covering:
            color = self._colors.get(item.label, QColor("#888888"))
            proposed = key in self._suggested
            if item.suggestion:
                if underline is None or dashed:
                    underline = QColor(color)
                    dashed = True
                    strong_dash = strong_dash or proposed
                # A faint tint, stronger when selected or a suggested argument of the selected
                # item; the dashed underline says "suggested".
                a = alpha * (0.9 if key == self._selected or proposed else 0.3)
                r, g, bl, a_total = _over(r, g, bl, a_total, color, a)
                continue
            a = alpha * (2.6 if key == self._selected else 1.0)
            if key in self._pick or key in self._arguments or proposed:
                a = max(a, alpha * 1.8)
            r, g, bl, a_total = _over(r, g, bl, a_total, color, min(a, 0.85))
            underline = QColor(color)
            dashed = proposed  # a span proposed as an argument: dashed, in full colour
            strong_dash = proposed
            if key == self._selected or key in self._arguments:
                fmt.setFontOverline(True)
        if a_total > 0:
            fmt.setBackground(QColor.fromRgbF(r, g, bl, a_total))
        if underline is not None:
            if dashed:
                muted = QColor(underline)
                if not strong_dash:
                    muted.setAlphaF(0.85)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setUnderlineColor(muted)
            else:
                fmt.setUnderlineStyle(
                    QTextCharFormat.UnderlineStyle.WaveUnderline
                    if twins
                    else QTextCharFormat.UnderlineStyle.SingleUnderline
                )
                fmt.setUnderlineColor(underline)
        return fmt


def _over(
    r: float, g: float, b: float, a: float, color: QColor, alpha: float
) -> tuple[float, float, float, float]:
    """Composite ``color`` at ``alpha`` over a premultiplied-free RGBA accumulation."""
    out_a = alpha + a * (1.0 - alpha)
    if out_a <= 0:
        return r, g, b, 0.0

    def mix(top: float, bottom: float) -> float:
        return (top * alpha + bottom * a * (1.0 - alpha)) / out_a

    return mix(color.redF(), r), mix(color.greenF(), g), mix(color.blueF(), b), out_a
