"""The strings a project file stores, named once.

These values are written to and filtered on in the database (``assignment.status``,
``suggestion.state``, ``span.origin``, ``event_log.action``), so they are part of the project
file's contract: changing one needs a migration. ``storage`` may not import ``annotator``, so they
live here; ``annotator.vocabulary`` re-exports them with the domain's other words.
"""

from __future__ import annotations

from enum import StrEnum

# SQLite refuses statements with more than 32,766 bound parameters; id lists longer than this
# are sent in chunks (or through a temporary table).
SQL_BATCH_LIMIT = 30000


class AnnotatorRole(StrEnum):
    """``annotator.role``; the reserved ``gold`` annotator is a reviewer."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    LEAD = "lead"


class AssignmentStatus(StrEnum):
    """Where an annotator stands with an assigned document (``assignment.status``)."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


class SuggestionState(StrEnum):
    """``suggestion.state`` and ``suggestion_relation.state``."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Origin(StrEnum):
    """Fixed values of ``span.origin`` / ``relation.origin``; a model's spans carry the model
    name, adjudicated spans ``adjudication:<source layer>`` (``adjudication_origin``)."""

    MANUAL = "manual"
    IMPORT = "import"
    SUGGESTION = "suggestion"
    DEMO = "demo"


def adjudication_origin(source: str) -> str:
    """The origin of a gold span the reviewer took from ``source`` (a layer or ``unanimous``)."""
    return f"adjudication:{source}"


class EventAction(StrEnum):
    """``event_log.action``: what a logged change did."""

    IMPORT = "import"
    STATUS = "status"
    ASSIGN = "assign"
    PACKAGE = "package"
    MERGE = "merge"
    SPAN_ADD = "span.add"
    SPAN_UPDATE = "span.update"
    SPAN_DELETE = "span.delete"
    SPAN_RESTORE = "span.restore"
    RELATION_ADD = "relation.add"
    RELATION_DELETE = "relation.delete"
    ENTITY_ADD = "entity.add"
    ENTITY_RENAME = "entity.rename"
    ENTITY_ALIAS = "entity.alias"
    ENTITY_MERGE = "entity.merge"
    SUGGESTION_ACCEPT = "suggestion.accept"
    SUGGESTION_REJECT = "suggestion.reject"
    SUGGESTION_RESET = "suggestion.reset"
    ADJUDICATE = "adjudicate"
    ADJUDICATE_UNDO = "adjudicate.undo"
    ADJUDICATE_UNANIMOUS = "adjudicate.unanimous"
