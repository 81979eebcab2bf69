#!/usr/bin/env bash
# Cross-dataset accuracy: train on one source, evaluate on another that shares no photo with it. A model's own test
# split says little about new photos; this is how the training recipe is chosen (docs/BENCHMARKS.md).
#   src/bench/generalization.sh [key=value ...]    the overrides go to every train run (the recipe under test)
# WORK=DIR keeps the prepared sets (and models) in DIR and reuses them on the next run, so that recipes can be
# compared without preparing again; NAME=x names the recipe's models (default: "default"), which are kept there too
# and reused by a later run with the same NAME (delete model-*-NAME to train them again).
# Sources: D = ../shared/datasets/face-mask-dev (folder per class), M = ../shared/datasets/face-mask-multi-dev (VOC
# photos, every annotated face cut out by prepare); M is halved by photo (A/B, FaceCropsExport.inHalf, the halves
# faces-benchmark.sh uses). Directions:
#   (a) D -> M        trained on the dev set, evaluated on every face of the multi-face set
#   (b) M.A -> D.test trained on the faces of half A, evaluated on the dev set's test split
#   (c) D+M.A -> M.B  trained on both, evaluated on every face of half B
# Prints one line a direction (accuracy, recall per class, AUC) and each model's accuracy on its own test split.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_test_classes
if [ -n "${WORK:-}" ]; then work="$WORK"; mkdir -p "$work"; else make_workdir; fi
MULTI="$SHARED/datasets/face-mask-multi-dev"
name="${NAME:-default}"
echo "cores: $(nproc); recipe: ${*:-defaults}"

for half in 0 1; do
  [ -d "$work/voc-$half" ] || java -cp "$BENCH_CP" -Dlog4j2.level=off org.facemask.bench.FaceCropsExport --half "$MULTI" "$work/voc-$half" "$half"
done

job() { "$HERE/submit.sh" "$@" "model.base.weights=$WEIGHTS" 2>&1 | grep -E "prepare done|model .* written|^error" || true; }
prepare() { # $1 = output, rest = sources
  local out="$1"; shift
  [ -f "$work/$out/summary.json" ] && return
  local list; list="$(printf '"%s",' "$@")"
  job prepare "prepare.inputs=[${list%,}]" "prepare.output=$work/$out"
}
prepare dev "$DEV"
prepare multi "$MULTI"
prepare multi-a "$work/voc-0"
prepare multi-b "$work/voc-1"
prepare dev+multi-a "$DEV" "$work/voc-0"

train() { # $1 = prepared set and model name
  if [ -n "${WORK:-}" ] && [ -f "$work/model-$1-$name/model.zip" ]; then echo "reusing $work/model-$1-$name"; return; fi
  local s e; s=$(date +%s)
  job train "train.input=$work/$1" "train.output=$work/model-$1-$name" train.overwrite=true "${recipe[@]+"${recipe[@]}"}"
  e=$(date +%s); echo "trained on $1 in $((e - s)) s"
}
recipe=("$@")
train dev
train multi-a
train dev+multi-a

evaluate() { # $1 = direction, $2 = model, $3 = prepared set, $4 = split
  job evaluate "evaluate.model=$work/model-$2-$name" "evaluate.input=$work/$3" "evaluate.split=$4" \
    "evaluate.output=$work/eval-$2-$name-on-$3" evaluate.overwrite=true
  python3 - "$1" "$work/eval-$2-$name-on-$3/metrics.json" "$work/model-$2-$name/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[2]))
own = json.load(open(sys.argv[3]))["test"]
recall = ", ".join(f"{c} recall {v['recall']:.3f}" for c, v in m["per_class"].items())
print(f"{sys.argv[1]}: accuracy {m['accuracy']:.4f} on {m['images']} faces ({recall}), AUC {m['auc']:.4f}; "
      f"own test split {own['accuracy']:.4f} ({own['images']})")
PY
}
evaluate "(a) D -> M" dev multi all
evaluate "(b) M.A -> D.test" multi-a dev test
evaluate "(c) D+M.A -> M.B" dev+multi-a multi-b all
