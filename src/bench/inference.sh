#!/usr/bin/env bash
# Engine benchmark in one JVM, no Spark: decode+resize rate and MobileNetV2(0.35, 224) backbone inference rate of
# ONNX Runtime and DL4J at batch 1/8/32, the two JPEG decoders (OpenCV's libjpeg-turbo and the system's, over the
# whole dev set), and the ONNX export with and without its channel padding.
#   src/bench/inference.sh [images] [include dl4j: true|false]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_test_classes
java -Xmx4g -cp "$BENCH_CP" -Dlog4j2.configurationFile="$HERE/conf/log4j2.properties" \
  org.facemask.bench.InferenceBenchmark "$DEV" "$WEIGHTS" "${1:-256}" "${2:-true}"
