"""Offline work files: package one annotator's documents into a project file, merge it back.

A work file is an ordinary project file (it opens in the app with no access to the main project)
holding the annotator's assigned documents, the scheme, the actor registry and her layer and
assignments. ``project_meta['workfile_for']`` names the annotator whose layer it carries.

Merging brings back only that layer, on her documents only: those packaged for her or assigned
to her in the project now. A document she imported into her work file is set aside and reported
("2 documents in alice's work file are not assigned to her: skipped (…)"), never taken in as a
new assignment. Everything is read and checked before anything is written:
a work file whose scheme fingerprint differs, or whose document texts are not in the project
(by sha256, recomputed from the stored text), is refused. Spans are matched by (start, end, label);
a match with other attributes or another actor link is a change, the rest are additions and
removals. Merging the same file twice changes nothing.

The work file remembers a hash of each document's layer as packaged. A document the annotator did
not edit offline keeps the project's version (so an old work file cannot undo newer work done in
the project); a document edited on both sides takes the work file's version and is reported as a
conflict. New actors are added to the registry unless one with the same name and type (or an
alias of that type) exists; new aliases are added. Assignment statuses come back, and the time
spent is the larger of the two.
"""

from annotator.team.workfile.content import WORKFILE_FOR, workfile_owner
from annotator.team.workfile.merging import merge
from annotator.team.workfile.packaging import package

# The package's public face, what the CLI, the app and the tests import. The parts: content (meta
# keys, layer hash, reading a work file), packaging, checks (before a merge), merging, and report
# (DocChange, MergeReport).
__all__ = [
    "WORKFILE_FOR",
    "merge",
    "package",
    "workfile_owner",
]
