"""Fuzz ``vnner.predict``: random and hostile inputs, every guarantee checked.

    python -m training.bench.fuzz -n 20000 --seed 0
    python -m training.bench.fuzz -n 200 --model runs/compact --show 5

Inputs come from a mix of generators (random Unicode without surrogates, combining-mark stacks,
emoji sequences, control and format characters, NFD Vietnamese, characters that NFC expands or
composes only in part, Hangul jamo, URL and punctuation runs, very long words, many distinct
words, and real-looking news sentences mixed with noise).  Each input is run

* inside a list, with the other inputs of its group (``--group`` texts, ``batch_size=32``);
* alone (``predict(text)``), timed, for a share of the inputs (``--alone``) and for every input
  that could be slow (``--long`` characters or more, URL and long-word inputs): the slowest is
  reported;
* for a smaller sample (``--sample``), alone again with ``batch_size`` 1 and 7.

Counted: crashes (any exception), overlaps (entities unsorted or overlapping), offset violations
(``text[e.start:e.end] != e.text``, empty, out of range or untrimmed spans, unknown labels, scores
outside [0, 1]), batch-dependence mismatches (entities or scores that differ between the runs
above; scores within ``--score-tolerance``) and slow inputs: alone, slower than ``--slow`` seconds
plus the normal time of their size (``--rate`` tokens per second, by default measured at the start
on 10 KB of ordinary news text; tokens are runs of word characters and single punctuation marks:
a 10 KB run of ``;`` is 10,000 words for the model).
``--jobs`` splits the groups of inputs over processes (the counts are the same; times are per
process, each process getting its share of the cores for ONNX Runtime, normal rate included).
The exit status is 1 if any count is non-zero, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
import traceback
import unicodedata
from collections import Counter
from pathlib import Path

# ---- generators ------------------------------------------------------------------------------

SENTENCES = [
    "Sáng 2/3, đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An "
    "dự lễ kết nạp 152 đảng viên mới tại Đảng bộ huyện Nam Đàn.",
    "Chiều 15/8, Thường trực HĐND tỉnh Hà Tĩnh tổ chức phiên họp thường kỳ tháng 8 dưới sự chủ trì của "
    "ông Hoàng Trung Dũng, Chủ tịch HĐND tỉnh; tổng vốn đầu tư gần 25 tỉ đồng.",
    "Thủ tướng Chính phủ Phạm Minh Chính vừa ký Quyết định số 1234/QĐ-TTg ngày 20/10/2023 phê duyệt đề án.",
    "Đồng chí Nguyễn Đức Trung, Bí thư Tỉnh ủy Nghệ An, phát biểu tại hội nghị sáng 5/1.",
    "UBND TP. Hồ Chí Minh đã trao 1.500 suất quà cho các hộ nghèo, trị giá 3 tỷ đồng.",
    "Theo Ban Tuyên giáo Trung ương, năm 2024 có hơn 200.000 đảng viên mới được kết nạp.",
    "Phó Chủ tịch Quốc hội Trần Thanh Mẫn làm việc với Ủy ban Kiểm tra Trung ương ngày 12-3.",
    "Ông Y Ngông Niê Kdăm, Phó Chủ tịch UBND tỉnh Đắk Lắk, cho biết tỉnh đã giải ngân 60,5% kế hoạch vốn.",
]
NAMES = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Hưng", "Phạm Thu Hà", "Võ Văn Thưởng", "Hoàng Trung Dũng"]
POSITIONS = ["Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh", "Phó Thủ tướng", "Ủy viên Bộ Chính trị", "Giám đốc Sở Y tế"]
PLACES = ["Nghệ An", "Hà Tĩnh", "Quảng Bình", "Thanh Hóa", "Đắk Lắk", "Hà Nội", "TP. Hồ Chí Minh"]

VIET = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
COMBINING = [chr(c) for c in list(range(0x0300, 0x0370)) + list(range(0x1AB0, 0x1ABF)) + list(range(0x20D0, 0x20F1))
             + list(range(0x0591, 0x05BE)) + list(range(0x0610, 0x061B)) + [0x093C, 0x0951, 0x0F71, 0x0F72, 0x0F74]]
CONTROLS = ([chr(c) for c in range(0, 32)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
            + ["\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\u2060", "\ufeff",
               "\u202e", "\u00a0", "\u3000", "\u1680", "\u180e", "\ufff9", "\ufffc", "\ufffd"])
EXPANDING = ["\u0958", "\u0959", "\u095a", "\u095b", "\u095c", "\u095d", "\u095e", "\u095f", "\u09dc", "\u0a33",
             "\u0b5c", "\ufb1d", "\ufb1f", "\ufb2a", "\ufb2e", "\ufb4e", "\u2adc", "\u0344", "\u0f73", "\u0f75",
             "\u0f81", "\u0340", "\u0341", "\u0343", "\u0374", "\u037e", "\u0387", "\u1f71", "\u212b", "\u2126",
             "\u1e9b\u0323", "a\u0301\u0323", "a\u0323\u0301\u0302\u0303", "e\u0302\u0301", "o\u031b\u0300",
             "\u0b47\u0b3e", "\u0b47\u0b57", "\u0dd9\u0dcf\u0dca", "\u1025\u102e", "\u0915\u093c"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇻🇳", "❤️", "🏳️‍🌈", "1️⃣", "🧑🏿‍🚀", "\U0001f9ff", "☺\ufe0e", "🫠"]
PUNCT = list(";:,.!?()[]{}<>\"'`«»“”‘’/\\|-_=+*&^%$#@~") + ["...", "--", "==>", "->", "…"]
PROTOCOLS = ["http://", "https://", "ftp://", "http:", "www.", "a.com/", "x.vn/", "http://a", "mailto:"]


MAX_LENGTH = 10_000  # the longest single run a generator makes (characters)
_TOKENS = re.compile(r"\w+|[^\w\s]")


def _random_char(rng: random.Random) -> str:
    while True:
        cp = rng.randrange(0x3000) if rng.random() < 0.6 else rng.randrange(0x110000)
        if not 0xD800 <= cp <= 0xDFFF:
            return chr(cp)


def gen_unicode(rng):
    return "".join(_random_char(rng) for _ in range(rng.randrange(1, 80)))


def gen_combining(rng):
    out = []
    for _ in range(rng.randrange(1, 12)):
        out.append(rng.choice(VIET + "AEIOUaeiou ") if rng.random() < 0.9 else "")
        out.extend(rng.choice(COMBINING) for _ in range(rng.randrange(0, 9)))
    return "".join(out)


def gen_emoji(rng):
    return " ".join(rng.choice(EMOJI + NAMES + ["và", "của"]) for _ in range(rng.randrange(1, 20)))


def gen_controls(rng):
    base = rng.choice(SENTENCES)
    return "".join(ch + (rng.choice(CONTROLS) if rng.random() < 0.15 else "") for ch in base)


def gen_nfd(rng):
    text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randrange(1, 3)))
    form = rng.choice(["NFD", "NFKD", "NFD", "mixed"])
    if form == "mixed":
        return " ".join(unicodedata.normalize("NFD", w) if rng.random() < 0.5 else w for w in text.split(" "))
    return unicodedata.normalize(form, text)


def gen_expanding(rng):
    name = rng.choice(NAMES)
    k = rng.randrange(len(name) + 1)
    name = name[:k] + "".join(rng.choice(EXPANDING) for _ in range(rng.randrange(1, 4))) + name[k:]
    return f"Đồng chí {name}, {rng.choice(POSITIONS)} {rng.choice(PLACES)} dự họp ngày 2/3."


def gen_hangul(rng):
    out = []
    for _ in range(rng.randrange(1, 30)):
        r = rng.random()
        if r < 0.5:
            out.append(chr(0x1100 + rng.randrange(19)) + chr(0x1161 + rng.randrange(21))
                       + (chr(0x11A8 + rng.randrange(27)) if rng.random() < 0.5 else ""))
        elif r < 0.7:
            out.append(rng.choice([chr(0x1161 + rng.randrange(21)), chr(0x11A8 + rng.randrange(27))]))
        elif r < 0.85:
            out.append(unicodedata.normalize("NFD", rng.choice(["한국", "대한민국", "서울", "김정은"])))
        else:
            out.append(rng.choice([" ", ", ", rng.choice(NAMES)]))
    return "".join(out)


def gen_url(rng):
    n = rng.choice([5, 20, 40, 200, 1000]) if rng.random() < 0.97 else 9000
    run = "".join(rng.choice(PUNCT + ["a", "1", "("]) for _ in range(n)) if rng.random() < 0.5 else \
        rng.choice([";", ".", ")", "((a)", "a.", "1.", "a.b-", "(", "x@", ":", "/"]) * n
    text = (rng.choice(PROTOCOLS) + run)[:MAX_LENGTH]
    return f"{rng.choice(SENTENCES)} {text} {rng.choice(NAMES)}" if rng.random() < 0.5 else text


def gen_long_word(rng):
    n = rng.choice([100, 500, 3000]) if rng.random() < 0.9 else 9000
    word = "".join(rng.choice(VIET + VIET.upper() + "0123456789") for _ in range(n)) if rng.random() < 0.5 \
        else rng.choice(["a", "Nghệ", "x1", "đ"]) * (n // 4)
    return f"Ông {rng.choice(NAMES)} {word[:MAX_LENGTH]} {rng.choice(POSITIONS)}."


def gen_many_words(rng):
    start = rng.randrange(10**6)
    n = rng.randrange(50, 400) if rng.random() < 0.9 else 1000
    return " ".join(f"x{i}{rng.choice(['.', '', ',', '_a'])}" for i in range(start, start + n))


def gen_tiny_sentences(rng):
    """Thousands of one-word sentences ("a. b. ..."): the most model tokens a 10 KB input can hold."""
    n = rng.choice([50, 500, 5000])
    return rng.choice(["", " ", "\n"]).join(rng.choice(["a.", "1.", "Ông.", "x;", "-"]) for _ in range(n))[:MAX_LENGTH]


def gen_news_noise(rng):
    parts = []
    for _ in range(rng.randrange(1, 8)):
        r = rng.random()
        if r < 0.5:
            parts.append(rng.choice(SENTENCES))
        elif r < 0.7:
            parts.append(f"{rng.choice(POSITIONS)} {rng.choice(PLACES)} {rng.choice(NAMES)}")
        else:
            parts.append(rng.choice([gen_unicode, gen_combining, gen_emoji, gen_expanding, gen_hangul])(rng)[:60])
    return rng.choice([" ", "\n", "\n\n", " \u200b", ""]).join(parts)


def gen_whitespace(rng):
    return "".join(rng.choice([" ", "\n", "\t", "\r\n", "\u00a0", "\u2028", "\u3000", "\u200b"])
                   for _ in range(rng.randrange(0, 20)))


GENERATORS = {
    "unicode": (gen_unicode, 12), "combining": (gen_combining, 10), "emoji": (gen_emoji, 6),
    "controls": (gen_controls, 8), "nfd": (gen_nfd, 10), "expanding": (gen_expanding, 12),
    "hangul": (gen_hangul, 6), "url": (gen_url, 8), "long_word": (gen_long_word, 2),
    "many_words": (gen_many_words, 2), "tiny_sentences": (gen_tiny_sentences, 1),
    "news_noise": (gen_news_noise, 22), "whitespace": (gen_whitespace, 2),
}


def generate(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` inputs as ``(generator name, text)``, the same for the same seed."""
    rng = random.Random(seed)
    names = list(GENERATORS)
    weights = [GENERATORS[k][1] for k in names]
    out = []
    for _ in range(n):
        kind = rng.choices(names, weights)[0]
        out.append((kind, GENERATORS[kind][0](rng)))
    return out


