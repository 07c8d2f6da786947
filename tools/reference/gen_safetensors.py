"""safetensors fixtures for nn/src/test/java/dev/cortado/nn/io/SafetensorsTest.java, written by hand
(struct + json, no safetensors package) so the format is checked against its specification:

  u64 little-endian N | N bytes of UTF-8 JSON header | data region
  header {"__metadata__": {str: str}?, name: {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}}

Writes nn/src/test/resources/safetensors/mixed.safetensors (every dtype Cortado reads, listed in the JSON
in another order than their data), model.safetensors (the state dict of gen_module.py's Net, laid out as the
safetensors library lays it out), and fixtures/safetensors.json with the values expected after reading.

Cortado → Python: the Java test writes the same Net's state dict through Cortado; to check such a file here,
  mvn -pl nn -am test -Dtest=SafetensorsTest -Dsurefire.failIfNoSpecifiedTests=false \\
      -Dcortado.safetensors.out=/tmp/cortado-net.safetensors
  /usr/bin/python3 tools/reference/gen_safetensors.py --verify /tmp/cortado-net.safetensors
--verify parses the file with this script's own reader (the standard library only), checks the layout the
safetensors library produces (padding, dtype-then-name order, contiguous offsets), then, where torch is
installed, loads it into gen_module.Net with load_state_dict(strict=True) and compares every value with
PyTorch's, and where the safetensors package is installed, reads it with safetensors.torch.load_file too.
"""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY_DIR = os.path.join(HERE, "..", "..", "nn", "src", "test", "resources", "safetensors")

# The safetensors library's Dtype order (the layout sorts by it, larger first, then by name), with sizes.
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64",
               "I64", "U64"]
SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
         "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}


def to_bytes(t, dtype):
    """Row-major little-endian bytes of torch tensor t stored as dtype."""
    import numpy as np
    import torch
    t = t.detach().contiguous()
    if dtype == "BF16":
        return t.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
    numpy_type = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
                  "U8": "u1", "BOOL": "u1"}[dtype]
    return np.ascontiguousarray(t.numpy().astype(numpy_type)).tobytes()


def write_file(path, tensors, metadata=None, listing=None):
    """tensors: [(name, dtype, shape, bytes)] in data order; listing: the order of names in the JSON."""
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    info = {}
    for name, dtype, shape, data in tensors:
        assert len(data) == SIZES[dtype] * _numel(shape)
        info[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    for name in listing or [t[0] for t in tensors]:
        header[name] = info[name]
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors))
    print(f"wrote {len(tensors)} tensors to {os.path.relpath(path)}")


def library_layout(state_dict):
    """(name, dtype, shape, bytes) in the safetensors library's order: dtype rank descending, then name."""
    import torch
    kinds = {torch.float32: "F32", torch.int64: "I64", torch.bool: "BOOL"}
    rows = [(name, kinds[t.dtype], list(t.shape), to_bytes(t, kinds[t.dtype])) for name, t in state_dict.items()]
    rows.sort(key=lambda r: r[0].encode("utf-8"))
    rows.sort(key=lambda r: DTYPE_ORDER.index(r[1]), reverse=True)
    return rows


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def generate():
    import torch
    import fixtures
    import gen_module
    torch.manual_seed(5)
    half = torch.tensor([0.5, -0.0, 65504.0, 6e-8, float("inf"), -2.75, 1 / 3, float("nan")])
    bf = torch.tensor([[1.0, -3.1416], [1e-30, 3e38]])
    values = {
        "a.weight": ("F32", torch.randn(2, 3)),
        "b.half": ("F16", half),
        "c.bf16": ("BF16", bf),
        "d.count": ("I64", torch.tensor(-9000000000, dtype=torch.int64)),
        "e.f64": ("F64", torch.tensor([0.1, -1e-3, 12345.678], dtype=torch.float64)),
        "f.i32": ("I32", torch.tensor([-7, 2147483647], dtype=torch.int32)),
        "g.mask": ("BOOL", torch.tensor([True, False, True])),
        "h.empty": ("F32", torch.zeros(0, 3)),
        "i.bytes": ("U8", torch.tensor([0, 200, 255], dtype=torch.uint8)),
        "j.i8": ("I8", torch.tensor([-128, 5], dtype=torch.int8)),
        "k.i16": ("I16", torch.tensor([-32768, 300], dtype=torch.int16)),
    }
    rows = [(name, dtype, list(t.shape), to_bytes(t, dtype)) for name, (dtype, t) in values.items()]
    listing = sorted(values, reverse=True)
    write_file(os.path.join(BINARY_DIR, "mixed.safetensors"), rows, {"format": "pt", "note": "café"}, listing)

    # What Cortado should read: floating types converted to float32 exactly as torch rounds them.
    expected = {}
    for name, (dtype, t) in values.items():
        if dtype in ("F32", "F16", "BF16", "F64"):
            stored = {"F16": torch.float16, "BF16": torch.bfloat16}.get(dtype, t.dtype)
            expected[name] = t.to(stored).to(torch.float32)
        elif dtype == "BOOL":
            expected[name] = t
        else:
            expected[name] = t.to(torch.int64)
    cases = [fixtures.case("mixed", "read", {}, expected, dtypes={n: d for n, (d, _) in values.items()},
                           metadata={"format": "pt", "note": "café"})]

    net = gen_module.reference_net()
    write_file(os.path.join(BINARY_DIR, "model.safetensors"), library_layout(net.state_dict()), {"format": "pt"})
    fixtures.write("safetensors.json", cases, module="nn")


def read_file(path):
    """Parses a safetensors file with the standard library only; returns (header, data, header_length)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n <= len(raw) - 8, f"header length {n} exceeds the file"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    return header, raw[8 + n:], n


def verify(path):
    header, data, n = read_file(path)
    metadata = header.pop("__metadata__", {})
    assert n % 8 == 0, f"header length {n} is not padded to a multiple of 8"
    names = list(header)
    layout = sorted(names, key=lambda k: k.encode("utf-8"))
    layout.sort(key=lambda k: DTYPE_ORDER.index(header[k]["dtype"]), reverse=True)
    assert names == layout, f"tensors are not in the library's order:\n{names}\n{layout}"
    offset = 0
    for name in names:
        info = header[name]
        begin, end = info["data_offsets"]
        assert begin == offset and end - begin == SIZES[info["dtype"]] * _numel(info["shape"]), name
        offset = end
    assert offset == len(data), "data region does not end with the last tensor"
    print(f"{path}: layout ok, {len(names)} tensors, metadata {metadata}")
    try:
        import numpy as np
        import torch
        import gen_module
    except ImportError:
        print("torch not installed: skipped loading into PyTorch")
        return
    numpy_type = {"F32": "<f4", "I64": "<i8", "BOOL": "?"}
    state = {}
    for name in names:
        info = header[name]
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=numpy_type[info["dtype"]]).reshape(info["shape"])
        state[name] = torch.from_numpy(array.copy())
    net = gen_module.Net()
    net.load_state_dict(state, strict=True)
    reference = gen_module.reference_net().state_dict()
    for name, value in net.state_dict().items():
        assert torch.equal(value, reference[name]), f"{name} differs from PyTorch's value"
    print(f"{path}: loads into gen_module.Net (strict) and equals PyTorch's state dict")
    try:
        from safetensors.torch import load_file
    except ImportError:
        print("safetensors package not installed: skipped safetensors.torch.load_file")
        return
    loaded = load_file(path)
    assert all(torch.equal(loaded[k], state[k]) for k in state)
    print(f"{path}: safetensors.torch.load_file agrees")


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        verify(sys.argv[2])
    else:
        generate()
