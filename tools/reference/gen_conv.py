"""PyTorch reference fixtures for 2-D convolution and pooling.

Requirements (Debian): apt-get install python3-torch python3-numpy
Run with the system interpreter:  /usr/bin/python3 tools/reference/gen_conv.py

Writes (under tensor-core/src/test/resources/fixtures/):
  conv2d.json  torch.nn.functional.conv2d forward ("y") and, by autograd with upstream gradient "g",
               the input gradient ("grad_input") and weight gradient ("grad_weight");
               args: stride, padding, dilation (each [h, w]), groups.
  pool2d.json  max_pool2d with indices ("values", "indices"), avg_pool2d ("y") and
               adaptive_avg_pool2d ("y"); args per op as in torch.nn.functional.
Inputs are multiples of 1/16 so the files stay small; some inputs are permuted or sliced views.
"""
import torch
import torch.nn.functional as F

from fixtures import case, view_of, write


def grid(*shape):
    """Standard normal values rounded to multiples of 1/16."""
    return (torch.randn(*shape) * 16).round() / 16


def conv_case(name, x_shape, w_shape, bias=True, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
              x_permute=None, x_slice=None, w_permute=None):
    """x_shape / w_shape are the shapes of the stored base tensors; the op sees view_of(base, permute, slice)."""
    x_base = grid(*x_shape)
    w_base = grid(*w_shape)
    x = view_of(x_base, x_permute, x_slice).clone().requires_grad_(True)
    w = view_of(w_base, w_permute).clone().requires_grad_(True)
    b = grid(w.shape[0]) if bias else None
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    g = grid(*y.shape)
    y.backward(g)
    inputs = {"x": (x_base, x_permute, x_slice), "w": (w_base, w_permute, None), "g": g}
    if bias:
        inputs["b"] = b
    return case(name, "conv2d", inputs,
                {"y": y, "grad_input": x.grad, "grad_weight": w.grad},
                stride=list(stride), padding=list(padding), dilation=list(dilation), groups=groups)


def conv_cases():
    return [
        conv_case("3x3 same", (2, 2, 5, 5), (3, 2, 3, 3), padding=(1, 1)),
        conv_case("3x3 stride 2 odd sizes", (1, 2, 7, 5), (3, 2, 3, 3), bias=False, stride=(2, 2), padding=(1, 1)),
        conv_case("3x3 dilation 2", (1, 2, 7, 7), (2, 2, 3, 3), padding=(2, 2), dilation=(2, 2)),
        conv_case("groups 2", (2, 4, 4, 4), (4, 2, 3, 3), padding=(1, 1), groups=2),
        conv_case("depthwise", (1, 3, 6, 5), (3, 1, 3, 3), padding=(1, 1), groups=3),
        conv_case("1x1 pointwise", (2, 4, 3, 4), (5, 4, 1, 1)),
        conv_case("3x2 mixed stride padding dilation", (1, 2, 8, 9), (3, 2, 3, 2), stride=(2, 1), padding=(1, 2),
                  dilation=(1, 3)),
        conv_case("4x4 patch embedding", (1, 3, 8, 8), (2, 3, 4, 4), stride=(4, 4)),
        conv_case("channels-last input, permuted weight", (2, 4, 4, 3), (3, 3, 3, 2), padding=(1, 1),
                  x_permute=(0, 3, 1, 2), w_permute=(3, 2, 0, 1)),
        conv_case("column-sliced input", (1, 2, 5, 12), (2, 2, 3, 3), stride=(1, 2), x_slice=(3, 1, 12, 2)),
    ]


def max_case(name, x_base, kernel, stride, padding=0, dilation=1, ceil_mode=False, permute=None):
    x = view_of(x_base, permute)
    values, indices = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode=ceil_mode, return_indices=True)
    return case(name, "max_pool2d", {"x": (x_base, permute, None)}, {"values": values, "indices": indices},
                kernel=list(kernel), stride=list(stride), padding=list(padding_pair(padding)),
                dilation=list(padding_pair(dilation)), ceil_mode=ceil_mode)


def avg_case(name, x_base, kernel, stride, padding=0, ceil_mode=False, count_include_pad=True, slice_=None):
    x = view_of(x_base, None, slice_)
    y = F.avg_pool2d(x, kernel, stride, padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    return case(name, "avg_pool2d", {"x": (x_base, None, slice_)}, {"y": y},
                kernel=list(kernel), stride=list(stride), padding=list(padding_pair(padding)), ceil_mode=ceil_mode,
                count_include_pad=count_include_pad)


def adaptive_case(name, x_base, output_size):
    y = F.adaptive_avg_pool2d(x_base, output_size)
    return case(name, "adaptive_avg_pool2d", {"x": x_base}, {"y": y}, output_size=list(output_size))


def padding_pair(value):
    return value if isinstance(value, tuple) else (value, value)


def pool_cases():
    ties = (grid(2, 2, 7, 7) * 2).round() / 2   # halves: many equal values in a window
    with_nan = grid(1, 2, 6, 6)
    with_nan[0, 0, 1, 2] = float("nan")
    with_nan[0, 0, 1, 3] = float("nan")
    with_nan[0, 1, 0:3, 0:3] = float("-inf")
    return [
        max_case("max 2x2 stride 2 with ties", ties, (2, 2), (2, 2)),
        max_case("max 3x3 stride 2 pad 1 ceil", ties, (3, 3), (2, 2), padding=1, ceil_mode=True),
        max_case("max 3x3 dilation 2 pad 1", grid(1, 2, 8, 7), (3, 3), (1, 1), padding=1, dilation=2),
        max_case("max 2x3 stride (1, 2)", grid(1, 3, 5, 8), (2, 3), (1, 2)),
        max_case("max with NaN and -inf", with_nan, (3, 3), (1, 1), padding=1),
        max_case("max channels-last input", grid(2, 6, 6, 3), (2, 2), (2, 2), permute=(0, 3, 1, 2)),
        avg_case("avg 2x2 stride 2", grid(2, 2, 6, 6), (2, 2), (2, 2)),
        avg_case("avg 3x3 stride 2 pad 1 include pad", grid(1, 2, 7, 7), (3, 3), (2, 2), padding=1),
        avg_case("avg 3x3 stride 2 pad 1 exclude pad", grid(1, 2, 7, 7), (3, 3), (2, 2), padding=1,
                 count_include_pad=False),
        avg_case("avg 3x3 stride 2 pad 1 ceil include pad", grid(1, 2, 8, 8), (3, 3), (2, 2), padding=1,
                 ceil_mode=True),
        avg_case("avg 3x3 stride 2 pad 1 ceil exclude pad", grid(1, 2, 8, 8), (3, 3), (2, 2), padding=1,
                 ceil_mode=True, count_include_pad=False),
        avg_case("avg 2x2 stride 2 ceil odd size", grid(1, 1, 5, 5), (2, 2), (2, 2), ceil_mode=True),
        avg_case("avg column-sliced input", grid(1, 2, 6, 12), (2, 2), (1, 1), slice_=(3, 0, 12, 2)),
        adaptive_case("adaptive 7x7 to 1x1", grid(2, 3, 7, 7), (1, 1)),
        adaptive_case("adaptive 10x9 to 3x4", grid(1, 2, 10, 9), (3, 4)),
        adaptive_case("adaptive 3x5 to 5x2", grid(1, 2, 3, 5), (5, 2)),
    ]


if __name__ == "__main__":
    torch.manual_seed(0)
    write("conv2d.json", conv_cases())
    write("pool2d.json", pool_cases())
