"""A Hugging Face style model card (README.md) for a trained output directory."""

from __future__ import annotations

from pathlib import Path


def score_table(scores: dict) -> str:
    rows = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in scores:
        s = scores.get(label)
        if s:
            rows.append(f"| {label} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['support']} |")
    return "\n".join(rows)


def data_section(sources: dict, labels: list[str]) -> list[str]:
    """What the model was trained on: files, documents and entities per label, as measured by the run."""
    rows = ["| part | files | documents | " + " | ".join(labels) + " |", "|---" * (len(labels) + 3) + "|"]
    for part, info in sources.items():
        files = ", ".join(f"`{f}`" for f in info["files"]) or (
            f"{info['held_out_fraction']:.0%} of train, held out" if info.get("held_out_fraction") else "none")
        counts = info.get("entities", {})
        docs = f"{info['documents']}" + (f" ({info['with_noise']} with noise)" if info.get("with_noise") else "")
        rows.append(f"| {part} | {files} | {docs} | " + " | ".join(str(counts.get(lab, 0))
                                                                            for lab in labels) + " |")
    return rows


def crf_line(crf: dict | None) -> str:
    if not crf or crf["crf"] is None:
        return "- no CRF mixed in" + (" (none beat the network alone on dev)" if crf else "")
    where = {"train": "trained on the train data", "source": "the starting model's own, kept"}[crf["crf"]]
    return (f"- a syllable CRF ({where}) mixed in at weight {crf['weight']:g}"
            + (", chosen on dev" if crf.get("dev_table") else "") + " (`crf.crfsuite`)")


def write_model_card(out: Path, config, results: dict) -> Path:
    tc = config.training
    labels = results.get("labels", [])
    base = "trained from scratch" if config.init == "scratch" else f"fine-tuned from `{config.model_name_or_path}`"
    sections = [
        "---",
        "language: vi",
        "license: mit",
        "library_name: transformers",
        "pipeline_tag: token-classification",
        "tags: [ner, vietnamese, vnner]",
        "---",
        "",
        f"# vnner token classifier ({Path(config.output_dir).name})",
        "",
        f"A token classifier {base}, tagging {', '.join(labels)} in Vietnamese text. "
        "Load it with `vnner.load_model(path)`; input is segmented and windowed by vnner's pipeline "
        f"({config.units} as input units).",
        "",
        "## Intended use",
        "Named entities in text like the training data below; other domains and other labels are out of scope.",
        "",
        "## Training data",
        "Measured by the training run (entities per label):",
        "",
        *data_section(results.get("data", {}), labels),
        "",
        "## Training procedure",
        f"- learning rate {tc.learning_rate}, epochs {tc.num_train_epochs}, batch {tc.per_device_train_batch_size} "
        f"x accumulation {tc.gradient_accumulation_steps}, weight decay {tc.weight_decay}, warmup ratio "
        f"{tc.warmup_ratio}, seed {tc.seed}"
        + (f", early stopping on dev F1 (patience {tc.early_stopping_patience})" if "dev_char_spans" in results
           else ", no dev set (no early stopping)"),
        crf_line(results.get("crf")),
        f"- CUDA: {results.get('cuda')}; wall time {results.get('train_seconds')} s",
        "- full resolved configuration: `vnner_config.yaml`",
        "",
        "## Evaluation",
        "Strict character-span scores (an entity counts only if its start, end and label match exactly), "
        "computed end to end from raw text with `vnner.predict`.",
    ]
    if "dev_char_spans" in results:
        sections += ["", "### dev split", "", score_table(results["dev_char_spans"]),
                     "", "Held-out figures: `vnner evaluate --gold FILE --model <this folder>`."]
    sections += [
        "",
        "## Limitations",
        "- Names, bodies and titles unseen in training are the usual failure cases.",
        "- Word segmentation errors (underthesea's CRF) can shift entity boundaries.",
        "- Scraping noise (menus, captions, bylines) is handled only as far as it resembles the training text.",
    ]
    path = out / "README.md"
    path.write_text("\n".join(sections) + "\n", encoding="utf-8")
    return path
