"""PyTorch timings for dev.cortado.benchmarks.SgemmBenchmark: square float32 C = A·B.

Requirements (Debian): apt-get install python3-torch python3-numpy libopenblas0-pthread
Run:  /usr/bin/python3 benchmarks/reference/sgemm_torch.py [--threads 2] [--sizes 256 512 1024 2048]
Prints one line per size, "n=N ms=T gflops=G", with T the median over the repeats after warm-up and
G = 2·n³ / T.

With --device cuda (a PyTorch built with CUDA; compare.sh tornado-sgemm) the operands live on the GPU and the
product is cuBLAS's in full float32 (TF32 off, as Cortado's kernel computes); each timed call waits for the GPU.
The line then adds host_gflops=G: the same product of host tensors, copied to the GPU and the result back.
"""
import argparse

import torch

from timing import median_seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
    for n in args.sizes:
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        if args.device == "cuda":
            a_gpu, b_gpu, c_gpu = a.cuda(), b.cuda(), torch.empty(n, n, device="cuda")
            seconds = median_seconds(lambda: torch.mm(a_gpu, b_gpu, out=c_gpu), wait=torch.cuda.synchronize)
            host = median_seconds(lambda: torch.mm(a.cuda(), b.cuda()).cpu())
            print(f"n={n} ms={seconds * 1e3:.3f} gflops={gflops(n, seconds):.1f} host_gflops={gflops(n, host):.1f}")
        else:
            c = torch.empty(n, n)
            seconds = median_seconds(lambda: torch.mm(a, b, out=c))
            print(f"n={n} ms={seconds * 1e3:.3f} gflops={gflops(n, seconds):.1f}")


def gflops(n, seconds):
    return 2 * n ** 3 / seconds / 1e9


if __name__ == "__main__":
    main()
