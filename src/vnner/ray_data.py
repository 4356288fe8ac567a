"""Many machines: vnner inside a Ray Data pipeline (``pip install "vnner[ray]"``).

:class:`RayTagger` is a callable class for ``Dataset.map_batches``: Ray starts it once per actor,
so each actor loads the model once, and calls it on batches of rows.  It adds an ``entities``
column (and ``positions_held`` with ``positions=True``) holding, per row, a list of plain dicts
(``{"text", "label", "start", "end", "score"}``) that Parquet and JSON writers store as they are.

    import ray
    from vnner.ray_data import RayTagger

    ray.init()                                   # a cluster: ray.init(address="auto") on its head node
    ds = ray.data.read_json("articles.jsonl")    # rows with a "text" column (or read_parquet)
    ds = ds.map_batches(RayTagger, fn_constructor_kwargs={"threads": 1},   # fewer actors than CPUs:
                        concurrency=8, num_cpus=1, batch_size=64, batch_format="pandas")  # reads need one too
    ds.write_parquet("tagged/")                  # or write_json

Offsets index each row's own ``text``; a row's entities do not depend on the rest of its batch or
on which actor tagged it, so the output equals ``vnner.predict`` on the same texts.
"""

from __future__ import annotations

from dataclasses import asdict


class RayTagger:
    """Tags the ``text_column`` of each batch (a pandas DataFrame or a dict of columns)."""

    def __init__(self, model: str | None = None, *, text_column: str = "text", positions: bool = False,
                 threads: int | None = 1, batch_size: int = 32, device: str | None = None) -> None:
        from vnner import load_model

        self.model = load_model(model, device=device, threads=threads)
        self.text_column, self.positions, self.batch_size = text_column, positions, batch_size

    def __call__(self, batch):
        texts = [str(t) for t in batch[self.text_column]]
        entities = self.model.predict(texts, batch_size=self.batch_size)
        batch["entities"] = [[asdict(e) for e in doc] for doc in entities]
        if self.positions:  # linked from the same entities: one model pass
            from vnner.positions import link_positions

            batch["positions_held"] = [[asdict(p) for p in link_positions(t, doc)]
                                       for t, doc in zip(texts, entities)]
        return batch
