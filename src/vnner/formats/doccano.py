"""Doccano JSONL: ``{"id", "text", "label": [[start, end, LABEL], ...]}`` (sequence labelling), and the
relation projects' ``{"text", "entities": [{"id", "label", "start_offset", "end_offset"}],
"relations": [{"id", "from_id", "to_id", "type"}]}``.

Positions held travel as two relations: ``holds`` (or ``held`` when former) from the
person to the position, and ``of`` from the position to its organisation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from vnner.formats.document import (
    Document,
    FormatError,
    PositionRecord,
    Span,
    is_offset,
    position_links,
    records_from_links,
)
from vnner.formats.jsonl import doc_id, read_records, spans_from, text_of


def _label_list(items) -> list[Span]:
    if not isinstance(items, list):
        raise FormatError("'label' must be a list of [start, end, label]")
    spans = []
    for k, item in enumerate(items):
        if not (isinstance(item, list) and len(item) == 3 and is_offset(item[0]) and is_offset(item[1])
                and isinstance(item[2], str)):
            raise FormatError(f"label #{k} must be [start, end, label], got {item!r}")
        spans.append(Span(item[0], item[1], item[2]))
    return spans


def _relations(entities: list[dict], relations, spans: list[Span]) -> list[PositionRecord]:
    by_id = {}
    for item, span in zip(entities, spans, strict=True):
        if "id" in item:
            by_id[item["id"]] = span
    if not isinstance(relations, list):
        raise FormatError("'relations' must be a list")
    links = []
    for k, rel in enumerate(relations):
        if not isinstance(rel, dict) or rel.get("from_id") not in by_id or rel.get("to_id") not in by_id:
            raise FormatError(f"relation #{k} must link two entity ids of this document, got {rel!r}")
        links.append((by_id[rel["from_id"]], by_id[rel["to_id"]], rel.get("type")))
    return records_from_links(links)


def _parse(record: dict, default_id: str) -> Document:
    did = doc_id(record, default_id)
    text = text_of(record, did, "text" if "text" in record else "data")  # Doccano 1.x exported "data"
    try:
        if "entities" in record:
            items = record["entities"]
            spans = spans_from(items, text, start_key="start_offset", end_key="end_offset")
            doc = Document(did, text, spans)
            if "relations" in record:
                doc.positions_held = _relations(items, record["relations"], spans)
            return doc
        return Document(did, text, _label_list(record.get("label", record.get("labels", []))))
    except FormatError as exc:
        raise FormatError(f"document {did}: {exc}") from None


def read(path: Path, labels: Iterable[str] | None = None) -> list[Document]:
    return read_records(path, labels, _parse)


def write(path: Path, docs: Iterable[Document]) -> None:
    """The ``label`` form; documents with positions held also get ``entities`` and ``relations``."""
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            record = {"id": doc.id, "text": doc.text, "label": [[s.start, s.end, s.label] for s in doc.entities]}
            if doc.positions_held:
                ids = {(s.start, s.end): k for k, s in enumerate(doc.entities, 1)}
                record["entities"] = [{"id": k, "label": s.label, "start_offset": s.start, "end_offset": s.end}
                                      for k, s in enumerate(doc.entities, 1)]
                record["relations"] = [{"id": k, "from_id": ids[a], "to_id": ids[b], "type": kind}
                                       for k, (a, b, kind) in enumerate(position_links(doc.positions_held), 1)]
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
