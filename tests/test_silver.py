import json

from test_corpus import write_corpus
from test_train import ARTICLES

from training.data import main as data_main
from training.silver import main as silver_main

DOMAIN = "Bí_thư Tỉnh_uỷ Hà_Tĩnh Lê_Văn_Cường họp với UBND tỉnh và HĐND tỉnh ngày 9/9 ."


def test_silver_articles_exclude_gold_and_are_valid(tmp_path):
    docs = {k: v[0] for k, v in ARTICLES.items()} | {"train/000009": DOMAIN}
    corpus = write_corpus(tmp_path / "corpus", docs)
    markup = tmp_path / "m"
    markup.mkdir()
    for doc_id, (_, marked) in ARTICLES.items():
        (markup / f"{doc_id.replace('/', '_')}.txt").write_text(marked, encoding="utf-8")
    gold = tmp_path / "train.jsonl"
    assert data_main(["--corpus", str(corpus), "from-markup", *map(str, markup.glob("*.txt")), "--out", str(gold)]) == 0
    out = tmp_path / "silver.jsonl"
    assert silver_main(["--corpus", str(corpus), "--gold", str(gold), "--out", str(out), "-n", "10",
                        "--min-words", "1", "--min-distinct", "1", "--min-density", "0"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["train/000009"]  # gold articles never become silver
    assert data_main(["--corpus", str(corpus), "validate", str(out)]) == 0
