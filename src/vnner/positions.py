"""Positions held: who holds which office, in which body (issue #14).

A record links a PERSON mention to a POSITION mention the text attaches to that
person, and to the ORGANIZATION span directly after the title (only spaces
between), as the shared guideline's section "Positions held" defines it.

:func:`link_positions` works on the entities of one document (gold ones, or a
model's), inside one sentence at a time (:func:`vnner.pipeline.segment.sentence_spans`,
with a line broken after ``TP.`` joined back, hard case 35). A *title* is a POSITION
with the ORGANIZATION that directly follows it.

- **Rules** (``method="rules"``) over the entity sequence and the punctuation between:
  titles joined by ``,`` ``-`` ``kiêm`` ``và`` (optionally under ``nguyên``/``cựu``) form a
  *group*, attached as a whole to the PERSON right after it (``Bí thư Tỉnh ủy [A]``,
  ``... đối với ông [A]``), else to the PERSON before it when the words between are an
  apposition or a predicate (``[A], Bí thư ...``, ``[A] (nguyên ...``, ``[A] được bầu
  giữ chức ...``, ``[A] là ...``); a list ``A, T1 O1; B, T2 O2`` gives each item its own.
- **Learned** (default): a logistic model scores every person-title pair of a sentence
  (:func:`pair_features`: the words between, around and of the title, counts of mentions
  between, the rules' verdict); each title takes its most probable person above
  :data:`THRESHOLD`, a title chained to a linked one shares its person, and the persons
  listed with the chosen one (``chức [T] đối với bà [A], [B], [C]``; ``hai ông [A] và [B]
  giữ chức [T]``; ``đối với ông [A] - [T1]; ông [B] - [T2]``; ``[A] ([T1]); [B] ([T2]) được giới thiệu
  vào vị trí [T]``) get the title too.
- ``nguyên``/``cựu`` before a title marks it and the rest of its group ``former``.

The features, thresholds and decoding were chosen on 5-fold cross-validation of the train
split and on dev (``python -m training.modeling.train_positions --cv 5``).

:func:`positions_held` runs the default (or a given) model and links its entities.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vnner.pipeline.decode import Entity

__all__ = ["PositionHeld", "in_view", "link_positions", "positions_held", "sentence_bounds"]


@dataclass(frozen=True)
class PositionHeld:
    """``person`` holds (or, with ``former``, held) ``position`` in ``organization`` (``None``: not named)."""

    person: Entity
    position: Entity
    organization: Entity | None
    former: bool


# ---- sentences -------------------------------------------------------------------------------

_TP_BREAK = re.compile(r"(?:\bTP|\bTp|\btp)\.\s*$")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (vnner.pipeline.segment's splitter); a line broken right after ``TP.``
    continues on the next line (hard case 35)."""
    from vnner.pipeline.segment import sentence_spans

    spans: list[list[int]] = []
    for start, end in sentence_spans(text):
        if spans and _TP_BREAK.search(text[spans[-1][0]:spans[-1][1]]) and "\n" in text[spans[-1][1]:start] \
                and text[spans[-1][1]:start].count("\n") == 1:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [(s, e) for s, e in spans]


# ---- gaps between mentions -------------------------------------------------------------------

_HONORIFIC = r"(?:đồng chí|đ/c|ông|bà|anh|chị|cô|thầy|cụ|đồng chí|GS\.?|PGS\.?|TS\.?|ThS\.?|BS\.?|GS\.TS\.?|PGS\.TS\.?)"
_SP = r"[ \t\u00a0]*"
# between a title group and the person it names, title first
_FORWARD = re.compile(
    rf"^{_SP}(?:(?:,|:){_SP})?(?:(?:là|với|đối với|của|cho|thay|về|gồm)\s+)?(?:{_HONORIFIC}\s+){{0,2}}$",
    re.IGNORECASE)
