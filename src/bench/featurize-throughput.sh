#!/usr/bin/env bash
# Featurize throughput: prepares ../shared/datasets/face-mask-dev once, then runs the featurize job (local mode,
# MobileNetV2 0.35 at 224, shared ImageNet weights) with each engine and prints images/s from the job's log line.
#   src/bench/featurize-throughput.sh [engines, default "onnxruntime dl4j"]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$HERE/../shared}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
weights="$SHARED/models/mobilenet_v2_0.35_224/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
echo "cores: $(nproc)"
"$HERE/submit.sh" prepare "prepare.input=$SHARED/datasets/face-mask-dev" "prepare.output=$work/prepared" 2>&1 \
  | grep "prepare done"
for engine in ${1:-onnxruntime dl4j}; do
  "$HERE/submit.sh" featurize "featurize.input=$work/prepared" "featurize.output=$work/features-$engine" \
    "model.base.weights=$weights" "model.engine=$engine" 2>&1 | grep "featurized"
done
