"""``vnner predict``: entities from text, files, JSONL or stdin, as JSON, JSONL or CoNLL.

    vnner predict "Đồng chí Thái Thanh Quý, Bí thư Tỉnh ủy Nghệ An"
    vnner predict article1.txt article2.txt --format jsonl
    vnner predict --jsonl articles.jsonl --model runs/compact
    cat article.txt | vnner predict -

Exit status: 0 on success, 1 when the model cannot be loaded or run, 2 on bad
usage or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from vnner.decode import Entity


class InputError(Exception):
    """Input the user must fix (exit status 2)."""


def _read_jsonl(path: str) -> list[tuple[str, str]]:
    docs = []
    fh = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(f"{path}:{lineno}: expected an object with a string 'text'")
            docs.append((str(record.get("id", lineno)), record["text"]))
    return docs


def _looks_like_path(item: str) -> bool:
    """A missing file name is an error, but a sentence (it has spaces) is always text."""
    return not any(ch.isspace() for ch in item) and (
        Path(item).suffix in (".txt", ".jsonl", ".json", ".md") or "/" in item.strip("/"))


def read_documents(args: argparse.Namespace) -> list[tuple[str, str]]:
    """``(id, text)`` pairs: a literal text, files, stdin, or JSONL records."""
    if args.jsonl:
        return _read_jsonl(args.jsonl)
    if not args.inputs:
        raise InputError("nothing to read: give a text, FILE..., '-' for stdin, or --jsonl FILE")
    docs = []
    for item in args.inputs:
        if item == "-":
            docs.append(("<stdin>", sys.stdin.read()))
        elif args.text:
            docs.append((f"text{len(docs) + 1}", item))
        elif Path(item).is_file():
            try:
                docs.append((item, Path(item).read_text(encoding="utf-8")))
            except UnicodeDecodeError as exc:
                raise InputError(f"{item}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        elif _looks_like_path(item):
            raise InputError(f"{item}: no such file (use --text to treat it as text)")
        else:
            docs.append((f"text{len(docs) + 1}", item))
    return docs


def _conll(doc_id: str, text: str, entities: list[Entity]) -> str:
    """Syllable-level IOB2 lines, one sentence a block, in the caller's text."""
    from vnner.inputs import syllable_tags

    sentences, _ = syllable_tags(text, [(e.start, e.end, e.label) for e in entities])
    lines = [f"# id = {doc_id}"]
    for rows in sentences:
        lines.extend(f"{text[s:e]}\t{tag}" for s, e, tag in rows)
        lines.append("")
    return "\n".join(lines)


def write_results(docs: list[tuple[str, str]], results: list[list[Entity]], fmt: str, out) -> None:
    records = [{"id": i, "entities": [asdict(e) for e in ents]} for (i, _), ents in zip(docs, results, strict=False)]
    if fmt == "json":
        payload = records[0]["entities"] if len(records) == 1 else records
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    else:
        for (doc_id, text), ents in zip(docs, results, strict=False):
            out.write(_conll(doc_id, text, ents) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vnner", description="Named entities in Vietnamese government news.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("predict", help="tag text, files or JSONL", description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="*", help="a text, one or more files (one document each), or '-' for stdin")
    p.add_argument("--jsonl", metavar="FILE", help="read documents as JSONL lines {'id', 'text'} ('-' for stdin)")
    p.add_argument("--text", action="store_true", help="treat every argument as text, never as a file name")
    p.add_argument("--model", default=None, help="checkpoint directory or Hub id (default: the embedded model)")
    p.add_argument("--format", choices=("json", "jsonl", "conll"), default="json")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: cuda if available)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on multi-document input")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        docs = read_documents(args)
    except (InputError, OSError) as exc:
        print(f"vnner: error: {exc}", file=sys.stderr)
        return 2
    from vnner import ModelError, load_model

    try:
        model = load_model(args.model, device=args.device)
        results = model.predict([t for _, t in docs], batch_size=args.batch_size,
                                progress=not args.no_progress)
    except (ModelError, FileNotFoundError, OSError, RuntimeError) as exc:
        print(f"vnner: error: {exc}", file=sys.stderr)
        return 1
    write_results(docs, results, args.format, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
