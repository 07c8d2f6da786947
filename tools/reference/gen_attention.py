"""PyTorch reference fixtures for attention, transformer layers and a small Vision Transformer.

Requirements (Debian): apt-get install python3-torch python3-numpy
Run with the system interpreter:  /usr/bin/python3 tools/reference/gen_attention.py

Writes (under nn/src/test/resources/fixtures/):
  attention.json  nn.MultiheadAttention (batch_first) as self-attention with a key-padding and a causal mask
                  (op "mha_self"), as cross-attention with Lk != Lq and kdim/vdim != E, a key-padding and a
                  boolean attention mask, per-head weights ("mha_cross"); nn.TransformerEncoderLayer post-norm
                  ReLU and pre-norm GELU ("encoder_layer").
  decoder.json    nn.TransformerDecoderLayer with a causal target mask ("decoder_layer").
  vit.json        a ViT built from nn.Conv2d + nn.TransformerEncoder (pre-norm, GELU) + nn.LayerNorm + nn.Linear
                  with Cortado's key names ("vit"), with the patch stem and with the convolutional stem
                  (Xiao et al. 2021: 3x3 stride-2 nn.Conv2d without bias + nn.BatchNorm2d + nn.ReLU, then a 1x1 nn.Conv2d;
                  batch statistics, as in training mode).
Every case: inputs "param.<state-dict key>" (the weights), the module inputs, masks and the upstream
gradient "g" of the output "y"; outputs "y", optionally "weights", "grad.<input>" and "grad.param.<key>"
(from y.backward(g)). args: the module's configuration. Dropout is 0 and the modules are in training mode.
Weights and inputs are multiples of 1/64 so the files stay small.
"""
import torch
import torch.nn as nn

from fixtures import case, write


def grid(*shape, scale=1.0):
    """Normal values times scale, rounded to multiples of 1/64."""
    return (torch.randn(*shape) * scale * 64).round() / 64


