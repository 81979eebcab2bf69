#!/usr/bin/env bash
# Engine benchmark in one JVM, no Spark: decode+resize rate and MobileNetV2(0.35, 224) backbone inference rate of
# ONNX Runtime and DL4J at batch 1/8/32.   src/bench/inference.sh [images] [include dl4j: true|false]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$HERE/../shared}"
cd "$HERE"
[ -d target/test-classes ] && [ -f target/facemask-pipeline.jar ] || mvn -q -B -DskipTests package test-compile
java -Xmx4g -cp "target/test-classes:target/classes:target/lib/*:target/spark-lib/*" \
  -Dlog4j2.configurationFile="$HERE/conf/log4j2.properties" \
  org.facemask.bench.InferenceBenchmark "$SHARED/datasets/face-mask-dev" \
  "$SHARED/models/mobilenet_v2_0.35_224/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5" \
  "${1:-256}" "${2:-true}"