# ---- checks ----------------------------------------------------------------------------------

def violations(text: str, entities, labels: set[str]) -> tuple[list[str], list[str]]:
    """(offset problems, overlap problems) of one text's entities."""
    offsets, overlaps = [], []
    previous_end = 0
    for e in entities:
        if not (0 <= e.start < e.end <= len(text)):
            offsets.append(f"span [{e.start}:{e.end}] out of range or empty")
        elif text[e.start:e.end] != e.text:
            offsets.append(f"text[{e.start}:{e.end}] != {e.text!r}")
        elif e.text != e.text.strip():
            offsets.append(f"untrimmed entity {e.text!r}")
        if e.label not in labels:
            offsets.append(f"unknown label {e.label!r}")
        if not 0.0 <= e.score <= 1.0:
            offsets.append(f"score {e.score!r} outside [0, 1]")
        if e.start < previous_end:
            overlaps.append(f"[{e.start}:{e.end}] starts before the previous entity ends ({previous_end})")
        previous_end = max(previous_end, e.end)
    return offsets, overlaps


def same(a, b, tolerance: float) -> bool:
    return ([(e.start, e.end, e.label) for e in a] == [(e.start, e.end, e.label) for e in b]
            and all(abs(x.score - y.score) <= tolerance for x, y in zip(a, b)))


