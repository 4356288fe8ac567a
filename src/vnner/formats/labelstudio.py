"""Label Studio JSON: a list of tasks ``{"id", "data": {"text"}, "annotations": [{"result": [...]}],
"predictions": [...]}``.

Reading takes, per task, the latest annotation that was not cancelled (by
``updated_at``/``created_at``, else the last listed) and its ``labels`` results
(``value.start``, ``value.end``, ``value.labels``, ``value.text``); positions held
come from ``relation`` results (``holds``/``held`` person → position, ``of``
position → organisation).  Writing produces a file Label Studio imports, with the
entities as ``annotations`` (gold) or as ``predictions`` (pre-annotation for review).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from vnner.formats.document import Document, FormatError, Problems, Span, is_offset, position_links, records_from_links

FROM_NAME, TO_NAME = "label", "text"


def _latest(annotations) -> dict | None:
    if not isinstance(annotations, list):
        raise FormatError("'annotations' must be a list")
    done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if not done:
        return None
    if all(isinstance(a.get("updated_at") or a.get("created_at"), str) for a in done):
        return max(done, key=lambda a: a.get("updated_at") or a.get("created_at"))
    return done[-1]


def _document(task: dict, did: str, text: str, results) -> Document:
    if not isinstance(results, list):
        raise FormatError("'result' must be a list")
    spans, by_id, links = [], {}, []
    for k, res in enumerate(results):
        if not isinstance(res, dict):
            raise FormatError(f"result #{k} must be an object")
        kind = res.get("type")
        if kind == "relation":
            links.append(res)
            continue
        if kind != "labels":
            raise FormatError(f"result #{k}: type {kind!r} is not read (expected 'labels' or 'relation')")
        value = res.get("value") or {}
        start, end, names = value.get("start"), value.get("end"), value.get("labels")
        if not (is_offset(start) and is_offset(end)):
            raise FormatError(f"result #{k}: value.start and value.end must be integers, got {start!r}, {end!r}")
        if not (isinstance(names, list) and len(names) == 1 and isinstance(names[0], str)):
            raise FormatError(f"result #{k}: value.labels must hold exactly one label, got {names!r}")
        surface = value.get("text")
        if isinstance(surface, str) and 0 <= start < end <= len(text) and text[start:end] != surface:
            raise FormatError(f"result #{k} [{start}:{end}]: the file says {surface!r}, the text has "
                              f"{text[start:end]!r}")
        span = Span(start, end, names[0])
        spans.append(span)
        if "id" in res:
            by_id[res["id"]] = span
    doc = Document(did, text, spans)
    if links:
        pairs = []
        for res in links:
            a, b = by_id.get(res.get("from_id")), by_id.get(res.get("to_id"))
            if a is None or b is None:
                raise FormatError(f"relation {res.get('from_id')!r} -> {res.get('to_id')!r} names no region of "
                                  "this task")
            pairs.append((a, b, (res.get("labels") or [None])[0]))
        doc.positions_held = records_from_links(pairs)
    return doc


def read(path: Path, labels: Iterable[str] | None = None, *, skip_unannotated: bool = False) -> list[Document]:
    problems = Problems(str(path))
    try:
        tasks = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise FormatError(f"{path}: expected a list of Label Studio tasks")
    docs, unannotated = [], []
    for k, task in enumerate(tasks):
        where = f"task {task.get('id', k) if isinstance(task, dict) else k}"
        try:
            if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
                raise FormatError("expected a task object with 'data'")
            data = task["data"]
            did = str(data.get("doc_id", task.get("id", k)))
            text = data.get("text")
            if not isinstance(text, str):
                raise FormatError(f"document {did}: data.text is missing or not a string")
            annotation = _latest(task.get("annotations", []))
            if annotation is None:
                unannotated.append(where)
                continue
            doc = _document(task, did, text, annotation.get("result", []))
        except FormatError as exc:
            problems.add(where, str(exc))
            continue
        problems.check(doc, where, labels)
        docs.append(doc)
    if unannotated and not skip_unannotated:
        problems.add(unannotated[0], f"{len(unannotated)} task(s) have no completed annotation "
                     f"({', '.join(unannotated[:5])}{' ...' if len(unannotated) > 5 else ''}); export only "
                     "annotated tasks, or skip them on purpose (--skip-unannotated)")
    problems.raise_if_any()
    return docs


def results(doc: Document, scores: dict[tuple[int, int], float] | None = None) -> list[dict]:
    """Label Studio ``result`` items for a document's entities and positions held."""
    out, ids = [], {}
    for k, s in enumerate(doc.entities):
        rid = f"{doc.id}-e{k}"
        ids[(s.start, s.end)] = rid
        item = {"id": rid, "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
                "value": {"start": s.start, "end": s.end, "text": doc.text[s.start:s.end], "labels": [s.label]}}
        if scores and (s.start, s.end) in scores:
            item["score"] = scores[(s.start, s.end)]
        out.append(item)
    for a, b, kind in position_links(doc.positions_held or []):
        out.append({"from_id": ids[a], "to_id": ids[b], "type": "relation", "direction": "right", "labels": [kind]})
    return out


def task(doc: Document, *, predictions: bool = False, scores: dict | None = None, model_version: str = "vnner") -> dict:
    body = {"data": {"text": doc.text, "doc_id": doc.id}}
    if predictions:
        body["predictions"] = [{"model_version": model_version, "result": results(doc, scores)}]
    else:
        body["annotations"] = [{"result": results(doc)}]
    return body


def write(path: Path, docs: Iterable[Document], *, predictions: bool = False) -> None:
    path.write_text(json.dumps([task(d, predictions=predictions) for d in docs], ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
