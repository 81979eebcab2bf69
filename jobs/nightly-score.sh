#!/usr/bin/env bash
# Nightly scoring entry for a scheduler (cron, Airflow's BashOperator, a Kubernetes CronJob):
#   jobs/nightly-score.sh [yyyy-MM-dd] [key=value ...]
# Scores everything new under score.input with the model in score.model into the run_date partition of
# score.output (see conf/nightly-score.conf). The date defaults to yesterday (UTC): the night's run scores the
# day that just ended. Re-running a date replaces its partition, so a failed night is simply run again.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
date="${1:-$(date -u -d yesterday +%F)}"
shift || true
exec "$HERE/submit.sh" score --conf "${NIGHTLY_CONF:-$HERE/conf/nightly-score.conf}" "score.run-date=$date" "$@"