_FORWARD_TIGHT = re.compile(rf"^{_SP}(?:{_HONORIFIC}\s+){{0,2}}$", re.IGNORECASE)
# between titles of one group
_CHAIN = re.compile(
    rf"^{_SP}(?:[,\-–—]|kiêm|và|;)?{_SP}(?:(?:nguyên|cựu|tân|kiêm|và|hiện là|đồng thời là|kiêm nhiệm)\s+)*$",
    re.IGNORECASE)
_FORMER = re.compile(r"(?:^|\s|\(|,|-|–)(?:nguyên|cựu)\s*$", re.IGNORECASE)
_NOT_FORMER = re.compile(r"(?:hiện là|hiện nay là|nay là|đương kim)", re.IGNORECASE)
# between a person and the title group after it
_BACKWARD_PUNCT = re.compile(rf"^{_SP}(?:[,\-–—(:]{_SP})*(?:(?:nguyên|cựu|tân|hiện là|là)\s+)*$", re.IGNORECASE)
_PREDICATE = re.compile(
    r"(?:\blà|\blàm|giữ chức|giữ cương vị|cương vị|chức vụ|chức danh|được bầu|bầu|bổ nhiệm|trở thành|"
    r"cách chức|miễn nhiệm|thôi giữ|thôi làm|đình chỉ|bãi nhiệm|phân công|điều động|đảm nhận|đảm nhiệm|"
    r"kiêm|tái đắc cử|đắc cử|giới thiệu|đề cử|chỉ định|phê chuẩn|hiện là|từng|khi đó là|lúc đó là|"
    r"nguyên|cựu|tân)(?:\s+\S+){0,6}\s*$",
    re.IGNORECASE)
_STOP = re.compile(r"[;.!?]|\bvà\b|\bcùng\b|\bvới\b|\bcủa\b|\bthay\b", re.IGNORECASE)
# between persons of one list (``A, B và C``), and after a list item's own titles (``A - T1 O1; B``)
_COORD = re.compile(rf"^{_SP}(?:,|và|;|,{_SP}và)?{_SP}(?:{_HONORIFIC}\s+){{0,2}}$", re.IGNORECASE)
_ITEM_END = re.compile(rf"^{_SP}(?:\)|\.)?{_SP}(?:,|và|;|,{_SP}và|;{_SP}và){_SP}(?:{_HONORIFIC}\s+){{0,2}}$",
                       re.IGNORECASE)
_APPOS = re.compile(rf"^{_SP}(?:[,\-–—(:]{_SP})+$")
_PLURAL = re.compile(r"(?:^|\s)(?:các|những|hai|ba|bốn|năm)\s+$", re.IGNORECASE)
# between a title and the list of persons it is given to (``chức T đối với ông A - T1; ông B - T2``)
_LIST_INTRO = re.compile(r"đối với|(?:^|\s)với|gồm|:|(?:^|\s)là|(?:^|\s)cho", re.IGNORECASE)


@dataclass
class _Title:
    position: Entity
    organization: Entity | None

    @property
    def start(self) -> int:
        return self.position.start

    @property
    def end(self) -> int:
        return (self.organization or self.position).end


def _titles(text: str, ents: list[Entity]) -> list[_Title]:
    out = []
    for k, e in enumerate(ents):
        if e.label != "POSITION":
            continue
        org = None
        if k + 1 < len(ents) and ents[k + 1].label == "ORGANIZATION":
            gap = text[e.end:ents[k + 1].start]
            if gap and not gap.strip(" \t\u00a0"):
                org = ents[k + 1]
        elif k + 1 < len(ents) and ents[k + 1].start == e.end and ents[k + 1].label == "ORGANIZATION":
            org = ents[k + 1]
        out.append(_Title(e, org))
    return out


def _former(text: str, nodes: list, t: int) -> bool:
    """``nguyên``/``cựu`` before this title, or before an earlier title of its list (hard case 33)."""
    i = t
    for _ in range(64):
        lead = text[nodes[i - 1].end if i > 0 else max(0, nodes[i].start - 40):nodes[i].start]
        if _NOT_FORMER.search(lead):
            return False
        if _FORMER.search(lead):
            return True
        if i > 0 and not isinstance(nodes[i - 1], Entity) and _CHAIN.match(lead):
            i -= 1
            continue
        return False
    return False


