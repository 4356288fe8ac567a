"""``vnner predict``: entities from texts, files, folders, stdin or JSONL, streamed as they are done.

    vnner predict "Đồng chí Thái Thanh Quý, Bí thư Tỉnh ủy Nghệ An"
    vnner predict article1.txt article2.txt --format jsonl
    vnner predict -r articles/ --format label-studio > tasks.json     # pre-annotation for review
    vnner predict --jsonl articles.jsonl --skip-bad
    cat article.txt | vnner predict -

Inputs: an argument is text when it contains whitespace (or with ``--text``); otherwise it
must be an existing file, a folder (its ``*.txt``; ``-r`` recursively) or ``-`` for stdin.
Files are read exactly as ``open(path, encoding=ENC, newline="").read()`` gives them: line
endings kept, a UTF-8 byte-order mark kept as U+FEFF, so offsets index that string.
Binary files are refused.  Results are written document by document in input order;
an interrupted run (Ctrl-C, a closed pipe) leaves every finished document written.

Output shapes (one per format, whatever the number of inputs):
``json`` a list of ``{"id", "entities": [...]}``; ``jsonl`` one such object per line;
``conll`` syllable-level IOB2; ``label-studio`` tasks with the entities as predictions;
``doccano`` JSONL with ``label``; ``html`` one self-contained page (entities highlighted, positions
held beside each text) written at the end.  (Before 0.2, ``json`` printed a bare entity list for
a single input: read ``result[0]["entities"]`` instead.)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from vnner.cli.common import InputError, add_model_options, load, positive_int, write_text

FORMATS = ("json", "jsonl", "conll", "label-studio", "doccano", "html")
GROUP_DOCS, GROUP_CHARS = 32, 200_000  # documents tagged together (batching across them), then written


def add_parser(sub) -> None:
    p = sub.add_parser("predict", help="tag texts, files, folders, stdin or JSONL",
                       description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    add_input_options(p, FORMATS)


def add_input_options(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    """The inputs, output format and model options of the verbs that read documents (predict, positions)."""
    p.add_argument("inputs", nargs="*", help="texts, files, folders, or '-' for stdin")
    p.add_argument("--jsonl", metavar="FILE", help="read documents as JSONL lines {'id', 'text'} ('-' for stdin)")
    p.add_argument("--text", action="store_true", help="treat every argument as text, never as a file name")
    p.add_argument("-r", "--recursive", action="store_true", help="read folders' *.txt files recursively")
    p.add_argument("--encoding", default="utf-8", help="encoding of files and stdin (default utf-8)")
    p.add_argument("--skip-bad", action="store_true",
                   help="report a bad JSONL record or unreadable file and go on (default: stop there)")
    p.add_argument("--format", choices=formats, default="json")
    add_model_options(p)
    p.add_argument("--workers", type=positive_int, default=1,
                   help="processes tagging in parallel, each loading the model once (output stays in input order)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


# ---- reading ---------------------------------------------------------------------------------

def _decode(data: bytes, encoding: str, where: str) -> str:
    if b"\x00" in data[:8192] and not encoding.lower().startswith("utf-16"):
        raise InputError(f"{where}: binary data (NUL bytes), not {encoding} text; pass --encoding if it is "
                         "text in another encoding (e.g. utf-16)")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not {encoding} text ({exc.reason} at byte {exc.start}); "
                         "pass --encoding if it is text in another encoding") from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None


def plan_inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """Check every argument before any model loads: ``(kind, value)`` with kind text/file/stdin."""
    if args.jsonl and args.inputs:
        raise InputError("--jsonl reads documents from one file; do not also give inputs")
    if args.jsonl:
        if args.jsonl != "-" and not Path(args.jsonl).is_file():
            raise InputError(f"{args.jsonl}: no such file")
        return [("jsonl", args.jsonl)]
    if not args.inputs:
        raise InputError("nothing to read: give a text, FILE..., a folder, '-' for stdin, or --jsonl FILE")
    plan = []
    for item in args.inputs:
        if args.text:
            plan.append(("text", item))
        elif item == "-":
            plan.append(("stdin", item))
        elif any(ch.isspace() for ch in item):
            plan.append(("text", item))
        elif Path(item).is_dir():
            pattern = "**/*.txt" if args.recursive else "*.txt"
            files = sorted(p for p in Path(item).glob(pattern) if p.is_file())
            if not files:
                raise InputError(f"{item}: folder holds no {pattern} files"
                                 + ("" if args.recursive else " (use -r for subfolders)"))
            plan.extend(("file", str(f)) for f in files)
        elif Path(item).is_file():
            plan.append(("file", item))
        else:
            raise InputError(f"{item}: no such file or folder (use --text to tag it as text)")
    return plan


def iter_documents(plan, args: argparse.Namespace, report) -> Iterator[tuple[str, str]]:
    """``(id, text)`` in input order; a bad record raises, or is reported and skipped with --skip-bad."""
    n_text = 0
    for kind, value in plan:
        try:
            if kind == "text":
                n_text += 1
                yield f"text{n_text}", value
            elif kind == "stdin":
                yield "<stdin>", _decode(sys.stdin.buffer.read(), args.encoding, "<stdin>")
            elif kind == "file":
                yield value, _decode(Path(value).read_bytes(), args.encoding, value)
            else:
                yield from _iter_jsonl(value, args, report)
        except InputError as exc:
            if not args.skip_bad or kind == "jsonl":
                raise
            report(exc)


def _iter_jsonl(path: str, args: argparse.Namespace, report) -> Iterator[tuple[str, str]]:
    fh = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    try:
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            try:
                line = _decode(raw, args.encoding, where)
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{where}: invalid JSON ({exc.msg}, column {exc.colno})") from None
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise InputError(f"{where}: expected an object with a string 'text'")
                doc_id = record.get("id", lineno)
                if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
                    raise InputError(f"{where}: 'id' must be a string or an integer")
            except InputError as exc:
                if not args.skip_bad:
                    raise
                report(exc)
                continue
            yield str(doc_id), record["text"]
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


# ---- writing ---------------------------------------------------------------------------------

class Writer:
    """Writes each document's result as soon as it is done; ``close`` ends a JSON list cleanly."""

    def __init__(self, fmt: str, out) -> None:
        self.fmt, self.out, self.count = fmt, out, 0
        self.listed = fmt in ("json", "label-studio")
        self.pages: list = []  # html: (id, text, entities), one page written by close

    def write(self, doc_id: str, text: str, entities) -> None:
        if self.fmt == "html":
            self.pages.append((doc_id, text, list(entities)))
        elif self.fmt == "conll":
            from vnner.formats.conll import document_lines

            write_text(self.out, "\n".join(document_lines(_document(doc_id, text, entities))) + "\n")
        else:
            if self.fmt == "label-studio":
                from vnner.formats.labelstudio import task

                scores = {(e.start, e.end): round(e.score, 4) for e in entities}
                record = task(_document(doc_id, text, entities), predictions=True, scores=scores)
            elif self.fmt == "doccano":
                record = {"id": doc_id, "text": text, "label": [[e.start, e.end, e.label] for e in entities]}
            else:
                record = {"id": doc_id, "entities": [asdict(e) for e in entities]}
            line = _dumps(record, indent=2 if self.listed else None)
            if self.listed:
                line = ("[\n" if self.count == 0 else ",\n") + line
            write_text(self.out, line if self.listed else line + "\n")
        self.count += 1
        self.out.flush()

    def close(self) -> None:
        if self.fmt == "html":
            from vnner.html import render_html
            from vnner.positions import link_positions

            write_text(self.out, render_html([t for _, t, _ in self.pages], [e for _, _, e in self.pages],
                                             [link_positions(t, e) for _, t, e in self.pages],
                                             ids=[i for i, _, _ in self.pages]))
        if self.listed:
            self.out.write("[\n]\n" if self.count == 0 else "\n]\n")
        self.out.flush()


