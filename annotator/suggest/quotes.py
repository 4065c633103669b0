"""Quotations in a text: where each opens and closes (straight, curly and angle marks, a quote
continued in the next paragraph), as character ranges with the marks and without them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quote:
    start: int  # outer range, quote marks included
    end: int
    inner_start: int  # inner text, stripped
    inner_end: int


_OPENERS = "“«„"
_CLOSERS = "”»"
_OPEN_BEFORE = "([{—–-:;/"
_CLOSE_AFTER = ".,;:!?)]}—–-"
MAX_QUOTE_CHARS = 3000
_QUOTE_MARK = re.compile("[" + re.escape(_OPENERS + _CLOSERS) + '"]')


def find_quotes(text: str) -> list[Quote]:
    """Quotations in ``text``, inner text stripped of space and trailing commas.

    A quotation may run over single line breaks (one sentence a line) but not over a blank
    line. A quotation opened again before it is closed (a quote continued in the next
    paragraph) ends at the line break (or the blank line) before the new opening mark; single
    quotes are ignored.
    """
    marks: list[tuple[int, bool, str]] = []  # (position, is_open, char)
    n = len(text)
    for found in _QUOTE_MARK.finditer(text):
        i, ch = found.start(), found.group()
        if ch in _OPENERS:
            marks.append((i, True, ch))
        elif ch in _CLOSERS:
            marks.append((i, False, ch))
        elif ch == '"':
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < n else " "
            if prev.isspace() or prev in _OPEN_BEFORE:
                is_open = True
            elif nxt.isspace() or nxt in _CLOSE_AFTER:
                is_open = False
            else:
                is_open = not (marks and marks[-1][1])
            marks.append((i, is_open, ch))
    out: list[Quote] = []
    pending: int | None = None
    for pos, is_open, ch in marks:
        blank = text.find("\n\n", pending, pos) if pending is not None else -1
        if pending is not None and blank != -1:
            if is_open:
                # a paragraph left open and a new one opened: the quote goes on in the next
                # paragraph, as news writes it; the first part ends with its paragraph
                _add_quote(out, text, pending, blank, blank)
            pending = None  # never across a blank line
        if is_open and not (pending is not None and text[pending] == "„" and ch == "“"):
            if pending is not None:
                cut = text.rfind("\n", pending, pos)
                if cut != -1:
                    _add_quote(out, text, pending, cut, cut)
            pending = pos
            continue
        if pending is not None:
            _add_quote(out, text, pending, pos, pos + 1)
            pending = None
    return out


def _add_quote(out: list[Quote], text: str, open_at: int, inner_end: int, end: int) -> None:
    s, e = open_at + 1, inner_end
    if e - s > MAX_QUOTE_CHARS:
        return
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    if e > s:
        out.append(Quote(open_at, end, s, e))


def in_quote(pos: int, quotes: Iterable[Quote]) -> Quote | None:
    return next((q for q in quotes if q.start < pos < q.end), None)
