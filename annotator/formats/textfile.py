"""Read a text file written by another tool into a ``str``, detecting its encoding safely.

Order of decisions: an explicit encoding wins; a byte-order mark (UTF-8, UTF-16, UTF-32) wins
next; then strict UTF-8; then charset-normalizer, but only when its answer is unambiguous (every
plausible candidate decodes to the same text and the text looks like text). Anything else is
refused with :class:`ImportFailed` naming the file, as are empty and binary files: guessing wrong
would shift every offset in the file. Line endings are kept verbatim (offsets count them).

Readers that stream (``iter_chunks``, ``iter_split_lines``, ``open_text``, ``iter_lines``) decode
a file that decodes cleanly incrementally, after one checking pass over its bytes
(``_stream_codec``); only a legacy encoding that must be detected holds the bytes once, for
charset-normalizer. Any file that would be refused goes through ``read_text`` for its message.
"""

from __future__ import annotations

import codecs
import io
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from annotator.errors import ImportFailed

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1c\x1d\x1e\x85")
# The C0 control characters outside _ALLOWED_CONTROLS: NUL among them. Text files holding many
# of them are binary (``_refuse_binary``); a document text holding any is damaged
# (``refuse_damaged_text``).
_DAMAGE = re.compile("[\x00-\x08\x0e-\x1b\x1f]")
_MAX_CHAOS = 0.2
# The message names no option: the CLI adds ``--encoding NAME``, the Import dialog its Encoding
# list (``ImportFailed.encodings`` carries the candidates to each front end).
_ADVICE = "save it as UTF-8 or name its encoding"
# Encodings by how often a news text arrives in them, for naming the candidates of an ambiguous
# file: charset-normalizer groups encodings that decode the bytes alike under one name (a cp1252
# file comes back as "cp1250, could be cp1252, latin_1, ..."); the list shows the commonest.
_COMMON = (
    "utf_8",
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1257",
    "mac_roman",
    "cp437",
    "cp850",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "euc_kr",
)


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    return bad / max(1, len(sample))


def _refuse_binary(text: str, name: str) -> None:
    if "\x00" in text or _control_ratio(text) > 0.01:
        nul = text.find("\x00")
        if nul < 0:
            nul = next(
                (i for i, ch in enumerate(text) if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS),
                0,
            )
        line = text.count("\n", 0, nul) + 1
        raise ImportFailed("looks like a binary file, not text", path=name, line=line)


def refuse_damaged_text(text: str, name: str, line: int | None) -> None:
    """Refuse a document text holding a control character other than tab and line breaks
    (NUL, ``\x01``-``\x08``, ``\x0e``-``\x1b``, ``\x1f``): in news text they are damage, no
    text format carries them back (a file holding one reads as binary: the document would not
    come back from its own export), and JSON only by escaping. ``line``: where the document
    starts in its file (None: the text is the file's, the line is counted in it)."""
    found = _DAMAGE.search(text)
    if found is None:
        return
    at = found.start()
    if line is None:
        line = text.count("\n", 0, at) + 1
    code = ord(found.group())
    what = "NUL" if code == 0 else "a control character"
    raise ImportFailed(
        f"the text holds {what} (U+{code:04X}) at character {at + 1}: control characters other "
        "than tab and line breaks are damage in news text; remove them and import again",
        path=name,
        line=line,
    )


def _common_name(names: list[str]) -> str:
    """The commonest of encodings that decode the bytes alike (the first when none is known)."""
    known = [n for n in names if n in _COMMON]
    return min(known, key=_COMMON.index) if known else names[0]


def _rank(name: str) -> int:
    return _COMMON.index(name) if name in _COMMON else len(_COMMON)


