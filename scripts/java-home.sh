# Sourced by bin/berth and the scripts: finds a JDK 25 or newer without running java (a JDK's
# release file names its version) and without forking anything, since bin/berth pays for every
# process it starts on every call.

# Sets the variable named $1 to the first JDK 25+ home found; returns 1 when there is none.
find_java_home_into() {
    local -n found_home="$1"
    local candidate
    for candidate in "${BERTH_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 \
        /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] &&
            is_java_25_or_newer "$candidate"; then
            found_home="$candidate"
            return 0
        fi
    done
    return 1
}

# Prints the first JDK 25+ home found, for scripts that can afford a subshell.
find_java_home() {
    local home
    find_java_home_into home || return 1
    echo "$home"
}

# True when $1/release says JAVA_VERSION="25..." or newer; read with bash alone.
is_java_25_or_newer() {
    local line
    [ -r "$1/release" ] || return 1
    while IFS= read -r line || [ -n "$line" ]; do
        if [[ $line =~ ^JAVA_VERSION=\"(2[5-9]|[3-9][0-9]) ]]; then
            return 0
        fi
    done <"$1/release"
    return 1
}
