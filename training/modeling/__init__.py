"""Model building: configs, features, tokenizers and checkpoints, decoding choices, packaging, model cards."""
