#!/usr/bin/env bash
# Near-real-time scoring: latency and sustained throughput of the stream job at steady arrival rates, local mode.
#   src/bench/stream-latency.sh [model dir] [rates, images/s, default "20 50 100"] [seconds per rate, default 180] [key=value ...]
# Further key=value settings go to the stream job (e.g. stream.trigger=2s, model.engine=dl4j).
# Without a model dir it first trains one (prepare + 3 epochs of the head on ../shared/datasets/face-mask-dev).
# For each rate: a fresh landing folder, output and checkpoint; the stream job started and waited for; then dev-set
# JPEGs copied into the landing folder at that rate by LandAtRate (each written under a hidden name and renamed in,
# as an uploader should) for the given time; then the stream is given until every file is committed, and stopped with
# SIGTERM. A warm-up file lands first and is waited for (the first batch pays the one-time costs of the executors'
# model). Prints the job's per-batch lines (first and last three) and, from the output itself (StreamLatency), the
# latency from each file's modification time to its batch's commit (p50, p95, max) and the sustained rate, the
# warm-up file left out.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
start_benchmark # StreamLatency: a benchmark main (src/bench/java)
model="$(model_or_train "${1:-}")"
rates="${2:-20 50 100}"
seconds="${3:-180}"
shift $(( $# < 3 ? $# : 3 ))
# waits until the log has a line matching $2, or fails after $3 seconds
wait_for() {
  local deadline=$(( $(date +%s) + $3 ))
  until grep -q -E "$2" "$1"; do
    if [ "$(date +%s)" -gt "$deadline" ]; then echo "timed out waiting for '$2' in $1:" >&2; tail -20 "$1" >&2; return 1; fi
    sleep 0.5
  done
}

# the Java 17 flags Spark needs (StreamLatency reads the output with Spark), taken from submit.sh's OPENS lines
eval "$(sed -n '/^OPENS=(/,/^OPENS+=(-Dorg/p' "$HERE/submit.sh")"
WARMUP=warm-up.jpg
for rate in $rates; do
  run="$work/rate-$rate"
  mkdir -p "$run/landing"
  log="$run/stream.log"
  "$HERE/submit.sh" stream "score.model=$model" "stream.input=$run/landing" "stream.output=$run/scores" \
    "stream.checkpoint=$run/checkpoint" stream.start=earliest "$@" > "$log" 2>&1 &
  stream_pid=$!
  wait_for "$log" "ScoringStream: watching" 300
  # one file first, waited for: the first batch pays the executors' one-time costs (the model built, JIT), which a
  # stream running for days pays once; StreamLatency leaves that file out
  cp "$(find "$DEV" -name '*.jpg' | head -1)" "$run/landing/.$WARMUP.part" && mv "$run/landing/.$WARMUP.part" "$run/landing/$WARMUP"
  wait_for "$log" "BatchProgress: batch 0:" 600
  total=$(( rate * seconds ))
  echo "rate $rate images/s for $seconds s: $total files"
  java -cp "$BENCH_CP" org.facemask.bench.LandAtRate "$DEV" "$run/landing" "$rate" "$seconds"
  total=$(( total + 1 ))
  # every file committed: the batch lines' file counts add up to the files copied
  deadline=$(( $(date +%s) + 600 ))
  until [ "$(grep -oE 'BatchProgress: batch [0-9]+: [0-9]+ files' "$log" | awk '{ n += $4 } END { print n + 0 }')" -ge "$total" ]; do
    if [ "$(date +%s)" -gt "$deadline" ] || ! kill -0 "$stream_pid" 2>/dev/null; then
      echo "the stream did not commit all $total files:" >&2; tail -20 "$log" >&2; kill -TERM "$stream_pid" 2>/dev/null || true; exit 1
    fi
    sleep 1
  done
  kill -TERM "$stream_pid"
  wait "$stream_pid" || true # 143: stopped by SIGTERM, after the batch in flight
  grep "BatchProgress: batch" "$log" > "$run/batches"
  head -3 "$run/batches"; echo "..."; tail -3 "$run/batches"
  java -Xmx1g "${OPENS[@]}" -cp "$BENCH_CP" -Dlog4j2.level=off org.facemask.bench.StreamLatency "$run/scores" "$WARMUP" \
    | sed "s/^/rate $rate images\/s, /"
done
