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
                   stats: FeatureStats | None = None) -> list[dict]:
    """``{"input_ids", "labels"}`` rows for documents with ``text`` and ``entities``."""
    stats = stats if stats is not None else FeatureStats()
    rows = []
    before = builder.boundary_splits
    for i, doc in enumerate(docs):
        spans = [(e["start"], e["end"], e["label"]) for e in doc["entities"]]
        edges = {s for s, _, _ in spans} | {e for _, e, _ in spans}
        stats.documents += 1
        for chunk in builder.iter_chunks(i, doc["text"], boundaries=edges):
            tags, unaligned = word_tags(chunk, spans)
            stats.unaligned_entities += unaligned
            stats.words += len(chunk.words)
            for w in chunk.windows:
                labels = [IGNORE] * len(w.input_ids)
                for k in range(w.lo, w.hi):
                    labels[w.first[k - w.lo]] = label2id[tags[k]]
                rows.append({"input_ids": w.input_ids, "labels": labels})
                stats.windows += 1
    stats.boundary_splits += builder.boundary_splits - before
    return rows
