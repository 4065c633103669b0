"""Mutation fuzzing of every importer on the real files of ``../shared/corpus`` (and on the
hostile files written for the tests): shared by the Hypothesis test and the figures script.

Each input is classified as: a correct import (the project passes ``check`` afterwards), a
clean error (one line naming the file), an internal exception, a hang, a silent error (imported
but ``check`` then finds errors), and whether the project file changed on an error.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from project_files import file_hash

from annotator.errors import AnnotatorError, ImportFailed
from annotator.project import Project
from annotator.reports.check import check_project
from annotator.transfer.importing import import_paths, read_paths

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
HOSTILE = REPO / "tests" / "hostile" / "files"
MAX_SEED_BYTES = 48_000
PER_INPUT_SECONDS = 10.0

# format -> (globs under the corpus, globs under tests/hostile/files)
SEED_GLOBS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "jsonl": ((), ("seed/*.native.jsonl",)),
    "txt": (("brat_nlplab_examples/**/*.txt",), ("seed/*.txt",)),
    "csv": ((), ("seed/*.csv",)),
    "brat": (("brat_dkpro_tests/**/*.ann", "brat_nlplab_examples/**/*.ann"), ()),
    "doccano": (("doccano_jsonl/**/*.jsonl",), ()),
    "labelstudio": (("labelstudio_json/**/*.json",), ()),
    "prodigy": (("prodigy_jsonl_explosion/*.jsonl",), ()),
    "spacy": (("spacy_docbin_explosion/ner_tweets_demo.spacy",), ()),
    "conll": (("conll/*.conll", "conll/*.bio"), ()),
    "webanno": (
        ("webanno_tsv3_inception/tsv3-suite/**/*.tsv", "news_gum_webanno_tsv/**/*.tsv"),
        (),
    ),
    "html": ((), ("seed/*.html",)),
}
FORMATS = tuple(SEED_GLOBS)

TOKENS: tuple[bytes, ...] = (
    b'"',
    b"'",
    b"\n",
    b"\r\n",
    b"\t",
    b",",
    b"{}",
    b"[]",
    b"null",
    b"true",
    b"-1",
    b"0",
    b"999999999",
    b"1_4",
    b"1e309",
    "\u0663".encode(),
    "\u2028".encode(),
    "\u0085".encode(),
    b"\\ud800",
    b"\xff\xfe",
    b"\x00",
    b"[" * 3000,
    b"{" * 50,
    b"<",
    b"&#0;",
    b"T1",
    b"E1",
    b"#",
    b"|",
    b"_",
    b"B-",
    b"I-",
)


def seed_files(fmt: str) -> list[Path]:
    corpus_globs, hostile_globs = SEED_GLOBS[fmt]
    found: list[Path] = []
    for base, globs in ((CORPUS, corpus_globs), (HOSTILE, hostile_globs)):
        if not base.is_dir():
            continue
        for pattern in globs:
            found += [p for p in sorted(base.glob(pattern)) if p.is_file()]
    if fmt == "txt":
        found = [p for p in found if not p.with_suffix(".ann").exists()]
    if fmt == "brat":
        found = [p for p in found if p.with_suffix(".txt").exists()]
    return sorted({p: None for p in found if p.stat().st_size > 0})


# ---------------------------------------------------------------- mutations


def mutate(data: bytes, rnd: random.Random, rounds: int) -> bytes:
    """Apply ``rounds`` random mutations to ``data`` (keeps it small)."""
    buf = bytearray(data)
    for _ in range(rounds):
        op = rnd.randrange(9)
        pos = rnd.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip one byte
            buf[min(pos, len(buf) - 1)] = rnd.randrange(256)
        elif op == 1:  # insert an interesting token
            buf[pos:pos] = rnd.choice(TOKENS)
        elif op == 2 and buf:  # delete a slice
            buf[pos : pos + rnd.randrange(1, 64)] = b""
        elif op in (3, 4):  # repeat or drop a line
            lines = bytes(buf).split(b"\n")
            i = rnd.randrange(len(lines))
            if op == 3:
                lines.insert(i, lines[i])
            elif len(lines) > 1:
                del lines[i]
            buf = bytearray(b"\n".join(lines))
        elif op == 5:  # swap two lines
            lines = bytes(buf).split(b"\n")
            i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            buf = bytearray(b"\n".join(lines))
        elif op == 6:  # replace a number by an odd one
            digits = [i for i, b in enumerate(buf) if 48 <= b <= 57]
            if digits:
                i = rnd.choice(digits)
                j = i
                while j < len(buf) and 48 <= buf[j] <= 57:
                    j += 1
                buf[i:j] = rnd.choice(
                    (b"-1", b"0", b"1_4", b"true", "\u0663".encode(), b"99999999", b"1.5")
                )
        elif op == 7 and len(buf) > 2:  # truncate
            del buf[pos:]
        elif op == 8:  # duplicate a slice (a record twice)
            end = min(len(buf), pos + rnd.randrange(1, 400))
            buf[end:end] = buf[pos:end]
    return bytes(buf[: MAX_SEED_BYTES * 2])


# ---------------------------------------------------------------- running one input


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def on_alarm(_sig: int, _frame: FrameType | None) -> None:
        raise Hang(f"no answer after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Figures:
    """Counts per format, as in the issue's table."""

    tried: Counter[str] = field(default_factory=Counter)
    clean: Counter[str] = field(default_factory=Counter)
    clean_without_line: Counter[str] = field(default_factory=Counter)
    imported: Counter[str] = field(default_factory=Counter)
    internal: Counter[str] = field(default_factory=Counter)
    hangs: Counter[str] = field(default_factory=Counter)
    silent: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, text: str) -> None:
        self.examples.setdefault(kind, [])
        if len(self.examples[kind]) < 30:
            self.examples[kind].append(text)

    def table(self) -> str:
        head = (
            "| format | inputs | clean errors (no line) | correct imports | internal "
            "exceptions | hangs | silent errors | project changed |"
        )
        rows = [head, "|" + "---|" * 8]
        for fmt in sorted(self.tried):
            rows.append(
                f"| {fmt} | {self.tried[fmt]} | {self.clean[fmt]} "
                f"({self.clean_without_line[fmt]}) | {self.imported[fmt]} | {self.internal[fmt]} "
                f"| {self.hangs[fmt]} | {self.silent[fmt]} | {self.changed[fmt]} |"
            )
        total = [
            sum(c.values())
            for c in (
                self.tried,
                self.clean,
                self.clean_without_line,
                self.imported,
                self.internal,
                self.hangs,
                self.silent,
                self.changed,
            )
        ]
        rows.append(
            f"| all | {total[0]} | {total[1]} ({total[2]}) | {total[3]} | {total[4]} | "
            f"{total[5]} | {total[6]} | {total[7]} |"
        )
        return "\n".join(rows)


