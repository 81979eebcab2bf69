#!/usr/bin/env bash
# Prepare throughput benchmark: runs the real prepare job (submit.sh, local mode) over a folder-per-class image set
# and prints files/s from the job's own summary and the wall time of the whole command (JVM start included).
#   src/bench/prepare-throughput.sh [input folder] [runs]
# Default input: ../shared/datasets/face-mask-dev (4,094 real face images).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
input="$(cd "${1:-$DEV}" && pwd)"
runs="${2:-3}"
out="$(mktemp -d)/prepared"
echo "cores: $(nproc); input: $input; runs: $runs"
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$HERE/submit.sh" prepare "prepare.input=file://$input" "prepare.output=file://$out" prepare.overwrite=true \
    2> "$out.log"
  end=$(date +%s.%N)
  python3 - "$out/summary.json" "$start" "$end" "$out.log" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1])); wall = float(sys.argv[3]) - float(sys.argv[2])
stages = {m.group(1): float(m.group(2)) for m in re.finditer(r"INFO (?:PrepareStage|ImageFolder): (listed|decoded|wrote) .* in ([0-9.]+) s$", open(sys.argv[4]).read(), re.M)}
print(f"files={s['files']} accepted={s['accepted']} rejected={s['rejected']} "
      f"stage={s['seconds']:.1f}s ({s['files']/s['seconds']:.0f} files/s) "
      f"command={wall:.1f}s ({s['files']/wall:.0f} files/s) "
      f"list={stages.get('listed')}s decode+resize={stages.get('decoded')}s write={stages.get('wrote')}s")
PY
done
rm -rf "$(dirname "$out")"
