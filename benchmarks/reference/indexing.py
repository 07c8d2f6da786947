"""PyTorch timings for the cases of dev.cortado.benchmarks.IndexingBenchmark (same shapes, same thread count).

Requirements (Debian): apt-get install python3-torch python3-numpy
Run:  /usr/bin/python3 benchmarks/reference/indexing.py [threads]
Prints one line per case: the median time per call in microseconds (timing.median_seconds).
"""
import sys

import torch

from timing import median_seconds

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
torch.manual_seed(42)
VOCAB, WIDTH, TOKENS = 8192, 512, 2048
table = torch.randn(VOCAB, WIDTH)
ids = torch.randint(0, VOCAB, (TOKENS,))
token_grads = torch.randn(TOKENS, WIDTH)
ids_per_column = ids.reshape(TOKENS, 1).expand(TOKENS, WIDTH)
row_targets = torch.zeros(4096, 1000)
row_positions = torch.randint(0, 1000, (4096, 64))
row_values = torch.randn(4096, 64)
matrix = torch.randn(1024, 1024)
columns = torch.randint(0, 1024, (1024, 64))
logits = torch.randn(64, 32000)

CASES = {
    "embedding": (lambda: torch.nn.functional.embedding(ids, table), 50),
    "embeddingBackward": (lambda: table.scatter_add_(0, ids_per_column, token_grads), 10),
    "scatterAlongRows": (lambda: row_targets.scatter_add_(1, row_positions, row_values), 10),
    "gatherColumns": (lambda: torch.gather(matrix, 1, columns), 50),
    "topk50": (lambda: torch.topk(logits, 50), 10),
}


print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
for name, (fn, reps) in CASES.items():
    print(f"{name:20s} {median_seconds(fn, min_repeats=reps) * 1e6:10.1f} us")