def _link_sentence(text: str, ents: list[Entity], titles: list[_Title] | None = None) -> list[PositionHeld]:
    titles = _titles(text, ents) if titles is None else titles
    persons = [e for e in ents if e.label == "PERSON"]
    if not titles or not persons:
        return []
    nodes: list = sorted([*persons, *titles], key=lambda n: n.start)
    groups: list[list[int]] = []  # runs of titles joined by list punctuation
    for i, n in enumerate(nodes):
        if isinstance(n, Entity):
            continue
        if groups and groups[-1][-1] == i - 1 and _CHAIN.match(text[nodes[i - 1].end:n.start]):
            groups[-1].append(i)
        else:
            groups.append([i])
    out: list[PositionHeld] = []
    for g in groups:
        first, last = g[0], g[-1]
        fwd = bwd = None
        if last + 1 < len(nodes) and isinstance(nodes[last + 1], Entity):
            gap = text[nodes[last].end:nodes[last + 1].start]
            if _FORWARD.match(gap):
                fwd = (nodes[last + 1], bool(_FORWARD_TIGHT.match(gap)))
        if first > 0 and isinstance(nodes[first - 1], Entity):
            gap = text[nodes[first - 1].end:nodes[first].start]
            if _BACKWARD_PUNCT.match(gap) or (_PREDICATE.search(gap) and not _STOP.search(gap)):
                bwd = nodes[first - 1]
        for k, i in enumerate(g):
            if fwd and bwd:
                person = fwd[0] if (k == len(g) - 1 and fwd[1]) else bwd
            elif fwd:
                person = fwd[0]
            elif bwd:
                person = bwd
            else:
                continue
            t = nodes[i]
            out.append(PositionHeld(person, t.position, t.organization, _former(text, nodes, i)))
    return out


_WORD = re.compile(r"\w+|[^\w\s]")
_MAX_GAP = 800  # characters between a person and a title scored as a pair


def _words(text: str, lo: int, hi: int, ents: list[Entity]) -> list[str]:
    """Lowercased words and punctuation of ``text[lo:hi]``, entities inside replaced by ``<LABEL>``.
    ``ents`` are sorted and do not overlap, so the ones inside are found by bisection: a sentence of
    thousands of entities (a long list without a full stop) costs no more per pair than a short one."""
    out, cur = [], lo
    for k in range(bisect.bisect_right(ents, lo, key=lambda x: x.end), len(ents)):
        e = ents[k]
        if e.start >= hi:
            break
        out.extend(w.lower() for w in _WORD.findall(text[cur:max(cur, e.start)]))
        out.append("<" + e.label[:3] + ">")
        cur = max(cur, e.end)
    out.extend(w.lower() for w in _WORD.findall(text[cur:hi]))
    return out


# first syllables of verbs whose subject is the title itself ("Thủ tướng ký / quyết định / bổ nhiệm ...")
_AGENT_VERBS = frozenset({
    "ký", "quyết", "bổ", "phê", "trao", "giao", "chỉ", "yêu", "cách", "kỷ", "đề", "nhấn", "cho", "phát", "chủ",
    "tặng", "gửi", "thăm", "tiếp", "làm", "khen", "đã", "vừa", "sẽ", "có", "đánh", "kết", "điều", "miễn", "công",
    "thay", "ra", "mời", "dự", "trình", "báo", "đọc", "nói"})


