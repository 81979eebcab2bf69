#!/usr/bin/env bash
# Several people per photo, on ../shared/datasets/face-mask-multi-dev (400 photos, 2,765 annotated faces).
# The photos are split in two fixed halves by file name: half 0 calibrates (box adjustment, training crops),
# half 1 is only ever evaluated.
#   src/bench/faces-benchmark.sh detectors MODEL_DIR   each detector backend on half 1: recall, precision, time
#   src/bench/faces-benchmark.sh crops                 train on the dev set alone, and on the dev set plus the
#                                                      face crops of half 0; evaluate both on half 1 (YuNet)
#   src/bench/faces-benchmark.sh calibrate [faces.key=value ...]
#                                                      faces.box-adjust of the configured detector and settings,
#                                                      measured on half 0 (all faces, and faces of 32 px+)
#   src/bench/faces-benchmark.sh sweep                 YuNet's recall by face size on half 0 for several
#                                                      faces.detect-side and faces.confidence values
#   src/bench/faces-benchmark.sh throughput MODEL_DIR ROUNDS [faces.key=value ...]
#                                                      the score job per face over half 1's photos, ROUNDS times
#                                                      (photos/s, face rows; the first round warms the machine up)
#   src/bench/faces-benchmark.sh misses HALF OUT|- [faces.key=value ...]
#                                                      why faces are missed and what the unmatched boxes are,
#                                                      by size, with the configured detector settings; with OUT,
#                                                      a picture of each (DetectionMisses)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
MULTI="$SHARED/datasets/face-mask-multi-dev"
DET="$SHARED/models/face-detectors"
cd "$HERE"
start_benchmark
java -cp "$BENCH_CP" org.facemask.bench.FaceCropsExport --half "$MULTI" "$work/heldout" 1

evaluate() { # model, output name, extra settings...
  local model="$1" name="$2"; shift 2
  ./submit.sh evaluate "evaluate.model=$model" "evaluate.input=$work/heldout" "evaluate.output=$work/$name" "$@" 2>&1 \
    | grep -E "^faces:|FaceEvaluation: found"
  python3 - "$work/$name/metrics.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))["faces"]
d, c = f["detection"], f["classification_of_found_faces"]
print(f"  detection recall {d['recall']:.3f} precision {d['precision']:.3f}; classification accuracy {c['accuracy']:.3f} "
      f"on {c['faces']} found faces, confusion {c['confusion_matrix']}; end to end {f['end_to_end']['share']:.3f}")
PY
}

case "${1:-}" in
  calibrate)
    java -cp "$BENCH_CP" -Dlog4j2.level=warn org.facemask.bench.FaceBoxCalibration "$MULTI" "${@:2}"
    ;;
  sweep)
    # the sweep of session 4: one pass per side, no second look
    for sides in 1024 1536 2048 "[1024,2048]"; do
      for confidence in 0.5 0.3 0.15 0.05; do
        echo "detect-side $sides, confidence $confidence:"
        java -cp "$BENCH_CP" -Dlog4j2.level=warn org.facemask.bench.DetectionMisses "$MULTI" 0 - \
          "faces.model=$DET/face_detection_yunet_2026may.onnx" "faces.detect-side=$sides" "faces.confidence=$confidence" \
          faces.flip=false faces.verify-side=0 | grep -E "^(found at|kept boxes|  missed)|photos of half"
      done
    done
    ;;
  throughput)
    model="${2:?model dir}"; rounds="${3:?rounds}"
    for round in $(seq "$rounds"); do
      ./submit.sh score "score.model=$model" "score.input=$work/heldout/images" "score.output=$work/scores-$round" \
        score.faces=true score.incremental=false "spark.master=local[*]" "${@:4}" 2>&1 | grep "ScoreStage: scored" \
        | sed -E 's/.*(scored .* images\/s).*/\1/'
    done
    ;;
  misses)
    java -cp "$BENCH_CP" -Dlog4j2.level=warn org.facemask.bench.DetectionMisses "$MULTI" "${2:?half: 0 or 1}" \
      "${3:?output folder for the pictures, or -}" "${@:4}"
    ;;
  detectors)
    model="${2:?model dir}"
    evaluate "$model" yunet "faces.detector=yunet" "faces.model=$DET/face_detection_yunet_2026may.onnx"
    evaluate "$model" res10 "faces.detector=res10" "faces.model=$DET/opencv_face_detector_uint8.pb" \
      "faces.model-config=$DET/opencv_face_detector.pbtxt"
    evaluate "$model" haar "faces.detector=haar"
    ;;
  crops)
    for variant in dev crops; do
      mkdir -p "$work/$variant-in"
      if [ "$variant" = crops ]; then
        java -cp "$BENCH_CP" org.facemask.bench.FaceCropsExport "$MULTI" "$work/$variant-in" 0 0.15 without_mask
      fi
      for c in with_mask without_mask; do
        mkdir -p "$work/$variant-in/$c"
        for f in "$SHARED/datasets/face-mask-dev/$c"/*; do ln -s "$f" "$work/$variant-in/$c/dev_$(basename "$f")"; done
      done
      ./submit.sh prepare "prepare.input=$work/$variant-in" "prepare.output=$work/$variant-prepared" 2>&1 | grep "prepare done"
      ./submit.sh train "train.input=$work/$variant-prepared" "train.output=$work/$variant-model" \
        "model.base.weights=$WEIGHTS" train.epochs=15 "${HEAD_ONLY[@]}" 2>&1 | grep "test accuracy"
      echo "$variant:"
      evaluate "$work/$variant-model" "$variant-eval" "faces.model=$DET/face_detection_yunet_2026may.onnx"
    done
    ;;
  *) echo "usage: $0 calibrate | sweep | throughput MODEL_DIR ROUNDS [k=v ...] | misses HALF OUT|- [k=v ...] | detectors MODEL_DIR | crops" >&2; exit 2 ;;
esac
