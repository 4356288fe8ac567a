"""Gold documents to labelled model windows, through vnner's own input pipeline.

Each word gets the BIO tag of the gold entity it falls in; its first subword
carries the tag and every other position is -100.  Words are split where a
gold boundary falls inside a segmented word (``InputBuilder`` counts these),
so no gold boundary is lost to the segmenter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vnner.inputs import Chunk, InputBuilder

IGNORE = -100


@dataclass
class FeatureStats:
    documents: int = 0
    windows: int = 0
    words: int = 0
    boundary_splits: int = 0  # segmented words split to keep a gold boundary
    unaligned_entities: int = 0  # gold spans whose edges fall inside a syllable token
    soft_words: int = 0  # labelled words that also have a teacher distribution


def word_tags(chunk: Chunk, spans: list[tuple[int, int, str]]) -> tuple[list[str], int]:
    """BIO tag of each word of the chunk, and how many spans did not align to word edges."""
    tags = ["O"] * len(chunk.words)
    starts, ends = {}, {}
    for k in range(len(chunk.words)):
        s, e = chunk.original_span(k, k)
        starts[s], ends[e] = k, k
    unaligned = 0
    for s, e, label in spans:
        first, last = starts.get(s), ends.get(e)
        if first is None and last is None:
            continue  # the entity lies in another chunk
        if first is None or last is None or last < first:
            unaligned += 1
            continue
        tags[first] = f"B-{label}"
        for k in range(first + 1, last + 1):
            tags[k] = f"I-{label}"
    return tags, unaligned


def build_features(docs: Iterable[dict], builder: InputBuilder, label2id: dict[str, int],
                   stats: FeatureStats | None = None, soft: SoftTargets | None = None) -> list[dict]:
    """``{"input_ids", "labels"}`` rows for documents with ``text`` and ``entities``.

    With ``soft`` (a teacher's distributions, see :class:`SoftTargets`), rows also carry
    ``soft_pos`` (positions of labelled first pieces whose word the teacher covered) and
    ``soft_probs`` (their distributions, flattened) for distillation; other rows carry empty lists.
    """
    stats = stats if stats is not None else FeatureStats()
    rows = []
    before = builder.boundary_splits
    for i, doc in enumerate(docs):
        spans = [(e["start"], e["end"], e["label"]) for e in doc["entities"]]
        edges = {s for s, _, _ in spans} | {e for _, e, _ in spans}
        stats.documents += 1
        teacher = soft.lookup(doc.get("id")) if soft is not None else None
        for chunk in builder.iter_chunks(i, doc["text"], boundaries=edges):
            tags, unaligned = word_tags(chunk, spans)
            stats.unaligned_entities += unaligned
            stats.words += len(chunk.words)
            for w in chunk.windows:
                labels = [IGNORE] * len(w.input_ids)
                soft_pos: list[int] = []
                soft_probs: list[float] = []
                for k in range(w.lo, w.hi):
                    pos = w.first[k - w.lo]
                    labels[pos] = label2id[tags[k]]
                    if teacher is not None:
                        dist = teacher.get(chunk.original_span(k, k)[0])
                        if dist is not None:
                            soft_pos.append(pos)
                            soft_probs.extend(dist)
                row = {"input_ids": w.input_ids, "labels": labels}
                if soft is not None:
                    row |= {"soft_pos": soft_pos, "soft_probs": soft_probs}
                    stats.soft_words += len(soft_pos)
                rows.append(row)
                stats.windows += 1
    stats.boundary_splits += builder.boundary_splits - before
    return rows


class SoftTargets:
    """A teacher's tag distributions per document, looked up by the offset where a unit starts.

    Written by ``training/silver.py --soft`` as ``.npz``: for each document ``<id>.starts`` (unit
    start offsets in the text) and ``<id>.probs`` (float16, one row per unit over ``labels``). The
    teacher may read syllables and the student words: a word takes the distribution of the unit
    starting where it starts (its first syllable), which carries the word's B-/I- tag.
    """

    def __init__(self, paths: Iterable[str], labels: list[str]) -> None:
        import numpy as np

        self._files = []
        for path in paths:
            data = np.load(path)
            stored = [str(x) for x in data["labels"]]
            if stored != list(labels):
                raise ValueError(f"{path}: teacher labels {stored} differ from the student's {list(labels)}")
            self._files.append(data)

    def lookup(self, doc_id: str | None) -> dict[int, list[float]] | None:
        for data in self._files:
            if doc_id is not None and f"{doc_id}.starts" in data.files:
                starts, probs = data[f"{doc_id}.starts"], data[f"{doc_id}.probs"].astype("float32")
                return {int(s): row.tolist() for s, row in zip(starts, probs)}
        return None
