"""Conversions between code-point offsets (ours) and UTF-16 code units (Qt, Java, JavaScript).

All conversions are O(n) once per text and O(log n) per offset thereafter.
"""

from __future__ import annotations

from bisect import bisect_right


class Utf16Index:
    """Maps code-point offsets of one text to UTF-16 offsets and back."""

    __slots__ = ("_astral", "_length")

    def __init__(self, text: str) -> None:
        # Code-point positions of characters outside the BMP (each takes two UTF-16 units).
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self._length = len(text)

    @property
    def trivial(self) -> bool:
        return not self._astral

    def to_utf16(self, cp: int) -> int:
        if not self._astral:
            return cp
        return cp + bisect_right(self._astral, cp - 1)

    def from_utf16(self, unit: int) -> int:
        """Code-point offset of a UTF-16 offset (a position inside a surrogate pair rounds down)."""
        if not self._astral:
            return unit
        lo, hi = 0, len(self._astral)
        # Find the number k of astral characters before the code point; cp = unit - k.
        while lo < hi:
            mid = (lo + hi) // 2
            if self._astral[mid] + mid < unit:
                lo = mid + 1
            else:
                hi = mid
        k = lo
        if k > 0 and self._astral[k - 1] + k - 1 + 1 == unit:
            # unit points at the low surrogate of astral char k-1: round down.
            return self._astral[k - 1]
        return unit - k


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offsets(text: str, encoding: str = "utf-8") -> list[int]:
    """Byte offset of every code point (plus the end) in ``text`` encoded with ``encoding``."""
    out = [0]
    total = 0
    for ch in text:
        total += len(ch.encode(encoding))
        out.append(total)
    return out
