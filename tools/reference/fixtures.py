"""Shared helpers for the PyTorch reference-fixture scripts in this folder.

Requirements (Debian): apt-get install python3-torch python3-numpy
Run with the system interpreter, which is where Debian installs torch:  /usr/bin/python3 gen_<family>.py

A fixture file is JSON:
  {"generator": "tools/reference/gen_x.py", "torch": "1.13.0", "cases": [case, ...]}
A case:
  {"name": str, "op": str, "args": {...},            # args: plain JSON values the Java test passes on
   "inputs":  {name: tensor, ...},
   "outputs": {name: tensor, ...}}
A tensor:
  {"dtype": "float32" | "int64" | "bool", "shape": [...], "data": row-major values,
   "permute": [...]?,           # optional: the op's input is base.permute(*permute)  (a non-contiguous view)
   "slice": [dim, start, end, step]?}  # optional, applied after permute: base[..., start:end:step, ...]
float32 data is one string of space-separated numbers, each the shortest text that identifies the
float32 value (numpy's repr), with NaN / Infinity / -Infinity spelled as Java's Float.parseFloat reads
them: compact, and exact to the bit. int64 and bool data are JSON arrays.
"""
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIXTURE_DIR = os.path.join(ROOT, "tensor-core", "src", "test", "resources", "fixtures")


def fixture_dir(module):
    """The fixtures folder of another Maven module (e.g. "nn"), for write(..., directory=...)."""
    return os.path.join(ROOT, module, "src", "test", "resources", "fixtures")

_DTYPES = {torch.float32: "float32", torch.int64: "int64", torch.bool: "bool"}


def encode(t, permute=None, slice_=None):
    """Encode a tensor. With permute/slice_, `t` is the *base* tensor and the op input is the view."""
    t = t.detach().contiguous()
    values = t.reshape(-1)
    if t.dtype == torch.float32:
        data = " ".join(_float_text(v) for v in values.numpy())
    else:
        data = values.tolist()
    out = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data": data}
    if permute is not None:
        out["permute"] = list(permute)
    if slice_ is not None:
        out["slice"] = list(slice_)
    return out


def _float_text(value):
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(np.float32(value))


def view_of(t, permute=None, slice_=None):
    """The view the Java side will build from encode(t, permute, slice_)."""
    if permute is not None:
        t = t.permute(*permute)
    if slice_ is not None:
        dim, start, end, step = slice_
        index = [slice(None)] * t.dim()
        index[dim] = slice(start, end, step)
        t = t[tuple(index)]
    return t


def case(name, op, inputs, outputs, **args):
    """inputs: {name: tensor or (tensor, permute, slice_)}; outputs: {name: tensor}."""
    enc_in = {}
    for key, value in inputs.items():
        if isinstance(value, tuple):
            enc_in[key] = encode(*value)
        else:
            enc_in[key] = encode(value)
    return {"name": name, "op": op, "args": args, "inputs": enc_in,
            "outputs": {k: encode(v) for k, v in outputs.items()}}


def write(filename, cases, directory=FIXTURE_DIR):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, filename)
    doc = {"generator": "tools/reference/" + os.path.basename(sys.argv[0]),
           "torch": torch.__version__, "cases": cases}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(path)}")
