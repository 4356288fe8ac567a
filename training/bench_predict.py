"""Time ``predict`` on an article of N words, and peak memory on long articles.

    python -m training.bench_predict --model phobert-random --words 1000
    python -m training.bench_predict --model runs/compact --memory 0.1 0.3 1.0

``--model phobert-random`` builds a PhoBERT-base-size model (tokenizer and config from
``../shared/phobert-base``, random weights).  Articles are real news text: dev-split
articles (materialised from the corpus) concatenated until the size is reached.
Memory runs each size in a fresh process and reports its peak RSS, so bounded
memory shows as a flat line as the input grows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def news_text(n_words: int | None = None, n_bytes: int | None = None,
              corpus: str = "../shared/corpora/vietnews") -> str:
    from training.data import load_gold

    texts = [d.text for _, d in load_gold([ROOT / "data" / "annotations" / "dev.jsonl"], corpus)]
    out, words = [], 0
    while True:
        for t in texts:
            out.append(t)
            words += len(t.split())
            size = len("\n\n".join(out).encode("utf-8"))
            if (n_words and words >= n_words) or (n_bytes and size >= n_bytes):
                text = "\n\n".join(out)
                return " ".join(text.split(" ")[:n_words]) if n_words else text


def resolve_model(name: str) -> str:
    if name != "phobert-random":
        return name
    from training.evaluate import make_random_phobert

    target = Path(tempfile.gettempdir()) / "vnner-phobert-random"
    if not (target / "config.json").is_file():
        make_random_phobert(target)
    return str(target)


def time_article(model_path: str, n_words: int, repeat: int) -> dict:
    from vnner import load_model

    text = news_text(n_words=n_words)
    model = load_model(model_path, device="cpu")
    model.predict(text)  # warm-up: caches, lazy loads
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        model.predict(text)
        times.append(time.perf_counter() - t)
    return {"words": len(text.split()), "median_s": statistics.median(times), "min_s": min(times),
            "max_s": max(times), "runs": repeat}


def _memory_worker(model_path: str, megabytes: float) -> None:
    from training.evaluate import peak_rss_mb
    from vnner import load_model

    text = news_text(n_bytes=int(megabytes * 1_000_000))
    model = load_model(model_path, device="cpu")
    t = time.perf_counter()
    entities = model.predict(text)
    elapsed = time.perf_counter() - t
    rss = peak_rss_mb()
    print(json.dumps({"mb": megabytes, "chars": len(text), "words": len(text.split()), "entities": len(entities),
                      "seconds": elapsed, "peak_rss_mb": rss}))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--memory-worker"]:
        _memory_worker(argv[1], float(argv[2]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m training.bench_predict", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="checkpoint directory, or phobert-random")
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory", type=float, nargs="*", help="article sizes in MB to measure peak RSS for")
    args = parser.parse_args(argv)
    path = resolve_model(args.model)
    if args.memory:
        for mb in args.memory:
            out = subprocess.run([sys.executable, "-m", "training.bench_predict", "--memory-worker", path, str(mb)],
                                 check=True, capture_output=True, text=True, cwd=ROOT)
            print(out.stdout.strip().splitlines()[-1])
    else:
        print(json.dumps({"model": args.model, **time_article(path, args.words, args.repeat)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
