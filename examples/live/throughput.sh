#!/bin/sh
# Bulk TCP through the TUN director against plain kernel forwarding on the same topology (issue 16).
# Run as root from anywhere:
#
#   throughput.sh [JAR] [SECONDS] [CASES]
#
#   JAR      ippvs.jar (default: examples/target/ippvs.jar)
#   SECONDS  iperf3 time per run (default 10)
#   CASES    which rows, space-separated (default "4/1 4/4 6/1 6/4": IPv4 and IPv6, 1 and 4 streams)
#
# Two namespace sets with the same links, addresses and MTUs (veth, 1500), named after this
# process's id so runs and helpers do not collide, deleted on every way out (trap):
#
#   PREFIX-client eth0 10.10.1.2 fd00:1::2 --- cl0 10.10.1.1 fd00:1::1  PREFIX-director
#                                              rs1 10.10.11.1 fd00:11::1 --- eth0 10.10.11.2 fd00:11::2  PREFIX-rs
#     director: VIP 10.10.200.200 / fd00:200::200 routed into tun0 (multi_queue), everything arriving
#     on rs1 routed into tun0 too (table 100), `ippvs tun` NAT to the server's iperf3 on port 5201
#   PREFIX-kclient / PREFIX-krouter / PREFIX-krs: the same links and addresses, ip_forward on and no
#     TUN device: the client sends to 10.10.11.2 / fd00:11::2 and the kernel forwards it
#
# For each row: kernel forwarding, the director with 1 thread, the director with 2 threads
# (--threads 2: two TUN queues), back to back, iperf3 -c (client to server, as an upload), SECONDS
# each. It prints Mbit/s at the receiver, the ratio to kernel forwarding, 2 threads / 1, and each
# director run's counters (dropped, refused-by-kernel) with the CPU its packet threads used and the
# machine's idle share during the run. iperf3 comes from Debian if missing.
set -eu
. "$(dirname "$0")/netns.sh"

here=$(cd "$(dirname "$0")" && pwd)
JAR=${1:-$here/../target/ippvs.jar}
SECONDS_PER_RUN=${2:-10}
CASES=${3:-"4/1 4/4 6/1 6/4"}
prefix=ippvs-tp$$
work=$(mktemp -d /tmp/ippvs-throughput.XXXXXX)
KEEP=${KEEP:-}
VIP4=10.10.200.200
VIP6=fd00:200::200

all_ns() {
    for n in client director rs kclient krouter krs; do echo "$prefix-$n"; done
}

cleanup() {
    status=$?
    trap - EXIT INT TERM
    stop_and_delete $(all_ns)
    if [ $status -ne 0 ]; then
        echo "throughput.sh: failed (status $status); logs kept in $work" >&2
    else
        [ -n "$KEEP" ] || rm -rf "$work"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "throughput.sh: needs root (network namespaces, TUN)" >&2; exit 2; }
[ -f "$JAR" ] || { echo "throughput.sh: no $JAR (mvn -pl examples -am package)" >&2; exit 2; }
if ! command -v iperf3 >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y iperf3 >/dev/null
fi

# links CLIENT ROUTER SERVER: the client-router-server chain, IPv4 and IPv6, forwarding on
links() {
    c=$prefix-$1 r=$prefix-$2 s=$prefix-$3
    for ns in "$c" "$r" "$s"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    ip -n "$r" link add cl0 type veth peer name eth0 netns "$c"
    ip -n "$r" link add rs1 type veth peer name eth0 netns "$s"
    ip -n "$r" addr add 10.10.1.1/24 dev cl0
    ip -n "$r" addr add fd00:1::1/64 dev cl0 nodad
    ip -n "$r" addr add 10.10.11.1/24 dev rs1
    ip -n "$r" addr add fd00:11::1/64 dev rs1 nodad
    ip -n "$c" addr add 10.10.1.2/24 dev eth0
    ip -n "$c" addr add fd00:1::2/64 dev eth0 nodad
    ip -n "$s" addr add 10.10.11.2/24 dev eth0
    ip -n "$s" addr add fd00:11::2/64 dev eth0 nodad
    for l in "$r cl0" "$r rs1" "$c eth0" "$s eth0"; do
        set -- $l
        ip -n "$1" link set "$2" up
    done
    ip -n "$s" route add default via 10.10.11.1
    ip -n "$s" -6 route add default via fd00:11::1
}

links client director rs
d=$prefix-director
ip -n "$prefix-client" route add "$VIP4" via 10.10.1.1
ip -n "$prefix-client" -6 route add "$VIP6" via fd00:1::1
ip -n "$d" tuntap add dev tun0 mode tun multi_queue
ip -n "$d" link set tun0 up
ip netns exec "$d" sysctl -qw net.ipv4.conf.tun0.rp_filter=0
ip -n "$d" route add "$VIP4/32" dev tun0
ip -n "$d" -6 route add "$VIP6/128" dev tun0
ip -n "$d" rule add iif rs1 lookup 100
ip -n "$d" -6 rule add iif rs1 lookup 100
ip -n "$d" route add default dev tun0 table 100
ip -n "$d" -6 route add default dev tun0 table 100
cat > "$work/rules.txt" <<EOF
-A -t $VIP4:5201 -s rr
-a -t $VIP4:5201 -r 10.10.11.2:5201 -m
-A -t [$VIP6]:5201 -s rr
-a -t [$VIP6]:5201 -r [fd00:11::2]:5201 -m
EOF

