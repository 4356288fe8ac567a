"""vnner.onnx_model: the embedded model's answers do not depend on the batch; weights stored as documented."""

from __future__ import annotations

import pytest

import vnner
from vnner.onnx_model import ONNX_FILE

EMBEDDED = vnner.DEFAULT_MODEL_DIR / ONNX_FILE
pytestmark = pytest.mark.skipif(not EMBEDDED.is_file(), reason="this build embeds no default model")

TEXTS = [
    "Sáng 2/3, đồng chí Thái Thanh Quý, Ủy viên Ban Chấp hành Trung ương Đảng, Bí thư Tỉnh ủy Nghệ An "
    "dự lễ kết nạp 152 đảng viên mới tại Đảng bộ huyện Nam Đàn.",
    "Chiều 15/8, Thường trực HĐND tỉnh Hà Tĩnh tổ chức phiên họp dưới sự chủ trì của ông Hoàng Trung Dũng, "
    "Chủ tịch HĐND tỉnh; tổng vốn đầu tư gần 25 tỉ đồng.",
    "x " * 300 + "Ông Nguyễn Văn An, Giám đốc Sở Y tế.",
    "Đồng chí Nguyễn Đức T\u0958rung, Bí thư Tỉnh ủy Nghệ An",
    "",
    "😀 " * 40 + "Thủ tướng Phạm Minh Chính ký Quyết định ngày 20/10/2023.",
] + [f"Phó Chủ tịch UBND tỉnh số {i} là ông Lê Văn {chr(65 + i)}." for i in range(20)]


def spans(entities):
    return [(e.start, e.end, e.label, round(e.score, 4)) for e in entities]


def test_same_entities_alone_in_a_list_and_at_any_batch_size():
    model = vnner.load_model()
    alone = [spans(model.predict(t)) for t in TEXTS]
    for batch_size in (1, 7, 32):
        assert [spans(r) for r in model.predict(TEXTS, batch_size=batch_size)] == alone
    assert [spans(r) for r in model.predict(TEXTS[::-1])] == alone[::-1]


def test_embedded_weights_int8_with_one_scale_per_output_column():
    """The storage the onnx_model docstring describes: uint8 embedding tables under checkpoint names,
    int8 linear layers with per-column scales found through their MatMul's module path."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto

    graph = onnx.load(str(EMBEDDED)).graph
    inits = {t.name: t for t in graph.initializer}
    assert inits["roberta.embeddings.word_embeddings.weight_quantized"].data_type == TensorProto.UINT8
    weight_of = {n.output[0].rsplit("/", 1)[0]: n.input[1] for n in graph.node if n.op_type == "MatMulInteger"}
    query = weight_of["/roberta/encoder/layer.0/attention/self/query"]
    assert inits[query].data_type == TensorProto.INT8 and list(inits[query].dims) == [384, 384]
    assert list(inits[query.removesuffix("_quantized") + "_scale"].dims) == [384]  # one per output column
    assert list(inits[weight_of["/roberta/encoder/layer.0/intermediate/dense"]].dims) == [384, 1536]  # [in, out]
    assert list(inits[weight_of["/classifier"]].dims) == [384, 44]  # 4 syllable slots x 11 tags
    assert not [n for n in graph.node if n.op_type == "MatMul" and n.input[1] in inits]  # no float layer left
    assert sum(f.stat().st_size for f in EMBEDDED.parent.iterdir()) <= 40 * 2**20
    assert (EMBEDDED.parent / "crf.crfsuite").is_file()


def test_graphs_that_quantise_activations_run_row_by_row(tmp_path):
    """quantize_dynamic gives a whole input one activation scale: each row must run on its own, cut to
    its length, so that neither its neighbours nor its padding change its logits."""
    import shutil

    import numpy as np
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from vnner.onnx_model import OnnxTokenClassifier

    fp32 = tmp_path / "fp32.onnx"
    _tiny_graph(fp32)
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy2(vnner.DEFAULT_MODEL_DIR / "config.json", folder / "config.json")
    quantize_dynamic(str(fp32), str(folder / ONNX_FILE), weight_type=QuantType.QInt8, per_channel=True)
    clf = OnnxTokenClassifier(folder)
    assert clf.row_by_row
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 50, (5, 9))
    ids[1:] *= 30  # other rows with other activation ranges
    mask = np.ones_like(ids)
    mask[0, 6:] = 0  # the first row padded
    alone = clf.logits(ids[:1, :6], mask[:1, :6])[0]
    batch = clf.logits(ids, mask)
    np.testing.assert_array_equal(batch[0, :6], alone)
    assert not batch[0, 6:].any()
    # what running the batch in one call would have given: the first row moves with its neighbours
    one_call = clf.session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
    assert not np.array_equal(one_call[0, :6], alone)
    fp32_folder = tmp_path / "fp32"
    fp32_folder.mkdir()
    shutil.copy2(folder / "config.json", fp32_folder / "config.json")
    shutil.copy2(fp32, fp32_folder / ONNX_FILE)
    assert not OnnxTokenClassifier(fp32_folder).row_by_row  # float graphs keep running batched


def _tiny_graph(path):
    """input_ids -> Gather(embedding) -> MatMul(W) -> logits, named like the torch exporter names things."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(1)
    emb = numpy_helper.from_array(rng.normal(size=(1500, 16)).astype(np.float32), "embeddings.weight")
    w = numpy_helper.from_array(rng.normal(size=(16, 11)).astype(np.float32), "onnx::MatMul_7")
    nodes = [helper.make_node("Gather", ["embeddings.weight", "input_ids"], ["/emb/Gather_output_0"]),
             helper.make_node("Tanh", ["/emb/Gather_output_0"], ["/act/Tanh_output_0"]),
             helper.make_node("MatMul", ["/act/Tanh_output_0", "onnx::MatMul_7"], ["/dense/MatMul_output_0"]),
             helper.make_node("Identity", ["/dense/MatMul_output_0"], ["logits"]),
             helper.make_node("Identity", ["attention_mask"], ["unused"])]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "n"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "n"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["b", "n", 11]),
         helper.make_tensor_value_info("unused", TensorProto.INT64, ["b", "n"])],
        [emb, w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
