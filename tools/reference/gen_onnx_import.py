"""ONNX exports of a small ViT and a small CLIP-style dual encoder, for the importers that load such files into
Cortado's VisionTransformer and ClipModel (models/src/test/java/dev/cortado/models/vit, .../clip).

Requirements (Debian): apt-get install python3-torch python3-numpy python3-onnx; run with /usr/bin/python3.

Each model is written the way a user exports one: torch.onnx.export with its defaults (constant folding on,
parameters exported), a dynamic batch axis, named inputs and outputs. The exporter keeps most parameter names,
but stores every bias-carrying nn.Linear inside nn.MultiheadAttention / nn.TransformerEncoderLayer (the packed
in_proj_weight, linear1, linear2) and every bias-less projection as an anonymous, constant-folded transpose
"onnx::MatMul_NNN" [in, out]; the importers place those by the graph around them.

Writes:
  models/src/test/resources/onnx/vit-export.onnx   opset 17 (LayerNormalization nodes): images [B, 3, 12, 12] → logits
  models/src/test/resources/onnx/clip-export.onnx  opset 14 (LayerNorm decomposed): images [B, 3, 8, 8], ids and
                                                   mask [N, 8] → image_embeds [B, E], text_embeds [N, E], logits [B, N]
  models/src/test/resources/fixtures/onnx-import.json
      case "vit":  inputs images; outputs logits; args: the VisionTransformer.Config fields
      case "clip": inputs images, ids, mask (int64, right padding); outputs image_embeds, text_embeds, logits;
                   args: the vision and text configurations and the embedding dimension
Outputs are PyTorch's, computed with autograd on so that nn.TransformerEncoderLayer takes its reference
(non-fused) path, the one the export traces.
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures import case, write
from gen_attention import ViT, grid, randomise

ONNX_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "src", "test", "resources",
                        "onnx")


class TextTransformer(nn.Module):
    """The reference of dev.cortado.models.clip.TextTransformer, key for key: learned positions, a pre-norm GELU
    encoder with padding keys masked, ln_final, the L2-normalised mean over the tokens the mask keeps."""

    def __init__(self, vocab, max_length, width, layers, heads, mlp):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.zeros(max_length, width))
        layer = nn.TransformerEncoderLayer(width, heads, mlp, dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.transformer = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.ln_final = nn.LayerNorm(width)

    def forward(self, ids, mask):
        h = self.token_embedding(ids) + self.positional_embedding[:ids.shape[1]]
        h = self.ln_final(self.transformer(h, src_key_padding_mask=mask == 0))
        weights = mask.unsqueeze(-1).float()
        mean = (h * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return F.normalize(mean, dim=-1)


class Clip(nn.Module):
    """The reference of dev.cortado.models.clip.ClipModel with a ViT image tower (through its features; its
    classification head is unused, so the export drops it) and a TextTransformer text tower."""

    def __init__(self, vision, text, embed_dim, log_scale):
        super().__init__()
        self.vision = ViT(**vision)
        self.text = TextTransformer(**text)
        self.image_projection = nn.Linear(vision["width"], embed_dim, bias=False)
        self.text_projection = nn.Linear(text["width"], embed_dim, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(log_scale))

    def forward(self, images, ids, mask):
        image = F.normalize(self.image_projection(self.vision.features(images)), dim=-1)
        text = F.normalize(self.text_projection(self.text(ids, mask)), dim=-1)
        return image, text, self.logit_scale.exp().clamp(max=100) * image @ text.t()


def export(model, inputs, names, outputs, dynamic, opset, filename):
    path = os.path.join(ONNX_DIR, filename)
    torch.onnx.export(model, inputs, path, input_names=names, output_names=outputs, dynamic_axes=dynamic,
                      opset_version=opset)
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def vit_case():
    config = {"image": 12, "channels": 3, "patch": 4, "width": 16, "depth": 2, "heads": 4, "mlp": 32, "classes": 5}
    vit = ViT(**config)
    randomise(vit)
    vit.eval()
    images = grid(2, 3, 12, 12)
    logits = vit(images)
    export(vit, (images,), ["images"], ["logits"], {"images": {0: "batch"}, "logits": {0: "batch"}}, 17,
           "vit-export.onnx")
    return case("vit 12x12x3, patch 4, width 16, depth 2, 4 heads", "vit", {"images": images}, {"logits": logits},
                **config)


def clip_case():
    vision = {"image": 8, "channels": 3, "patch": 4, "width": 12, "depth": 1, "heads": 3, "mlp": 24, "classes": 1}
    # The vocabulary of the committed cut-down CLIP tokenizer (fixtures/clip-mini-tokenizer.json).
    text = {"vocab": 1314, "max_length": 8, "width": 8, "layers": 1, "heads": 2, "mlp": 16}
    embed_dim = 6
    clip = Clip(vision, text, embed_dim, math.log(1 / 0.07))
    for tower in (clip.vision, clip.text, clip.image_projection, clip.text_projection):
        randomise(tower)
    clip.eval()
    images = grid(2, 3, 8, 8)
    lengths = [8, 5, 3]
    ids = torch.randint(1, text["vocab"], (len(lengths), text["max_length"]))
    mask = torch.zeros_like(ids)
    for row, length in enumerate(lengths):
        mask[row, :length] = 1
    ids = ids * mask    # padding id 0 on the right
    image_embeds, text_embeds, logits = clip(images, ids, mask)
    batch = {0: "batch"}
    texts = {0: "texts"}
    export(clip, (images, ids, mask), ["images", "ids", "mask"], ["image_embeds", "text_embeds", "logits"],
           {"images": batch, "ids": texts, "mask": texts, "image_embeds": batch, "text_embeds": texts,
            "logits": {0: "batch", 1: "texts"}}, 14, "clip-export.onnx")
    return case("clip: vit 8x8x3 width 12, text width 8 x 1 layer, embed 6", "clip",
                {"images": images, "ids": ids, "mask": mask},
                {"image_embeds": image_embeds, "text_embeds": text_embeds, "logits": logits},
                vision=vision, text=text, embed_dim=embed_dim)


if __name__ == "__main__":
    torch.manual_seed(0)
    os.makedirs(ONNX_DIR, exist_ok=True)
    write("onnx-import.json", [vit_case(), clip_case()], module="models")
