"""``vnner positions``: who holds which office, from texts, files, folders, stdin or JSONL.

    vnner positions "Ông Thái Thanh Quý, Bí thư Tỉnh ủy Nghệ An, phát biểu."
    vnner positions article1.txt article2.txt --format csv > positions.csv
    vnner positions --jsonl articles.jsonl --format jsonl

Inputs are read exactly as ``vnner predict`` reads them (same options).  Each document is
tagged by the model once, then its entities are linked (:func:`vnner.positions.link_positions`).

Output shapes: ``json`` a list of ``{"id", "positions_held": [...]}``; ``jsonl`` one such object
per line; ``csv`` one row per record with the columns ``id, person, position, organization,
former, person_start, person_end, position_start, position_end, organization_start,
organization_end`` (offsets index the document's text; empty organization when none).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys

from vnner.cli import predict as _predict
from vnner.cli.common import write_text

FORMATS = ("json", "jsonl", "csv")
CSV_COLUMNS = ("id", "person", "position", "organization", "former", "person_start", "person_end",
               "position_start", "position_end", "organization_start", "organization_end")


def add_parser(sub) -> None:
    p = sub.add_parser("positions", help="who holds which office (positions held) in texts or files",
                       description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    _predict.add_input_options(p, FORMATS)


def record(r) -> dict:
    """A :class:`vnner.positions.PositionHeld` as JSON: each mention with its text and offsets."""
    def mention(e):
        return None if e is None else {"text": e.text, "start": e.start, "end": e.end}

    return {"person": mention(r.person), "position": mention(r.position),
            "organization": mention(r.organization), "former": r.former}


def csv_row(doc_id: str, r) -> list:
    org = r.organization
    return [doc_id, r.person.text, r.position.text, org.text if org else "", "true" if r.former else "false",
            r.person.start, r.person.end, r.position.start, r.position.end,
            org.start if org else "", org.end if org else ""]


class Writer:
    def __init__(self, fmt: str, out) -> None:
        self.fmt, self.out, self.count = fmt, out, 0

    def write(self, doc_id: str, text: str, entities) -> None:
        from vnner.positions import link_positions

        records = link_positions(text, entities)
        if self.fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            if self.count == 0:
                w.writerow(CSV_COLUMNS)
            for r in records:
                w.writerow(csv_row(doc_id, r))
            write_text(self.out, buf.getvalue())
        else:
            obj = {"id": doc_id, "positions_held": [record(r) for r in records]}
            if self.fmt == "jsonl":
                write_text(self.out, _predict._dumps(obj) + "\n")
            else:
                write_text(self.out, ("[\n" if self.count == 0 else ",\n") + _predict._dumps(obj, indent=2))
        self.count += 1
        self.out.flush()

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("[\n]\n" if self.count == 0 else "\n]\n")
        elif self.fmt == "csv" and self.count == 0:
            self.out.write(",".join(CSV_COLUMNS) + "\n")
        self.out.flush()


def run(args: argparse.Namespace) -> int:
    plan = _predict.plan_inputs(args)  # usage errors before the model loads
    return _predict.stream(plan, args, Writer(args.format, sys.stdout))
