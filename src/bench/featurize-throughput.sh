#!/usr/bin/env bash
# Featurize throughput: prepares ../shared/datasets/face-mask-dev and half of it (every second file, symlinked),
# runs the featurize job (local mode, MobileNetV2 0.35 at 224, shared ImageNet weights) on both with each engine,
# and prints images/s from the job's log line, plus the marginal rate (the difference between the two runs: start-up
# and fixed costs excluded).   src/bench/featurize-throughput.sh [engines, default "onnxruntime dl4j"]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$HERE/../shared}"
DEV="$SHARED/datasets/face-mask-dev"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
weights="$SHARED/models/mobilenet_v2_0.35_224/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
echo "cores: $(nproc)"
for label in with_mask without_mask; do
  mkdir -p "$work/half/$label"
  find "$DEV/$label" -type f | sort | awk 'NR % 2 == 1' | while read -r f; do ln -s "$f" "$work/half/$label/"; done
done
for set in full half; do
  input="$DEV"; [ "$set" = half ] && input="$work/half"
  "$HERE/submit.sh" prepare "prepare.input=$input" "prepare.output=$work/prepared-$set" 2>&1 | grep "prepare done"
done
for engine in ${1:-onnxruntime dl4j}; do
  for set in half full; do
    "$HERE/submit.sh" featurize "featurize.input=$work/prepared-$set" "featurize.output=$work/features-$engine-$set" \
      "model.base.weights=$weights" "model.engine=$engine" 2>&1 | grep "featurized" | tee "$work/$engine-$set.log"
  done
  # "featurized N images ... in S s": (N_full - N_half) / (S_full - S_half)
  paste "$work/$engine-half.log" "$work/$engine-full.log" | sed -E 's/.*featurized ([0-9]+) images.* in ([0-9.]+) s .*featurized ([0-9]+) images.* in ([0-9.]+) s .*/\1 \2 \3 \4/' \
    | awk -v e="$engine" '{ printf "%s marginal: %d more images in %.1f s more = %.0f images/s\n", e, $3 - $1, $4 - $2, ($3 - $1) / ($4 - $2) }'
done
