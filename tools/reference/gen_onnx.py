"""ONNX fixtures for models/src/test/java/dev/cortado/models/onnx/, built with Debian's python3-onnx
(apt-get install python3-onnx python3-torch python3-numpy; run with /usr/bin/python3).

Writes to models/src/test/resources/onnx/:
  dtypes.onnx     a small graph (MatMul → Add → Relu, a Constant, a node carrying every attribute type, an If
                  with subgraphs) whose initializers cover every element type Cortado reads, each both as
                  raw_data ("<type>_raw") and in its typed field ("<type>_typed")
  external.onnx   two initializers stored in external.bin at offsets 0 and 64 (the second with no length)
  quantized.onnx  INT8 weights dequantized per channel (axis 0) and UINT8 weights per tensor by
                  DequantizeLinear nodes whose inputs are initializers
  escape.onnx     an initializer whose external location is "../outside.bin"
and models/src/test/resources/fixtures/onnx.json with the values Cortado must read: one case per
initializer (args.dtype: the ONNX type; outputs.values: the tensor as Cortado holds it, float32 / int64 /
bool).
"""
import os
import sys

import numpy as np
import torch

from fixtures import encode, write

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:
    sys.exit("gen_onnx.py: needs Debian's python3-onnx (apt-get install python3-onnx), run with /usr/bin/python3")

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "models", "src", "test", "resources", "onnx")

# Values exactly representable in every float type below (FLOAT16, BFLOAT16), so the expected float32 is exact.
FLOATS = np.array([[1.5, -2.25, 0.0], [384.0, -0.125, 2.0 ** -14]], dtype=np.float32)
DOUBLES = np.array([[0.1, -1e-3, 1e30], [2.5, -0.0, 123456789.123]], dtype=np.float64)


def integers(dtype):
    info = np.iinfo(dtype)
    return np.array([[info.min, -1 if info.min < 0 else 7, 0], [1, 100, info.max]], dtype=dtype)


def bf16_bits(values):
    """bfloat16 bit patterns of float32 values whose low 16 bits are zero (exact)."""
    bits = values.astype(np.float32).view(np.uint32)
    assert not np.any(bits & 0xFFFF)
    return (bits >> 16).astype(np.uint16)


def tensor_pair(name, onnx_type, array, typed_values):
    """The same values as raw_data and in the typed field."""
    raw = TensorProto(name=name + "_raw", data_type=onnx_type, dims=list(array.shape))
    raw.raw_data = array.tobytes()
    typed = TensorProto(name=name + "_typed", data_type=onnx_type, dims=list(array.shape))
    field = {TensorProto.FLOAT: typed.float_data, TensorProto.DOUBLE: typed.double_data,
             TensorProto.INT64: typed.int64_data, TensorProto.UINT32: typed.uint64_data,
             TensorProto.UINT64: typed.uint64_data}.get(onnx_type, typed.int32_data)
    field.extend(int(v) if not isinstance(v, float) else v for v in typed_values)
    return [raw, typed]


def initializers():
    """(tensor protos, expected cases)."""
    protos, cases = [], []

    def add(name, onnx_type, array, typed_values, expected):
        protos.extend(tensor_pair(name, onnx_type, array, typed_values))
        for suffix in ("_raw", "_typed"):
            cases.append({"name": name + suffix, "op": "initializer",
                          "args": {"dtype": TensorProto.DataType.Name(onnx_type)},
                          "inputs": {}, "outputs": {"values": encode(expected)}})

    add("float", TensorProto.FLOAT, FLOATS, FLOATS.ravel().tolist(), torch.from_numpy(FLOATS))
    half = FLOATS.astype(np.float16)
    add("float16", TensorProto.FLOAT16, half, half.view(np.uint16).ravel().tolist(), torch.from_numpy(FLOATS))
    bf = bf16_bits(FLOATS)
    add("bfloat16", TensorProto.BFLOAT16, bf, bf.ravel().tolist(), torch.from_numpy(FLOATS))
    add("double", TensorProto.DOUBLE, DOUBLES, DOUBLES.ravel().tolist(),
        torch.from_numpy(DOUBLES.astype(np.float32)))
    for onnx_type, dtype in [(TensorProto.INT8, np.int8), (TensorProto.UINT8, np.uint8),
                             (TensorProto.INT16, np.int16), (TensorProto.UINT16, np.uint16),
                             (TensorProto.INT32, np.int32), (TensorProto.UINT32, np.uint32),
                             (TensorProto.INT64, np.int64)]:
        array = integers(dtype)
        add(TensorProto.DataType.Name(onnx_type).lower(), onnx_type, array, array.ravel().tolist(),
            torch.from_numpy(array.astype(np.int64)))
    # UINT64 above 2^63 keeps its bit pattern in Cortado's int64.
    u64 = np.array([0, 1, 2**63 - 1, 2**64 - 1], dtype=np.uint64)
    add("uint64", TensorProto.UINT64, u64, u64.tolist(), torch.from_numpy(u64.view(np.int64).copy()))
    flags = np.array([[True, False], [False, True]])
    add("bool", TensorProto.BOOL, flags, flags.astype(np.int32).ravel().tolist(), torch.from_numpy(flags))
    scalar = np.array(2.5, dtype=np.float32)
    add("scalar", TensorProto.FLOAT, scalar, [2.5], torch.from_numpy(scalar))
    empty = np.zeros((0, 3), dtype=np.float32)
    add("empty", TensorProto.FLOAT, empty, [], torch.from_numpy(empty))
    return protos, cases


