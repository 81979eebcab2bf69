#!/usr/bin/env bash
# Scoring throughput on ../shared/datasets/face-mask-dev (4,094 files), MobileNetV2 0.35 at 224, local mode.
#   src/bench/score-throughput.sh [model dir] [engines, default "onnxruntime dl4j"] [key=value ...]
# Further key=value settings go to every score run (e.g. image.jpeg-decoder=opencv for an A/B of the decoders).
# Without a model dir it first trains one (prepare + 3 epochs of features-mode training with the shared weights).
# Prints the score job's closing line (rows, images/s, task-seconds of read / decode+resize / inference) for the dev
# set and for it three times over, the wall time and peak resident memory of each whole command (JVM and Spark
# start-up included; GNU time's maximum RSS of the job's JVM, which in local mode holds driver and executors), each scoring stage's steady-state rate from Spark's event log (the tasks after the first wave, which
# pays the fresh JVM's fixed costs), and the marginal rate between the two runs; before each run, the machine
# probe (common.sh): the plain ONNX Runtime loop's rate at that moment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -x /usr/bin/time ] || { echo "score-throughput.sh needs GNU time for the peak RSS: apt-get install time" >&2; exit 1; }
start_benchmark # StageRates (the event-log reader): a benchmark main (src/bench/java)
model="$(model_or_train "${1:-}")"
engines="${2:-onnxruntime dl4j}"
shift $(( $# < 2 ? $# : 2 ))
# the dev set three times (symlinked copies): the difference to one copy is the marginal rate, start-up and fixed
# costs excluded
mkdir -p "$work/thrice"
for copy in a b c; do cp -rs "$DEV" "$work/thrice/$copy"; done
for engine in $engines; do
  for input in "$DEV" "$work/thrice"; do
    machine_probe
    events="$work/events-$engine-$(basename "$input")"
    mkdir -p "$events"
    /usr/bin/time -f "%e %M" -o "$work/time" "$HERE/submit.sh" score "score.model=$model" "score.input=$input" "score.output=$work/scores-$engine-$(basename "$input")" \
      score.run-date=2026-01-01 "model.engine=$engine" \
      spark.conf.spark.eventLog.enabled=true "spark.conf.spark.eventLog.dir=$events" "$@" 2>&1 \
      | grep -E "INFO ScoreStage: scored|JPEG decoding" | tee "$work/lines"
    grep "ScoreStage: scored" "$work/lines" > "$work/$engine-$(basename "$input").log"
    read -r seconds rss_kb < "$work/time"
    echo "$engine, $(basename "$input"): whole command $seconds s, peak RSS $(( rss_kb / 1024 )) MB"
    java -cp "$BENCH_CP" org.facemask.bench.StageRates "$events"
  done
  # "scored N images ... S s in all": (N_thrice - N_once) / (S_thrice - S_once)
  print_marginal "$engine" "$work/$engine-$(basename "$DEV").log" "$work/$engine-thrice.log" \
    's/.*scored ([0-9]+) images.* ([0-9.]+) s in all.*scored ([0-9]+) images.* ([0-9.]+) s in all.*/\1 \2 \3 \4/'
done
