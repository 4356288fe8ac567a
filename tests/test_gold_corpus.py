"""Every real annotation in data/ materialises from the corpus and passes validation."""

from pathlib import Path

import pytest

from training.corpus.validate import validate_document
from training.data import SPLITS, load_gold
from vnner.formats.standoff import DEFAULT_LABELS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "vietnews"
FILES = [ROOT / "data" / "annotations" / f"{s}.jsonl" for s in SPLITS]


@pytest.mark.skipif(not (CORPUS / "train.jsonl.xz").is_file(),
                    reason=f"VietNews corpus not found at {CORPUS} (../shared absent)")
def test_every_gold_annotation_materialises_and_validates():
    entries = load_gold(FILES, str(CORPUS))
    problems = [f"{path.name} {doc.id}: {p}" for path, doc in entries for p in validate_document(doc, doc.text)]
    assert problems == []
    assert len(entries) >= 150
    counts = {label: sum(s.label == label for _, d in entries for s in d.entities) for label in DEFAULT_LABELS}
    assert sum(counts.values()) >= 3000 and min(counts.values()) >= 200, counts


def test_splits_are_disjoint_and_fixed_in_files():
    ids = {}
    for path in FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            doc_id = line.split('"id": "', 1)[1].split('"', 1)[0]
            assert doc_id not in ids, f"{doc_id} in {ids.get(doc_id)} and {path.name}"
            ids[doc_id] = path.name
    assert len(ids) >= 150
