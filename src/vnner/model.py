"""Stage 5: the model, its loading checks, and ``NerModel.predict`` (the whole pipeline).

Documents arrive as chunks of whole sentences (:mod:`vnner.pipeline.inputs`), so memory
stays bounded however long an article is; windows from many chunks and
documents are batched together, sorted by length to minimise padding.

Two runtimes compute the logits: transformers + torch for any checkpoint (training output, Hub
ids), and ONNX Runtime for exported ones like the embedded default (:mod:`vnner.onnx_model`).
torch is imported only on the first path, so the default model starts without it.
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vnner.onnx_model import ONNX_FILE, OnnxTokenClassifier, OnnxTokenizer
from vnner.pipeline import inputs
from vnner.pipeline.decode import Entity, bio_spans, mix, resolve_overlaps, trim_edges, viterbi
from vnner.pipeline.inputs import Chunk, InputBuilder

DEFAULT_MODEL_DIR = Path(__file__).parent / "default_model"
# Windows gathered (across chunks and documents) before running the model.
PENDING_WINDOWS = 256
# Padded tokens per model call, whatever batch_size: activation memory grows with rows x width
# (and attention with width squared), so long windows go fewer at a time.
MAX_BATCH_TOKENS = 1024
DECODINGS = ("viterbi", "argmax")
_TAG = re.compile(r"^(O|[BI]-\S+)$")


class ModelError(ValueError):
    """A checkpoint that cannot be used: the message says which file or setting is wrong."""


def check_labels(id2label: dict, where: str, slots: int = 1) -> list[str]:
    """The BIO tags in id order (one slot's worth), checked.

    A syllable-resolution checkpoint (``config.vnner_syllable_slots`` = S > 1) has S blocks of
    the same tags: output ``j * T + i`` is tag ``i`` for syllable ``j + 1`` of a word, named
    ``"<tag>@<j + 1>"`` from the second block on (``"B-PERSON@2"``).
    """
    if not id2label:
        raise ModelError(f"{where}: config has no id2label; a token-classification checkpoint with BIO labels "
                         "is needed")
    names = [str(id2label[i]) for i in sorted(id2label)]
    if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1 or len(names) % slots:
        raise ModelError(f"{where}: config.vnner_syllable_slots must be a positive int dividing the "
                         f"{len(names)} labels, not {slots!r}")
    n = len(names) // slots
    labels = names[:n]
    bad = [lab for lab in labels if not _TAG.match(lab)]
    if bad or "O" not in labels:
        raise ModelError(f"{where}: id2label is not a BIO scheme (need 'O' and B-X/I-X tags); "
                         f"offending labels: {bad or labels}")
    expected = labels + [f"{lab}@{j + 1}" for j in range(1, slots) for lab in labels]
    if names != expected:
        wrong = next(i for i, (a, b) in enumerate(zip(names, expected)) if a != b)
        raise ModelError(f"{where}: id2label[{wrong}] is {names[wrong]!r}, expected {expected[wrong]!r} "
                         f"for {slots} syllable slots")
    return labels


def slot_labels(labels: list[str], slots: int) -> list[str]:
    """The id2label names of a checkpoint with ``slots`` syllable slots (see :func:`check_labels`)."""
    return list(labels) + [f"{lab}@{j + 1}" for j in range(1, slots) for lab in labels]


def max_input_length(config, tokenizer) -> int:
    """Longest input (special tokens included) the model and tokenizer both accept."""
    positions = getattr(config, "max_position_embeddings", 512)
    if config.model_type in ("roberta", "xlm-roberta", "camembert", "bertweet"):
        positions -= (config.pad_token_id or 0) + 1  # RoBERTa position ids start after padding_idx
    tok_max = getattr(tokenizer, "model_max_length", positions) or positions
    return int(min(positions, tok_max))


class NerModel:
    """A token-classification checkpoint wrapped with vnner's text pipeline."""

    def __init__(self, model, tokenizer, *, device: str | None = None, source: str = "<in memory>",
                 crf=None) -> None:
        config = model.config
        self.source = source
        # Label resolution: 1 slot = one label per word; S slots = one per syllable (see vnner.pipeline.inputs).
        self.slots = getattr(config, "vnner_syllable_slots", 1)
        self.labels = check_labels(config.id2label, source, self.slots)
        # For a syllable past the last slot: B-X's probability moves to I-X (it continues, never starts).
        self._fold = [(i, self.labels.index("I-" + lab[2:])) for i, lab in enumerate(self.labels)
                      if lab.startswith("B-") and "I-" + lab[2:] in self.labels]
        vocab = len(tokenizer)
        if vocab > config.vocab_size:
            raise ModelError(f"{source}: the tokenizer has {vocab} ids but the model's embedding has only "
                             f"{config.vocab_size}: tokenizer and model do not belong together")
        for name in ("cls_token_id", "sep_token_id", "pad_token_id"):
            if getattr(tokenizer, name) is None:
                raise ModelError(f"{source}: the tokenizer defines no {name.removesuffix('_id')} token")
        self.tokenizer = tokenizer
        # "viterbi": the best valid BIO sequence per sentence; "argmax": each unit's best tag, then BIO repair.
        self.decoding = getattr(config, "vnner_decoding", "viterbi")
        if self.decoding not in DECODINGS:
            raise ModelError(f"{source}: config.vnner_decoding must be one of {DECODINGS}, not {self.decoding!r}")
        # A second opinion: a syllable CRF's marginals averaged into the probabilities (vnner.crf).
        self.crf = crf
        self.crf_weight = float(getattr(config, "vnner_crf_weight", 0.5)) if crf is not None else 0.0
        if not 0.0 <= self.crf_weight <= 1.0:
            raise ModelError(f"{source}: config.vnner_crf_weight must be in [0, 1], not {self.crf_weight}")
        # PhoBERT-style checkpoints read word-segmented input ("Bí_thư"); others may read syllables.
        self.units = getattr(config, "vnner_units", "words")
        if self.units not in ("words", "syllables"):
            raise ModelError(f"{source}: config.vnner_units must be 'words' or 'syllables', not {self.units!r}")
        self.max_length = max_input_length(config, tokenizer)
        self.inputs = InputBuilder(tokenizer, units=self.units, max_length=self.max_length, slots=self.slots)
        if isinstance(model, OnnxTokenClassifier):
            if device not in (None, "cpu"):
                raise ModelError(f"{source}: an exported (ONNX) model runs on the CPU only, not on {device!r}")
            self.device = "cpu"
            self.model = model
        else:
            import torch

            self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
            self.model = model.to(self.device).eval()

    @classmethod
    def from_pretrained(cls, name_or_path: str | os.PathLike, *, device: str | None = None,
                        threads: int | None = None) -> NerModel:
        """Load a checkpoint directory (exported ONNX or transformers) or a Hugging Face Hub id.

        ``threads`` caps the CPU threads of an exported model's ONNX Runtime session (default: one per
        core), so that several worker processes can share the cores; torch models use torch's setting.

        An argument that names a local path (see :func:`looks_local`) and does not exist raises
        ``FileNotFoundError`` at once, without asking the Hub.  A Hub id is loaded by transformers;
        ``HF_HUB_OFFLINE=1`` limits it to the local cache, and a Hub that cannot be reached gives a
        one-line :class:`ModelError` (unless the model is already cached, which is then used).
        """
        source = os.fspath(name_or_path)
        path = Path(source).expanduser()
        if not path.exists():
            if isinstance(name_or_path, os.PathLike) or looks_local(source):
                raise FileNotFoundError(f"model path {source} does not exist")
            return cls._from_hub(source, device=device)
        if not path.is_dir():
            raise ModelError(f"{source}: not a directory; expected a saved Hugging Face checkpoint directory")
        if not (path / "config.json").is_file():
            raise ModelError(f"{source}: no config.json here; expected a saved Hugging Face checkpoint directory")
        crf = _load_crf(path)
        if (path / ONNX_FILE).is_file():
            try:
                return cls(OnnxTokenClassifier(path, threads=threads), OnnxTokenizer(path), device=device,
                           source=source, crf=crf)
            except ModelError:
                raise
            except Exception as exc:  # onnxruntime, tokenizers and json raise their own classes
                raise ModelError(f"cannot load exported model {source!r}: {exc}") from exc
        return cls._from_transformers(str(path), source, device=device, crf=crf)

    @classmethod
    def _from_transformers(cls, where: str, source: str, *, device: str | None, crf=None, **kwargs) -> NerModel:
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        bars_were_on = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # a bar per load is noise for a library call
        try:
            tokenizer = AutoTokenizer.from_pretrained(where, **kwargs)
            # float32 whatever the stored dtype: a checkpoint saved in half precision would load as
            # such, and CPUs compute float16 slowly or not at all.
            model = AutoModelForTokenClassification.from_pretrained(where, dtype=torch.float32, **kwargs)
        except OSError as exc:
            raise ModelError(f"cannot load model {source!r}: {_first_line(exc)}") from exc
        finally:
            if bars_were_on:
                hf_logging.enable_progress_bar()
        return cls(model, tokenizer, device=device, source=source, crf=crf)

    @classmethod
    def _from_hub(cls, repo_id: str, *, device: str | None) -> NerModel:
        if _hub_offline():
            try:
                return cls._from_transformers(repo_id, repo_id, device=device, local_files_only=True)
            except ModelError as exc:
                raise ModelError(f"cannot load model {repo_id!r}: not a local directory; HF_HUB_OFFLINE=1 "
                                 "allows only the Hugging Face cache, which does not hold it") from exc.__cause__
        problem = _hub_problem(repo_id)
        if problem is None:
            return cls._from_transformers(repo_id, repo_id, device=device)
        try:  # the Hub is out of reach: a cached copy still serves
            return cls._from_transformers(repo_id, repo_id, device=device, local_files_only=True)
        except ModelError:
            raise ModelError(f"cannot load model {repo_id!r}: {problem}") from None

    # ---- the pipeline ---------------------------------------------------------------

    def _logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if isinstance(self.model, OnnxTokenClassifier):
            return self.model.logits(ids, mask)
        import torch

        with torch.inference_mode():
            out = self.model(input_ids=torch.from_numpy(ids).to(self.device),
                             attention_mask=torch.from_numpy(mask).to(self.device)).logits
        return out.float().cpu().numpy()

    def _run(self, chunks: list[Chunk], batch_size: int) -> None:
        """Fill each chunk's per-unit probabilities."""
        jobs = [(c, w) for c in chunks for w in c.windows]
        jobs.sort(key=lambda job: len(job[1].input_ids))
        n_labels = len(self.labels)
        per_word = {id(c): np.zeros((len(c.words), self.slots, n_labels), dtype=np.float32) for c in chunks}
        pad = self.tokenizer.pad_token_id
        for batch in _batches(jobs, batch_size):
            width = len(batch[-1][1].input_ids)  # jobs are sorted by length
            ids = np.full((len(batch), width), pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, (_, w) in enumerate(batch):
                ids[row, :len(w.input_ids)] = w.input_ids
                mask[row, :len(w.input_ids)] = 1
            logits = self._logits(ids, mask).reshape(len(batch), width, self.slots, n_labels)
            logits = np.exp(logits - logits.max(axis=-1, keepdims=True))
            probs = logits / logits.sum(axis=-1, keepdims=True)
            for row, (c, w) in enumerate(batch):
                own = slice(w.own_lo - w.lo, w.own_hi - w.lo)
                per_word[id(c)][w.own_lo:w.own_hi] = probs[row, w.first[own]]
        for c in chunks:
            c.probs = per_word[id(c)][c.unit_word, c.unit_slot]
            beyond = np.asarray(c.unit_beyond, dtype=bool)
            if beyond.any():
                for b, i in self._fold:
                    c.probs[beyond, i] += c.probs[beyond, b]
                    c.probs[beyond, b] = 0.0
            if self.crf_weight > 0:
                c.probs = mix(c.probs, self._crf_marginals(c), self.crf_weight)

    def _crf_marginals(self, chunk: Chunk) -> np.ndarray:
        """The CRF's tag marginals at each unit's first syllable, sentence by sentence."""
        text, out = chunk.view.text, np.zeros_like(chunk.probs)
        cuts = sorted({0, len(chunk.units), *chunk.sentence_starts})
        for a, b in zip(cuts, cuts[1:]):
            words = range(chunk.unit_word[a], chunk.unit_word[b - 1] + 1)
            syllables = [s for k in words for s in chunk.words[k].syllables]
            m = self.crf.marginals([text[s:e] for s, e in syllables], self.labels)
            row = {s: i for i, (s, _) in enumerate(syllables)}
            out[a:b] = m[[row[chunk.units[u].start] for u in range(a, b)]]
        return out

    def _decode(self, chunk: Chunk) -> list[Entity]:
        if self.decoding == "viterbi":
            best = viterbi(chunk.probs, self.labels, chunk.sentence_starts)
        else:
            best = chunk.probs.argmax(axis=1)
        score = chunk.probs[np.arange(len(best)), best]
        tags = [self.labels[i] for i in best]
        entities = []
        for a, b, label in bio_spans(tags, chunk.sentence_starts):
            start, end = trim_edges(chunk.view.original, *chunk.original_span(a, b - 1))
            if start < end:
                entities.append(Entity(chunk.view.original[start:end], label, start, end, float(score[a:b].mean())))
        return entities

    def unit_probabilities(self, texts: Sequence[str], *, batch_size: int = 32
                           ) -> list[tuple[list[Entity], np.ndarray, np.ndarray]]:
        """Entities of each text plus the tag distributions behind them, for distillation.

        Per text ``(entities, starts, probs)``: ``starts[k]`` is the offset in the text where the
        model's k-th unit (word or syllable, per ``config.vnner_units``) begins and ``probs[k]`` its
        probabilities over ``self.labels``. A student with other units looks its units up by offset.
        """
        docs = check_texts(texts)
        batch_size = check_batch_size(batch_size)
        per_doc = [list(self.inputs.iter_chunks(i, t, chunk_words=inputs.CHUNK_WORDS)) for i, t in enumerate(docs)]
        self._run([c for mine in per_doc for c in mine], batch_size)
        out = []
        for mine in per_doc:
            found = [e for c in mine for e in self._decode(c)]
            entities = resolve_overlaps(found, mine[0].view.original) if mine else []
            starts = np.array([c.original_span(k, k)[0] for c in mine for k in range(len(c.units))], dtype=np.int64)
            probs = (np.concatenate([c.probs for c in mine]) if mine
                     else np.zeros((0, len(self.labels)), dtype=np.float32))
            out.append((entities, starts, probs))
        return out

    def positions_held(self, texts: str | Sequence[str], *, batch_size: int = 32):
        """Positions held in ``texts`` (a str gives a list, a sequence a list of lists), linked from this
        model's entities in the same single pass as :meth:`predict` (see :mod:`vnner.positions`)."""
        from vnner.positions import positions_held

        return positions_held(texts, model=self, batch_size=batch_size)

    def predict(self, texts: str | Sequence[str], *, batch_size: int = 32,
                progress: bool = False) -> list[Entity] | list[list[Entity]]:
        """Entities of one text, or of each text of a sequence (same length and order).

        ``texts`` is a ``str`` or a sequence of ``str`` (a list, a tuple: any
        ``collections.abc.Sequence`` except ``str``/``bytes``); the answer for a sequence is a list.
        Offsets index the caller's own strings; entities are sorted by start and
        never overlap.  Each text's entities are independent of the other texts and of
        ``batch_size`` (a positive int).  ``progress`` shows a tqdm bar over documents.
        """
        single = isinstance(texts, str)
        docs = [texts] if single else check_texts(texts)
        batch_size = check_batch_size(batch_size)
        results: list[list[Entity]] = [[] for _ in docs]
        pending: list[Chunk] = []
        pending_windows = 0

        def flush() -> None:
            nonlocal pending_windows
            self._run(pending, batch_size)
            for c in pending:
                results[c.doc].extend(self._decode(c))
            pending.clear()
            pending_windows = 0

        indices = range(len(docs))
        if progress and len(docs) > 1:
            from tqdm.auto import tqdm

            indices = tqdm(indices, desc="vnner", unit="doc")
        for i in indices:
            for chunk in self.inputs.iter_chunks(i, docs[i], chunk_words=inputs.CHUNK_WORDS):
                pending.append(chunk)
                pending_windows += len(chunk.windows)
                if pending_windows >= PENDING_WINDOWS:
                    flush()
        flush()
        results = [resolve_overlaps(found, doc) for found, doc in zip(results, docs, strict=True)]
        return results[0] if single else results


def _batches(jobs: list, batch_size: int) -> list[list]:
    """Consecutive runs of length-sorted ``jobs``: at most ``batch_size`` rows and, beyond one row,
    at most :data:`MAX_BATCH_TOKENS` padded tokens."""
    out: list[list] = []
    for job in jobs:
        width = len(job[1].input_ids)
        if out and len(out[-1]) < batch_size and (len(out[-1]) + 1) * width <= MAX_BATCH_TOKENS:
            out[-1].append(job)
        else:
            out.append([job])
    return out


def _load_crf(folder: Path):
    """The folder's ``crf.crfsuite`` as a :class:`vnner.crf.CrfTagger`, or None when it has none."""
    from vnner.crf import CRF_FILE, CrfTagger

    if not (folder / CRF_FILE).is_file():
        return None
    try:
        return CrfTagger(folder / CRF_FILE)
    except ImportError as exc:
        raise ModelError(f"{folder}: holds {CRF_FILE}, which needs python-crfsuite "
                         "(pip install python-crfsuite)") from exc
    except ValueError as exc:
        raise ModelError(str(exc)) from exc


def check_texts(texts: object) -> list[str]:
    """The documents of a sequence input; anything but a sequence of str is a TypeError naming the culprit.

    Any ``collections.abc.Sequence`` (list, tuple, ...) is accepted except ``str``, ``bytes`` and
    ``bytearray``; iterators, sets and dicts are not (their order or length is not the caller's).
    """
    if isinstance(texts, (str, bytes, bytearray)) or not isinstance(texts, Sequence):
        raise TypeError(f"expected a str or a list (any sequence) of str, got {type(texts).__name__}")
    docs = list(texts)
    for i, t in enumerate(docs):
        if not isinstance(t, str):
            raise TypeError(f"texts[{i}] is {type(t).__name__}, expected str")
    return docs


def check_batch_size(batch_size: object) -> int:
    """``batch_size`` as an int >= 1: TypeError for a non-integer (bool, float, str, None), ValueError below 1."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(f"batch_size must be an int, got {type(batch_size).__name__} {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    return int(batch_size)


_HUB_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def looks_local(source: str) -> bool:
    """Whether a model argument that does not exist is a local path (not a Hub id).

    Local: it starts with ``.``, ``~`` or ``/``, holds a backslash or the OS's separator, ends in a
    separator, has more than one ``/``, is not a valid Hub name (``owner/name`` or ``name`` of letters,
    digits, ``._-``, no ``--`` or ``..``), or its first component is an existing local directory
    (``runs/compact`` where ``runs/`` exists).  Everything else is tried as a Hub id.
    """
    if not source or source.startswith((".", "~", "/")) or "\\" in source or os.sep in source.replace("/", ""):
        return True
    parts = source.split("/")
    if len(parts) > 2 or not all(_HUB_NAME.fullmatch(p) for p in parts) or "--" in source or ".." in source:
        return True
    return len(parts) == 2 and Path(parts[0]).is_dir()


def _hub_offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().upper() in ("1", "ON", "YES", "TRUE")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _hub_problem(repo_id: str, timeout: float = 10.0) -> str | None:
    """``None`` if the Hub answers for ``repo_id``; otherwise why not, in one line (one request, no retries)."""
    try:
        from huggingface_hub import HfApi
        from huggingface_hub.utils import GatedRepoError, RepositoryNotFoundError
    except ImportError:  # transformers will say what is missing
        return None
    try:
        HfApi().model_info(repo_id, timeout=timeout)
    except GatedRepoError:
        return None  # exists; transformers reports the access problem (token) in its own words
    except RepositoryNotFoundError:
        return ("no local directory of that name, and no such model on the Hugging Face Hub "
                "(or it is private: log in with `hf auth login`)")
    except Exception as exc:  # connection refused, DNS, timeout, proxy: the library differs by version
        return (f"no local directory of that name, and the Hugging Face Hub cannot be reached "
                f"({type(exc).__name__}); set HF_HUB_OFFLINE=1 to use only the local cache")
    return None
