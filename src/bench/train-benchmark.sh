#!/usr/bin/env bash
# Training benchmarks on ../shared/datasets/face-mask-dev with the shared alpha-0.35 ImageNet weights, local mode.
#   src/bench/train-benchmark.sh quality            prepare + train (features mode, defaults) on the whole dev set
#   (modes and scaling time the head alone, HEAD_ONLY in common.sh, as their recorded figures did)
#   src/bench/train-benchmark.sh modes [N] [EPOCHS] features vs end-to-end on N images a class (default 100), same epochs
#   src/bench/train-benchmark.sh scaling            features-mode training time on 250/500/1000/all images a class
#   src/bench/train-benchmark.sh experiments        what input size, head size and augmentation change (defaults otherwise)
# Prints the job's own log lines (times, losses, test metrics).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
make_workdir
echo "cores: $(nproc)"

subset() { # $1 = images a class, $2 = folder: the first N files of each class, copied
  for c in with_mask without_mask; do
    mkdir -p "$2/$c"
    mapfile -t all < <(find "$DEV/$c" -type f | sort)
    for f in "${all[@]:0:$1}"; do cp "$f" "$2/$c/"; done
  done
}
timed() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "wall: $(echo "$e - $s" | bc) s"; }
show() { grep -E "wall:|prepare done|featurized|training \[|epoch [0-9]+/|stopping early|model .* written|test accuracy" || true; }

case "${1:-quality}" in
  quality)
    timed "$HERE/submit.sh" prepare "prepare.input=$DEV" "prepare.output=$work/prepared" 2>&1 | show
    timed "$HERE/submit.sh" train "train.input=$work/prepared" "train.output=$work/model" "model.base.weights=$WEIGHTS" 2>&1 | show
    python3 -c "import json; m=json.load(open('$work/model/metrics.json')); print(json.dumps(m['test'], indent=1)); print('best_epoch', m['best_epoch'])"
    ;;
  modes)
    n="${2:-100}"; epochs="${3:-2}"
    subset "$n" "$work/faces"
    "$HERE/submit.sh" prepare "prepare.input=$work/faces" "prepare.output=$work/prepared" 2>&1 | show
    for mode in features end-to-end; do
      echo "== $mode, $epochs epochs"
      timed "$HERE/submit.sh" train "train.input=$work/prepared" "train.output=$work/model-$mode" "model.base.weights=$WEIGHTS" \
        "train.mode=$mode" "train.epochs=$epochs" train.patience=0 "${HEAD_ONLY[@]}" 2>&1 | show
    done
    ;;
  scaling)
    for n in 250 500 1000 100000; do
      rm -rf "$work/faces" "$work/prepared" "$work/model"
      subset "$n" "$work/faces"
      "$HERE/submit.sh" prepare "prepare.input=$work/faces" "prepare.output=$work/prepared" 2>&1 | show
      echo "== up to $n images a class, 10 epochs"
      timed "$HERE/submit.sh" train "train.input=$work/prepared" "train.output=$work/model" "model.base.weights=$WEIGHTS" \
        train.epochs=10 train.patience=0 "${HEAD_ONLY[@]}" 2>&1 | show
    done
    ;;
  experiments)
    "$HERE/submit.sh" prepare "prepare.input=$DEV" "prepare.output=$work/prepared" 2>&1 | show
    "$HERE/submit.sh" prepare "prepare.input=$DEV" "prepare.output=$work/prepared-160" image.size=160 2>&1 | show
    run() { # $1 = name, rest = overrides
      local name="$1"; shift
      echo "== $name"
      "$HERE/submit.sh" train "train.output=$work/model-$name" "model.base.weights=$WEIGHTS" "$@" 2>&1 \
        | grep -E "model .* written|stopping early" || true
    }
    run baseline "train.input=$work/prepared"
    run size-160 "train.input=$work/prepared-160" image.size=160
    run head-256 "train.input=$work/prepared" model.head.hidden=256
    run head-32 "train.input=$work/prepared" model.head.hidden=32
    run augment-2 "train.input=$work/prepared" train.augment.copies=2
    ;;
esac
