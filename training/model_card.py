"""A Hugging Face style model card (README.md) for a trained output directory."""

from __future__ import annotations

from pathlib import Path

LABELS = ("PERSON", "POSITION", "ORGANIZATION", "DATE", "QUANTITY")


def score_table(scores: dict) -> str:
    rows = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in (*LABELS, "micro"):
        s = scores.get(label)
        if s:
            rows.append(f"| {label} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['support']} |")
    return "\n".join(rows)


def write_model_card(out: Path, config, results: dict, n_docs: dict[str, int]) -> Path:
    tc = config.training
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
        f"A RoBERTa-style token classifier {base}, tagging PERSON, POSITION, ORGANIZATION, DATE and "
        "QUANTITY in Vietnamese government and Party news. Load it with `vnner.load_model(path)`; "
        "input is segmented and windowed by vnner's pipeline (" + config.units + " as input units).",
        "",
        "## Intended use",
        "Named entities in Vietnamese news about provincial and national government and Party affairs "
        "(appointments, elections, discipline, conferences, budgets). Other domains, social media text "
        "and labels other than these five are out of scope.",
        "",
        "## Training data",
        "The vnner gold corpus (stand-off annotations over VietNews articles, see `data/README.md`): "
        + ", ".join(f"{k} {v} articles" for k, v in n_docs.items()) + ".",
        "",
        "## Training procedure",
        f"- learning rate {tc.learning_rate}, epochs {tc.num_train_epochs}, batch {tc.per_device_train_batch_size} "
        f"x accumulation {tc.gradient_accumulation_steps}, weight decay {tc.weight_decay}, warmup ratio "
        f"{tc.warmup_ratio}, seed {tc.seed}, early stopping on dev F1 (patience {tc.early_stopping_patience})",
        f"- CUDA: {results.get('cuda')}; wall time {results.get('train_seconds')} s",
        "- full resolved configuration: `vnner_config.yaml`",
        "",
        "## Evaluation",
        "Strict character-span scores (an entity counts only if its start, end and label match exactly), "
        "computed end to end from raw text with `vnner.predict`.",
    ]
    if "dev_char_spans" in results:
        sections += ["", "### dev split", "", score_table(results["dev_char_spans"]),
                     "", "Test-split figures come from `python -m training.evaluate --split test`."]
    sections += [
        "",
        "## Limitations",
        "- Trained on a few hundred articles of one news corpus; names, bodies and titles unseen in training "
        "are the usual failure cases.",
        "- Word segmentation errors (underthesea's CRF) can shift entity boundaries.",
        "- Scraping noise (menus, captions, bylines) is handled only as far as it resembles the training text.",
    ]
    path = out / "README.md"
    path.write_text("\n".join(sections) + "\n", encoding="utf-8")
    return path
