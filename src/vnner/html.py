"""One self-contained HTML page of tagged documents: entities highlighted, positions held beside them.

    >>> from vnner import predict
    >>> from vnner.positions import link_positions
    >>> from vnner.html import render_html
    >>> ents = predict(text)                                             # doctest: +SKIP
    >>> page = render_html(text, ents, link_positions(text, ents))       # doctest: +SKIP

The page needs nothing outside itself: inline CSS, no script, no web fonts, no external
resource.  Every piece of text (articles, ids, labels) goes through :func:`html.escape`, so
markup or script in an article is shown, never run.  Each entity is a ``<mark>`` coloured by
label (a legend on top) whose ``title`` gives label and score on hover; the positions held sit
in a table beside the text, each cell linking to its mention; several documents get a list of
their ids linking to each one.  Built with one list join: linear in the size of the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["render_html"]

# colours for the project's labels; any other label takes the next of PALETTE
COLOURS = {"PERSON": "#ffd6a5", "POSITION": "#caffbf", "ORGANIZATION": "#9bf6ff", "DATE": "#e3d5ff",
           "QUANTITY": "#fdffb6"}
PALETTE = ("#ffc6ff", "#bdb2ff", "#a0c4ff", "#ffadad", "#d0f4de", "#fcf6bd", "#e4c1f9", "#a9def9")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.5em 1em;z-index:1}
header h1{font-size:1.1em;margin:.2em 0}
.legend span{display:inline-block;margin:.1em .4em .1em 0;padding:0 .4em;border-radius:3px;font-size:.85em}
nav{padding:.5em 1em;background:#fff;border-bottom:1px solid #eee;font-size:.9em}
nav ol{margin:.2em 0;padding-left:1.5em;columns:3 16em}
section.doc{padding:.5em 1em 1.5em;border-bottom:2px solid #ddd}
section.doc h2{font-size:1em;margin:.6em 0;word-break:break-all}
.cols{display:flex;gap:1.2em;align-items:flex-start;flex-wrap:wrap}
.text{flex:3 1 32em;white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.7;background:#fff;
  border:1px solid #e5e5e5;border-radius:4px;padding:.8em;margin:0;font:inherit}
.side{flex:2 1 22em;position:sticky;top:5em;max-height:85vh;overflow:auto}
mark.ent{border-radius:3px;padding:0 .1em;color:inherit}
mark.ent:target{outline:2px solid #d00}
table.ph{border-collapse:collapse;width:100%;font-size:.9em;background:#fff}
table.ph th,table.ph td{border:1px solid #ddd;padding:.25em .4em;text-align:left;vertical-align:top}
table.ph th{background:#f0f0f0}
table.ph a{color:inherit}
td.former{color:#a00}
.none{color:#888;font-style:italic}
"""


def _as_lists(text_or_texts, entities, positions, ids):
    if isinstance(text_or_texts, str):
        texts, ents = [text_or_texts], [list(entities or [])]
        pos = [list(positions)] if positions is not None else None
        if ids is not None and isinstance(ids, str):
            ids = [ids]
    else:
        if not isinstance(text_or_texts, Sequence) or isinstance(text_or_texts, bytes):
            raise TypeError(f"expected a str or a list of str, got {type(text_or_texts).__name__}")
        texts = list(text_or_texts)
        for k, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"texts[{k}] is {type(t).__name__}, expected str")
        ents = [list(e or []) for e in entities] if entities is not None else [[] for _ in texts]
        pos = [list(p or []) for p in positions] if positions is not None else None
    if len(ents) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(ents)} entity lists")
    if pos is not None and len(pos) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(pos)} position lists")
    ids = [str(i) for i in ids] if ids is not None else [f"document {k + 1}" for k in range(len(texts))]
    if len(ids) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(ids)} ids")
    return texts, ents, pos, ids


def _label_classes(ents: list[list]) -> dict[str, tuple[str, str]]:
    """label -> (css class, colour); classes are ``l0``, ``l1`` ... so no label reaches the markup raw."""
    labels = list(COLOURS)
    for doc in ents:
        for e in doc:
            if e.label not in labels:
                labels.append(e.label)
    used = [lab for lab in labels if any(e.label == lab for doc in ents for e in doc)] or list(COLOURS)
    out, spare = {}, 0
    for k, lab in enumerate(used):
        colour = COLOURS.get(lab)
        if colour is None:
            colour, spare = PALETTE[spare % len(PALETTE)], spare + 1
        out[lab] = (f"l{k}", colour)
    return out


