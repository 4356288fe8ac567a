"""Rules every gold annotation must satisfy (see data/GUIDELINES.md, "General rules").

The checks every reader applies (offsets, overlaps, labels, linked spans) come from
``vnner.formats``; this adds the guideline's own: the text hash, spans on syllable
edges, no whitespace or punctuation at an edge, no span across a line break.
"""

from __future__ import annotations

import unicodedata

from vnner.formats.document import DEFAULT_LABELS, Document, document_problems
from vnner.formats.standoff import text_sha256

# Punctuation a span may end with: a percent sign is part of the quantity ("15%").
_EDGE_PUNCT_OK = {"%"}


def _word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _bad_edge(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return ch.isspace() or cat.startswith("Z") or cat.startswith("C") or (
        cat.startswith("P") and ch not in _EDGE_PUNCT_OK)


def validate_document(doc: Document, text: str, labels: tuple[str, ...] = DEFAULT_LABELS) -> list[str]:
    """All problems of one document's annotation against its materialised text (empty if clean)."""
    problems: list[str] = []
    if doc.sha256 is not None and text_sha256(text) != doc.sha256:
        problems.append(f"sha256 of the materialised text is {text_sha256(text)}, annotation says {doc.sha256}")
    problems.extend(document_problems(Document(doc.id, text, doc.entities, doc.positions_held), labels))
    for span in sorted(doc.entities, key=lambda s: (s.start, s.end)):
        if not 0 <= span.start < span.end <= len(text):
            continue  # reported above
        surface = text[span.start:span.end]
        tag = f"{span.label} [{span.start}:{span.end}] {surface!r}"
        if _bad_edge(surface[0]) or _bad_edge(surface[-1]):
            problems.append(f"{tag}: starts or ends with whitespace or punctuation")
        if (span.start > 0 and _word_char(text[span.start - 1]) and _word_char(text[span.start])) or (
                span.end < len(text) and _word_char(text[span.end - 1]) and _word_char(text[span.end])):
            problems.append(f"{tag}: does not start and end on a syllable boundary")
        if "\n" in surface:
            problems.append(f"{tag}: crosses a line break")
    return problems
