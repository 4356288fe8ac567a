"""training.bench.fuzz: a short run of the fuzzer finds no problem in the embedded model."""

import pytest

import vnner
from training.bench.fuzz import PROBLEMS, fuzz, generate, main


def test_generation_is_reproducible_and_covers_every_generator():
    a, b = generate(300, seed=3), generate(300, seed=3)
    assert a == b
    assert {g for g, _ in a} >= {"unicode", "expanding", "hangul", "url", "nfd", "news_noise"}
    assert all(not any(0xD800 <= ord(c) <= 0xDFFF for c in t) for _, t in a)


@pytest.mark.skipif(not (vnner.DEFAULT_MODEL_DIR / "config.json").is_file(), reason="no embedded model")
def test_fifty_inputs_pass(capsys):
    report = fuzz(50, seed=7, sample=0.2, slow=60.0, log=None)  # time limits belong to the full run, not to CI load
    assert {k: report[k] for k in PROBLEMS} == dict.fromkeys(PROBLEMS, 0), report["examples"]
    assert main(["-n", "10", "--seed", "1", "--slow", "60", "--quiet"]) == 0
    assert '"crashes": 0' in capsys.readouterr().out
