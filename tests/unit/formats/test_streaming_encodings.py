"""Files in another encoding stream too: UTF-16 (byte-order mark), UTF-32, a named
``--encoding`` and a detected legacy encoding read the same documents, report and first error
in small pieces as read whole, name the right line for an undecodable byte, and hold about
one piece of the file at a time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import ImportFailed
from annotator.formats import textfile
from annotator.formats.reading import ReadOptions, read_documents

from . import test_streaming_readers as streamed
from .test_streaming_readers import CORPUS_FILES

ENCODINGS = ("utf-16", "cp1252")


def _reencoded(source: Path, folder: Path, encoding: str) -> Path | None:
    """``source`` (UTF-8) written in ``encoding`` under ``folder`` (None when its text has a
    character the encoding cannot hold)."""
    text = source.read_bytes().decode("utf-8-sig")
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return None
    out = folder / encoding / source.name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def _outcome(path: Path, fmt: str, encoding: str | None) -> tuple[Any, ...]:
    options = ReadOptions(predictions=True, encoding=encoding)
    try:
        docs = list(read_documents(path, fmt, options))
    except ImportFailed as exc:
        return ("error", str(exc))
    return ("docs", docs, options.report.lines())


def _both(
    path: Path, fmt: str, encoding: str | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any]:
    with monkeypatch.context() as m:
        m.setattr(textfile, "_stream_codec", lambda path, encoding: None)  # read whole
        whole = _outcome(path, fmt, encoding)
    with monkeypatch.context() as m:
        m.setattr(textfile, "_CHUNK", streamed.PIECE)
        stream = _outcome(path, fmt, encoding)
    return whole, stream


CASES = [(fmt, name) for fmt, names in CORPUS_FILES.items() for name in names]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(("fmt", "name"), CASES)
def test_corpus_file_in_another_encoding_reads_the_same_streamed(
    corpus: Path,
    tmp_path: Path,
    fmt: str,
    name: str,
    encoding: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _reencoded(corpus / name, tmp_path, encoding)
    if path is None:
        pytest.skip(f"{name} has characters {encoding} cannot hold")
    original = _outcome(_reencoded(corpus / name, tmp_path, "utf-8") or path, fmt, None)
    for named in (None, encoding):
        whole, stream = _both(path, fmt, named, monkeypatch)
        assert stream == whole, (named, whole[:2], stream[:2])
        if encoding == "utf-16" or named:  # the same file in UTF-8 reads the same
            assert whole[0] == original[0]
            if whole[0] == "docs":
                assert [d.text for d in whole[1]] == [d.text for d in original[1]]
                assert [d.spans for d in whole[1]] == [d.spans for d in original[1]]
                assert textfile._stream_codec(path, named) is not None  # it did stream


@pytest.mark.parametrize("encoding", ENCODINGS + ("utf-32",))
@pytest.mark.parametrize("fmt", ["conll", "doccano", "labelstudio", "csv"])
def test_exports_in_another_encoding_read_the_same_streamed(
    exports: Path, tmp_path: Path, fmt: str, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fmt == "csv":
        source = streamed._csv_file(tmp_path / "docs.csv", 40)
    else:
        source = exports / {"conll": "x.conll", "doccano": "x.jsonl"}.get(fmt, "ls")
        if source.is_dir():
            source = next(source.glob("*.json"))
    path = _reencoded(source, tmp_path, encoding)
    assert path is not None
    expected = _outcome(source, fmt, None)
    assert expected[0] == "docs"
    for named in (None, encoding):
        whole, stream = _both(path, fmt, named, monkeypatch)
        assert stream == whole
        if named is None and encoding == "cp1252" and whole[0] == "error":
            assert "encoding" in whole[1]  # a short legacy file may be undecidable
            continue
        assert _located_nowhere(whole) == _located_nowhere(expected)
        assert textfile._stream_codec(path, named) is not None


def _located_nowhere(outcome: tuple[Any, ...]) -> tuple[Any, ...]:
    return (outcome[0], [replace(d, source_path=None) for d in outcome[1]], *outcome[2:])


exports = streamed.exports  # the module fixture: a project's exports in each format


def test_a_second_byte_order_mark_is_dropped_as_read_whole(tmp_path: Path) -> None:
    text = "\ufeff\ufeffword\tO\r\n"
    for encoding, data in (
        (None, text.encode("utf-16")),
        ("utf-16-le", text.encode("utf-16-le")),
        ("utf-8", text.encode("utf-8")),
        (None, text.encode("utf-8")),
    ):
        path = tmp_path / "bom.conll"
        path.write_bytes(data)
        whole = textfile.read_text(path, encoding)
        assert "".join(textfile.iter_chunks(path, encoding, size=3)) == whole
        assert list(textfile.iter_split_lines(path, encoding)) == whole.split("\n")
        assert list(textfile.iter_lines(path, encoding)) == whole.split("\n")
        with textfile.open_text(path, encoding) as fh:
            assert fh.read() == whole


def _late_error(path: Path, fmt: str, encoding: str | None, pieces: bool) -> str:
    with pytest.MonkeyPatch.context() as m:
        if pieces:
            m.setattr(textfile, "_CHUNK", streamed.PIECE)
        else:
            m.setattr(textfile, "_stream_codec", lambda path, encoding: None)
        with pytest.raises(ImportFailed) as err:
            list(read_documents(path, fmt, ReadOptions(encoding=encoding)))
    message = str(err.value)
    assert "\n" not in message
    return message


def test_undecodable_byte_late_in_a_cp1252_file_names_its_line(tmp_path: Path) -> None:
    lines = streamed._conll_lines(100)
    late = len(lines) - 8
    data = b"".join(ln.encode("cp1252") + b"\n" for ln in lines)
    at = sum(len(ln.encode("cp1252")) + 1 for ln in lines[: late - 1])
    path = tmp_path / "x.conll"
    path.write_bytes(data[:at] + b"caf\x81" + data[at:])  # 0x81 has no cp1252 character
    for pieces in (False, True):
        assert _late_error(path, "conll", "cp1252", pieces) == (
            f"[E120] {path}:{late}: cannot decode as cp1252: byte 0x81 is not valid there"
        )


def test_undecodable_utf16_counts_lines_not_0x0a_bytes(tmp_path: Path) -> None:
    """In UTF-16 the byte 0x0a also stands in characters (U+0A05, U+010A): the line of a bad
    code unit is counted in the text."""
    lines = [f"\u0a05\u010a{k}\tO" for k in range(300)]
    late = 250
    data = "\n".join(lines[: late - 1]).encode("utf-16") + "\n".encode("utf-16-le")
    data += "x".encode("utf-16-le") + b"\x00\xdc" + "\tO\n".encode("utf-16-le")  # lone surrogate
    data += "\n".join(lines[late:]).encode("utf-16-le")
    path = tmp_path / "x.conll"
    path.write_bytes(data)
    for pieces in (False, True):
        assert _late_error(path, "conll", None, pieces) == (
            f"[E120] {path}:{late}: cannot decode as utf-16: byte 0x00 is not valid there"
        )


def test_binary_and_unknown_encodings_refused_as_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "x.conll"
    path.write_bytes("w\tO\n".encode("utf-16") + "\x00\x00".encode("utf-16-le") * 3)
    for pieces in (False, True):
        assert "looks like a binary file" in _late_error(path, "conll", None, pieces)
    path.write_bytes(b"w\tO\n")
    for pieces in (False, True):
        assert "unknown text encoding 'nope-8'" in _late_error(path, "conll", "nope-8", pieces)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "named cp1252", "named utf-16-le"])
@pytest.mark.parametrize("fmt", ["conll", "csv", "doccano", "labelstudio"])
def test_reading_memory_does_not_grow_with_a_file_in_another_encoding(
    tmp_path: Path, fmt: str, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textfile, "_CHUNK", 1 << 14)
    monkeypatch.setattr(streamed, "REPEAT", 12)
    codec = encoding.removeprefix("named ")
    named = codec if encoding.startswith("named") else None
    small, large = (
        _reencoded(streamed._files_of(tmp_path, fmt, n), tmp_path, codec) for n in (60, 600)
    )
    assert small is not None and large is not None
    assert large.stat().st_size > 40 * (1 << 14)
    assert textfile._stream_codec(large, named) is not None
    peaks = []
    for path in (small, large):
        with monkeypatch.context() as m:
            m.setattr(textfile, "read_text", _raises)  # nothing is read whole
            peaks.append(_peak(path, fmt, named))
    # read whole, the large file's text alone would add more than its size
    assert peaks[1] < peaks[0] + large.stat().st_size // 10, peaks


def _raises(*args: object, **kwargs: object) -> str:
    raise AssertionError("read whole")


def _peak(path: Path, fmt: str, encoding: str | None) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        for _doc in read_documents(path, fmt, ReadOptions(encoding=encoding)):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
