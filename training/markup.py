"""Inline markup for annotators: ``[[surface|LABEL]]`` inside the article text.

Annotators edit a copy of the materialised article and wrap each entity.  The
converter strips the markup and refuses any file whose remaining text is not
exactly the source article, so a slip of the keyboard can never shift spans.
"""

from __future__ import annotations

import re

from training.corpus import LABELS, CorpusError, Span

_ENTITY = re.compile(r"\[\[(?P<surface>[^\[\]|]+)\|(?P<label>[^\[\]|]*)\]\]")


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {col}"


def parse_markup(marked: str, *, where: str = "markup") -> tuple[str, list[Span]]:
    """Return the plain text and the entity spans of a marked-up article."""
    plain: list[str] = []
    spans: list[Span] = []
    cursor = 0
    length = 0
    for m in _ENTITY.finditer(marked):
        before = marked[cursor:m.start()]
        plain.append(before)
        length += len(before)
        label = m.group("label")
        if label not in LABELS:
            raise CorpusError(f"{where}: {_line_col(marked, m.start())}: unknown label {label!r} "
                              f"(expected one of {', '.join(LABELS)})")
        surface = m.group("surface")
        spans.append(Span(length, length + len(surface), label))
        plain.append(surface)
        length += len(surface)
        cursor = m.end()
    plain.append(marked[cursor:])
    text = "".join(plain)
    for token in ("[[", "]]"):
        pos = text.find(token)
        if pos >= 0:
            raise CorpusError(f"{where}: malformed markup {token!r} left at {_line_col(text, pos)} "
                              "of the plain text (expected [[surface|LABEL]])")
    return text, spans


def render_markup(text: str, spans: list[Span]) -> str:
    """Inverse of :func:`parse_markup` for non-overlapping spans."""
    out: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[cursor:span.start])
        out.append(f"[[{text[span.start:span.end]}|{span.label}]]")
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def check_against_source(plain: str, source: str, *, where: str) -> None:
    """Raise naming the first position where the annotator's text departs from the source."""
    if plain == source:
        return
    pos = next((i for i, (a, b) in enumerate(zip(plain, source, strict=False)) if a != b), min(len(plain), len(source)))
    raise CorpusError(
        f"{where}: text differs from the source article at {_line_col(source, pos)}: "
        f"source has {source[max(0, pos - 20):pos + 20]!r}, markup has {plain[max(0, pos - 20):pos + 20]!r}"
    )
