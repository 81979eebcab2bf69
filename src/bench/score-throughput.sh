#!/usr/bin/env bash
# Scoring throughput on ../shared/datasets/face-mask-dev (4,094 files), MobileNetV2 0.35 at 224, local mode.
#   src/bench/score-throughput.sh [model dir] [engines, default "onnxruntime dl4j"]
# Without a model dir it first trains one (prepare + 3 epochs of features-mode training with the shared weights).
# Prints the score job's closing line: rows, images/s, task-seconds of read / decode+resize / inference, peak
# heap and RSS; plus the wall time of the whole command (JVM and Spark start-up included).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$HERE/../shared}"
DEV="$SHARED/datasets/face-mask-dev"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "cores: $(nproc)"
model="${1:-}"
if [ -z "$model" ]; then
  model="$work/model"
  "$HERE/submit.sh" prepare "prepare.input=$DEV" "prepare.output=$work/prepared" 2>&1 | grep "prepare done"
  "$HERE/submit.sh" train "train.input=$work/prepared" "train.output=$model" train.epochs=3 \
    "model.base.weights=$SHARED/models/mobilenet_v2_0.35_224/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5" \
    2>&1 | grep "test accuracy"
fi
# the dev set twice (symlinked copies): the difference to one copy is the marginal rate, start-up excluded
mkdir -p "$work/twice"
cp -rs "$DEV" "$work/twice/a"
cp -rs "$DEV" "$work/twice/b"
for engine in ${2:-onnxruntime dl4j}; do
  for input in "$DEV" "$work/twice"; do
    start=$(date +%s.%N)
    "$HERE/submit.sh" score "score.model=$model" "score.input=$input" "score.output=$work/scores-$engine-$(basename "$input")" \
      score.run-date=2026-01-01 "model.engine=$engine" 2>&1 | grep -E "INFO ScoreStage: scored"
    end=$(date +%s.%N)
    echo "$engine, $(basename "$input"): whole command $(echo "$end - $start" | bc) s"
  done
done
