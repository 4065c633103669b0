"""Pre-annotation in worker processes (``propose(..., n_process=N)``, N > 1).

Each worker is forked from this process with the pipeline and the ``Suggester`` already built
(nothing is pickled to start it). It takes a batch of texts from a shared queue, runs
``nlp.pipe`` and ``Suggester.analyse`` on it, and sends back only the batch's proposals as
plain tuples (about 13 kB an article): no ``Doc`` crosses a process boundary, where spaCy's own
``n_process`` ships every parsed ``Doc`` here as bytes (about 370 kB an article) to be rebuilt.
A worker works inside a memory zone renewed every ``zone_size`` documents, so its string store
does not grow however long the corpus is; before its first zone it tokenizes its first batch
once, because inside a zone spaCy's tokenizer caches nothing (``warm_tokenizer``). This process
only hands out batches, puts the proposals back in input order and yields them, with at most
two batches in flight per worker, so memory stays flat.

A worker that raises or dies surfaces here as ``SuggestFailed``; closing the generator early (a
cancel raised by the consumer between two proposals, Ctrl-C, any error) terminates the workers
at once instead of letting them finish their batches.

Fork is the start method (spaCy's own ``n_process`` uses it too on Linux): where it is not
available, or not safe (macOS), ``usable()`` is false and ``propose`` falls back to spaCy's
``n_process``.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, TypeVar

from annotator.errors import SuggestFailed
from annotator.suggest.propose import (
    PackedProposal,
    Proposal,
    Suggester,
    unpack,
    warm_tokenizer,
)

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from spacy.language import Language


Key = TypeVar("Key")

# Proposals travel as plain tuples (``PackedProposal``, made by ``Suggester.analyse_packed``):
# cheap to pickle (a dataclass with slots pickles through its __getstate__, about three times
# slower), about 13 kB an article.
# What a worker sends back per batch: (batch number, proposals, error or None).
Reply = tuple[int, list[PackedProposal] | None, str | None]

# Batches handed out and not yet yielded, per worker: one it parses and one waiting, so no
# worker idles while this process yields a batch.
_IN_FLIGHT_PER_WORKER = 2
_JOIN_SECONDS = 5.0


def usable() -> bool:
    """Can this platform run the pool (fork is available and safe)?"""
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def _serve(
    nlp: Language,
    rules: Suggester,
    batch_size: int,
    zone_size: int,
    tasks: Any,
    replies: Connection,
) -> None:
    """A worker's loop: batches from ``tasks`` until ``None``, proposals to ``replies``; a
    memory zone spans about ``zone_size`` documents. The first batch fills the tokenizer's
    cache first (``warm_tokenizer``): in a zone the tokenizer caches nothing."""
    # Ctrl-C reaches the whole process group: the parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with ExitStack() as zone:
        in_zone = zone_size
        warmed = False
        while True:
            task = tasks.get()
            if task is None:
                break
            number, texts = task
            if not warmed:
                warm_tokenizer(nlp, texts)  # before the first zone
                warmed = True
            if in_zone >= zone_size:
                zone.close()
                zone.enter_context(nlp.memory_zone())
                in_zone = 0
            in_zone += len(texts)
            reply: Reply
            try:
                docs = nlp.pipe(texts, batch_size=batch_size)
                packed = [rules.analyse_packed(d, t) for d, t in zip(docs, texts, strict=True)]
                reply = (number, packed, None)
            except Exception as exc:  # reported in the parent as SuggestFailed
                what = type(exc).__name__
                first = str(exc).splitlines()[0] if str(exc) else ""
                reply = (number, None, f"{what}: {first}" if first else what)
            replies.send(reply)
    replies.close()


class _Workers:
    """The forked workers, the shared task queue and one reply pipe per worker."""

    def __init__(
        self, nlp: Language, rules: Suggester, n_process: int, batch_size: int, zone_size: int
    ) -> None:
        ctx = multiprocessing.get_context("fork")
        self.tasks = ctx.Queue()
        self.procs: list[BaseProcess] = []
        self.readers: list[Connection] = []
        # Every worker is forked before the first put starts the queue's feeder thread.
        for _ in range(n_process):
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(
                target=_serve,
                args=(nlp, rules, batch_size, zone_size, self.tasks, writer),
                daemon=True,
            )
            self.procs.append(proc)
            self.readers.append(reader)
            proc.start()
            writer.close()  # EOF on the reader when the worker goes

    def put(self, number: int, texts: list[str]) -> None:
        self.tasks.put((number, texts))

    def replies(self) -> Iterator[tuple[int, list[PackedProposal]]]:
        """Wait for one or more workers; yield the batches they sent back."""
        ready = wait([*self.readers, *(p.sentinel for p in self.procs)])
        for proc, conn in zip(self.procs, self.readers, strict=True):
            if conn in ready:
                try:
                    number, packed, error = conn.recv()
                except (EOFError, OSError):
                    raise self._stopped(proc) from None
                if error is not None or packed is None:
                    raise SuggestFailed(f"a pre-annotation worker failed: {error}")
                yield number, packed
            elif proc.sentinel in ready:
                raise self._stopped(proc)

    def _stopped(self, proc: BaseProcess) -> SuggestFailed:
        proc.join(_JOIN_SECONDS)
        return SuggestFailed(
            f"a pre-annotation worker process stopped unexpectedly (exit code {proc.exitcode})"
        )

    def close(self, finished: bool) -> None:
        """Let the workers finish (``finished``: all work is done) or terminate them."""
        if finished:
            for _ in self.procs:
                self.tasks.put(None)
            for proc in self.procs:
                proc.join(_JOIN_SECONDS)
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(_JOIN_SECONDS)
        if not finished:
            self.tasks.cancel_join_thread()  # batches nobody will take
        self.tasks.close()
        for reader in self.readers:
            reader.close()


def propose_pooled(
    items: Iterable[tuple[str, Key]],
    nlp: Language,
    rules: Suggester,
    n_process: int,
    batch_size: int,
    zone_size: int,
) -> Iterator[tuple[Key, Proposal]]:
    """``(key, Proposal)`` for ``(text, key)`` items, in input order, from ``n_process``
    forked workers (see the module's docstring). Keys never leave this process."""
    size = max(1, batch_size)
    source = iter(items)
    batch = list(islice(source, size))
    if not batch:
        return
    workers = _Workers(nlp, rules, max(1, n_process), size, max(1, zone_size))
    finished = False
    try:
        keys: dict[int, list[Key]] = {}  # batch number -> its keys, until it is yielded
        back: dict[int, list[PackedProposal]] = {}  # proposals back from a worker
        limit = _IN_FLIGHT_PER_WORKER * len(workers.procs)
        submitted = out = 0
        while batch or keys:
            while batch and len(keys) < limit:
                keys[submitted] = [key for _, key in batch]
                workers.put(submitted, [text for text, _ in batch])
                submitted += 1
                batch = list(islice(source, size))
            if out not in back:
                for number, replied in workers.replies():
                    if len(keys.get(number, ())) != len(replied):
                        raise SuggestFailed(f"a pre-annotation worker lost batch {number}")
                    back[number] = replied
                continue
            proposals, batch_keys = back.pop(out), keys.pop(out)
            out += 1
            for key, packed in zip(batch_keys, proposals, strict=True):
                yield key, unpack(packed)
        finished = True
    finally:
        workers.close(finished)
