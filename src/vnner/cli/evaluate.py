"""``vnner evaluate --gold FILE``: strict character-span precision, recall and F1 on your held-out file.

    vnner evaluate --gold my-test.jsonl                          # the embedded default model
    vnner evaluate --gold test.conll --model runs/mine default    # several models, one table each
    vnner evaluate --gold export.json --json > scores.json

An entity counts only when its start, end and label all match a gold one; the
same-label partial-overlap F1 is shown beside it.  The gold file may be in any
format ``vnner convert`` reads.  The full benchmark (baselines, speed, memory)
is ``python -m training.evaluate``; both use ``vnner.evaluation``, so their
strict figures agree.
"""

from __future__ import annotations

import argparse
import json
import sys

from vnner.cli.common import InputError, add_model_options, load


def add_parser(sub) -> None:
    from vnner.formats import FORMATS

    p = sub.add_parser("evaluate", help="score models on an annotated file",
                       description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    p.add_argument("--gold", required=True, help="annotated file (any supported format)")
    p.add_argument("--format", choices=FORMATS, help="format of the gold file (default: detected)")
    p.add_argument("--corpus", help="VietNews source for stand-off files")
    add_model_options(p, many=True)
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--no-progress", action="store_true")


def run(args: argparse.Namespace) -> int:
    from vnner.evaluation import evaluate_model, table
    from vnner.formats import FormatError, read_documents

    try:
        docs = read_documents(args.gold, args.format, corpus=args.corpus)
    except (FormatError, FileNotFoundError) as exc:
        raise InputError(exc) from None
    if not docs:
        raise InputError(f"{args.gold}: no documents")
    reports = {}
    for name in args.models or ["default"]:
        model = load(name, args.device)
        reports[name] = evaluate_model(model, docs, batch_size=args.batch_size,
                                       progress=not args.no_progress and sys.stderr.isatty())
    if args.json:
        print(json.dumps({"gold": args.gold, "models": reports}, indent=2))
    else:
        for name, report in reports.items():
            print(f"## {name} on {args.gold} ({len(docs)} documents)\n\n{table(report)}\n")
    return 0
