# Sourced by bin/berth and the scripts: finds a JDK 25 or newer without running java (a JDK's
# release file names its version).
find_java_home() {
    local candidate
    for candidate in "${BERTH_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 \
        /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] &&
            grep -qE '^JAVA_VERSION="(2[5-9]|[3-9][0-9])' "$candidate/release" 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}
