"""The ``vnner`` command: one verb per job.

    vnner predict TEXT|FILE...|-|--jsonl FILE    entities (json, jsonl, conll, label-studio, doccano, html)
    vnner positions TEXT|FILE...|--jsonl FILE    positions held: who holds which office (json, jsonl, csv)
    vnner evaluate --gold FILE [--model M ...]   strict span scores on your held-out file
    vnner convert IN OUT [--from F] [--to F]     annotated documents between formats

Exit status: 0 success, 1 a model could not be loaded or run, 2 bad usage or
unreadable input (the message names the file and line), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from vnner.cli import convert, evaluate, positions, predict
from vnner.cli.common import InputError, ModelLoadError, fail

VERBS = {"predict": predict, "positions": positions, "evaluate": evaluate, "convert": convert}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: one line, exit 2, before any model loads
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vnner", description="Named entities in Vietnamese government and Party news.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in VERBS.values():
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return VERBS[args.command].run(args)
    except InputError as exc:
        return fail(exc, 2)
    except ModelLoadError as exc:
        return fail(exc, 1)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
