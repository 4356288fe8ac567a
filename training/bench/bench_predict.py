"""Time ``predict`` on an article of N words, peak memory on long articles, and throughput at scale.

    python -m training.bench.bench_predict --model phobert-random --words 1000
    python -m training.bench.bench_predict --model runs/compact --memory 0.1 0.3 1.0
    python -m training.bench.bench_predict --model default --throughput 2000 --workers 1 2 --ray
    python -m training.bench.bench_predict --model default --short-docs 10000 100000
    python -m training.bench.bench_predict --model default --throughput 1200 --baseline-src ../old-checkout/src

``--throughput N`` tags N dev articles (repeated as needed) through ``vnner predict --jsonl`` with
each ``--workers`` count, and with ``--ray`` through Ray Data on a local instance
(:mod:`vnner.ray_data`, one actor per core): words/s over the whole run (start-up included) and
peak memory of all its processes together.  ``--short-docs`` streams that many one-sentence
documents through ``vnner predict --jsonl`` and reports peak memory, which must not grow with the
number of documents.

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

ROOT = Path(__file__).resolve().parents[2]


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
        return name  # "default" is the embedded model
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


def _write_docs(path: Path, texts: list[str]) -> int:
    with path.open("w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n")
    return sum(len(t.split()) for t in texts)


def _run_measured(cmd: list[str], env: dict | None = None, cwd: str | Path = ROOT) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, summed over the process and its children, sampled)."""
    import psutil

    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a full pipe would stall the child
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        root, peak = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            try:
                procs = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            time.sleep(0.05)
        seconds = time.perf_counter() - t
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"{cmd} failed: {err.read().decode()[-2000:]}")
    return seconds, peak / 2**20


# Run with PYTHONPATH at another checkout's src/: that version's library tags the documents (in
# groups of 64, predict(..., batch_size=32)), so an older release is timed in the same run as this one.
_BASELINE = """
import json, sys, vnner
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
for i in range(0, len(texts), 64):
    vnner.predict(texts[i:i + 64], batch_size=32)
"""


def throughput(model: str, n_docs: int, workers: list[int], ray: bool, baseline_src: str | None = None) -> list[dict]:
    from training.data import load_gold

    texts = [d.text for _, d in load_gold([ROOT / "data" / "annotations" / "dev.jsonl"],
                                          "../shared/corpora/vietnews")]
    texts = (texts * (n_docs // len(texts) + 1))[:n_docs]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs.jsonl"
        words = _write_docs(docs, texts)
        if baseline_src:
            import os

            src = str(Path(baseline_src).resolve())
            seconds, rss = _run_measured([sys.executable, "-c", _BASELINE, str(docs)],
                                         env={**os.environ, "PYTHONPATH": src}, cwd=src)
            rows.append({"system": f"vnner.predict of {baseline_src} (default model, one process)", "docs": n_docs,
                         "words": words, "seconds": round(seconds, 1), "words_per_s": round(words / seconds),
                         "peak_rss_mb": round(rss)})
        for w in workers:
            cmd = [sys.executable, "-m", "vnner.cli", "predict", "--jsonl", str(docs), "--format", "jsonl",
                   "--no-progress", "--workers", str(w)] + ([] if model == "default" else ["--model", model])
            seconds, rss = _run_measured(cmd)
            rows.append({"system": f"vnner predict --workers {w}", "docs": n_docs, "words": words,
                         "seconds": round(seconds, 1), "words_per_s": round(words / seconds),
                         "peak_rss_mb": round(rss)})
        if ray:
            seconds, rss = _run_measured([sys.executable, "-m", "training.bench.bench_predict", "--ray-worker", model,
                                          str(docs)])
            rows.append({"system": "Ray Data, local, 2 actors", "docs": n_docs, "words": words,
                         "seconds": round(seconds, 1), "words_per_s": round(words / seconds),
                         "peak_rss_mb": round(rss)})
    return rows


def _ray_worker(model: str, docs: str) -> None:
    import os

    import ray

    from vnner.ray_data import RayTagger

    cores = os.cpu_count() or 1
    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False, configure_logging=False)
    # Read first: actors holding every CPU would leave none for the read tasks (they would wait forever).
    ds = ray.data.read_json(docs).materialize()
    ds = ds.map_batches(RayTagger, fn_constructor_kwargs={"model": None if model == "default" else model,
                                                          "threads": 1},
                        concurrency=cores, num_cpus=1, batch_size=32, batch_format="pandas")
    n = sum(1 for _ in ds.iter_rows())
    ray.shutdown()
    print(n)


def short_docs_memory(model: str, counts: list[int]) -> list[dict]:
    sentence = ("Sáng {i}/3, đồng chí Nguyễn Văn An, Bí thư Tỉnh ủy Nghệ An, dự lễ kết nạp {i} đảng viên mới "
                "tại xã {i}.")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in counts:
            docs = Path(tmp) / f"short-{n}.jsonl"
            _write_docs(docs, [sentence.format(i=i) for i in range(n)])
            cmd = [sys.executable, "-m", "vnner.cli", "predict", "--jsonl", str(docs), "--format", "jsonl",
                   "--no-progress"] + ([] if model == "default" else ["--model", model])
            seconds, rss = _run_measured(cmd)
            rows.append({"docs": n, "seconds": round(seconds, 1), "peak_rss_mb": round(rss)})
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--memory-worker"]:
        _memory_worker(argv[1], float(argv[2]))
        return 0
    if argv[:1] == ["--ray-worker"]:
        _ray_worker(argv[1], argv[2])
        return 0
    parser = argparse.ArgumentParser(prog="python -m training.bench.bench_predict",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="checkpoint directory, or phobert-random")
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory", type=float, nargs="*", help="article sizes in MB to measure peak RSS for")
    parser.add_argument("--throughput", type=int, metavar="N", help="tag N articles end to end (see above)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="--workers values for --throughput")
    parser.add_argument("--ray", action="store_true", help="also time Ray Data on a local instance")
    parser.add_argument("--baseline-src", help="with --throughput: also time the library of another checkout "
                        "(its src/ folder, e.g. a git worktree of an older release) on the same documents")
    parser.add_argument("--short-docs", type=int, nargs="*", help="peak RSS of predict --jsonl on that many short docs")
    args = parser.parse_args(argv)
    path = resolve_model(args.model)
    if args.throughput:
        for row in throughput(path, args.throughput, args.workers, args.ray, args.baseline_src):
            print(json.dumps(row, ensure_ascii=False))
    elif args.short_docs:
        for row in short_docs_memory(path, args.short_docs):
            print(json.dumps(row))
    elif args.memory:
        for mb in args.memory:
            cmd = [sys.executable, "-m", "training.bench.bench_predict", "--memory-worker", path, str(mb)]
            out = subprocess.run(cmd,
                                 check=True, capture_output=True, text=True, cwd=ROOT)
            print(out.stdout.strip().splitlines()[-1])
    else:
        print(json.dumps({"model": args.model, **time_article(path, args.words, args.repeat)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
