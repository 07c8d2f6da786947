#!/usr/bin/env bash
# Usage: benchmarks/compare.sh NAME
#
# Runs a Cortado JMH benchmark and its reference implementation in the same run and prints one line per
# case, then "ratio=R" (reference throughput / Cortado throughput at the headline case: lower is better,
# 1 means parity). Each NAME is a compare_NAME function below; add one to compare another op.
#
#   sgemm   square float32 C = A·B, n = 256 … 2048, 2 threads, against PyTorch (OpenBLAS);
#           headline n = 1024. Lines: n=N cortado_gflops=G pytorch_gflops=G
#   rowops  softmax, log-softmax and layer norm over 4096 rows of 1024, and add / copy of 16M floats,
#           2 threads, against PyTorch. Lines: case=C cortado_us=T pytorch_us=T ratio=R;
#           headline: softmax (ratio = Cortado time / PyTorch time; lower is better)
#   vit-step  one ViT training step (forward, cross-entropy, backward, AdamW) and one evaluation forward,
#           28x28x1 images, patch 4, width 128, depth 4, 4 heads, MLP 256, batch 64, 2 threads, against
#           PyTorch. Lines: case=C cortado_ms=T pytorch_ms=T ratio=R; headline: step
#           (ratio = Cortado time / PyTorch time; lower is better)
#   minilm  all-MiniLM-L6-v2 sentence embedding (forward, mean pooling, L2 normalisation) of random token ids
#           at batch x tokens = 1x16, 32x32, 1x128, 2 intra-op threads, against ONNX Runtime Java on the same
#           ONNX file in the same JMH run. Lines: case=BxL cortado_ms=T onnxruntime_ms=T ratio=R;
#           headline: 32x32 (ratio = Cortado time / ONNX Runtime time; lower is better)
#
# The tornado-* cases run on the TornadoVM device (TORNADOVM_HOME names the SDK; the benchmarks are built with
# -Ptornado) and take PyTorch with CUDA from the python3 on PATH when it has one (else its columns say n/a):
#   tornado-sgemm  square float32 C = A·B, n = 1024, 2048, 4096: Cortado's device kernel with the operands already
#           on the device, and the tornado backend's matmul of host tensors (copies in and out included), against
#           cuBLAS through PyTorch the same two ways (full float32, no TF32). Lines: n=N cortado_kernel_gflops=G
#           cortado_host_gflops=G cublas_gflops=G cublas_host_gflops=G; headline n = 4096
#           (ratio = cuBLAS GFLOP/s / Cortado kernel GFLOP/s; lower is better)
#   tornado-vit-step  the vit-step model's training step and evaluation forward on the tornado backend against the
#           CPU backend with every core of this machine (and PyTorch on CUDA), at widths 128 (the vit-step model),
#           512 and 1024 (heads width / 32, MLP 2 · width). Lines: case=C width=W cpu_ms=T tornado_ms=T cuda_ms=T
#           speedup=S (CPU time / tornado time); headline: step at width 128 (ratio = tornado time / CPU time)
#   tornado-dispatch  the cost of one kernel launch with nothing copied: a task graph of T dependent elementwise tasks
#           over n floats (n = 1024 and 409,600; T = 1, 16, 64), buffers resident, against the same chain of PyTorch
#           CUDA ops. Lines: n=N tasks=T tornado_us_per_task=U cuda_us_per_op=U; headline n = 409600, T = 64
#           (ratio = TornadoVM time per task / PyTorch time per op; lower is better)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bin/find-java.sh"
source "$ROOT/benchmarks/lib.sh"

