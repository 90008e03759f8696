#!/bin/sh
# Builds the C baseline and runs the comparison matrix, pinned to one core. See README.md.
#   ./run.sh            all configurations, O2 and O3 -march=native
#   CPU=0 ./run.sh      pin to another core
#   RUNS=7 WARMUPS=3 SECONDS_PER_RUN=1 ./run.sh
set -eu
cd "$(dirname "$0")"
make -s all
CPU=${CPU:-1}
RUNS=${RUNS:-7}
WARMUPS=${WARMUPS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-1}
PIN=""
if command -v taskset >/dev/null 2>&1; then
    PIN="taskset -c $CPU"
fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -n) $(gcc --version | head -1)"
echo "# load before: $(uptime)"
for build in O2 O3; do
    for config in "nat-in 1024" "nat-in 1048576" "nat-out 1024" "nat-out 1048576" "dr 1000" "dr 1000000"; do
        # shellcheck disable=SC2086
        printf '%s  ' "$build"
        $PIN ./natbench-$build $config -w "$WARMUPS" -r "$RUNS" -t "$SECONDS_PER_RUN" | tail -1
    done
done
echo "# load after: $(uptime)"
