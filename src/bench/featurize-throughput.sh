#!/usr/bin/env bash
# Featurize throughput: prepares ../shared/datasets/face-mask-dev, runs the featurize job (local mode, MobileNetV2
# 0.35 at 224, shared ImageNet weights) with each engine on it and on the prepared images three times over (each
# Parquet file of the prepared set copied twice more), and prints for each run the job's own line (images/s of the
# whole job), the featurize stage's rate and steady-state rate from Spark's event log (the tasks after the first
# wave, which pays the fresh JVM's fixed costs), and the marginal rate between the two runs: the rate that scales
# with the input, start-up and the JIT compiler's warm-up excluded, measured as for scoring. Before each run it prints
# the machine probe (common.sh): the plain ONNX Runtime loop's rate at that moment.
#   src/bench/featurize-throughput.sh [engines, default "onnxruntime dl4j"]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
start_benchmark # StageRates (the event-log reader): a benchmark main (src/bench/java)
"$HERE/submit.sh" prepare "prepare.input=$DEV" "prepare.output=$work/once" 2>&1 \
  | grep "prepare done"
cp -r "$work/once" "$work/thrice"
for part in "$work"/thrice/images/split=*/part-*.parquet; do
  dir="$(dirname "$part")" name="$(basename "$part")"
  for copy in b c; do
    cp "$part" "$dir/$copy-$name"
    cp "$dir/.$name.crc" "$dir/.$copy-$name.crc"
  done
done
for engine in ${1:-onnxruntime dl4j}; do
  for input in once thrice; do
    machine_probe
    mkdir -p "$work/events-$engine-$input"
    "$HERE/submit.sh" featurize "featurize.input=$work/$input" "featurize.output=$work/features-$engine-$input" \
      "model.base.weights=$WEIGHTS" "model.engine=$engine" \
      spark.conf.spark.eventLog.enabled=true "spark.conf.spark.eventLog.dir=$work/events-$engine-$input" 2>&1 \
      | grep "featurized" | tee "$work/$engine-$input.log"
    java -cp "$BENCH_CP" org.facemask.bench.StageRates "$work/events-$engine-$input"
  done
  # "featurized N images ... in S s": (N_thrice - N_once) / (S_thrice - S_once)
  print_marginal "$engine" "$work/$engine-once.log" "$work/$engine-thrice.log" \
    's/.*featurized ([0-9]+) images.* in ([0-9.]+) s .*featurized ([0-9]+) images.* in ([0-9.]+) s .*/\1 \2 \3 \4/'
done
