#!/bin/sh
# Shows that the program's checks catch a broken build: builds copies of director.c with one
# deliberate defect each and expects every one to print VERIFY FAILED and exit 1, and the
# unbroken build to pass. See README.md, "Checks".
set -eu
cd "$(dirname "$0")"
CC=${CC:-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp ippvs_nat.h natbench.c "$tmp"/

# build NAME FUNCTION PATTERN REPLACEMENT: director.c with PATTERN changed (sed s###) in the function
# whose definition line starts with FUNCTION
build() {
    sed "/^$2/,/^}/ s#$3#$4#" director.c > "$tmp/director.c"
    if cmp -s director.c "$tmp/director.c"; then
        echo "selfcheck: the pattern of '$1' no longer matches director.c" >&2
        exit 2
    fi
    $CC -std=c11 -O2 -o "$tmp/$1" "$tmp/director.c" "$tmp/natbench.c"
}

# expect_fail NAME MODE: the defective build must fail its checks
expect_fail() {
    if "$tmp/$1" "$2" 1024 -w 1 -r 1 -t 0.05 > "$tmp/out" 2>&1; then
        echo "NOT CAUGHT: $1 ($2)"
        failed=1
    else
        echo "caught: $1 ($2): $(grep -m1 'VERIFY FAILED' "$tmp/out" || tail -1 "$tmp/out")"
    fi
}

failed=0
tcp4='static inline bool nat_tcp4'
build tcp-checksum "$tcp4" '+ (~old_port \& 0xFFFF) + new_port;' '+ (~old_port \& 0xFFFF);'
expect_fail tcp-checksum nat-in
expect_fail tcp-checksum worker-out
build ip-checksum "$tcp4" 'acc += 0xFEFF;' 'acc += 0xFEFE;'
expect_fail ip-checksum worker-in
build no-ttl "$tcp4" 'b\[l3 + 8\] = (uint8_t)(ttl - 1);' ';'
expect_fail no-ttl nat-out
build port "$tcp4" 'reply ? new_port << 16' 'reply ? old_port << 16'
expect_fail port worker-out
build count-cap 'static int inbound' 'ct_packets(t, h) <= DROP_ENTRY_MAX_PACKETS' 'ct_packets(t, h) < DROP_ENTRY_MAX_PACKETS'
expect_fail count-cap nat-in
build no-total 'static inline void stats_add2_3' 'atomic_store_explicit(z + i1, LOAD(z + i1) + d1, RELEASE);' ';'
expect_fail no-total worker-in
build no-touch 'static inline void ct_touch' 'if (ahead < 0 || ahead >= TOUCH_SLACK_NANOS)' 'if (ahead < 0)'
expect_fail no-touch worker-in
build no-state 'static inline void advance' 'ct_touch(t, h, timeout, now);' 'ct_compare_and_set_state(t, h, state, TS_CLOSE_WAIT, timeout, now);'
expect_fail no-state nat-out
expect_fail tcp-checksum burst-in
build burst-slot 'void director_process_burst' 's->info = \&w->burst_info\[i\];' 's->info = \&w->burst_info[0];'
expect_fail burst-slot burst-in

# and the unbroken build passes
$CC -std=c11 -O2 -o "$tmp/ok" director.c natbench.c
for mode in nat-in nat-out worker-in worker-out burst-in burst-out dr; do
    if ! "$tmp/ok" "$mode" 1024 -w 1 -r 1 -t 0.05 > "$tmp/out" 2>&1; then
        echo "FAILED unbroken: $mode"
        cat "$tmp/out"
        failed=1
    fi
done
[ "$failed" = 0 ] && echo "selfcheck: every defect caught, unbroken build verified"
exit "$failed"
