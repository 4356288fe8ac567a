"""``{"words": [...], "tags": [...]}`` JSON lines, the layout of the public Vietnamese NER sets
(PhoNER_COVID19 and others): one sentence per line, word-segmented tokens with ``_``.

Each line reads as one document (id: its ``id`` field, else ``<file>:<line>``).  Writing
gives one line per sentence of each document, syllable-level, IOB2.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from vnner.formats.document import Document, FormatError
from vnner.formats.jsonl import doc_id, read_records
from vnner.formats.tags import document_from_tokens, parse_tag, token_sentences


def _parse(record: dict, default_id: str) -> Document:
    words, tags = record.get("words"), record.get("tags")
    if not (isinstance(words, list) and isinstance(tags, list) and all(isinstance(w, str) for w in words)
            and all(isinstance(t, str) for t in tags)):
        raise FormatError("'words' and 'tags' must be lists of strings")
    if len(words) != len(tags):
        raise FormatError(f"{len(words)} words but {len(tags)} tags")
    for tag in tags:
        parse_tag(tag)
    return document_from_tokens(doc_id(record, default_id), [list(zip(words, tags))])


def read(path: Path, labels: Iterable[str] | None = None) -> list[Document]:
    return read_records(path, labels, _parse)


def write(path: Path, docs: Iterable[Document]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            for rows in token_sentences(doc):
                record = {"words": [doc.text[s:e] for s, e, _ in rows], "tags": [t for _, _, t in rows]}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
