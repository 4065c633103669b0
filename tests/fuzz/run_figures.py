"""Run the importer fuzzing at a larger scale than the test suite and print the figures table.

PYTHONPATH=. python tests/fuzz/run_figures.py [inputs per format] [random seed] [json out]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: project_files
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzlib import FORMATS, Figures, fuzz_inputs, label_map_for, run_one, seed_files, stage

from annotator.project import Project


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    only = sys.argv[4].split(",") if len(sys.argv) > 4 else list(FORMATS)
    figures = Figures()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for fmt in only:
            seeds = seed_files(fmt)
            if not seeds:
                print(f"{fmt}: no seed files", file=sys.stderr)
                continue
            label_map = label_map_for(fmt, seeds, base)
            project = Project.create(base / f"{fmt}.annproj", "news")
            try:
                for n, (src, data) in enumerate(fuzz_inputs(fmt, seeds, count, seed)):
                    path = stage(fmt, src, data, base / "in" / str(n))
                    run_one(project, fmt, path, label_map, figures)
            finally:
                project.close()
    print(figures.table())
    for kind in ("internal", "hang", "silent", "changed", "no_line"):
        for line in figures.examples.get(kind, [])[:30]:
            print(f"{kind}: {line}")
    if len(sys.argv) > 3 and sys.argv[3] != "-":
        Path(sys.argv[3]).write_text(
            json.dumps({k: dict(v) for k, v in vars(figures).items() if k != "examples"}),
            "utf-8",
        )


if __name__ == "__main__":
    main()
