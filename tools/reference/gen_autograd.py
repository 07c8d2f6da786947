"""PyTorch reference fixtures for autograd ops and nn layers: outputs and input gradients.

Requirements (Debian): apt-get install python3-torch python3-numpy
Run with the system interpreter:  /usr/bin/python3 tools/reference/gen_autograd.py

Every case runs the op on inputs that require grad, then y.backward(g) with a fixed random upstream
gradient "g" (an input of the case), and stores "y" and "grad_<input>" for each float input.
Writes:
  autograd/src/test/resources/fixtures/autograd_ops.json   functional ops (args as in torch.nn.functional)
  nn/src/test/resources/fixtures/nn_layers.json             Conv2d and BatchNorm2d with the same weights;
      BatchNorm2d cases also store the buffers after the forward pass ("running_mean", "running_var",
      "num_batches_tracked").
"""
import torch
import torch.nn.functional as F

from fixtures import case, write

torch.manual_seed(3)


def run(name, op, fn, inputs, constants=None, **args):
    """inputs: float tensors that get gradients; constants: tensors passed as they are (indices)."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    y = fn(**leaves, **(constants or {}))
    g = torch.randn(y.shape)
    y.backward(g)
    outputs = {"y": y}
    outputs.update({"grad_" + k: v.grad for k, v in leaves.items()})
    return case(name, op, {**inputs, **(constants or {}), "g": g}, outputs, **args)


def r(*shape):
    return torch.randn(*shape)


def op_cases():
    cases = [
        run("softmax dim -1", "softmax", lambda x: F.softmax(x, -1), {"x": r(2, 3, 5)}, dim=-1),
        run("softmax dim 0", "softmax", lambda x: F.softmax(x, 0), {"x": r(3, 4)}, dim=0),
        run("log_softmax dim 1", "log_softmax", lambda x: F.log_softmax(x, 1), {"x": r(2, 4, 3)}, dim=1),
        run("layer_norm affine", "layer_norm", lambda x, w, b: F.layer_norm(x, (6,), w, b, 1e-5),
            {"x": r(2, 3, 6), "w": r(6), "b": r(6)}, normalized_shape=[6], eps=1e-5),
        run("layer_norm two dims without affine", "layer_norm", lambda x: F.layer_norm(x, (3, 4), eps=1e-5),
            {"x": r(2, 3, 4)}, normalized_shape=[3, 4], eps=1e-5),
        run("matmul batched", "matmul", torch.matmul, {"input": r(2, 3, 4), "other": r(2, 4, 5)}),
        run("matmul broadcast batch", "matmul", torch.matmul, {"input": r(2, 1, 3, 4), "other": r(3, 4, 2)}),
        run("matmul vector-matrix", "matmul", torch.matmul, {"input": r(4), "other": r(2, 4, 3)}),
        run("conv2d groups 2 stride 2", "conv2d",
            lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
            {"x": r(1, 4, 7, 6), "w": r(6, 2, 3, 3), "b": r(6)}, stride=2, padding=1, dilation=1, groups=2),
        run("conv2d dilation 2 no bias", "conv2d", lambda x, w: F.conv2d(x, w, padding=2, dilation=2),
            {"x": r(1, 2, 6, 6), "w": r(3, 2, 3, 3)}, stride=1, padding=2, dilation=2, groups=1),
        run("max_pool2d 3 stride 2 pad 1", "max_pool2d", lambda x: F.max_pool2d(x, 3, 2, 1),
            {"x": r(1, 3, 7, 8)}, kernel=3, stride=2, padding=1, ceil_mode=False, count_include_pad=True),
        run("max_pool2d 2 ceil", "max_pool2d", lambda x: F.max_pool2d(x, 2, 2, 0, ceil_mode=True),
            {"x": r(1, 2, 5, 7)}, kernel=2, stride=2, padding=0, ceil_mode=True, count_include_pad=True),
        run("avg_pool2d 3 stride 2 pad 1", "avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1),
            {"x": r(1, 3, 7, 8)}, kernel=3, stride=2, padding=1, ceil_mode=False, count_include_pad=True),
        run("avg_pool2d ceil exclude pad", "avg_pool2d",
            lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
            {"x": r(1, 2, 6, 9)}, kernel=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        run("adaptive_avg_pool2d 3x2", "adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
            {"x": r(2, 2, 7, 5)}, output_size=[3, 2]),
        run("adaptive_avg_pool2d global", "adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, 1),
            {"x": r(2, 3, 4, 4)}, output_size=[1, 1]),
        run("embedding repeated ids", "embedding", lambda weight, ids: F.embedding(ids, weight),
            {"weight": r(6, 4)}, {"ids": torch.tensor([[5, 0, 5], [2, 5, 1]])}),
        run("gather dim 1", "gather", lambda x, index: torch.gather(x, 1, index),
            {"x": r(3, 4)}, {"index": torch.tensor([[3, 3, 0], [1, 2, 1], [0, 0, 0]])}, dim=1),
        run("cat dim 1", "cat", lambda a, b, c: torch.cat([a, b, c], 1),
            {"a": r(2, 1, 3), "b": r(2, 3, 3), "c": r(2, 2, 3)}, dim=1),
        run("var unbiased dim 1", "var", lambda x: torch.var(x, 1, unbiased=True),
            {"x": r(3, 5, 2)}, dims=[1], correction=1),
        run("var population all", "var", lambda x: torch.var(x, unbiased=False),
            {"x": r(4, 3)}, dims=[], correction=0),
        run("logsumexp dim -1", "logsumexp", lambda x: torch.logsumexp(x, -1), {"x": r(3, 2, 5) * 3}, dims=[-1]),
        run("gelu exact", "gelu", lambda x: F.gelu(x), {"x": r(3, 7) * 2}, approximate="none"),
        run("gelu tanh", "gelu", lambda x: F.gelu(x, approximate="tanh"), {"x": r(3, 7) * 2}, approximate="tanh"),
    ]
    return cases


def layer_case(layer, x):
    """Runs a layer with the weights it holds; stores parameters as inputs and gradients of x and parameters."""
    x = x.clone().requires_grad_(True)
    y = layer(x)
    g = torch.randn(y.shape)
    y.backward(g)
    inputs = {"x": x.detach(), "g": g}
    outputs = {"y": y, "grad_x": x.grad}
    for key, p in layer.named_parameters():
        outputs["grad_" + key] = p.grad
    return inputs, outputs


def conv2d_case():
    conv = torch.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2)
    state = {k: v.detach().clone() for k, v in conv.state_dict().items()}
    inputs, outputs = layer_case(conv, r(2, 4, 7, 6))
    return case("Conv2d groups 2 stride 2 padding 1", "Conv2d", {**inputs, **state}, outputs,
                in_channels=4, out_channels=6, kernel=3, stride=2, padding=1, groups=2)


def batch_norm_case(training):
    bn = torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(3) + 0.5)
        bn.bias.copy_(torch.randn(3))
        bn.running_mean.copy_(torch.randn(3))
        bn.running_var.copy_(torch.rand(3) + 0.5)
        bn.num_batches_tracked.fill_(4)
    state = {k: v.detach().clone() for k, v in bn.state_dict().items()}
    bn.train(training)
    inputs, outputs = layer_case(bn, r(4, 3, 3, 5) * 2 + 1)
    for key in ("running_mean", "running_var", "num_batches_tracked"):
        outputs[key] = getattr(bn, key).detach().clone()
    mode = "train" if training else "eval"
    return case("BatchNorm2d " + mode, "BatchNorm2d", {**inputs, **state}, outputs,
                num_features=3, training=training)


if __name__ == "__main__":
    write("autograd_ops.json", op_cases(), module="autograd")
    write("nn_layers.json", [conv2d_case(), batch_norm_case(True), batch_norm_case(False)], module="nn")
