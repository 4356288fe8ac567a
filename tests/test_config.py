import pytest

from training.modeling.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_configs_are_valid():
    from pathlib import Path

    for path in sorted(Path(__file__).resolve().parents[1].glob("configs/*.yaml")):
        load_config(path, check_paths=False)


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError, match="unknown config key 'training.learnin_rate'"):
        load_config(write(tmp_path, "training:\n  learnin_rate: 0.1\n"), check_paths=False)
    with pytest.raises(ConfigError, match="unknown config key 'modle'"):
        load_config(write(tmp_path, "modle: x\n"), check_paths=False)


def test_wrong_type_is_named(tmp_path):
    with pytest.raises(ConfigError, match="'training.per_device_train_batch_size' must be int"):
        load_config(write(tmp_path, "training:\n  per_device_train_batch_size: many\n"), check_paths=False)
    with pytest.raises(ConfigError, match="'training' must be a mapping"):
        load_config(write(tmp_path, "training: 3\n"), check_paths=False)


def test_missing_data_path_is_named(tmp_path):
    with pytest.raises(ConfigError, match="'data.train': file nowhere.jsonl does not exist"):
        load_config(write(tmp_path, "data:\n  train: nowhere.jsonl\n"))


def test_command_line_overrides(tmp_path):
    config = load_config(write(tmp_path, "training:\n  learning_rate: 0.1\n"),
                         ["--training.learning_rate", "3e-5", "--output_dir", "runs/x"], check_paths=False)
    assert config.training.learning_rate == 3e-5 and config.output_dir == "runs/x"
    with pytest.raises(ConfigError, match="has no value"):
        load_config(None, ["--output_dir"], check_paths=False)


def test_scratch_needs_a_tokenizer(tmp_path):
    with pytest.raises(ConfigError, match="'tokenizer' is required"):
        load_config(write(tmp_path, "init: scratch\n"), check_paths=False)


def test_list_keys_are_checked(tmp_path):
    config = load_config(write(tmp_path, "data:\n  extra_train: [a.jsonl]\n"), check_paths=False)
    assert config.data.extra_train == ["a.jsonl"]
    with pytest.raises(ConfigError, match="'data.extra_train' must be a list"):
        load_config(write(tmp_path, "data:\n  extra_train: a.jsonl\n"), check_paths=False)
    with pytest.raises(ConfigError, match=r"'data.extra_train\[0\]' must be str"):
        load_config(write(tmp_path, "data:\n  extra_train: [3]\n"), check_paths=False)


def test_crf_keys_take_a_weight_or_auto(tmp_path):
    config = load_config(write(tmp_path, "crf: auto\ncrf_weight: auto\n"), check_paths=False)
    assert (config.crf, config.crf_weight) == ("auto", "auto")
    assert load_config(write(tmp_path, "crf_weight: 0.6\n"), check_paths=False).crf_weight == 0.6
    with pytest.raises(ConfigError, match="'crf_weight' must be a number in \\[0, 1\\] or 'auto', got 'best'"):
        load_config(write(tmp_path, "crf_weight: best\n"), check_paths=False)
    with pytest.raises(ConfigError, match="'crf_weight' must be in \\[0, 1\\], got 1.5"):
        load_config(write(tmp_path, "crf_weight: 1.5\n"), check_paths=False)
    with pytest.raises(ConfigError, match="'crf' must be one of .*got 'mine'"):
        load_config(write(tmp_path, "crf: mine\n"), check_paths=False)


def test_noise_share_is_checked(tmp_path):
    assert load_config(write(tmp_path, "data:\n  noise: 0.5\n"), check_paths=False).data.noise == 0.5
    with pytest.raises(ConfigError, match="'data.noise' must be in \\[0, 1\\], got 2.0"):
        load_config(write(tmp_path, "data:\n  noise: 2\n"), check_paths=False)
