"""Several processes on one machine: documents tagged by worker processes, results in input order.

Each worker loads the model once (its ONNX Runtime limited to ``threads`` so that workers × threads
fits the cores) and tags whole groups of documents; the parent reads input lazily, keeps at most
``ahead`` groups in flight, and hands results back in the order the groups went in.  Memory thus
stays bounded however many documents stream through, and a result never depends on which
worker tagged it (a text's entities do not depend on its batch, see ``NerModel.predict``).

    from vnner.parallel import WorkerPool
    with WorkerPool(workers=2) as pool:
        for group, entities in pool.map(groups_of_texts):
            ...

``vnner predict --workers N`` is built on it; :mod:`vnner.ray_data` spreads the same work over machines.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

G = TypeVar("G")

_model = None  # the worker process's model


def default_threads(workers: int) -> int:
    """ONNX Runtime threads per worker: the machine's cores shared out (at least one)."""
    return max(1, (os.cpu_count() or 1) // workers)


def _start_worker(model: str | None, device: str | None, threads: int) -> None:
    # Ctrl-C goes to the whole process group: the parent handles it, workers just stop with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _model
    from vnner import load_model

    _model = load_model(model, device=device, threads=threads)


def _tag(texts: Sequence[str], batch_size: int):
    return _model.predict(list(texts), batch_size=batch_size)


class WorkerPool:
    """``workers`` processes, each holding one model (a path, Hub id, or None for the default)."""

    def __init__(self, model: str | None = None, *, workers: int = 2, threads: int | None = None,
                 device: str | None = None, batch_size: int = 32, ahead: int | None = None) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive int, got {workers!r}")
        self.batch_size = batch_size
        self.ahead = ahead or 2 * workers  # groups in flight: every worker busy, one more queued each
        # spawn, not fork: a forked ONNX Runtime or torch thread pool can deadlock in the child.
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_worker,
                                         initargs=(model, device, threads or default_threads(workers)))

    def map(self, groups: Iterable[G], texts: Callable[[G], Sequence[str]] = list) -> Iterator[tuple[G, list]]:
        """``(group, entities per text)`` for each group, in input order; ``texts(group)`` gives the
        group's texts (default: the group is a sequence of texts).

        ``groups`` is read lazily.  If reading it raises, the groups already taken are still
        yielded first, then the error is raised (so a bad record stops the run after every
        document before it).
        """
        pending: deque = deque()
        source = iter(groups)
        error: BaseException | None = None
        while True:
            while error is None and len(pending) < self.ahead:
                try:
                    group = next(source)
                except StopIteration:
                    break
                except Exception as exc:  # a bad input: finish what is in flight first
                    error = exc
                    break
                pending.append((group, self._pool.submit(_tag, list(texts(group)), self.batch_size)))
            if not pending:
                break
            group, future = pending.popleft()
            yield group, future.result()
        if error is not None:
            raise error

    def close(self, *, cancel: bool = False) -> None:
        self._pool.shutdown(wait=not cancel, cancel_futures=cancel)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type, *_) -> None:
        self.close(cancel=exc_type is not None)
