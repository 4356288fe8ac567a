"""Training configuration: YAML files in ``configs/``, checked before anything heavy starts.

Every key is declared here with its type; an unknown key, a wrong type or a
missing data file is an error that names the key.  Any key can be overridden
on the command line with its dotted name: ``--training.learning_rate 3e-5``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vnner.model import looks_local


class ConfigError(ValueError):
    pass


@dataclass
class DataConfig:
    """Annotated files in any format ``vnner.formats`` reads (detected, or named in ``format``).

    ``corpus`` is needed only for the project's stand-off files; without ``dev``,
    ``dev_fraction`` of the training documents is held out (0: train without a dev set).
    """

    train: str = "data/annotations/train.jsonl"
    dev: str | None = "data/annotations/dev.jsonl"
    format: str | None = None
    dev_fraction: float = 0.0
    corpus: str | None = None
    extra_train: list[str] = field(default_factory=list)  # e.g. silver articles (training/corpus/silver.py)
    soft_targets: list[str] = field(default_factory=list)  # teacher distributions (silver.py --soft)
    # Share of the train file's documents replaced by a copy with web-scraping noise inserted
    # (menus, metadata, photo credits, bylines: training/corpus/noise.py), seeded by training.seed.
    noise: float = 0.0


@dataclass
class ScratchConfig:
    """Architecture of a RoBERTa trained from scratch (used when ``init: scratch``)."""

    hidden_size: int = 256
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    intermediate_size: int = 1024
    max_position_embeddings: int = 258
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1


@dataclass
class TrainingConfig:
    learning_rate: float = 5e-5
    num_train_epochs: float = 10.0
    per_device_train_batch_size: int = 16
    per_device_eval_batch_size: int = 32
    gradient_accumulation_steps: int = 1
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    seed: int = 42
    early_stopping_patience: int = 3
    max_steps: int = -1
    logging_steps: int = 20
    dataloader_num_workers: int = 0
    # Mixed precision and batch growth apply only when CUDA is present.
    mixed_precision: bool = True
    cuda_batch_multiplier: int = 2
    resume: bool = False  # continue from the newest checkpoint in output_dir/checkpoints (a run cut short)
    soft_weight: float = 0.5  # with data.soft_targets: loss = (1-w) * CE(hard tags) + w * CE(teacher dist.)


CRF_SOURCES = ("train", "source", "auto", "none")


@dataclass
class Config:
    model_name_or_path: str = "vinai/phobert-base"  # or "default": the embedded model, recovered from its ONNX file
    tokenizer: str | None = None  # defaults to model_name_or_path
    init: str = "pretrained"  # "pretrained" (fine-tune a checkpoint) or "scratch"
    units: str = "words"  # "words" (PhoBERT-style segmented input) or "syllables"
    # Label resolution: 1 = a label per input unit; S > 1 = a label per syllable, read from S output
    # slots at each word's first subword (a word-level encoder that can still cut inside a word).
    syllable_slots: int = 1
    # A syllable CRF (vnner.crf) saved beside the model, whose marginals get ``crf_weight`` in the
    # probabilities the decoder reads: "train" (one trained on data.train), "source" (the starting
    # model's own, e.g. the default's, kept as it is), "auto" (both tried on dev) or "none".
    crf: str = "train"
    # In [0, 1] (0: no CRF), or "auto": the CRF and its weight chosen on dev (0 included), see
    # training.modeling.choose_decoding.choose_crf.
    crf_weight: float | str = 0.0
    max_length: int | None = None  # defaults to the model's limit
    output_dir: str = "runs/model"
    labels: list[str] | None = None  # entity labels; default: those found in the data
    data: DataConfig = field(default_factory=DataConfig)
    scratch: ScratchConfig = field(default_factory=ScratchConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _check_type(key: str, value, hint):
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        errors = []
        for opt in options:
            if opt is type(None):
                continue
            try:
                return _check_type(key, value, opt)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0])
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"config key '{key}' must be a list, got {type(value).__name__} {value!r}")
        (item,) = typing.get_args(hint)
        return [_check_type(f"{key}[{i}]", v, item) for i, v in enumerate(value)]
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is float and isinstance(value, str):
        try:  # YAML reads "3e-5" (no dot) as a string
            return float(value)
        except ValueError:
            pass
    if hint in (int, float, str, bool) and (type(value) is not hint):
        raise ConfigError(f"config key '{key}' must be {hint.__name__}, got {type(value).__name__} {value!r}")
    return value


def _build(cls, raw: dict, prefix: str = ""):
    if not isinstance(raw, dict):
        raise ConfigError(f"config section '{prefix.rstrip('.') or '<top>'}' must be a mapping")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ConfigError(f"unknown config key '{prefix}{unknown[0]}' (known: {', '.join(sorted(names))})")
    kwargs = {}
    for name, value in raw.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            kwargs[name] = _build(hint, value, f"{prefix}{name}.")
        else:
            kwargs[name] = _check_type(prefix + name, value, hint)
    return cls(**kwargs)


def apply_overrides(raw: dict, overrides: list[str]) -> dict:
    """``["--training.learning_rate", "3e-5", ...]`` applied to the raw mapping (values parsed as YAML)."""
    if len(overrides) % 2:
        raise ConfigError(f"override {overrides[-1]!r} has no value")
    for flag, text in zip(overrides[::2], overrides[1::2]):
        if not flag.startswith("--"):
            raise ConfigError(f"expected --dotted.key, got {flag!r}")
        *parents, leaf = flag[2:].replace("-", "_").split(".")
        node = raw
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = yaml.safe_load(text)
    return raw


def load_config(path: str | Path | None, overrides: list[str] = (), *, check_paths: bool = True) -> Config:
    raw = {}
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config = _build(Config, apply_overrides(raw, list(overrides)))
    if config.init not in ("pretrained", "scratch"):
        raise ConfigError(f"config key 'init' must be 'pretrained' or 'scratch', got {config.init!r}")
    if config.units not in ("words", "syllables"):
        raise ConfigError(f"config key 'units' must be 'words' or 'syllables', got {config.units!r}")
    if config.crf not in CRF_SOURCES:
        raise ConfigError(f"config key 'crf' must be one of {CRF_SOURCES}, got {config.crf!r}")
    if isinstance(config.crf_weight, str) and config.crf_weight != "auto":
        raise ConfigError(f"config key 'crf_weight' must be a number in [0, 1] or 'auto', got {config.crf_weight!r}")
    if not isinstance(config.crf_weight, str) and not 0.0 <= config.crf_weight <= 1.0:
        raise ConfigError(f"config key 'crf_weight' must be in [0, 1], got {config.crf_weight}")
    if config.syllable_slots < 1:
        raise ConfigError(f"config key 'syllable_slots' must be at least 1, got {config.syllable_slots}")
    if config.init == "scratch" and not config.tokenizer:
        raise ConfigError("config key 'tokenizer' is required with init: scratch (a tokenizer directory)")
    if not 0.0 <= config.data.noise <= 1.0:
        raise ConfigError(f"config key 'data.noise' must be in [0, 1], got {config.data.noise}")
    if not 0.0 <= config.data.dev_fraction < 1.0:
        raise ConfigError(f"config key 'data.dev_fraction' must be in [0, 1), got {config.data.dev_fraction}")
    if config.data.format is not None:
        from vnner.formats import FORMATS

        if config.data.format not in FORMATS:
            raise ConfigError(f"config key 'data.format' must be one of {FORMATS}, got {config.data.format!r}")
    if check_paths:
        for key in ("model_name_or_path", "tokenizer"):
            value = getattr(config, key)
            if value and value != "default" and looks_local(value) and not Path(value).exists():
                raise ConfigError(f"config key '{key}': {value} does not exist (a local path; no Hub request made)")
        for key in ("train", "dev"):
            value = getattr(config.data, key)
            if value is not None and not Path(value).is_file():
                raise ConfigError(f"config key 'data.{key}': file {value} does not exist")
        for key in ("extra_train", "soft_targets"):
            for i, value in enumerate(getattr(config.data, key)):
                if not Path(value).is_file():
                    raise ConfigError(f"config key 'data.{key}[{i}]': file {value} does not exist")
    if not 0.0 <= config.training.soft_weight <= 1.0:
        raise ConfigError(f"config key 'training.soft_weight' must be in [0, 1], got {config.training.soft_weight}")
    return config
