"""PyTorch timings for dev.cortado.benchmarks.RowOpsBenchmark and ElementwiseBenchmark.

Requirements (Debian): apt-get install python3-torch python3-numpy libopenblas0-pthread
Run:  /usr/bin/python3 benchmarks/reference/rowops_torch.py [--threads 2]
Prints one line per case, "case=NAME us=T", T the median time in microseconds. add and copy write into
a preallocated output (out=, copy_) like the Java kernels; softmax, log_softmax and layer_norm allocate
theirs (PyTorch has no out= form for them). Rows: 4096 of 1024 floats; add and copy: 16M floats.
"""
import argparse

import torch

from timing import median_seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows, width, n = 4096, 1024, 16 * 1024 * 1024
    x = torch.randn(rows, width)
    weight = torch.randn(width)
    bias = torch.randn(width)
    a = torch.randn(n)
    b = torch.randn(n)
    c = torch.empty(n)
    cases = {
        "softmax": lambda: torch.softmax(x, -1),
        "logSoftmax": lambda: torch.log_softmax(x, -1),
        "layerNorm": lambda: torch.nn.functional.layer_norm(x, [width], weight, bias, 1e-5),
        "add": lambda: torch.add(a, b, out=c),
        "copy": lambda: c.copy_(a),
    }
    for name, fn in cases.items():
        print(f"case={name} us={median_seconds(fn) * 1e6:.1f}")


if __name__ == "__main__":
    main()
