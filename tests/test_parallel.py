"""vnner.parallel: worker processes give exactly the single-process answers, in input order."""

import pytest

from vnner import predict
from vnner.parallel import WorkerPool, default_threads

NAMES = ["An", "Bình", "Chi", "Dũng", "Em", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga", "Oanh"]
TEXTS = [f"Sáng {d}/3, đồng chí Nguyễn Văn {name}, Bí thư Tỉnh ủy Nghệ An, dự lễ kết nạp {n} đảng viên."
         for d, name, n in zip(range(1, 13), NAMES, range(10, 130, 10))]


def test_workers_return_single_process_results_in_input_order():
    groups = [TEXTS[i:i + 3] for i in range(0, len(TEXTS), 3)]
    with WorkerPool(workers=2, ahead=3) as pool:
        out = list(pool.map(iter(groups)))
    assert [g for g, _ in out] == groups
    assert [e for _, ents in out for e in ents] == predict(TEXTS)


def test_a_bad_input_raises_after_the_groups_before_it():
    def groups():
        yield TEXTS[:2]
        yield TEXTS[2:4]
        raise ValueError("bad record at line 5")

    seen = []
    with WorkerPool(workers=2) as pool, pytest.raises(ValueError, match="line 5"):
        for group, _ in pool.map(groups()):
            seen.append(group)
    assert seen == [TEXTS[:2], TEXTS[2:4]]


def test_threads_and_workers_are_checked():
    assert default_threads(10**6) == 1
    with pytest.raises(ValueError, match="workers"):
        WorkerPool(workers=0)
