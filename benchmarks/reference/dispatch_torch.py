"""PyTorch side of `benchmarks/compare.sh tornado-dispatch`: the cost per op of a chain of dependent elementwise ops,
as TornadoDispatchBenchmark.java times TornadoVM's cost per task.

For each size n and chain length T: x₁ = x₀ + 1, …, x_T = x_(T-1) + 1 into preallocated tensors of n floats,
then one wait for the device. Prints "n=N tasks=T ms=M" per case, M the median milliseconds per chain
(ms ÷ T is the cost per op). Run with a PyTorch built with CUDA (`--device cuda`, the default); `--device cpu`
runs the same chain on the CPU.
"""
import argparse

import torch

from timing import median_seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cuda")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1024, 409600])
    parser.add_argument("--tasks", type=int, nargs="+", default=[1, 16, 64])
    args = parser.parse_args()
    wait = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    for n in args.sizes:
        for tasks in args.tasks:
            chain = [torch.zeros(n, device=args.device) for _ in range(tasks + 1)]

            def run():
                for i in range(tasks):
                    torch.add(chain[i], 1.0, out=chain[i + 1])

            seconds = median_seconds(run, wait=wait)
            print(f"n={n} tasks={tasks} ms={seconds * 1e3:.4f}")


if __name__ == "__main__":
    main()
