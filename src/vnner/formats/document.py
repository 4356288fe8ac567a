"""The annotated document every format reads into and writes from, and the checks all readers share.

One model for every file format (as spaCy's ``Doc``): the text, flat character
spans with a label, and optionally the positions held (person, position,
organisation) annotated over those spans.  Offsets are Python string indices
into ``text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

#: The project's five labels; user data may bring others (``labels_of``).
DEFAULT_LABELS = ("PERSON", "POSITION", "ORGANIZATION", "DATE", "QUANTITY")


class FormatError(ValueError):
    """A file that cannot be read as annotated documents; the message names file, line or task, and document."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class PositionRecord:
    """A position held (shared guideline, "Positions held"): character spans of linked entities."""

    person: tuple[int, int]
    position: tuple[int, int]
    organization: tuple[int, int] | None
    former: bool = False

    def to_json(self) -> dict:
        return {"person": list(self.person), "position": list(self.position),
                "organization": list(self.organization) if self.organization else None, "former": self.former}


@dataclass
class Document:
    """One annotated document.

    ``text`` is ``None`` only for a stand-off record read without its corpus.
    ``positions_held`` is ``None`` when the relation layer was not annotated, and a
    (possibly empty) list when it was: "not annotated" and "none" differ for training.
    """

    id: str
    text: str | None
    entities: list[Span] = field(default_factory=list)
    positions_held: list[PositionRecord] | None = None
    sha256: str | None = None

    def to_json(self) -> dict:
        """Inline JSONL record (``{"id", "text", "entities", ["positions_held"]}``)."""
        record = {"id": self.id, "text": self.text,
                  "entities": [{"start": s.start, "end": s.end, "label": s.label} for s in self.entities]}
        if self.positions_held is not None:
            record["positions_held"] = [r.to_json() for r in self.positions_held]
        return record


def labels_of(docs: Iterable[Document]) -> list[str]:
    """Labels used in ``docs``: the project's five first (in their order), then others sorted."""
    used = {s.label for d in docs for s in d.entities}
    return [lab for lab in DEFAULT_LABELS if lab in used] + sorted(used - set(DEFAULT_LABELS))


def is_offset(value) -> bool:
    """An integer offset; ``True``/``False`` are not offsets although Python counts them as ints."""
    return isinstance(value, int) and not isinstance(value, bool)


def document_problems(doc: Document, labels: Iterable[str] | None = None) -> list[str]:
    """Problems every reader refuses: offsets outside the text, empty spans, overlaps, bad labels and links."""
    problems: list[str] = []
    allowed = set(labels) if labels is not None else None
    n = len(doc.text) if doc.text is not None else None
    previous: Span | None = None
    for span in sorted(doc.entities, key=lambda s: (s.start, s.end)):
        tag = f"{span.label} [{span.start}:{span.end}]"
        if not span.label or not span.label.strip():
            problems.append(f"{tag}: empty label")
        elif allowed is not None and span.label not in allowed:
            problems.append(f"{tag}: unknown label {span.label!r} (expected one of {', '.join(sorted(allowed))})")
        if not (is_offset(span.start) and is_offset(span.end)):
            problems.append(f"{tag}: offsets must be integers")
            continue
        if span.start >= span.end:
            problems.append(f"{tag}: start must be below end")
        elif span.start < 0 or (n is not None and span.end > n):
            problems.append(f"{tag}: outside the text (length {n})")
        if previous is not None and span.start < previous.end:
            problems.append(f"{tag}: overlaps {previous.label} [{previous.start}:{previous.end}]")
        if previous is None or span.end > previous.end:
            previous = span
    problems.extend(relation_problems(doc))
    return problems


def relation_problems(doc: Document) -> list[str]:
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


class Problems:
    """Collects every problem of a file so that one run reports them all (then raises once)."""

    def __init__(self, path: str) -> None:
        self.path, self.items = path, []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{self.path}:{where}: {message}")

    def check(self, doc: Document, where: str, labels: Iterable[str] | None = None) -> None:
        for problem in document_problems(doc, labels):
            self.add(where, f"document {doc.id}: {problem}")

    def raise_if_any(self) -> None:
        if self.items:
            shown = self.items[:50]
            more = f"\n... and {len(self.items) - 50} more" if len(self.items) > 50 else ""
            raise FormatError(f"{len(self.items)} problem(s):\n" + "\n".join(shown) + more)


# Tools that only link pairs (Label Studio, Doccano) carry a position held as two links:
# person -holds-> position (-held-> when former) and position -of-> organisation.
HOLDS, HELD, OF = "holds", "held", "of"


def position_links(records: Iterable[PositionRecord]) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    """The pair links of ``records``: (from span, to span, kind); a title's ``of`` link once."""
    links, seen = [], set()
    for r in records:
        links.append((r.person, r.position, HELD if r.former else HOLDS))
        if r.organization and (r.position, r.organization) not in seen:
            seen.add((r.position, r.organization))
            links.append((r.position, r.organization, OF))
    return links


def records_from_links(links: Iterable[tuple[Span, Span, str | None]]) -> list[PositionRecord]:
    """Inverse of :func:`position_links`; an unknown link kind is a :class:`FormatError`."""
    holds, of = [], {}
    for a, b, kind in links:
        if kind in (HOLDS, HELD):
            holds.append((a, b, kind == HELD))
        elif kind == OF:
            of[(a.start, a.end)] = (b.start, b.end)
        else:
            raise FormatError(f"relation kind {kind!r} unknown (expected {HOLDS!r}, {HELD!r} or {OF!r})")
    return [PositionRecord((p.start, p.end), (t.start, t.end), of.get((t.start, t.end)), former)
            for p, t, former in holds]


def parse_position_records(raw, where: str) -> list[PositionRecord]:
    """``[{"person": [s, e], "position": [s, e], "organization": [s, e] | null, "former": bool}]``."""
    if not isinstance(raw, list):
        raise FormatError(f"{where}: 'positions_held' must be a list")
    records = []
    for k, rec in enumerate(raw):
        what = f"{where}: positions_held #{k}"
        if not isinstance(rec, dict):
            raise FormatError(f"{what} must be an object")
        former = rec.get("former", False)
        if not isinstance(former, bool):
            raise FormatError(f"{what}: 'former' must be true or false")
        org = rec.get("organization")
        records.append(PositionRecord(_pair(rec.get("person"), f"{what} 'person'"),
                                      _pair(rec.get("position"), f"{what} 'position'"),
                                      None if org is None else _pair(org, f"{what} 'organization'"), former))
    return records


def _pair(value, what: str) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2 or not all(is_offset(v) for v in value):
        raise FormatError(f"{what} must be [start, end] integers, got {value!r}")
    return value[0], value[1]
