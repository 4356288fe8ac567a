"""Inline markup for annotators: ``[[surface|LABEL]]`` inside the article text.

Annotators edit a copy of the materialised article and wrap each entity.  The
converter strips the markup and refuses any file whose remaining text is not
exactly the source article, so a slip of the keyboard can never shift spans.

Positions held (the relation layer) name entities by a reference written as a
third field, ``[[Thái Thanh Quý|PERSON|q]]``, and list the links in a sidecar
file next to the markup (``train_000123.rel``), one per line::

    q  q1  q1o          # person, position, organisation
    q  q2  -            # a title standing alone: no organisation
    h  h1  h1o  former  # "nguyên Bí thư ..."

A ``.rel`` file that exists but holds no link means "annotated, none found".
"""

from __future__ import annotations

import re

from vnner.formats.standoff import DEFAULT_LABELS, FormatError, PositionRecord, Span

_ENTITY = re.compile(r"\[\[(?P<surface>[^\[\]|]+)\|(?P<label>[^\[\]|]*)(?:\|(?P<ref>[^\[\]|]*))?\]\]")
_REF = re.compile(r"^[A-Za-z0-9_]+$")


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {col}"


def parse_markup(marked: str, *, where: str = "markup", refs: dict[str, Span] | None = None) -> tuple[str, list[Span]]:
    """Return the plain text and the entity spans of a marked-up article.

    ``refs``, when given, is filled with the entities that carry a reference.
    """
    plain: list[str] = []
    spans: list[Span] = []
    cursor = 0
    length = 0
    for m in _ENTITY.finditer(marked):
        before = marked[cursor:m.start()]
        plain.append(before)
        length += len(before)
        label = m.group("label")
        if label not in DEFAULT_LABELS:
            raise FormatError(f"{where}: {_line_col(marked, m.start())}: unknown label {label!r} "
                              f"(expected one of {', '.join(DEFAULT_LABELS)})")
        surface = m.group("surface")
        span = Span(length, length + len(surface), label)
        spans.append(span)
        ref = m.group("ref")
        if ref is not None:
            if not _REF.match(ref):
                raise FormatError(f"{where}: {_line_col(marked, m.start())}: reference {ref!r} must be letters, "
                                  "digits or _")
            if refs is not None:
                if ref in refs:
                    raise FormatError(f"{where}: {_line_col(marked, m.start())}: reference {ref!r} used twice")
                refs[ref] = span
        plain.append(surface)
        length += len(surface)
        cursor = m.end()
    plain.append(marked[cursor:])
    text = "".join(plain)
    for token in ("[[", "]]"):
        pos = text.find(token)
        if pos >= 0:
            raise FormatError(f"{where}: malformed markup {token!r} left at {_line_col(text, pos)} "
                              "of the plain text (expected [[surface|LABEL]])")
    return text, spans


def render_markup(text: str, spans: list[Span], refs: dict[tuple[int, int], str] | None = None) -> str:
    """Inverse of :func:`parse_markup` for non-overlapping spans (``refs`` by ``(start, end)``)."""
    out: list[str] = []
    cursor = 0
    refs = refs or {}
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[cursor:span.start])
        ref = refs.get((span.start, span.end))
        out.append(f"[[{text[span.start:span.end]}|{span.label}{'|' + ref if ref else ''}]]")
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def check_against_source(plain: str, source: str, *, where: str) -> None:
    """Raise naming the first position where the annotator's text departs from the source."""
    if plain == source:
        return
    pos = next((i for i, (a, b) in enumerate(zip(plain, source, strict=False)) if a != b), min(len(plain), len(source)))
    raise FormatError(
        f"{where}: text differs from the source article at {_line_col(source, pos)}: "
        f"source has {source[max(0, pos - 20):pos + 20]!r}, markup has {plain[max(0, pos - 20):pos + 20]!r}"
    )


def parse_relations(lines: str, refs: dict[str, Span], *, where: str) -> list[PositionRecord]:
    """Read a ``.rel`` sidecar: ``PERSON POSITION ORGANIZATION|- [former]`` per line, by reference."""
    records = []
    for lineno, raw in enumerate(lines.splitlines(), 1):
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        here = f"{where}:{lineno}"
        former = line[-1] == "former"
        fields = line[:-1] if former else line
        if len(fields) != 3:
            raise FormatError(f"{here}: expected 'PERSON POSITION ORGANIZATION|- [former]', got {raw.strip()!r}")
        spans = []
        for ref, want in zip(fields, ("PERSON", "POSITION", "ORGANIZATION"), strict=True):
            if ref == "-" and want == "ORGANIZATION":
                spans.append(None)
                continue
            if ref not in refs:
                raise FormatError(f"{here}: unknown reference {ref!r} (mark it as [[surface|{want}|{ref}]])")
            if refs[ref].label != want:
                raise FormatError(f"{here}: {ref!r} is a {refs[ref].label}, expected {want}")
            spans.append((refs[ref].start, refs[ref].end))
        records.append(PositionRecord(spans[0], spans[1], spans[2], former))
    return records


def render_relations(records: list[PositionRecord], spans: list[Span]) -> tuple[dict[tuple[int, int], str], str]:
    """References for linked entities and the ``.rel`` text, inverse of :func:`parse_relations`."""
    names: dict[tuple[int, int], str] = {}
    for span in sorted(spans, key=lambda s: s.start):
        names.setdefault((span.start, span.end), f"e{len(names) + 1}")
    linked = {tuple(x) for r in records for x in (r.person, r.position, r.organization) if x}
    refs = {k: v for k, v in names.items() if k in linked}
    lines = [" ".join([refs[r.person], refs[r.position], refs[r.organization] if r.organization else "-"]
                      + (["former"] if r.former else [])) for r in records]
    return refs, "".join(f"{line}\n" for line in lines)
