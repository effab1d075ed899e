# Sourced by ./bosun and .ci/run: selects a JDK 25 as JAVA_HOME, or fails with a clear message.
# The machine's default java may be older; Bosun is built and run with 25.
# The JDK's release file names its version; asking java itself would cost every ./bosun a JVM start.
bosun_java_major() {
  if [[ -f "$1/release" ]]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
  fi
}
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" || "$(bosun_java_major "$JAVA_HOME")" != "25" ]]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do
    if [[ -x "$candidate/bin/java" && "$(bosun_java_major "$candidate")" == "25" ]]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
  if [[ -z "$JAVA_HOME" ]]; then
    echo "bosun: Java 25 is required but none was found (JAVA_HOME is not a JDK 25, and /usr/lib/jvm has: $(ls /usr/lib/jvm 2>/dev/null | tr '\n' ' '))." >&2
    echo "bosun: install a JDK 25 (e.g. Temurin 25) and set JAVA_HOME to it." >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