def randomise(module):
    """Replaces every parameter by grid values (norm weights around 1) so that layers differ from each other."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1 + grid(*p.shape, scale=0.2))
            else:
                p.copy_(grid(*p.shape, scale=0.4))


def run(module, name, op, inputs, call, args, weights=False):
    """inputs: {name: tensor}; float inputs get gradients. call(**inputs) → y or (y, weights)."""
    leaves = {k: (v.clone().requires_grad_(True) if v.dtype == torch.float32 else v) for k, v in inputs.items()}
    out = call(**leaves)
    y, w = (out if weights else (out, None))
    g = grid(*y.shape)
    y.backward(g)
    case_inputs = {"param." + k: v for k, v in module.state_dict().items()}
    case_inputs.update(inputs)
    case_inputs["g"] = g
    outputs = {"y": y}
    if w is not None:
        outputs["weights"] = w
    for k, v in leaves.items():
        if v.dtype == torch.float32:
            outputs["grad." + k] = v.grad
    for k, p in module.named_parameters():
        outputs["grad.param." + k] = p.grad
    return case(name, op, case_inputs, outputs, **args)


def causal(n):
    return torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)


def mha_cases():
    e, h, b = 8, 2, 2
    self_attn = nn.MultiheadAttention(e, h, batch_first=True)
    randomise(self_attn)
    padding = torch.tensor([[False, False, False, False], [False, False, True, True]])
    yield run(self_attn, "self-attention, key padding + causal", "mha_self",
              {"x": grid(b, 4, e), "key_padding_mask": padding, "attn_mask": causal(4)},
              lambda x, key_padding_mask, attn_mask: self_attn(x, x, x, key_padding_mask=key_padding_mask,
                                                               attn_mask=attn_mask),
              {"embed_dim": e, "num_heads": h}, weights=True)

    kdim, vdim, lq, lk = 5, 6, 3, 4
    cross = nn.MultiheadAttention(e, h, kdim=kdim, vdim=vdim, batch_first=True)
    randomise(cross)
    padding = torch.tensor([[False, False, False, True], [True, False, False, False]])
    mask = torch.tensor([[False, True, False, False], [False, False, True, False], [True, False, False, False]])
    yield run(cross, "cross-attention, kdim 5, vdim 6, padding + mask, per-head weights", "mha_cross",
              {"query": grid(b, lq, e), "key": grid(b, lk, kdim), "value": grid(b, lk, vdim),
               "key_padding_mask": padding, "attn_mask": mask},
              lambda query, key, value, key_padding_mask, attn_mask: cross(
                  query, key, value, key_padding_mask=key_padding_mask, attn_mask=attn_mask,
                  average_attn_weights=False),
              {"embed_dim": e, "num_heads": h, "kdim": kdim, "vdim": vdim}, weights=True)


def encoder_layer_cases():
    d, h, ff, b, n = 8, 2, 16, 2, 4
    for norm_first, activation in ((False, "relu"), (True, "gelu")):
        layer = nn.TransformerEncoderLayer(d, h, ff, dropout=0.0, activation=activation, batch_first=True,
                                           norm_first=norm_first)
        randomise(layer)
        padding = torch.tensor([[False, False, False, False], [False, False, False, True]])
        yield run(layer, f"encoder layer, norm_first={norm_first}, {activation}, key padding", "encoder_layer",
                  {"x": grid(b, n, d), "key_padding_mask": padding},
                  lambda x, key_padding_mask: layer(x, src_key_padding_mask=key_padding_mask),
                  {"d_model": d, "nhead": h, "dim_feedforward": ff, "norm_first": norm_first,
                   "activation": activation})


def decoder_layer_cases():
    d, h, ff, b = 8, 2, 16, 2
    decoder = nn.TransformerDecoderLayer(d, h, ff, dropout=0.0, batch_first=True)
    randomise(decoder)
    yield run(decoder, "decoder layer, post-norm, causal target mask", "decoder_layer",
              {"target": grid(b, 3, d), "memory": grid(b, 5, d)},
              lambda target, memory: decoder(target, memory, tgt_mask=causal(3)),
              {"d_model": d, "nhead": h, "dim_feedforward": ff, "norm_first": False, "activation": "relu"})


def conv_stem(image, channels, patch, width):
    """VisionTransformer.Stem.CONV: stride-2 3x3 convolutions (no bias) until the side is image // patch, channels doubling
    up to width // 2, each followed by batch norm and ReLU; then a 1x1 convolution to width."""
    side, count = image, 0
    while side > image // patch:
        side, count = (side + 1) // 2, count + 1
    layers, inputs = [], channels
    for i in range(1, count + 1):
        out = max(1, (width // 2) >> (count - i))
        layers += [nn.Conv2d(inputs, out, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU()]
        inputs = out
    return nn.Sequential(*layers, nn.Conv2d(inputs, width, 1))


class ViT(nn.Module):
    """The reference of dev.cortado.nn.transformer.VisionTransformer, key for key."""

    def __init__(self, image, channels, patch, width, depth, heads, mlp, classes, stem="patch"):
        super().__init__()
        tokens = (image // patch) ** 2 + 1
        self.class_token = nn.Parameter(torch.zeros(1, 1, width))
        self.pos_embedding = nn.Parameter(torch.zeros(1, tokens, width))
        self.patch_embed = conv_stem(image, channels, patch, width) if stem == "conv" else \
            nn.Conv2d(channels, width, patch, stride=patch)
        layer = nn.TransformerEncoderLayer(width, heads, mlp, dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def features(self, images):
        """The normalised class token [B, width] (VisionTransformer.features)."""
        x = self.patch_embed(images).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embedding
        return self.norm(self.encoder(x))[:, 0]

    def forward(self, images):
        return self.head(self.features(images))


def vit_cases():
    config = {"image_size": 8, "channels": 2, "patch_size": 4, "width": 8, "depth": 2, "heads": 2, "mlp_dim": 16,
              "num_classes": 3}
    vit = ViT(*config.values())
    randomise(vit)
    yield run(vit, "vit 8x8x2, patch 4, width 8, depth 2", "vit", {"images": grid(2, 2, 8, 8)},
              lambda images: vit(images), config)
    vit = ViT(*config.values(), stem="conv")
    randomise(vit)
    yield run(vit, "vit 8x8x2, convolutional stem to 2x2, width 8, depth 2", "vit", {"images": grid(3, 2, 8, 8)},
              lambda images: vit(images), dict(config, stem="conv"))


if __name__ == "__main__":
    torch.manual_seed(0)
    write("attention.json", list(mha_cases()) + list(encoder_layer_cases()), module="nn")
    write("decoder.json", list(decoder_layer_cases()), module="nn")
    write("vit.json", list(vit_cases()), module="nn")
