"""PyTorch timings for dev.cortado.benchmarks.SgemmBenchmark: square float32 C = A·B.

Requirements (Debian): apt-get install python3-torch python3-numpy libopenblas0-pthread
Run:  /usr/bin/python3 benchmarks/reference/sgemm_torch.py [--threads 2] [--sizes 256 512 1024 2048]
Prints one line per size, "n=N ms=T gflops=G", with T the median over the repeats after warm-up and
G = 2·n³ / T.
"""
import argparse

import torch

from timing import median_seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for n in args.sizes:
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        c = torch.empty(n, n)
        seconds = median_seconds(lambda: torch.mm(a, b, out=c))
        print(f"n={n} ms={seconds * 1e3:.3f} gflops={2 * n ** 3 / seconds / 1e9:.1f}")


if __name__ == "__main__":
    main()
