"""The gold corpus as a ``datasets.DatasetDict`` (text rebuilt from the corpus)."""

from __future__ import annotations

from pathlib import Path

from training.data import DEFAULT_CORPUS, load_gold
from training.validate import validate_document
from vnner.formats.standoff import FormatError


def load_gold_dataset(files: dict[str, str | Path], corpus: str | Path = DEFAULT_CORPUS):
    """``{"train": path, ...}`` -> DatasetDict with columns ``id``, ``text``, ``entities``.

    Every document is validated first; a problem is an error naming file and document.
    """
    from datasets import Dataset, DatasetDict

    splits = {}
    for split, path in files.items():
        rows = []
        for file, doc in load_gold([Path(path)], str(corpus)):
            problems = validate_document(doc, doc.text)
            if problems:
                raise FormatError(f"{file} (document {doc.id}): {problems[0]}")
            rows.append({"id": doc.id, "text": doc.text,
                         "entities": [{"start": s.start, "end": s.end, "label": s.label} for s in doc.entities]})
        splits[split] = Dataset.from_list(rows)
    return DatasetDict(splits)
