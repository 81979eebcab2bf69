#!/usr/bin/env bash
# The Spark ML stage (FaceMaskModel.transform over binaryFile) against the score job on the same images, same run
# (issue 18: within 10%), on ../shared/datasets/face-mask-dev (4,094 files), local[2].
#   src/bench/transformer-vs-score.sh [model dir] [engine, default onnxruntime]
# Without a model dir it first trains one (prepare + 3 epochs of the head alone with the shared weights: the rate
# does not depend on how well the model was trained).
# They alternate, twice each (job, transformer, transformer writing as the job writes), so a drift of the machine
# shows; each line is timed from listing/reading to the written Parquet, JVM and Spark start-up excluded. The
# transformer is written twice over: as a plain write() writes it (one Parquet file per binaryFile read partition,
# about 30 small files each here, so many small files), and repartitioned into as many files as the job writes (one
# per score.rows-per-file rows: 1 here), the same output shape as the job's. The machine probe
# (common.sh) before each run gives the plain ONNX Runtime loop's rate at that moment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
start_benchmark # TransformerRate: a benchmark main (src/bench/java)
model="$(model_or_train "${1:-}")"
engine="${2:-onnxruntime}"
# the Java 17 flags, taken from submit.sh (its OPENS lines) rather than kept twice
eval "$(sed -n '/^OPENS=(/,/^OPENS+=(-Dorg/p' "$HERE/submit.sh")"
for round in 1 2; do
  machine_probe
  "$HERE/submit.sh" score "score.model=$model" "score.input=$DEV" "score.output=$work/job-$round" \
    score.run-date=2026-01-01 "model.engine=$engine" spark.master=local[2] 2>&1 \
    | grep -E "INFO ScoreStage: scored" | sed -E 's/.*(scored [0-9]+ images).* ([0-9.]+) s in all, ([0-9.]+) images\/s.*/score job: \1 in \2 s = \3 images\/s/'
  for files in 0 1; do
    machine_probe
    java ${JAVA_OPTS:--Xmx4g} "${OPENS[@]}" -Dlog4j2.level=warn -cp "$BENCH_CP" org.facemask.bench.TransformerRate \
      "$model" "$DEV" "$work/transformer-$round-$files" "local[2]" "$engine" "$files" 2>/dev/null | grep "transformer,"
  done
done
