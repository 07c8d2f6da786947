#!/usr/bin/env bash
# Regenerates every PyTorch reference fixture (tensor-core/src/test/resources/fixtures and, from
# gen_attention.py, nn/src/test/resources/fixtures).
# Needs Debian's python3-torch and python3-numpy (apt-get install python3-torch python3-numpy);
# uses /usr/bin/python3 because that is the interpreter Debian installs them for.
set -euo pipefail
cd "$(dirname "$0")"
python=/usr/bin/python3
if ! "$python" -c 'import torch, numpy' 2>/dev/null; then
    echo "generate_all.sh: $python cannot import torch/numpy; install them with: apt-get install python3-torch python3-numpy" >&2
    exit 1
fi
for script in gen_*.py; do
    echo "== $script"
    "$python" "$script"
done
