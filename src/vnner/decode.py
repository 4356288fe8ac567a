"""Stage 6: per-word BIO labels to entities with character spans.

Each word's label is the model's label at the word's first subword.  Tags are
read leniently, as a tagger's output must be: an ``I-X`` that does not continue
an ``X`` entity starts one (BIO repair), and no entity runs across a sentence
boundary.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass


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
