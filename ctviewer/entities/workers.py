"""Entity extraction in long-lived worker processes (both cores of a laptop).

Why not spaCy's own ``nlp.pipe(n_process=2)``: it forks fresh workers on every call, and forked
children inherit the archive's writer lock (an ``flock`` on an open file). When the importer is
killed, those orphans keep the lock and the archive stays "busy" for good. These workers are
*spawned* (a fresh interpreter: no inherited lock), load the pipeline once, and live for the whole
extraction run, so the model loads once per worker instead of once per batch. While they extract
the next batch, the main process stores the previous one.

Mentions come back pickled in slices, unpickled one slice at a time by the caller: the pool's
result thread would otherwise unpickle a long document's 120,000 mentions in one C call that
holds the interpreter lock for 0.7 s, and the window (whose import runs on a thread of this
process) would freeze for as long.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctviewer.extract.gazetteer import Gazetteer
    from ctviewer.extract.model import Mention
    from ctviewer.extract.pipeline import Extractor

_worker_extractor: Extractor | None = None
# Mentions per pickled slice: unpickling one takes a few milliseconds.
SLICE_MENTIONS = 500


def _exit_with_parent(parent: int) -> None:
    """End this worker once the process that started it is gone (killed, crashed): otherwise it
    would wait for work forever, holding ~150 MB."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _init_worker(user_gazetteer: str | None, parent: int) -> None:
    global _worker_extractor
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="parent-watch").start()
    from ctviewer.extract.pipeline import Extractor

    _worker_extractor = Extractor(user_gazetteer)
    _worker_extractor.nlp  # noqa: B018  (load the model now, not inside the first task)


def _extract(texts: list[str]) -> list[list[bytes]]:
    """Each document's mentions, as pickled slices of ``SLICE_MENTIONS``."""
    assert _worker_extractor is not None
    return [
        [
            pickle.dumps(mentions[i : i + SLICE_MENTIONS], protocol=pickle.HIGHEST_PROTOCOL)
            for i in range(0, len(mentions), SLICE_MENTIONS)
        ]
        for mentions in _worker_extractor.extract_many(texts)
    ]


def _unpickled(slices: list[bytes]) -> list[Mention]:
    mentions: list[Mention] = []
    for blob in slices:
        mentions.extend(pickle.loads(blob))  # our own worker's output, through our own pipe
    return mentions


class ExtractorPool:
    """``submit(texts)`` starts extracting documents in the workers; the returned callable waits for
    the mentions, in input order."""

    def __init__(self, workers: int = 2, user_gazetteer: Path | str | None = None, task_chars: int = 60_000) -> None:
        self.user_gazetteer = user_gazetteer
        self.task_chars = task_chars
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(None if user_gazetteer is None else str(user_gazetteer), os.getpid()),
        )

    @property
    def gazetteer(self) -> Gazetteer:
        from ctviewer.extract.gazetteer import load_gazetteer

        return load_gazetteer(self.user_gazetteer)

    def submit(self, texts: Sequence[str]) -> Callable[[], list[list[Mention]]]:
        # Small tasks (a few speeches each) keep both workers busy to the end of a batch.
        tasks: list[list[str]] = [[]]
        size = 0
        for text in texts:
            if tasks[-1] and size + len(text) > self.task_chars:
                tasks.append([])
                size = 0
            tasks[-1].append(text)
            size += len(text)
        futures: list[Future[list[list[bytes]]]] = [self._pool.submit(_extract, t) for t in tasks if t]

        def wait() -> list[list[Mention]]:
            return [_unpickled(slices) for f in futures for slices in f.result()]

        return wait

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
