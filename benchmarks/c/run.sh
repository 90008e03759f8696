#!/bin/sh
# Builds the C baseline and runs the comparison matrix, pinned to one core. See README.md.
#   ./run.sh            all configurations, O2 and O3 -march=native
#   CPU=0 ./run.sh      pin to another core
#   RUNS=5 WARMUPS=3 SECONDS_PER_RUN=1 ./run.sh   (the defaults: JMH's -wi 3 -w 1s -i 5 -r 1s)
#   BUILDS=O2 MODES="nat-in worker-in" SIZES=1048576 ./run.sh
#   MODES="dr" SIZES="1000 1000000" ./run.sh           (the pass-through director)
set -eu
cd "$(dirname "$0")"
make -s all
CPU=${CPU:-1}
RUNS=${RUNS:-5}
WARMUPS=${WARMUPS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-1}
BUILDS=${BUILDS:-"O2 O3"}
MODES=${MODES:-"nat-in nat-out worker-in worker-out burst-in burst-out"}
SIZES=${SIZES:-"1024 1048576"}
PIN=""
if command -v taskset >/dev/null 2>&1; then
    PIN="taskset -c $CPU"
fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -n) $(gcc --version | head -1)"
echo "# load before: $(uptime)"
for build in $BUILDS; do
    for mode in $MODES; do
        for size in $SIZES; do
            printf '%s  ' "$build"
            $PIN ./natbench-$build "$mode" "$size" -w "$WARMUPS" -r "$RUNS" -t "$SECONDS_PER_RUN" | tail -1
        done
    done
done
echo "# load after: $(uptime)"
