"""Rules every gold annotation must satisfy (see data/GUIDELINES.md, "General rules")."""

from __future__ import annotations

import unicodedata

from training.corpus import LABELS, Document, text_sha256

# Punctuation a span may end with: a percent sign is part of the quantity ("15%").
_EDGE_PUNCT_OK = {"%"}


def _word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _bad_edge(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return ch.isspace() or cat.startswith("Z") or cat.startswith("C") or (
        cat.startswith("P") and ch not in _EDGE_PUNCT_OK)


def validate_document(doc: Document, text: str) -> list[str]:
    """All problems of one document's annotation against its materialised text (empty if clean)."""
    problems: list[str] = []
    if text_sha256(text) != doc.sha256:
        problems.append(f"sha256 of the materialised text is {text_sha256(text)}, annotation says {doc.sha256}")
    previous_end, previous = -1, None
    for span in sorted(doc.entities, key=lambda s: (s.start, s.end)):
        tag = f"{span.label} [{span.start}:{span.end}]"
        if span.label not in LABELS:
            problems.append(f"{tag}: unknown label {span.label!r}")
        if not 0 <= span.start < span.end <= len(text):
            problems.append(f"{tag}: outside the text (length {len(text)}) or empty")
            continue
        surface = text[span.start:span.end]
        tag = f"{tag} {surface!r}"
        if _bad_edge(surface[0]) or _bad_edge(surface[-1]):
            problems.append(f"{tag}: starts or ends with whitespace or punctuation")
        if (span.start > 0 and _word_char(text[span.start - 1]) and _word_char(text[span.start])) or (
                span.end < len(text) and _word_char(text[span.end - 1]) and _word_char(text[span.end])):
            problems.append(f"{tag}: does not start and end on a syllable boundary")
        if "\n" in surface:
            problems.append(f"{tag}: crosses a line break")
        if span.start < previous_end:
            problems.append(f"{tag}: overlaps {previous}")
        if span.end > previous_end:
            previous_end, previous = span.end, tag
    problems.extend(_relation_problems(doc))
    return problems


def _relation_problems(doc: Document) -> list[str]:
    """Every linked span must be an entity of the right label; no record twice."""
    if doc.positions_held is None:
        return []
    labels = {(s.start, s.end): s.label for s in doc.entities}
    problems, seen = [], set()
    for k, rec in enumerate(doc.positions_held):
        for role, span, want in (("person", rec.person, "PERSON"), ("position", rec.position, "POSITION"),
                                 ("organization", rec.organization, "ORGANIZATION")):
            if span is not None and labels.get(tuple(span)) != want:
                got = labels.get(tuple(span))
                problems.append(f"positions_held #{k}: {role} {list(span)} is "
                                + (f"a {got} entity" if got else "not an entity") + f", expected {want}")
        key = (rec.person, rec.position, rec.organization)
        if key in seen:
            problems.append(f"positions_held #{k}: repeats an earlier record")
        seen.add(key)
    return problems
