"""A linear-chain CRF over syllables (python-crfsuite): the benchmark's baseline and the
default model's second opinion.

Lexical, shape and context features of each syllable.  It reads text through
the same view and syllable segmentation as vnner, so its spans are scored like
for like with the neural models; and its per-syllable tag marginals
(:meth:`CrfTagger.marginals`) can be averaged into a syllable-resolution model's
probabilities before decoding (``NerModel`` does so when its folder holds
``crf.crfsuite``; see ``config.vnner_crf_weight``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from vnner.pipeline.decode import bio_spans, trim_edges
from vnner.pipeline.inputs import syllable_tokens, tag_syllables

CRF_FILE = "crf.crfsuite"


def _shape(token: str) -> str:
    """``Nghệ`` -> ``Xxxx``, ``2/3`` -> ``d/d``, ``UBND`` -> ``XX``: case by Unicode, runs cut at two."""
    s = "".join("X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c for c in token)
    return re.sub(r"(.)\1+", r"\1\1", s)


@lru_cache(maxsize=8_192)  # 300 news articles hold 3,774 distinct syllables; numbers and names pass through
def _own(token: str) -> tuple[str, float, dict[str, float | str]]:
    """What a syllable contributes whatever its neighbours: lower case, title flag, own features.
    Cached: news repeats its syllables, and the regular expressions of the shape are the cost."""
    low = token.lower()
    title = float(token[:1].isupper())
    return low, title, {
        "bias": 1.0, "w": low, "shape": _shape(token), "pre2": low[:2], "suf2": low[-2:], "title": title,
        "upper": float(token.isupper()), "digit": float(any(c.isdigit() for c in token)),
        "punct": float(not any(c.isalnum() for c in token)),
    }


def sentence_features(tokens: list[str]) -> list[dict]:
    """Each syllable's own features plus its neighbours' (two each side) and the two bigrams."""
    own = [_own(t) for t in tokens]
    n = len(tokens)
    out = []
    for i, (low, _, base) in enumerate(own):
        f = dict(base)
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                f[f"w{off}"] = own[j][0]
                f[f"title{off}"] = own[j][1]
            else:
                f[f"w{off}"] = "<pad>"
        if i > 0:
            f["bi-1"] = own[i - 1][0] + " " + low
        if i + 1 < n:
            f["bi+1"] = low + " " + own[i + 1][0]
        out.append(f)
    return out


def _sentences(text: str, spans: list[tuple[int, int, str]]):
    """(view tokens, IOB2 tags) per sentence."""
    sentences = syllable_tokens(text)
    tagged, _ = tag_syllables([[(s, e) for _, s, e in sent] for sent in sentences], spans)
    for sent, rows in zip(sentences, tagged):
        yield [tok for tok, _, _ in sent], [t for _, _, t in rows]


def train_crf(docs: list[dict], path: str | Path, *, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 200):
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for doc in docs:
        spans = [(e["start"], e["end"], e["label"]) for e in doc["entities"]]
        for tokens, tags in _sentences(doc["text"], spans):
            trainer.append(sentence_features(tokens), tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    trainer.train(str(path))
    return Path(path)


class CrfTagger:
    def __init__(self, path: str | Path) -> None:
        import pycrfsuite

        self.tagger = pycrfsuite.Tagger()
        try:
            self.tagger.open(str(path))
        except Exception as exc:  # crfsuite's own error says only "Cannot open model file"
            raise ValueError(f"{path}: not a CRFsuite model ({exc})") from exc
        self.known = set(self.tagger.labels())

    def marginals(self, tokens: list[str], labels: list[str]) -> np.ndarray:
        """``[len(tokens), len(labels)]``: each syllable's tag marginals in ``labels`` order (0 for a tag the
        CRF never saw).  ``tokens`` are one sentence's syllables as the view spells them."""
        out = np.zeros((len(tokens), len(labels)), dtype=np.float32)
        if not tokens:
            return out
        self.tagger.set(sentence_features(tokens))
        for j, tag in enumerate(labels):
            if tag in self.known:
                out[:, j] = [self.tagger.marginal(tag, i) for i in range(len(tokens))]
        return out

    def predict_spans(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        for sent in syllable_tokens(text):
            tags = self.tagger.tag(sentence_features([tok for tok, _, _ in sent]))
            for a, b, label in bio_spans(tags):
                start, end = trim_edges(text, sent[a][1], sent[b - 1][2])
                if start < end:
                    out.append((start, end, label))
        return out
