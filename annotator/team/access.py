"""``annotator grant``: give a person's database role the rights of an annotator, a reviewer or
a lead in a server project (the database enforces them, see ``storage.roles``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from annotator.errors import ChangeRefused, UsageError
from annotator.project import Project
from annotator.vocabulary import AnnotatorRole
from storage import roles
from storage.repository import annotators_assignments as ann_repo

_LAYER_ROLE = {
    "annotator": AnnotatorRole.ANNOTATOR,
    "reviewer": AnnotatorRole.REVIEWER,
    "lead": AnnotatorRole.LEAD,
}


@dataclass(frozen=True)
class Grant:
    role: str
    kind: str
    group: str
    created: bool

    def line(self) -> str:
        made = "created login role" if self.created else "login role"
        return (
            f"{made} {self.role}: {self.kind} (member of {self.group}); "
            "set its password on the server (ALTER ROLE ... PASSWORD) or use .pgpass"
        )


def grant_access(project: Project, role: str, kind: str) -> Grant:
    """Create ``role`` if needed and give it ``kind``'s rights; annotators and reviewers get a
    layer of their role's name."""
    if not project.is_server:
        raise UsageError(
            "roles exist only on a server project (a project file has no users: "
            "share work files with 'annotator package' instead)",
            path=project.location,
        )
    try:
        group, created = roles.grant(project.db, role, kind)
    except roles.RoleError as exc:
        raise UsageError(str(exc)) from None
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ChangeRefused(
            f"the server refused to create roles ({first}); run grant as the project's owner "
            "with the CREATEROLE right",
            path=project.location,
        ) from None
    if kind != "lead":
        with project.session() as s:
            ann_repo.ensure_annotator(s, role, role=_LAYER_ROLE[kind])
    return Grant(role, kind, group, created)