links kclient krouter krs
ip -n "$prefix-kclient" route add 10.10.11.0/24 via 10.10.1.1
ip -n "$prefix-kclient" -6 route add fd00:11::/64 via fd00:1::1

for s in rs krs; do
    ip netns exec "$prefix-$s" iperf3 -s -D -I "$work/iperf3-$s.pid" --logfile "$work/iperf3-$s.log"
done
sleep 1

# iperf3 CLIENT_NS ADDRESS STREAMS: Mbit/s at the receiver, or "failed"
iperf() {
    out=$work/iperf3-$(date +%s%N).txt
    if ! ip netns exec "$1" iperf3 -c "$2" -t "$SECONDS_PER_RUN" -P "$3" -f m >"$out" 2>&1; then
        echo failed
        cat "$out" >&2
        return
    fi
    # the last receiver line: [SUM] with several streams, the stream's own with one
    awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i } END { print v }' "$out"
}

# director THREADS: starts `ippvs tun` in the director namespace, returns when it serves
director_pid=
director_start() {
    log=$work/director-$1.out
    ip netns exec "$d" java -jar "$JAR" tun --dev tun0 --rules "$work/rules.txt" --threads "$1" --no-commands \
        >"$log" 2>"$work/director-$1.err" &
    director_pid=$!
    for _ in $(seq 1 150); do
        grep -q '^# ready' "$log" 2>/dev/null && return 0
        kill -0 "$director_pid" 2>/dev/null || break
        sleep 0.2
    done
    echo "throughput.sh: the director did not start:" >&2
    cat "$work/director-$1.err" >&2
    exit 1
}

# director_iperf THREADS ADDRESS STREAMS: iperf() through the director, with its threads' CPU recorded
director_iperf() {
    cpu_snapshot "$director_pid" >"$work/cpu-before"
    iperf "$prefix-client" "$2" "$3"
    cpu_snapshot "$director_pid" >"$work/cpu-after"
    cpu_report "$work/cpu-before" "$work/cpu-after" >"$work/cpu-$1"
}

# director_stop THREADS WHAT: SIGTERM (it prints its listing and counters); adds its counters line
# to $counters (not in a command substitution: only this shell can wait for the JVM)
director_stop() {
    kill -TERM "$director_pid"
    wait "$director_pid" || true
    counters="$counters
$2: $(grep '^forwarded ' "$work/director-$1.out" | tail -1)
    $(cat "$work/cpu-$1")"
}

# cpu_snapshot PID: per thread "NAME TICKS" of the director's packet threads, then "idle TICKS" and
# "total TICKS" of the whole machine (/proc/stat), to say afterwards where the time went
cpu_snapshot() {
    for t in /proc/"$1"/task/*; do
        name=$(cat "$t/comm" 2>/dev/null) || continue
        case "$name" in tun-*) awk -v n="$name" '{ sub(/^.*\) /, ""); print n, $12 + $13 }' "$t/stat" ;; esac
    done
    awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print "idle", $5 + $6; print "total", t }' /proc/stat
}

# cpu_report BEFORE AFTER: each packet thread's share of one CPU, and the machine's idle share
cpu_report() {
    awk 'NR == FNR { a[$1] = $2; next } { d[$1] = $2 - a[$1] }
        END { hz = d["total"]; for (k in d) if (k != "idle" && k != "total") s = s sprintf(" %s %d%%", k, 100 * d[k] * ncpu / hz);
              printf "threads (share of one CPU):%s; machine idle %d%%\n", s, 100 * d["idle"] / hz }' ncpu="$(nproc)" "$1" "$2"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# iperf3 ${SECONDS_PER_RUN} s per run, Mbit/s at the receiver; director NAT, offloads on"
printf '%-18s %9s %18s %18s %8s\n' case kernel "director 1 thr" "director 2 thr" "2 / 1"
counters=
for c in $CASES; do
    family=${c%/*} streams=${c#*/}
    if [ "$family" = 6 ]; then vip=$VIP6 rs=fd00:11::2; else vip=$VIP4 rs=10.10.11.2; fi
    kernel=$(iperf "$prefix-kclient" "$rs" "$streams")
    director_start 1
    one=$(director_iperf 1 "$vip" "$streams")
    director_stop 1 "IPv$family, $streams stream(s), 1 thread"
    director_start 2
    two=$(director_iperf 2 "$vip" "$streams")
    director_stop 2 "IPv$family, $streams stream(s), 2 threads"
    printf '%-18s %9s %11s (%4s) %11s (%4s) %8s\n' "IPv$family, $streams stream(s)" "$kernel" \
        "$one" "$(ratio "$one" "$kernel")" "$two" "$(ratio "$two" "$kernel")" "$(ratio "$two" "$one")"
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# director counters per run:$counters"
