"""Stage 6: per-unit tag probabilities to entities with character spans.

A unit is a word, or a syllable for a syllable-resolution model (:mod:`vnner.pipeline.inputs`).
The tags are chosen by constrained decoding (:func:`viterbi`): the most probable
tag sequence of each sentence in which every ``I-X`` continues an ``X``, so an
entity's edges are decided jointly rather than unit by unit.  :func:`bio_spans`
still reads any tag sequence leniently (an ``I-X`` that does not continue an ``X``
starts one), and no entity runs across a sentence boundary.

Word spans map back to the caller's string through :mod:`vnner.pipeline.text`, which snaps
them outward to whole characters of the original.  Where NFC expands one original
character into several (U+0958, U+FB1D) or composes a cluster only in part, two
neighbouring words can map onto the same original characters, and so can their
entities.  :func:`resolve_overlaps` makes the result non-overlapping again with
one deterministic rule (see there).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class Entity:
    """An entity in the caller's string: ``text == source[start:end]``.

    ``score`` is the mean, over the entity's words, of the probability the model
    gave the chosen tag at the word's first subword (the token that carries the
    word's label).
    """

    text: str
    label: str
    start: int
    end: int
    score: float


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-PERSON"`` -> ``("B", "PERSON")``; ``"O"`` -> ``("O", "")``."""
    if tag == "O":
        return "O", ""
    prefix, _, label = tag.partition("-")
    return prefix, label


def mix(probs: np.ndarray, other: np.ndarray, weight: float) -> np.ndarray:
    """Weighted geometric mean of two ``[units, tags]`` distributions, renormalised per unit
    (a product of experts: a tag either model finds unlikely stays unlikely)."""
    logp = (1 - weight) * np.log(np.clip(probs, 1e-9, None)) + weight * np.log(np.clip(other, 1e-9, None))
    out = np.exp(logp - logp.max(axis=-1, keepdims=True))
    return (out / out.sum(axis=-1, keepdims=True)).astype(np.float32)


def allowed_transitions(labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(start, step)``: which tags may open a sentence, and ``step[i, j]``: tag j may follow tag i."""
    return _transitions(tuple(labels))


@lru_cache(maxsize=16)
def _transitions(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:  # once per label set, not per chunk
    parts = [split_tag(t) for t in labels]
    start = np.array([p != "I" for p, _ in parts])
    step = np.array([[q != "I" or (p in ("B", "I") and a == b) for q, b in parts] for p, a in parts])
    return start, step


def viterbi(probs: np.ndarray, labels: Sequence[str], sentence_starts: Collection[int] = frozenset()) -> np.ndarray:
    """Tag index per unit: the sequence of highest probability (product over units) among valid BIO ones.

    ``probs`` is ``[units, tags]``; each sentence (from each index in ``sentence_starts``) is
    decoded on its own and may not open with an ``I-`` tag.
    """
    n = len(probs)
    out = np.zeros(n, dtype=np.int64)
    if n == 0:
        return out
    start, step = allowed_transitions(labels)
    logp = np.log(np.clip(probs, 1e-12, None))
    forbid = np.where(step, 0.0, -np.inf)
    first = np.where(start, 0.0, -np.inf)
    cuts = sorted({0, n, *(k for k in sentence_starts if 0 < k < n)})
    for lo, hi in zip(cuts, cuts[1:]):
        score = logp[lo] + first
        back = np.zeros((hi - lo, len(labels)), dtype=np.int64)
        for k in range(lo + 1, hi):
            total = score[:, None] + forbid  # [previous, next]
            back[k - lo] = total.argmax(axis=0)
            score = total.max(axis=0) + logp[k]
        tag = int(score.argmax())
        for k in range(hi - 1, lo - 1, -1):
            out[k] = tag
            tag = int(back[k - lo, tag])
    return out


def bio_spans(tags: Sequence[str], sentence_starts: Collection[int] = frozenset()) -> list[tuple[int, int, str]]:
    """``(first_word, last_word + 1, label)`` for each entity, with BIO repair.

    ``sentence_starts`` holds the word indices that begin a sentence; an entity
    never continues across one.
    """
    spans: list[tuple[int, int, str]] = []
    current: list = []  # [start, end, label] of the open entity
    for k, tag in enumerate(tags):
        prefix, label = split_tag(tag)
        continues = prefix == "I" and current and current[2] == label and k not in sentence_starts
        if continues:
            current[1] = k + 1
            continue
        if current:
            spans.append(tuple(current))
            current = []
        if prefix in ("B", "I"):
            current = [k, k + 1, label]
    if current:
        spans.append(tuple(current))
    return spans


_EDGE_PUNCT = " \t\n\u00a0-–—,;:"


def trim_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without the dashes, commas, colons, semicolons and spaces that a tagger let in at
    either edge (``Vụ Chính sách tiền tệ -``): no entity of the guideline begins or ends with one.
    An empty result (``start == end``) means the span held nothing else."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def resolve_overlaps(entities: Sequence[Entity], text: str) -> list[Entity]:
    """Entities of ``text`` sorted by start, with overlaps settled deterministically.

    Entities are taken in ``(start, end)`` order; one that overlaps the last kept
    entity is

    * merged into it when both have the same label: the union of the two spans,
      its text sliced from ``text``, and the mean of the two scores weighted by
      their lengths in characters;
    * otherwise the two compete: the higher score stays, the earlier one on a tie.

    Overlaps only arise at a cluster that NFC expanded, so in practice this joins
    an entity that the expansion cut in two, or drops a duplicate.
    """
    kept: list[Entity] = []
    for e in sorted(entities, key=lambda x: (x.start, x.end)):
        if not kept or e.start >= kept[-1].end:
            kept.append(e)
            continue
        last = kept[-1]
        if e.label == last.label:
            end = max(last.end, e.end)
            la, lb = last.end - last.start, e.end - e.start
            score = min(1.0, (last.score * la + e.score * lb) / (la + lb))
            kept[-1] = Entity(text[last.start:end], last.label, last.start, end, score)
        elif e.score > last.score:
            kept[-1] = e
    return kept
