"""Error classes with stable codes. Every message is one line a user can act on."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class of every error the tool reports to a user."""

    code = "E000"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}".replace("\n", " ")


class SchemeError(AnnotatorError):
    code = "E100"


class ProjectError(AnnotatorError):
    """The project file cannot be created or opened."""

    code = "E110"


class ProjectLocked(ProjectError):
    code = "E111"


class SchemaTooNew(ProjectError):
    code = "E112"


class ForeignSchema(ProjectError):
    """The project file holds database objects (triggers, views, tables) we did not create."""

    code = "E113"


class DatabaseFailed(ProjectError):
    """The database refused a read or write (disk full, read-only, damaged, busy, too slow)."""

    code = "E114"


class ImportFailed(AnnotatorError):
    code = "E120"


class ValidationError(AnnotatorError):
    """An annotation breaks the scheme's rules (offsets, labels, attributes, relations)."""

    code = "E130"


class ExportFailed(AnnotatorError):
    code = "E140"


class NotFound(AnnotatorError):
    code = "E150"


class MergeRefused(AnnotatorError):
    code = "E160"


class ModelUnavailable(AnnotatorError):
    code = "E170"
