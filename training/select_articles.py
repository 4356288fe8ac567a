"""Propose domain articles (government and Party affairs) from VietNews for annotation.

Filtering only *proposes*: every proposed article is read by an annotator, who
rejects it if it is not about the domain.  The selection is deterministic
(keyword filter, near-duplicate titles dropped, seeded shuffle) so the data
card can describe it exactly.

    python -m training.select_articles --corpus ../shared/corpora/vietnews -n 200 \
        --exclude data/annotations/*.jsonl > candidates.txt
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from training.corpus import iter_corpus, read_annotations

# Word-segmented forms as they appear in the .seg text; both tone-mark conventions.
DOMAIN_KEYWORDS = (
    "Tỉnh_uỷ", "Tỉnh_ủy", "Thành_uỷ", "Thành_ủy", "Huyện_uỷ", "Huyện_ủy", "Đảng_uỷ", "Đảng_ủy",
    "HĐND", "UBND", "Đảng_bộ", "Bí_thư", "Ban_Thường_vụ", "Ban_Chấp_hành", "đảng_viên",
    "Uỷ_ban_Kiểm_tra", "Ủy_ban_Kiểm_tra", "Chủ_tịch", "Phó_Chủ_tịch", "nhiệm_kỳ", "kỷ_luật",
    "bổ_nhiệm", "Hội_nghị", "ngân_sách", "Quốc_hội", "Mặt_trận_Tổ_quốc", "Bộ_Chính_trị",
)


def score(seg_text: str) -> tuple[int, int]:
    """(total keyword hits, distinct keywords present)."""
    hits = [seg_text.count(k) for k in DOMAIN_KEYWORDS]
    return sum(hits), sum(1 for h in hits if h)


def propose(corpus: str | Path, *, n: int, min_words: int = 180, max_words: int = 520,
            min_distinct: int = 6, min_density: float = 0.04, seed: int = 13,
            exclude: set[str] = frozenset()) -> list[str]:
    candidates: list[str] = []
    seen_titles: set[str] = set()
    for doc_id, seg in iter_corpus(corpus):
        if doc_id in exclude:
            continue
        words = len(seg.split())
        total, distinct = score(seg)
        if not (min_words <= words <= max_words and distinct >= min_distinct and total / words > min_density):
            continue
        title_key = re.sub(r"\W", "", seg.split("\n", 1)[0].lower())[:40]
        if title_key in seen_titles:
            continue
        seen_titles.add(title_key)
        candidates.append(doc_id)
    candidates.sort()
    random.Random(seed).shuffle(candidates)
    return candidates[:n]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="../shared/corpora/vietnews")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--exclude", nargs="*", default=[], help="annotation JSONL files whose ids to skip")
    args = parser.parse_args(argv)
    exclude = {d.id for path in args.exclude for d in read_annotations(path)}
    for doc_id in propose(args.corpus, n=args.n, seed=args.seed, exclude=exclude):
        print(doc_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
