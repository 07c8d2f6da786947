"""Reference fixtures for the optimisers and learning-rate schedules in training/ (torch.optim).

Optimiser cases: a few parameters split into parameter groups (each with its own lr and weight decay), a few
steps with given gradients; a gradient left out ("grad{step}_{i}" missing) means that parameter has no
gradient at that step (frozen), so torch skips it and keeps its state. Outputs are every parameter after
every step. Schedule cases: the learning rate of each group for a range of steps, as plain JSON doubles.

Requirements (Debian): apt-get install python3-torch python3-numpy; run with /usr/bin/python3 gen_optim.py
"""
import math

import torch

import fixtures

SHAPES = [(3, 4), (5,)]


def optimizer_case(name, kind, groups, steps=3, frozen=(), **hyper):
    """groups: [(lr, weight_decay, [param indices])]; frozen: {(step, param index)} without a gradient."""
    torch.manual_seed(len(name) * 7 + steps)
    count = sum(len(g[2]) for g in groups)
    starts = [torch.randn(*SHAPES[i % len(SHAPES)]) for i in range(count)]
    params = [torch.nn.Parameter(s.clone()) for s in starts]
    param_groups = [{"params": [params[i] for i in idx], "lr": lr, "weight_decay": wd} for lr, wd, idx in groups]
    if kind == "sgd":
        optimizer = torch.optim.SGD(param_groups, lr=groups[0][0], **hyper)
    elif kind == "adam":
        optimizer = torch.optim.Adam(param_groups, betas=(hyper["beta1"], hyper["beta2"]), eps=hyper["eps"])
    else:
        optimizer = torch.optim.AdamW(param_groups, betas=(hyper["beta1"], hyper["beta2"]), eps=hyper["eps"])
    inputs = {f"param{i}": s for i, s in enumerate(starts)}
    outputs = {}
    for step in range(steps):
        for i, p in enumerate(params):
            if (step, i) in frozen:
                p.grad = None
            else:
                g = torch.randn(p.shape)
                inputs[f"grad{step}_{i}"] = g
                p.grad = g.clone()
        optimizer.step()
        for i, p in enumerate(params):
            outputs[f"after{step}_{i}"] = p.detach().clone()
    group_args = [{"lr": lr, "weight_decay": wd, "params": idx} for lr, wd, idx in groups]
    return fixtures.case(name, kind, inputs, outputs, groups=group_args, steps=steps, params=count, **hyper)


def schedule_case(name, kind, base_lrs, steps, make_scheduler, **args):
    """The lr of each group (base lrs as given) at scheduler positions 0 .. steps-1."""
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in base_lrs]
    optimizer = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs)], lr=base_lrs[0])
    scheduler = make_scheduler(optimizer)
    lrs = []
    for step in range(steps):
        lrs.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        if step + 1 < steps:
            scheduler.step()
    return fixtures.case(name, kind, {}, {}, base_lrs=base_lrs, lrs=lrs, **args)


def warmup_cosine(warmup, total, min_ratio):
    """The formula WarmupCosineLr documents, for LambdaLR."""
    def factor(step):
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / (total - warmup))
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))
    return factor


ADAM = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
cases = [
    optimizer_case("sgd_plain", "sgd", [(0.1, 0.0, [0, 1])]),
    optimizer_case("sgd_momentum", "sgd", [(0.05, 0.0, [0, 1])], steps=4, momentum=0.9),
    optimizer_case("sgd_nesterov_decay", "sgd", [(0.05, 0.01, [0, 1])], steps=4, momentum=0.9, nesterov=True),
    optimizer_case("sgd_dampening_two_groups", "sgd", [(0.1, 0.1, [0]), (0.02, 0.0, [1])], steps=4, momentum=0.8,
                   dampening=0.3),
    optimizer_case("sgd_momentum_frozen_midway", "sgd", [(0.1, 0.0, [0, 1])], steps=4, frozen={(1, 1), (2, 1)},
                   momentum=0.9),
    optimizer_case("adam_coupled_decay", "adam", [(1e-2, 0.1, [0, 1])], **ADAM),
    optimizer_case("adam_two_groups_frozen_midway", "adam", [(0.1, 0.0, [0]), (1e-3, 0.05, [1])], steps=4,
                   frozen={(0, 1), (2, 1)}, beta1=0.8, beta2=0.99, eps=1e-6),
    optimizer_case("adamw_defaults", "adamw", [(1e-3, 0.01, [0, 1])], **ADAM),
    optimizer_case("adamw_two_groups", "adamw", [(0.1, 0.5, [0]), (0.01, 0.0, [1])], steps=4, beta1=0.8,
                   beta2=0.99, eps=1e-6),
    optimizer_case("adamw_frozen_midway", "adamw", [(0.05, 0.1, [0, 1])], steps=4, frozen={(1, 0)}, **ADAM),
    schedule_case("step_lr", "step", [0.1, 0.02], 20,
                  lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), step_size=3, gamma=0.5),
    schedule_case("one_cycle", "one_cycle", [0.1, 0.01], 51,
                  lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=[0.1, 0.01], total_steps=50, pct_start=0.3,
                                                                cycle_momentum=False),
                  total_steps=50, pct_start=0.3, div_factor=25.0, final_div_factor=1e4),
    schedule_case("one_cycle_short", "one_cycle", [0.4], 11,
                  lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.4, total_steps=11, pct_start=0.25,
                                                                div_factor=10.0, final_div_factor=100.0,
                                                                cycle_momentum=False),
                  total_steps=11, pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
    schedule_case("warmup_cosine", "warmup_cosine", [0.1, 0.003], 30,
                  lambda o: torch.optim.lr_scheduler.LambdaLR(o, warmup_cosine(5, 25, 0.1)),
                  warmup_steps=5, total_steps=25, min_lr_ratio=0.1),
]
fixtures.write("optim.json", cases, module="training")
