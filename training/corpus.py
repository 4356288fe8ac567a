"""The VietNews source corpus and the project's stand-off annotations.

The repository never stores article text (VietNews has no licence for
redistribution).  Each annotated article is kept as its corpus id, the sha256
of the *materialised* text and character spans.  ``materialize`` turns the
corpus's word-segmented, space-tokenized ``.seg`` text back into ordinary
news text deterministically, so the hash pins down exactly which characters
the spans index.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("PERSON", "POSITION", "ORGANIZATION", "DATE", "QUANTITY")

# Tokens glued to the preceding token / to the following token when rebuilding text.
_ATTACH_LEFT = {",", ".", ";", ":", "!", "?", ")", "]", "}", "…", "...", "%", "”", "’", "»"}
_ATTACH_RIGHT = {"(", "[", "{", "“", "‘", "«"}


class CorpusError(ValueError):
    """Bad corpus or annotation data; the message names the file, line and document."""


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
        raise CorpusError(f"corpus source {source} does not exist")
    clone = source / "data"
    if clone.is_dir() and any(clone.glob("*_tokenized")):
        yield from _iter_clone(clone, wanted)
        return
    files = sorted(source.glob("*.jsonl.xz")) + sorted(source.glob("*.jsonl"))
    if not files:
        raise CorpusError(f"{source} holds no *.jsonl(.xz) files and no data/*_tokenized folders")
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
                raise CorpusError(f"{path}:{lineno}: not a {{'id', 'text'}} JSON object ({exc})") from None
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
        raise CorpusError(f"{len(missing)} document(s) not found in {source}: {', '.join(missing[:10])}")
    return texts


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
    """One annotated article: stand-off record plus (once materialised) its text.

    ``positions_held`` is ``None`` when the relation layer was not annotated for
    this article, and a (possibly empty) list when it was.
    """

    id: str
    sha256: str
    entities: list[Span] = field(default_factory=list)
    text: str | None = None
    positions_held: list[PositionRecord] | None = None

    def to_json(self) -> dict:
        record = {
            "id": self.id,
            "sha256": self.sha256,
            "entities": [{"start": s.start, "end": s.end, "label": s.label} for s in self.entities],
        }
        if self.positions_held is not None:
            record["positions_held"] = [r.to_json() for r in self.positions_held]
        return record


def _pair(value, what: str) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise CorpusError(f"{what} must be [start, end] integers, got {value!r}")
    return value[0], value[1]


def parse_positions_held(raw, where: str) -> list[PositionRecord]:
    if not isinstance(raw, list):
        raise CorpusError(f"{where}: 'positions_held' must be a list")
    records = []
    for k, rec in enumerate(raw):
        what = f"{where}: positions_held #{k}"
        if not isinstance(rec, dict):
            raise CorpusError(f"{what} must be an object")
        org = rec.get("organization")
        former = rec.get("former", False)
        if not isinstance(former, bool):
            raise CorpusError(f"{what}: 'former' must be true or false")
        records.append(PositionRecord(_pair(rec.get("person"), f"{what} 'person'"),
                                      _pair(rec.get("position"), f"{what} 'position'"),
                                      None if org is None else _pair(org, f"{what} 'organization'"), former))
    return records


def read_annotations(path: str | Path) -> list[Document]:
    """Read a stand-off JSONL file; any malformed line is an error naming file, line and id."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"annotation file {path} does not exist")
    docs: list[Document] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: invalid JSON ({exc})") from None
            if not isinstance(record, dict):
                raise CorpusError(f"{where}: expected a JSON object, got {type(record).__name__}")
            doc_id = record.get("id")
            if not isinstance(doc_id, str):
                raise CorpusError(f"{where}: missing or non-string 'id'")
            where = f"{where} (document {doc_id})"
            sha = record.get("sha256")
            if not isinstance(sha, str) or len(sha) != 64:
                raise CorpusError(f"{where}: missing or malformed 'sha256'")
            raw = record.get("entities")
            if not isinstance(raw, list):
                raise CorpusError(f"{where}: 'entities' must be a list")
            spans = []
            for k, ent in enumerate(raw):
                try:
                    start, end, label = ent["start"], ent["end"], ent["label"]
                except (KeyError, TypeError):
                    raise CorpusError(f"{where}: entity #{k} needs start, end and label") from None
                if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)) or (
                        isinstance(start, bool) or isinstance(end, bool)):
                    raise CorpusError(f"{where}: entity #{k} has non-integer offsets or a non-string label")
                spans.append(Span(start, end, label))
            relations = None
            if "positions_held" in record:
                relations = parse_positions_held(record["positions_held"], where)
            docs.append(Document(doc_id, sha, spans, positions_held=relations))
    return docs


def write_annotations(path: str | Path, docs: Iterable[Document]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
