"""The held-out benchmark: accuracy, speed and baselines in one run.

    python -m training.evaluate --models default runs/mine --gold my-test.conll --train my-train.conll
    python -m training.evaluate --models default --split dev --out runs/bench-dev   # the project's own files
    python -m training.evaluate --models runs/a --split test --baselines underthesea phobert-speed

Accuracy is strict and computed on character spans (an entity is correct only
if start, end and label match), so it does not depend on any model's
segmenter or tokenizer; seqeval's strict IOB2 figures over syllables are
printed beside it.  Speed is end to end from raw text, each system in a fresh
process: cold start (imports, loading and a first prediction on a short sentence),
warm words/s and documents/s, p50/p95 latency per article, peak RSS, size on disk.
For vnner systems on gold files that carry positions held, the relation P/R/F1
(``vnner.evaluation.positions_scores``).  "Words" are whitespace-separated
tokens of the raw text.

Baselines: a CRF trained on the train file (``vnner/crf.py``; only when one is given:
``--train``, or ``--split`` which names the project's train split);
underthesea's ``ner`` (PER -> PERSON, ORG -> ORGANIZATION, its other labels
dropped, so POSITION, DATE and QUANTITY score as missed); and, for speed only,
a PhoBERT-base-size model (``../shared/phobert-base`` tokenizer and config,
random weights) through vnner's pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data" / "annotations"


# ---- workers: one fresh process per system -------------------------------------------------

def _worker(system: str, path: str, docs_file: str, out_file: str, warmup: int) -> None:
    t0 = time.perf_counter()
    if system == "vnner":
        from vnner import load_model

        model = load_model(path, device="cpu")  # "default" is the embedded model

        def run(text):
            return [(e.start, e.end, e.label) for e in model.predict(text)]
    elif system == "crf":
        from vnner.crf import CrfTagger

        run = CrfTagger(path).predict_spans
    elif system == "underthesea":
        run = underthesea_spans
    else:
        raise SystemExit(f"unknown system {system}")
    run("Khởi động.")  # lazy loads (segmenter, models) count: cold start = imports until a first result
    cold = time.perf_counter() - t0
    docs = [json.loads(line) for line in Path(docs_file).read_text(encoding="utf-8").splitlines()]
    for doc in docs[:warmup]:
        run(doc["text"])
    preds, latencies = [], []
    for doc in docs:
        t = time.perf_counter()
        preds.append(run(doc["text"]))
        latencies.append(time.perf_counter() - t)
    rss_mb = peak_rss_mb()
    Path(out_file).write_text(json.dumps({"predictions": preds, "latencies": latencies, "cold_start_s": cold,
                                          "peak_rss_mb": rss_mb}))


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    /proc's VmHWM belongs to the process image; ``ru_maxrss`` would also count the
    parent's peak, since Linux keeps it across fork and exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def underthesea_spans(text: str) -> list[tuple[int, int, str]]:
    """underthesea's ``ner`` with its words aligned back to ``text`` (it rewrites tone marks)."""
    from underthesea import ner

    from vnner.pipeline.decode import bio_spans
    from vnner.pipeline.segment import sentence_spans
    from vnner.pipeline.text import normalize

    mapping = {"PER": "PERSON", "ORG": "ORGANIZATION"}
    view = normalize(text)
    spans = []
    for s_start, s_end in sentence_spans(view.text):
        rows = ner(view.text[s_start:s_end])
        cursor, offsets, tags = s_start, [], []
        for word, *_, tag in rows:
            key = normalize(word).text
            found = view.text.find(key, cursor, s_end)
            if found < 0:
                continue  # a word underthesea rewrote beyond recognition: its tag is lost
            offsets.append((found, found + len(key)))
            prefix, _, label = tag.partition("-")
            tags.append(f"{prefix}-{mapping[label]}" if label in mapping else "O")
            cursor = found + len(key)
        for a, b, label in bio_spans(tags):
            spans.append((*view.to_original(offsets[a][0], offsets[b - 1][1]), label))
    return spans