def _anchor(doc: int, e) -> str:
    return f"d{doc}-{e.start}-{e.end}"


def _text_parts(parts: list[str], k: int, text: str, ents, classes) -> None:
    cursor = 0
    for e in sorted(ents, key=lambda e: (e.start, e.end)):
        if e.start < cursor or e.end > len(text) or e.start >= e.end:
            continue  # overlapping or out of range: shown as plain text
        parts.append(escape(text[cursor:e.start]))
        cls = classes[e.label][0]
        score = getattr(e, "score", None)
        hover = f"{e.label} {score:.3f}" if isinstance(score, (int, float)) else e.label
        parts.append(f'<mark class="ent {cls}" id="{_anchor(k, e)}" title="{escape(hover)}">'
                     f"{escape(text[e.start:e.end])}</mark>")
        cursor = e.end
    parts.append(escape(text[cursor:]))


def _cell(k: int, e) -> str:
    if e is None:
        return '<td class="none">–</td>'
    return f'<td><a href="#{_anchor(k, e)}">{escape(e.text)}</a></td>'


def render_html(text_or_texts: str | Sequence[str], entities, positions=None, *,
                ids: Sequence[str] | str | None = None, title: str = "vnner") -> str:
    """A standalone HTML page for one text (``entities`` a list of :class:`vnner.Entity`, ``positions`` a
    list of :class:`vnner.positions.PositionHeld` or ``None``) or for several (lists of lists, ``ids``
    naming them).  Without ``positions`` no table is drawn."""
    texts, ents, pos, ids = _as_lists(text_or_texts, entities, positions, ids)
    classes = _label_classes(ents)
    parts: list[str] = ["<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n",
                        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        "style-src 'unsafe-inline'\">\n",
                        f"<title>{escape(title)}</title>\n<style>{_CSS}"]
    parts.extend(f"mark.{cls},.legend .{cls}{{background:{colour}}}\n" for cls, colour in classes.values())
    parts.append("</style>\n</head>\n<body>\n<header>\n")
    parts.append(f"<h1>{escape(title)}: {len(texts)} document{'s' if len(texts) != 1 else ''}, "
                 f"{sum(map(len, ents))} entities"
                 + (f", {sum(map(len, pos))} positions held" if pos is not None else "") + "</h1>\n")
    parts.append('<div class="legend">')
    parts.extend(f'<span class="{cls}">{escape(label)}</span>' for label, (cls, _) in classes.items())
    parts.append("</div>\n</header>\n")
    if len(texts) > 1:
        parts.append('<nav aria-label="documents"><ol>\n')
        parts.extend(f'<li><a href="#doc-{k}">{escape(doc_id)}</a></li>\n' for k, doc_id in enumerate(ids))
        parts.append("</ol></nav>\n")
    parts.append("<main>\n")
    for k, (text, doc_ents, doc_id) in enumerate(zip(texts, ents, ids)):
        parts.append(f'<section class="doc" id="doc-{k}">\n<h2>{escape(doc_id)}</h2>\n<div class="cols">\n'
                     '<div class="text">')
        _text_parts(parts, k, text, doc_ents, classes)
        parts.append("</div>\n")
        if pos is not None:
            records = pos[k]
            parts.append('<div class="side">\n<table class="ph">\n<caption>Positions held '
                         f"({len(records)})</caption>\n<thead><tr><th>person</th><th>position</th>"
                         "<th>organization</th><th>former</th></tr></thead>\n<tbody>\n")
            for r in records:
                former = '<td class="former">yes</td>' if r.former else "<td></td>"
                parts.append(f"<tr>{_cell(k, r.person)}{_cell(k, r.position)}{_cell(k, r.organization)}"
                             f"{former}</tr>\n")
            if not records:
                parts.append('<tr><td colspan="4" class="none">none found</td></tr>\n')
            parts.append("</tbody>\n</table>\n</div>\n")
        parts.append("</div>\n</section>\n")
    parts.append("</main>\n</body>\n</html>\n")
    return "".join(parts)
