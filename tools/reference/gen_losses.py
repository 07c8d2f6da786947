"""Reference values and gradients of the losses in nn/src/main/java/dev/cortado/nn/Losses.java.

Every case: the loss's inputs, a weight r of the loss's shape, outputs "loss" and the gradients of
sum(loss * r) with respect to each differentiable input ("d" + input name).
Run: /usr/bin/python3 gen_losses.py  → nn/src/test/resources/fixtures/losses.json
"""
import math

import torch
import torch.nn.functional as F

import fixtures


def grads_case(name, op, inputs, differentiable, compute, **args):
    """compute(**inputs) → loss; gradients of sum(loss * r) for the inputs named in differentiable."""
    leaves = {k: (v.clone().requires_grad_(True) if k in differentiable else v) for k, v in inputs.items()}
    loss = compute(**leaves)
    r = torch.randn(loss.shape)
    (loss * r).sum().backward()
    outputs = {"loss": loss}
    for k in differentiable:
        outputs["d" + k] = leaves[k].grad
    return fixtures.case(name, op, dict(inputs, r=r), outputs, **args)


def cross_entropy_cases():
    torch.manual_seed(10)
    logits = torch.randn(6, 5) * 2
    target = torch.tensor([0, 4, 2, 2, 1, 3])
    ignored = torch.tensor([0, -100, 2, 2, -100, 3])
    custom = torch.tensor([0, 4, 2, 2, 1, 3])  # ignore_index 2 drops two samples
    cases = []
    for name, t, reduction, smoothing, ignore in [
        ("ce_mean", target, "mean", 0.0, -100), ("ce_sum", target, "sum", 0.0, -100),
        ("ce_none", target, "none", 0.0, -100), ("ce_smooth_mean", target, "mean", 0.1, -100),
        ("ce_ignore_mean", ignored, "mean", 0.0, -100), ("ce_ignore_smooth_sum", custom, "sum", 0.2, 2),
        ("ce_ignore_smooth_mean", custom, "mean", 0.2, 2),
    ]:
        cases.append(grads_case(name, "cross_entropy", {"logits": logits, "target": t}, ["logits"],
                                lambda logits, target, rd=reduction, s=smoothing, i=ignore:
                                F.cross_entropy(logits, target, reduction=rd, label_smoothing=s, ignore_index=i),
                                reduction=reduction, label_smoothing=smoothing, ignore_index=ignore))
    return cases


def bce_cases():
    torch.manual_seed(11)
    x = torch.randn(3, 4) * 3
    x[0, 0], x[0, 1], x[1, 2] = 0.0, 40.0, -40.0  # the kink-free point 0 and saturated logits
    y = torch.rand(3, 4)
    y[0, 1], y[1, 2] = 1.0, 0.0
    pos_weight = torch.tensor([0.5, 1.0, 2.0, 3.0])
    cases = []
    for name, pw, reduction in [("bce_mean", None, "mean"), ("bce_none", None, "none"),
                                ("bce_pos_weight_sum", pos_weight, "sum")]:
        inputs = {"x": x, "y": y}
        if pw is not None:
            inputs["pos_weight"] = pw
        cases.append(grads_case(name, "bce_with_logits", inputs, ["x"],
                                lambda x, y, pos_weight=None, rd=reduction:
                                F.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight, reduction=rd),
                                reduction=reduction))
    return cases


def mse_cases():
    torch.manual_seed(12)
    a, b = torch.randn(4, 3), torch.randn(4, 3)
    return [grads_case(name, "mse", {"input": a, "target": b}, ["input", "target"],
                       lambda input, target, rd=reduction: F.mse_loss(input, target, reduction=rd),
                       reduction=reduction)
            for name, reduction in [("mse_mean", "mean"), ("mse_sum", "sum"), ("mse_none", "none")]]


def clip_loss(image, text, log_scale):
    """Symmetric InfoNCE as in CLIP: logits = exp(log_scale).clamp(max=100) · image · textᵀ, targets on the diagonal."""
    logits = log_scale.exp().clamp(max=100) * image @ text.t()
    labels = torch.arange(image.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def clip_cases():
    torch.manual_seed(13)
    image = F.normalize(torch.randn(6, 8), dim=-1)
    text = F.normalize(image + 0.8 * torch.randn(6, 8), dim=-1)
    cases = []
    for name, scale in [("clip", math.log(1 / 0.07)), ("clip_clamped", math.log(150.0))]:
        cases.append(grads_case(name, "clip", {"image": image, "text": text,
                                               "log_scale": torch.tensor(scale, dtype=torch.float32)},
                                ["image", "text", "log_scale"], clip_loss))
    return cases


def cosine_cases():
    torch.manual_seed(14)
    x1, x2 = torch.randn(5, 6), torch.randn(5, 6)
    x2[1] = -0.9 * x1[1] + 0.1 * x2[1]  # a dissimilar pair below the margin: no loss, no gradient
    y = torch.tensor([1.0, -1.0, 1.0, -1.0, -1.0])
    return [grads_case(name, "cosine_embedding", {"x1": x1, "x2": x2, "y": y}, ["x1", "x2"],
                       lambda x1, x2, y, m=margin, rd=reduction:
                       F.cosine_embedding_loss(x1, x2, y, margin=m, reduction=rd),
                       margin=margin, reduction=reduction)
            for name, margin, reduction in [("cosine_mean", 0.0, "mean"), ("cosine_margin_sum", -0.3, "sum"),
                                            ("cosine_none", 0.1, "none")]]


if __name__ == "__main__":
    fixtures.write("losses.json", cross_entropy_cases() + bce_cases() + mse_cases() + clip_cases() + cosine_cases(),
                   module="nn")
