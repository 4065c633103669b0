"""What others changed: a cheap poll of the event log, for a window that stays open on a
shared (server) project while other people edit it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from storage.repository import events as event_repo


@dataclass(frozen=True)
class Changes:
    """Documents others touched since the last poll, and who touched them."""

    documents: frozenset[int] = frozenset()
    actors: frozenset[str] = frozenset()
    project_wide: bool = False  # an event without a document (scheme, assignments in bulk)

    def __bool__(self) -> bool:
        return bool(self.documents) or self.project_wide


@dataclass
class ChangeWatch:
    """Remembers the newest event seen; ``poll`` returns what others did since. The caller's
    own events (``me``) are skipped: its window already shows them."""

    me: str
    last_id: int = 0
    _started: bool = field(default=False, repr=False)

    def start(self, session: Session) -> None:
        self.last_id = event_repo.last_event_id(session)
        self._started = True

    def poll(self, session: Session) -> Changes:
        if not self._started:
            self.start(session)
            return Changes()
        docs: set[int] = set()
        actors: set[str] = set()
        wide = False
        while rows := event_repo.changes_after(session, self.last_id):
            for event_id, actor, _action, doc in rows:
                self.last_id = event_id
                if actor == self.me:
                    continue
                actors.add(actor)
                if doc is None:
                    wide = True
                else:
                    docs.add(doc)
        return Changes(frozenset(docs), frozenset(actors), wide)
