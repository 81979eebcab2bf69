#!/usr/bin/env bash
# Featurize throughput: prepares ../shared/datasets/face-mask-dev, runs the featurize job on it (local mode,
# MobileNetV2 0.35 at 224, shared ImageNet weights) with each engine, and prints the job's own line (images/s of
# the whole job) and, from Spark's event log, the featurize stage's rate and its steady-state rate (the tasks after
# the first wave, which pays the fresh JVM's fixed costs): the rate that scales with the input.
#   src/bench/featurize-throughput.sh [engines, default "onnxruntime dl4j"]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_test_classes # StageRates, the event-log reader, is a test-scope class
make_workdir
echo "cores: $(nproc)"
"$HERE/submit.sh" prepare "prepare.input=$DEV" "prepare.output=$work/prepared" 2>&1 \
  | grep "prepare done"
for engine in ${1:-onnxruntime dl4j}; do
  mkdir -p "$work/events-$engine"
  "$HERE/submit.sh" featurize "featurize.input=$work/prepared" "featurize.output=$work/features-$engine" \
    "model.base.weights=$WEIGHTS" "model.engine=$engine" \
    spark.conf.spark.eventLog.enabled=true "spark.conf.spark.eventLog.dir=$work/events-$engine" 2>&1 | grep "featurized"
  java -cp "$BENCH_CP" org.facemask.bench.StageRates "$work/events-$engine"
done
