"""Command line for the gold corpus: materialise, convert markup, validate, statistics, export.

    python -m training.data materialize --ids ids.txt --out work/articles
    python -m training.data check-markup work/markup/*.txt
    python -m training.data from-markup work/markup/*.txt --out data/annotations/new.jsonl
    python -m training.data to-markup data/annotations/train.jsonl --out work/review
    python -m training.data validate
    python -m training.data stats
    python -m training.data export --format conll --out exports/
    python -m training.data agreement data/agreement/first.jsonl data/agreement/second.jsonl

Every command reads the article text from the corpus (``--corpus``, default
``../shared/corpora/vietnews``): the repository holds stand-off spans only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from training.corpus.markup import check_against_source, parse_markup, parse_relations, render_markup, render_relations
from training.corpus.validate import validate_document
from vnner.formats.standoff import (
    DEFAULT_LABELS,
    Document,
    FormatError,
    load_texts,
    read_records,
    text_sha256,
)
from vnner.formats.standoff import write as write_standoff

DEFAULT_CORPUS = "../shared/corpora/vietnews"
ANNOTATION_DIR = Path("data/annotations")
SPLITS = ("train", "dev", "test")


def file_stem(doc_id: str) -> str:
    """``train/000123`` -> ``train_000123`` (file names for annotators)."""
    return doc_id.replace("/", "_")


def doc_id_from_path(path: Path) -> str:
    split, _, num = path.name.split(".", 1)[0].partition("_")
    if not num:
        raise FormatError(f"{path}: file name must be <split>_<number>.txt, e.g. train_000123.txt")
    return f"{split}/{num}"


def split_files(paths: list[str] | None) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    return [ANNOTATION_DIR / f"{s}.jsonl" for s in SPLITS]


def load_gold(paths: list[Path], corpus: str) -> list[tuple[Path, Document]]:
    """Read annotation files and attach materialised text; duplicates across files are errors."""
    entries = [(p, d) for p in paths for d in read_records(p)]
    seen: dict[str, Path] = {}
    for path, doc in entries:
        if doc.id in seen:
            raise FormatError(f"{path}: document {doc.id} is also in {seen[doc.id]}")
        seen[doc.id] = path
    texts = load_texts(corpus, seen)
    for _, doc in entries:
        doc.text = texts[doc.id]
    return entries


def cmd_materialize(args: argparse.Namespace) -> int:
    ids = [line.split()[0] for line in Path(args.ids).read_text(encoding="utf-8").splitlines() if line.strip()]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for doc_id, text in load_texts(args.corpus, ids).items():
        (out / f"{file_stem(doc_id)}.txt").write_text(text, encoding="utf-8")
    print(f"wrote {len(ids)} articles to {out}")
    return 0


def _docs_from_markup(paths: list[str], corpus: str) -> list[Document]:
    files = [Path(p) for p in paths]
    ids = [doc_id_from_path(p) for p in files]
    texts = load_texts(corpus, ids)
    docs, failures = [], 0
    for path, doc_id in zip(files, ids, strict=False):
        try:
            refs: dict = {}
            plain, spans = parse_markup(path.read_text(encoding="utf-8"), where=str(path), refs=refs)
            check_against_source(plain, texts[doc_id], where=str(path))
            rel_path = path.with_suffix(".rel")
            relations = None
            if rel_path.is_file():
                relations = parse_relations(rel_path.read_text(encoding="utf-8"), refs, where=str(rel_path))
            doc = Document(doc_id, plain, spans, relations, text_sha256(plain))
            problems = validate_document(doc, plain)
            if problems:
                raise FormatError("\n".join(f"{path} (document {doc_id}): {p}" for p in problems))
        except FormatError as exc:
            print(exc, file=sys.stderr)
            failures += 1
            continue
        docs.append(doc)
    if failures:
        raise FormatError(f"{failures} of {len(files)} markup file(s) failed")
    return docs


def cmd_check_markup(args: argparse.Namespace) -> int:
    docs = _docs_from_markup(args.files, args.corpus)
    counts = Counter(s.label for d in docs for s in d.entities)
    links = sum(len(d.positions_held or []) for d in docs)
    print(f"OK: {len(docs)} file(s), {sum(counts.values())} entities: "
          + ", ".join(f"{label} {counts[label]}" for label in DEFAULT_LABELS)
          + f"; {links} positions held in {sum(d.positions_held is not None for d in docs)} file(s) with a .rel")
    return 0


def cmd_from_markup(args: argparse.Namespace) -> int:
    docs = _docs_from_markup(args.files, args.corpus)
    write_standoff(args.out, docs)
    print(f"wrote {len(docs)} documents to {args.out}")
    return 0


def cmd_to_markup(args: argparse.Namespace) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    entries = load_gold([Path(p) for p in args.files], args.corpus)
    for _, doc in entries:
        refs = None
        if doc.positions_held is not None:
            refs, rel_text = render_relations(doc.positions_held, doc.entities)
            (out / f"{file_stem(doc.id)}.rel").write_text(rel_text, encoding="utf-8")
        (out / f"{file_stem(doc.id)}.txt").write_text(render_markup(doc.text, doc.entities, refs), encoding="utf-8")
    print(f"wrote {len(entries)} marked-up articles to {out}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    entries = load_gold(split_files(args.files), args.corpus)
    bad = 0
    lines = {}
    for path in {p for p, _ in entries}:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                lines[(path, json.loads(line)["id"])] = lineno
    for path, doc in entries:
        for problem in validate_document(doc, doc.text):
            print(f"{path}:{lines.get((path, doc.id), '?')} (document {doc.id}): {problem}", file=sys.stderr)
            bad += 1
    n_ent = sum(len(d.entities) for _, d in entries)
    if bad:
        print(f"FAILED: {bad} problem(s) in {len(entries)} documents", file=sys.stderr)
        return 1
    print(f"OK: {len(entries)} documents, {n_ent} entities, all valid")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    paths = split_files(args.files)
    rows = []
    for path in paths:
        docs = read_records(path)
        counts = Counter(s.label for d in docs for s in d.entities)
        counts["_rel_docs"] = sum(d.positions_held is not None for d in docs)
        counts["_records"] = sum(len(d.positions_held or []) for d in docs)
        rows.append((path.stem, len(docs), counts))
    header = ("| split | articles | " + " | ".join(DEFAULT_LABELS) + " | all | articles with positions held "
              "| positions-held records |")
    print(header)
    print("|" + "---|" * (len(DEFAULT_LABELS) + 5))
    total_docs, total = 0, Counter()
    for name, n, counts in rows:
        total_docs += n
        total.update(counts)
        print(f"| {name} | {n} | " + " | ".join(str(counts[lab]) for lab in DEFAULT_LABELS)
              + f" | {sum(counts[lab] for lab in DEFAULT_LABELS)} | {counts['_rel_docs']} | {counts['_records']} |")
    print(f"| all | {total_docs} | " + " | ".join(str(total[lab]) for lab in DEFAULT_LABELS)
          + f" | {sum(total[lab] for lab in DEFAULT_LABELS)} | {total['_rel_docs']} | {total['_records']} |")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from vnner.pipeline.inputs import syllable_tags

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for path in split_files(args.files):
        entries = load_gold([path], args.corpus)
        target = out / f"{path.stem}.{'conll' if args.format == 'conll' else 'jsonl'}"
        conflicts = 0
        with target.open("w", encoding="utf-8") as fh:
            for _, doc in entries:
                spans = [(s.start, s.end, s.label) for s in doc.entities]
                if args.format == "jsonl":
                    record = {"id": doc.id, "text": doc.text,
                              "entities": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    continue
                sentences, bad = syllable_tags(doc.text, spans)
                conflicts += bad
                fh.write(f"# id = {doc.id}\n")
                for rows in sentences:
                    fh.writelines(f"{doc.text[s:e]}\t{tag}\n" for s, e, tag in rows)
                    fh.write("\n")
        note = f" ({conflicts} span edge(s) inside a syllable token)" if conflicts else ""
        print(f"wrote {len(entries)} documents to {target}{note}")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from vnner.scoring import span_scores

    first = {d.id: d for d in read_records(args.first)}
    second = {d.id: d for d in read_records(args.second)}
    ids = sorted(first.keys() & second.keys())
    if not ids:
        raise FormatError(f"{args.first} and {args.second} share no document")
    for doc_id in ids:
        if first[doc_id].sha256 != second[doc_id].sha256:
            raise FormatError(f"document {doc_id}: the two annotations were made on different texts (sha256)")
    print(f"span-level agreement over {len(ids)} documents (F1; first annotation as reference)")
    scores = span_scores([[(s.start, s.end, s.label) for s in first[i].entities] for i in ids],
                         [[(s.start, s.end, s.label) for s in second[i].entities] for i in ids], DEFAULT_LABELS)
    both = [i for i in ids if first[i].positions_held is not None and second[i].positions_held is not None]
    print("| label | entities (first) | entities (second) | agreed | F1 |")
    print("|---|---|---|---|---|")
    for label in [*DEFAULT_LABELS, "micro"]:
        sc = scores[label]
        print(f"| {label} | {sc['support']} | {sc['tp'] + sc['fp']} | {sc['tp']} | {sc['f1']:.3f} |")
    if both:
        from vnner.formats.standoff import load_texts
        from vnner.scoring import position_triples, positions_held_scores

        texts = load_texts(args.corpus, both)
        rel = positions_held_scores([position_triples(texts[i], first[i].positions_held) for i in both],
                                    [position_triples(texts[i], second[i].positions_held) for i in both])
        print(f"\npositions held over {len(both)} documents (distinct person/position/organisation triples): "
              f"first {rel['support']}, second {rel['tp'] + rel['fp']}, agreed {rel['tp']}, F1 {rel['f1']:.3f}")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    """Assign articles to train/dev/test once (seeded shuffle); the files then fix the split."""
    import random

    docs = [d for path in args.files for d in read_records(path)]
    ids = sorted({d.id for d in docs})
    if len(ids) != len(docs):
        raise FormatError("the input files repeat a document id")
    random.Random(args.seed).shuffle(ids)
    n_test = round(len(ids) * args.test)
    n_dev = round(len(ids) * args.dev)
    assignment = {i: "test" for i in ids[:n_test]} | {i: "dev" for i in ids[n_test:n_test + n_dev]}
    out = Path(args.out)
    for split in SPLITS:
        chosen = sorted((d for d in docs if assignment.get(d.id, "train") == split), key=lambda d: d.id)
        write_standoff(out / f"{split}.jsonl", chosen)
        print(f"{split}: {len(chosen)} documents")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m training.data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="VietNews JSONL(.xz) file or folder, or a clone")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("materialize", help="write article texts for annotators")
    p.add_argument("--ids", required=True, help="file with one corpus id per line")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_materialize)
    p = sub.add_parser("check-markup", help="check [[surface|LABEL]] files against the source")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_check_markup)
    p = sub.add_parser("from-markup", help="convert markup files to stand-off JSONL")
    p.add_argument("files", nargs="+")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_from_markup)
    p = sub.add_parser("to-markup", help="render stand-off annotations as markup for review")
    p.add_argument("files", nargs="+")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_to_markup)
    for name, func, text in (("validate", cmd_validate, "check every rule and hash"),
                             ("stats", cmd_stats, "articles and entities per split and label")):
        p = sub.add_parser(name, help=text)
        p.add_argument("files", nargs="*",
                       help="annotation JSONL files (default: data/annotations/{train,dev,test}.jsonl)")
        p.set_defaults(func=func)
    p = sub.add_parser("export", help="write CoNLL (syllable IOB2) or JSONL-with-text files per split")
    p.add_argument("files", nargs="*", help="annotation JSONL files (default: the three splits)")
    p.add_argument("--format", choices=("conll", "jsonl"), default="conll")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("split", help="assign documents to train/dev/test files (seeded, by article)")
    p.add_argument("files", nargs="+")
    p.add_argument("--dev", type=float, default=0.15)
    p.add_argument("--test", type=float, default=0.15)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--out", default=str(ANNOTATION_DIR))
    p.set_defaults(func=cmd_split)
    p = sub.add_parser("agreement", help="span-level F1 between two annotations of the same documents")
    p.add_argument("first")
    p.add_argument("second")
    p.set_defaults(func=cmd_agreement)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
