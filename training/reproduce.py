"""Rebuild the embedded default model from the corpus and the gold data, step by step.

    python -m training.reproduce            # every step whose output is missing
    python -m training.reproduce --dry-run  # print the commands only
    python -m training.reproduce --from silver

Steps (each the documented command of its script; see configs/student-soft.yaml):
tokenizer → e5 (offline rebuild of multilingual-e5-small, pruned) → teacher (fine-tuned on gold train)
→ silver (teacher labels domain articles, gold excluded) → student-init (teacher's bottom layers,
word-level vocabulary) → student (silver + gold) → package (ONNX int8 export into src/vnner/default_model).
A step runs when its output is missing, or when an earlier step ran or ``--from`` names it.
Wall time per step is printed at the end: these are the figures the model card reports.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from pathlib import Path

PY = [sys.executable, "-m"]
GOLD = ["data/annotations/train.jsonl", "data/annotations/dev.jsonl", "data/annotations/test.jsonl"]

STEPS: list[tuple[str, list[str], str]] = [
    ("tokenizer", ["training.modeling.build_tokenizer", "--max-docs", "6000", "--out", "runs/tokenizer",
                   "--exclude", *GOLD],
     "runs/tokenizer/tokenizer.json"),
    ("e5", ["training.convert_e5", "--out", "runs/e5-small-vi", "--prune", "../shared/corpora/vietnews"],
     "runs/e5-small-vi/model.safetensors"),
    ("teacher", ["training.train", "--config", "configs/e5-teacher.yaml"], "runs/e5-teacher/model.safetensors"),
    ("silver", ["training.corpus.silver", "-n", "1600", "--tagger", "runs/e5-teacher", "--soft",
                "--out", "runs/silver-e5/silver.jsonl"],
     "runs/silver-e5/silver.jsonl"),
    ("student-init", ["training.modeling.init_student", "--teacher", "runs/e5-small-vi",
                      "--tokenizer", "runs/tokenizer", "--out", "runs/student-init"],
     "runs/student-init/model.safetensors"),
    ("student", ["training.train", "--config", "configs/student-soft.yaml"], "runs/student-soft/model.safetensors"),
    ("package", ["training.modeling.package_model", "runs/student-soft", "--out", "src/vnner/default_model"],
     "src/vnner/default_model/model.onnx"),
]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="start", choices=[s[0] for s in STEPS], help="rerun this step and all after it")
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args(argv)
    rerun, timings = False, []
    for name, cmd, output in STEPS:
        rerun = rerun or name == args.start or not Path(output).exists()
        line = shlex.join(["python", "-m", *cmd])
        if not rerun:
            print(f"[{name}] up to date ({output})", file=sys.stderr)
            continue
        print(f"[{name}] {line}", file=sys.stderr)
        if args.dry_run:
            continue
        t0 = time.perf_counter()
        if subprocess.run([*PY, *cmd]).returncode != 0:
            print(f"error: step {name} failed: {line}", file=sys.stderr)
            return 1
        timings.append((name, time.perf_counter() - t0))
    for name, seconds in timings:
        print(f"{name:>13}: {seconds / 60:6.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
