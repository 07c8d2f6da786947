"""PyTorch reference fixtures for elementwise ops -> tensor-core/src/test/resources/fixtures/elementwise.json

Requirements (Debian): apt-get install python3-torch python3-numpy
Run: /usr/bin/python3 tools/reference/gen_elementwise.py   (or tools/reference/generate_all.sh)

Covers every unary op on vector-tail sizes, non-contiguous views and extreme values (log of 0 and of
negatives, exp overflow, sigmoid of ±1e4); binary ops across broadcasting corners (0-d, size-1 dims on
either side, zero-size dims); comparisons with NaN; where, masked_fill and clamp.
"""
import torch

from fixtures import case, view_of, write

torch.manual_seed(2)

UNARY = {
    "neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt,
    "rsqrt": torch.rsqrt, "reciprocal": torch.reciprocal, "square": torch.square, "tanh": torch.tanh,
    "sigmoid": torch.sigmoid, "relu": torch.relu,
    "gelu": torch.nn.functional.gelu,
    "gelu_tanh": lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
    "silu": torch.nn.functional.silu, "sin": torch.sin, "cos": torch.cos,
}
BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
          "maximum": torch.maximum, "minimum": torch.minimum}
COMPARE = {"eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge}

EXTREMES = torch.tensor([0.0, -0.0, 1e-30, -1e-30, 1.0, -1.0, 88.0, -88.0, 100.0, -100.0, 1e4, -1e4,
                         float("inf"), float("-inf"), float("nan"), 3.5, -2.25, 0.5, 20.0, -20.0])

cases = []
for name, fn in UNARY.items():
    positive_only = name in ("log", "sqrt", "rsqrt")
    base = torch.randn(37) * 3
    if positive_only:
        base = base.abs() + 0.01
    cases.append(case(f"{name} tail 37", "unary", {"x": base}, {"y": fn(base)}, fn=name))
    base = torch.randn(5, 7, 3)
    if positive_only:
        base = base.abs() + 0.01
    view = view_of(base, permute=[2, 0, 1], slice_=[2, 0, 7, 2])
    cases.append(case(f"{name} permuted sliced", "unary", {"x": (base, [2, 0, 1], [2, 0, 7, 2])},
                      {"y": fn(view)}, fn=name))
    cases.append(case(f"{name} extremes", "unary", {"x": EXTREMES}, {"y": fn(EXTREMES)}, fn=name))
    cases.append(case(f"{name} zero-size", "unary", {"x": torch.zeros(0, 4)}, {"y": fn(torch.zeros(0, 4))},
                      fn=name))

BROADCASTS = [([4, 1, 3], [5, 1]), ([], [2, 3]), ([2, 3], []), ([33], [33]), ([3, 0], [1]),
              ([1, 17], [19, 1]), ([2, 1, 4, 1], [3, 1, 5])]
for name, fn in BINARY.items():
    for sa, sb in BROADCASTS:
        a = torch.randn(sa)
        b = torch.randn(sb)
        if name == "pow":
            a = a.abs() + 0.1
        cases.append(case(f"{name} {sa} {sb}", "binary", {"a": a, "b": b}, {"y": fn(a, b)}, fn=name))
    # A transposed operand and specials (NaN, ±inf, division by zero).
    a = torch.randn(6, 5)
    b = torch.randn(5, 6)
    cases.append(case(f"{name} transposed", "binary", {"a": a, "b": (b, [1, 0], None)},
                      {"y": fn(a, b.t())}, fn=name))
    specials_a = torch.tensor([float("nan"), 1.0, float("inf"), -1.0, 0.0, 2.0, -0.0, 3.0])
    specials_b = torch.tensor([1.0, float("nan"), 2.0, 0.0, 0.0, float("-inf"), 0.0, -2.0])
    cases.append(case(f"{name} specials", "binary", {"a": specials_a, "b": specials_b},
                      {"y": fn(specials_a, specials_b)}, fn=name))

for name, fn in COMPARE.items():
    a = torch.tensor([[1.0, 2.0, float("nan")], [4.0, -1.0, 0.0]])
    b = torch.tensor([1.0, float("nan"), 0.0])
    cases.append(case(f"{name} broadcast nan", "compare", {"a": a, "b": b}, {"y": fn(a, b)}, fn=name))
    a = torch.randint(-3, 3, (4, 35)).float()
    b = torch.randint(-3, 3, (4, 35)).float()
    cases.append(case(f"{name} tail", "compare", {"a": a, "b": b}, {"y": fn(a, b)}, fn=name))
    ai = torch.randint(-3, 3, (2, 5))
    bi = torch.randint(-3, 3, (5,))
    cases.append(case(f"{name} int64", "compare", {"a": ai, "b": bi}, {"y": fn(ai, bi)}, fn=name))

cond = torch.rand(3, 1, 20) > 0.5
a = torch.randn(4, 20)
b = torch.randn(1, 20)
cases.append(case("where broadcast", "where", {"condition": cond, "a": a, "b": b},
                  {"y": torch.where(cond, a, b)}))
ai = torch.randint(0, 9, (2, 3))
bi = torch.randint(0, 9, (2, 3))
ci = torch.tensor([[True, False, True], [False, False, True]])
cases.append(case("where int64", "where", {"condition": ci, "a": ai, "b": bi}, {"y": torch.where(ci, ai, bi)}))

x = torch.randn(4, 6)
mask = torch.rand(6) > 0.4
cases.append(case("masked_fill -inf", "masked_fill", {"x": x, "mask": mask},
                  {"y": x.masked_fill(mask, float("-inf"))}, value="-inf"))
cases.append(case("masked_fill 0.5 transposed", "masked_fill", {"x": (x, [1, 0], None), "mask": mask.reshape(6, 1)},
                  {"y": x.t().masked_fill(mask.reshape(6, 1), 0.5)}, value="0.5"))

x = torch.cat([torch.randn(40) * 3, torch.tensor([float("nan"), float("inf"), float("-inf")])])
cases.append(case("clamp", "clamp", {"x": x}, {"y": torch.clamp(x, -1.5, 2.0)}, min=-1.5, max=2.0))

write("elementwise.json", cases)
