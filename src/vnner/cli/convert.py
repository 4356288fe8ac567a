"""``vnner convert IN OUT``: annotated documents from one format to another.

    vnner convert export.json train.jsonl                 # Label Studio export -> inline JSONL
    vnner convert data/annotations/dev.jsonl dev.conll    # stand-off (text rebuilt from the corpus) -> CoNLL
    vnner convert corpus.txt corpus.jsonl --from conll --to doccano

Formats are detected from the extension and content (``--from``/``--to`` name them):
jsonl, conll, wordtags, label-studio, doccano, standoff.  A bad input file fails with
every problem listed (file, line or task, and document); nothing is dropped.
"""

from __future__ import annotations

import argparse
import sys

from vnner.cli.common import InputError


def add_parser(sub) -> None:
    from vnner.formats import FORMATS

    p = sub.add_parser("convert", help="convert annotated documents between formats",
                       description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--from", dest="src_format", choices=FORMATS, help="input format (default: detected)")
    p.add_argument("--to", dest="dst_format", choices=FORMATS, help="output format (default: from the extension)")
    p.add_argument("--corpus", help="VietNews source for stand-off files (default: $VNNER_CORPUS or "
                                    "../shared/corpora/vietnews)")
    p.add_argument("--skip-unannotated", action="store_true",
                   help="Label Studio: skip tasks with no completed annotation instead of failing")


def run(args: argparse.Namespace) -> int:
    from vnner.formats import FormatError, read_documents, write_documents

    try:
        docs = read_documents(args.input, args.src_format, corpus=args.corpus,
                              skip_unannotated=args.skip_unannotated)
        fmt = write_documents(args.output, docs, args.dst_format)
    except (FormatError, FileNotFoundError) as exc:
        raise InputError(exc) from None
    n = sum(len(d.entities) for d in docs)
    links = sum(len(d.positions_held or []) for d in docs)
    print(f"wrote {len(docs)} documents, {n} entities" + (f", {links} positions held" if links else "")
          + f" to {args.output} ({fmt})", file=sys.stderr)
    return 0
