"""Propose domain articles (government and Party affairs) from VietNews for annotation.

Filtering only *proposes*: every proposed article is read by an annotator, who
rejects it if it is not about the domain.  The selection is deterministic
(keyword filter, near-duplicate titles dropped, seeded shuffle) so the data
card can describe it exactly.

    python -m training.corpus.select_articles --corpus ../shared/corpora/vietnews -n 200 \
        --exclude data/annotations/*.jsonl > candidates.txt
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from vnner.formats.standoff import iter_corpus, read_records

# Word-segmented forms as they appear in the .seg text; both tone-mark conventions.
DOMAIN_KEYWORDS = (
    "Tỉnh_uỷ", "Tỉnh_ủy", "Thành_uỷ", "Thành_ủy", "Huyện_uỷ", "Huyện_ủy", "Đảng_uỷ", "Đảng_ủy",
    "HĐND", "UBND", "Đảng_bộ", "Bí_thư", "Ban_Thường_vụ", "Ban_Chấp_hành", "đảng_viên",
    "Uỷ_ban_Kiểm_tra", "Ủy_ban_Kiểm_tra", "Chủ_tịch", "Phó_Chủ_tịch", "nhiệm_kỳ", "kỷ_luật",
    "bổ_nhiệm", "Hội_nghị", "ngân_sách", "Quốc_hội", "Mặt_trận_Tổ_quốc", "Bộ_Chính_trị",
)


# Topics the corpus lacked after v2 (issue: corpus v3); an article qualifies for a topic with
# at least 3 hits of its keywords (word-segmented forms, both tone-mark conventions).
TOPICS: dict[str, tuple[str, ...]] = {
    "ministries": ("Bộ_trưởng", "Thứ_trưởng", "Bộ_Tài_chính", "Bộ_Nội_vụ", "Bộ_Công_an", "Bộ_Y_tế",
                   "Văn_phòng_Chính_phủ", "Thủ_tướng", "Phó_Thủ_tướng", "Tổng_cục", "Cục_trưởng"),
    "mass-orgs": ("Mặt_trận_Tổ_quốc", "MTTQ", "Hội_Nông_dân", "Đoàn_Thanh_niên", "Hội_Liên_hiệp_Phụ_nữ",
                  "Hội_Cựu_chiến_binh", "Hội_Luật_gia", "Công_đoàn", "Tỉnh_đoàn", "Hội_Phụ_nữ"),
    "enterprises-universities": ("Tập_đoàn", "Tổng_công_ty", "Công_ty", "Đại_học", "Trường_Đại_học",
                                 "Hiệu_trưởng", "giảng_viên", "Tổng_giám_đốc", "Học_viện"),
    "justice": ("Toà_án", "Tòa_án", "Viện_Kiểm_sát", "VKSND", "TAND", "Thanh_tra", "Chánh_án", "Viện_trưởng",
                "Chánh_thanh_tra", "xét_xử"),
    "army-police": ("Đại_tá", "Thượng_tá", "Trung_tá", "Thiếu_tướng", "Trung_tướng", "Bộ_Chỉ_huy_Quân_sự",
                    "Công_an_tỉnh", "Quân_khu", "Bộ_đội_Biên_phòng", "Đại_uý", "Đại_úy"),
    "personnel-lists": ("bầu", "bổ_nhiệm", "điều_động", "Phó_Bí_thư", "Uỷ_viên", "Ủy_viên", "giữ_chức",
                        "miễn_nhiệm", "trúng_cử"),
    "discipline": ("kỷ_luật", "khiển_trách", "cảnh_cáo", "cách_chức", "Uỷ_ban_Kiểm_tra", "Ủy_ban_Kiểm_tra",
                   "vi_phạm", "khai_trừ"),
    "budget-economy": ("ngân_sách", "tỷ_đồng", "tỉ_đồng", "triệu_đồng", "GRDP", "thu_nhập", "chỉ_tiêu", "%",
                       "tăng_trưởng", "vốn"),
    "foreign": ("Đại_sứ", "hội_đàm", "Đoàn_đại_biểu", "Tổng_thống", "Thủ_tướng", "hợp_tác", "Lào",
                "Campuchia", "Trung_Quốc", "Nhật_Bản", "Hàn_Quốc", "Hoa_Kỳ"),
}


def score(seg_text: str) -> tuple[int, int]:
    """(total keyword hits, distinct keywords present)."""
    hits = [seg_text.count(k) for k in DOMAIN_KEYWORDS]
    return sum(hits), sum(1 for h in hits if h)


def propose(corpus: str | Path, *, n: int, min_words: int = 180, max_words: int = 520,
            min_distinct: int = 6, min_density: float = 0.04, seed: int = 13,
            exclude: set[str] = frozenset(), topic: str | None = None) -> list[str]:
    candidates: list[str] = []
    topic_words = TOPICS[topic] if topic else ()
    seen_titles: set[str] = set()
    for doc_id, seg in iter_corpus(corpus):
        if doc_id in exclude:
            continue
        words = len(seg.split())
        total, distinct = score(seg)
        if not (min_words <= words <= max_words and distinct >= min_distinct and total / words > min_density):
            continue
        if topic_words and sum(seg.count(k) for k in topic_words) < 3:
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
    parser.add_argument("--topic", choices=sorted(TOPICS), help="only articles with >= 3 hits of the topic's keywords")
    parser.add_argument("--min-words", type=int, default=180)
    parser.add_argument("--max-words", type=int, default=520)
    parser.add_argument("--min-distinct", type=int, default=6)
    args = parser.parse_args(argv)
    exclude = {d.id for path in args.exclude for d in read_records(path)}
    for doc_id in propose(args.corpus, n=args.n, seed=args.seed, exclude=exclude, topic=args.topic,
                          min_words=args.min_words, max_words=args.max_words, min_distinct=args.min_distinct):
        print(doc_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
