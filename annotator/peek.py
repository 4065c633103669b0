"""What a window needs from a project before its first paint, read without the ORM.

The window needs only the project's scheme (for the label palette and keys) and the owner of a
work file (a work file is annotated as its owner) to be built and painted; SQLAlchemy, the
repository and the session factory are needed only once data is read. :func:`peek_project`
reads those two things with ``storage.peek`` (standard library only): importing this module
must not import SQLAlchemy (``tests/gui/test_layers.py`` and the startup benchmark check it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.scheme import Scheme

# Keys of the project_meta table (storage.repository.documents.get_meta): the scheme as JSON
# (annotator.project) and the owner of a work file (annotator.team.workfile.WORKFILE_FOR).
SCHEME_KEY = "scheme"
WORKFILE_KEY = "workfile_for"


@dataclass(frozen=True)
class ProjectPeek:
    """What a window needs from a project before its first paint."""

    scheme: Scheme
    workfile_owner: str | None


def peek_project(path: Path) -> ProjectPeek | None:
    """The scheme and work-file owner of the project at ``path``, read without the ORM; None
    when the file cannot tell (open it with ``Project.open`` to learn why)."""
    from annotator.errors import AnnotatorError
    from annotator.scheme import scheme_from_json
    from storage.peek import peek_meta

    rows = peek_meta(path, (SCHEME_KEY, WORKFILE_KEY))
    raw = rows.get(SCHEME_KEY) if rows else None
    if not raw:
        return None
    try:
        return ProjectPeek(scheme_from_json(raw), (rows or {}).get(WORKFILE_KEY) or None)
    except (ValueError, TypeError, KeyError, AnnotatorError):
        return None  # Project.open says precisely what is wrong