def label_map_for(fmt: str, seeds: list[Path], folder: Path) -> Path:
    """Map every label of the seed files onto PLACE, so imports reach the database."""
    labels: set[str] = set()
    for seed in seeds:
        try:
            docs, _ = read_paths([seed], fmt)
        except AnnotatorError:
            continue
        labels |= {sp.label for d in docs for sp in d.spans}
    path = folder / "label_map.json"
    path.write_text(json.dumps(dict.fromkeys(sorted(labels), "PLACE")), "utf-8")
    return path


def stage(fmt: str, seed: Path, data: bytes, folder: Path) -> Path:
    """Write the mutated input under ``folder`` with the seed's name (and brat's .txt)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    target = folder / seed.name
    target.write_bytes(data)
    if fmt == "brat":
        shutil.copy(seed.with_suffix(".txt"), target.with_suffix(".txt"))
    return target


def run_one(project: Project, fmt: str, path: Path, label_map: Path, figures: Figures) -> str:
    """Import one input and classify the outcome; return the kind."""
    before = file_hash(project.path)
    figures.tried[fmt] += 1
    kind = "imported"
    started = time.monotonic()
    try:
        with time_limit(PER_INPUT_SECONDS):
            import_paths(project, [path], fmt=fmt, label_map=label_map, skip_unmapped=True)
    except Hang as exc:
        kind = "hang"
        figures.note(kind, f"{fmt} {path.name}: {exc}")
    except ImportFailed as exc:
        message = exc.one_line()
        if type(exc).__name__ == "ReaderCrashed" or "\n" in message or path.name not in message:
            kind = "internal"
            figures.note(kind, f"{fmt}: {message[:300]}")
        else:
            kind = "clean"
            if exc.line is None and fmt not in ("spacy", "txt", "html"):
                figures.clean_without_line[fmt] += 1
                figures.note("no_line", f"{fmt}: {message[:200]}")
    except AnnotatorError as exc:
        message = exc.one_line()
        kind = "clean" if "\n" not in message else "internal"
        figures.note(kind, f"{fmt}: {message[:300]}")
    except Exception as exc:
        kind = "internal"
        figures.note(kind, f"{fmt} {path.name}: {type(exc).__name__}: {str(exc)[:300]}")
    if kind == "imported":
        with project.session() as s:
            errors = [p for p in check_project(s, project.scheme) if p[1].severity == "error"]
        if errors:
            kind = "silent"
            figures.note(kind, f"{fmt} {path.name}: {errors[0][0]}: {errors[0][1].message}")
    elif file_hash(project.path) != before:
        figures.changed[fmt] += 1
        figures.note("changed", f"{fmt} {path.name} ({kind})")
    getattr(
        figures,
        {
            "imported": "imported",
            "clean": "clean",
            "internal": "internal",
            "hang": "hangs",
            "silent": "silent",
        }[kind],
    )[fmt] += 1
    _ = started
    return kind


def fuzz_inputs(fmt: str, seeds: list[Path], count: int, seed: int) -> Iterator[tuple[Path, bytes]]:
    rnd = random.Random(seed)
    for _ in range(count):
        src = rnd.choice(seeds)
        data = src.read_bytes()[:MAX_SEED_BYTES] if fmt != "spacy" else src.read_bytes()
        yield src, mutate(data, rnd, rnd.randrange(1, 4))


Runner = Callable[[Project, str, Path, Path, Figures], str]
