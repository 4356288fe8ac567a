"""JSONL with inline text: ``{"id", "text", "entities": [{"start", "end", "label"}], "positions_held": [...]}``.

spaCy/Prodigy-style ``"spans"`` (``start``, ``end``, ``label``, optional ``text``) are
read as entities.  This is also what ``vnner convert`` writes by default.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from vnner.formats.document import Document, FormatError, Problems, Span, is_offset, parse_position_records


def iter_json_lines(path: Path, problems: Problems) -> Iterator[tuple[int, object]]:
    """``(line number, parsed value)`` of every non-empty line; bad lines are recorded, not fatal."""
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                problems.add(str(lineno), f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                problems.add(str(lineno), f"invalid JSON ({exc.msg}, column {exc.colno})")


def doc_id(record: dict, default: str) -> str:
    value = record.get("id", default)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise FormatError(f"'id' must be a string or an integer, got {value!r}")
    return str(value)


def spans_from(items, text: str, *, start_key: str = "start", end_key: str = "end") -> list[Span]:
    """Entities from a list of objects; the span text, where the file carries one, must match."""
    if not isinstance(items, list):
        raise FormatError("entities must be a list")
    spans = []
    for k, item in enumerate(items):
        if not isinstance(item, dict):
            raise FormatError(f"entity #{k} must be an object, got {item!r}")
        start, end, label = item.get(start_key), item.get(end_key), item.get("label")
        if not (is_offset(start) and is_offset(end)):
            raise FormatError(f"entity #{k}: '{start_key}' and '{end_key}' must be integers, got {start!r}, {end!r}")
        if not isinstance(label, str):
            raise FormatError(f"entity #{k}: 'label' must be a string, got {label!r}")
        surface = item.get("text")
        if isinstance(surface, str) and 0 <= start < end <= len(text) and text[start:end] != surface:
            raise FormatError(f"entity #{k} [{start}:{end}]: the file says {surface!r}, the text has "
                              f"{text[start:end]!r}")
        spans.append(Span(start, end, label))
    return spans


def read_records(path: Path, labels: Iterable[str] | None,
                 parse: Callable[[dict, str], Document]) -> list[Document]:
    """Documents from JSON lines, one per object, by ``parse(record, default_id)``; every bad line is
    collected (file:line: document: problem) and reported at once."""
    problems = Problems(str(path))
    docs = []
    for lineno, record in iter_json_lines(path, problems):
        try:
            if not isinstance(record, dict):
                raise FormatError(f"expected a JSON object, got {type(record).__name__}")
            doc = parse(record, f"{path.stem}:{lineno}")
        except FormatError as exc:
            problems.add(str(lineno), str(exc))
            continue
        problems.check(doc, str(lineno), labels)
        docs.append(doc)
    problems.raise_if_any()
    return docs


def text_of(record: dict, did: str, key: str = "text") -> str:
    text = record.get(key)
    if not isinstance(text, str):
        raise FormatError(f"document {did}: missing or non-string '{key}'")
    return text


def _parse(record: dict, default_id: str) -> Document:
    did = doc_id(record, default_id)
    text = text_of(record, did)
    try:
        doc = Document(did, text, spans_from(record.get("entities", record.get("spans", [])), text))
        if "positions_held" in record:
            doc.positions_held = parse_position_records(record["positions_held"], "")
    except FormatError as exc:
        raise FormatError(f"document {did}: {str(exc).lstrip(': ')}") from None
    return doc


def read(path: Path, labels: Iterable[str] | None = None) -> list[Document]:
    return read_records(path, labels, _parse)


def write(path: Path, docs: Iterable[Document]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
