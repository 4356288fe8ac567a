"""Choose the decoder and the CRF weight of a model on dev: one line per setting.

    python -m training.modeling.choose_decoding default --gold data/annotations/dev.jsonl --weights 0 0.5 0.6 0.7 1
    python -m training.modeling.choose_decoding runs/mine --crf runs/crf.crfsuite --gold dev.jsonl

Each setting runs the model itself (``NerModel.decoding`` and ``NerModel.crf_weight``) through
``vnner.evaluation.evaluate_model``; ``--crf`` lends a model without its own CRF one to mix in.
Write the chosen weight into the model's ``config.json`` as ``vnner_crf_weight``.
"""

from __future__ import annotations

import argparse
import sys

AUTO_WEIGHTS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8)


def choose_crf(model, docs, crfs: dict, weights=AUTO_WEIGHTS) -> tuple[str | None, float, list[dict]]:
    """The CRF of ``crfs`` (name -> :class:`vnner.crf.CrfTagger`) and weight with the best strict micro F1
    of ``model`` on ``docs``; weight 0 (no CRF) is one of the candidates when ``weights`` holds it.

    The network runs once per window: every setting after the first reuses its logits, so trying a
    dozen settings costs a dozen CRF passes, not a dozen network passes.  Ties go to the earlier
    candidate (no CRF first, then ``crfs`` in order, lower weights first).  Returns ``(name or None,
    weight, table)`` with one ``{"crf", "weight", "f1"}`` row per setting tried.
    """
    from vnner.evaluation import evaluate_model

    logits, cache = model._logits, {}

    def cached(ids, mask):
        key = (ids.shape, ids.tobytes(), mask.tobytes())
        if key not in cache:
            cache[key] = logits(ids, mask)
        return cache[key]

    settings = [(None, 0.0)] if 0.0 in weights else []
    settings += [(name, w) for name in crfs for w in weights if w > 0]
    saved = model.crf, model.crf_weight
    table = []
    model._logits = cached
    try:
        for name, weight in settings:
            model.crf, model.crf_weight = (crfs[name] if name else None), weight
            f1 = evaluate_model(model, docs)["strict"]["micro"]["f1"]
            table.append({"crf": name, "weight": weight, "f1": round(f1, 4)})
    finally:
        del model._logits  # the class's own method again
        model.crf, model.crf_weight = saved
    best = max(table, key=lambda row: row["f1"])  # max keeps the first of equals
    return best["crf"], best["weight"], table


def main(argv: list[str] | None = None) -> int:
    from training.corpus.dataset import read_split
    from vnner import load_model
    from vnner.crf import CrfTagger
    from vnner.model import DECODINGS

    parser = argparse.ArgumentParser(prog="python -m training.modeling.choose_decoding",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="checkpoint directory, Hub id or 'default'")
    parser.add_argument("--gold", required=True, help="the dev file, any format vnner.formats reads")
    parser.add_argument("--crf", help="a crf.crfsuite to mix in (default: the model's own, if any)")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.3, 0.5, 0.6, 0.7, 1.0])
    parser.add_argument("--decodings", nargs="+", choices=DECODINGS, default=list(DECODINGS))
    parser.add_argument("--corpus", default=None, help="VietNews source for stand-off files")
    args = parser.parse_args(argv)
    from vnner.evaluation import evaluate_model

    docs = read_split(args.gold, args.corpus)
    model = load_model(args.model)
    if args.crf:
        model.crf = CrfTagger(args.crf)
    weights = args.weights if model.crf is not None else [0.0]
    print("| decoding | CRF weight | " + " | ".join(model.labels[1::2]).replace("B-", "")
          + " | micro F1 | seg-bound recall | positions end to end |")
    print("|---" * (5 + len(model.labels) // 2) + "|")
    for weight in weights:
        for decoding in args.decodings:
            model.crf_weight, model.decoding = weight, decoding
            r = evaluate_model(model, docs)
            st, sb = r["strict"], r["segmentation_bound"]
            ph = r.get("positions_held", {}).get("end_to_end", {}).get("f1")
            print(f"| {decoding} | {weight:g} | " + " | ".join(f"{st[lab]['f1']:.3f}" for lab in r["labels"])
                  + f" | {st['micro']['f1']:.4f} | {sb['recall']:.3f} ({sb['found']}/{sb['support']}) | "
                  + (f"{ph:.3f}" if ph is not None else "–") + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
