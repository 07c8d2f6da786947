"""Reference fixtures for nn.Module: a nested model's printout, state-dict keys, parameter count, and its
outputs and parameter gradients for PyTorch's weights; plus the activation modules' values and gradients.

The model (mirrored by nn/src/test/java/dev/cortado/nn/ModuleTest.java):
  Net: embed = Sequential(Linear(4, 8), ReLU()), encoder = Encoder, head = Linear(8, 6, bias=False),
       norm = LayerNorm((2, 3), eps=1e-6), probs = Softmax(dim=-1)
  Encoder: layers = ModuleList([Block, Block]), stats = Stats (buffers only)
  Block: fc1 = Linear(8, 16), act = GELU(), fc2 = Linear(16, 8), drop = Dropout(0.1), ln = LayerNorm(8)
  forward(x [5, 4]) = probs(norm(head(encoder(embed(x))).reshape(-1, 2, 3))), Block: ln(x + drop(fc2(act(fc1(x)))))
Run: /usr/bin/python3 gen_module.py  → nn/src/test/resources/fixtures/module.json
"""
import torch
import torch.nn as nn

import fixtures


class Stats(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.register_buffer("running_mean", torch.zeros(features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(16, 8)
        self.drop = nn.Dropout(0.1)
        self.ln = nn.LayerNorm(8)

    def forward(self, x):
        return self.ln(x + self.drop(self.fc2(self.act(self.fc1(x)))))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([Block(), Block()])
        self.stats = Stats(8)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.encoder = Encoder()
        self.head = nn.Linear(8, 6, bias=False)
        self.norm = nn.LayerNorm((2, 3), eps=1e-6)
        self.probs = nn.Softmax(dim=-1)

    def forward(self, x):
        return self.probs(self.norm(self.head(self.encoder(self.embed(x))).reshape(-1, 2, 3)))


def reference_net():
    """The Net with the fixture's weights and buffers, in eval mode (also used by gen_safetensors.py)."""
    torch.manual_seed(3)
    net = Net()
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.endswith("ln.weight") or name.endswith("norm.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape))  # not all ones, so a mix-up of weight and bias shows
            elif name.endswith("ln.bias") or name.endswith("norm.bias"):
                p.copy_(0.1 * torch.randn(p.shape))
        net.encoder.stats.running_mean.copy_(torch.randn(8))
        net.encoder.stats.num_batches_tracked.fill_(7)
    return net.eval()


def net_case():
    net = reference_net()
    x = torch.randn(5, 4)
    y = net(x)
    r = torch.randn(y.shape)
    (y * r).sum().backward()
    inputs = {"x": x, "r": r}
    outputs = {"y": y}
    for key, value in net.state_dict().items():
        inputs["sd." + key] = value
    for key, p in net.named_parameters():
        outputs["grad." + key] = p.grad
    keys = list(net.state_dict().keys())
    shapes = [list(v.shape) for v in net.state_dict().values()]
    count = sum(p.numel() for p in net.parameters())
    return fixtures.case("net", "module", inputs, outputs, repr=repr(net), keys=keys, shapes=shapes,
                         parameters=count)


def activation_cases():
    torch.manual_seed(4)
    modules = {
        "relu": nn.ReLU(), "gelu": nn.GELU(), "gelu_tanh": nn.GELU(approximate="tanh"), "silu": nn.SiLU(),
        "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(), "softmax": nn.Softmax(dim=1),
    }
    cases = []
    base = torch.randn(3, 5) * 2
    for name, module in list(modules.items()) + [("quick_gelu", None)]:
        x = base.clone().requires_grad_(True)
        y = x * torch.sigmoid(1.702 * x) if module is None else module(x)
        r = torch.randn(y.shape)
        (y * r).sum().backward()
        cases.append(fixtures.case(name, name, {"x": x, "r": r}, {"y": y, "dx": x.grad},
                                   repr="QuickGELU()" if module is None else repr(module)))
    return cases


if __name__ == "__main__":
    fixtures.write("module.json", [net_case()] + activation_cases(), module="nn")
