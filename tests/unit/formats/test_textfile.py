from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.textfile import read_text

TEXT = "Café «Haftar» said 😊\r\nline two\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom"],
)
def test_unicode_encodings_read_verbatim(tmp_path: Path, data: bytes) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(data)
    assert read_text(f) == TEXT  # BOM removed, CRLF kept


def test_legacy_single_byte_text_when_unambiguous(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    text = (
        "Die Regierung in Österreich hat am Dienstag die Grenzkontrollen verschärft. "
        "Der Innenminister äußerte sich zurückhaltend über die Gespräche. "
    ) * 5
    f.write_bytes(text.encode("cp1252"))
    assert read_text(f) == text


def test_explicit_encoding_wins(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes("naïve".encode("latin-1"))
    assert read_text(f, "latin-1") == "naïve"
    with pytest.raises(ImportFailed, match="cannot decode as utf-8"):
        read_text(f, "utf-8")


@pytest.mark.parametrize(
    ("data", "family"),
    [
        (TEXT.encode("utf-16"), "UTF-16"),  # with its byte-order mark
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "UTF-16"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "UTF-32"),
    ],
)
def test_a_wrong_encoding_named_for_a_file_with_a_byte_order_mark_says_what_it_is(
    tmp_path: Path, data: bytes, family: str
) -> None:
    """Naming utf-8 (or cp1252) for a UTF-16 file failed on "byte 0xff is not valid there"
    without a word about the byte-order mark that says what the file is."""
    f = tmp_path / "u.txt"
    f.write_bytes(data)
    for named in ("utf-8", "ascii"):
        with pytest.raises(ImportFailed, match=f"starts with a {family} byte-order mark"):
            read_text(f, named)
    assert read_text(f, family.lower()) == TEXT  # the encoding it names reads it


def test_a_matching_byte_order_mark_adds_nothing(tmp_path: Path) -> None:
    f = tmp_path / "u.txt"
    f.write_bytes(codecs.BOM_UTF16_LE + "ab\udc00".encode("utf-16-le", "surrogatepass"))
    with pytest.raises(ImportFailed) as info:
        read_text(f, "utf-16")
    assert "byte-order mark" not in info.value.message


def test_empty_file_refused_unless_allowed(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    with pytest.raises(ImportFailed, match="empty") as exc:
        read_text(f)
    assert "empty.txt" in str(exc.value)
    assert read_text(f, allow_empty=True) == ""


def test_binary_refused_naming_the_file(tmp_path: Path) -> None:
    f = tmp_path / "img.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ImportFailed, match="binary") as exc:
        read_text(f)
    assert str(f) in str(exc.value)


def test_control_characters_refused(tmp_path: Path) -> None:
    f = tmp_path / "ctl.txt"
    f.write_bytes(b"abc\x01\x02\x03\x04\x05\x06\x07\x08def" * 10)
    with pytest.raises(ImportFailed, match="binary"):
        read_text(f)


def test_undecidable_bytes_refused(tmp_path: Path) -> None:
    f = tmp_path / "mess.txt"
    f.write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xFE, 0xFF, 0xC3, 0x28]) * 3)
    with pytest.raises(ImportFailed) as exc:
        read_text(f)
    assert str(f) in str(exc.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read"):
        read_text(tmp_path / "nope.txt")


def test_short_legacy_text_is_ambiguous_and_refused(tmp_path: Path) -> None:
    f = tmp_path / "short.txt"
    f.write_bytes("naïve".encode("latin-1"))  # cp1252? cp1251 ("naпve")? cannot tell
    with pytest.raises(ImportFailed, match="name its encoding") as exc:
        read_text(f)
    assert "short.txt" in str(exc.value)
    assert "--encoding" not in str(exc.value)  # each front end names its own option
    assert exc.value.encodings and exc.value.encodings[0] == "cp1252"


def test_ambiguous_cp1252_lists_cp1252_among_its_candidates(tmp_path: Path) -> None:
    """The message listed cp1006, cp1125, cp1250, cp1251, cp1253 and then advised cp1252:
    charset-normalizer folds cp1252 into cp1250's group (they decode the bytes alike)."""
    f = tmp_path / "cp.txt"
    f.write_bytes("x\u00e9y caf\u00e9\n".encode("cp1252"))
    with pytest.raises(ImportFailed) as exc:
        read_text(f)
    listed = exc.value.message.split("(", 1)[1].split(")", 1)[0]
    assert listed.startswith("cp1252, "), exc.value.message
    assert exc.value.encodings is not None and exc.value.encodings[0] == "cp1252"
