"""Web-scraping noise inserted into annotated articles, for training and for a noisy dev copy (issue #12).

    python -m training.corpus.noise data/annotations/dev.jsonl --out runs/dev-noisy.jsonl --seed 1

Real inputs carry what a scraper keeps: menu words (``leftcenterrightdel``, ``Trang chủ``), related-news
headers (``Tin cùng chuyên mục``), metadata (``date 2021-01``), photo lines (``Ảnh minh hoạ``,
``Ảnh: TL``), photo credits running into the next sentence with no line break (``Ảnh: Thanh Lê Sáng
nay ...``) and bylines alone on the last line. The gold articles hold credits but none of the rest.
:func:`add_noise` inserts such pieces between sentences (never inside an entity) and labels them as
the shared guideline says: a name in a credit or a byline is a PERSON; everything else carries nothing,
so a model trained on the result learns to leave menus, metadata and ``Ảnh: TL`` untagged.

Entities after an insertion are shifted; a document's positions-held records are dropped from the
noisy copy (training does not read them; the clean document keeps them).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence

from vnner.formats import Document, Span

# Pieces that carry no entity: menus, related-news headers, metadata, share buttons, photo lines.
PLAIN = (
    "leftcenterrightdel", "Trang chủ", "Chính trị", "Thời sự", "Xã hội", "Kinh tế", "Văn hoá", "Pháp luật",
    "Tin cùng chuyên mục", "Tin liên quan", "Tin mới", "Xem thêm", "Đọc tiếp", "Chia sẻ", "Bình luận",
    "In bài viết", "Gửi cho bạn bè", "Facebook", "Zalo", "Tweet", "Email", "Lên đầu trang", "Video",
    "date 2021-01", "date 2020-11", "date 2019-06-03", "Ảnh minh hoạ", "Ảnh: TL", "Ảnh: Internet",
    "Nguồn: Internet", "(Ảnh minh hoạ)", "Theo dõi chúng tôi trên", "Nhóm phóng viên",
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLE = ("Văn", "Thị", "Thanh", "Minh", "Hữu", "Quốc", "Đức", "Ngọc", "")
GIVEN = ("Lê", "Hà", "Nam", "Hùng", "Lan", "Tuấn", "Hương", "Dũng", "Thảo", "Sơn", "Linh", "Cường")


def _name(rng: random.Random) -> str:
    """A writer's or photographer's name as bylines spell them: full, two syllables, or initial + name."""
    surname, middle, given = rng.choice(SURNAMES), rng.choice(MIDDLE), rng.choice(GIVEN)
    form = rng.random()
    if form < 0.5:
        return " ".join(p for p in (surname, middle, given) if p)
    if form < 0.8:
        return f"{middle or surname} {given}"
    return f"{surname[0]}.{given}"


def _piece(rng: random.Random) -> tuple[str, tuple[int, int] | None]:
    """One noise piece and the span of the PERSON inside it, if any."""
    kind = rng.random()
    if kind < 0.6:
        return rng.choice(PLAIN), None
    name = _name(rng)
    prefix = "Ảnh: " if kind < 0.85 else ""  # a credit, else a byline
    return prefix + name, (len(prefix), len(prefix) + len(name))


_BOUNDARY = re.compile(r"(?<=[.!?])[ \t]+(?=\S)|\n+")


def add_noise(doc: Document, rng: random.Random, *, pieces: int = 3) -> Document:
    """A copy of ``doc`` with ``pieces`` noise pieces inserted at sentence or line boundaries (none inside an
    entity) and one more at the end; entity offsets follow the inserted text."""
    text = doc.text
    inside = [(s.start, s.end) for s in doc.entities]
    cuts = [m.start() for m in _BOUNDARY.finditer(text) if not any(a < m.start() < b for a, b in inside)]
    chosen = sorted(rng.sample(cuts, min(pieces, len(cuts)))) + [len(text)]
    inserts: list[tuple[int, str, tuple[int, int] | None]] = []
    for at in chosen:
        piece, person = _piece(rng)
        # credits and menus often run on with no line break; a byline stands on its own line
        byline = person is not None and not piece.startswith("Ảnh: ")
        sep = "\n" if at == len(text) or byline or rng.random() < 0.5 else " "
        inserts.append((at, sep + piece + (" " if at < len(text) else ""), None if person is None else
                        (person[0] + len(sep), person[1] + len(sep))))
    def before(pos: int, *, end: bool = False) -> int:
        """Characters inserted ahead of ``pos`` (a piece at an entity's end goes after the entity)."""
        return sum(len(piece) for at, piece, _ in inserts if at < pos or (at == pos and not end))

    cuts = [0] + [at for at, _, _ in inserts]
    new_text = "".join(text[a:b] + piece for a, b, (_, piece, _) in zip(cuts, cuts[1:], inserts))
    spans = [Span(s.start + before(s.start), s.end + before(s.end, end=True), s.label) for s in doc.entities]
    for at, _, person in inserts:
        if person is not None:  # the piece starts where its insertion point moved to
            base = at + before(at, end=True)
            spans.append(Span(base + person[0], base + person[1], "PERSON"))
    return Document(f"{doc.id}#noise", new_text, sorted(spans, key=lambda s: s.start), None)

def noisy(docs: Sequence[Document], rate: float, seed: int) -> list[Document]:
    """Each document replaced by a noisy copy with probability ``rate`` (seeded, so runs repeat)."""
    rng = random.Random(seed)
    return [add_noise(d, rng) if rng.random() < rate else d for d in docs]


def main(argv: list[str] | None = None) -> int:
    from vnner.formats import read_documents, write_documents

    parser = argparse.ArgumentParser(prog="python -m training.corpus.noise", description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="annotated file, any format vnner.formats reads")
    parser.add_argument("--out", required=True, help="inline JSONL (or any format by its extension)")
    parser.add_argument("--rate", type=float, default=1.0, help="share of documents that get noise")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", default="../shared/corpora/vietnews", help="VietNews source for stand-off files")
    args = parser.parse_args(argv)
    docs = noisy(read_documents(args.input, corpus=args.corpus), args.rate, args.seed)
    write_documents(args.out, docs)
    print(f"wrote {len(docs)} documents ({sum(d.id.endswith('#noise') for d in docs)} with noise) to {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
