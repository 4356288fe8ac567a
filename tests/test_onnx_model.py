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


def test_embedded_weights_int8_embeddings_float_linear_layers_no_activation_quantisation():
    """The storage the onnx_model docstring describes: uint8 embedding tables under checkpoint names,
    float32 linear layers found through their MatMul's module path, nothing quantised per batch."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto

    graph = onnx.load(str(EMBEDDED)).graph
    ops = {n.op_type for n in graph.node}
    assert not ops & {"DynamicQuantizeLinear", "MatMulInteger"}
    inits = {t.name: t for t in graph.initializer}
    assert inits["roberta.embeddings.word_embeddings.weight_quantized"].data_type == TensorProto.UINT8
    assert list(inits["roberta.embeddings.word_embeddings.weight_scale"].dims) == []
    weight_of = {n.output[0].rsplit("/", 1)[0]: inits[n.input[1]] for n in graph.node
                 if n.op_type == "MatMul" and n.input[1] in inits}
    query = weight_of["/roberta/encoder/layer.0/attention/self/query"]
    assert query.data_type == TensorProto.FLOAT and list(query.dims) == [384, 384]
    assert list(weight_of["/roberta/encoder/layer.0/intermediate/dense"].dims) == [384, 1536]  # [in, out]
    assert list(weight_of["/classifier"].dims) == [384, 44]  # 4 syllable slots x 11 tags
    assert sum(f.stat().st_size for f in EMBEDDED.parent.iterdir()) <= 40 * 2**20
    assert (EMBEDDED.parent / "crf.crfsuite").is_file()


def test_dynamic_graphs_are_rewritten_at_load(tmp_path):
    """A quantize_dynamic export (what training.package_model writes) loads batch-independent."""
    pytest.importorskip("onnx")
    import shutil

    import numpy as np
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from vnner.onnx_model import OnnxTokenClassifier, weight_only_int8

    fp32 = tmp_path / "fp32.onnx"
    _tiny_graph(fp32)
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy2(vnner.DEFAULT_MODEL_DIR / "config.json", folder / "config.json")
    quantize_dynamic(str(fp32), str(folder / ONNX_FILE), weight_type=QuantType.QInt8)
    clf = OnnxTokenClassifier(folder)
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 50, (5, 9))
    ids[1:] *= 30  # other rows with other activation ranges
    mask = np.ones_like(ids)
    np.testing.assert_array_equal(clf.logits(ids[:1], mask[:1])[0], clf.logits(ids, mask)[0])
    import onnx

    rewritten = weight_only_int8(onnx.load(str(folder / ONNX_FILE)))
    assert {t.name for t in rewritten.graph.initializer} >= {"dense.weight_quantized", "dense.weight_scale",
                                                             "dense.weight_zero_point"}


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
