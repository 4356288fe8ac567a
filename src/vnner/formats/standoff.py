"""The project's stand-off files over the VietNews corpus: ``{"id", "sha256", "entities", ["positions_held"]}``.

The repository never stores article text (VietNews has no licence for
redistribution).  Each annotated article is kept as its corpus id, the sha256
of the *materialised* text and character spans.  ``materialize`` turns the
corpus's word-segmented, space-tokenized ``.seg`` text back into ordinary
news text deterministically, so the hash pins down exactly which characters
the spans index.  Reading a stand-off file needs the corpus (``corpus=``, else
``$VNNER_CORPUS``, else ``../shared/corpora/vietnews``).
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from vnner.formats.document import (  # noqa: F401  (re-exported for corpus tools)
    DEFAULT_LABELS,
    Document,
    FormatError,
    PositionRecord,
    Problems,
    Span,
    is_offset,
    parse_position_records,
)

DEFAULT_CORPUS = "../shared/corpora/vietnews"

# Tokens glued to the preceding token / to the following token when rebuilding text.
_ATTACH_LEFT = {",", ".", ";", ":", "!", "?", ")", "]", "}", "…", "...", "%", "”", "’", "»"}
_ATTACH_RIGHT = {"(", "[", "{", "“", "‘", "«"}


def _detokenize_line(line: str) -> str:
    out: list[str] = []
    glue_next = False
    quote_open = False
    for token in line.split():
        word = token.replace("_", " ")
        if token == '"':
            # Straight quotes alternate: an opening one sticks to what follows,
            # a closing one to what precedes.
            quote_open = not quote_open
            attach_left, attach_right = not quote_open, quote_open
        else:
            attach_left, attach_right = token in _ATTACH_LEFT, token in _ATTACH_RIGHT
        if out and not glue_next and not attach_left:
            out.append(" ")
        out.append(word)
        glue_next = attach_right
    return "".join(out)


def materialize(seg_text: str) -> str:
    """Rebuild plain article text from VietNews ``.seg`` text.

    Underscores joining syllables become spaces, punctuation spacing is
    restored, and line and paragraph breaks are kept as they are.
    """
    lines = seg_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_detokenize_line(line) for line in lines).strip("\n")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iter_corpus(source: str | Path, ids: Iterable[str] | None = None) -> Iterator[tuple[str, str]]:
    """Yield ``(doc_id, seg_text)`` from a VietNews source.

    ``source`` is a ``.jsonl``/``.jsonl.xz`` file of ``{"id", "text"}`` lines,
    a folder holding ``train.jsonl.xz``/``val.jsonl.xz`` (the bundled copy), or a
    clone of the public VietNews repository (``data/{split}_tokenized/*.txt.seg``).
    With ``ids`` only those documents are read (and the folder forms open only
    the files they need).
    """
    source = Path(source)
    wanted = set(ids) if ids is not None else None
    if source.is_file():
        yield from _iter_jsonl(source, wanted)
        return
    if not source.is_dir():
        raise FormatError(f"corpus source {source} does not exist")
    clone = source / "data"
    if clone.is_dir() and any(clone.glob("*_tokenized")):
        yield from _iter_clone(clone, wanted)
        return
    files = sorted(source.glob("*.jsonl.xz")) + sorted(source.glob("*.jsonl"))
    if not files:
        raise FormatError(f"{source} holds no *.jsonl(.xz) files and no data/*_tokenized folders")
    splits = None if wanted is None else {i.split("/", 1)[0] for i in wanted}
    for path in files:
        if splits is None or path.name.split(".", 1)[0] in splits:
            yield from _iter_jsonl(path, wanted)


def _iter_jsonl(path: Path, wanted: set[str] | None) -> Iterator[tuple[str, str]]:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                doc_id, text = record["id"], record["text"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise FormatError(f"{path}:{lineno}: not a {{'id', 'text'}} JSON object ({exc})") from None
            if wanted is None or doc_id in wanted:
                yield doc_id, text


def _iter_clone(data_dir: Path, wanted: set[str] | None) -> Iterator[tuple[str, str]]:
    if wanted is not None:
        for doc_id in sorted(wanted):
            split, num = doc_id.split("/", 1)
            path = data_dir / f"{split}_tokenized" / f"{num}.txt.seg"
            if path.is_file():
                yield doc_id, path.read_text(encoding="utf-8")
        return
    for folder in sorted(data_dir.glob("*_tokenized")):
        split = folder.name.removesuffix("_tokenized")
        for path in sorted(folder.glob("*.txt.seg")):
            yield f"{split}/{path.name.removesuffix('.txt.seg')}", path.read_text(encoding="utf-8")


def load_texts(source: str | Path, ids: Iterable[str]) -> dict[str, str]:
    """Materialised text of each id; a missing id is an error naming it."""
    ids = list(ids)
    texts = {doc_id: materialize(seg) for doc_id, seg in iter_corpus(source, ids)}
    missing = [i for i in ids if i not in texts]
    if missing:
        raise FormatError(f"{len(missing)} document(s) not found in {source}: {', '.join(missing[:10])}")
    return texts


def default_corpus() -> str:
    return os.environ.get("VNNER_CORPUS") or DEFAULT_CORPUS


def read_records(path: str | Path) -> list[Document]:
    """Stand-off records without their text (``text=None``, ``sha256`` set); every problem of the file at once."""
    from vnner.formats.jsonl import iter_json_lines

    path = Path(path)
    if not path.is_file():
        raise FormatError(f"annotation file {path} does not exist")
    problems = Problems(str(path))
    docs: list[Document] = []
    for lineno, record in iter_json_lines(path, problems):
        try:
            docs.append(_record(record))
        except FormatError as exc:
            problems.add(str(lineno), str(exc))
    problems.raise_if_any()
    return docs


def _record(record) -> Document:
    if not isinstance(record, dict):
        raise FormatError(f"expected a JSON object, got {type(record).__name__}")
    doc_id = record.get("id")
    if not isinstance(doc_id, str):
        raise FormatError("missing or non-string 'id'")
    where = f"document {doc_id}"
    sha = record.get("sha256")
    if not isinstance(sha, str) or len(sha) != 64:
        raise FormatError(f"{where}: missing or malformed 'sha256'")
    raw = record.get("entities")
    if not isinstance(raw, list):
        raise FormatError(f"{where}: 'entities' must be a list")
    spans = []
    for k, ent in enumerate(raw):
        if not isinstance(ent, dict) or not {"start", "end", "label"} <= ent.keys():
            raise FormatError(f"{where}: entity #{k} needs start, end and label")
        start, end, label = ent["start"], ent["end"], ent["label"]
        if not (is_offset(start) and is_offset(end) and isinstance(label, str)):
            raise FormatError(f"{where}: entity #{k} has non-integer offsets or a non-string label")
        spans.append(Span(start, end, label))
    relations = parse_position_records(record["positions_held"], where) if "positions_held" in record else None
    return Document(doc_id, None, spans, relations, sha)


def read(path: Path, labels: Iterable[str] | None = None, *, corpus: str | Path | None = None) -> list[Document]:
    """Records with their materialised text; a hash mismatch is an error naming the document."""
    docs = read_records(path)
    texts = load_texts(corpus or default_corpus(), [d.id for d in docs])
    problems = Problems(str(path))
    for doc in docs:
        doc.text = texts[doc.id]
        if text_sha256(doc.text) != doc.sha256:
            problems.add(doc.id, f"document {doc.id}: sha256 of the materialised text is {text_sha256(doc.text)}, "
                         f"the record says {doc.sha256}")
        problems.check(doc, doc.id, labels)
    problems.raise_if_any()
    return docs


def record_json(doc: Document) -> dict:
    record = {"id": doc.id, "sha256": doc.sha256 or text_sha256(doc.text),
              "entities": [{"start": s.start, "end": s.end, "label": s.label} for s in doc.entities]}
    if doc.positions_held is not None:
        record["positions_held"] = [r.to_json() for r in doc.positions_held]
    return record


def write(path: str | Path, docs: Iterable[Document]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(record_json(doc), ensure_ascii=False) + "\n")
