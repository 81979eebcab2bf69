# Sourced by the benchmark scripts: where the repository, ../shared and the ImageNet weights are, the class path of
# the benchmark mains (src/bench/java, compiled with the tests into target/test-classes), a build when they are
# missing, and a scratch folder removed on exit.
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$HERE/../shared}"
DEV="$SHARED/datasets/face-mask-dev"
WEIGHTS="$SHARED/models/mobilenet_v2_0.35_224/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
# Train overrides for the head alone (the defaults until session 8): benchmarks whose model only has to exist, or that
# time the head's training, or whose recorded figures were measured with it
HEAD_ONLY=(train.augment.copies=0 train.fine-tune.blocks=0)
# the job's class path plus target/test-classes, where InferenceBenchmark, StageRates and the faces tools live
BENCH_CP="$HERE/target/test-classes:$HERE/target/classes:$HERE/target/lib/*:$HERE/target/spark-lib/*"

require_test_classes() {
  [ -d "$HERE/target/test-classes" ] && [ -f "$HERE/target/facemask-pipeline.jar" ] \
    || (cd "$HERE" && mvn -q -B -DskipTests package test-compile)
}

# what every Spark benchmark does first: the benchmark mains built, a scratch folder, the core count printed
start_benchmark() {
  require_test_classes
  make_workdir
  echo "cores: $(nproc)"
}

# sets $work to a fresh folder, removed when the script exits
make_workdir() {
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
}

# one line: the plain-loop ONNX Runtime rate right now (2 single-threaded sessions, batch 8, 128 dev images, no
# Spark), printed by the Spark benchmarks next to their own rates because this kind of VM drifts between minutes
machine_probe() {
  java -Xmx2g -cp "$BENCH_CP" -Dlog4j2.level=off org.facemask.bench.InferenceBenchmark "$DEV" "$WEIGHTS" 128 probe 2>/dev/null \
    | grep "machine probe"
}

# ENGINE ONCE_LOG THRICE_LOG SED: the marginal rate between a job's run on the input once and three times over;
# SED turns the two job lines, pasted side by side, into "images_once seconds_once images_thrice seconds_thrice"
print_marginal() {
  paste "$2" "$3" | sed -E "$4" \
    | awk -v e="$1" '{ printf "%s marginal: %d more images in %.1f s more = %.0f images/s\n", e, $3 - $1, $4 - $2, ($3 - $1) / ($4 - $2) }'
}

# MODEL: prints MODEL when given; else trains one on the dev set (prepare + 3 epochs of the head) in $work and
# prints its folder
model_or_train() {
  if [ -n "$1" ]; then echo "$1"; return; fi
  "$HERE/submit.sh" prepare "prepare.input=$DEV" "prepare.output=$work/prepared" 2>&1 | grep "prepare done" >&2
  "$HERE/submit.sh" train "train.input=$work/prepared" "train.output=$work/model" train.epochs=3 \
    "${HEAD_ONLY[@]}" "model.base.weights=$WEIGHTS" 2>&1 | grep "test accuracy" >&2
  echo "$work/model"
}
