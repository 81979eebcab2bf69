#!/usr/bin/env bash
# Runs every test (unit and local-mode end-to-end) with Maven; the Surefire summary is the last thing printed.
# Needs only Java 17 and Maven; dependencies come from Maven Central on the first run.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
