from hypothesis import given
from hypothesis import strategies as st

from annotator.offsets import Utf16Index, utf16_len


def _naive_to_utf16(text: str, cp: int) -> int:
    return utf16_len(text[:cp])


PIECES = ["a", "b", " ", "\r\n", "\n", "😊", "🇫🇷", "e\u0301", "م", "ح", "\u200f"]


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_round_trip_every_offset(text: str) -> None:
    idx = Utf16Index(text)
    for cp in range(len(text) + 1):
        unit = idx.to_utf16(cp)
        assert unit == _naive_to_utf16(text, cp)
        assert idx.from_utf16(unit) == cp


def test_inside_surrogate_pair_rounds_down() -> None:
    text = "a😊b"
    idx = Utf16Index(text)
    assert idx.to_utf16(2) == 3
    assert idx.from_utf16(2) == 1  # between the two halves of the emoji
    assert idx.from_utf16(3) == 2
