"""HTML news page reader: the main text, title, date and author, extracted with trafilatura.

The page is read from disk and handed to trafilatura as a string: nothing is fetched, no script
runs. The document text is trafilatura's main text (paragraphs separated by newlines, comments
and boilerplate left out); ``meta`` gets ``title``, ``published`` (ISO date), ``author``,
``url`` (canonical link) and ``source`` (site name, else the file name) when found. A page
with no main text (fewer than five words) is refused with an error naming the file. Pages carry
no annotations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import ImportFailed
from annotator.formats.common import UniqueIds, files_with_suffix, rel_name
from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import read_text
from annotator.values import DocData

_MIN_WORDS = 5  # fewer words than this: menus or a title only, not an article
# Scripts written without spaces between words: each character counts as half a word.
_UNSPACED = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f]"
)
# The HTML parser checks each attribute against the others of its element: an element with
# thousands of attributes makes parsing quadratic. Attributes beyond the first few are dropped
# (they never carry article text) in one linear pass before parsing.
_MAX_ATTRIBUTES = 64
_LONG_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:_-]*)(\s[^<>]{2048,})>")
_ATTRIBUTE = re.compile(r"""\s*[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?""")


def _trim_attributes(html: str) -> str:
    def trim(m: re.Match[str]) -> str:
        kept: list[str] = []
        for a in _ATTRIBUTE.finditer(m.group(2)):
            if len(kept) == _MAX_ATTRIBUTES:
                break
            kept.append(a.group(0))
        return f"<{m.group(1)}{''.join(kept)}>"

    return _LONG_TAG.sub(trim, html)


def word_count(text: str) -> int:
    """Words of ``text``: whitespace-separated, plus half a word per CJK/Thai character."""
    return len(text.split()) + len(_UNSPACED.findall(text)) // 2


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    for file in files_with_suffix(path, (".html", ".htm")):
        text, meta = extract(read_text(file, options.encoding), str(file))
        meta.setdefault("source", file.name)
        yield DocData(ids(rel_name(file, root)), text, meta, source_path=str(file))


def extract(html: str, name: str) -> tuple[str, dict[str, Any]]:
    """Main text and metadata of one page; ``name`` is used in error messages."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            _trim_attributes(html),
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=True,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise ImportFailed(f"cannot parse the HTML: {type(exc).__name__}", path=name) from None
    data: dict[str, Any] = {}
    if doc is not None:
        data = doc if isinstance(doc, dict) else doc.as_dict()
    text = (data.get("text") or "").strip()
    if word_count(text) < _MIN_WORDS:
        raise ImportFailed("no main text found in the page (is it an article?)", path=name)
    meta: dict[str, Any] = {}
    for ours, theirs in (
        ("title", "title"),
        ("published", "date"),
        ("author", "author"),
        ("url", "url"),
        ("source", "sitename"),
    ):
        value = data.get(theirs)
        if isinstance(value, str) and value.strip():
            meta[ours] = value.strip()
    return text, meta
