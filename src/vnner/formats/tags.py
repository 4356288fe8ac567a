"""Token tags (IOB1, IOB2/BIO, IOBES/BILOU) to spans and back, and token rows to a document.

Reading accepts every scheme: ``B-``/``S-``/``U-`` start an entity, ``I-``/``E-``/``L-``
continue one of the same type (or start one after ``O`` or another type, which is
exactly IOB1), ``E-``/``L-``/``S-``/``U-`` close it.  Writing is IOB2.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from vnner.formats.document import Document, FormatError, Span

_BEGIN, _INSIDE, _END, _SINGLE = set("B"), set("I"), set("EL"), set("SU")


def parse_tag(tag: str) -> tuple[str, str | None]:
    """``"B-PERSON"`` -> ``("B", "PERSON")``; ``"O"`` -> ``("O", None)``."""
    if tag == "O":
        return "O", None
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in "BIELSU" or len(prefix) != 1 or not label:
        raise FormatError(f"tag {tag!r} is not O or a B-/I-/E-/L-/S-/U- tag with a label")
    return prefix, label


def tag_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token index spans ``(first, last + 1, label)`` of a sentence's tags."""
    spans: list[tuple[int, int, str]] = []
    current: list | None = None
    for i, tag in enumerate(tags):
        prefix, label = parse_tag(tag)
        if prefix == "O":
            current = None
            continue
        if prefix in _BEGIN or prefix in _SINGLE or current is None or current[2] != label:
            current = [i, i + 1, label]
            spans.append(current)
        else:
            current[1] = i + 1
        if prefix in _END or prefix in _SINGLE:
            current = None
    return [tuple(s) for s in spans]


def iob2(n_tokens: int, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n_tokens
    for first, stop, label in spans:
        tags[first] = f"B-{label}"
        for i in range(first + 1, stop):
            tags[i] = f"I-{label}"
    return tags


def document_from_tokens(doc_id: str, sentences: list[list[tuple[str, str]]]) -> Document:
    """Text = tokens joined by spaces (``_`` inside a token read as a space), sentences by newlines."""
    pieces: list[str] = []
    spans: list[Span] = []
    offset = 0
    for s_index, rows in enumerate(sentences):
        if s_index:
            pieces.append("\n")
            offset += 1
        starts, ends = [], []
        for t_index, (token, _) in enumerate(rows):
            if t_index:
                pieces.append(" ")
                offset += 1
            word = token.replace("_", " ") if token.strip("_") else token
            starts.append(offset)
            pieces.append(word)
            offset += len(word)
            ends.append(offset)
        for first, stop, label in tag_spans([tag for _, tag in rows]):
            spans.append(Span(starts[first], ends[stop - 1], label))
    return Document(doc_id, "".join(pieces), spans)


def token_sentences(doc: Document) -> list[list[tuple[int, int, str]]]:
    """The document's syllable tokens with IOB2 tags, sentence by sentence, for the token formats.

    vnner's segmentation makes the tokens; a sentence that an entity runs into (``Ảnh: T.B. D.``,
    where the splitter ends a sentence after ``T.B.``) is joined to the one before, so a file's
    sentence breaks never cut an entity in two.  An entity edge inside a token is warned about.
    """
    from vnner.pipeline.inputs import syllable_tags

    sentences, bad = syllable_tags(doc.text, [(s.start, s.end, s.label) for s in doc.entities])
    if bad:
        warnings.warn(f"document {doc.id}: {bad} entity edge(s) fall inside a syllable token; "
                      "token tags widen them to whole syllables", stacklevel=3)
    out: list[list[tuple[int, int, str]]] = []
    for rows in sentences:
        if out and rows and rows[0][2].startswith("I-"):
            out[-1] = out[-1] + rows
        else:
            out.append(rows)
    return out