def dtypes_model(protos):
    weight = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(3, 2), "fc.weight")
    bias = numpy_helper.from_array(np.array([0.5, -0.5], dtype=np.float32), "fc.bias")
    branch = lambda name, value: helper.make_graph(  # noqa: E731
        [helper.make_node("Constant", [], [name + "_out"], value_float=value)], name,
        [], [helper.make_tensor_value_info(name + "_out", TensorProto.FLOAT, [])])
    nodes = [
        helper.make_node("MatMul", ["x", "fc.weight"], ["h"], name="fc/MatMul"),
        helper.make_node("Add", ["h", "fc.bias"], ["h2"], name="fc/Add"),
        helper.make_node("Relu", ["h2"], ["y"], name="relu"),
        helper.make_node("Constant", [], ["c"], name="const",
                         value=numpy_helper.from_array(np.array([1, 2, 3], dtype=np.int64), "c_value")),
        helper.make_node("AllAttributes", ["y", ""], ["z"], name="attrs", domain="cortado.test",
                         f=0.25, i=-7, s="hello", t=numpy_helper.from_array(np.array([4.0], np.float32), "t"),
                         floats=[1.0, 2.5], ints=[3, -4, 5], strings=["a", "bc"]),
        helper.make_node("If", ["cond"], ["branch"], name="if",
                         then_branch=branch("then", 1.0), else_branch=branch("else", 0.0)),
    ]
    graph = helper.make_graph(
        nodes, "dtypes",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3]),
         helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2]),
         helper.make_tensor_value_info("branch", TensorProto.FLOAT, [])],
        initializer=[weight, bias] + protos,
        value_info=[helper.make_tensor_value_info("h", TensorProto.FLOAT, ["batch", 2])])
    return helper.make_model(graph, producer_name="gen_onnx.py",
                             opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("cortado.test", 1)])


def external(name, location, offset=None, length=None):
    tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=[2, 2])
    tensor.data_location = TensorProto.EXTERNAL
    entries = [("location", location)]
    if offset is not None:
        entries.append(("offset", str(offset)))
    if length is not None:
        entries.append(("length", str(length)))
    for key, value in entries:
        tensor.external_data.add(key=key, value=value)
    return tensor


def simple_model(name, tensors):
    graph = helper.make_graph([helper.make_node("Identity", [tensors[0].name], ["out"])], name, [],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, [2, 2])],
                              initializer=tensors)
    return helper.make_model(graph, producer_name="gen_onnx.py", opset_imports=[helper.make_opsetid("", 13)])


def quantized_model(cases):
    w_q = np.array([[-128, -1, 0, 127], [5, 6, 7, 8], [-3, 3, -9, 9]], dtype=np.int8)
    w_scale = np.array([0.5, 0.25, 0.125], dtype=np.float32)
    w_zero = np.array([0, 1, -2], dtype=np.int8)
    u_q = np.array([[0, 128, 255], [1, 2, 3]], dtype=np.uint8)
    u_scale = np.array(0.1, dtype=np.float32)
    u_zero = np.array(128, dtype=np.uint8)
    tensors = [numpy_helper.from_array(a, n) for a, n in [(w_q, "w_q"), (w_scale, "w_scale"), (w_zero, "w_zero"),
                                                           (u_q, "u_q"), (u_scale, "u_scale"), (u_zero, "u_zero")]]
    nodes = [helper.make_node("DequantizeLinear", ["w_q", "w_scale", "w_zero"], ["w"], axis=0),
             helper.make_node("DequantizeLinear", ["u_q", "u_scale", "u_zero"], ["u"]),
             helper.make_node("MatMul", ["u", "w"], ["y"])]
    graph = helper.make_graph(nodes, "quantized", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
                              initializer=tensors)
    # DequantizeLinear: y = (x - zero_point) * scale, computed as ONNX Runtime does (float32 product).
    w = (w_q.astype(np.int32) - w_zero[:, None]).astype(np.float32) * w_scale[:, None]
    u = (u_q.astype(np.int32) - u_zero.astype(np.int32)).astype(np.float32) * u_scale
    for name, value in (("w", w), ("u", u)):
        cases.append({"name": "dequantized_" + name, "op": "dequantize", "args": {"dtype": "FLOAT"}, "inputs": {},
                      "outputs": {"values": encode(torch.from_numpy(value))}})
    return helper.make_model(graph, producer_name="gen_onnx.py", opset_imports=[helper.make_opsetid("", 13)])


def main():
    os.makedirs(OUT, exist_ok=True)
    protos, cases = initializers()
    onnx.save(dtypes_model(protos), os.path.join(OUT, "dtypes.onnx"))

    first = np.array([[1, 2], [3, 4]], dtype=np.float32)
    second = np.array([[-1, 0.5], [1e-3, 7]], dtype=np.float32)
    with open(os.path.join(OUT, "external.bin"), "wb") as f:
        f.write(first.tobytes())
        f.write(b"\0" * (64 - first.nbytes))
        f.write(second.tobytes())
    onnx.save(simple_model("external", [external("first", "external.bin", 0, 16),
                                        external("second", "external.bin", 64)]),
              os.path.join(OUT, "external.onnx"))
    for name, value in (("first", first), ("second", second)):
        cases.append({"name": "external_" + name, "op": "external", "args": {"dtype": "FLOAT"}, "inputs": {},
                      "outputs": {"values": encode(torch.from_numpy(value))}})
    onnx.save(quantized_model(cases), os.path.join(OUT, "quantized.onnx"))
    onnx.save(simple_model("escape", [external("leak", "../outside.bin", 0, 16)]),
              os.path.join(OUT, "escape.onnx"))
    write("onnx.json", cases, module="models")
    print("wrote dtypes.onnx, external.onnx (+ external.bin), quantized.onnx, escape.onnx to", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
