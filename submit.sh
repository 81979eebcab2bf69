#!/usr/bin/env bash
# Runs a pipeline job: ./submit.sh <job> [--conf FILE] [key=value ...]
#
# - builds target/ with Maven when the jar is missing or older than any source (skipping tests);
# - reads spark.master from the configuration (conf/local.conf unless --conf is given):
#     local[...]  -> runs the job in this machine's JVM (plain java, Spark from target/spark-lib);
#     otherwise   -> hands it to $SPARK_HOME/bin/spark-submit with our jars (target/lib) and the Java 17 flags
#                    for the driver and the executors.
# Environment: JAVA_OPTS (local JVM options, default -Xmx4g), SPARK_HOME (cluster runs), MVN (default mvn).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAR="$HERE/target/facemask-pipeline.jar"
MAIN=org.facemask.job.Main
JOBS="pipeline prepare featurize train evaluate score stream"

usage() {
  cat >&2 <<USAGE
usage: $0 <job> [--conf FILE] [key=value ...]
jobs: $JOBS
  --conf FILE    HOCON configuration (default: conf/local.conf)
  key=value      overrides a configuration path, e.g. prepare.input=/data/faces image.size=200
USAGE
  exit 2
}

[ $# -ge 1 ] || usage
job="$1"; shift
case " $JOBS " in
  *" $job "*) ;;
  -h|--help) usage ;;
  *) echo "error: unknown job '$job'" >&2; usage ;;
esac

conf="$HERE/conf/local.conf"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --conf) [ $# -ge 2 ] || usage; conf="$2"; shift 2 ;;
    --conf=*) conf="${1#--conf=}"; shift ;;
    *=*) args+=("$1"); shift ;;
    *) echo "error: unexpected argument '$1'" >&2; usage ;;
  esac
done

# Spark 3.5 on Java 17 (../shared/STACK.md); the same list is in pom.xml (jvm.opens) for the tests.
OPENS=(-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  OPENS+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
OPENS+=(--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED)
# DL4J's oneDNN layer helpers (4x faster convolutions; off by default in DL4J M2): the driver turns them on in
# code, executors need the switch before DL4J's training workers build their layers. Set it to true to turn them off.
OPENS+=(-Dorg.eclipse.deeplearning4j.helpers.disable=false)
LOG_CONF="-Dlog4j2.configurationFile=$HERE/conf/log4j2.properties"

# Build when the jar is missing or any source is newer than it.
if [ ! -f "$JAR" ] || [ -n "$(find "$HERE/src/main" "$HERE/pom.xml" -newer "$JAR" -print -quit)" ]; then
  echo "building $JAR ..." >&2
  (cd "$HERE" && "${MVN:-mvn}" -q -B -DskipTests package) >&2
fi

CP="$JAR:$HERE/target/lib/*:$HERE/target/spark-lib/*"
# Relative paths in the configuration are resolved against the project folder, as in the README.
cd "$HERE"
master="$(java "${OPENS[@]}" -cp "$CP" -Dlog4j2.level=off $MAIN --print-master --conf "$conf" "${args[@]+"${args[@]}"}" 2>/dev/null)" || {
  # let the job itself print the configuration error
  exec java "${OPENS[@]}" -cp "$CP" $MAIN "$job" --conf "$conf" "${args[@]+"${args[@]}"}"
}

if [[ "$master" == local* ]]; then
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  # shellcheck disable=SC2086
  exec java ${JAVA_OPTS:--Xmx4g} "${OPENS[@]}" "$LOG_CONF" -cp "$CP" $MAIN "$job" --conf "$conf" "${args[@]+"${args[@]}"}"
fi

if [ ! -x "${SPARK_HOME:-}/bin/spark-submit" ]; then
  echo "error: spark.master is '$master', which runs through \$SPARK_HOME/bin/spark-submit, but SPARK_HOME is" \
       "'${SPARK_HOME:-}': set it to a Spark 3.5 (Scala 2.12) installation, or use spark.master=local[*]" >&2
  exit 2
fi
jars="$(ls "$HERE"/target/lib/*.jar | paste -sd, -)"
extra="${OPENS[*]}"
exec "$SPARK_HOME/bin/spark-submit" \
  --master "$master" \
  --class "$MAIN" \
  --jars "$jars" \
  --files "$conf,$HERE/conf/log4j2.properties" \
  --conf "spark.driver.extraJavaOptions=$extra $LOG_CONF" \
  --conf "spark.executor.extraJavaOptions=$extra -Dlog4j2.configurationFile=log4j2.properties" \
  "$JAR" "$job" --conf "$conf" "${args[@]+"${args[@]}"}"
