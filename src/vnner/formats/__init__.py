"""Annotated documents in the formats users' tools read and write; one place for all of them.

    from vnner.formats import read_documents, write_documents
    docs = read_documents("export.json")                  # format detected: Label Studio
    write_documents("train.conll", docs)                  # syllable-level IOB2

| name | files | what |
|---|---|---|
| ``jsonl`` | ``.jsonl`` | ``{"id", "text", "entities": [{"start", "end", "label"}]}`` (spaCy ``spans`` too) |
| ``conll`` | ``.conll .iob .bio .tsv .txt`` | token per line, tag last; IOB1/IOB2/IOBES; syllable or word level |
| ``wordtags`` | ``.jsonl`` | ``{"words": [...], "tags": [...]}`` per sentence (public Vietnamese NER sets) |
| ``label-studio`` | ``.json`` | Label Studio export / import (``predictions`` for pre-annotation) |
| ``doccano`` | ``.jsonl`` | ``{"text", "label": [[s, e, L]]}`` or ``entities``/``relations`` |
| ``standoff`` | ``.jsonl`` | the project's ``{"id", "sha256", "entities"}`` over VietNews (``corpus=``) |

Every reader validates (offsets inside the text, start below end, no overlap,
non-empty label, the span text where the file carries one, linked spans) and
raises :class:`FormatError` listing every problem with file, line or task, and
document; nothing is dropped or rewritten.  No torch import here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from vnner.formats import conll, doccano, jsonl, labelstudio, standoff, wordtags
from vnner.formats.document import (
    DEFAULT_LABELS,
    Document,
    FormatError,
    PositionRecord,
    Span,
    document_problems,
    labels_of,
)

__all__ = ["DEFAULT_LABELS", "FORMATS", "Document", "FormatError", "PositionRecord", "Span", "detect_format",
           "document_problems", "labels_of", "read_documents", "write_documents"]

FORMATS = ("jsonl", "conll", "wordtags", "label-studio", "doccano", "standoff")
_MODULES = {"jsonl": jsonl, "conll": conll, "wordtags": wordtags, "label-studio": labelstudio,
            "doccano": doccano, "standoff": standoff}


def _first_record(path: Path) -> object:
    with path.open("rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8-sig", errors="replace").strip()
            if line:
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    return None
    return None


def detect_format(path: str | Path) -> str:
    """The format of a file, from its extension and first record; an error says how to name it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8-sig", errors="replace").lstrip()
        if head.startswith("[") or '"data"' in head:
            return "label-studio"
        if head.startswith("{"):
            suffix = ".jsonl"  # a single JSON object per line saved as .json
    if suffix == ".jsonl":
        record = _first_record(path)
        if isinstance(record, dict):
            if "words" in record and "tags" in record:
                return "wordtags"
            if "sha256" in record and "text" not in record:
                return "standoff"
            if "label" in record or "labels" in record or (
                    isinstance(record.get("entities"), list) and record["entities"]
                    and isinstance(record["entities"][0], dict) and "start_offset" in record["entities"][0]):
                return "doccano"
            if "text" in record or "data" in record:
                return "jsonl"
            if "data" in record and isinstance(record["data"], dict):
                return "label-studio"
        raise FormatError(f"{path}: cannot tell the format from the first record; name it "
                          f"(one of {', '.join(FORMATS)})")
    if suffix in conll.SUFFIXES:
        return "conll"
    raise FormatError(f"{path}: unknown extension {suffix or '(none)'!r}; name the format "
                      f"(one of {', '.join(FORMATS)})")


def read_documents(path: str | Path, format: str | None = None, *, labels: Iterable[str] | None = None,
                   corpus: str | Path | None = None, skip_unannotated: bool = False) -> list[Document]:
    """Documents of an annotated file.

    ``labels`` restricts the allowed labels (default: any non-empty label);
    ``corpus`` is the VietNews source for stand-off files; ``skip_unannotated``
    lets Label Studio tasks without a completed annotation be skipped.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    fmt = format or detect_format(path)
    if fmt not in _MODULES:
        raise FormatError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "standoff":
        return standoff.read(path, labels, corpus=corpus)
    if fmt == "label-studio":
        return labelstudio.read(path, labels, skip_unannotated=skip_unannotated)
    return _MODULES[fmt].read(path, labels)


def write_documents(path: str | Path, docs: Iterable[Document], format: str | None = None) -> str:
    """Write ``docs``; the format defaults from the extension (``.json`` Label Studio, ``.conll`` CoNLL,
    ``.jsonl`` inline JSONL).  Returns the format used."""
    path = Path(path)
    fmt = format or {".json": "label-studio", ".jsonl": "jsonl"}.get(path.suffix.lower())
    if fmt is None and path.suffix.lower() in conll.SUFFIXES:
        fmt = "conll"
    if fmt not in _MODULES:
        raise FormatError(f"{path}: name the output format (one of {', '.join(FORMATS)})")
    docs = list(docs)
    for doc in docs:
        if doc.text is None:
            raise FormatError(f"document {doc.id} has no text (a stand-off record read without its corpus)")
    path.parent.mkdir(parents=True, exist_ok=True)
    _MODULES[fmt].write(path, docs)
    return fmt
