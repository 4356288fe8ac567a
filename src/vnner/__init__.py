"""vnner: named entities in Vietnamese government and Party news.

    >>> from vnner import predict
    >>> predict("Đồng chí Thái Thanh Quý, Bí thư Tỉnh ủy Nghệ An ...")  # doctest: +SKIP
    [Entity(text='Thái Thanh Quý', label='PERSON', start=9, end=23, score=0.99), ...]
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from vnner.html import render_html
from vnner.model import DEFAULT_MODEL_DIR, ModelError, NerModel
from vnner.pipeline.decode import Entity
from vnner.positions import PositionHeld, positions_held

__all__ = ["Entity", "ModelError", "NerModel", "PositionHeld", "load_model", "positions_held", "predict",
           "render_html"]
__version__ = "0.1.0"

_loaded: dict[tuple[str, str | None], NerModel] = {}


DEFAULT_NAME = "default"


def load_model(name_or_path: str | os.PathLike | None = None, *, device: str | None = None,
               threads: int | None = None, cache: bool = True) -> NerModel:
    """Load a checkpoint (a local directory or a Hugging Face Hub id).

    ``None`` or the name ``"default"`` means the default model embedded in the package (write
    ``"./default"`` for a local directory of that name).  A path that does not exist raises
    ``FileNotFoundError`` without asking the Hub (see :func:`vnner.model.looks_local` for what
    counts as a path); ``HF_HUB_OFFLINE=1`` is honoured.  Models are cached, so repeated calls
    (and ``predict`` without ``model=``) load each one once; ``cache=False`` loads a fresh copy that
    nothing keeps.  ``threads`` caps an exported model's ONNX Runtime threads (default: one per core;
    see :mod:`vnner.parallel` for several processes).
    """
    if name_or_path is not None and not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError(f"model must be a NerModel, a path or a Hub id, got {type(name_or_path).__name__}")
    if name_or_path is None or (isinstance(name_or_path, str) and name_or_path == DEFAULT_NAME):
        if not (DEFAULT_MODEL_DIR / "config.json").is_file():
            raise ModelError(
                "this vnner build embeds no default model yet: pass a checkpoint, "
                "e.g. load_model('path/to/model') or predict(text, model='path/to/model')"
            )
        name_or_path = str(DEFAULT_MODEL_DIR)
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be a positive int or None, got {threads!r}")
    key = (str(name_or_path), device, threads)
    if not cache:
        return NerModel.from_pretrained(name_or_path, device=device, threads=threads)
    if key not in _loaded:
        _loaded[key] = NerModel.from_pretrained(name_or_path, device=device, threads=threads)
    return _loaded[key]


def predict(texts: str | Sequence[str], *, model: NerModel | str | None = None,
            batch_size: int = 32) -> list[Entity] | list[list[Entity]]:
    """Entities in ``texts`` (a str gives a list; a list of str gives a list of lists).

    ``texts`` may be any sequence of str (list, tuple; not str/bytes), see
    :meth:`NerModel.predict`.  ``model`` is a :class:`NerModel`, a checkpoint path or Hub id,
    or ``None`` (or ``"default"``) for the embedded default model.  ``batch_size`` (an int >= 1)
    only trades speed for memory: the entities do not depend on it.
    """
    from vnner.model import check_batch_size, check_texts

    if not isinstance(texts, str):
        check_texts(texts)  # fail on bad input before loading any model
    check_batch_size(batch_size)
    nm = model if isinstance(model, NerModel) else load_model(model)
    return nm.predict(texts, batch_size=batch_size)