SLOW_GENERATORS = {"url", "long_word", "many_words", "tiny_sentences"}


def normal_rate(nm, characters: int = MAX_LENGTH) -> float:
    """Tokens per second of ``nm`` on ordinary news text of the given size (best of three runs), the
    yardstick for "slow": an input may take its own size at this rate plus ``--slow`` seconds."""
    rng = random.Random(0)
    parts: list[str] = []
    while sum(map(len, parts)) < characters:
        parts.append(rng.choice(SENTENCES))
    text = " ".join(parts)[:characters]
    nm.predict(text)  # warm-up: first-call costs are not the text's
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        nm.predict(text)
        best = min(best, time.perf_counter() - t0)
    return len(_TOKENS.findall(text)) / best


def fuzz(n: int, seed: int, *, model=None, group: int = 16, alone: float = 0.3, long: int = 2000,
         sample: float = 0.05, slow: float = 1.0, rate: float | None = None, tolerance: float = 1e-4, show: int = 3,
         part: tuple[int, int] = (0, 1), threads: int | None = None, log=sys.stderr) -> dict:
    from vnner import load_model

    nm = load_model(model, threads=threads)
    labels = {lab.split("-", 1)[1] for lab in nm.labels if lab != "O"}
    rate = rate or normal_rate(nm)
    inputs = generate(n, seed)
    rng = random.Random(seed + 1)
    counts: Counter = Counter()
    examples: dict[str, list] = {}
    slowest = slowest_excess = (0.0, "", "")

    def record(kind: str, gen: str, text: str, detail: str) -> None:
        counts[kind] += 1
        examples.setdefault(kind, [])
        if len(examples[kind]) < show:
            examples[kind].append({"generator": gen, "text": text[:300], "length": len(text), "detail": detail[:500]})

    started = time.perf_counter()
    mine, parts = part
    groups_run = 0
    for g in range(0, n, group):
        if (g // group) % parts != mine:
            continue
        batch = inputs[g:g + group]
        texts = [t for _, t in batch]
        try:
            grouped = nm.predict(texts, batch_size=32)
        except Exception:
            grouped = None  # found again input by input below
        for k, (gen, text) in enumerate(batch):
            in_list = grouped[k] if grouped is not None else None
            runs = {}
            if in_list is None or gen in SLOW_GENERATORS or len(text) >= long or rng.random() < alone:
                t0 = time.perf_counter()
                try:
                    reference = nm.predict(text)
                except Exception:
                    record("crashes", gen, text, traceback.format_exc(limit=3))
                    continue
                took = time.perf_counter() - t0
                counts["run_alone"] += 1
                if took > slowest[0]:
                    slowest = (took, gen, text)
                tokens = len(_TOKENS.findall(text))
                if took > slow + tokens / rate:
                    record("slow", gen, text, f"{took:.2f} s for {tokens} tokens")
                if took - tokens / rate > slowest_excess[0]:
                    slowest_excess = (took - tokens / rate, gen, text)
                runs[f"in a list of {len(texts)}"] = in_list
            else:
                reference = in_list
            off, ovl = violations(text, reference, labels)
            if off:
                record("offset_violations", gen, text, "; ".join(off))
            if ovl:
                record("overlaps", gen, text, "; ".join(ovl))
            if rng.random() < sample:
                for bs in (1, 7):
                    try:
                        runs[f"batch_size={bs}"] = nm.predict(text, batch_size=bs)
                    except Exception:
                        record("crashes", gen, text, traceback.format_exc(limit=3))
            for how, other in runs.items():
                if other is None:
                    record("crashes", gen, text, f"failed {how} only")
                elif not same(reference, other, tolerance):
                    record("batch_mismatches", gen, text, f"alone {reference!r} vs {how} {other!r}")
        done = min(n, g + group)
        groups_run += 1
        if log and groups_run % 50 == 0:
            print(f"fuzz: {done}/{n} inputs, {time.perf_counter() - started:.0f} s, "
                  f"problems so far {sum(counts[k] for k in PROBLEMS)}", file=log, flush=True)
    return {
        "inputs": n, "seed": seed, "model": nm.source,
        "crashes": counts["crashes"], "overlaps": counts["overlaps"],
        "offset_violations": counts["offset_violations"], "batch_mismatches": counts["batch_mismatches"],
        "slow": counts["slow"], "slow_rule": f"> {slow} s + tokens / {rate:.0f} per s",
        "run_alone": counts["run_alone"],
        "slowest_input_s": round(slowest[0], 3), "slowest_input_generator": slowest[1],
        "slowest_input_length": len(slowest[2]),
        "largest_excess_s": round(slowest_excess[0], 3), "largest_excess_generator": slowest_excess[1],
        "largest_excess_length": len(slowest_excess[2]), "wall_s": round(time.perf_counter() - started, 1),
        "characters": sum(len(t) for _, t in inputs),
        "generators": dict(Counter(g for g, _ in inputs)), "examples": examples,
    }


PROBLEMS = ("crashes", "overlaps", "offset_violations", "batch_mismatches", "slow")


def _fuzz_part(n: int, seed: int, kwargs: dict, part: tuple[int, int], verbose: bool) -> dict:
    threads = max(1, (os.cpu_count() or 1) // part[1])  # no process competes with another for a core
    return fuzz(n, seed, **kwargs, part=part, threads=threads, log=sys.stderr if verbose else None)


def merge(reports: list[dict]) -> dict:
    """One report from those of the processes that each ran a share of the groups."""
    out = dict(reports[0])
    for key in (*PROBLEMS, "run_alone"):
        out[key] = sum(r[key] for r in reports)
    for prefix, key in (("slowest_input", "slowest_input_s"), ("largest_excess", "largest_excess_s")):
        top = max(reports, key=lambda r: r[key])
        out.update({k: v for k, v in top.items() if k.startswith(prefix)})
    out["examples"] = {}
    for r in reports:
        for kind, found in r["examples"].items():
            out["examples"].setdefault(kind, []).extend(found)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, default=2000, help="number of inputs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", default=None, help="checkpoint (default: the embedded model)")
    p.add_argument("--group", type=int, default=16, help="texts per list call")
    p.add_argument("--alone", type=float, default=0.3, help="share of inputs also run alone (timed, compared)")
    p.add_argument("--long", type=int, default=2000, help="inputs this long (characters) are always run alone")
    p.add_argument("--sample", type=float, default=0.05, help="share of inputs also run with batch_size 1 and 7")
    p.add_argument("--slow", type=float, default=1.0, help="seconds beyond the normal time that count as slow")
    p.add_argument("--rate", type=float, default=None,
                   help="tokens per second taken as normal (default: measured on 10 KB of news text at the start)")
    p.add_argument("--jobs", type=int, default=1, help="processes (groups of inputs are split between them)")
    p.add_argument("--score-tolerance", type=float, default=1e-4)
    p.add_argument("--show", type=int, default=3, help="examples kept per problem")
    p.add_argument("--out", type=Path, help="write the report as JSON here")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    kwargs = dict(model=args.model, group=args.group, alone=args.alone, long=args.long, sample=args.sample,
                  slow=args.slow, rate=args.rate, tolerance=args.score_tolerance, show=args.show)
    started = time.perf_counter()
    if args.jobs <= 1:
        report = fuzz(args.n, args.seed, **kwargs, log=None if args.quiet else sys.stderr)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: forking a process that runs threads (onnxruntime's) can deadlock the child
        with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_fuzz_part, args.n, args.seed, kwargs, (i, args.jobs), not args.quiet and i == 0)
                       for i in range(args.jobs)]
            report = merge([f.result() for f in futures])
    report["wall_s"] = round(time.perf_counter() - started, 1)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    summary = {k: report[k] for k in ("inputs", *PROBLEMS, "run_alone", "slowest_input_s", "slowest_input_generator",
                                      "slowest_input_length", "largest_excess_s", "largest_excess_generator",
                                      "wall_s")}
    print(json.dumps(summary))
    if any(report[k] for k in PROBLEMS):
        print(json.dumps(report["examples"], ensure_ascii=False, indent=1)[:20000], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