def pair_features(text: str, ents: list[Entity], nodes: list, p: int, t: int, rule: bool) -> dict[str, float]:
    """Features of the pair (``nodes[p]`` a PERSON, ``nodes[t]`` a title) inside one sentence."""
    person, title = nodes[p], nodes[t]
    fwd = t < p  # title first
    d = "T>P" if fwd else "P>T"
    lo, hi = (title.end, person.start) if fwd else (person.end, title.start)
    gap = _words(text, lo, hi, ents)
    between = nodes[min(p, t) + 1:max(p, t)]
    n_per = sum(isinstance(n, Entity) for n in between)
    n_tit = len(between) - n_per
    f: dict[str, float] = {f"dir={d}": 1.0, f"{d}:nper={min(n_per, 3)}": 1.0, f"{d}:ntit={min(n_tit, 4)}": 1.0,
                           f"rule={rule}": 1.0, f"{d}:rule={rule}": 1.0}
    if len(gap) <= 8:
        f[f"{d}:gap=" + " ".join(gap)] = 1.0
    else:
        f[f"{d}:gaplong"] = 1.0
        f[f"{d}:gaphead=" + " ".join(gap[:3])] = 1.0
        f[f"{d}:gaptail=" + " ".join(gap[-3:])] = 1.0
    for w in set(gap):
        f[f"{d}:w={w}"] = 1.0
    for a, b in zip(gap, gap[1:]):
        f[f"{d}:bi={a}_{b}"] = 1.0
    f[f"{d}:len={min(len(gap), 20) // 3}"] = 1.0
    before_t = _words(text, max(0, title.start - 30), title.start, ents)[-2:]
    before_p = _words(text, max(0, person.start - 30), person.start, ents)[-2:]
    after_p = _words(text, person.end, person.end + 30, ents)[:2]
    after_t = _words(text, title.end, title.end + 30, ents)[:2]
    f[f"{d}:bt=" + " ".join(before_t)] = 1.0
    f[f"{d}:bp=" + " ".join(before_p)] = 1.0
    f[f"{d}:ap=" + " ".join(after_p)] = 1.0
    f[f"{d}:at=" + " ".join(after_t)] = 1.0
    if before_t:
        f[f"{d}:bt1=" + before_t[-1]] = 1.0
    if after_p:
        f[f"{d}:ap1=" + after_p[0]] = 1.0
    # a bare title acting on someone ("Thủ tướng ký quyết định ... ông A", "A được Thủ tướng bổ nhiệm")
    if title.organization is None and after_t and after_t[0] in _AGENT_VERBS:
        f[f"{d}:agent"] = 1.0
    if before_t and before_t[-1] in ("được", "bị", "do", "của"):
        f[f"{d}:passive_t={before_t[-1]}"] = 1.0
    # nearest on its side; the title's own words (a lone "Thủ tướng" mostly names no one in the sentence)
    f[f"{d}:adjacent={len(between) == 0}"] = 1.0
    head = " ".join(title.position.text.lower().split())
    f[f"{d}:title={head}:org={title.organization is not None}:adjacent={len(between) == 0}"] = 1.0
    f[f"title={head}"] = 1.0
    f[f"org={title.organization is not None}"] = 1.0
    return f


def _candidates(text: str, ents: list[Entity]):
    """``(nodes, pairs)`` of one sentence: pairs ``(p, t, rule_says_linked)`` of a person and a title."""
    titles = _titles(text, ents)
    persons = [e for e in ents if e.label == "PERSON"]
    if not titles or not persons:
        return [], []
    nodes = sorted([*persons, *titles], key=lambda n: n.start)
    ruled = {(id(r.person), id(r.position)) for r in _link_sentence(text, ents, titles=titles)}
    pairs = []
    for p, n in enumerate(nodes):
        if not isinstance(n, Entity):
            continue
        for step in (-1, 1):  # outwards from the person, up to _MAX_GAP characters away
            t = p + step
            while 0 <= t < len(nodes) and (n.start - nodes[t].end if step < 0 else nodes[t].start - n.end) <= _MAX_GAP:
                m = nodes[t]
                if not isinstance(m, Entity):
                    pairs.append((p, t, (id(n), id(m.position)) in ruled))
                t += step
    pairs.sort(key=lambda x: (x[1], x[0]))
    return nodes, pairs