compare_sgemm() {
    local sizes=(256 512 1024 2048) threads=2 headline=1024
    local json n ms cortado torch
    json="$(mktemp --suffix=.json)"
    ensure_torch
    ensure_benchmarks_jar
    local joined
    joined="$(IFS=,; echo "${sizes[*]}")"
    run_jmh "$json" 'SgemmBenchmark' -p "n=$joined" -p "threads=$threads"
    declare -A cortado_gflops pytorch_gflops
    while read -r n ms; do
        cortado_gflops[$n]=$(gflops "$n" "$ms")
    done < <(jmh_medians "$json" n)
    rm -f "$json"
    while read -r n torch; do
        pytorch_gflops[${n#n=}]=${torch#gflops=}
    done < <(/usr/bin/python3 "$ROOT/benchmarks/reference/sgemm_torch.py" --threads "$threads" --sizes "${sizes[@]}" \
        | awk '{ print $1, $3 }')
    for n in "${sizes[@]}"; do
        echo "n=$n cortado_gflops=${cortado_gflops[$n]} pytorch_gflops=${pytorch_gflops[$n]}"
    done
    cortado=${cortado_gflops[$headline]}
    torch=${pytorch_gflops[$headline]}
    echo "ratio=$(awk -v t="$torch" -v c="$cortado" 'BEGIN { printf "%.2f", t / c }')"
}

compare_rowops() {
    local threads=2 json case us
    json="$(mktemp --suffix=.json)"
    trap 'rm -f "$json"' RETURN
    ensure_torch
    ensure_benchmarks_jar
    run_jmh "$json" 'RowOpsBenchmark|ElementwiseBenchmark.addKernel' -p "threads=$threads" -p "n=16777216"
    declare -A cortado_us pytorch_us
    while read -r case us; do
        cortado_us[$case]=$us
    done < <(jmh_medians "$json" benchmark | sed 's/^addKernel /add /')
    while read -r case us; do
        pytorch_us[${case#case=}]=${us#us=}
    done < <(cd "$ROOT/benchmarks/reference" && /usr/bin/python3 rowops_torch.py --threads "$threads")
    for case in softmax logSoftmax layerNorm add; do
        echo "case=$case cortado_us=${cortado_us[$case]} pytorch_us=${pytorch_us[$case]}" \
            "ratio=$(awk -v c="${cortado_us[$case]}" -v t="${pytorch_us[$case]}" 'BEGIN { printf "%.2f", c / t }')"
    done
    echo "ratio=$(awk -v c="${cortado_us[softmax]}" -v t="${pytorch_us[softmax]}" 'BEGIN { printf "%.2f", c / t }')"
}

compare_vit_step() {
    local threads=2 json case ms
    json="$(mktemp --suffix=.json)"
    trap 'rm -f "$json"' RETURN
    ensure_torch
    ensure_benchmarks_jar
    run_jmh "$json" 'VitStepBenchmark' -p "threads=$threads"
    declare -A cortado_ms pytorch_ms
    while read -r case ms; do
        cortado_ms[$case]=$ms
    done < <(jmh_medians "$json" benchmark)
    while IFS='=' read -r case ms; do
        pytorch_ms[${case%_ms}]=$ms
    done < <(cd "$ROOT/benchmarks/reference" && /usr/bin/python3 vit_step_torch.py --threads "$threads")
    for case in step forward; do
        echo "case=$case cortado_ms=${cortado_ms[$case]} pytorch_ms=${pytorch_ms[$case]}" \
            "ratio=$(awk -v c="${cortado_ms[$case]}" -v t="${pytorch_ms[$case]}" 'BEGIN { printf "%.2f", c / t }')"
    done
    echo "ratio=$(awk -v c="${cortado_ms[step]}" -v t="${pytorch_ms[step]}" 'BEGIN { printf "%.2f", c / t }')"
}

compare_minilm() {
    local threads=2 json shape benchmark ms onnx
    json="$(mktemp --suffix=.json)"
    trap 'rm -f "$json"' RETURN
    ensure_benchmarks_jar
    onnx="$(minilm_onnx)"
    run_jmh "$json" 'MiniLmBenchmark' -p "threads=$threads" -p "onnx=$onnx"
    declare -A cortado_ms ort_ms
    while read -r benchmark shape ms; do
        if [[ $benchmark == cortado ]]; then cortado_ms[$shape]=$ms; else ort_ms[$shape]=$ms; fi
    done < <(/usr/bin/python3 - "$json" <<'PY'
import json, sys
for result in json.load(open(sys.argv[1])):
    print(result["benchmark"].rsplit(".", 1)[1], result["params"]["shape"],
          f"{result['primaryMetric']['scorePercentiles']['50.0']:.6g}")
PY
    )
    for shape in 1x16 32x32 1x128; do
        echo "case=$shape cortado_ms=${cortado_ms[$shape]} onnxruntime_ms=${ort_ms[$shape]}" \
            "ratio=$(awk -v c="${cortado_ms[$shape]}" -v t="${ort_ms[$shape]}" 'BEGIN { printf "%.2f", c / t }')"
    done
    echo "ratio=$(awk -v c="${cortado_ms[32x32]}" -v t="${ort_ms[32x32]}" 'BEGIN { printf "%.2f", c / t }')"
}

# The python3 on PATH when its PyTorch sees a CUDA device, for the tornado-* references; empty otherwise.
cuda_python() {
    if python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
        echo python3
    fi
}

compare_tornado_sgemm() {
    local sizes=(1024 2048 4096) headline=4096
    local json python benchmark n ms line
    json="$(mktemp --suffix=.json)"
    trap 'rm -f "$json"' RETURN
    ensure_tornado_benchmarks
    local joined
    joined="$(IFS=,; echo "${sizes[*]}")"
    run_jmh "$json" 'TornadoSgemmKernelBenchmark|SgemmBenchmark' -p "n=$joined" -p backendName=tornado
    declare -A kernel_gflops host_gflops cublas_gflops cublas_host_gflops
    while read -r benchmark n ms; do
        if [[ $benchmark == kernel ]]; then
            kernel_gflops[$n]=$(gflops "$n" "$ms")
        else
            host_gflops[$n]=$(gflops "$n" "$ms")
        fi
    done < <(jmh_medians "$json" benchmark n)
    python="$(cuda_python)"
    if [[ -n $python ]]; then
        while read -r line; do
            n=$(field "$line" n)
            cublas_gflops[$n]=$(field "$line" gflops)
            cublas_host_gflops[$n]=$(field "$line" host_gflops)
        done < <(cd "$ROOT/benchmarks/reference" && "$python" sgemm_torch.py --device cuda --sizes "${sizes[@]}")
    else
        echo "compare.sh: no PyTorch with a CUDA device on PATH; the cuBLAS columns are n/a" >&2
    fi
    for n in "${sizes[@]}"; do
        echo "n=$n cortado_kernel_gflops=${kernel_gflops[$n]} cortado_host_gflops=${host_gflops[$n]}" \
            "cublas_gflops=${cublas_gflops[$n]:-n/a} cublas_host_gflops=${cublas_host_gflops[$n]:-n/a}"
    done
    if [[ -n $python ]]; then
        echo "ratio=$(awk -v t="${cublas_gflops[$headline]}" -v c="${kernel_gflops[$headline]}" 'BEGIN { printf "%.2f", t / c }')"
    else
        echo "ratio=n/a"
    fi
}

compare_tornado_vit_step() {
    local widths=(128 512 1024) threads json python benchmark backend width ms case
    threads="$(nproc)"
    json="$(mktemp --suffix=.json)"
    trap 'rm -f "$json"' RETURN
    ensure_tornado_benchmarks
    # 3 warm-up and 5 measured iterations of 2 s (not the class's 4 and 8): twelve cases fit in ten minutes.
    run_jmh "$json" 'VitStepBenchmark' -p "threads=$threads" -p backendName=cpu,tornado \
        -p "width=$(IFS=,; echo "${widths[*]}")" -wi 3 -i 5
    declare -A cpu_ms tornado_ms cuda_ms
    while read -r benchmark backend width ms; do
        if [[ $backend == cpu ]]; then cpu_ms[$benchmark,$width]=$ms; else tornado_ms[$benchmark,$width]=$ms; fi
    done < <(jmh_medians "$json" benchmark backendName width)
    python="$(cuda_python)"
    if [[ -n $python ]]; then
        for width in "${widths[@]}"; do
            while IFS='=' read -r case ms; do
                cuda_ms[${case%_ms},$width]=$ms
            done < <(cd "$ROOT/benchmarks/reference" && "$python" vit_step_torch.py --device cuda --width "$width")
        done
    fi
    for width in "${widths[@]}"; do
        for case in step forward; do
            echo "case=$case width=$width cpu_ms=${cpu_ms[$case,$width]} tornado_ms=${tornado_ms[$case,$width]}" \
                "cuda_ms=${cuda_ms[$case,$width]:-n/a} speedup=$(awk -v c="${cpu_ms[$case,$width]}" \
                -v t="${tornado_ms[$case,$width]}" 'BEGIN { printf "%.2f", c / t }')"
        done
    done
    echo "ratio=$(awk -v c="${cpu_ms[step,128]}" -v t="${tornado_ms[step,128]}" 'BEGIN { printf "%.2f", t / c }')"
}

compare_tornado_dispatch() {
    local json python n tasks ms line
    json="$(mktemp --suffix=.json)"
    trap 'rm -f "$json"' RETURN
    ensure_tornado_benchmarks
    run_jmh "$json" 'TornadoDispatchBenchmark'
    declare -A tornado_us cuda_us
    while read -r n tasks ms; do
        tornado_us[$n,$tasks]=$(awk -v ms="$ms" -v t="$tasks" 'BEGIN { printf "%.1f", ms * 1000 / t }')
    done < <(jmh_medians "$json" n tasks)
    python="$(cuda_python)"
    if [[ -n $python ]]; then
        while read -r line; do
            n=$(field "$line" n)
            tasks=$(field "$line" tasks)
            cuda_us[$n,$tasks]=$(awk -v ms="$(field "$line" ms)" -v t="$tasks" 'BEGIN { printf "%.1f", ms * 1000 / t }')
        done < <(cd "$ROOT/benchmarks/reference" && "$python" dispatch_torch.py --device cuda)
    else
        echo "compare.sh: no PyTorch with a CUDA device on PATH; the cuda column is n/a" >&2
    fi
    for n in 1024 409600; do
        for tasks in 1 16 64; do
            echo "n=$n tasks=$tasks tornado_us_per_task=${tornado_us[$n,$tasks]} cuda_us_per_op=${cuda_us[$n,$tasks]:-n/a}"
        done
    done
    if [[ -n $python ]]; then
        echo "ratio=$(awk -v t="${tornado_us[409600,64]}" -v c="${cuda_us[409600,64]}" 'BEGIN { printf "%.1f", t / c }')"
    else
        echo "ratio=n/a"
    fi
}

name="${1:-}"
name="${name//-/_}"
if [[ $# -ne 1 ]] || ! declare -F "compare_$name" >/dev/null; then
    names="$(declare -F | sed -n 's/^declare -f compare_//p' | tr '_' '-' | tr '\n' ' ')"
    echo "usage: benchmarks/compare.sh NAME   (NAME: $names)" >&2
    exit 2
fi
JAVA="$(find_java)"
"compare_$name"
