"""CoNLL / IOB files: a token per line, the tag in the last column (space or tab separated).

``-DOCSTART-`` lines and ``# id = ...`` comments start a document; a blank line ends a
sentence; ``_`` inside a word-segmented token (``Bí_thư``) is read as a space, so
syllable-level and word-level files both read.  IOB1, IOB2 and IOBES are read
(:mod:`vnner.formats.tags`).  Writing is syllable-level IOB2 over vnner's own
segmentation of the text, a ``# id = ...`` line per document.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from vnner.formats.document import Document, FormatError, Problems
from vnner.formats.tags import document_from_tokens, parse_tag, token_sentences

SUFFIXES = (".conll", ".conllu", ".iob", ".iob2", ".bio", ".bioes", ".iobes", ".tsv", ".txt")


def read(path: Path, labels: Iterable[str] | None = None) -> list[Document]:
    problems = Problems(str(path))
    docs: list[Document] = []
    current: dict = {"id": None, "sentences": [], "rows": [], "line": 1}

    def close_sentence():
        if current["rows"]:
            current["sentences"].append(current["rows"])
            current["rows"] = []

    def close_document():
        close_sentence()
        if current["sentences"]:
            did = current["id"] or f"{path.stem}:{current['line']}"
            doc = document_from_tokens(did, current["sentences"])
            problems.check(doc, str(current["line"]), labels)
            docs.append(doc)
        current.update(id=None, sentences=[], rows=[])

    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                problems.add(str(lineno), f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            stripped = line.strip()
            if not stripped:
                close_sentence()
                continue
            if stripped.startswith("-DOCSTART-"):
                close_document()
                current["line"] = lineno
                continue
            if stripped.startswith("#"):
                key, _, value = stripped[1:].partition("=")
                if key.strip() in ("id", "doc_id", "newdoc id"):
                    close_document()
                    current.update(id=value.strip(), line=lineno)
                continue
            fields = line.split("\t") if "\t" in line else line.split()
            if len(fields) < 2:
                problems.add(str(lineno), f"expected a token and a tag, got {line!r}")
                continue
            token, tag = fields[0], fields[-1].strip()
            try:
                parse_tag(tag)
            except FormatError as exc:
                problems.add(str(lineno), str(exc))
                continue
            if not current["sentences"] and not current["rows"] and current["id"] is None:
                current["line"] = lineno
            current["rows"].append((token, tag))
    close_document()
    problems.raise_if_any()
    return docs


def document_lines(doc: Document) -> list[str]:
    """Syllable-level IOB2 rows of one document, through vnner's segmentation (shared with the CLI)."""
    lines = [f"# id = {doc.id}"]
    for rows in token_sentences(doc):
        lines.extend(f"{doc.text[s:e]}\t{tag}" for s, e, tag in rows)
        lines.append("")
    return lines


def write(path: Path, docs: Iterable[Document]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write("\n".join(document_lines(doc)) + "\n")
