"""``annotator copy SRC DEST``: move a whole project between a file and a server, losslessly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotator.cancel import CancelToken
from annotator.errors import ProjectError
from annotator.project import Project, is_server_location
from annotator.wording import count_of
from storage import postgres
from storage.copying import copy_rows


@dataclass
class CopyReport:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        docs = self.rows.get("document", 0)
        spans = self.rows.get("span", 0)
        total = sum(self.rows.values())
        return [
            f"copied {self.source} to {self.target}: {count_of(docs, 'document')}, "
            f"{count_of(spans, 'span')}, "
            f"{total} rows in {len(self.rows)} tables"
        ]


def copy_project(
    source: str | Path, target: str | Path, progress: CancelToken | None = None
) -> CopyReport:
    """Create ``target`` (a new file or an empty server database) holding every row of
    ``source``. Nothing is left at ``target`` when the copy fails."""
    if str(source) == str(target):
        raise ProjectError("the source and the target are the same project", path=str(target))
    with Project.open(source) as src:
        dest = Project.create(target, src.scheme)
        report = CopyReport(src.location, dest.location)
        try:
            tick = (lambda _table, _n: progress.check()) if progress is not None else None
            report.rows = copy_rows(src.db, dest.db, tick)
        except BaseException:
            _discard(dest, target)
            raise
        dest.close()
    return report


def _discard(dest: Project, target: str | Path) -> None:
    if dest.is_server:
        postgres.drop_project(dest.db)
        dest.close()
        return
    dest.close()
    if not is_server_location(target):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
