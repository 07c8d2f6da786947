"""Reference fixtures for gradient clipping in training/ (torch.nn.utils.clip_grad_norm_ with the L2 norm).

Requirements (Debian): apt-get install python3-torch python3-numpy; run with /usr/bin/python3 gen_clipping.py
"""
import torch

import fixtures


def clip_case(name, shapes, max_norm, grad_scale):
    torch.manual_seed(len(name))
    params = [torch.nn.Parameter(torch.randn(*s)) for s in shapes]
    grads = [torch.randn(*s) * grad_scale for s in shapes]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    inputs = {f"grad{i}": g for i, g in enumerate(grads)}
    outputs = {f"clipped{i}": p.grad for i, p in enumerate(params)}
    outputs["total_norm"] = total.reshape(1)
    return fixtures.case(name, "clip_grad_norm", inputs, outputs, max_norm=max_norm, count=len(shapes))


fixtures.write("clipping.json", [
    clip_case("clipped", [(3, 4), (4,), (2, 3, 2)], 1.0, 2.0),
    clip_case("below_max_unchanged", [(5,), (2, 2)], 100.0, 1.0),
    clip_case("one_large_tensor", [(16, 8)], 0.5, 10.0),
], module="training")
