"""Plain-text articles: one document per .txt file.

The stored text is the file's text, verbatim. In the plain-text news layout (a site line, the
title, a date line, then the body, as in saved web articles), the title and the date become
metadata, and a site line before the title the source when it reads as a name (a tagline such
as "Creating new perspectives since 2009" does not); otherwise the first short line is taken
as the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import read_text
from annotator.values import DocData

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MDY = re.compile(r"^(?:\w+,\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_DMY = re.compile(r"^(?:\w+,\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\b")
# Words a publication's name may keep in lower case ("Voice of America", "Le Monde diplomatique"
# is the rare exception and is missed: no source rather than a wrong one).
_NAME_LINKS = frozenset(
    "a an and at de del der des di du for from in la le of on the to und van von y".split()
)
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)
_MAX_NAME_WORDS = 6


def parse_date(line: str) -> str | None:
    """ISO date of a line that starts with a date ("May 11, 2019 at 1:12 pm", "2019-05-11")."""
    line = line.strip()
    try:
        if m := _ISO.match(line):
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if (m := _MDY.match(line)) and m[1].lower() in _MONTHS:
            return date(int(m[3]), _MONTHS[m[1].lower()], int(m[2])).isoformat()
        if (m := _DMY.match(line)) and m[2].lower() in _MONTHS:
            return date(int(m[3]), _MONTHS[m[2].lower()], int(m[1])).isoformat()
    except ValueError:
        return None
    return None


def looks_like_a_name(line: str) -> bool:
    """Whether a site line reads as a publication's name ("Middle East Monitor", "The New York
    Times", "BBC News", "reuters.com") rather than a tagline or sentence ("Creating new
    perspectives since 2009"): a domain, or a few words each capitalised (or a linking word
    such as "of", "the"), ending without a full stop."""
    if _DOMAIN.match(line):
        return True
    words = line.replace("|", " ").replace("–", " ").replace("—", " ").split()
    if not words or len(words) > _MAX_NAME_WORDS or line.endswith((".", "!", "?")):
        return False
    if not words[0][:1].isupper() and not words[0][:1].isdigit():
        return False
    for word in words[1:]:
        first = word.lstrip("\"'(“‘")[:1]
        if first.isalpha() and not first.isupper() and word.lower() not in _NAME_LINKS:
            return False
    return True


def news_meta(text: str) -> dict[str, str]:
    """Title and date of an article in the plain-text news layout."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:8]
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[:6]):
        published = parse_date(line)
        if published and len(line) < 80:
            meta["published"] = published
            if i > 0:
                meta["title"] = lines[i - 1]
            # the site line: the first line before the title that reads as a name
            site = next((ln for ln in lines[: max(0, i - 1)] if looks_like_a_name(ln)), None)
            if site is not None:
                meta["source"] = site
            return meta
    if lines and len(lines[0]) <= 200 and not lines[0].endswith("."):
        meta["title"] = lines[0]
    return meta


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.txt") if p.is_file() and not p.name.startswith("."))
    return [path]


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    for file in _files(path):
        text = read_text(file, options.encoding)
        if not text.strip():
            from annotator.errors import ImportFailed

            raise ImportFailed("file has no text", path=str(file))
        meta = news_meta(text)
        meta.setdefault("title", file.stem)
        yield DocData(file.stem, text, meta, source_path=str(file))