def run_system(system: str, path: str, docs_file: Path, warmup: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "training.evaluate", "--worker", system, path, str(docs_file), out, str(warmup)]
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    result = json.loads(Path(out).read_text())
    os.unlink(out)
    return result


# ---- scoring and reporting ------------------------------------------------------------------

def seqeval_scores(docs: list[dict], predictions: list[list]) -> dict:
    import evaluate

    from vnner.pipeline.inputs import syllable_spans, tag_syllables

    refs, hyps = [], []
    for doc, pred in zip(docs, predictions):
        syllables = syllable_spans(doc["text"])  # segment once, tag gold and prediction
        gold, _ = tag_syllables(syllables, [(e["start"], e["end"], e["label"]) for e in doc["entities"]])
        hyp, _ = tag_syllables(syllables, [tuple(p) for p in pred])
        refs += [[t for *_, t in sent] for sent in gold]
        hyps += [[t for *_, t in sent] for sent in hyp]
    from training.train import METRIC_DIR

    metric = evaluate.load(str(METRIC_DIR))
    return metric.compute(predictions=hyps, references=refs)


def speed(result: dict, docs: list[dict]) -> dict:
    import numpy as np

    lat = np.array(result["latencies"])
    words = sum(len(d["text"].split()) for d in docs)
    return {"words_per_s": words / lat.sum(), "docs_per_s": len(docs) / lat.sum(),
            "p50_latency_ms": float(np.percentile(lat, 50) * 1000),
            "p95_latency_ms": float(np.percentile(lat, 95) * 1000),
            "cold_start_s": result["cold_start_s"], "peak_rss_mb": result["peak_rss_mb"]}


def dir_size_mb(path: str | Path) -> float:
    p = Path(path)
    files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file() and "checkpoints" not in f.parts]
    return sum(f.stat().st_size for f in files) / 2**20


