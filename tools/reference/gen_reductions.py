"""PyTorch reference fixtures for reductions, softmax and layer norm
-> tensor-core/src/test/resources/fixtures/reductions.json

Requirements (Debian): apt-get install python3-torch python3-numpy
Run: /usr/bin/python3 tools/reference/gen_reductions.py   (or tools/reference/generate_all.sh)

Covers sum/mean/var/max/min/logsumexp over single dims, several dims, all dims, negative dims, keepdim,
non-contiguous inputs, zero-size dims and NaN; argmax/argmin with ties and NaN; softmax/log_softmax
along every dim including rows of ±1e4 and -inf; layer_norm with and without affine parameters.
Cases that share an input carry several outputs, keyed "fn|dims|keepdim" or "fn|dim".
"""
import torch

from fixtures import case, view_of, write

torch.manual_seed(3)
cases = []

REDUCE = {
    "sum": lambda x, d, k: torch.sum(x, dim=d, keepdim=k) if d else torch.sum(x),
    "mean": lambda x, d, k: torch.mean(x, dim=d, keepdim=k) if d else torch.mean(x),
    "max": lambda x, d, k: torch.amax(x, dim=d, keepdim=k) if d else torch.max(x),
    "min": lambda x, d, k: torch.amin(x, dim=d, keepdim=k) if d else torch.min(x),
    "logsumexp": lambda x, d, k: torch.logsumexp(x, dim=d if d else list(range(x.dim())), keepdim=k),
}
LAYOUTS = [([5, 7, 19], None, None), ([4, 6, 3], [2, 0, 1], None), ([6, 9, 4], None, [1, 1, 9, 3])]
DIMS = [[0], [-1], [1], [0, 2], [2, 0], []]


def all_reductions(x, dims_list, keeps=(False, True)):
    """Outputs keyed "fn|d0,d1|keep" (empty dims = all dims) for every reduction of x."""
    outputs = {}
    for name, fn in REDUCE.items():
        for dims in dims_list:
            for keep in keeps:
                if dims or not keep:
                    outputs[f"{name}|{','.join(map(str, dims))}|{int(keep)}"] = fn(x, dims, keep)
    return outputs


for shape, permute, slice_ in LAYOUTS:
    base = torch.randn(shape) * 4
    x = view_of(base, permute, slice_)
    cases.append(case(f"reductions {shape} p{permute} s{slice_}", "reduce", {"x": (base, permute, slice_)},
                      all_reductions(x, DIMS)))
x = torch.tensor([[1.0, float("nan"), 3.0], [2.0, 5.0, -1.0]])
cases.append(case("reductions nan", "reduce", {"x": x}, all_reductions(x, [[1]], (False,))))
# Long rows: float accumulation over 4099 values (not a multiple of any vector width).
x = torch.rand(1, 4099)
cases.append(case("reductions long rows", "reduce", {"x": x}, all_reductions(x, [[1]], (False,))))
for name in ("sum", "mean", "logsumexp"):
    x = torch.zeros(3, 0, 2)
    cases.append(case(f"{name} zero-size dim", "reduce", {"x": x}, {f"{name}|1|0": REDUCE[name](x, [1], False)}))
x = torch.tensor([[-1e30, float("-inf"), 2.0], [float("-inf"), float("-inf"), float("-inf")]])
cases.append(case("logsumexp infinities", "reduce", {"x": x}, {"logsumexp|1|0": torch.logsumexp(x, dim=1)}))

for correction in (0, 1):
    for shape, permute, slice_ in LAYOUTS:
        base = torch.randn(shape) + 10
        x = view_of(base, permute, slice_)
        for dims in ([1], [0, 2], []):
            y = torch.var(x, dim=dims if dims else None, unbiased=bool(correction))
            cases.append(case(f"var c{correction} {shape} dims{dims}", "var", {"x": (base, permute, slice_)},
                              {"y": y}, dims=dims, correction=correction, keepdim=False))
x = torch.randn(4, 1)
cases.append(case("var single element", "var", {"x": x}, {"y": torch.var(x, dim=1)}, dims=[1], correction=1,
                  keepdim=False))

ties = torch.tensor([[3.0, 1.0, 3.0, 0.0], [-2.0, -2.0, 5.0, 5.0], [1.0, float("nan"), 7.0, float("nan")]])
for name, fn in (("argmax", torch.argmax), ("argmin", torch.argmin)):
    cases.append(case(f"{name} ties nan dim1", "arg", {"x": ties}, {"y": fn(ties, dim=1)}, fn=name, dim=1,
                      keepdim=False))
    x = torch.randn(5, 6, 7)
    cases.append(case(f"{name} dim0 keep", "arg", {"x": x}, {"y": fn(x, dim=0, keepdim=True)}, fn=name, dim=0,
                      keepdim=True))
    cases.append(case(f"{name} flat", "arg", {"x": (x, [2, 1, 0], None)}, {"y": fn(x.permute(2, 1, 0))},
                      fn=name, dim=None, keepdim=False))

SOFTMAX = {"softmax": torch.softmax, "log_softmax": torch.log_softmax}


def all_softmaxes(x, dims):
    """Outputs keyed "fn|dim"."""
    return {f"{name}|{dim}": fn(x, dim=dim) for name, fn in SOFTMAX.items() for dim in dims}


for shape in ([3, 37], [2, 5, 67], [4, 1]):
    x = torch.randn(shape) * 3
    cases.append(case(f"softmax {shape}", "softmax", {"x": x}, all_softmaxes(x, range(-1, -len(shape) - 1, -1))))
x = torch.tensor([[1e4, -1e4, 0.0, 1e4], [-1e4, -1e4, -1e4, -1e4], [float("-inf"), 0.0, 1.0, float("-inf")]])
cases.append(case("softmax extremes", "softmax", {"x": x}, all_softmaxes(x, [1])))
base = torch.randn(6, 20)
cases.append(case("softmax transposed", "softmax", {"x": (base, [1, 0], None)}, all_softmaxes(base.t(), [-1])))

for shape, normalized in (([4, 37], [37]), ([2, 3, 8], [3, 8]), ([2, 1024], [1024])):
    x = torch.randn(shape) * 2 + 1
    weight = torch.randn(normalized)
    bias = torch.randn(normalized)
    cases.append(case(f"layer_norm {shape}", "layer_norm", {"x": x, "weight": weight, "bias": bias},
                      {"affine": torch.nn.functional.layer_norm(x, normalized, weight, bias, 1e-5),
                       "plain": torch.nn.functional.layer_norm(x, normalized, None, None, 1e-5)},
                      normalized_shape=normalized, eps=1e-5))
x = torch.full((2, 16), 3.0)
cases.append(case("layer_norm constant rows", "layer_norm", {"x": x},
                  {"plain": torch.nn.functional.layer_norm(x, [16], None, None, 1e-5)}, normalized_shape=[16], eps=1e-5))

write("reductions.json", cases)
