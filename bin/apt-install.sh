# Sourced by bin/test and bin/cortado: apt_install LABEL PACKAGE… installs the Debian packages that are
# missing (as root, quietly) and fails with a one-line reason when it cannot.
apt_install() {
    local label=$1 missing=()
    shift
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "$label: installing ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "$label: need root (or sudo) to apt-get install ${missing[*]}" >&2
        return 1
    fi
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
}
