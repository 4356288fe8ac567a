"""Annotated files of any supported format as a ``datasets.DatasetDict`` for training and benchmarking.

Files are read by ``vnner.formats`` (the one reader of annotated documents); the
project's stand-off files are also held to the gold guideline's rules
(``training.corpus.validate``).  Rows have ``id``, ``text`` and ``entities``.
"""

from __future__ import annotations

import random
from pathlib import Path

from training.corpus.validate import validate_document
from vnner.formats import DEFAULT_LABELS, Document, FormatError, detect_format, read_documents


def read_split(path: str | Path, corpus: str | Path | None = None, fmt: str | None = None,
               labels: list[str] | None = None) -> list[Document]:
    """Documents of one file; gold stand-off files must also pass every guideline rule."""
    fmt = fmt or detect_format(path)
    docs = read_documents(path, fmt, corpus=corpus, labels=labels)
    if fmt == "standoff":
        allowed = tuple(labels) if labels else DEFAULT_LABELS
        problems = [f"{path} (document {d.id}): {p}" for d in docs for p in validate_document(d, d.text, allowed)]
        if problems:
            raise FormatError(f"{len(problems)} problem(s):\n" + "\n".join(problems[:50]))
    return docs


def split_off_dev(docs: list[Document], fraction: float, seed: int) -> tuple[list[Document], list[Document]]:
    """Hold out ``fraction`` of the documents (seeded shuffle, at least one) as a dev set."""
    order = sorted(range(len(docs)), key=lambda i: docs[i].id)
    random.Random(seed).shuffle(order)
    n_dev = max(1, round(len(docs) * fraction))
    if n_dev >= len(docs):
        raise FormatError(f"dev_fraction {fraction} leaves no training document ({len(docs)} in all)")
    dev = set(order[:n_dev])
    return [d for i, d in enumerate(docs) if i not in dev], [d for i, d in enumerate(docs) if i in dev]


def to_dataset(docs: list[Document]):
    from datasets import Dataset

    rows = [{"id": d.id, "text": d.text,
             "entities": [{"start": s.start, "end": s.end, "label": s.label} for s in d.entities]} for d in docs]
    if not rows:
        return Dataset.from_dict({"id": [], "text": [], "entities": []})
    return Dataset.from_list(rows)


def load_gold_dataset(files: dict[str, str | Path], corpus: str | Path | None = None):
    """``{"train": path, ...}`` -> DatasetDict with columns ``id``, ``text``, ``entities``."""
    from datasets import DatasetDict

    return DatasetDict({split: to_dataset(read_split(path, corpus)) for split, path in files.items()})
