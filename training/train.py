"""Fine-tune (or train from scratch) a token classifier on annotated documents.

    python -m training.train --config configs/phobert-base.yaml
    python -m training.train --config configs/finetune-default.yaml --data.train my.jsonl --data.dev_fraction 0.1
    python -m training.train --config configs/compact.yaml --training.num_train_epochs 3 --output_dir runs/x

Data files may be in any format ``vnner.formats`` reads (the project's stand-off
files, inline JSONL, CoNLL, Label Studio, Doccano, words+tags); the labels come
from the data or the config's ``labels:``.

Inputs go through vnner's own pipeline (``vnner.pipeline.inputs``), so PhoBERT's slow
tokenizer works and training sees exactly what inference will see.  Runs on
CPU or GPU unchanged, and under ``accelerate launch`` / ``torchrun`` for
several GPUs (``transformers.Trainer`` handles the distribution).

The output directory loads with ``vnner.load_model(path)`` and holds the
weights (safetensors), tokenizer, the resolved config, dev/test metrics and a
model card.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from training.modeling.config import Config, ConfigError, load_config
from training.modeling.features import IGNORE, FeatureStats, SoftTargets, build_features
from vnner.scoring import span_scores

METRIC_DIR = Path(__file__).resolve().parent / "metrics" / "seqeval_strict"


def bio_labels(entity_labels: list[str]) -> list[str]:
    return ["O"] + [f"{p}-{lab}" for lab in entity_labels for p in ("B", "I")]


def tag_order(model_name_or_path: str, entity_labels: list[str]) -> list[str]:
    """BIO tags in the checkpoint's own order when it already has this label set (its classifier is kept
    and must not be read in another order); otherwise O, then B-/I- per label."""
    wanted = bio_labels(entity_labels)
    path = Path(model_name_or_path) / "config.json"
    if path.is_file():
        raw = json.loads(path.read_text(encoding="utf-8"))
        id2label = raw.get("id2label") or {}
        existing = [id2label[k] for k in sorted(id2label, key=int)]
        existing = existing[:len(existing) // max(1, int(raw.get("vnner_syllable_slots", 1)))]
        if sorted(existing) == sorted(wanted):
            return existing
    return wanted


def build_model(config: Config, tokenizer, tags: list[str]):
    """The token classifier: ``len(tags)`` outputs per subword, times ``config.syllable_slots``.

    A syllable-resolution head started from a word-level checkpoint with the same tags copies
    the word classifier into every slot (later slots with B- lowered: a word's later syllables
    continue its entity), so training starts from the word model's answers instead of noise.
    """
    from transformers import AutoConfig, AutoModelForTokenClassification, RobertaConfig

    from vnner.model import slot_labels

    slots = config.syllable_slots
    names = slot_labels(tags, slots)
    label_kwargs = {"id2label": dict(enumerate(names)), "label2id": {lab: i for i, lab in enumerate(names)}}
    if config.init == "scratch":
        model_config = RobertaConfig(
            vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.cls_token_id,
            eos_token_id=tokenizer.sep_token_id, type_vocab_size=1, **vars(config.scratch), **label_kwargs)
        model = AutoModelForTokenClassification.from_config(model_config)
    else:
        source = AutoConfig.from_pretrained(config.model_name_or_path)
        model_config = AutoConfig.from_pretrained(config.model_name_or_path, num_labels=len(names), **label_kwargs)
        model = AutoModelForTokenClassification.from_pretrained(config.model_name_or_path, config=model_config,
                                                                ignore_mismatched_sizes=True)
        word_level = getattr(source, "vnner_syllable_slots", 1) == 1
        if slots > 1 and word_level and [source.id2label[i] for i in sorted(source.id2label)] == tags:
            _copy_word_classifier(model, config.model_name_or_path, tags)
    model.config.vnner_units = config.units
    model.config.vnner_syllable_slots = slots
    if hasattr(model.config, "vnner_crf_weight"):  # the source's CRF is not carried over (train.py retrains one)
        del model.config.vnner_crf_weight
    return model


def _copy_word_classifier(model, source: str, tags: list[str], lower_b: float = 4.0) -> None:
    import torch
    from transformers import AutoModelForTokenClassification

    word = AutoModelForTokenClassification.from_pretrained(source).classifier
    head = model.classifier
    n = len(tags)
    with torch.no_grad():
        for j in range(head.out_features // n):
            head.weight[j * n:(j + 1) * n] = word.weight
            head.bias[j * n:(j + 1) * n] = word.bias
            if j:
                for i, tag in enumerate(tags):
                    if tag.startswith("B-"):
                        head.bias[j * n + i] -= lower_b


def _warmup_kwargs(args_cls, ratio: float) -> dict:
    """transformers 4.x takes warmup_ratio; 5.x folds a ratio (< 1) into warmup_steps."""
    import inspect

    if "warmup_ratio" in inspect.signature(args_cls.__init__).parameters:
        return {"warmup_ratio": ratio}
    return {"warmup_steps": ratio}


class Collator:
    """Pads ``input_ids`` and ``labels`` ([batch, length] or [batch, length, slots]) and, for
    distillation, adds ``soft_targets`` [batch, length * slots, labels] and ``soft_mask``."""

    def __init__(self, tokenizer, n_labels: int, slots: int, soft: bool) -> None:
        self.tokenizer, self.n_labels, self.slots, self.soft = tokenizer, n_labels, slots, soft

    def __call__(self, features: list[dict]) -> dict:
        import torch

        labels = [f.pop("labels") for f in features]
        extra = [(list(f.pop("soft_pos", []) or []), list(f.pop("soft_probs", []) or [])) for f in features]
        batch = self.tokenizer.pad([{"input_ids": f["input_ids"]} for f in features], return_tensors="pt")
        b, t = batch["input_ids"].shape
        shape = (b, t) if self.slots == 1 else (b, t, self.slots)
        padded = torch.full(shape, IGNORE, dtype=torch.long)
        for row, lab in enumerate(labels):
            padded[row, :len(lab)] = torch.tensor(lab, dtype=torch.long)
        batch["labels"] = padded
        if self.soft:
            targets = torch.zeros(b, t * self.slots, self.n_labels)
            mask = torch.zeros(b, t * self.slots, dtype=torch.bool)
            for row, (pos, probs) in enumerate(extra):
                if pos:
                    targets[row, pos] = torch.tensor(probs, dtype=torch.float32).view(len(pos), self.n_labels)
                    mask[row, pos] = True
            batch["soft_targets"], batch["soft_mask"] = targets, mask
        return batch


def vnner_trainer(base, n_labels: int, soft_weight: float):
    """A Trainer computing the loss over units: each slot's logits against its tag, plus distillation.

    loss = (1 - w) * CE(hard tags) + w * mean over units with a teacher distribution of
    -sum_y p_teacher(y) log p_student(y) (w = 0 without teacher data). Gold rows have no
    distribution and keep the hard loss.
    """
    import torch

    class VnnerTrainer(base):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            targets, mask = inputs.pop("soft_targets", None), inputs.pop("soft_mask", None)
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            logits = outputs.logits.float().reshape(labels.shape[0], -1, n_labels)  # [batch, units, labels]
            loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), labels.reshape(labels.shape[0], -1),
                                                     ignore_index=IGNORE)
            if targets is not None and mask.any():
                soft = -(targets * torch.log_softmax(logits, dim=-1)).sum(-1)[mask].mean()
                loss = (1 - soft_weight) * loss + soft_weight * soft
            return (loss, outputs) if return_outputs else loss

    return VnnerTrainer


def char_span_scores(model_dir: str, dataset, labels: list[str]) -> dict:
    """Strict character-span scores of the saved model on a split, through ``vnner.predict``."""
    from vnner import NerModel

    model = NerModel.from_pretrained(model_dir)
    predicted = model.predict(list(dataset["text"]), progress=True)
    gold = [[(e["start"], e["end"], e["label"]) for e in row] for row in dataset["entities"]]
    pred = [[(e.start, e.end, e.label) for e in doc] for doc in predicted]
    return span_scores(gold, pred, labels)


def source_crf(name: str, tags: list[str]) -> tuple[Path | None, float, str]:
    """The starting model's CRF file and weight when it has one over exactly ``tags``, else ``(None, 0, why)``.
    ``name`` is what the config names: ``default`` or a local folder (a Hub id carries none here)."""
    from vnner.crf import CRF_FILE, CrfTagger
    from vnner.model import DEFAULT_MODEL_DIR

    folder = DEFAULT_MODEL_DIR if name == "default" else Path(name)
    path = folder / CRF_FILE
    if not path.is_file():
        return None, 0.0, f"{name} has no {CRF_FILE}"
    known = CrfTagger(path).known
    if known != set(tags):
        return None, 0.0, f"the CRF of {name} tags {sorted(known)}, this run {sorted(tags)}"
    raw = json.loads((folder / "config.json").read_text(encoding="utf-8")) if (folder / "config.json").is_file() else {}
    return path, float(raw.get("vnner_crf_weight", 0.5)), ""


def attach_crf(config: Config, tags: list[str], train_rows: list[dict], dev_docs, out: Path, model_config
               ) -> dict | None:
    """Put the CRF that ``config.crf`` / ``config.crf_weight`` ask for beside the saved model in ``out`` and its
    weight in ``config.json``; returns what was chosen (and the dev table when something was chosen on dev).

    The candidates are a CRF trained on the train rows and the starting model's own CRF (``source_crf``).
    With several candidates or ``crf_weight: auto`` the choice is made on dev; without dev, ``auto`` keeps
    the source's CRF and weight when there is one, else a trained CRF at 0.5.
    """
    from training.modeling.choose_decoding import AUTO_WEIGHTS, choose_crf
    from vnner.crf import CRF_FILE, CrfTagger, train_crf

    if config.crf == "none" or config.crf_weight == 0:
        return None
    candidates, weights = {}, {}
    if config.crf in ("source", "auto"):
        path, weight, why = source_crf(config.model_name_or_path, tags)
        if path is None and config.crf == "source":
            raise ConfigError(f"config key 'crf' is 'source', but {why}")
        if path is not None:
            candidates["source"], weights["source"] = path, weight
        else:
            print(f"[vnner] no source CRF to try: {why}", file=sys.stderr)
    if config.crf in ("train", "auto"):
        print(f"[vnner] training a CRF on {len(train_rows)} documents", file=sys.stderr)
        candidates["train"], weights["train"] = train_crf(train_rows, out / CRF_FILE), 0.5
    auto = config.crf_weight == "auto"
    table = None
    if dev_docs and (auto or len(candidates) > 1):
        from vnner import NerModel

        model = NerModel.from_pretrained(str(out))
        grid = AUTO_WEIGHTS if auto else (config.crf_weight,)
        name, weight, table = choose_crf(model, dev_docs, {k: CrfTagger(v) for k, v in candidates.items()}, grid)
    else:
        name = next(iter(candidates))  # the source's CRF first: it saw more data than the user's train file
        weight = weights[name] if auto else config.crf_weight
    if name == "source":
        shutil.copyfile(candidates["source"], out / CRF_FILE)
    elif name is None:
        (out / CRF_FILE).unlink(missing_ok=True)
    if name is None:
        if hasattr(model_config, "vnner_crf_weight"):
            del model_config.vnner_crf_weight
    else:
        model_config.vnner_crf_weight = weight
    model_config.save_pretrained(str(out))
    chosen = {"crf": name, "weight": weight}
    print(f"[vnner] CRF: {name or 'none'}" + (f", weight {weight:g}" if name else "")
          + (" (chosen on dev)" if table else ""), file=sys.stderr)
    return chosen | ({"dev_table": table} if table else {})


def load_data(config: Config):
    """Train and dev documents (dev held out from train when only ``dev_fraction`` is given), and the labels."""
    from training.corpus.dataset import read_split, split_off_dev
    from vnner.formats import labels_of

    d = config.data
    labels = list(config.labels) if config.labels else None
    train_docs = read_split(d.train, d.corpus, d.format, labels)
    dev_docs = read_split(d.dev, d.corpus, d.format, labels) if d.dev else []
    if not d.dev and d.dev_fraction:
        train_docs, dev_docs = split_off_dev(train_docs, d.dev_fraction, config.training.seed)
    if d.noise:
        from training.corpus.noise import noisy

        train_docs = noisy(train_docs, d.noise, config.training.seed)
    extra = [doc for path in d.extra_train for doc in read_split(path, d.corpus, None, labels)]
    labels = labels or labels_of(train_docs + dev_docs + extra)
    if not labels:
        raise ConfigError(f"no entity in {d.train}: nothing to learn")
    sources = {"train": {"files": [d.train], "documents": len(train_docs),
                         "with_noise": sum(doc.id.endswith("#noise") for doc in train_docs)},
               "dev": {"files": [d.dev] if d.dev else [], "documents": len(dev_docs),
                       "held_out_fraction": d.dev_fraction if not d.dev else None}}
    if extra:
        sources["extra_train"] = {"files": list(d.extra_train), "documents": len(extra)}
    for name, docs in (("train", train_docs), ("dev", dev_docs), ("extra_train", extra)):
        if name in sources:
            sources[name]["entities"] = {lab: sum(s.label == lab for doc in docs for s in doc.entities)
                                         for lab in labels}
    return train_docs + extra, dev_docs, labels, sources


def train(config: Config) -> dict:
    """Train, cleaning up a new output directory if anything fails (a failed run leaves nothing behind)."""
    out = Path(config.output_dir)
    existed = out.exists()
    try:
        with tempfile.TemporaryDirectory(prefix="vnner-base-") as scratch:
            return _train(config, Path(scratch))
    except BaseException:
        if not existed and out.exists():
            shutil.rmtree(out, ignore_errors=True)
        raise


def _train(config: Config, scratch: Path) -> dict:
    import evaluate
    import torch
    from transformers import (
        AutoTokenizer,
        EarlyStoppingCallback,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from training.corpus.dataset import to_dataset
    from training.modeling.model_card import write_model_card
    from vnner.model import max_input_length
    from vnner.pipeline.inputs import InputBuilder

    t0 = time.time()
    set_seed(config.training.seed)
    # The test split is never touched here: it is scored once, by training/evaluate.py.
    train_docs, dev_docs, entity_labels, sources = load_data(config)
    data = {"train": to_dataset(train_docs), "dev": to_dataset(dev_docs)}
    named = (config.model_name_or_path, config.tokenizer)
    if config.model_name_or_path == "default":
        from training.modeling.recover_checkpoint import recover_checkpoint

        config.model_name_or_path = str(recover_checkpoint("default", scratch / "default"))
        config.tokenizer = config.tokenizer or config.model_name_or_path
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)

    tokenizer = AutoTokenizer.from_pretrained(config.tokenizer or config.model_name_or_path)
    tags = tag_order(config.model_name_or_path, entity_labels) if config.init == "pretrained" else bio_labels(
        entity_labels)
    if config.crf == "source" and config.crf_weight != 0:  # checked before training, not after it
        path, _, why = source_crf(named[0], tags)
        if path is None:
            raise ConfigError(f"config key 'crf' is 'source', but {why}")
    model = build_model(config, tokenizer, tags)
    config.model_name_or_path, config.tokenizer = named  # the saved config and card name what the user named
    max_length = config.max_length or max_input_length(model.config, tokenizer)
    slots = config.syllable_slots
    builder = InputBuilder(tokenizer, units=config.units, max_length=max_length, slots=slots)
    label2id = {tag: i for i, tag in enumerate(tags)}  # ids within one slot
    soft = SoftTargets(config.data.soft_targets, tags) if config.data.soft_targets else None
    has_dev = len(dev_docs) > 0
    stats = {split: FeatureStats() for split in ("train", "dev")}
    features = {"train": build_features(data["train"], builder, label2id, stats["train"], soft=soft),
                "dev": build_features(data["dev"], builder, label2id, stats["dev"])}
    for split, st in stats.items():
        print(f"[vnner] {split}: {st.documents} documents, {st.words} words, {st.windows} windows, "
              f"{st.boundary_splits} words split at gold boundaries, {st.unaligned_entities} unaligned entities"
              + (f", {st.soft_words} words with teacher distributions" if soft and split == "train" else ""),
              file=sys.stderr)

    from datasets import Dataset

    train_ds = Dataset.from_list(features["train"])
    dev_ds = Dataset.from_list(features["dev"]) if has_dev else None
    metric = evaluate.load(str(METRIC_DIR))
    id2label = dict(enumerate(tags))

    def compute_metrics(pred):
        logits, labels = pred  # window-level seqeval over units (slots read in order)
        best = np.argmax(logits.reshape(logits.shape[0], -1, len(tags)), axis=-1)
        labels = labels.reshape(labels.shape[0], -1)
        refs, hyps = [], []
        for p_row, l_row in zip(best, labels):
            keep = l_row != IGNORE
            refs.append([id2label[int(x)] for x in l_row[keep]])
            hyps.append([id2label[int(x)] for x in p_row[keep]])
        s = metric.compute(predictions=hyps, references=refs)
        return {"f1": s["overall_f1"], "precision": s["overall_precision"], "recall": s["overall_recall"]}

    tc = config.training
    cuda = torch.cuda.is_available()
    scale = tc.cuda_batch_multiplier if cuda else 1
    args = TrainingArguments(
        output_dir=str(out / "checkpoints"),
        learning_rate=tc.learning_rate,
        num_train_epochs=tc.num_train_epochs,
        max_steps=tc.max_steps,
        per_device_train_batch_size=tc.per_device_train_batch_size * scale,
        per_device_eval_batch_size=tc.per_device_eval_batch_size * scale,
        gradient_accumulation_steps=tc.gradient_accumulation_steps,
        weight_decay=tc.weight_decay,
        seed=tc.seed,
        eval_strategy="epoch" if has_dev else "no",
        save_strategy="epoch",
        save_total_limit=2,
        load_best_model_at_end=has_dev,
        metric_for_best_model="f1",
        greater_is_better=True,
        logging_steps=tc.logging_steps,
        bf16=bool(cuda and tc.mixed_precision and torch.cuda.is_bf16_supported()),
        fp16=bool(cuda and tc.mixed_precision and not torch.cuda.is_bf16_supported()),
        dataloader_num_workers=tc.dataloader_num_workers,
        report_to=[],
        # On a machine without CUDA, several processes (accelerate launch / torchrun) join as CPU workers
        # over gloo; without this each would train alone on the whole data.
        use_cpu=not cuda,
        remove_unused_columns=False,  # the collator reads labels and soft targets itself
        **_warmup_kwargs(TrainingArguments, tc.warmup_ratio),
    )
    trainer = vnner_trainer(Trainer, len(tags), tc.soft_weight if soft is not None else 0.0)(
        model=model, args=args, train_dataset=train_ds, eval_dataset=dev_ds,
        data_collator=Collator(tokenizer, len(tags), slots, soft is not None),
        compute_metrics=compute_metrics if has_dev else None,
        callbacks=[EarlyStoppingCallback(early_stopping_patience=tc.early_stopping_patience)] if has_dev else [],
    )
    checkpoints = sorted((out / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
    if tc.resume and checkpoints:
        print(f"[vnner] resuming from {checkpoints[-1]}", file=sys.stderr)
    trainer.train(resume_from_checkpoint=str(checkpoints[-1]) if tc.resume and checkpoints else None)
    trainer.model.config.vnner_units = config.units
    trainer.model.config.vnner_syllable_slots = slots
    main_process = trainer.is_world_process_zero()  # under accelerate/torchrun only one process writes
    trainer.save_model(str(out))
    results = {"train_seconds": round(time.time() - t0, 1), "cuda": cuda, "processes": args.world_size,
               "labels": entity_labels, "data": sources, "feature_stats": {k: vars(v) for k, v in stats.items()}}
    if has_dev:
        results["window_seqeval_dev"] = trainer.evaluate()  # every process takes part
    if not main_process:
        return results | {"main_process": False}
    # Inference windows must not be longer than the training ones (positions beyond were never
    # trained for tagging): vnner reads the limit from the saved tokenizer.
    tokenizer.model_max_length = max_length
    tokenizer.save_pretrained(str(out))
    crf = attach_crf(config, tags, list(data["train"]), dev_docs, out, trainer.model.config)
    if crf is not None:
        results["crf"] = crf
    (out / "vnner_config.yaml").write_text(yaml.safe_dump(config.to_dict(), allow_unicode=True, sort_keys=False))
    if has_dev:
        results["dev_char_spans"] = char_span_scores(str(out), data["dev"], entity_labels)
    (out / "metrics.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    write_model_card(out, config, results)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="YAML file in configs/")
    args, overrides = parser.parse_known_args(argv)
    try:
        config = load_config(args.config, overrides)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = train(config)
    if results.get("main_process") is False:
        return 0  # another process of a distributed run writes and reports
    micro = results.get("dev_char_spans", {}).get("micro", {})
    print(f"[vnner] saved to {config.output_dir}; dev strict char-span micro F1 = {micro.get('f1', 0):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