def detect_encoding(data: bytes, name: str) -> str:
    """Name of the codec to decode ``data`` with (see module docstring); raise if unsure."""
    if not data:
        raise ImportFailed("file is empty", path=name)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    if b"\x00" in data:
        raise ImportFailed(
            "looks like a binary file (or UTF-16 without a byte-order mark); " + _ADVICE,
            path=name,
            line=data.count(b"\n", 0, data.find(b"\x00")) + 1,
            encodings=("utf-16-le", "utf-16-be"),
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise ImportFailed("cannot tell the text encoding; " + _ADVICE, path=name, encodings=())
    best = matches[0]
    if best.chaos > _MAX_CHAOS:
        raise ImportFailed(
            f"cannot tell the text encoding (best guess {best.encoding} is unreliable); " + _ADVICE,
            path=name,
            encodings=(best.encoding,),
        )
    best_text = str(best)
    rivals = [m for m in matches[1:] if m.chaos <= best.chaos + 0.05 and str(m) != best_text]
    if rivals:
        # one name per group of encodings that read the bytes alike, the commonest first: the
        # list names the encoding the advice suggests (a cp1252 file lists cp1252 first)
        groups = [_common_name([m.encoding, *m.could_be_from_charset]) for m in [best, *rivals]]
        names = sorted(dict.fromkeys(groups), key=_rank)
        shown = ", ".join(names[:5]) + (" or others" if len(names) > 5 else "")
        raise ImportFailed(
            f"ambiguous text encoding ({shown}); " + _ADVICE, path=name, encodings=tuple(names)
        )
    return best.encoding


def _first_non_utf8_line(data: bytes) -> int | None:
    """Line of the first byte that is not UTF-8 (None when every byte is)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    nul = data.find(b"\x00")
    return data.count(b"\n", 0, nul) + 1 if nul >= 0 else None


def _bom_note(data: bytes, codec: str) -> str:
    """Why a named encoding failed, when the file's byte-order mark names another: " (it
    starts with a UTF-16 byte-order mark: it is UTF-16)"; "" otherwise."""
    marked = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    try:
        named = codecs.lookup(codec).name
    except LookupError:
        return ""
    if marked is None or marked == "utf-8-sig" or named.startswith(marked):
        return ""
    family = marked.upper()
    return f" (it starts with a {family} byte-order mark: it is {family})"


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode file contents; ``name`` is used in error messages."""
    if not data:
        raise ImportFailed("file is empty", path=name)
    if encoding is None and not data.startswith(
        (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        try:  # the common case, decoded once
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if "\x00" in text:
                detect_encoding(data, name)  # refuses NUL bytes with its own message
            _refuse_binary(text, name)
            return text
    try:
        codec = encoding or detect_encoding(data, name)
    except ImportFailed as exc:
        raise ImportFailed(
            exc.message, path=name, line=_first_non_utf8_line(data), encodings=exc.encodings
        ) from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        # lines counted in the decoded text before the bad byte (in UTF-16 a 0x0a byte is not
        # a line feed)
        line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        raise ImportFailed(
            f"cannot decode as {codec}: byte {data[exc.start]:#04x} is not valid there"
            + _bom_note(data, codec),
            path=name,
            line=line,
        ) from None
    except LookupError:
        raise ImportFailed(f"unknown text encoding '{codec}'", path=name) from None
    text = text.removeprefix("\ufeff")
    _refuse_binary(text, name)
    return text


def check_regular(path: Path) -> None:
    """Refuse a FIFO, socket or device up front: reading one would block or never end."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise ImportFailed(
            "is not a regular file (a pipe, socket or device); refused", path=str(path)
        )


