#!/usr/bin/env bash
# Regenerates every PyTorch reference fixture (<module>/src/test/resources/fixtures/ of tensor-core,
# autograd, nn and models): runs every gen_*.py in this folder.
# Needs Debian's python3-torch, python3-numpy and python3-onnx (apt-get install python3-torch python3-numpy python3-onnx);
# uses /usr/bin/python3 because that is the interpreter Debian installs them for.
set -euo pipefail
cd "$(dirname "$0")"
python=/usr/bin/python3
if ! "$python" -c 'import torch, numpy, onnx' 2>/dev/null; then
    echo "generate_all.sh: $python cannot import torch/numpy/onnx; install them with: apt-get install python3-torch python3-numpy python3-onnx" >&2
    exit 1
fi
for script in gen_*.py; do
    echo "== $script"
    "$python" "$script"
done
