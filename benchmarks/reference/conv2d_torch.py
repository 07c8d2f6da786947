"""PyTorch timings for the layers of dev.cortado.benchmarks.Conv2dBenchmark (forward, input and weight gradient).

Requirements (Debian): apt-get install python3-torch libopenblas0-pthread
Run:  /usr/bin/python3 benchmarks/reference/conv2d_torch.py [--threads 2] [--repeats 15]
Prints one line per layer and op: the median time in ms over the repeats (after warm-up) and GFLOP/s,
with flops = 2·N·O·OH·OW·(C/groups)·KH·KW.
"""
import argparse

import torch
import torch.nn.functional as F

from timing import median_seconds

LAYERS = {
    # name: (input shape, weight shape, stride, padding)
    "resnet3x3": ((8, 64, 56, 56), (64, 64, 3, 3), 1, 1),
    "vitPatch16": ((8, 3, 224, 224), (768, 3, 16, 16), 16, 0),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name, (x_shape, w_shape, stride, padding) in LAYERS.items():
        x = torch.randn(x_shape)
        w = torch.randn(w_shape)
        b = torch.randn(w_shape[0])
        with torch.no_grad():
            y = F.conv2d(x, w, b, stride=stride, padding=padding)
        g = torch.randn(y.shape)
        flops = 2 * y.numel() * w_shape[1] * w_shape[2] * w_shape[3]
        ops = {
            "forward": lambda: F.conv2d(x, w, b, stride=stride, padding=padding),
            "inputGrad": lambda: torch.nn.grad.conv2d_input(x.shape, w, g, stride=stride, padding=padding),
            "weightGrad": lambda: torch.nn.grad.conv2d_weight(x, w.shape, g, stride=stride, padding=padding),
        }
        with torch.no_grad():
            for op, fn in ops.items():
                ms = median_seconds(fn, min_repeats=args.repeats, min_seconds=0) * 1e3
                print(f"torch {name} {op}: {ms:.2f} ms  {flops / ms / 1e6:.1f} GFLOP/s  (threads={args.threads})")


if __name__ == "__main__":
    main()
