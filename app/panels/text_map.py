"""The one conversion point between stored offsets and Qt document positions.

Stored spans count Unicode code points of the verbatim text. ``QTextDocument`` counts UTF-16
code units and turns every line break into a block separator, so a CRLF pair becomes one
position. :class:`TextMap` builds the display text (CRLF and lone CR become LF) and converts
offsets both ways; nothing else in the app does offset arithmetic.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from annotator.offsets import Utf16Index

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class TextMap:
    """Display text of one stored text, and offset conversions in both directions."""

    __slots__ = ("_dropped", "_dropped_display", "_u16", "display", "length")

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # Code-point positions of the CR of every CRLF pair (dropped from the display text).
        dropped: list[int] = []
        if "\r" in text:
            start = 0
            while (i := text.find("\r\n", start)) >= 0:
                dropped.append(i)
                start = i + 2
            display = text.replace("\r\n", "\n").replace("\r", "\n")
        else:
            display = text
        self._dropped = dropped
        # Display position of the LF that follows each dropped CR.
        self._dropped_display = [pos - k for k, pos in enumerate(dropped)]
        self.display = display
        # Texts without characters outside the BMP need no UTF-16 table (a C-speed check).
        self._u16 = Utf16Index(display) if _ASTRAL.search(display) else None

    def to_qt(self, offset: int) -> int:
        """Qt document position of a stored code-point offset."""
        offset = max(0, min(offset, self.length))
        display_cp = offset - bisect_left(self._dropped, offset) if self._dropped else offset
        return self._u16.to_utf16(display_cp) if self._u16 is not None else display_cp

    def from_qt(self, position: int) -> int:
        """Stored code-point offset of a Qt document position."""
        position = max(0, position)
        display_cp = self._u16.from_utf16(position) if self._u16 is not None else position
        if not self._dropped:
            return min(display_cp, self.length)
        return min(display_cp + bisect_right(self._dropped_display, display_cp - 1), self.length)

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def range_from_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.from_qt(start), self.from_qt(end)
