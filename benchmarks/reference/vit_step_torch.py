"""PyTorch side of `benchmarks/compare.sh vit-step`: one ViT training step (forward, cross-entropy,
backward, AdamW update) and one forward pass, timed with 2 threads.

Model (same as VitStepBenchmark.java): 28x28x1 images, 4x4 patches (Conv2d 1->128, stride 4), a class
token and learned positional embedding (50 tokens), 4 pre-norm encoder layers (width 128, 4 heads,
MLP 256, GELU, dropout 0), final LayerNorm, linear head to 10 classes; batch 64; AdamW lr 1e-3. --width W scales
the model as VitStepBenchmark's width parameter does: W / 32 heads, MLP 2·W.
Forward-only is the evaluation pass: model.eval() under torch.no_grad() (PyTorch may take its fused
inference path there).

Requirements (Debian): python3-torch python3-numpy libopenblas0-pthread; run with /usr/bin/python3.
Prints: "step_ms=T" and "forward_ms=T" (medians). With --device cuda (a PyTorch built with CUDA; compare.sh
tornado-vit-step) the model and batch live on the GPU and each timed call waits for it.
"""
import argparse

import torch
from torch import nn

from timing import median_seconds


class VisionTransformer(nn.Module):
    def __init__(self, image=28, channels=1, patch=4, width=128, depth=4, heads=4, mlp=256, classes=10):
        super().__init__()
        tokens = (image // patch) ** 2 + 1
        self.patch_embed = nn.Conv2d(channels, width, patch, stride=patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        self.pos_embed = nn.Parameter(torch.randn(1, tokens, width) * 0.02)
        layer = nn.TransformerEncoderLayer(width, heads, mlp, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.encoder(x))
        return self.head(x[:, 0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--width", type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    wait = torch.cuda.synchronize if args.device == "cuda" else lambda: None
    model = VisionTransformer(width=args.width, heads=args.width // 32, mlp=2 * args.width).to(args.device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    images = torch.randn(args.batch, 1, 28, 28, device=args.device)
    labels = torch.randint(0, 10, (args.batch,), device=args.device)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        model.train()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()

    def forward():
        model.eval()
        with torch.no_grad():
            model(images)

    print(f"step_ms={median_seconds(step, min_repeats=20, min_seconds=5, wait=wait) * 1e3:.2f}")
    print(f"forward_ms={median_seconds(forward, min_repeats=20, min_seconds=3, wait=wait) * 1e3:.2f}")


if __name__ == "__main__":
    main()
