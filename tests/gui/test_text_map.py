"""The one conversion between stored code-point offsets and Qt positions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from app.panels.text_map import TextMap

pytestmark = pytest.mark.gui

SAMPLES = [
    "plain ascii",
    "emoji 😀 and 👍🏽 skin tone, flag 🇱🇾",
    "وقال خليفة حفتر إن قواته هاجمت المطار",
    "José Martí (combining: Jose\u0301 Marti\u0301)",
    "line one\r\nline two\r\n\r\nline four\rold mac\n",
    "mixed 😀\r\nعربي\r\nJose\u0301\r\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_every_offset_maps_to_the_same_character_in_qt(text: str) -> None:
    m = TextMap(text)
    doc = QTextDocument()
    doc.setPlainText(m.display)
    assert doc.characterCount() - 1 == len(m.display.encode("utf-16-le")) // 2
    for i, ch in enumerate(text):
        if text[i : i + 2] == "\r\n":
            continue  # the CR and LF of one pair are one Qt position
        q = m.to_qt(i)
        cursor = QTextCursor(doc)
        cursor.setPosition(q)
        cursor.setPosition(m.to_qt(i + 1), QTextCursor.MoveMode.KeepAnchor)
        got = cursor.selectedText()
        expected = "\u2029" if ch in "\r\n" else ch
        assert got == expected, (i, ch, got)
        in_pair = i > 0 and text[i - 1 : i + 1] == "\r\n"
        assert m.from_qt(q) == (i - 1 if in_pair else i)


@given(st.text(alphabet=st.sampled_from(list("ab \r\n😀ع\u0301é")), max_size=40))
def test_round_trip_property(text: str) -> None:
    m = TextMap(text)
    for i in range(len(text) + 1):
        if i > 0 and text[i - 1 : i + 1] == "\r\n":
            assert m.from_qt(m.to_qt(i)) == i - 1  # inside a CRLF pair: before the pair
        else:
            assert m.from_qt(m.to_qt(i)) == i
    assert m.to_qt(len(text)) == len(m.display.encode("utf-16-le")) // 2