def markdown(report: dict) -> str:
    labels = report["labels"]
    lines = [f"# Benchmark: {report['gold']} ({report['documents']} articles, {report['words']} words)", "",
             "Strict character-span F1 per label (precision / recall in the JSON); seqeval strict IOB2 micro F1 "
             "beside it. Speed end to end from raw text on this machine, one article per call.", "",
             "| system | " + " | ".join(labels) + " | micro F1 | partial F1 | seqeval F1 | words/s | docs/s | p50 ms "
             "| p95 ms | cold start s | peak RSS MB | size MB |",
             "|---" * (len(labels) + 11) + "|"]
    for name, row in report["systems"].items():
        acc = row.get("char_spans")
        cells = [f"{acc[lab]['f1']:.3f}" for lab in labels] + [
            f"{acc['micro']['f1']:.3f}", f"{row['partial']['micro']['f1']:.3f}",
            f"{row['seqeval']['overall_f1']:.3f}"] if acc else ["–"] * (len(labels) + 3)
        sp = row["speed"]
        cells += [f"{sp['words_per_s']:.0f}", f"{sp['docs_per_s']:.2f}", f"{sp['p50_latency_ms']:.0f}",
                  f"{sp['p95_latency_ms']:.0f}", f"{sp['cold_start_s']:.2f}", f"{sp['peak_rss_mb']:.0f}",
                  f"{row['size_mb']:.1f}" if row.get("size_mb") is not None else "–"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    failing = {name: row for name, row in report["systems"].items() if row.get("errors")}
    if failing:
        from vnner.scoring import ERROR_CLASSES

        lines += ["", "Where each system fails: recall on segmentation-bound entities (an edge inside a word of "
                  "vnner's segmenter) and the error classes over all labels (per label in the JSON)", "",
                  "| system | seg-bound recall | " + " | ".join(k.replace("_", " ") for k in ERROR_CLASSES) + " |",
                  "|---" * (len(ERROR_CLASSES) + 2) + "|"]
        for name, row in failing.items():
            sb = row["segmentation_bound"]
            lines.append(f"| {name} | {sb['recall']:.3f} ({sb['found']}/{sb['support']}) | "
                         + " | ".join(str(row["errors"]["all"][k]) for k in ERROR_CLASSES) + " |")
    held = {name: row["positions_held"] for name, row in report["systems"].items() if row.get("positions_held")}
    if held:
        lines += ["", "Positions held (distinct person-position-organisation triples, on the articles carrying them): "
                  "F1 linking from gold entities / end to end from the model's entities", "",
                  "| system | articles | gold entities P / R / F1 | end to end P / R / F1 |", "|---|---|---|---|"]
        for name, ph in held.items():
            g, e = ph["gold_entities"], ph["end_to_end"]
            lines.append(f"| {name} | {ph['documents']} | {g['precision']:.3f} / {g['recall']:.3f} / {g['f1']:.3f} "
                         f"| {e['precision']:.3f} / {e['recall']:.3f} / {e['f1']:.3f} |")
    ref = report.get("phobert_base_speed_ratio")
    if ref:
        lines += ["", "Throughput relative to the PhoBERT-base-size model (random weights, same pipeline): "
                  + ", ".join(f"{k} ×{v:.1f}" for k, v in ref.items())]
    return "\n".join(lines) + "\n"


def make_random_phobert(out: Path, labels: list[str]) -> Path:
    import torch
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    from training.train import bio_labels

    TAGS = bio_labels(labels)  # noqa: N806

    shared = ROOT.parent / "shared" / "phobert-base"
    config = AutoConfig.from_pretrained(shared, id2label=dict(enumerate(TAGS)),
                                        label2id={t: i for i, t in enumerate(TAGS)})
    torch.manual_seed(0)
    AutoModelForTokenClassification.from_config(config).save_pretrained(out)
    AutoTokenizer.from_pretrained(shared).save_pretrained(out)
    return out


def benchmark(models: list[str], gold: str | Path, *, train: str | Path | None = None,
              baselines: list[str] = (), corpus: str | None = None, fmt: str | None = None,
              out_dir: Path | None = None, max_docs: int | None = None, warmup: int = 2,
              speed_docs: int | None = None) -> dict:
    """Score and time ``models`` (directories, Hub ids or ``default``) and the baselines on ``gold``.

    The CRF baseline runs only with a ``train`` file.  Only the report (JSON and Markdown) is
    written, and only when ``out_dir`` is given; everything else lives in a temporary folder.
    """
    from training.corpus.dataset import read_split
    from vnner.crf import train_crf
    from vnner.evaluation import positions_scores, score
    from vnner.formats import labels_of

    docs_obj = read_split(gold, corpus, fmt)[:max_docs]
    labels = labels_of(docs_obj)
    docs = [{"id": d.id, "text": d.text, "entities": [{"start": s.start, "end": s.end, "label": s.label}
                                                     for s in d.entities]} for d in docs_obj]
    report = {"gold": str(gold), "documents": len(docs), "words": sum(len(d["text"].split()) for d in docs),
              "labels": labels, "systems": {}}
    with tempfile.TemporaryDirectory(prefix="vnner-bench-") as scratch:
        work = Path(scratch)
        docs_file = work / "docs.jsonl"
        docs_file.write_text("".join(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n"
                                     for d in docs), encoding="utf-8")
        systems: list[tuple[str, str, str, bool]] = [
            ("default" if m == "default" else Path(m).name, "vnner", m, True) for m in models]
        if train is not None:
            t = time.perf_counter()
            train_docs = [{"text": d.text, "entities": [{"start": s.start, "end": s.end, "label": s.label}
                                                        for s in d.entities]}
                          for d in read_split(train, corpus, fmt)]
            crf_path = train_crf(train_docs, work / "crf.crfsuite")
            print(f"[bench] CRF trained in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            systems.append(("crf", "crf", str(crf_path), True))
        if "underthesea" in baselines:
            systems.append(("underthesea-ner", "underthesea", "-", True))
        if "phobert-speed" in baselines:
            systems.append(("phobert-base-size (random, speed only)", "vnner",
                            str(make_random_phobert(work / "phobert-base-random", labels)), False))
        for name, kind, path, scored in systems:
            print(f"[bench] {name} ...", file=sys.stderr)
            run_docs = docs if scored or not speed_docs else docs[:speed_docs]
            file = docs_file
            if run_docs is not docs:
                file = work / "speed-docs.jsonl"
                file.write_text("".join(json.dumps({"text": d["text"]}, ensure_ascii=False) + "\n" for d in run_docs))
            result = run_system(kind, path, file, warmup)
            size = dir_size_mb(_model_dir(path)) if path != "-" else None
            row = {"speed": speed(result, run_docs), "size_mb": size}
            if scored:
                preds = [[tuple(p) for p in doc] for doc in result["predictions"]]
                scores = score(docs_obj, preds, labels)
                row["char_spans"], row["partial"] = scores["strict"], scores["partial"]
                row["errors"], row["segmentation_bound"] = scores["errors"], scores["segmentation_bound"]
                row["seqeval"] = seqeval_scores(docs, preds)
                if kind == "vnner":
                    positions = positions_scores(docs_obj, preds)
                    if positions is not None:
                        row["positions_held"] = positions
            report["systems"][name] = row
    ref = next((r for n, r in report["systems"].items() if n.startswith("phobert-base-size")), None)
    if ref:
        report["phobert_base_speed_ratio"] = {n: r["speed"]["words_per_s"] / ref["speed"]["words_per_s"]
                                              for n, r in report["systems"].items() if r is not ref}
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = Path(gold).name.split(".")[0]
        (out_dir / f"benchmark-{stem}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
        (out_dir / f"benchmark-{stem}.md").write_text(markdown(report), encoding="utf-8")
    return report


def _model_dir(path: str) -> str:
    """Where a model's files are, for its size ('default' is the embedded one)."""
    if path == "default":
        from vnner.model import DEFAULT_MODEL_DIR

        return str(DEFAULT_MODEL_DIR)
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        _worker(argv[1], argv[2], argv[3], argv[4], int(argv[5]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="*", action="extend", default=[],
                        help="checkpoint directories or Hub ids; 'default' is the embedded model")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--gold", help="held-out annotated file, any format vnner.formats reads")
    where.add_argument("--split", choices=("dev", "test"),
                       help="the project's own split (data/annotations/SPLIT.jsonl, CRF trained on its train.jsonl)")
    parser.add_argument("--train", help="annotated file to train the CRF baseline on (no CRF without it)")
    parser.add_argument("--format", help="format of --gold and --train (default: detected)")
    parser.add_argument("--baselines", nargs="*", default=["underthesea"], choices=("underthesea", "phobert-speed"))
    parser.add_argument("--corpus", default=None, help="VietNews source for stand-off files")
    parser.add_argument("--out", default=None, help="folder for the JSON and Markdown report (default: print only)")
    parser.add_argument("--max-docs", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--speed-docs", type=int, default=None,
                        help="articles for speed-only systems (PhoBERT-base is slow on CPU)")
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args(argv)
    gold, train = args.gold, args.train
    if args.split:
        gold, train = DATA_DIR / f"{args.split}.jsonl", train or DATA_DIR / "train.jsonl"
    for path in (gold, train):
        if path is not None and not Path(path).is_file():
            parser.error(f"{path}: no such file")
    report = benchmark(args.models, gold, train=train, baselines=args.baselines, corpus=args.corpus,
                       fmt=args.format, out_dir=Path(args.out) if args.out else None, max_docs=args.max_docs,
                       warmup=args.warmup, speed_docs=args.speed_docs)
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
