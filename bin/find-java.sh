# Sourced by bin/cortado and benchmarks/compare.sh: find_java prints the path of a java >= 21.
# Looks at $JAVA_HOME, then the java on PATH, then every JDK under /usr/lib/jvm (newest first).

java_major_version() {
    # "openjdk version "25.0.1" ..." / "java version "21" ..." -> 25 / 21 (1.8 style -> 8)
    local version
    version=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    case "$version" in
        1.*) echo "${version#1.}" | cut -d. -f1 ;;
        *) echo "$version" | cut -d. -f1 | cut -d- -f1 | cut -d+ -f1 ;;
    esac
}

find_java() {
    local candidates=() candidate best="" best_version=0 version
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
    command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
    for candidate in /usr/lib/jvm/*/bin/java; do
        [ -x "$candidate" ] && candidates+=("$candidate")
    done
    for candidate in "${candidates[@]}"; do
        [ -x "$candidate" ] || continue
        version=$(java_major_version "$candidate")
        [[ "$version" =~ ^[0-9]+$ ]] || continue
        # JAVA_HOME wins when it is new enough; otherwise take the newest JDK found.
        if [ "$version" -ge 21 ] && [ "$candidate" = "${JAVA_HOME:-/nonexistent}/bin/java" ]; then
            echo "$candidate"
            return 0
        fi
        if [ "$version" -gt "$best_version" ]; then
            best="$candidate"
            best_version="$version"
        fi
    done
    if [ "$best_version" -ge 21 ]; then
        echo "$best"
        return 0
    fi
    echo "cortado: no JDK >= 21 found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. apt-get install openjdk-21-jdk-headless" >&2
    return 1
}
