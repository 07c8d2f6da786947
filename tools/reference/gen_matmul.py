"""PyTorch reference fixtures for matrix products (torch.matmul, torch.mm, torch.bmm).

Requirements (Debian): apt-get install python3-torch python3-numpy
Run with the system interpreter:  /usr/bin/python3 tools/reference/gen_matmul.py

Writes tensor-core/src/test/resources/fixtures/matmul.json: inputs "a", "b" and output "y" = op(a, b), with
op one of "matmul", "mm", "bmm". Covered: 2-D, every 1-D combination, batched with broadcast batch dims,
transposed (permuted) and sliced inputs, and zero-size dims (K = 0 gives zeros).
Inputs are multiples of 1/16 in [-4, 4]: every product is a multiple of 1/256 and every partial sum stays
far below 2^16, so all summation orders give the same, exact float32 result.
"""
import torch

from fixtures import case, view_of, write

OPS = {"matmul": torch.matmul, "mm": torch.mm, "bmm": torch.bmm}


def grid(*shape):
    """Standard normal values rounded to multiples of 1/16 and clamped to [-4, 4]."""
    return ((torch.randn(*shape) * 16).round() / 16).clamp(-4, 4)


def product_case(name, a_shape, b_shape, op="matmul", a_permute=None, a_slice=None, b_permute=None, b_slice=None):
    """a_shape / b_shape are the shapes of the stored base tensors; the op sees view_of(base, permute, slice)."""
    a_base = grid(*a_shape)
    b_base = grid(*b_shape)
    y = OPS[op](view_of(a_base, a_permute, a_slice), view_of(b_base, b_permute, b_slice))
    return case(name, op, {"a": (a_base, a_permute, a_slice), "b": (b_base, b_permute, b_slice)}, {"y": y})


def cases():
    return [
        product_case("2-D", (5, 7), (7, 3)),
        product_case("2-D, sizes off the vector and tile widths", (13, 37), (37, 33)),
        product_case("1-D · 1-D (dot)", (9,), (9,)),
        product_case("2-D · 1-D", (6, 9), (9,)),
        product_case("1-D · 2-D", (9,), (9, 4)),
        product_case("3-D · 1-D", (2, 3, 9), (9,)),
        product_case("1-D · 3-D", (9,), (2, 9, 4)),
        product_case("3-D · 2-D", (3, 4, 5), (5, 2)),
        product_case("2-D · 3-D", (4, 5), (3, 5, 2)),
        product_case("broadcast batch dims", (2, 1, 3, 5), (4, 5, 6)),
        product_case("transposed a", (7, 5), (7, 3), a_permute=(1, 0)),
        product_case("batched, both transposed", (2, 5, 4), (2, 6, 5), a_permute=(0, 2, 1), b_permute=(0, 2, 1)),
        product_case("sliced a (every other column)", (6, 10), (5, 3), a_slice=(1, 0, 10, 2)),
        product_case("K = 0", (3, 0), (0, 4)),
        product_case("M = 0", (0, 4), (4, 3)),
        product_case("empty batch", (0, 2, 3), (3, 4)),
        product_case("mm", (4, 6), (6, 5), op="mm"),
        product_case("bmm, transposed b", (3, 2, 4), (3, 5, 4), op="bmm", b_permute=(0, 2, 1)),
    ]


if __name__ == "__main__":
    torch.manual_seed(0)
    write("matmul.json", cases())
