"""training.reproduce: the documented chain, in order, and what a dry run prints."""

from training.reproduce import STEPS, main


def test_chain_order_feeds_each_step_from_the_previous_ones():
    names = [name for name, _, _ in STEPS]
    assert names == ["tokenizer", "e5", "teacher", "silver", "student-init", "student", "package"]
    commands = {name: cmd for name, cmd, _ in STEPS}
    assert "configs/e5-teacher.yaml" in commands["teacher"]
    assert commands["silver"][commands["silver"].index("--tagger") + 1] == "runs/e5-teacher"
    assert commands["package"][1] == "runs/student-soft"  # the shipped (soft-target) student


def test_dry_run_from_a_step_reruns_it_and_everything_after(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no outputs here, so every step would run
    assert main(["--dry-run"]) == 0
    err = capsys.readouterr().err
    assert err.count("python -m training.") == len(STEPS)
    for _, _, output in STEPS:
        (tmp_path / output).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / output).write_text("x")
    assert main(["--dry-run", "--from", "silver"]) == 0
    err = capsys.readouterr().err
    assert "[teacher] up to date" in err and "[silver] python -m training.corpus.silver" in err
    assert "[package] python -m training.modeling.package_model" in err