def _document(doc_id: str, text: str, entities):
    from vnner.formats import Document, Span

    return Document(doc_id, text, [Span(e.start, e.end, e.label) for e in entities])


def _dumps(record, indent=None) -> str:
    text = json.dumps(record, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from the input: JSON escapes keep it exactly
        text = json.dumps(record, ensure_ascii=True, indent=indent)
    return text


# ---- the verb --------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> int:
    plan = plan_inputs(args)  # usage errors before the model loads
    return stream(plan, args, Writer(args.format, sys.stdout))


def stream(plan, args: argparse.Namespace, writer) -> int:
    """Tag the planned documents a group at a time and hand each result to ``writer.write(id, text,
    entities)`` in input order; the one loop of every verb that reads documents (predict, positions).

    With ``--workers N`` the groups are tagged by N processes (:mod:`vnner.parallel`), still
    written in input order.  A bad record stops the run with everything before it written (or is
    skipped with --skip-bad); Ctrl-C (exit 130) and a closed pipe (exit 0) leave the finished
    documents intact.
    """
    skipped = []

    def report(exc):
        skipped.append(exc)
        print(f"vnner: skipped: {exc}", file=sys.stderr)

    workers = getattr(args, "workers", 1)
    pool = None
    if workers > 1:
        from vnner.parallel import WorkerPool

        # A model that cannot load fails here, once, with its message; the copy is dropped at once,
        # so the parent does not hold a model it never uses beside its workers.
        load(args.model, args.device, cache=False)
        pool = WorkerPool(args.model, workers=workers, threads=args.threads, device=args.device,
                          batch_size=args.batch_size)
        tagged = pool.map(_groups(iter_documents(plan, args, report)), texts=_texts)
    else:
        model = load(args.model, args.device, args.threads)
        tagged = ((group, _tag(model, group, args.batch_size)) for group in
                  _groups(iter_documents(plan, args, report)))
    progress = None
    if not args.no_progress and (len(plan) > 1 or plan[0][0] == "jsonl") and sys.stderr.isatty():
        from tqdm.auto import tqdm

        progress = tqdm(total=len(plan) if plan[0][0] != "jsonl" else None, unit="doc", desc="vnner")
    try:
        try:
            for group, results in tagged:
                for (doc_id, text), entities in zip(group, results):
                    writer.write(doc_id, text, entities)
                if progress is not None:
                    progress.update(len(group))
        except InputError:
            writer.close()  # everything before the bad record is written
            raise
        writer.close()
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        try:
            writer.close()
        except BrokenPipeError:
            _quiet_stdout()
        return 130
    finally:
        if progress is not None:
            progress.close()
        if pool is not None:
            pool.close(cancel=True)
    if skipped:
        print(f"vnner: {len(skipped)} input(s) skipped (see above)", file=sys.stderr)
    return 0


def _groups(documents) -> Iterator[list[tuple[str, str]]]:
    """Documents in groups tagged together (batching across them); a bad record still lets the
    group before it through first."""
    group: list[tuple[str, str]] = []
    size = 0
    try:
        for doc_id, text in documents:
            group.append((doc_id, text))
            size += len(text)
            if len(group) >= GROUP_DOCS or size >= GROUP_CHARS:
                yield group
                group, size = [], 0
    except InputError:
        if group:
            yield group
        raise
    if group:
        yield group


def _texts(group) -> list[str]:
    return [t for _, t in group]


def _tag(model, group, batch_size: int):
    from vnner.cli.common import ModelLoadError

    try:
        return model.predict(_texts(group), batch_size=batch_size)
    except (RuntimeError, ValueError) as exc:
        raise ModelLoadError(f"the model failed on {group[0][0]}...: {exc}") from None


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at devnull so the interpreter's final flush stays silent."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
