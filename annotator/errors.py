"""The error catalogue: every error the tool reports to a user, each with a stable code.

A message is one line a user can act on, rendered as ``[E120] brat/a.ann:12: message`` (the CLI
prefixes ``error: ``; the app's dialogs show the same line). Codes never change meaning once
released; ``docs/errors.md`` lists them (a test keeps it in step with this module). ``storage``
keeps its own ``StorageError`` (it may not import ``annotator``); ``annotator.project``
translates it into ``ProjectError`` and its subclasses.
"""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class of every error the tool reports to a user."""

    code = "E000"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.render())

    def one_line(self) -> str:
        """``path:line: message`` on one line, without the code (for status-bar notes)."""
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}".replace("\n", " ")

    def render(self) -> str:
        """``[CODE] path:line: message``: how the CLI and the app's dialogs show the error."""
        return f"[{self.code}] {self.one_line()}"


class UsageError(AnnotatorError):
    """Options given on the command line or in a dialog do not fit (e.g. an unknown
    --format, no output path)."""

    code = "E010"


class Cancelled(AnnotatorError):
    """The user stopped a long operation (``annotator.cancel``); nothing was changed."""

    code = "E020"

    def __init__(self, message: str = "cancelled; nothing was changed") -> None:
        super().__init__(message)


class SchemeError(AnnotatorError):
    """A scheme file cannot be read or breaks the scheme's rules."""

    code = "E100"


class SchemePatternError(SchemeError):
    """A suggestion pattern of the scheme (``preannotation.argument_patterns``) is malformed:
    an unknown group, attribute, operator or node name; the message names the pattern."""

    code = "E101"

    def __init__(
        self,
        message: str,
        *,
        where: tuple[str | int, ...] = (),
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.where = where  # the pattern's place in the scheme: keys and list indices
        super().__init__(message, path=path, line=line)


class ProjectError(AnnotatorError):
    """The project file cannot be created or opened."""

    code = "E110"


class ProjectLocked(ProjectError):
    """Another program holds the project's write lock."""

    code = "E111"


class SchemaTooNew(ProjectError):
    """The project was written by a newer version of the tool."""

    code = "E112"


class ForeignSchema(ProjectError):
    """The project file holds database objects (triggers, views, tables) we did not create."""

    code = "E113"


class DatabaseFailed(ProjectError):
    """The database refused a read or write (disk full, read-only, damaged, busy, too slow)."""

    code = "E114"


class ServerUnavailable(ProjectError):
    """A server project cannot be reached, dropped the connection, or hit a conflicting change
    by another user; nothing was changed and the action can be tried again."""

    code = "E115"


class ChangeRefused(ProjectError):
    """The database server refused a change the connected role may not make (another
    annotator's layer, gold without the reviewer role, the scheme without the lead role)."""

    code = "E116"


class ProjectMissing(ProjectError):
    """There is no project file at the path given; the CLI says to create one with `annotator
    init`, the app with File → New project."""

    code = "E117"

    def advised(self, advice: str) -> ProjectMissing:
        """The same error with ``advice`` on how to create a project, in the front end's words."""
        return ProjectMissing(f"{self.message} ({advice})", path=self.path, line=self.line)


class ImportFailed(AnnotatorError):
    """An input file cannot be read or imported; nothing was imported."""

    code = "E120"

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        encodings: tuple[str, ...] | None = None,
    ) -> None:
        # Not None when naming the file's text encoding would let it be read: the likely
        # encodings, most likely first (may be empty). Each front end words the hint (the CLI's
        # --encoding, the Import dialog's Encoding list); the message names no option.
        self.encodings = encodings
        super().__init__(message, path=path, line=line)


class ReaderCrashed(ImportFailed):
    """A reader failed in a way it did not foresee; reported as one line naming the file, and
    counted by the fuzz tests as an internal exception to fix."""

    code = "E122"


class ValidationError(AnnotatorError):
    """An annotation breaks the scheme's rules (offsets, labels, attributes, relations)."""

    code = "E130"


class ExportFailed(AnnotatorError):
    """An export cannot be written; an earlier export at the same place is left as it was."""

    code = "E140"


class SplitError(ExportFailed):
    """A train/dev/test split cannot be made as asked (e.g. ``--split 80,10``)."""

    code = "E141"


class NotFound(AnnotatorError):
    """A document, span, annotator or registry entry named by the user does not exist."""

    code = "E150"


class MergeRefused(AnnotatorError):
    """A work file does not match the project (texts or scheme); nothing was merged."""

    code = "E160"


class PackageFailed(AnnotatorError):
    """A work file cannot be written for the annotator asked for."""

    code = "E161"


class StaleItem(AnnotatorError):
    """The annotators' layers changed since the review queue was built."""

    code = "E163"


class ModelUnavailable(AnnotatorError):
    """The spaCy pipeline named (or spaCy itself) cannot be loaded."""

    code = "E170"


class TrainFailed(AnnotatorError):
    """Training a pipeline from the project failed."""

    code = "E172"


class SuggestFailed(AnnotatorError):
    """A pre-annotation worker process (``preannotate --n-process N``) raised or stopped; the
    message names what it raised or its exit code."""

    code = "E173"


class ModelFormatError(AnnotatorError):
    """A model folder written by ``annotator train`` cannot be read (missing or damaged file)."""

    code = "E178"


class ComparisonError(AnnotatorError):
    """A model folder's comparison of trained and default suggestions is missing or damaged."""

    code = "E179"


class AgreementFailed(AnnotatorError):
    """The layers cannot be compared (e.g. two copies of a document have different texts)."""

    code = "E180"


class Unexpected(AnnotatorError):
    """A bug: an exception the code did not anticipate, reported as one line."""

    code = "E999"

    @classmethod
    def wrap(cls, exc: BaseException) -> Unexpected:
        text = str(exc).splitlines()[0] if str(exc) else ""
        return cls(f"unexpected {type(exc).__name__}: {text}" if text else type(exc).__name__)


def as_annotator_error(exc: BaseException) -> AnnotatorError:
    """``exc`` itself when it is in the catalogue, otherwise wrapped as ``Unexpected``."""
    return exc if isinstance(exc, AnnotatorError) else Unexpected.wrap(exc)


def catalogue() -> list[type[AnnotatorError]]:
    """Every error class, ordered by code."""
    found: list[type[AnnotatorError]] = []
    todo: list[type[AnnotatorError]] = [AnnotatorError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: c.code)


def markdown_table() -> str:
    """The table of codes in ``docs/errors.md``, generated from the classes."""
    lines = ["| code | error | meaning |", "|---|---|---|"]
    for cls in catalogue():
        doc = " ".join((cls.__doc__ or "").split())
        lines.append(f"| {cls.code} | `{cls.__name__}` | {doc} |")
    return "\n".join(lines) + "\n"
