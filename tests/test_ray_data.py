"""vnner.ray_data on a local Ray instance: the same entities as vnner.predict, row for row."""

import pytest

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'vnner[ray]'")


def _articles(n: int) -> list[str]:
    names = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]
    places = ["Nghệ An", "Hà Tĩnh", "Thanh Hóa", "Quảng Bình"]
    return [f"Sáng {1 + i % 28}/{1 + i % 12}, đồng chí Nguyễn Văn {names[i % 10]}, Ủy viên Ban Chấp hành Trung "
            f"ương Đảng, Bí thư Tỉnh ủy {places[i % 4]} dự hội nghị.\n\nTỉnh đã kết nạp {100 + i} đảng viên mới, "
            f"chi gần {i % 30 + 1} tỉ đồng." + (" Ảnh: Thanh Lê" if i % 3 == 0 else "") for i in range(n)]


def test_ray_data_output_equals_predict_on_200_articles():
    from dataclasses import asdict

    from vnner import predict
    from vnner.ray_data import RayTagger

    texts = _articles(200)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        ds = ray.data.from_items([{"id": i, "text": t} for i, t in enumerate(texts)])
        ds = ds.map_batches(RayTagger, fn_constructor_kwargs={"positions": True}, concurrency=2, num_cpus=1,
                            batch_size=25, batch_format="pandas")
        rows = sorted(ds.take_all(), key=lambda r: r["id"])
    finally:
        ray.shutdown()
    assert [r["id"] for r in rows] == list(range(200))
    expected = predict(texts)
    for row, ents in zip(rows, expected):
        got = [dict(e) for e in row["entities"]]
        assert got == [asdict(e) for e in ents]
    assert sum(len(r["positions_held"]) for r in rows) >= 200  # every article names a secretary
