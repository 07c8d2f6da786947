"""Reference fixtures for the optimisers in training/ (torch.optim), three steps with given gradients.

Requirements (Debian): apt-get install python3-torch python3-numpy; run with /usr/bin/python3 gen_optim.py
"""
import torch

import fixtures


def adamw_case(name, lr, betas, eps, weight_decay, steps=3):
    torch.manual_seed(len(name))
    start = torch.randn(3, 4)
    grads = [torch.randn(3, 4) for _ in range(steps)]
    param = torch.nn.Parameter(start.clone())
    optimizer = torch.optim.AdamW([param], lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
    outputs = {}
    for i, g in enumerate(grads):
        param.grad = g.clone()
        optimizer.step()
        outputs[f"after{i}"] = param.detach().clone()
    inputs = {"param": start}
    inputs.update({f"grad{i}": g for i, g in enumerate(grads)})
    return fixtures.case(name, "adamw", inputs, outputs, lr=lr, beta1=betas[0], beta2=betas[1], eps=eps,
                         weight_decay=weight_decay, steps=steps)


fixtures.write("optim.json", [
    adamw_case("adamw_defaults", 1e-3, (0.9, 0.999), 1e-8, 0.01),
    adamw_case("adamw_large_lr_decay", 0.1, (0.8, 0.99), 1e-6, 0.5),
], module="training")