def _sentences(text: str, entities: Sequence[Entity]):
    ents = sorted((e for e in entities if e.label in ("PERSON", "POSITION", "ORGANIZATION")),
                  key=lambda e: (e.start, e.end))
    if not any(e.label == "POSITION" for e in ents) or not any(e.label == "PERSON" for e in ents):
        return
    k = 0
    for s_start, s_end in sentence_bounds(text):
        while k < len(ents) and ents[k].start < s_start:
            k += 1
        j = k
        while j < len(ents) and ents[j].start < s_end:
            j += 1
        if j > k:
            yield ents[k:j]
        k = j


def _score(features: dict[str, float], weights: dict[str, float], bias: float) -> float:
    import math

    z = bias + sum(weights.get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


THRESHOLD = 0.4  # chosen on 5-fold CV of train and on dev (training.modeling.train_positions)
COORD_THRESHOLD = 0.05  # a person listed with the chosen one needs at least this for the same title


WEIGHTS_FILE = Path(__file__).with_name("positions_weights.json")


@functools.lru_cache(maxsize=1)
def _learned_weights() -> tuple[dict[str, float], float]:
    """The pair classifier's weights (``python -m training.modeling.train_positions`` writes them)."""
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return data["weights"], data["bias"]


def _next_item(text: str, nodes: list, q: int, step: int, items: bool) -> int | None:
    """The person of the list item next to the person ``nodes[q]`` (``step`` ±1): only ``,``/``và``/``;``
    and honorifics between, or the first person's own appositive titles (``ông A - T1 O1; ông B``)."""
    if step > 0:
        k = q + 1
        after = text[nodes[q].end:nodes[k].start] if k < len(nodes) else ""
        if items and after.strip(" \t\u00a0").startswith("("):  # "ông A (anything), ông B"
            close = text.find(")", nodes[q].end, nodes[q].end + 200)
            while close >= 0 and k < len(nodes) and nodes[k].start < close:
                k += 1
            if close >= 0 and k < len(nodes) and isinstance(nodes[k], Entity) \
                    and _ITEM_END.match(text[close:nodes[k].start]):
                return k
            return None
        if k < len(nodes) and not isinstance(nodes[k], Entity):
            if not items or not _APPOS.match(text[nodes[q].end:nodes[k].start]):
                return None
            while k + 1 < len(nodes) and not isinstance(nodes[k + 1], Entity) \
                    and _CHAIN.match(text[nodes[k].end:nodes[k + 1].start]):
                k += 1
            if k + 1 >= len(nodes) or not _ITEM_END.match(text[nodes[k].end:nodes[k + 1].start]):
                return None
            return k + 1
        if k < len(nodes) and _COORD.match(text[nodes[q].end:nodes[k].start]):
            return k
        return None
    k = q - 1
    if k >= 0 and isinstance(nodes[k], Entity):
        return k if _COORD.match(text[nodes[k].end:nodes[q].start]) else None
    lead = text[nodes[k].end if k >= 0 else 0:nodes[q].start]
    if items and ")" in lead:  # "ông A (anything); ông B"
        close = nodes[q].start - len(lead) + lead.rindex(")")
        open_ = text.rfind("(", max(0, close - 200), close)
        if open_ < 0 or not _ITEM_END.match(text[close:nodes[q].start]):
            return None
        while k >= 0 and nodes[k].end > open_:
            k -= 1
        ok = k >= 0 and isinstance(nodes[k], Entity) and not text[nodes[k].end:open_].strip(" \t\u00a0")
        return k if ok else None
    if k < 0 or not items or not _ITEM_END.match(text[nodes[k].end:nodes[q].start]):
        return None
    while k - 1 >= 0 and not isinstance(nodes[k - 1], Entity) and _CHAIN.match(text[nodes[k - 1].end:nodes[k].start]):
        k -= 1
    if k - 1 >= 0 and isinstance(nodes[k - 1], Entity) and _APPOS.match(text[nodes[k - 1].end:nodes[k].start]):
        return k - 1
    return None


def _coordinated(text: str, nodes: list, p: int, t: int, probs: dict[int, float]) -> list[int]:
    """``p`` and the persons listed with it, away from the title ``t``, whose own probability for the
    same title passes :data:`COORD_THRESHOLD` (``chức T đối với bà A, B, C``, ``hai ông A và B giữ chức T``)."""
    out = [p]
    step = 1 if t < p else -1
    gap = text[nodes[t].end:nodes[p].start] if step > 0 else text[nodes[p].end:nodes[t].start]
    # a title in apposition names one person ("Bí thư Tỉnh ủy A, ông B"; "A, Bí thư ..."), unless plural
    plural = step > 0 and _PLURAL.search(text[max(0, nodes[t].start - 12):nodes[t].start])
    if (_FORWARD_TIGHT.match(gap) if step > 0 else _BACKWARD_PUNCT.match(gap)) and not plural:
        return out
    # list items with their own titles share it only when the title is given to the list as a whole:
    # "chức T đối với ông A - T1; ông B - T2", "A (T1); B (T2) được giới thiệu vào vị trí T"
    items = bool(_LIST_INTRO.search(gap)) if step > 0 else bool(_PREDICATE.search(gap))
    # away from the title, then back towards it: the chosen person may close the list ("chức T đối với các
    # ông A, B và C" with C the most probable); never past the title
    for direction in (step, -step):
        q = p
        while (n := _next_item(text, nodes, q, direction, items)) is not None and (n - t) * step > 0 \
                and probs.get(n, 0.0) >= COORD_THRESHOLD:
            q = n
            out.append(q)
    return sorted(out)


def _link_learned(text: str, ents: list[Entity], weights: dict[str, float], bias: float) -> list[PositionHeld]:
    """The pair classifier on one sentence: each title takes its most probable person when that passes
    :data:`THRESHOLD`; a title chained to a linked one (``A, T1, T2``; ``T1, T2 A``) shares its person; the
    persons listed with the chosen one (:func:`_coordinated`) get the title too."""
    nodes, pairs = _candidates(text, ents)
    scores = [_score(pair_features(text, ents, nodes, p, t, rule), weights, bias) for p, t, rule in pairs]
    return _decode_pairs(text, nodes, pairs, scores)


def _decode_pairs(text: str, nodes: list, pairs: list, scores: Sequence[float]) -> list[PositionHeld]:
    """Records of one sentence from the probability of each candidate pair (``scores[i]`` for ``pairs[i]``),
    see :func:`_link_learned`."""
    best: dict[int, tuple[float, int]] = {}
    probs: dict[int, dict[int, float]] = {}
    for (p, t, _), prob in zip(pairs, scores, strict=True):
        probs.setdefault(t, {})[p] = prob
        if prob >= THRESHOLD and (t not in best or prob > best[t][0]):
            best[t] = (prob, p)
    for order, step in ((range(1, len(nodes)), -1), (range(len(nodes) - 2, -1, -1), 1)):
        for t in order:
            if t in best or isinstance(nodes[t], Entity) or (t + step) not in best:
                continue
            p = best[t + step][1]
            a, b = sorted((t, t + step))
            if (p - (t + step)) * step > 0 and _CHAIN.match(text[nodes[a].end:nodes[b].start]):
                best[t] = (probs.get(t, {}).get(p, 0.0), p)
    return [PositionHeld(nodes[p], nodes[t].position, nodes[t].organization, _former(text, nodes, t))
            for t in sorted(best) for p in _coordinated(text, nodes, best[t][1], t, probs.get(t, {}))]


def in_view(text: str, entities: Sequence[Entity]) -> tuple[str, list[Entity], dict[Entity, Entity]]:
    """``text`` as the tagger reads it (:func:`vnner.pipeline.text.normalize`: NFC, one tone-mark
    convention, format characters as spaces), its ``entities`` moved onto it, and the way back
    (view entity -> caller's entity).  The linker's words, rules and weights see "Ủy ban" and "Uỷ ban",
    or a decomposed (NFD) article, alike; training reads its examples through the same function."""
    from vnner.pipeline.text import normalize

    view = normalize(text)
    if view.text == text:
        return text, list(entities), {e: e for e in entities}
    back: dict[Entity, Entity] = {}
    for e in entities:
        start, end = view.from_original(e.start, e.end)
        back.setdefault(Entity(view.text[start:end], e.label, start, end, e.score), e)
    return view.text, list(back), back


def _check_entities(text: str, entities: Sequence[Entity]) -> None:
    """Entities that do not belong to ``text`` would link nothing, silently: say which one is wrong."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if isinstance(entities, (str, bytes)) or not isinstance(entities, Sequence):
        raise TypeError(f"entities must be a list of vnner.Entity, got {type(entities).__name__}")
    for k, e in enumerate(entities):
        if not isinstance(e, Entity):
            raise TypeError(f"entities[{k}] is {type(e).__name__}, expected vnner.Entity "
                            "(text, label, start, end, score)")
        if not 0 <= e.start < e.end <= len(text):
            raise ValueError(f"entities[{k}] ({e.label} {e.text!r}) spans {e.start}-{e.end}, outside the "
                             f"text's 0-{len(text)}: entities from another text?")
        if text[e.start:e.end] != e.text:
            raise ValueError(f"entities[{k}] ({e.label} {e.text!r}) spans {e.start}-{e.end}, where the text "
                             f"reads {text[e.start:e.end]!r}: entities from another text?")


def link_positions(text: str, entities: Sequence[Entity], *, method: str = "learned",
                   _weights: tuple[dict[str, float], float] | None = None) -> list[PositionHeld]:
    """Positions held that ``text`` states, from its ``entities`` (sorted or not), one record per title
    and person, in text order, never across sentences.  ``method="rules"`` uses the rules alone;
    ``"learned"`` (default) scores every person-title pair of a sentence with a logistic model
    trained on the train split's relations (rules' verdict as a feature), see :func:`_link_learned`.
    The text is read through the tagger's normalised view (:func:`in_view`); the records hold the
    caller's own entities.  An entity that is not ``text[start:end]`` raises ``ValueError`` naming it,
    anything but a list of :class:`Entity` ``TypeError``.  ``_weights`` replaces the shipped weights
    (cross-validation in training)."""
    out: list[PositionHeld] = []
    if method not in ("learned", "rules"):
        raise ValueError(f"method must be 'learned' or 'rules', got {method!r}")
    _check_entities(text, entities)
    weights, bias = (_weights or _learned_weights()) if method == "learned" else (None, 0.0)
    view, view_entities, back = in_view(text, entities)
    for ents in _sentences(view, view_entities):
        out.extend(_link_sentence(view, ents) if weights is None else _link_learned(view, ents, weights, bias))
    seen, unique = set(), []
    for r in out:
        rec = PositionHeld(back[r.person], back[r.position], r.organization and back[r.organization], r.former)
        key = (rec.person, rec.position, rec.organization)
        if key not in seen:
            seen.add(key)
            unique.append(rec)
    return unique


def positions_held(texts: str | Sequence[str], *, model=None, batch_size: int = 32):
    """Positions held in ``texts`` (a str gives a list, a list of str a list of lists): the entities of one
    model run per document (``model``: a :class:`vnner.NerModel`, a path or Hub id, ``None`` for the
    embedded default), then :func:`link_positions`."""
    from vnner import load_model
    from vnner.model import NerModel, check_batch_size, check_texts

    if not isinstance(texts, str):
        check_texts(texts)
    check_batch_size(batch_size)
    nm = model if isinstance(model, NerModel) else load_model(model)
    if isinstance(texts, str):
        return link_positions(texts, nm.predict(texts, batch_size=batch_size))
    texts = list(texts)
    results = nm.predict(texts, batch_size=batch_size)
    return [link_positions(t, ents) for t, ents in zip(texts, results)]
