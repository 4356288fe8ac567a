"""Gold documents to labelled model windows, through vnner's own input pipeline.

Each unit (word, or syllable for a syllable-resolution model) gets the BIO tag of
the gold entity it falls in, carried by its word's first subword (in the unit's
slot); every other position is -100.  A word-resolution model has its words split
where a gold boundary falls inside a segmented word (``InputBuilder`` counts
these); a syllable-resolution model reads the words as the segmenter made them,
exactly as at inference, and labels the syllables inside.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vnner.pipeline.inputs import Chunk, InputBuilder

IGNORE = -100


@dataclass
class FeatureStats:
    documents: int = 0
    windows: int = 0
    words: int = 0
    units: int = 0  # labelled units (words, or syllables at syllable resolution)
    boundary_splits: int = 0  # segmented words split to keep a gold boundary
    unaligned_entities: int = 0  # gold spans whose edges fall inside a syllable token
    soft_words: int = 0  # labelled words that also have a teacher distribution


def unit_tags(chunk: Chunk, spans: list[tuple[int, int, str]]) -> tuple[list[str], int]:
    """BIO tag of each unit of the chunk, and how many spans did not align to unit edges."""
    tags = ["O"] * len(chunk.units)
    starts, ends = {}, {}
    for k in range(len(chunk.units)):
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

    ``labels`` has one id per subword, or with ``builder.slots`` = S > 1 a list of S ids per
    subword (ids of the first slot's tags).  With ``soft`` (a teacher's distributions, see
    :class:`SoftTargets`), rows also carry
    ``soft_pos`` (flat ``position * S + slot`` indices of labelled units the teacher covers) and
    ``soft_probs`` (their distributions, flattened) for distillation; other rows carry empty lists.
    """
    stats = stats if stats is not None else FeatureStats()
    rows = []
    before = builder.boundary_splits
    slots = builder.slots
    for i, doc in enumerate(docs):
        spans = [(e["start"], e["end"], e["label"]) for e in doc["entities"]]
        edges = {s for s, _, _ in spans} | {e for _, e, _ in spans}
        stats.documents += 1
        teacher = soft.lookup(doc.get("id")) if soft is not None else None
        for chunk in builder.iter_chunks(i, doc["text"], boundaries=edges if slots == 1 else None):
            tags, unaligned = unit_tags(chunk, spans)
            stats.unaligned_entities += unaligned
            stats.words += len(chunk.words)
            by_word: dict[int, list[int]] = {}
            for u, k in enumerate(chunk.unit_word):
                if not chunk.unit_beyond[u]:  # a syllable past the last slot is not trained
                    by_word.setdefault(k, []).append(u)
            for w in chunk.windows:
                flat = [IGNORE] * (len(w.input_ids) * slots)
                soft_pos: list[int] = []
                soft_probs: list[float] = []
                for k in range(w.lo, w.hi):
                    pos = w.first[k - w.lo]
                    for u in by_word.get(k, ()):
                        at = pos * slots + chunk.unit_slot[u]
                        flat[at] = label2id[tags[u]]
                        stats.units += 1
                        if teacher is not None:
                            dist = teacher.get(chunk.original_span(u, u)[0])
                            if dist is not None:
                                soft_pos.append(at)
                                soft_probs.extend(dist)
                labels = flat if slots == 1 else [flat[p:p + slots] for p in range(0, len(flat), slots)]
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

    Written by ``training/corpus/silver.py --soft`` as ``.npz``: for each document ``<id>.starts`` (unit
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
