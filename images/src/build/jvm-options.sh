# Sourced by app-image.sh and class-list.sh, with $command set: the JVM options of every image's
# entrypoint, which the class archive is dumped with and its class list recorded with. Serial GC:
# one small heap per pod, no GC threads to size. No perf data: it would be a file in /tmp, which a
# read-only root does not have.
# shellcheck disable=SC2034 # used by the sourcing script
jvm_options=(-XX:+UseSerialGC -XX:MaxRAMPercentage=75 -XX:-UsePerfData --sun-misc-unsafe-memory-access=allow
  --enable-native-access=ALL-UNNAMED -Dbosun.commands="$command")
