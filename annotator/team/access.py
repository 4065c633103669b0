"""``annotator grant``: give a person's database role the rights of an annotator, a reviewer or
a lead in a server project (the database enforces them, see ``storage.roles``)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from annotator.errors import ChangeRefused, UsageError
from annotator.project import RETRY_ATTEMPTS, Project
from annotator.vocabulary import AnnotatorRole
from storage import postgres, roles
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
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            group, created = roles.grant(project.db, role, kind)
            break
        except roles.RoleError as exc:
            raise UsageError(str(exc)) from None
        except DBAPIError as exc:
            # the policies' DDL can deadlock with the server's own autovacuum: run it again
            if postgres.refusal(exc) == "conflict" and attempt < RETRY_ATTEMPTS:
                time.sleep(0.05 * attempt)
                continue
            raise ChangeRefused(
                f"the server refused to create roles ({postgres.first_line(exc)}); run grant "
                "as the project's owner with the CREATEROLE right",
                path=project.location,
            ) from None
    if kind != "lead":
        with project.session() as s:
            ann_repo.ensure_annotator(s, role, role=_LAYER_ROLE[kind])
    return Grant(role, kind, group, created)
