# Finds a JDK 21+ and exports JAVA_HOME and JAVA. Sourced by ./relay and scripts/test.sh.
# Order: $JAVA_HOME, then the newest JDK under /usr/lib/jvm, then `java` on the PATH.

java_major() { # prints the major version of the java binary $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' \
    | awk -F. '{ if ($1 == "1") print $2; else print $1 }' || echo 0
}

find_java() {
  local candidates=() c best="" best_major=0 m
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for c in /usr/lib/jvm/*/bin/java; do [ -x "$c" ] && candidates+=("$c"); done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    m=$(java_major "$c"); m=${m:-0}
    # JAVA_HOME wins when it is new enough; otherwise take the newest.
    if [ "$c" = "${JAVA_HOME:-}/bin/java" ] && [ "$m" -ge 21 ]; then best=$c; best_major=$m; break; fi
    if [ "$m" -gt "$best_major" ]; then best=$c; best_major=$m; fi
  done
  if [ -z "$best" ] || [ "$best_major" -lt 21 ]; then
    echo "error: the relay needs JDK 21 or newer; found ${best:-no java} (version ${best_major})." >&2
    echo "  Install one, e.g. 'apt-get install openjdk-21-jdk-headless' (Ubuntu 24.04+, Debian 13+)" >&2
    echo "  or a Temurin 21/25 JDK, then set JAVA_HOME to it." >&2
    return 1
  fi
  JAVA="$best"
  JAVA_HOME=$(cd "$(dirname "$best")/.." && pwd)
  export JAVA JAVA_HOME
  JAVA_MAJOR=$best_major
  export JAVA_MAJOR
}

# JVM flags the relay runs with: Agrona 2 uses jdk.internal.misc.Unsafe (exported to it) and sun.misc.Unsafe (JEP 471
# warns from JDK 23 on), Netty's epoll
# transport loads a native library.
relay_jvm_flags() {
  local flags="--enable-native-access=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"
  [ "${JAVA_MAJOR:-21}" -ge 23 ] && flags="$flags --sun-misc-unsafe-memory-access=allow"
  echo "$flags"
}