def read_text(path: Path, encoding: str | None = None, *, allow_empty: bool = False) -> str:
    """The text of ``path``; ``allow_empty`` returns "" for a 0-byte file instead of refusing."""
    check_regular(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    if not data and allow_empty:
        return ""
    return decode_bytes(data, str(path), encoding)


_CHUNK = 1 << 20
_PREFIX = 20000  # characters whose control-character ratio decides "binary" (``_refuse_binary``)


@dataclass(frozen=True)
class _Plan:
    """How to stream a file that decodes cleanly: its codec, and whether one U+FEFF left at
    the start by the codec is dropped (``decode_bytes`` drops it: a byte-order mark)."""

    codec: str
    drop_bom: bool


def _stream_codec(path: Path, encoding: str | None) -> _Plan | None:
    """How to stream ``path`` when it decodes cleanly and is text (plain UTF-8, a UTF-16 or
    UTF-32 file with a byte-order mark, a named encoding, or a legacy encoding detected
    unambiguously), checked in one pass of the bytes that keeps nothing but the first
    characters; None for any other file (a decoding error, a binary or empty file, an unknown
    or undecidable encoding), which then goes through ``read_text`` and its checks and
    messages."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_CHUNK)
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    if not head:
        return None
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            return None  # read_text names the unknown encoding
        return _checked(path, codec, encoding)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(path, detect_encoding(head, str(path)), None)
    if head.startswith(codecs.BOM_UTF32_BE):
        return None  # decode_bytes refuses it as binary (its NUL bytes)
    codec = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    plan = _checked(path, codec, None)
    if plan is not None or b"\x00" in head:
        return plan
    try:  # not UTF-8: the detection needs the bytes whole; they are dropped before reading
        data = path.read_bytes()
        if _is_utf8(data):
            return None  # UTF-8 with a NUL byte or control characters: read_text refuses it
        legacy = detect_encoding(data, str(path))
    except (ImportFailed, OSError):
        return None
    del data
    return _checked(path, legacy, None)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _checked(path: Path, codec: str, named: str | None) -> _Plan | None:
    """The plan for ``codec`` when the whole file decodes with it and is text (no NUL, few
    control characters at the start); None otherwise. The NUL-byte test of undeclared UTF-8
    is made on the bytes, as ``decode_bytes`` makes it."""
    try:
        decoder = codecs.getincrementaldecoder(codec)()
    except LookupError:
        return None
    prefix = ""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                if named is None and codec.startswith("utf-8") and b"\x00" in chunk:
                    return None
                text = decoder.decode(chunk)
                if "\x00" in text:
                    return None
                if len(prefix) <= _PREFIX:
                    prefix += text[: _PREFIX + 1]
            text = decoder.decode(b"", final=True)
            if "\x00" in text:
                return None
            prefix += text[: _PREFIX + 1]
    except UnicodeDecodeError:
        return None
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    drop_bom = prefix.startswith("\ufeff")
    if _control_ratio(prefix.removeprefix("\ufeff")) > 0.01:
        return None
    return _Plan(codec, drop_bom)


def _decoded(path: Path, plan: _Plan, size: int) -> Iterator[str]:
    """The text of ``path`` decoded as ``plan`` says, in pieces of at most about ``size``
    bytes' worth (empty pieces left out)."""
    decoder = codecs.getincrementaldecoder(plan.codec)()
    drop = plan.drop_bom
    try:
        with path.open("rb") as fh:
            while True:
                chunk = fh.read(size)
                piece = decoder.decode(chunk, final=not chunk)
                if drop and piece:
                    piece, drop = piece[1:], False
                if piece:
                    yield piece
                if not chunk:
                    return
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None


def iter_chunks(path: Path, encoding: str | None = None, size: int | None = None) -> Iterator[str]:
    """The text of ``path`` (what ``read_text`` returns) in pieces of about ``size``
    characters (default ``_CHUNK``), streamed whenever the file decodes cleanly (see
    ``_stream_codec``) so that a large file is never held in memory; any other file is read
    whole by ``read_text`` (same checks, same messages) and comes as one piece."""
    plan = _stream_codec(path, encoding)
    if plan is None:
        yield read_text(path, encoding)
        return
    yield from _decoded(path, plan, size or _CHUNK)


def iter_split_lines(path: Path, encoding: str | None = None) -> Iterator[str]:
    """``read_text(path, encoding).split("\\n")`` streamed: every piece between line feeds
    (a carriage return kept), the last one after the final line feed too."""
    rest = ""
    for piece in iter_chunks(path, encoding):
        lines = (rest + piece).split("\n")
        rest = lines.pop()
        yield from lines
    yield rest


def open_text(path: Path, encoding: str | None = None) -> IO[str]:
    """``path`` open for reading as text with ``newline=""`` (as the ``csv`` module wants):
    the file itself when it decodes cleanly (read as it goes, see ``_stream_codec``), else
    ``read_text``'s result in memory (same checks, same messages)."""
    plan = _stream_codec(path, encoding)
    if plan is None:
        return io.StringIO(read_text(path, encoding), newline="")
    try:
        fh = path.open(encoding=plan.codec, newline="")
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    if plan.drop_bom:
        fh.read(1)
    return fh


def iter_lines(path: Path, encoding: str | None = None) -> Iterator[str]:
    """The lines of ``path`` split at line feeds only (U+2028 and U+0085 may stand inside a
    JSON string), without their line ending, streamed
    when the file is plain UTF-8 (checked in one binary pass first, nothing kept), so a large
    file is never held in memory; another encoding that decodes cleanly is streamed as
    ``read_text(...).split("\\n")`` (carriage returns kept), and any other file goes through
    ``read_text`` and its checks and messages."""
    plan = _stream_codec(path, encoding)
    if plan is None:
        yield from read_text(path, encoding).split("\n")
        return
    if plan.codec != "utf-8" or plan.drop_bom or encoding is not None:
        yield from iter_split_lines(path, encoding)
        return
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for physical in fh:  # newline="": lines end at "\n" (or "\r\n", "\r"), never at U+2028
                yield physical.rstrip("\r\n")
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
